"""Figures: value, unit, qualifier ("lebih dari"), reference year, what is counted, whom it describes;
parts and wholes, and a check of a stated share against its parts.

`PT. Sun Aqua Toto telah mempekerjakan 90 pekerja penyandang disabilitas dari total karyawan 160
orang (65%)` gives a part (90), a whole (160) and a stated share (65 %). 90 / 160 is 56.25 %, so the
stated share is recorded as it is written and an inconsistency is recorded beside it.
"""

from __future__ import annotations

import re
from decimal import Decimal

from rdflib import Literal
from rdflib.namespace import XSD

from kg.extract.facts.base import Analysis
from kg.extract.mentions import Mention
from kg.extract.numbers import CLASSIFIERS, is_integral
from kg.extract.text import Sentence
from kg.graph.vocab import KG, RDF, RDFS, SDO

PER_PERIOD = re.compile(r"\b(?:dalam|per|setiap|tiap) (?:satu )?(?P<unit>hari|minggu|pekan|bulan|tahun)(?:nya)?\b|"
                        r"\bse(?P<short>hari|minggu|pekan|bulan|tahun)\b", re.IGNORECASE)
NAMED_AS = re.compile(r"^ (?:[a-z]+ ){0,4}?(?:yang )?(?:disebut|dinamakan|bernama|dikenal sebagai) ")
# "Rp 20.000,- hingga Rp30.000,-/ hari", "5 juta per bulan": a rate right after the figure (or its range)
RATE_AFTER = re.compile(r"^(?:,-)?(?:\s*(?:hingga|sampai|-)\s*(?:Rp\.?\s*)?[\d.,]+(?:,-)?)?(?: [a-z]+(?=/))?\s*(?:/|per\b|setiap\b|tiap\b)\s*"
                        r"(?P<unit>hari|minggu|pekan|bulan|tahun)\b", re.IGNORECASE)
PERIODS = {"hari": "P1D", "minggu": "P1W", "pekan": "P1W", "bulan": "P1M", "tahun": "P1Y"}
WHOLE = re.compile(r"^\s*dari (?:total |jumlah |sebanyak |seluruh )?(?P<noun>[a-z][a-z ]*?)? ?$")
#: nouns that name what a percentage measures (KBBI): "realisasi anggaran … sebesar 49,13 persen"
MEASURE = re.compile(r"\b(?P<noun>(?i:kuota|p[er]{2}sentase|proporsi|tingkat|angka|rasio|porsi|target|realisasi|capaian|"
                     r"serapan|pertumbuhan|kenaikan|penurunan)(?: (?!(?:tersebut|ini|itu|terdiri|atas|dari|pada|di|ke)\b)[a-z]+?){0,3}?)(?:nya)?"
                     r"(?: yang| sudah| telah| sebesar| sebanyak| mencapai| adalah| tersebut| ini| itu| (?=[A-Z])|\s*$)")
#: nouns that name what a sum of money is (KBBI): "dengan penghasilan Rp 20.000,-"
MONEY_MEASURE = re.compile(r"\b(?P<noun>(?i:anggaran|dana|biaya|bantuan|hibah|penghasilan|pendapatan|gaji|upah|"
                           r"nilai|modal|insentif|santunan))(?:nya)?(?: (?:sebesar|senilai|mencapai|hingga|rata-rata))? $")
THIS = re.compile(r"\b(?:program|kegiatan|layanan|lembaga|perusahaan) ini\b")
EXCEEDS = re.compile(r"\b(?:melebihi|melampaui|di atas)\b")
TOLERANCE = Decimal("0.5")
PARTS_CUE = re.compile(r"^[^.;]{0,60}?\b(?:terdiri (?:atas|dari)|yaitu|yakni|meliputi|di antaranya)\b")


def _typed(value: Decimal) -> Literal:
    if is_integral(value):
        return Literal(int(value), datatype=XSD.integer)
    return Literal(format(value.normalize(), "f"), datatype=XSD.decimal)


def extract(a: Analysis) -> None:
    by_sentence: dict[int, list[tuple[str, Mention]]] = {}
    for m in [m for m in a.mentions if m.kind in ("number", "percent", "money")]:
        sentence = a.sentence_at(m.start)
        key = a.node("statistic", m)
        by_sentence.setdefault(sentence.index, []).append((key, m))
        _statistic(a, key, m, sentence)
    for index, stats in by_sentence.items():
        sentence = a.sentences[index]
        _parts_and_wholes(a, sentence, stats)
        _parts_add_up(a, sentence, stats)
        _exceeds(a, sentence, stats, by_sentence.get(index - 1, []))


def _statistic(a: Analysis, key: str, m: Mention, sentence: Sentence) -> None:
    value: Decimal = m.attrs["value"]
    a.add(key, RDF.type, KG.Statistic, sentence, [m], "figure")
    a.add(key, SDO.value, _typed(value), sentence, [m], "figure-indonesian-numeral")
    if m.attrs.get("bound") == "min":
        a.add(key, SDO.minValue, _typed(value), sentence, [m], "figure-lower-bound")
    if m.attrs.get("bound") == "max":
        a.add(key, SDO.maxValue, _typed(value), sentence, [m], "figure-upper-bound")
    if m.attrs.get("qualifier"):
        a.add(key, KG.qualifier, Literal(m.attrs["qualifier"], lang="id"), sentence, [m], "figure-qualifier")
    counted = m.attrs.get("counted", "")
    unit = {"percent": "persen", "money": m.attrs.get("unit") or "rupiah"}.get(m.kind, counted)
    if m.kind == "percent":
        a.add(key, SDO.unitCode, Literal("P1"), sentence, [m], "figure-percent")
        measure = list(MEASURE.finditer(a.norm.text[sentence.start:m.start]))
        if measure:
            noun = measure[-1].group("noun")
            counted = noun[0].lower() + noun[1:]
    elif m.kind == "money":
        currency = m.attrs.get("currency", "IDR")
        a.add(key, SDO.unitCode, Literal(currency), sentence, [m], "figure-rupiah" if currency == "IDR" else "figure-dollars")
        paid = MONEY_MEASURE.search(a.norm.text[max(sentence.start, m.start - 60):m.start])
        if paid and not counted:  # "penghasilan Rp 20.000,-", "anggaran sebesar Rp 45 miliar"
            counted = paid.group("noun").lower()
    elif counted in MEASURE_WORDS and (total := TOTAL_OF.search(a.norm.text[max(sentence.start, m.start - 40):m.start])):
        counted = total.group("noun")  # "dari total karyawan 160 orang": the classifier measures the employees
    if unit:
        a.add(key, SDO.unitText, Literal(unit, lang="id"), sentence, [m], "figure-unit")
    if counted:
        a.add(key, KG.counts, Literal(counted, lang="id"), sentence, [m], "figure-counted-noun")
    years = _years(a, sentence)
    if years:
        a.add(key, KG.referenceYear, Literal(str(years[0][1]), datatype=XSD.gYear), sentence, [years[0][0], m],
              "figure-year-in-sentence")
    elif CONTINUES.match(sentence.text) and sentence.index > 0:
        before = _years(a, a.sentences[sentence.index - 1])  # "… Tahun 2020 … 123.500 orang. Namun realisasinya …"
        if before:
            a.add(key, KG.referenceYear, Literal(str(before[0][1]), datatype=XSD.gYear), sentence,
                  [before[0][0], m], "figure-year-of-continued-sentence")
    rate = RATE_AFTER.match(a.norm.text[m.end:m.end + 40])
    if rate:
        period = PERIODS[rate.group("unit").lower()]
        a.add(key, KG.period, Literal(period, datatype=XSD.duration), sentence, [m], "figure-rate-after")
    elif per := PER_PERIOD.search(sentence.text):  # "… 24.000 paket makanan … setiap harinya"
        unit = (per.group("unit") or per.group("short")).lower()
        a.add(key, KG.period, Literal(PERIODS[unit], datatype=XSD.duration), sentence, [m],
              "figure-per-year" if unit == "tahun" else "figure-per-period")
    about = _about(a, m, sentence)
    if about:
        a.add(key, KG.statisticOf, about.key, sentence, [about, m], about.attrs.get("about-rule", "figure-of-preceding-subject"))
    label = f"{m.text}"
    a.label(key, sentence, [m], "figure", label)

LOCATIVE_TOPIC = re.compile(r"^(?:Di|Dari) ([A-Z][\w ]*?),")
#: a sentence that goes on about the one before: a contrastive or additive connective, or "-nya"/"tersebut"
#: pointing back (Tata Bahasa Baku Bahasa Indonesia: konjungsi antarkalimat)
CONTINUES = re.compile(r"^(?:Namun|Sedangkan|Sementara itu|Adapun|Selain itu|Dengan demikian)\b|^\w+(?:nya| tersebut)\b")
COPULA = re.compile(r" (?:merupakan|adalah|ialah)\b")


#: an organisation after a preposition is where something comes from or goes through ("terdata dari KBRI",
#: "menurut data BPS" its source,
#: "melalui Direktorat …"), not the topic a later figure of the sentence describes; money "dari KOICA" is the giver's
OBLIQUE = re.compile(r"\b(?:dari|oleh|melalui|kepada|ke|menurut(?: data)?|data)\s+$")


UNTIL = re.compile(r"\b(?:hingga|sampai(?: dengan)?|s\.d\.?|sd)(?: tanggal)? $", re.IGNORECASE)


#: "total karyawan 160 orang", "jumlah pengungsi 470 jiwa": the noun the count is the total of
TOTAL_OF = re.compile(r"\b(?:total|jumlah|sejumlah) (?P<noun>[a-z]+(?: (?!(?:mencapai|sebanyak|adalah|sekitar|ada)\b)[a-z]+)?)"
                      r"(?: (?:mencapai|sebanyak|adalah|sekitar|ada))? $")
#: words that only measure a count: the classifiers, and "jiwa" (souls) for people
MEASURE_WORDS = CLASSIFIERS | {"jiwa"}
#: a person who reports a figure is not what it describes: "Harry mengatakan, 3.000 kejadian …"
REPORTS = re.compile(r"(?:,? (?:juga|pun|kemudian|lalu))?,? (?:mengatakan|menyampaikan|menjelaskan|menyebut(?:kan)?|"
                     r"melaporkan|mengungkapkan|menegaskan|menuturkan|memaparkan|menyatakan|berkata|bilang)\b")


def _years(a: Analysis, sentence: Sentence) -> list[tuple[Mention, int]]:
    """The years a sentence names: "Tahun 2020", or the year of the date a running total is counted up to
    when it names no year alone ("hingga 19 Juli 2020 sudah sebesar 49,13 persen")."""
    years = [(y, y.attrs["year"]) for y in a.in_sentence(sentence, "year")]
    return years or [(d, d.attrs["date"].year) for d in a.in_sentence(sentence, "date")
                     if "date" in d.attrs and UNTIL.search(a.norm.text[max(sentence.start, d.start - 16):d.start])]


def _about(a: Analysis, m: Mention, sentence: Sentence) -> Mention | None:
    """What the figure describes: "program ini" is the last programme named; otherwise the nearest
    organisation or programme before it in the sentence."""
    if "of" in m.attrs:  # "Adam (12)": an age describes the person it follows
        m.attrs["of"].attrs.setdefault("about-rule", "figure-age-of-person")
        return m.attrs["of"]
    before_text = a.norm.text[sentence.start:m.start]
    if THIS.search(before_text):
        candidates = [x for x in a.before(m.start, "program", "org") if x.kind == "program" or "perusahaan" in before_text]
        if candidates:
            found = candidates[-1]
            found.attrs.setdefault("about-rule", "figure-of-ini-reference")
            return found
    owned = re.match(r" (?:yang )?(?:dimiliki|milik) ", a.norm.text[m.end:m.end + 16]) if m.attrs.get("counted") else None
    gap = owned.end() if owned else 1  # "enam kantor cabang LC", "173 juta koleksi yang dimiliki LC"
    owner = next((x for x in a.in_sentence(sentence, "org") if m.attrs.get("counted") and x.start == m.end + gap), None)
    if owner:  # "tujuh petugas Kementerian Sosial", "sembilan delegasi KOICA": the counted are the organisation's
        owner.attrs.setdefault("about-rule", "figure-noun-of-organisation")
        return owner
    named = NAMED_AS.match(a.norm.text[m.end:m.end + 60])
    called = next((x for x in a.in_sentence(sentence, "program", "org") if named and x.start == m.end + named.end()), None)
    if called:  # "7 komponen layanan langsung yang disebut ATENSI"
        called.attrs.setdefault("about-rule", "figure-of-named-whole")
        return called
    after = re.match(r" (?:persen |%)?dari ", a.norm.text[m.end:m.end + 12])
    named_after = next((x for x in a.in_sentence(sentence, "org", "program")
                        if after and x.start == m.end + after.end()), None)
    if named_after:  # "47,73 persen dari Direktorat Rehabilitasi Sosial Anak"
        named_after.attrs.setdefault("about-rule", "figure-dari-organisation")
        return named_after
    chained = {id(o) for p in a.in_sentence(sentence, "person") if p.attrs.get("chain") for o in p.attrs["chain"]["orgs"]}
    candidates = [x for x in a.in_sentence(sentence, "org", "program") if x.end <= m.start and id(x) not in chained]
    oblique = {x.key for x in candidates if OBLIQUE.search(a.norm.text[max(sentence.start, x.start - 16):x.start])}
    near = [x for x in candidates if m.kind == "money" or x.key not in oblique]  # "(BPS)" is still the source
    if near:
        return near[-1]
    subject = next((x for x in a.in_sentence(sentence, "person") if x.start == sentence.start and x.end <= m.start), None)
    if subject and not REPORTS.match(a.norm.text, subject.end):  # "Ayu kemudian bekerja … dengan pendapatan 40 …"
        subject.attrs.setdefault("about-rule", "figure-of-sentence-subject-person")
        return subject
    topic = LOCATIVE_TOPIC.match(sentence.text)
    place = next((x for x in a.in_sentence(sentence, "place") if topic and x.start == sentence.start + topic.start(1)), None)
    if place and place.end <= m.start:  # "Di Korea, terdapat sebanyak 1,4 juta Pekerja Sosial"
        place.attrs.setdefault("about-rule", "figure-of-sentence-place-topic")
        return place
    return _previous_subject(a, m, sentence)


def _previous_subject(a: Analysis, m: Mention, sentence: Sentence) -> Mention | None:
    """A sentence that names nothing before its figure may go on about the topic the sentence before
    set with a copula ("Indonesia merupakan negara dengan frekuensi bencana cukup tinggi. 'Dalam satu
    tahun, terjadi lebih dari 3.000 kejadian'"): the place or programme right before "merupakan",
    "adalah" or "ialah" (Tata Bahasa Baku Bahasa Indonesia: the copula joins subject and predicate).
    Without such a topic sentence, nothing is taken from the sentence before."""
    if [x for x in a.in_sentence(sentence, "org", "program", "place", "person") if x.end <= m.start]:
        return None
    index = a.sentences.index(sentence)
    if index == 0:
        return None
    previous = a.sentences[index - 1]
    for named in a.in_sentence(previous, "program", "place"):
        if COPULA.match(a.norm.text[named.end:named.end + 12]):
            named.attrs.setdefault("about-rule", "figure-of-previous-sentence-topic")
            return named
    return None


def _parts_and_wholes(a: Analysis, sentence: Sentence, stats: list[tuple[str, Mention]]) -> None:
    """`<part> … dari total <noun> <whole> (<share>%)`: link them and check the share."""
    for (part_key, part), (whole_key, whole) in zip(stats, stats[1:]):
        if part.kind != "number" or whole.kind != "number":
            continue
        between = WHOLE.match(a.norm.text[part.end:whole.start])
        if not between:
            continue
        a.add(part_key, KG.partOf, whole_key, sentence, [part, whole], "part-dari-total-whole")
        if between.group("noun"):
            a.add(whole_key, KG.counts, Literal(between.group("noun").strip(), lang="id"), sentence, [whole], "whole-counted-noun")
        shares = [(k, s) for k, s in stats if s.kind == "percent" and s.start >= whole.end and s.start - whole.end < 8]
        if not shares:
            continue
        share_key, share = shares[0]
        a.add(share_key, KG.statedShareOf, part_key, sentence, [share, part], "share-in-parentheses")
        a.add(share_key, KG.counts, Literal(f"bagian {part.attrs.get('counted') or 'bagian'} dari {between.group('noun') or 'total'}".strip(), lang="id"), sentence, [share], "share-counted")
        computed = (part.attrs["value"] / whole.attrs["value"] * 100).quantize(Decimal("0.01"))
        stated: Decimal = share.attrs["value"]
        if abs(computed - stated) > TOLERANCE:
            _finding(a, sentence, share_key, share, [(part_key, part), (whole_key, whole)], stated, computed,
                     f"Dinyatakan {stated}%, tetapi {part.attrs['value']} dari {whole.attrs['value']} adalah {computed.normalize()}%",
                     f"Stated {stated}%, but {part.attrs['value']} of {whole.attrs['value']} is {computed.normalize()}%",
                     "share-check")


def _parts_add_up(a: Analysis, sentence: Sentence, stats: list[tuple[str, Mention]]) -> None:
    """`<whole> <noun>, terdiri dari <a> … dan <b> …`: the parts must add up to the whole. Parts that
    do are linked to it; parts that do not are linked and the mismatch recorded as a finding."""
    for index, (whole_key, whole) in enumerate(stats):
        if whole.kind != "number":
            continue
        tail = a.norm.text[whole.end:sentence.end]
        if not PARTS_CUE.match(tail):
            continue
        parts = []
        for key, part in stats[index + 1:]:
            if part.kind != "number":
                break
            parts.append((key, part))
            if re.match(r"^\s*(?:,\s*)?dan\b", a.norm.text[part.end:part.end + 6]) is None and len(parts) > 1:
                break
        if len(parts) < 2:
            continue
        total = sum((p.attrs["value"] for _, p in parts), Decimal(0))
        for key, part in parts:
            a.add(key, KG.partOf, whole_key, sentence, [part, whole], "parts-terdiri-dari-whole")
        if total != whole.attrs["value"]:
            listed = " + ".join(str(p.attrs["value"]) for _, p in parts)
            _finding(a, sentence, whole_key, whole, parts, whole.attrs["value"], total,
                     f"Dinyatakan {whole.attrs['value']}, tetapi {listed} = {total}",
                     f"Stated {whole.attrs['value']}, but {listed} = {total}", "parts-sum-check")


def _finding(a: Analysis, sentence: Sentence, key: str, stated_mention: Mention,
             basis: list[tuple[str, Mention]], stated: Decimal, computed: Decimal, text_id: str, text_en: str,
             rule: str) -> None:
    """A stated figure that its parts contradict: kept as stated, with the finding beside it."""
    finding = a.node("finding", stated_mention)
    evidence = [stated_mention] + [m for _, m in basis]
    a.add(finding, RDF.type, KG.Inconsistency, sentence, evidence, rule, derived=True)
    a.add(finding, KG.concerns, key, sentence, [stated_mention], rule, derived=True)
    for basis_key, mention in basis:
        a.add(finding, KG.basedOn, basis_key, sentence, [mention], rule, derived=True)
    a.add(finding, KG.statedValue, Literal(format(stated, "f"), datatype=XSD.decimal), sentence, [stated_mention], rule, derived=True)
    a.add(finding, KG.computedValue, Literal(format(computed.normalize(), "f"), datatype=XSD.decimal), sentence,
          [m for _, m in basis], rule, derived=True)
    a.add(finding, SDO.description, Literal(text_id, lang="id"), sentence, [stated_mention], rule, derived=True)
    a.add(finding, SDO.description, Literal(text_en, lang="en"), sentence, [stated_mention], rule, derived=True)
    for lang, words in (("id", "Temuan: angka tidak sesuai"), ("en", "Finding: inconsistent figures")):
        a.add(finding, RDFS.label, Literal(words, lang=lang), sentence, [stated_mention], rule, derived=True)


def _exceeds(a: Analysis, sentence: Sentence, stats: list[tuple[str, Mention]], previous: list[tuple[str, Mention]]) -> None:
    """`Hal ini telah melebihi kuota … 2,3%`: the previous sentence's share exceeds this figure."""
    match = EXCEEDS.search(sentence.text)
    if not match or not re.match(r"^\s*Hal (?:ini|tersebut)\b", sentence.text):
        return
    targets = [(k, s) for k, s in stats if s.start >= sentence.start + match.end() and s.kind == "percent"]
    sources = [(k, s) for k, s in previous if s.kind == "percent"]
    if targets and sources:
        a.add(sources[-1][0], KG.exceeds, targets[0][0], sentence, [sources[-1][1], targets[0][1]], "hal-ini-melebihi")

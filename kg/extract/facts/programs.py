"""Programmes: who runs them, their approaches and purpose, the directions that started them,
and company structure stated alongside (`anak perusahaan produk Toto`).

`Kemensos mengimplementasikan … melalui program ATENSI` and `kami mengembangkan lumbung sosial`
give the provider; `tiga pendekatan, yakni keluarga, komunitas, dan residential` the approaches;
`lumbung sosial untuk mendekatkan …` the purpose; `Atas arahan Menteri Sosial Tri Rismaharini` a
directive of that person concerning the programmes of the sentence.
"""

from __future__ import annotations

import re

from rdflib import Literal

from kg.extract.facts.base import Analysis
from kg.graph.iri import slugify
from kg.graph.vocab import KG, ORG, RDF, SDO, SKOS

APPROACHES = re.compile(r"\bpendekatan,?\s+(?:yakni|yaitu|meliputi|antara lain|:)\s+(?P<list>[a-z][a-z ,-]*?(?:,? dan [a-z-]+))")
PROVIDES = re.compile(r"\b(?:me\w+kan|mengelola|menjalankan|menggelar|melalui|menyelenggarakan)\b")
PURPOSE = re.compile(r"^\s+untuk\s+(?P<purpose>[a-z][^,.;\"]*)")
DIRECTIVE = re.compile(r"\barahan\s+(?:(?:Bapak|Ibu|Pak|Bu)\.?\s+)?$")
GIVES_DIRECTIVE = re.compile(r"^\s+(?:(?:memberikan|menyampaikan|memberi)\s+arahan|mengarahkan|menginstruksikan|"
                             r"memerintahkan|menugaskan)\b")
THIS_PROGRAM = re.compile(r"\bprogram ini\b")
WE = re.compile(r"\b[Kk]ami\b")
OWNER_AFTER = re.compile(r"(?: \([A-Za-z]{2,10}\))? (?=[A-Z])")
OWNERS_PROGRAMMES = re.compile(r"\b[Pp]rogram(?:-program)? $")
#: "Sekolah Rakyat sebagai bagian dari ikhtiar Kementerian Sosial", "PKH yang dijalankan oleh Kemensos",
#: "layanan milik Kemensos": the organisation right after a programme and one of these cues runs it
RUN_BY = re.compile(r"(?: \([A-Za-z0-9.]{2,12}\))?\s*,?\s+(?:yang\s+)?(?:(?:sebagai|merupakan|adalah|menjadi)\s+(?:salah satu\s+)?(?:bagian dari\s+)?"
                    r"(?:ikhtiar|upaya|program|komitmen|layanan|inisiatif|terobosan)|milik|"
                    r"di(?:gagas|inisiasi|jalankan|selenggarakan|kelola|laksanakan|luncurkan|kembangkan)(?:\s+oleh)?)\s+(?=[A-Z])")
LISTED = re.compile(r"\s*(?:,\s*)?(?:seperti|yaitu|yakni|antara lain|di antaranya|:)\s+")


def extract(a: Analysis) -> None:
    for sentence in a.sentences:
        here = a.in_sentence(sentence)
        programs = [m for m in here if m.kind == "program"]
        _providers(a, sentence, here, programs)
        _approaches(a, sentence, here, programs)
        _directives(a, sentence, here, programs)
        _subsidiaries(a, sentence, here)
        for program in programs:
            purpose = PURPOSE.match(a.norm.text[program.end:sentence.end])
            if purpose:
                a.add(program.key, KG.purpose, Literal(purpose.group("purpose").strip(), lang="id"), sentence, [program], "programme-untuk-purpose")


def _providers(a: Analysis, sentence, here, programs) -> None:  # type: ignore[no-untyped-def]
    _named_with_provider(a, sentence, here, programs)
    for program in programs:
        text_before = a.norm.text[sentence.start:program.start]
        orgs = [m for m in here if m.kind == "org" and m.end <= program.start and program.start - m.end <= 70
                and PROVIDES.search(a.norm.text[m.end:program.start]) and not re.search(r'[,"]', a.norm.text[m.end:program.start])]
        if orgs and not any(p.kind == "person" and p.attrs.get("chain") for p in here if orgs[-1].start <= p.start < program.start):
            a.add(program.key, SDO.provider, orgs[-1].key, sentence, [orgs[-1], program], "organisation-verb-programme")
            through = [m for m in here if m.kind == "org" and m.end <= orgs[-1].start
                       and re.fullmatch(r" (?:RI )?melalui ", a.norm.text[m.end:orgs[-1].start])]
            for acting in through:  # "Kementerian Sosial RI melalui Balai …": the ministry runs it through its unit
                a.add(program.key, SDO.provider, acting.key, sentence, [acting, orgs[-1], program],
                      "organisation-through-unit-verb-programme")
            continue
        after = re.match(r"\s+dari\s+", a.norm.text[program.end:program.end + 8])
        nxt = [m for m in here if m.kind == "org" and m.start >= program.end]
        if after and nxt and nxt[0].start == program.end + len(after.group(0)):
            a.add(program.key, SDO.provider, nxt[0].key, sentence, [program, nxt[0]], "programme-dari-organisation")
            continue
        we = WE.search(text_before)
        if we and PROVIDES.search(text_before[we.end():]):
            for quote in a.in_sentence(sentence, "quote"):
                speaker = a.speakers.get(quote.start)
                if speaker and a.posts.get(speaker):
                    a.add(program.key, SDO.provider, a.posts[speaker][0][1], sentence, [program], "kami-verb-programme")
                    break


def _named_with_provider(a: Analysis, sentence, here, programs) -> None:  # type: ignore[no-untyped-def]
    """`Sentra Kreasi ATENSI (SKA) Balai Anak Antasena`: a programme named with the organisation that
    runs it; `program-program Kemensos seperti PKH, KUBE, …`: programmes listed as an organisation's."""
    orgs = [m for m in here if m.kind == "org"]
    for program in programs:
        tail = a.norm.text[program.end:sentence.end]
        gap = OWNER_AFTER.match(tail)
        owner = next((o for o in orgs if gap and o.start == program.end + gap.end()), None)
        if owner:
            a.add(program.key, SDO.provider, owner.key, sentence, [program, owner], "programme-of-organisation-named-after")
            continue
        cue = RUN_BY.match(tail)
        runner = next((o for o in orgs if cue and o.start == program.end + cue.end()), None)
        if runner:
            a.add(program.key, SDO.provider, runner.key, sentence, [program, runner], "programme-run-by-organisation")
    for org in orgs:
        if not OWNERS_PROGRAMMES.search(a.norm.text[max(sentence.start, org.start - 16):org.start]):
            continue
        cue = LISTED.match(a.norm.text[org.end:sentence.end])
        pos = org.end + cue.end() if cue else -1
        for program in (p for p in programs if cue and p.start >= pos):
            if not re.fullmatch(r"(?:\s*,\s*|\s+dan\s+|,\s*dan\s+)?", a.norm.text[pos:program.start]):
                break
            a.add(program.key, SDO.provider, org.key, sentence, [org, program], "organisation-programmes-listed")
            pos = program.end
            if a.norm.text[pos:pos + 2] == " (":  # the list names a short form: "(Prokus)"
                pos = a.norm.text.find(")", pos) + 1


def _approaches(a: Analysis, sentence, here, programs) -> None:  # type: ignore[no-untyped-def]
    match = APPROACHES.search(sentence.text)
    if not match:
        return
    program = programs[-1] if programs else None
    if program is None:
        previous = a.before(sentence.start, "program")
        program = previous[-1] if previous else None
    if program is None:
        return
    names = [n.strip() for n in re.split(r",\s*(?:dan\s+)?|\s+dan\s+", match.group("list")) if n.strip()]
    prog_local = program.key.split("/", 1)[1]
    for name in names:
        key = f"approach/{prog_local}/{slugify(name)}"
        a.add(key, RDF.type, KG.Approach, sentence, [program], "approaches-list")
        a.add(key, SKOS.prefLabel, Literal(f"pendekatan {name}", lang="id"), sentence, [program], "approaches-list")
        a.label(key, sentence, [program], "approaches-list", f"pendekatan {name}")
        a.add(program.key, KG.approach, key, sentence, [program], "approaches-list")


def _directives(a: Analysis, sentence, here, programs) -> None:  # type: ignore[no-untyped-def]
    for person in [m for m in here if m.kind == "person"]:
        chain = person.attrs.get("chain")
        start = chain["roles"][0].start if chain else person.start
        before = DIRECTIVE.search(a.norm.text[max(sentence.start, start - 12):start])
        if not before and not GIVES_DIRECTIVE.match(a.norm.text[person.end:person.end + 30]):
            continue
        node = a.node("directive", person)
        name = a.entities[person.key].label
        a.add(node, RDF.type, KG.Directive, sentence, [person], "arahan-person")
        a.add(node, KG.issuedBy, person.key, sentence, [person], "arahan-person")
        a.label(node, sentence, [person], "arahan-person", f"Arahan {name}", f"Direction of {name}")
        for program in programs:
            a.add(node, KG.concerns, program.key, sentence, [person, program], "arahan-concerns-programme")


def _subsidiaries(a: Analysis, sentence, here) -> None:  # type: ignore[no-untyped-def]
    for parent in [m for m in here if m.attrs.get("pattern") == "subsidiary-parent"]:
        companies = [m for m in a.before(parent.start, "org") if m.entity_kind == "Company" and m.key != parent.key]
        if companies and a.sentence_at(companies[-1].start).index >= sentence.index - 1:
            a.add(companies[-1].key, ORG.subOrganizationOf, parent.key, sentence, [companies[-1], parent], "anak-perusahaan")

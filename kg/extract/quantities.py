"""Stage 2, figures and dates: numbers, percentages, sums of money (rupiah, dollars, other currencies)
with the noun they count and their qualifier ("lebih dari"), and dates, months and years.

Numbers that name rather than count (days, flight numbers, back-references) are left out by
`non_figures`; parsing Indonesian numerals is `numbers`' job.
"""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal
from typing import Any

from kg.extract import non_figures
from kg.extract.numbers import CLASSIFIERS, DOLLARS, NUMERAL, currency_code, parse_dollars, parse_money, parse_number, parse_numeral
from kg.extract.spans import Mention
from kg.reference.lexicon import Lexicon

QUALIFIERS = ("lebih dari", "kurang dari", "lebih kurang", "hampir", "sekitar", "setidaknya", "paling sedikit", "minimal", "maksimal", "mencapai", "sebanyak")
BOUND_QUALIFIERS = {"lebih dari": "min", "setidaknya": "min", "paling sedikit": "min", "minimal": "min",
                    "kurang dari": "max", "maksimal": "max"}
NUMBER_WORDS = ("satu", "dua", "tiga", "empat", "lima", "enam", "tujuh", "delapan", "sembilan", "sepuluh", "sebelas", "seratus", "seribu")
TIME_NOUNS = {"tahun", "bulan", "hari", "minggu", "pekan", "jam", "menit", "detik", "kali", "x"}
NOUN_STOP = {"yang", "dan", "sepanjang", "selama", "sejak", "sebesar", "senilai", "sekitar", "atau", "dari", "di", "ke", "untuk", "dengan", "pada", "dalam", "oleh", "serta", "ini",
             "itu", "tersebut", "adalah", "yakni", "yaitu", "telah", "akan", "sudah", "masih", "bagi", "kepada",
             "sebagai", "hingga", "sampai", "per", "setiap", "tiap", "se", "tidak", "juga", "secara", "sedangkan",
             "tetapi", "namun", "menjadi", "melainkan", "sehingga", "karena", "bahwa", "agar", "supaya", "lagi",
             "pula", "saja", "pun", "lain", "lainnya"}
SPELT_OUT = re.compile(r" \([a-z ]+\)")
SCALES = {"ribu", "juta", "miliar", "milyar", "triliun"}
RANGE_TO = re.compile(rf" ?(?:sampai|hingga|s\.d\.?|-|\u2013) ?(?:{NUMERAL})")
_QUALIFIER = rf"(?:(?P<qual>{'|'.join(QUALIFIERS)}) )?"
MONEY = re.compile(rf"\b{_QUALIFIER}(?P<num>Rp\.? ?(?:{NUMERAL})(?:,-)?(?: ?(?:ribu|juta|miliar|milyar|triliun)\b)?)",
                   re.IGNORECASE)
DOLLAR_SUM = re.compile(rf"{_QUALIFIER}(?P<num>{DOLLARS})", re.IGNORECASE)
PERCENT = re.compile(rf"\b{_QUALIFIER}(?P<num>{NUMERAL}) ?(?:%|persen\b)")
NUMBER = re.compile(rf"\b{_QUALIFIER}(?<![\w/,])(?<![^\d\s]-)(?<![\d,]\.)(?P<num>{NUMERAL}|(?:{'|'.join(NUMBER_WORDS)})"
                    rf"(?: (?:belas|puluh|ratus))?)(?: (?P<scale>ribu|juta|miliar|milyar|triliun))?"
                    rf"(?![\w/%.,]|-(?!\d)|,\d| ?%| ?persen)", re.IGNORECASE)


class QuantityFinder:
    """Finds figures and dates; compiles the month names of the lexicon once."""

    def __init__(self, lexicon: Lexicon) -> None:
        self.lex = lexicon
        months = "|".join(sorted((name.capitalize() for name in self.lex.months), key=len, reverse=True))
        self._date_re = re.compile(rf"\b(\d{{1,2}}) ({months}) (\d{{4}})\b")
        self._coordinated_day_re = re.compile(rf" ?(?:dan|-|\u2013|s\.d\.?|sampai|hingga) ?\d{{1,2}} (?:{months})\b")
        self._month_year_re = re.compile(rf"\b({months}) (\d{{4}})\b")
        self._numeric_date_re = re.compile(r"\b(\d{1,2})/(\d{1,2})/(\d{4})\b")
        self._year_re = re.compile(r"\b(?:[Tt]ahun |[Pp]ada )((?:19|20)\d{2})\b")

    def dates(self, text: str) -> list[Mention]:
        """Full dates ("6 Desember 2021", "6/4/2022"), months of a year and years after "tahun"/"pada"."""
        found: list[Mention] = []
        for pattern, month_of in ((self._date_re, lambda m: self.lex.months[m.casefold()]), (self._numeric_date_re, int)):
            for match in pattern.finditer(text):
                try:
                    value = date(int(match.group(3)), month_of(match.group(2)), int(match.group(1)))
                except ValueError:
                    continue
                found.append(Mention("date", match.start(), match.end(), match.group(0), attrs={"date": value}))
        for match in self._month_year_re.finditer(text):
            if not any(m.start <= match.start() < m.end for m in found):
                found.append(Mention("date", match.start(), match.end(), match.group(0),
                                     attrs={"year": int(match.group(2)), "month": self.lex.months[match.group(1).casefold()]}))
        for match in self._year_re.finditer(text):
            if not any(m.start <= match.start(1) < m.end for m in found):
                found.append(Mention("year", match.start(1), match.end(1), match.group(1), attrs={"year": int(match.group(1))}))
        return found

    def find(self, text: str, dates: list[Mention], taken: list[Mention]) -> list[Mention]:
        """Numbers, percentages and sums of money that state a figure, clear of the names in `taken`."""
        return [q for q in (self._clear_of(m, taken, text) for m in self._quantities(text, dates)) if q]

    def _quantities(self, text: str, dates: list[Mention]) -> list[Mention]:
        found: list[Mention] = []
        for match in MONEY.finditer(text):
            found.append(self._quantity("money", match, parse_money(match.group("num")), text, unit="rupiah"))
        for match in DOLLAR_SUM.finditer(text):
            dollars = self._quantity("money", match, parse_dollars(match.group("num")), text, unit="dolar AS")
            dollars.attrs["currency"] = "USD"
            found.append(dollars)
        for match in PERCENT.finditer(text):
            if any(match.start("num") >= m.start and match.start("num") < m.end for m in found):
                continue
            found.append(self._quantity("percent", match, parse_numeral(match.group("num")), text, unit="persen"))
        for match in NUMBER.finditer(text):
            start = match.start("num")
            if any(m.start <= start < m.end for m in found + dates):
                continue
            raw = match.group("num")
            if text[max(0, start - 6):start].lower().endswith("salah "):
                continue
            if re.search(r"(?:Nomor|No\.?|Tahun|tahun|Pasal|UU|PP|nomor) $", text[max(0, start - 7):start]):
                continue
            if re.fullmatch(r"(?:19|20)\d{2}", raw) or (re.fullmatch(r"1[5-8]\d{2}", raw) and re.search(
                    r"\b(?:pada|sejak|tahun|hingga|sampai) $", text[max(0, start - 8):start], re.IGNORECASE)):
                continue  # a year: "2020", "terbentuk pada 1800"
            if raw[0].isalpha() and raw[0].isupper() and not (start == 0 or text[start - 1] in '"\n' or text[start - 2:start] in (". ",)):
                continue
            try:
                value = parse_number(raw, match.group("scale"))
            except ValueError:
                continue
            noun = self._counted_noun(text, match.end())
            if raw[0].isalpha() and not noun:
                continue
            if noun and noun.split(" ")[0] in TIME_NOUNS and not text[max(0, start - 7):start].endswith("selama "):
                continue  # "tahun 2020", "tiga hari lalu"; but "selama 14 hari" is a duration
            if text[start - 1:start] == "(" and (not noun or raw[0].isalpha()):
                continue  # "20 (dua puluh) WNI": the spelt-out repetition is not another figure
            if non_figures.reason(text, start, match.end(), match.end() + (len(noun) + 1 if noun else 0),
                                  raw[0].isalpha(), noun, self._coordinated_day_re):
                continue
            word = re.split(r"[ /]", noun)[0]
            currency = currency_code(word) if noun else ""  # "40-60 ringgit/hari"
            found.append(self._quantity("money", match, value, text, unit=word) if currency
                         else self._quantity("number", match, value, text, counted=noun))
            found[-1].attrs.update({"currency": currency} if currency else {})
        return found

    def _quantity(self, kind: str, match: re.Match[str], value: Decimal, text: str, unit: str = "", counted: str = "") -> Mention:
        qual = (match.group("qual") or "").lower()
        attrs: dict[str, Any] = {"value": value, "unit": unit, "counted": counted}
        if qual in BOUND_QUALIFIERS:
            attrs["qualifier"] = qual
            attrs["bound"] = BOUND_QUALIFIERS[qual]
        elif qual in ("hampir", "sekitar", "lebih kurang"):
            attrs["qualifier"] = qual
        start = match.start() if attrs.get("qualifier") else match.start("num")
        end = match.end()
        if counted and text.startswith(" " + counted, match.end()):  # not across a range: "1.000 sampai 4.000 …"
            end = match.end() + 1 + len(counted)
        return Mention(kind, start, end, text[start:end], attrs=attrs)

    @staticmethod
    def _clear_of(quantity: Mention, taken: list[Mention], text: str) -> Mention | None:
        """A figure overlapping a name keeps its number and loses the counted words that run into the
        name ("4.539 Pekerja Migran Indonesia" with the place Indonesia); a number inside a name is none."""
        clash = [t for t in taken if quantity.overlaps(t)]
        counted = quantity.attrs.get("counted", "")
        if not clash or (counted[:1].isupper() and all(t.entity_kind == "Country" and t.end <= quantity.end for t in clash)):
            return quantity  # "4.539 Pekerja Migran Indonesia": a nationality closes a capitalised term
        cut = min(t.start for t in clash)
        number_end = quantity.start + len(quantity.text) - len(quantity.attrs.get("counted", "")) - 1
        if cut <= number_end or not quantity.attrs.get("counted"):
            return None
        counted = text[number_end + 1:cut].strip()
        return Mention(quantity.kind, quantity.start, number_end + 1 + len(counted) if counted else number_end,
                       text[quantity.start:number_end + 1 + len(counted)].strip(), attrs={**quantity.attrs, "counted": counted})

    @staticmethod
    def _counted_noun(text: str, pos: int) -> str:
        """The noun phrase after a number: "250.000 penerima manfaat dan" → "penerima manfaat";
        an acronym ("12.500 KPM") or a capitalised phrase ("310 Penerima Manfaat") counts too."""
        words: list[str] = []
        span = RANGE_TO.match(text, pos) or SPELT_OUT.match(text, pos)  # "1.000 sampai 4.000 nasi bungkus",
        pos = span.end() if span else pos  # "20 (dua puluh) WNI": the noun comes after the range or the words
        for match in re.finditer(r" ([a-z][a-z/-]*|[A-Z]{2,6}(?:/[A-Z]{2,6})*\b|[A-Z][a-z]+)", text[pos:pos + 80]):
            if match.start() != sum(len(w) + 1 for w in words):
                break
            word = match.group(1)
            lower = word.lower()
            if lower in NOUN_STOP or lower in SCALES or len(words) == 4 or lower.endswith("nya") \
                    or lower.startswith(("me", "ber")):
                break
            if word[0].isupper() and words and not words[-1][0].isupper():
                break  # a name after a common noun starts something else
            if word[0].islower() and words and words[-1][0].isupper():
                break  # "20 WNI setiba di …", "4.539 Pekerja Migran Indonesia dipulangkan": a capitalised term ends the noun
            words.append(word)
        if len(words) > 1 and words[0] in CLASSIFIERS:
            words = words[1:]  # "19 orang laki-laki": the classifier is not what is counted
        return " ".join(words)

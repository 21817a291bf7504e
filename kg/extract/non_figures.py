"""Numbers in running text that state no figure, told apart by the words around them.

A count in Indonesian precedes what it counts ("tiga kursi roda"); other numbers name rather than
count: the day of a date ("tanggal 5 dan 22 Agustus"), a flight ("Air Asia QZ 203": IATA airline
designators are two characters), a numeral after its noun ("motor roda tiga", "lantai dua": Tata
Bahasa Baku Bahasa Indonesia puts a numeral after the noun only as an attribute, unless a classifier
follows: "bantuan dua unit"), a number that points back to a figure already stated ("dua puluh
WNI tersebut"), and a bare number closing a name ("Sekolah Rakyat Menengah Atas 10").
"""

from __future__ import annotations

import re

from kg.extract.numbers import CLASSIFIERS

#: words after a numeral that make it a count, not an attribute ("bantuan dua unit", "tiga paket", "dua kali")
COUNTING = CLASSIFIERS | {"paket", "kali"}
#: words after which a spelt-out numeral counts: function words, qualifiers, verbs (affixed forms)
COUNT_OPENERS = {"sebanyak", "sejumlah", "ada", "terdapat", "hanya", "total", "sekitar", "hampir", "mencapai",
                 "kurang", "lebih", "para", "dengan", "atas", "antara", "selama", "tinggal", "yaitu", "yakni",
                 "setelah", "sebelum", "dan", "atau", "dari", "di", "ke", "untuk", "kepada", "bagi", "pada",
                 "dalam", "oleh", "serta", "hingga", "sampai", "menjadi", "adalah", "ialah", "merupakan", "jadi",
                 "baru", "masih", "sudah", "telah", "akan", "tiap", "setiap", "per", "se", "pun", "juga", "yang",
                 "itu", "ini", "bahwa", "sedangkan", "namun", "tetapi", "sisanya", "lainnya", "sendiri", "saja"}
VERB_PREFIX = re.compile(r"(?:me|ber|ter|di|ke|pe)[a-z]")
BACK_REFERENCE = re.compile(r" (?:tersebut|itu|dimaksud)\b")
FLIGHT = re.compile(r"\b[A-Z][A-Z0-9] $")


def reason(text: str, start: int, number_end: int, end: int, spelt_out: bool, counted: str,
           day_of_date: re.Pattern[str]) -> str:
    """Why the number at [start, number_end) states no figure ("" when it does); `counted` is the noun
    after it, ending at `end`; `day_of_date` matches what follows a day coordinated with another ("dan 22 Agustus")."""
    if text[max(0, start - 8):start].lower().endswith("tanggal ") or day_of_date.match(text, number_end):
        return "day of a date"
    if FLIGHT.search(text[max(0, start - 4):start]):
        return "flight number"
    before = re.search(r"(?:^|\s)([a-z]+) $", text[max(0, start - 20):start])
    following = re.match(r" ([a-z]+)", text[number_end:number_end + 12])
    if spelt_out and before and not (following and following.group(1) in COUNTING):
        word = before.group(1)
        if word not in COUNT_OPENERS and not VERB_PREFIX.match(word):
            return "numeral after its noun"
    if counted and BACK_REFERENCE.match(text, end):
        return "back-reference"
    if not counted and not spelt_out and re.search(r"\b[A-Z][A-Za-z]+ $", text[max(0, start - 30):start]):
        return "number in a name"  # "Sekolah Rakyat Menengah Atas 10 di …", "Komisi 8": it names, nothing follows to count
    return ""

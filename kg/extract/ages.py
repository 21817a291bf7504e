"""Ages in parentheses after a person's name: "Adam (12)", "Siti Aminah (45 tahun)".

Indonesian news gives a person's age this way (the Indonesian journalists' style books, e.g. LKBN
ANTARA's, write "nama (umur)"): a whole number after the name in parentheses is that person's age in
years, a figure counting "umur" that describes the person.
"""

from __future__ import annotations

import re
from decimal import Decimal

from kg.extract.spans import Mention

AGE = re.compile(r" \((?:usia |umur )?(?P<age>\d{1,3})(?: (?:tahun|th|thn))?\)")
OLDEST = 120


def is_age(match: re.Match[str]) -> bool:
    """An `AGE` match whose number a person's age can be."""
    return 0 < int(match.group("age")) <= OLDEST


def find(text: str, people: list[Mention]) -> list[Mention]:
    """A number mention for each age in parentheses right after a person's name; `attrs["of"]` is the person."""
    found = []
    for person in people:
        age = AGE.match(text, person.end)
        if age and is_age(age):
            start, end = age.start("age"), age.end("age")
            found.append(Mention("number", start, end, text[start:end],
                                 attrs={"value": Decimal(age.group("age")), "unit": "", "counted": "umur",
                                        "of": person, "rule": "age-after-name"}))
    return found

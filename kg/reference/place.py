"""A place of the gazetteer, whichever source it comes from (the curated `places.csv`, the
Kemendagri codes, ISO 3166 countries, GeoNames cities)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Place:
    key: str
    name: str
    name_en: str
    kind: str
    parent: str
    aliases: tuple[str, ...]
    wikidata: str
    dbpedia: str
    source: str
    code: str = ""  # Kemendagri code (Wikidata P2588) or ISO 3166-1 alpha-2
    curated: bool = False  # from places.csv: its names win over a pattern starting at the same place

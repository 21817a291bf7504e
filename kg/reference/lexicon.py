"""Loading the curated lexicons in `kg/lexicons/`: titles, organisations, patterns, places, programmes.

They are data, not code, so that a new title or sentra is a one-line change with its source.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass, replace
from functools import cached_property, lru_cache
from pathlib import Path

from kg.reference.place import Place

LEXICON_DIR = Path(__file__).resolve().parent.parent / "lexicons"


@dataclass(frozen=True)
class Role:
    key: str
    label_id: str
    label_en: str
    aliases: tuple[str, ...]
    head: bool
    org_form: str
    default_org: str
    source: str
    #: "Kind:Template" of the organisation a title names with a place: "Bupati Magelang" → "Pemerintah Kabupaten {place}"
    place_org: str = ""


@dataclass(frozen=True)
class Organisation:
    key: str
    name: str
    name_en: str
    kind: str
    aliases: tuple[str, ...]
    parent: str
    domain: str
    source: str


@dataclass(frozen=True)
class OrgPattern:
    name: str
    kind: str
    regex: re.Pattern[str]
    canonical: str
    parent: str
    source: str


@dataclass(frozen=True)
class Program:
    key: str
    name: str
    name_en: str
    aliases: tuple[str, ...]
    source: str


@dataclass(frozen=True)
class SentraRow:
    name: str
    former_name: str
    city: str
    province: str
    target_group: str
    sources: tuple[str, ...]


@dataclass(frozen=True)
class ExternalId:
    entity: str
    same_as: str
    source: str


def _rows(name: str) -> list[dict[str, str]]:
    with (LEXICON_DIR / name).open(encoding="utf-8", newline="") as handle:
        return [{k: (v or "").strip() for k, v in row.items()} for row in csv.DictReader(handle)]


def _split(value: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in value.split("|") if part.strip())


@dataclass(frozen=True)
class Lexicon:
    roles: tuple[Role, ...]
    organisations: tuple[Organisation, ...]
    org_patterns: tuple[OrgPattern, ...]
    places: tuple[Place, ...]
    programs: tuple[Program, ...]
    months: dict[str, int]
    unit_words: frozenset[str]
    external_ids: tuple[ExternalId, ...]
    sentra: tuple[SentraRow, ...]

    @cached_property
    def _places_by_key(self) -> dict[str, Place]:
        return {p.key: p for p in self.places}

    @cached_property
    def place_names(self) -> dict[str, Place]:
        """Every name and alias → the place it names. The first place listed wins a shared name, but a
        city wins over a regency of its name: a bare "Bandung" is the city ("Kabupaten Bandung" the regency)."""
        index: dict[str, Place] = {}
        for place in sorted(reversed(self.places), key=lambda p: p.kind != "Regency"):
            for name in (place.name, *place.aliases):
                index[name] = place
        return index

    @cached_property
    def _places_by_name(self) -> dict[str, Place]:
        return {name.replace("Propinsi", "Provinsi").casefold(): place for name, place in self.place_names.items()}

    def place(self, key: str) -> Place:
        return self._places_by_key.get(key) or self._vouched[key]

    def find_place(self, key: str) -> Place | None:
        return self._places_by_key.get(key) or self._vouched.get(key)

    @cached_property
    def _vouched(self) -> dict[str, Place]:
        return {}

    def vouched_town(self, name: str, country: str = "") -> Place | None:
        """A town abroad the gazetteer leaves out (GeoNames towns of 15,000 people or more), for a name a
        cue vouches for; once found, its key resolves like any other place's. Never used to recognise a
        bare word, so what one release finds cannot change what another recognises."""
        from kg.reference import world  # as in `_gazetteer`: the world lists load only when needed
        place = self.place_by_name(name) or world.town_named(name, country)
        if place is not None and place.key not in self._places_by_key:
            self._vouched.setdefault(place.key, place)
        return place

    def organisation(self, key: str) -> Organisation | None:
        return next((o for o in self.organisations if o.key == key), None)

    def find_role(self, key: str) -> Role | None:
        return next((r for r in self.roles if r.key == key), None)

    def find_program(self, key: str) -> Program | None:
        return next((p for p in self.programs if p.key == key), None)

    def place_by_name(self, name: str) -> Place | None:
        """Exact name or alias, case-insensitive ("Propinsi" spelt as "Provinsi")."""
        return self._places_by_name.get(name.replace("Propinsi", "Provinsi").casefold())


@lru_cache(maxsize=1)
def load_lexicon() -> Lexicon:
    roles = tuple(
        Role(r["key"], r["label_id"], r["label_en"], _split(r["aliases"]), r["head"] == "yes",
             r["org_form"], r["default_org"], r["source"], r["place_org"])
        for r in _rows("roles.csv")
    )
    organisations = tuple(
        Organisation(r["key"], r["name"], r["name_en"], r["kind"], _split(r["aliases"]), r["parent"],
                     r["domain"], r["source"])
        for r in _rows("organisations.csv")
    )
    patterns = tuple(
        OrgPattern(r["name"], r["kind"], re.compile(r["pattern"]), r["canonical"], r["parent"], r["source"])
        for r in _rows("org_patterns.csv")
    )
    places = tuple(
        Place(r["key"], r["name"], r["name_en"], r["kind"], r["parent"], _split(r["aliases"]), r["wikidata"],
              r["dbpedia"], r["source"], curated=True)
        for r in _rows("places.csv")
    )
    places = _with_official_places(places)
    programs = tuple(
        Program(r["key"], r["name"], r["name_en"], _split(r["aliases"]), r["source"])
        for r in _rows("programs.csv")
    )
    months: dict[str, int] = {}
    for r in _rows("months.csv"):
        for name in (r["name"], *_split(r["aliases"])):
            months[name.casefold()] = int(r["number"])
    unit_words = frozenset(
        line.strip() for line in (LEXICON_DIR / "unit_words.txt").read_text(encoding="utf-8").splitlines()
        if line.strip() and not line.startswith("#")
    )
    external = tuple(ExternalId(r["entity"], r["same_as"], r["source"]) for r in _rows("external_ids.csv"))
    sentra = tuple(
        SentraRow(r["name"], r["former_name"], r["city"], r["province"], r["target_group"],
                  tuple(u.strip() for u in r["source_url"].split(" ; ") if u.strip()))
        for r in _rows("sentra.csv")
    )
    return Lexicon(roles, organisations, patterns, places, programs, months, unit_words, external, sentra)


def _with_official_places(curated: tuple[Place, ...]) -> tuple[Place, ...]:
    """The curated places, each given its official code when it is an Indonesian area, followed by
    every other province, regency and city of the Kemendagri codes and the countries and cities of
    `kg.reference.world`."""
    from kg.reference import wilayah, world

    official: dict[str, Place] = {}
    for place in (*wilayah.regions(), *world.countries(), *world.cities()):
        official.setdefault(place.key, place)  # an Indonesian area before a namesake abroad
    by_name = {p.name: p.key for p in official.values() if p.kind in ("Province", "City", "Regency")}
    merged, renamed = [], {}
    for place in curated:
        same = place.key if place.key in official else next(
            (by_name[n] for n in (place.name, *place.aliases) if n in by_name), None)
        match = official.pop(same, None) if same else None
        if match and same != place.key:
            renamed[same] = place.key
        if match:
            aliases = tuple(dict.fromkeys((*place.aliases, *(a for a in match.aliases if a != place.name))))
            place = replace(place, aliases=aliases, code=match.code, source=f"{place.source} ; {match.source}")
        merged.append(place)
    codes = {p.key: p.code for p in merged}
    for i, place in enumerate(merged):  # a curated place below the regency level: its code from the decree
        within = codes.get(place.parent, "")
        code = wilayah.area_code(place.name, within) if not place.code and within[:1].isdigit() else None
        if code:
            merged[i] = replace(place, code=code, source=f"{place.source} ; {wilayah.SOURCE}")
            codes[place.key] = code
    taken = {name for p in merged for name in (p.name, *p.aliases)}
    for place in official.values():
        aliases = tuple(a for a in place.aliases if a not in taken)
        merged.append(replace(place, aliases=aliases, parent=renamed.get(place.parent, place.parent)))
    return tuple(merged)

"""Loading the curated lexicons in `kg/lexicons/`: titles, organisations, patterns, places, programmes.

They are data, not code, so that a new title or sentra is a one-line change with its source.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

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

    def place(self, key: str) -> Place:
        return next(p for p in self.places if p.key == key)

    def organisation(self, key: str) -> Organisation | None:
        return next((o for o in self.organisations if o.key == key), None)

    def find_role(self, key: str) -> Role | None:
        return next((r for r in self.roles if r.key == key), None)

    def program(self, key: str) -> Program:
        return next(p for p in self.programs if p.key == key)

    def place_by_name(self, name: str) -> Place | None:
        """Exact name or alias, case-insensitive ("Propinsi" spelt as "Provinsi")."""
        wanted = name.replace("Propinsi", "Provinsi").casefold()
        for place in self.places:
            if place.name.casefold() == wanted or wanted in (a.casefold() for a in place.aliases):
                return place
        return None


@lru_cache(maxsize=1)
def load_lexicon() -> Lexicon:
    roles = tuple(
        Role(r["key"], r["label_id"], r["label_en"], _split(r["aliases"]), r["head"] == "yes",
             r["org_form"], r["default_org"], r["source"])
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
              r["dbpedia"], r["source"])
        for r in _rows("places.csv")
    )
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
        SentraRow(r["name"], r["city"], r["province"], r["target_group"],
                  tuple(u.strip() for u in r["source_url"].split(" ; ") if u.strip()))
        for r in _rows("sentra.csv")
    )
    return Lexicon(roles, organisations, patterns, places, programs, months, unit_words, external, sentra)

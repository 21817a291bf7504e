"""Districts (kecamatan) and villages (desa, kelurahan): found by their title word, placed by context.

Thousands of district and village names repeat across Indonesia, so a name alone says little. A
release that says "Kecamatan Cibinong dan Kecamatan Sukanagara, Kabupaten Cianjur" names the regency
too: the district is the one of that name whose Kemendagri code lies inside a place the release names
(32.03.xx inside 32.03), and a village the one inside a district it names. A name that no named place
contains is kept only when the whole country has one area of that name at that level.

Keys follow the parent's name: `place/cibinong-cianjur`, `place/penanggal-candipuro`.
"""

from __future__ import annotations

import re

from kg.extract.people import one_edit
from kg.extract.spans import Mention
from kg.graph.iri import slugify
from kg.reference.lexicon import Lexicon
from kg.reference.wilayah import area_name, areas_named, areas_within

AREA = re.compile(r"(?<!Kepala )\b(?P<title>Kecamatan|Kec\.|Desa|Kelurahan|Kel\.) (?P<name>[A-Z][a-z]+(?: [A-Z][a-z]+)?)")
LEVELS = {"Kecamatan": ("District", 2), "Kec.": ("District", 2), "Desa": ("Village", 3), "Kelurahan": ("Village", 3),
          "Kel.": ("Village", 3)}


def find(text: str) -> list[Mention]:
    """Every "Kecamatan X" / "Desa X" whose X is the name of some area of that level."""
    found = []
    for match in AREA.finditer(text):
        kind, depth = LEVELS[match.group("title")]
        words = match.group("name").split(" ")
        for n in range(len(words), 0, -1):
            name = " ".join(words[:n])
            if areas_named(name, depth):
                end = match.start("name") + len(name)
                found.append(Mention("place", match.start(), end, text[match.start():end], "", name, kind,
                                     {"source": "kemendagri-area", "depth": depth}))
                break
    return found


def resolve(mentions: list[Mention], lexicon: Lexicon) -> list[Mention]:
    """Give each district and village mention its area from the places the document names; drop
    those that stay ambiguous."""
    named = [m.key for m in mentions if m.kind == "place" and m.key] + \
        [m.attrs["place"] for m in mentions if m.kind == "org" and m.attrs.get("place")]
    context = {place.code for place in (lexicon.find_place(key.split("/", 1)[1]) for key in named) if place}
    context.discard("")
    unresolved = sorted((m for m in mentions if m.attrs.get("source") == "kemendagri-area"), key=lambda m: m.attrs["depth"])
    dropped = set()
    for mention in unresolved:  # districts first: a village is placed inside a district found here
        depth = mention.attrs["depth"]
        codes = areas_named(mention.label, depth)
        inside = _placed(codes, depth, context) or _spelt_inside(mention.label, depth, context)
        chosen = inside or ([] if _contains_level(context, depth) else list(codes))
        if len(chosen) != 1:
            dropped.add(id(mention))
            continue
        code = chosen[0]
        parent = area_name(code.rsplit(".", 1)[0])
        mention.key = f"place/{slugify(mention.label)}-{slugify(parent)}"
        mention.attrs.update({"code": code, "rule": "area-in-named-place" if inside else "area-unique-name"})
        context.add(code)
    return [m for m in mentions if id(m) not in dropped]


def _placed(codes: tuple[str, ...], depth: int, context: set[str]) -> list[str]:
    """The areas inside the places named one level up (a district in a named regency) or, when the
    document names none at that level, inside any place it names."""
    parents = {p for p in context if p.count(".") == depth - 1}
    if parents:
        return [c for c in codes if c.rsplit(".", 1)[0] in parents]
    return [c for c in codes if any(c.startswith(p + ".") for p in context)]


def _contains_level(context: set[str], depth: int) -> bool:
    """Whether the document names a place one level above `depth` (a regency for a district): then
    an area of the name elsewhere in the country is not the one meant."""
    return any(code.count(".") == depth - 1 for code in context)


def _spelt_inside(name: str, depth: int, context: set[str]) -> list[str]:
    """The area inside a named place whose official name is one letter off the name the release uses
    (the decree's "Cubinong" in Cianjur for the press's "Cibinong")."""
    found = [code for parent in context if parent.count(".") == depth - 1
             for code, official in areas_within(parent, depth).items() if one_edit(official.casefold(), name.casefold())]
    return found if len(found) == 1 else []

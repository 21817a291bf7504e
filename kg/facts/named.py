"""Facts that a name states by itself: what kind of thing it is, what it is called, and — for
names built on a pattern such as `Sentra "Kartini" di Temanggung` — where it is and what it is part of."""

from __future__ import annotations

from kg.facts.base import Analysis
from kg.vocab import KG, ORG, RDF

SUBORDINATE_KINDS = {"Sentra", "OrganisationalUnit"}


def extract(a: Analysis) -> None:
    seen: set[str] = set()
    for m in a.mentions:
        if m.kind not in ("person", "org", "place", "program") or not m.key:
            continue
        sentence = a.sentence_at(m.start)
        if m.key not in seen:
            seen.add(m.key)
            entity = a.entities[m.key]
            a.add(m.key, RDF.type, KG[entity.kind], sentence, [m], f"{m.kind}-name")
            a.label(m.key, sentence, [m], f"{m.kind}-name", entity.label, entity.label_en)
        if m.kind != "org":
            continue
        place = m.attrs.get("place")
        if place:
            a.add(m.key, KG.basedIn, place, sentence, [m], "organisation-name-with-place")
        parent = m.attrs.get("parent")
        if parent and m.entity_kind in SUBORDINATE_KINDS and m.attrs.get("source") == "pattern":
            a.add(m.key, ORG.unitOf, f"org/{parent}", sentence, [m], f"pattern-{m.attrs['pattern']}-is-unit")

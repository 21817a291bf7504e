"""Resolution across documents: one person, one IRI, when the evidence says so.

Within a document the entity stage already joins "Harry" to Harry Hikmat. Across documents a
shorter name is merged into a longer one only when both names agree (the shorter one's words
appear in the longer, first and last words equal) AND both hold the same post — "Romal Sinaga",
Kepala Sentra Handayani in one release, is "Romal Uli Jaya Sinaga", Kepala Sentra Handayani in
another. A matching name alone is never enough. The name as written stays as an alternative label,
stated by the release that used it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace

from rdflib import Literal

from kg.extract.facts import Analysis
from kg.graph import iri
from kg.graph.vocab import ORG, RDFS, SDO, SKOS


def _compatible(short: str, long: str) -> bool:
    a, b = short.split(), long.split()
    return 2 <= len(a) < len(b) and a[0] == b[0] and a[-1] == b[-1] and all(w in b for w in a)


@dataclass(frozen=True)
class People:
    """What resolution needs of one document: the people it names and the posts it says they hold.

    Small enough to keep for every document of a large corpus while the rest of each analysis
    is written out and dropped (tuples: a few hundred bytes where dicts and sets take kilobytes).
    """

    names: tuple[tuple[str, str], ...] = ()  # (person key, label)
    posts: tuple[tuple[str, str], ...] = ()  # (person IRI, post IRI)


def people(analysis: Analysis) -> People:
    names = tuple((key, entity.label) for key, entity in analysis.entities.items() if key.startswith("person/"))
    posts = sorted({(str(f.s), str(f.o)) for f in analysis.facts if f.p == ORG.holds})
    return People(names, tuple(posts))


def person_merges(documents: Iterable[People]) -> dict[str, str]:
    """Map of person key → the key it is merged into."""
    names: dict[str, str] = {}
    posts: dict[str, set[str]] = {}
    for found in documents:
        names.update(found.names)
        for person, post in found.posts:
            posts.setdefault(person, set()).add(post)
    by_ends: dict[tuple[str, str], list[str]] = {}  # compatible names share their first and last words
    for key, name in names.items():
        words = name.split()
        if words:
            by_ends.setdefault((words[0], words[-1]), []).append(key)
    merges: dict[str, str] = {}
    for short_key, short in names.items():
        words = short.split()
        if not words:
            continue
        candidates = [
            long_key for long_key in by_ends[(words[0], words[-1])]
            if _compatible(short, names[long_key])
            and posts.get(str(iri.entity(short_key)), set()) & posts.get(str(iri.entity(long_key)), set())
        ]
        if len(candidates) == 1:
            merges[short_key] = candidates[0]
    return merges


def apply_merges(analyses: list[Analysis], merges: dict[str, str]) -> None:
    """Rewrite facts, mentions and entity tables in place; record the shorter name as skos:altLabel."""
    if not merges:
        return
    by_iri = {iri.entity(old): iri.entity(new) for old, new in merges.items()}
    for a in analyses:
        touched = [k for k in merges if k in a.entities]
        if not touched:
            continue
        merged_here = {iri.entity(k) for k in touched}
        a.facts[:] = [
            replace(f, s=by_iri.get(f.s, f.s), o=by_iri.get(f.o, f.o))  # type: ignore[arg-type]
            for f in a.facts
            if not (f.s in merged_here and f.p in (RDFS.label, SDO.name))  # the fuller name is the label
        ]
        for mention in a.mentions:
            if mention.key in merges:
                mention.key = merges[mention.key]
        for old in touched:
            entity = a.entities.pop(old)
            new = merges[old]
            first = next(m for m in a.mentions if m.key == new and m.text in entity.names)
            a.add(new, SKOS.altLabel, Literal(entity.label, lang="id"), a.sentence_at(first.start), [first],
                  "same-person-across-releases")
            if new not in a.entities:
                entity.key = new
                a.entities[new] = entity


__all__ = ["People", "people", "person_merges", "apply_merges"]

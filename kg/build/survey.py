"""What a build keeps of each document between analysing it and writing it out.

Resolution across documents and two derivation rules need facts from every document before any
document's quads can be written. Keeping every analysis for that would make memory grow with the
corpus; a survey keeps only those facts, and the analysis itself waits in the cache.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path
from sys import intern

from kg.extract.document import Document
from kg.extract.facts import Analysis
from kg.graph.ntriples import term
from kg.graph.vocab import ORG, RDF
from kg.rdf.derive import changing_organisations, post_organisations
from kg.rdf.resolution import People, people


@dataclass(frozen=True)
class Survey:
    path: Path
    slug: str
    key: str  # of the analysis in the cache
    extracted: bool  # False when the analysis came from the cache
    people: People
    posts: tuple[tuple[str, str], ...]  # (post, organisation), as N-Triples terms
    organisations: tuple[str, ...]  # typed balai and sentra, for the change events

    def interned(self) -> Survey:
        """The same survey with its names and IRIs interned: the same people, posts and organisations
        recur in document after document, and each arrives from a worker as a new string."""
        def pairs(items: tuple[tuple[str, str], ...]) -> tuple[tuple[str, str], ...]:
            return tuple((intern(a), intern(b)) for a, b in items)

        return replace(self, people=People(pairs(self.people.names), pairs(self.people.posts)), posts=pairs(self.posts),
                       organisations=tuple(intern(o) for o in self.organisations))


def survey(doc: Document, analysis: Analysis, key: str, extracted: bool) -> Survey:
    stated = [(term(f.s), term(f.p), term(f.o)) for f in analysis.facts
              if not f.derived and f.p in (ORG.postIn, RDF.type)]
    return Survey(doc.path, doc.slug, key, extracted, people(analysis), tuple(post_organisations(stated).items()),
                  tuple(sorted(changing_organisations(stated))))


__all__ = ["Survey", "survey"]

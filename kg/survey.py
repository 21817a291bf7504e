"""What a build keeps of each document between analysing it and writing it out.

Resolution across documents and two derivation rules need facts from every document before any
document's quads can be written. Keeping every analysis for that would make memory grow with the
corpus; a survey keeps only those facts, and the analysis itself waits in the cache.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from kg.document import Document
from kg.derive import changing_organisations, post_organisations
from kg.facts import Analysis
from kg.ntriples import term
from kg.resolution import People, people
from kg.vocab import ORG, RDF


@dataclass(frozen=True)
class Survey:
    path: Path
    slug: str
    key: str  # of the analysis in the cache
    extracted: bool  # False when the analysis came from the cache
    people: People
    posts: dict[str, str]  # post → organisation, as N-Triples terms
    organisations: frozenset[str]  # typed balai and sentra, for the change events


def survey(doc: Document, analysis: Analysis, key: str, extracted: bool) -> Survey:
    stated = [(term(f.s), term(f.p), term(f.o)) for f in analysis.facts
              if not f.derived and f.p in (ORG.postIn, RDF.type)]
    return Survey(doc.path, doc.slug, key, extracted, people(analysis), post_organisations(stated),
                  frozenset(changing_organisations(stated)))


__all__ = ["Survey", "survey"]

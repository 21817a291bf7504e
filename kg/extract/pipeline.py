"""The extraction stages on one document: normalised text → sentences → mentions → entities → facts.

Each stage is a module of this package, testable alone; `analyse` runs them in order. Turning an
analysis into RDF is `kg.rdf`'s job, and running a whole corpus into a store is `kg.build`'s.
"""

from __future__ import annotations

from kg.errors import DocumentError
from kg.extract import entities
from kg.extract.document import Document
from kg.extract.facts import Analysis, extract_facts
from kg.extract.mentions import MentionFinder
from kg.extract.text import normalise, split_sentences
from kg.reference.lexicon import load_lexicon

_finder: MentionFinder | None = None


def finder() -> MentionFinder:
    """The mention finder compiles its lexicon patterns once per process."""
    global _finder
    if _finder is None:
        _finder = MentionFinder()
    return _finder


def analyse(doc: Document) -> Analysis:
    """Run the stages up to facts on one document."""
    norm = normalise(doc.raw, doc.body_start)
    sentences = split_sentences(norm)
    if not sentences:
        raise DocumentError(f"{doc.path}: no sentences found")
    mentions = entities.resolve(finder().find(norm.text), norm.text)
    table = entities.entity_table(mentions)
    analysis = Analysis(doc, norm, sentences, mentions, table, load_lexicon())
    extract_facts(analysis)
    return analysis

"""One document's part of a build, once every document has been surveyed: its analysis read back
from the cache, people merged across documents, its graph and its share of the derived graph
rendered, its own nodes validated, and its quads as N-Quads text for the store.

A worker process prepares the ontology, the shapes and the shared graphs once (`start`), then
emits document after document.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from kg.build.cache import AnalysisCache
from kg.build.survey import Survey
from kg.errors import DocumentError
from kg.graph import records
from kg.graph.ntriples import Triple, nquads, term
from kg.graph.vocab import DERIVED_GRAPH, MERGED_GRAPH
from kg.rdf.derive import Entailment
from kg.rdf.render import render
from kg.rdf.resolution import apply_merges
from kg.validate.conformance import Conformance
from kg.validate.shacl import load_ontology

DERIVED = term(DERIVED_GRAPH)
MERGED = term(MERGED_GRAPH)


@dataclass(frozen=True)
class EmitContext:
    """What every document's emission needs from all the others."""

    cache_folder: Path
    merges: dict[str, str]  # person key → the key it is merged into
    post_org: dict[str, str]  # post → its organisation, as N-Triples terms
    shared: list[Triple]  # the shared graphs, which validation reads through


@dataclass(frozen=True)
class Emitted:
    slug: str
    nquads: bytes
    violations: int
    report: str
    shared: set[Triple]  # triples about nodes other documents may describe too, not handed on before
    own: int = 0  # quads in its graph and its record, which no other document writes


class Emitter:
    def __init__(self, context: EmitContext) -> None:
        self.context = context
        self.entailment = Entailment(load_ontology())
        self.conformance = Conformance(context.shared)
        self.handed_on: set[Triple] = set()  # each shared triple leaves this process once

    def emit(self, item: Survey) -> Emitted:
        analysis = AnalysisCache(self.context.cache_folder).load(item.key)
        if analysis is None:
            raise DocumentError(f"{item.path}: its analysis left the cache during the build")
        apply_merges([analysis], self.context.merges)
        doc = render(analysis)
        derived = self.entailment.derive(doc.triples, self.context.post_org) | doc.derived
        report, shared = self.conformance.document(item.slug, [*doc.triples, *derived])
        fresh = shared - self.handed_on
        self.handed_on |= fresh
        text, own = document_nquads(doc.graph, doc.triples, derived)
        return Emitted(item.slug, text.encode("utf-8"), report.violations, report.text, fresh, own)


def document_nquads(graph: str, triples: Iterable[Triple], derived: Iterable[Triple]) -> tuple[str, int]:
    """A document's quads: its facts in its graph, what is derived from them in the derived graph, the
    triples of its provenance record, wherever they were rendered, in the store's default graph, and every
    triple but the record's again in the merge (`kg.store.merged`): the store keeps a quad once however often it is
    written, so the merge of all documents is built as they stream in, with no pass over the store after.
    With the text, how many of its quads are the document's alone (its graph and its record)."""
    facts, own = records.split(triples)
    derived_facts, derived_records = records.split(derived)
    text = (nquads(facts, graph) + nquads(derived_facts, DERIVED) + nquads([*own, *derived_records], None)
            + nquads([*facts, *derived_facts], MERGED))
    return text, len(facts) + len(own) + len(derived_records)


_emitter: Emitter | None = None


def start(context: EmitContext) -> None:
    """Pool initialiser: one `Emitter` per worker process."""
    global _emitter
    _emitter = Emitter(context)


def emit(item: Survey) -> Emitted:
    """Emit with the worker's `Emitter` (after `start`)."""
    if _emitter is None:
        raise RuntimeError("emit.start() prepares a worker before it emits")
    return _emitter.emit(item)


__all__ = ["EmitContext", "Emitted", "Emitter", "start", "emit", "document_nquads", "DERIVED", "MERGED"]

"""Validation of a build one document at a time, with the same verdict as validating the union.

A document's own nodes (its IRI, spans, selectors, assertions, and the quotes, figures and visits
it alone states: `kg.graph.iri.belongs_to`) are described by that document only, so they are checked
with the document's triples (its graph and its share of the derived graph) over the shared graphs
(ontology, reference data and what is derived from them). Nodes several documents can describe
(people, organisations, posts, places) are checked once, at the end of the build, against what
every document said about them; for that, each document hands on its triples about such nodes,
but only those with a predicate the shapes read, so what is kept grows with the number of distinct
entities, not with the number of documents.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable

from rdflib.compare import to_canonical_graph

from kg.graph.iri import belongs_to
from kg.graph.ntriples import Triple
from kg.validate.shacl import load_shapes
from kg.validate.shapes import Report, Shapes, TripleIndex


class Conformance:
    """The shapes and the shared graphs, indexed once per process."""

    def __init__(self, shared: Iterable[Triple]) -> None:
        self.shapes = Shapes(load_shapes())
        self.base = TripleIndex(shared, predicates=self.shapes.predicates)

    def document(self, slug: str, triples: Iterable[Triple]) -> tuple[Report, set[Triple]]:
        """Violations among the document's own nodes, and its triples about shared nodes for `shared`."""
        read = self.shapes.predicates
        data = TripleIndex([t for t in triples if t[1] in read], self.base)
        own = [s for s in data.spo if s[0] == "<" and belongs_to(s[1:-1], slug)]
        mine = set(own)
        handed_on = {(s, p, o) for s, by_p in data.spo.items() if s not in mine for p, values in by_p.items() for o in values}
        return self.shapes.check(data, own), handed_on

    def shared(self, triples: Iterable[Triple]) -> Report:
        """Violations among the shared graphs' nodes and the nodes documents share, given every
        document's triples about them."""
        data = TripleIndex(triples, self.base, self.shapes.predicates)
        return self.shapes.check(data, dict.fromkeys([*self.base.spo, *data.spo]))

    def shared_nodes(self, triples: Iterable[Triple], nodes: Iterable[str]) -> Report:
        """Violations among `nodes` (shared nodes), given what every document says about them and about the
        nodes they point to (a build that adds documents to a generation checks those the new ones describe)."""
        return self.shapes.check(TripleIndex(triples, self.base, self.shapes.predicates), dict.fromkeys(nodes))


def shapes_digest() -> str:
    """A digest of the shapes a build validates with (blank nodes canonicalised, about 0.4 s): documents kept
    from a generation checked under other shapes are checked again (`kg.build.incremental`)."""
    lines = sorted(to_canonical_graph(load_shapes()).serialize(format="nt").splitlines())
    return hashlib.sha256("\n".join(lines).encode("utf-8")).hexdigest()


__all__ = ["Conformance", "shapes_digest"]

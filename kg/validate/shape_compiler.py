"""Compile the shapes graph (ontology/shapes.ttl) into `Shape`s, refusing SHACL not implemented.

Why it exists: the evaluator implements only the part of SHACL Core the shapes use, so compiling
checks every sh: parameter of every shape against the components in `_COMPONENTS`: a shapes file
using anything else fails here, loudly, rather than having that constraint skipped.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal

from rdflib import Graph, URIRef
from rdflib.collection import Collection
from rdflib.namespace import RDF, SH
from rdflib.term import Node

from kg.graph.ntriples import term
from kg.validate.constraints import (
    AnyOf,
    ClassOf,
    Constraint,
    Count,
    Datatype,
    IsIRI,
    LessThan,
    MinInclusive,
    NodeFits,
    Pattern,
    Qualified,
    Shape,
)

# parameters that describe a shape without constraining anything
_DESCRIPTIVE = {SH.name, SH.description, SH.message, SH.severity, SH.order, SH.group, SH.targetClass, SH.path, SH.declare}
# constraint components this evaluator implements, by their parameters
_COMPONENTS = {SH.minCount, SH.maxCount, SH["class"], SH.datatype, SH.nodeKind, SH.minInclusive, SH.pattern, SH["or"],
               SH.node, SH.property, SH.qualifiedValueShape, SH.qualifiedMinCount, SH.qualifiedMaxCount, SH.lessThan}


class ShapesError(ValueError):
    """The shapes use SHACL this evaluator does not implement."""


class ShapeCompiler:
    """Turns shape nodes of the shapes graph into `Shape`s, each compiled once."""

    def __init__(self, graph: Graph) -> None:
        self.g = graph
        self.shapes: dict[Node, Shape] = {}

    def shape(self, node: Node) -> Shape:
        if node in self.shapes:
            return self.shapes[node]
        g = self.g
        label = g.value(node, SH.name)
        shape = self.shapes[node] = Shape(node.n3(g.namespace_manager) if isinstance(node, URIRef)
                                          else f"[{label or 'anonymous'} shape]")
        for p in set(g.predicates(node)):
            if str(p).startswith(str(SH)) and p not in _DESCRIPTIVE and p not in _COMPONENTS:
                raise ShapesError(f"{shape.name} uses {p.n3(g.namespace_manager)}, which the build's validator does not implement")
        path = g.value(node, SH.path)
        if path is not None:
            shape.path = self._path(path)
        shape.targets = frozenset(term(c) for c in g.objects(node, SH.targetClass))
        shape.message = str(g.value(node, SH.message) or "")
        shape.violation = g.value(node, SH.severity) in (None, SH.Violation)
        shape.constraints = list(self._constraints(node))
        shape.properties = [self.shape(prop) for prop in g.objects(node, SH.property)]
        return shape

    def _path(self, path: Node) -> tuple[str, ...]:
        if isinstance(path, URIRef):
            return (term(path),)
        steps = list(Collection(self.g, path)) if (path, RDF.first, None) in self.g else []
        if not steps or not all(isinstance(s, URIRef) for s in steps):
            raise ShapesError(f"only predicate and sequence paths are implemented, not {path!r}")
        return tuple(term(s) for s in steps)

    def _int(self, node: Node, p: URIRef) -> int | None:
        value = self.g.value(node, p)
        return None if value is None else int(value)  # type: ignore[call-overload]

    def _constraints(self, node: Node) -> Iterable[Constraint]:
        g = self.g
        low, high = self._int(node, SH.minCount), self._int(node, SH.maxCount)
        if low is not None:
            yield Count(low, None)
        if high is not None:
            yield Count(None, high)
        for cls in g.objects(node, SH["class"]):
            yield ClassOf(term(cls))
        for datatype in g.objects(node, SH.datatype):
            yield Datatype(str(datatype))
        for kind in g.objects(node, SH.nodeKind):
            if kind != SH.IRI:
                raise ShapesError(f"sh:nodeKind {kind} is not implemented")
            yield IsIRI()
        for bound in g.objects(node, SH.minInclusive):
            yield MinInclusive(Decimal(str(bound)))
        for pattern in g.objects(node, SH.pattern):
            yield Pattern(str(pattern))
        for other in g.objects(node, SH.lessThan):
            yield LessThan(term(other))
        for members in g.objects(node, SH["or"]):
            yield AnyOf([self.shape(m) for m in Collection(g, members)])
        for nested in g.objects(node, SH.node):
            yield NodeFits(self.shape(nested))
        for qualified in g.objects(node, SH.qualifiedValueShape):
            yield Qualified(self.shape(qualified), self._int(node, SH.qualifiedMinCount), self._int(node, SH.qualifiedMaxCount))

"""The SHACL shapes (ontology/shapes.ttl) compiled for checking one release at a time, fast.

Why not pySHACL here: a build checks every release on its own (so that memory does not grow with
the corpus), and pySHACL takes a few hundred milliseconds for one release's graph, many times what
extracting it costs. The shapes use a small part of SHACL Core, which this module evaluates
directly over N-Triples terms (`kg.graph.ntriples`): targets by class (with rdfs:subClassOf in the data),
predicate and sequence paths, and the constraint components in `_COMPONENTS`. A shapes file using
anything else is refused when compiled, never skipped; `tests/test_shapes.py` holds this evaluator
to pySHACL's verdicts. `kemensos-kg validate` still runs pySHACL over a whole store.

Results are counted as pySHACL counts them: one per focus node for cardinalities, one per value
node for value constraints, one per failing pair for sh:lessThan; only sh:Violation results count.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from functools import lru_cache

from rdflib import Graph, URIRef
from rdflib.collection import Collection
from rdflib.namespace import RDF, RDFS, SH, XSD
from rdflib.term import Node

from kg.graph.ntriples import LANG_STRING, Triple, literal_parts, term

_TYPE, _SUBCLASS = term(RDF.type), term(RDFS.subClassOf)

# parameters that describe a shape without constraining anything
_DESCRIPTIVE = {SH.name, SH.description, SH.message, SH.severity, SH.order, SH.group, SH.targetClass, SH.path, SH.declare}
# constraint components this evaluator implements, by their parameters
_COMPONENTS = {SH.minCount, SH.maxCount, SH["class"], SH.datatype, SH.nodeKind, SH.minInclusive, SH.pattern, SH["or"],
               SH.node, SH.property, SH.qualifiedValueShape, SH.qualifiedMinCount, SH.qualifiedMaxCount, SH.lessThan}

_LEXICAL: dict[str, re.Pattern[str]] = {
    str(XSD.integer): re.compile(r"[+-]?\d+"),
    str(XSD.nonNegativeInteger): re.compile(r"\+?\d+|-0+"),
    str(XSD.decimal): re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)"),
    str(XSD.gYear): re.compile(r"-?\d{4,}(Z|[+-]\d{2}:\d{2})?"),
}
_NUMERIC = {str(XSD.integer), str(XSD.nonNegativeInteger), str(XSD.decimal), str(XSD.double), str(XSD.float),
            str(XSD.int), str(XSD.long), str(XSD.positiveInteger)}


class ShapesError(ValueError):
    """The shapes use SHACL this evaluator does not implement."""


@lru_cache(maxsize=65536)
def _parts(value: str) -> tuple[str, str, str]:
    return literal_parts(value)


_DATE = str(XSD.date)


def _well_formed(lexical: str, datatype: str) -> bool:
    if datatype == _DATE:
        try:
            date.fromisoformat(lexical)
        except ValueError:
            return False
        return True
    pattern = _LEXICAL.get(datatype)
    return pattern is None or pattern.fullmatch(lexical) is not None


def _number(value: str) -> Decimal | None:
    if value[0] != '"':
        return None
    lexical, datatype, _ = _parts(value)
    if datatype not in _NUMERIC or not _well_formed(lexical, datatype):
        return None
    try:
        return Decimal(lexical)
    except InvalidOperation:
        return None


_NONE: tuple[str, ...] = ()


class TripleIndex:
    """Triples by subject and predicate, over an optional shared base (the ontology and reference
    graphs, indexed once) that is read through, never copied. `predicates`, when given, keeps only
    the triples the shapes read."""

    def __init__(self, triples: Iterable[Triple], base: TripleIndex | None = None,
                 predicates: frozenset[str] | None = None) -> None:
        if base is not None and base.base is not None:
            raise ValueError("a base cannot itself have a base")
        self.base = base
        spo: dict[str, dict[str, list[str]]] = {}
        for s, p, o in triples:
            if predicates is not None and p not in predicates:
                continue
            by_p = spo.get(s)
            if by_p is None:
                spo[s] = {p: [o]}
            else:
                values = by_p.get(p)
                if values is None:
                    by_p[p] = [o]
                elif o not in values:
                    values.append(o)
        self.spo = spo
        self._supers: dict[str, frozenset[str]] = {}
        self._instances: dict[tuple[str, str], bool] = {}

    def objects(self, s: str, p: str) -> Sequence[str]:
        """The objects of (s, p): read-only."""
        by_p = self.spo.get(s)
        mine = by_p.get(p, _NONE) if by_p is not None else _NONE
        if self.base is None:
            return mine
        by_p = self.base.spo.get(s)
        theirs = by_p.get(p, _NONE) if by_p is not None else _NONE
        if not theirs:
            return mine
        if not mine:
            return theirs
        return list(dict.fromkeys([*theirs, *mine]))

    def superclasses(self, cls: str) -> frozenset[str]:
        """`cls` and every class it is an rdfs:subClassOf of, transitively. The class hierarchy is the
        base's (the ontology), so a view over a base shares its cache."""
        if self.base is not None:
            return self.base.superclasses(cls)
        found = self._supers.get(cls)
        if found is None:
            seen, stack = {cls}, [cls]
            while stack:
                for sup in self.objects(stack.pop(), _SUBCLASS):
                    if sup not in seen:
                        seen.add(sup)
                        stack.append(sup)
            found = self._supers[cls] = frozenset(seen)
        return found

    def is_instance(self, node: str, cls: str) -> bool:
        """Whether `node` is a SHACL instance of `cls` (asked of the same sentence by many assertions)."""
        found = self._instances.get((node, cls))
        if found is None:
            found = self._instances[node, cls] = any(cls in self.superclasses(t) for t in self.objects(node, _TYPE))
        return found


@dataclass(frozen=True)
class Result:
    component: str
    shape: str
    focus: str
    path: str
    value: str | None
    message: str

    def text(self) -> str:
        lines = [f"Constraint Violation in {self.component}:", f"\tSource Shape: {self.shape}", f"\tFocus Node: {self.focus}"]
        if self.value is not None:
            lines.append(f"\tValue Node: {self.value}")
        if self.path:
            lines.append(f"\tResult Path: {self.path}")
        lines.append(f"\tMessage: {self.message}")
        return "\n".join(lines)


# A constraint answers, for a focus node and its value nodes, with (message, value node) per failure.
Failures = list[tuple[str, str | None]]


class Constraint:
    component = ""

    def failures(self, data: TripleIndex, focus: str, values: Sequence[str]) -> Failures:
        raise NotImplementedError

    def holds(self, data: TripleIndex, focus: str, values: Sequence[str]) -> bool:
        return not self.failures(data, focus, values)


class Count(Constraint):
    def __init__(self, low: int | None, high: int | None) -> None:
        self.low, self.high = low, high
        self.component = "MinCountConstraintComponent" if low is not None else "MaxCountConstraintComponent"

    def failures(self, data: TripleIndex, focus: str, values: Sequence[str]) -> Failures:
        n = len(values)
        if self.low is not None and n < self.low:
            return [(f"fewer than {self.low} values", None)]
        if self.high is not None and n > self.high:
            return [(f"more than {self.high} values", None)]
        return []

    def holds(self, data: TripleIndex, focus: str, values: Sequence[str]) -> bool:
        n = len(values)
        return (self.low is None or n >= self.low) and (self.high is None or n <= self.high)


class EachValue(Constraint):
    """A test every value node must pass (class, datatype, node kind, bounds, pattern, or, node)."""

    def __init__(self, component: str, message: str) -> None:
        self.component, self.message = component, message

    def fits(self, data: TripleIndex, value: str) -> bool:
        raise NotImplementedError

    def failures(self, data: TripleIndex, focus: str, values: Sequence[str]) -> Failures:
        return [(self.message, v) for v in values if not self.fits(data, v)]

    def holds(self, data: TripleIndex, focus: str, values: Sequence[str]) -> bool:
        fits = self.fits
        for value in values:
            if not fits(data, value):
                return False
        return True


class ClassOf(EachValue):
    def __init__(self, cls: str) -> None:
        super().__init__("ClassConstraintComponent", f"not an instance of {cls}")
        self.cls = cls

    def fits(self, data: TripleIndex, value: str) -> bool:
        return value[0] != '"' and data.is_instance(value, self.cls)


class Datatype(EachValue):
    def __init__(self, datatype: str) -> None:
        super().__init__("DatatypeConstraintComponent", f"not a well-formed <{datatype}>")
        self.datatype = datatype

    def fits(self, data: TripleIndex, value: str) -> bool:
        if value[0] != '"':
            return False
        lexical, actual, _ = _parts(value)
        return actual == self.datatype and (actual == LANG_STRING or _well_formed(lexical, actual))


class IsIRI(EachValue):
    def __init__(self) -> None:
        super().__init__("NodeKindConstraintComponent", "not an IRI")

    def fits(self, data: TripleIndex, value: str) -> bool:
        return value[0] == "<"


class MinInclusive(EachValue):
    def __init__(self, bound: Decimal) -> None:
        super().__init__("MinInclusiveConstraintComponent", f"less than {bound}")
        self.bound = bound

    def fits(self, data: TripleIndex, value: str) -> bool:
        number = _number(value)
        return number is not None and number >= self.bound


class Pattern(EachValue):
    def __init__(self, pattern: str) -> None:
        super().__init__("PatternConstraintComponent", f"does not match {pattern}")
        self.pattern = re.compile(pattern)

    def fits(self, data: TripleIndex, value: str) -> bool:
        if value.startswith("_:"):
            return False
        return self.pattern.search(_parts(value)[0] if value[0] == '"' else value[1:-1]) is not None


class AnyOf(EachValue):
    def __init__(self, alternatives: list[Shape]) -> None:
        super().__init__("OrConstraintComponent", "fits none of the alternatives")
        self.alternatives = alternatives

    def fits(self, data: TripleIndex, value: str) -> bool:
        for shape in self.alternatives:
            if shape.conforms(data, value):
                return True
        return False


class NodeFits(EachValue):
    def __init__(self, shape: Shape) -> None:
        super().__init__("NodeConstraintComponent", f"does not fit {shape.name}")
        self.shape = shape

    def fits(self, data: TripleIndex, value: str) -> bool:
        return self.shape.conforms(data, value)

    def failures(self, data: TripleIndex, focus: str, values: Sequence[str]) -> Failures:
        out: Failures = []
        for value in values:
            found = self.shape.results(data, value)
            if found:
                first = found[0]
                out.append((f"{self.message}: {first.component} at {first.focus}: {first.message}", value))
        return out


class LessThan(Constraint):
    component = "LessThanConstraintComponent"

    def __init__(self, other: str) -> None:
        self.other = other

    def holds(self, data: TripleIndex, focus: str, values: Sequence[str]) -> bool:
        bounds = data.objects(focus, self.other)
        for value in values:
            for bound in bounds:
                a, b = _number(value), _number(bound)
                if a is None or b is None or not a < b:
                    return False
        return True

    def failures(self, data: TripleIndex, focus: str, values: Sequence[str]) -> Failures:
        out: Failures = []
        for value in values:
            for bound in data.objects(focus, self.other):
                a, b = _number(value), _number(bound)
                if a is None or b is None or not a < b:
                    out.append((f"not less than {bound}", value))
        return out


class Qualified(Constraint):
    component = "QualifiedValueShapeConstraintComponent"

    def __init__(self, shape: Shape, low: int | None, high: int | None) -> None:
        self.shape, self.low, self.high = shape, low, high

    def holds(self, data: TripleIndex, focus: str, values: Sequence[str]) -> bool:
        count = 0
        for value in values:
            if self.shape.conforms(data, value):
                count += 1
        return (self.low is None or count >= self.low) and (self.high is None or count <= self.high)

    def failures(self, data: TripleIndex, focus: str, values: Sequence[str]) -> Failures:
        count = sum(1 for v in values if self.shape.conforms(data, v))
        out: Failures = []
        if self.low is not None and count < self.low:
            out.append((f"fewer than {self.low} values fit the qualified shape", None))
        if self.high is not None and count > self.high:
            out.append((f"more than {self.high} values fit the qualified shape", None))
        return out


class Shape:
    """A node shape (no path: its value node is the focus node) or a property shape."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.path: tuple[str, ...] = ()
        self.targets: frozenset[str] = frozenset()
        self.message = ""
        self.violation = True
        self.constraints: list[Constraint] = []
        self.properties: list[Shape] = []

    def values(self, data: TripleIndex, focus: str) -> Sequence[str]:
        path = self.path
        if not path:
            return (focus,)
        nodes = data.objects(focus, path[0])
        for step in path[1:]:
            nodes = list(dict.fromkeys(v for n in nodes for v in data.objects(n, step)))
        return nodes

    def results(self, data: TripleIndex, focus: str) -> list[Result]:
        """Each violation of this shape and of its property shapes (which report as themselves)."""
        out: list[Result] = []
        values = self.values(data, focus)
        if self.violation:
            for constraint in self.constraints:
                for message, value in constraint.failures(data, focus, values):
                    out.append(Result(constraint.component, self.name, focus, " / ".join(self.path), value,
                                      self.message or message))
        for prop in self.properties:
            for value in values:
                out.extend(prop.results(data, value))
        return out

    def conforms(self, data: TripleIndex, focus: str) -> bool:
        values = data.objects(focus, self.path[0]) if len(self.path) == 1 else self.values(data, focus)
        if self.violation:
            for constraint in self.constraints:
                if not constraint.holds(data, focus, values):
                    return False
        for prop in self.properties:
            for value in values:
                if not prop.conforms(data, value):
                    return False
        return True


class _Compiler:
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


@dataclass(frozen=True)
class Report:
    """What one check found: how many violations, and their text."""

    violations: int
    text: str

    @property
    def conforms(self) -> bool:
        return self.violations == 0


class Shapes:
    """The targeted shapes, compiled; `check` validates chosen focus nodes of a `TripleIndex`."""

    def __init__(self, graph: Graph) -> None:
        compiler = _Compiler(graph)
        self.targeted = [compiler.shape(node) for node in sorted(set(graph.subjects(SH.targetClass, None)), key=str)]
        self._by_classes: dict[frozenset[str], tuple[Shape, ...]] = {}
        #: predicates whose triples the shapes read: everything else can be left out of what is checked
        self.predicates = frozenset({_TYPE, _SUBCLASS} | {step for shape in compiler.shapes.values() for step in shape.path}
                                    | {c.other for shape in compiler.shapes.values() for c in shape.constraints
                                       if isinstance(c, LessThan)})

    def _shapes_of(self, data: TripleIndex, node: str) -> tuple[Shape, ...]:
        supers: frozenset[str] = frozenset()
        for cls in data.objects(node, _TYPE):
            supers |= data.superclasses(cls)
        shapes = self._by_classes.get(supers)
        if shapes is None:
            shapes = self._by_classes[supers] = tuple(s for s in self.targeted if s.targets & supers)
        return shapes

    def check(self, data: TripleIndex, focus_nodes: Iterable[str]) -> Report:
        """Violations of every shape targeting one of `focus_nodes`."""
        found: list[Result] = []
        for node in focus_nodes:
            for shape in self._shapes_of(data, node):
                if not shape.conforms(data, node):
                    found.extend(shape.results(data, node))
        if not found:
            return Report(0, "")
        text = f"Validation Report\nConforms: False\nResults ({len(found)}):\n" + "\n".join(r.text() for r in found)
        return Report(len(found), text)


__all__ = ["Shapes", "ShapesError", "TripleIndex", "Report", "Result"]

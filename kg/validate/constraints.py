"""The SHACL Core constraint components the shapes use, and `Shape`, which applies them.

Why it exists: each component answers twice, `holds` (stops at the first failure: the quick pass
over every focus node, and the test inside sh:or, sh:node and qualified shapes) and `failures`
(the results, only for a node that fails). Results are counted as pySHACL counts them: one per
focus node for cardinalities, one per value node for value constraints, one per failing pair for
sh:lessThan; only sh:Violation results count.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date
from decimal import Decimal, InvalidOperation
from functools import lru_cache

from rdflib.namespace import XSD

from kg.graph.ntriples import LANG_STRING, literal_parts
from kg.validate.report import Result
from kg.validate.triple_index import TripleIndex

_LEXICAL: dict[str, re.Pattern[str]] = {
    str(XSD.integer): re.compile(r"[+-]?\d+"),
    str(XSD.nonNegativeInteger): re.compile(r"\+?\d+|-0+"),
    str(XSD.decimal): re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)"),
    str(XSD.gYear): re.compile(r"-?\d{4,}(Z|[+-]\d{2}:\d{2})?"),
    str(XSD.gYearMonth): re.compile(r"-?\d{4,}-(0[1-9]|1[0-2])(Z|[+-]\d{2}:\d{2})?"),
}
_NUMERIC = {str(XSD.integer), str(XSD.nonNegativeInteger), str(XSD.decimal), str(XSD.double), str(XSD.float),
            str(XSD.int), str(XSD.long), str(XSD.positiveInteger)}


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

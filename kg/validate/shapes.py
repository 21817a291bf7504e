"""The SHACL shapes (ontology/shapes.ttl) compiled for checking one release at a time, fast.

Why not pySHACL here: a build checks every release on its own (so that memory does not grow with
the corpus), and pySHACL costs too much per check for that: 85-140 ms for one release of the
bundled corpus with the ontology and reference graphs, against 2-3 ms for this evaluator on the
same graph (pySHACL 0.40, rdflib 7.6). The shapes use a small part of SHACL Core,
which this package evaluates directly over N-Triples terms (`kg.graph.ntriples`): targets by class
(with rdfs:subClassOf in the data), predicate and sequence paths, and the constraint components in
`kg.validate.constraints`. A shapes file using anything else is refused when compiled
(`kg.validate.shape_compiler`), never skipped. `tests/test_shapes.py` holds this evaluator to
pySHACL's verdicts: `test_each_defect_is_found_as_pyshacl_finds_it` breaks the minimal graph of
tests/test_shacl.py in each of its ways and asks for as many violations as pySHACL finds, on the
same focus node, and `test_a_well_formed_graph_conforms` for none where pySHACL finds none.
`kemensos-kg validate` still runs pySHACL over a whole store.

The pieces: `kg.validate.triple_index` (the data), `kg.validate.constraints` (components and
shapes), `kg.validate.shape_compiler` (shapes.ttl into shapes) and `kg.validate.report` (results).
This module puts them together: which shapes target a node, and the check of chosen focus nodes.
"""

from __future__ import annotations

from collections.abc import Iterable

from rdflib import Graph
from rdflib.namespace import SH

from kg.validate.constraints import LessThan, Shape
from kg.validate.report import Report, Result
from kg.validate.shape_compiler import ShapeCompiler, ShapesError
from kg.validate.triple_index import SUBCLASS, TYPE, TripleIndex


class Shapes:
    """The targeted shapes, compiled; `check` validates chosen focus nodes of a `TripleIndex`."""

    def __init__(self, graph: Graph) -> None:
        compiler = ShapeCompiler(graph)
        self.targeted = [compiler.shape(node) for node in sorted(set(graph.subjects(SH.targetClass, None)), key=str)]
        self._by_classes: dict[frozenset[str], tuple[Shape, ...]] = {}
        #: predicates whose triples the shapes read: everything else can be left out of what is checked
        self.predicates = frozenset({TYPE, SUBCLASS} | {step for shape in compiler.shapes.values() for step in shape.path}
                                    | {c.other for shape in compiler.shapes.values() for c in shape.constraints
                                       if isinstance(c, LessThan)})

    def _shapes_of(self, data: TripleIndex, node: str) -> tuple[Shape, ...]:
        supers: frozenset[str] = frozenset()
        for cls in data.objects(node, TYPE):
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
        return Report.of(found)


__all__ = ["Shapes", "ShapesError", "TripleIndex", "Report", "Result"]

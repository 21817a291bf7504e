"""SHACL validation of the whole knowledge graph against ontology/shapes.ttl.

Why: extraction rules write triples by hand, and the mistakes they make (an offset written as a
bare integer, a post without a role, a label with no language tag, a figure stored as text)
are silent in RDF: every triple parses. The shapes say what a well-formed graph looks like, and
this module runs them with pySHACL over the union of all named graphs, ontology included, so a
broken rule is caught before a bad graph is published. `kemensos-kg validate` checks a store this
way; a build checks each release as it writes it, with the same verdicts (`kg/validate/conformance.py`).

Validation runs without inference: shapes target each concrete class explicitly, and the
ontology's rdfs:subClassOf triples are part of the data, so sh:class still sees subclasses.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import rdflib
from pyshacl import validate
from rdflib.namespace import SH

ONTOLOGY_DIR: Path = Path(__file__).resolve().parent.parent.parent / "ontology"
ONTOLOGY_PATH: Path = ONTOLOGY_DIR / "kemensos.ttl"
SHAPES_PATH: Path = ONTOLOGY_DIR / "shapes.ttl"


@dataclass(frozen=True)
class ValidationReport:
    """The outcome of one validation: whether it conforms, how many violations, and the text."""

    conforms: bool
    violations: int
    text: str


def load_ontology() -> rdflib.Graph:
    """The ontology (kemensos.ttl), freshly parsed: callers may add it to a store or mutate it."""
    graph = rdflib.Graph()
    graph.parse(ONTOLOGY_PATH, format="turtle")
    return graph


@lru_cache(maxsize=1)
def load_shapes() -> rdflib.Graph:
    """The SHACL shapes (shapes.ttl), parsed once and cached; treat the result as read-only.

    (pySHACL itself adds two idempotent RDFS axioms to the shapes graph on its first run.)
    """
    graph = rdflib.Graph()
    graph.parse(SHAPES_PATH, format="turtle")
    return graph


def _count_violations(results: rdflib.Graph) -> int:
    """Top-level results of severity Violation (nested sh:detail results explain them, not add to them)."""
    top = set(results.objects(None, SH.result))
    return sum(1 for r in results.subjects(SH.resultSeverity, SH.Violation) if r in top)


def validate_graph(data: rdflib.Graph) -> ValidationReport:
    """Validate `data` (the union of all graphs, ontology included, as one graph)."""
    conforms, results_graph, results_text = validate(
        data,
        shacl_graph=load_shapes(),
        ont_graph=None,
        inference="none",
        advanced=True,
        allow_warnings=True,
        inplace=True,  # no copy of the data: with no inference and no SHACL rules it is only read
    )
    if not isinstance(results_graph, rdflib.Graph):  # pragma: no cover - pyshacl contract
        raise TypeError(f"pyshacl returned {type(results_graph).__name__}, not a results graph")
    violations = _count_violations(results_graph)
    # allow_warnings=True: sh:Warning and sh:Info results are reported but do not break conformance.
    return ValidationReport(conforms=bool(conforms), violations=violations, text=str(results_text))


__all__ = ["ONTOLOGY_PATH", "SHAPES_PATH", "ValidationReport", "load_ontology", "load_shapes", "validate_graph"]

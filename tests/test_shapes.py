"""The build's shape evaluator gives pySHACL's verdicts: the same violations, on the same nodes."""

from __future__ import annotations

import pytest
from rdflib import Dataset, Graph, URIRef
from rdflib.graph import DATASET_DEFAULT_GRAPH_ID
from test_shacl import MINIMAL, MUTATIONS, graph_of

from kg.graph.iri import belongs_to
from kg.graph.ntriples import term
from kg.graph.vocab import DERIVED_GRAPH, DOC, OA, ONTOLOGY_GRAPH, REFERENCE_GRAPH
from kg.validate.conformance import Conformance
from kg.validate.shacl import load_ontology, load_shapes, validate_graph
from kg.validate.shapes import Shapes, ShapesError, TripleIndex


def evaluate(graph: Graph) -> tuple[int, str]:
    data = TripleIndex([(term(s), term(p), term(o)) for s, p, o in graph])
    report = Shapes(load_shapes()).check(data, data.spo)
    return report.violations, report.text


@pytest.mark.parametrize("case", sorted(MUTATIONS))
def test_each_defect_is_found_as_pyshacl_finds_it(case: str) -> None:
    mutate, focus, _ = MUTATIONS[case]
    graph = graph_of(MINIMAL)
    mutate(graph)
    violations, text = evaluate(graph)
    assert violations == validate_graph(graph).violations
    assert f"Focus Node: <{focus}>" in text


def test_a_well_formed_graph_conforms() -> None:
    assert evaluate(graph_of(MINIMAL)) == (0, "")
    assert validate_graph(graph_of(MINIMAL)).conforms


def test_shapes_using_unimplemented_shacl_are_refused() -> None:
    shapes = Graph().parse(data="""
        @prefix sh: <http://www.w3.org/ns/shacl#> . @prefix ex: <http://example.org/> .
        ex:S a sh:NodeShape ; sh:targetClass ex:C ; sh:property [ sh:path ex:p ; sh:uniqueLang true ] .
    """, format="turtle")
    with pytest.raises(ShapesError, match="uniqueLang"):
        Shapes(shapes)


Triple = tuple[str, str, str]


def corpus_views(dataset: Dataset) -> tuple[Conformance, dict[str, list[Triple]], set[Triple]]:
    """The shared graphs; each document's triples with its record and the derived triples about its own nodes; the
    other derived triples (about nodes documents share)."""
    shared: list[Triple] = []
    documents: dict[str, list[Triple]] = {}
    derived: list[Triple] = []
    records: list[Triple] = []
    for graph in dataset.graphs():
        triples = [(term(s), term(p), term(o)) for s, p, o in graph]
        if graph.identifier in (ONTOLOGY_GRAPH, REFERENCE_GRAPH):
            shared.extend(triples)
        elif graph.identifier == DERIVED_GRAPH:
            derived = triples
        elif graph.identifier == DATASET_DEFAULT_GRAPH_ID:  # the provenance records
            records = triples
        elif str(graph.identifier).startswith(str(DOC)) and triples:
            documents[str(graph.identifier)[len(DOC):]] = triples
    rest = set(derived)
    for slug, triples in documents.items():
        triples.extend(t for t in records if belongs_to(t[0][1:-1], slug))  # its provenance record
        own = {t for t in derived if t[0][0] == "<" and belongs_to(t[0][1:-1], slug)}
        triples.extend(own)
        rest -= own
    return Conformance(shared), documents, rest


def test_the_bundled_corpus_conforms_document_by_document(dataset: Dataset) -> None:
    checker, documents, handed_on = corpus_views(dataset)
    for slug, triples in documents.items():
        report, shared = checker.document(slug, triples)
        assert report.conforms, report.text
        handed_on |= shared
    assert checker.shared(handed_on).conforms
    assert any("person/" in s for s, _, _ in handed_on)  # people are checked once, with every document


def test_a_broken_document_is_found_in_that_document_as_in_the_union(dataset: Dataset) -> None:
    checker, documents, _ = corpus_views(dataset)
    slug, triples = sorted(documents.items())[0]
    end = term(OA.end)
    position = min(s for s, p, _ in triples if p == end)
    report, _ = checker.document(slug, [t for t in triples if not (t[0] == position and t[1] == end)])
    assert report.violations == 1
    assert "TextPositionSelector" in report.text

    union = Graph()
    for s, p, o, _ in dataset.quads((None, None, None, None)):
        union.add((s, p, o))
    union.remove((URIRef(position[1:-1]), OA.end, None))
    assert validate_graph(union).violations == 1


def test_the_ontology_alone_conforms() -> None:
    assert evaluate(load_ontology()) == (0, "")

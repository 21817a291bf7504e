"""The derived graph leaves the provenance record's standard super-terms to the ontology's axioms, and the
replacement queries of `ontology/CHANGELOG.md` find what it used to materialise."""

from __future__ import annotations

import pytest
from pyoxigraph import Store

from kg.store.merged import plain_dataset

PREFIXES = """PREFIX kg: <https://w3id.org/kemensos-kg/ontology#>
PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX prov: <http://www.w3.org/ns/prov#>
PREFIX oa: <http://www.w3.org/ns/oa#>
PREFIX nif: <http://persistence.uni-leipzig.org/nlp2rdf/ontologies/nif-core#>
"""
RECORD_CLASSES = "kg:Assertion kg:Sentence kg:Mention kg:ExtractionActivity"
DERIVED = "<https://w3id.org/kemensos-kg/graph/derived>"
SUPER_CLASSES = "rdf:Statement prov:Entity oa:SpecificResource nif:Sentence prov:Activity"


def _rows(store: Store, query: str) -> list[tuple[str, ...]]:
    return [tuple(term.value for term in row) for row in store.query(PREFIXES + query, **plain_dataset(store))]


def _count(store: Store, query: str) -> int:
    return int(_rows(store, query)[0][0])


def test_no_node_of_the_record_gets_its_standard_super_classes_in_the_derived_graph(store: Store) -> None:
    assert _count(store, f"SELECT (COUNT(*) AS ?n) WHERE {{ VALUES ?c {{ {RECORD_CLASSES} }} ?x a ?c }}") > 1000
    found = _rows(store, f"""SELECT ?x ?super WHERE {{
        VALUES ?c {{ {RECORD_CLASSES} }} VALUES ?super {{ {SUPER_CLASSES} }}
        GRAPH ?g {{ ?x a ?c }} GRAPH {DERIVED} {{ ?x a ?super }} }} LIMIT 5""")
    assert found == []


def test_the_derived_graph_does_not_repeat_sentence_or_evidence_links_as_prov(store: Store) -> None:
    """(The checks of figures have their assertions in the derived graph itself, which states their links.)"""
    found = _rows(store, f"""SELECT ?a ?x WHERE {{
        GRAPH {DERIVED} {{ ?a prov:wasDerivedFrom ?x }}
        GRAPH ?release {{ ?a a kg:Assertion }} FILTER (?release != {DERIVED}) }} LIMIT 5""")
    assert found == []


@pytest.mark.parametrize("record, standard", [
    ("kg:Assertion", "rdf:Statement"), ("kg:Assertion", "prov:Entity"), ("kg:Sentence", "nif:Sentence"),
    ("kg:Sentence", "oa:SpecificResource"), ("kg:Mention", "oa:SpecificResource"),
    ("kg:ExtractionActivity", "prov:Activity"),
])
def test_the_axioms_type_every_node_of_the_record(store: Store, record: str, standard: str) -> None:
    nodes = {row[0] for row in _rows(store, f"SELECT DISTINCT ?x WHERE {{ ?x a {record} }}")}
    assert nodes
    typed = {row[0] for row in _rows(store, f"SELECT DISTINCT ?x WHERE {{ ?x a/rdfs:subClassOf* {standard} }}")}
    assert nodes <= typed


def test_every_sentence_and_evidence_link_reads_as_prov_was_derived_from(store: Store) -> None:
    links = set(_rows(store, "SELECT DISTINCT ?a ?x WHERE { { ?a kg:sentence ?x } UNION { ?a kg:evidence ?x } }"))
    assert len(links) > 1000
    through_axioms = set(_rows(store, """SELECT DISTINCT ?a ?x WHERE {
        ?a ?p ?x . ?p rdfs:subPropertyOf* prov:wasDerivedFrom . ?a a kg:Assertion }"""))
    assert links <= through_axioms

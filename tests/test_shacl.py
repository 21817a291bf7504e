"""The shapes accept a minimal well-formed graph and reject each typical writer mistake,
naming the offending node."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib import namespace as ns
from rdflib.namespace import RDF, RDFS

from kg.graph.vocab import KG, OA, ORG, SDO
from kg.validate.shacl import ValidationReport, load_ontology, load_shapes, validate_graph

PREFIXES = """
@prefix kg:      <https://w3id.org/kemensos-kg/ontology#> .
@prefix kgr:     <https://w3id.org/kemensos-kg/id/> .
@prefix doc:     <https://w3id.org/kemensos-kg/doc/> .
@prefix rdf:     <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .
@prefix rdfs:    <http://www.w3.org/2000/01/rdf-schema#> .
@prefix xsd:     <http://www.w3.org/2001/XMLSchema#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix schema:  <http://schema.org/> .
@prefix org:     <http://www.w3.org/ns/org#> .
@prefix oa:      <http://www.w3.org/ns/oa#> .
"""

MINIMAL = PREFIXES + """
doc:fukuoka a kg:PressRelease ;
    dcterms:title "Delegasi Kemensos Lakukan Studi Praktik Terbaik ke Jepang"@id ;
    dcterms:issued "2022-11-09"^^xsd:date ;
    kg:sha256 "4f0c7a0a6f3f0c1b8d1f5e4c3b2a1908f7e6d5c4b3a29180f7e6d5c4b3a29180" .

doc:fukuoka-s1 a kg:Sentence ;
    oa:hasSource doc:fukuoka ;
    oa:hasSelector doc:fukuoka-s1-pos .
doc:fukuoka-s1-pos a oa:TextPositionSelector ;
    oa:start "100"^^xsd:nonNegativeInteger ;
    oa:end "160"^^xsd:nonNegativeInteger .

doc:fukuoka-m1 a kg:Mention ;
    oa:hasSource doc:fukuoka ;
    kg:inSentence doc:fukuoka-s1 ;
    kg:refersTo kgr:harry-hikmat ;
    oa:hasSelector doc:fukuoka-m1-pos .
doc:fukuoka-m1-pos a oa:TextPositionSelector ;
    oa:start "152"^^xsd:nonNegativeInteger ;
    oa:end "164"^^xsd:nonNegativeInteger .

doc:fukuoka-a1 a kg:Assertion ;
    rdf:subject kgr:harry-hikmat ;
    rdf:predicate org:holds ;
    rdf:object kgr:post-sekjen-kemensos ;
    kg:sentence doc:fukuoka-s1 ;
    kg:evidence doc:fukuoka-m1 ;
    kg:rule "led-by" .

kgr:harry-hikmat a kg:Person ;
    rdfs:label "Harry Hikmat"@id ;
    schema:name "Harry Hikmat"@id ;
    org:holds kgr:post-sekjen-kemensos .

kgr:kemensos a kg:Ministry ;
    rdfs:label "Kementerian Sosial"@id , "Ministry of Social Affairs"@en ;
    schema:name "Kementerian Sosial Republik Indonesia"@id .

kgr:role-sekjen a kg:Role ;
    rdfs:label "Sekretaris Jenderal"@id ;
    schema:name "Sekretaris Jenderal"@id .

kgr:post-sekjen-kemensos a kg:Post ;
    rdfs:label "Sekretaris Jenderal Kementerian Sosial"@id ;
    org:postIn kgr:kemensos ;
    org:role kgr:role-sekjen .

kgr:stat-atensi-2022 a kg:Statistic ;
    schema:minValue 250000 ;
    kg:qualifier "lebih dari"@id ;
    kg:counts "penerima manfaat"@id ;
    kg:referenceYear "2022"^^xsd:gYear .
"""


def graph_of(turtle: str) -> Graph:
    """The fixture plus the ontology, as the pipeline validates them: one union graph."""
    graph = Graph()
    graph.parse(data=turtle, format="turtle")
    graph += load_ontology()
    return graph


def check(mutate: Callable[[Graph], None]) -> ValidationReport:
    graph = graph_of(MINIMAL)
    mutate(graph)
    return validate_graph(graph)


DOC = "https://w3id.org/kemensos-kg/doc/"
KGR = "https://w3id.org/kemensos-kg/id/"
S1 = URIRef(DOC + "fukuoka-s1")
S1_POS = URIRef(DOC + "fukuoka-s1-pos")
M1_POS = URIRef(DOC + "fukuoka-m1-pos")
A1 = URIRef(DOC + "fukuoka-a1")
PERSON = URIRef(KGR + "harry-hikmat")
POST = URIRef(KGR + "post-sekjen-kemensos")
STAT = URIRef(KGR + "stat-atensi-2022")


PREFIXED = {DOC: "doc:", KGR: "kgr:"}


def names(report: ValidationReport, node: URIRef) -> bool:
    """pySHACL prints nodes as prefixed names when the data graph binds the prefix."""
    forms = [str(node)] + [p + str(node)[len(base) :] for base, p in PREFIXED.items() if str(node).startswith(base)]
    return any(form in report.text for form in forms)


def test_shapes_parse_and_target_main_classes() -> None:
    shapes = load_shapes()
    targets = set(shapes.objects(None, URIRef("http://www.w3.org/ns/shacl#targetClass")))
    for cls in ("Person", "Ministry", "Sentra", "City", "Program", "Role", "Post", "Mention",
                "Sentence", "Assertion", "Statistic", "PressRelease", "Quote", "Visit", "Inconsistency"):
        assert KG[cls] in targets, cls


def test_minimal_graph_conforms() -> None:
    report = validate_graph(graph_of(MINIMAL))
    assert report.conforms, report.text
    assert report.violations == 0


def test_ontology_alone_conforms() -> None:
    report = validate_graph(load_ontology())
    assert report.conforms, report.text


def set_value(subject: URIRef, predicate: URIRef, value: Literal) -> Callable[[Graph], None]:
    def mutate(graph: Graph) -> None:
        graph.set((subject, predicate, value))

    return mutate


def remove(subject: URIRef, predicate: URIRef) -> Callable[[Graph], None]:
    def mutate(graph: Graph) -> None:
        assert (subject, predicate, None) in graph, "mutation must remove something"
        graph.remove((subject, predicate, None))

    return mutate


def untag_labels(subject: URIRef) -> Callable[[Graph], None]:
    def mutate(graph: Graph) -> None:
        for label in list(graph.objects(subject, RDFS.label)):
            graph.remove((subject, RDFS.label, label))
            graph.add((subject, RDFS.label, Literal(str(label))))

    return mutate


MUTATIONS = {
    # case: (mutation, focus node the report must name, fragment of the expected message)
    "negative start": (set_value(S1_POS, OA.start, Literal(-1)), S1, "oa:start of the position selector"),
    "untyped string end": (
        set_value(M1_POS, OA.end, Literal("164")), URIRef(DOC + "fukuoka-m1"), "oa:end of the position selector"
    ),
    "start equals end": (
        set_value(S1_POS, OA.end, Literal(100, datatype=ns.XSD.nonNegativeInteger)), S1, "not before oa:end"
    ),
    "start after end": (
        set_value(M1_POS, OA.start, Literal(200, datatype=ns.XSD.nonNegativeInteger)),
        URIRef(DOC + "fukuoka-m1"),
        "not before oa:end",
    ),
    "post without role": (remove(POST, ORG.role), POST, "org:role"),
    "person without language-tagged label": (untag_labels(PERSON), PERSON, "rdfs:label with a language tag"),
    "statistic with string value": (
        set_value(STAT, SDO.minValue, Literal("250.000")), STAT, "schema:minValue must be an xsd:integer"
    ),
    "assertion without sentence": (remove(A1, KG.sentence), A1, "kg:sentence"),
    "assertion without rule": (remove(A1, KG.rule), A1, "kg:rule"),
    "press release date as string": (
        set_value(URIRef(DOC + "fukuoka"), URIRef("http://purl.org/dc/terms/issued"), Literal("9 November 2022")),
        URIRef(DOC + "fukuoka"),
        "dcterms:issued",
    ),
}


@pytest.mark.parametrize("case", sorted(MUTATIONS))
def test_mutation_is_a_violation(case: str) -> None:
    mutate, focus, message = MUTATIONS[case]
    report = check(mutate)
    assert not report.conforms, case
    # one defect, one violation — except a string offset, which is also not comparable with oa:start
    assert report.violations == (2 if case == "untyped string end" else 1), report.text
    assert names(report, focus), f"report does not name {focus}:\n{report.text}"
    assert message in report.text, report.text


def test_start_not_before_end_names_the_selector() -> None:
    report = check(MUTATIONS["start equals end"][0])
    assert "LessThanConstraintComponent" in report.text
    assert "fukuoka-s1-pos" in report.text


def test_post_in_non_organisation_is_a_violation() -> None:
    def mutate(graph: Graph) -> None:
        graph.set((POST, ORG.postIn, PERSON))

    report = check(mutate)
    assert not report.conforms
    assert names(report, POST)


def test_missing_position_selector_is_a_violation() -> None:
    def mutate(graph: Graph) -> None:
        graph.remove((S1, OA.hasSelector, S1_POS))

    report = check(mutate)
    assert not report.conforms
    assert "TextPositionSelector" in report.text
    assert names(report, S1)


def test_statistic_without_any_value_is_a_violation() -> None:
    report = check(remove(STAT, SDO.minValue))
    assert not report.conforms
    assert names(report, STAT)


def test_organisation_subclass_is_targeted_without_inference() -> None:
    sentra = URIRef(KGR + "sentra-kartini")

    def mutate(graph: Graph) -> None:
        graph.add((sentra, RDF.type, KG.Sentra))
        graph.add((sentra, RDFS.label, Literal("Sentra Kartini")))

    report = check(mutate)
    assert not report.conforms
    assert names(report, sentra)

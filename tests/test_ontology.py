"""The ontology parses, documents every term in both languages, aligns with standard
vocabularies, and declares every kg: term the pipeline's code uses."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import OWL, RDF, RDFS

from kg.graph.vocab import KG
from kg.validate.shacl import ONTOLOGY_PATH, load_ontology

ONTOLOGY_IRI = URIRef("https://w3id.org/kemensos-kg/ontology")
KG_SOURCE_DIR = Path(__file__).resolve().parent.parent / "kg"
KG_TERM_IN_SOURCE = re.compile(r"KG\.(\w+)|KG\[\"(\w+)\"\]")

STANDARD_NAMESPACES = (
    "http://schema.org/",
    "http://www.w3.org/ns/org#",
    "http://www.w3.org/ns/prov#",
    "http://xmlns.com/foaf/0.1/",
    "http://www.w3.org/2004/02/skos/core#",
    "http://www.w3.org/ns/oa#",
    "http://persistence.uni-leipzig.org/nlp2rdf/ontologies/nif-core#",
    "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
)

CLASSES = [
    "PressRelease", "Sentence", "Mention", "Assertion", "ExtractionActivity", "Person",
    "Organisation", "GovernmentOrganisation", "Ministry", "OrganisationalUnit", "Sentra",
    "LocalGovernment", "NationalGovernment", "Embassy", "Company", "EducationalInstitution",
    "ServiceCentre", "Post", "Role", "Place", "Country", "Province", "City", "Regency", "Program",
    "Approach", "Visit", "Cooperation", "CooperationStatus", "Directive", "Statistic", "Quote",
    "Finding", "Inconsistency",
]
OBJECT_PROPERTIES = [
    "leader", "member", "delegationOf", "visited", "host", "partner", "cooperationStatus",
    "approach", "issuedBy", "concerns", "statisticOf", "partOf", "statedShareOf", "exceeds",
    "basedOn", "speaker", "dateline", "basedIn", "inSentence", "refersTo", "evidence", "sentence",
]
DATATYPE_PROPERTIES = [
    "qualifier", "referenceYear", "counts", "period", "statedValue", "computedValue", "topic",
    "purpose", "rule", "sha256", "extractorVersion",
]
INDIVIDUALS = ["Established", "Hoped", "Explored"]

# (term, expected direct super-term) pairs from the brief: the alignments the pipeline relies on.
ALIGNMENTS = [
    ("PressRelease", "http://schema.org/NewsArticle"),
    ("PressRelease", "http://xmlns.com/foaf/0.1/Document"),
    ("PressRelease", "http://www.w3.org/ns/prov#Entity"),
    ("Sentence", "http://persistence.uni-leipzig.org/nlp2rdf/ontologies/nif-core#Sentence"),
    ("Sentence", "http://www.w3.org/ns/oa#SpecificResource"),
    ("Assertion", "http://www.w3.org/1999/02/22-rdf-syntax-ns#Statement"),
    ("Organisation", "http://www.w3.org/ns/org#Organization"),
    ("OrganisationalUnit", "http://www.w3.org/ns/org#OrganizationalUnit"),
    ("Sentra", "https://w3id.org/kemensos-kg/ontology#OrganisationalUnit"),
    ("Post", "http://www.w3.org/ns/org#Post"),
    ("Role", "http://www.w3.org/ns/org#Role"),
    ("Inconsistency", "https://w3id.org/kemensos-kg/ontology#Finding"),
    ("leader", "http://schema.org/organizer"),
    ("host", "http://schema.org/attendee"),
    ("partner", "http://www.w3.org/ns/prov#wasAssociatedWith"),
    ("basedOn", "http://www.w3.org/ns/prov#wasDerivedFrom"),
    ("evidence", "http://www.w3.org/ns/prov#wasDerivedFrom"),
    ("sentence", "http://www.w3.org/ns/prov#wasDerivedFrom"),
    ("dateline", "http://schema.org/locationCreated"),
    ("topic", "http://purl.org/dc/terms/subject"),
]


@pytest.fixture(scope="module")
def ontology() -> Graph:
    return load_ontology()


def kg_terms(graph: Graph) -> set[URIRef]:
    types = (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty, OWL.NamedIndividual)
    return {
        term
        for kind in types
        for term in graph.subjects(RDF.type, kind)
        if isinstance(term, URIRef) and str(term).startswith(str(KG))
    }


def has_language(graph: Graph, term: URIRef, predicate: URIRef, lang: str) -> bool:
    return any(
        isinstance(value, Literal) and value.language == lang and str(value).strip()
        for value in graph.objects(term, predicate)
    )


def test_ontology_parses_with_header(ontology: Graph) -> None:
    assert ONTOLOGY_PATH.is_file()
    assert (ONTOLOGY_IRI, RDF.type, OWL.Ontology) in ontology
    assert (ONTOLOGY_IRI, OWL.versionInfo, Literal("0.2.0")) in ontology
    assert ontology.value(ONTOLOGY_IRI, OWL.versionIRI) is not None
    assert ontology.value(ONTOLOGY_IRI, URIRef("http://purl.org/dc/terms/license")) == URIRef(
        "https://www.apache.org/licenses/LICENSE-2.0"
    )
    vann = "http://purl.org/vocab/vann/"
    assert str(ontology.value(ONTOLOGY_IRI, URIRef(vann + "preferredNamespacePrefix"))) == "kg"
    assert str(ontology.value(ONTOLOGY_IRI, URIRef(vann + "preferredNamespaceUri"))) == str(KG)
    title = URIRef("http://purl.org/dc/terms/title")
    assert has_language(ontology, ONTOLOGY_IRI, title, "id")
    assert has_language(ontology, ONTOLOGY_IRI, title, "en")


def test_every_term_is_documented_in_indonesian_and_english(ontology: Graph) -> None:
    terms = kg_terms(ontology)
    assert len(terms) >= len(CLASSES) + len(OBJECT_PROPERTIES) + len(DATATYPE_PROPERTIES)
    missing = [
        f"{term} {predicate.fragment}@{lang}"
        for term in sorted(terms)
        for predicate in (RDFS.label, RDFS.comment)
        for lang in ("id", "en")
        if not has_language(ontology, term, predicate, lang)
    ]
    assert not missing, "undocumented: " + ", ".join(missing)
    undefined = [str(t) for t in sorted(terms) if (t, RDFS.isDefinedBy, ONTOLOGY_IRI) not in ontology]
    assert not undefined, "no rdfs:isDefinedBy: " + ", ".join(undefined)


def test_every_class_reaches_a_standard_vocabulary(ontology: Graph) -> None:
    classes = [c for c in kg_terms(ontology) if (c, RDF.type, OWL.Class) in ontology]
    unaligned = []
    for cls in classes:
        supers = set(ontology.transitive_objects(cls, RDFS.subClassOf)) - {cls}
        if not any(str(s).startswith(STANDARD_NAMESPACES) for s in supers):
            unaligned.append(str(cls))
    assert not unaligned, "no standard superclass: " + ", ".join(sorted(unaligned))


@pytest.mark.parametrize("name", CLASSES)
def test_class_declared(ontology: Graph, name: str) -> None:
    assert (KG[name], RDF.type, OWL.Class) in ontology


@pytest.mark.parametrize("name", OBJECT_PROPERTIES)
def test_object_property_declared(ontology: Graph, name: str) -> None:
    assert (KG[name], RDF.type, OWL.ObjectProperty) in ontology


@pytest.mark.parametrize("name", DATATYPE_PROPERTIES)
def test_datatype_property_declared(ontology: Graph, name: str) -> None:
    assert (KG[name], RDF.type, OWL.DatatypeProperty) in ontology


@pytest.mark.parametrize("name", INDIVIDUALS)
def test_cooperation_status_individual(ontology: Graph, name: str) -> None:
    skos = "http://www.w3.org/2004/02/skos/core#"
    term = KG[name]
    assert (term, RDF.type, OWL.NamedIndividual) in ontology
    assert (term, RDF.type, KG.CooperationStatus) in ontology
    assert (term, URIRef(skos + "inScheme"), KG.CooperationStatusScheme) in ontology
    assert has_language(ontology, term, URIRef(skos + "prefLabel"), "id")
    assert has_language(ontology, term, URIRef(skos + "prefLabel"), "en")
    assert (KG.CooperationStatusScheme, RDF.type, URIRef(skos + "ConceptScheme")) in ontology


@pytest.mark.parametrize(("name", "parent"), ALIGNMENTS)
def test_alignment(ontology: Graph, name: str, parent: str) -> None:
    term = KG[name]
    predicate = RDFS.subClassOf if (term, RDF.type, OWL.Class) in ontology else RDFS.subPropertyOf
    assert (term, predicate, URIRef(parent)) in ontology


def test_datatype_ranges(ontology: Graph) -> None:
    xsd = "http://www.w3.org/2001/XMLSchema#"
    assert ontology.value(KG.referenceYear, RDFS.range) == URIRef(xsd + "gYear")
    assert ontology.value(KG.period, RDFS.range) == URIRef(xsd + "duration")
    assert ontology.value(KG.statedValue, RDFS.range) == URIRef(xsd + "decimal")
    assert ontology.value(KG.qualifier, RDFS.range) == RDF.langString


def kg_terms_used_in_source() -> dict[str, list[str]]:
    used: dict[str, list[str]] = {}
    for path in sorted(KG_SOURCE_DIR.glob("*.py")):
        for match in KG_TERM_IN_SOURCE.finditer(path.read_text(encoding="utf-8")):
            name = match.group(1) or match.group(2)
            used.setdefault(name, []).append(path.name)
    return used


def test_scanner_finds_terms() -> None:
    sample = 'x = KG.Person\ny = KG["sha256"]\nz = KGX.nope'
    found = [m.group(1) or m.group(2) for m in KG_TERM_IN_SOURCE.finditer(sample)]
    assert found == ["Person", "sha256"]


def test_every_kg_term_used_in_code_is_declared(ontology: Graph) -> None:
    declared = {str(term)[len(str(KG)) :] for term in kg_terms(ontology)}
    undeclared = {
        name: files for name, files in kg_terms_used_in_source().items() if name not in declared
    }
    assert not undeclared, "kg: terms used in code but not declared in the ontology: " + ", ".join(
        f"{name} ({', '.join(sorted(set(files)))})" for name, files in sorted(undeclared.items())
    )

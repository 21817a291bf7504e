"""The built graph: every offset quotes the original text, every extracted triple has an
assertion naming its sentence, graphs are kept apart, builds are deterministic, and the
standard-vocabulary view is materialised."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from collections import defaultdict
from pathlib import Path

import pytest
from pyoxigraph import Store
from rdflib import Dataset, Graph, Literal, URIRef
from rdflib.compare import isomorphic
from rdflib.graph import DATASET_DEFAULT_GRAPH_ID
from rdflib.term import BNode

from kg.build.dataset import build_dataset
from kg.build.inputs import DEFAULT_CORPUS
from kg.extract.document import read_document
from kg.graph import iri
from kg.graph.records import release_of as release_iri
from kg.graph.selectors import quote
from kg.graph.vocab import (
    DCTERMS,
    DERIVED_GRAPH,
    DOC,
    ID,
    KG,
    NIF,
    OA,
    ONTOLOGY_GRAPH,
    OWL,
    PROV,
    RDF,
    RDFS,
    REFERENCE_GRAPH,
    SDO,
    WD,
    XSD,
)
from kg.store import generations as kg_store

ROOT = Path(__file__).resolve().parent.parent
CORPUS = [DEFAULT_CORPUS / "2022-11-09-delegasi-kemensos-fukuoka.txt", *sorted((DEFAULT_CORPUS / "dev").glob("*.txt"))]
FOUNDING_GRAPH = iri.document("2022-11-09-delegasi-kemensos-fukuoka")

ANNOTATION_NAMESPACES = (str(OA), str(NIF), str(PROV))
ANNOTATION_PREDICATES = {
    KG.sentence, KG.evidence, KG.rule, KG.inSentence, KG.refersTo, KG.extractorVersion,
    RDF.subject, RDF.predicate, RDF.object,
}
ANNOTATION_TYPES = {KG.Assertion, KG.Sentence, KG.Mention, KG.ExtractionActivity}
RECORDS = DATASET_DEFAULT_GRAPH_ID  # the provenance records are the default graph


def E(key: str) -> URIRef:
    return iri.entity(key)


def release_of(node: URIRef) -> URIRef:
    """The release under whose IRI a node of the records is minted."""
    return URIRef(release_iri(str(node)))


def document_graphs(dataset: Dataset) -> list[Graph]:
    """Each release's graph (its facts) together with its provenance record from the default graph."""
    views = {g.identifier: Graph(identifier=g.identifier) for g in dataset.graphs() if str(g.identifier).startswith(str(DOC))}
    for name, view in views.items():
        for triple in dataset.graph(name):
            view.add(triple)
    for triple in dataset.graph(RECORDS):
        views[release_of(triple[0])].add(triple)
    return list(views.values())


def span_of(g: Graph, node) -> tuple[Literal, Literal, URIRef]:
    """(start, end) literals of a span's position selector, its only selector, and the selector."""
    selectors = list(g.objects(node, OA.hasSelector))
    assert len(selectors) == 1 and (selectors[0], RDF.type, OA.TextPositionSelector) in g, node
    return g.value(selectors[0], OA.start), g.value(selectors[0], OA.end), selectors[0]


def select(store: Store, sparql: str) -> list[dict[str, dict[str, str]]]:
    return json.loads(kg_store.query(store, sparql, "json"))["results"]["bindings"]


@pytest.fixture(scope="module")
def raw_texts(dataset: Dataset) -> dict[URIRef, str]:
    """Each document's raw text, as the graph itself stores it (schema:text of the document node)."""
    texts = {}
    for g in document_graphs(dataset):
        values = list(g.objects(g.identifier, SDO.text))
        assert len(values) == 1, g.identifier
        texts[g.identifier] = str(values[0])
    return texts


# -- offsets --------------------------------------------------------------------------------------------


def test_document_text_in_the_graph_is_the_file(dataset: Dataset, raw_texts: dict[URIRef, str]) -> None:
    expected = {iri.document(read_document(p).slug): read_document(p) for p in CORPUS}
    assert set(raw_texts) == set(expected)
    for doc_iri, doc in expected.items():
        assert raw_texts[doc_iri] == doc.raw
        assert dataset.graph(doc_iri).value(doc_iri, KG.sha256) == Literal(doc.sha256)


def test_every_sentence_and_mention_quotes_the_raw_text(dataset: Dataset, raw_texts: dict[URIRef, str]) -> None:
    """Each span's offsets slice the raw text to a quote whose words are the span's (kg.graph.selectors);
    the quote selector is not stored, nor are NIF offsets repeating the position selector's."""
    checked = defaultdict(int)
    for g in document_graphs(dataset):
        raw = raw_texts[g.identifier]
        for kind in (KG.Sentence, KG.Mention):
            for node in set(g.subjects(RDF.type, kind)):
                checked[kind] += 1
                assert g.value(node, OA.hasSource) == g.identifier
                start, end, position = span_of(g, node)
                assert position == URIRef(iri.selector(str(g.identifier), start.toPython(), end.toPython(), "position"))
                for offset in (start, end):
                    assert offset.datatype == XSD.nonNegativeInteger, (node, offset)
                s, e = start.toPython(), end.toPython()
                assert 0 <= s < e <= len(raw)
                assert node == iri.span(str(g.identifier)[len(str(DOC)):], s, e)
                found = quote(raw, s, e)
                assert found is not None and found.exact == raw[s:e]
                assert (found.prefix, found.suffix) == (raw[max(0, s - 32):s], raw[e:e + 32])
                for gone in (NIF.beginIndex, NIF.endIndex, NIF.referenceContext):
                    assert g.value(node, gone) is None
    assert checked[KG.Sentence] >= 22 + 6
    assert checked[KG.Mention] > checked[KG.Sentence]
    assert not list(dataset.graph(RECORDS).subjects(RDF.type, OA.TextQuoteSelector))


def test_sentence_anchor_is_the_unwrapped_raw_span(dataset: Dataset, raw_texts: dict[URIRef, str]) -> None:
    quotes = str.maketrans({"\u201c": '"', "\u201d": '"', "\u2018": "'", "\u2019": "'"})
    for g in document_graphs(dataset):
        raw = raw_texts[g.identifier]
        for node in set(g.subjects(RDF.type, KG.Sentence)):
            start, end, _ = span_of(g, node)
            flat = re.sub(r"\s+", " ", raw[start.toPython():end.toPython()].translate(quotes))
            assert str(g.value(node, NIF.anchorOf)) == flat


def test_every_offset_in_the_store_quotes_the_raw_text(store: Store) -> None:
    """The words of every span, in SPARQL: the release's text between the position selector's offsets
    (SUBSTR counts code points from 1, as the offsets count them from 0)."""
    rows = select(store, """
        SELECT ?node ?start ?end ?exact ?raw WHERE {
            ?node oa:hasSource ?doc ; oa:hasSelector ?pos .
            ?pos a oa:TextPositionSelector ; oa:start ?start ; oa:end ?end .
            ?doc schema:text ?raw .
            BIND (SUBSTR(?raw, ?start + 1, ?end - ?start) AS ?exact)
            FILTER EXISTS { ?node a ?kind . VALUES ?kind { kg:Sentence kg:Mention } }
        }""")
    assert len(rows) > 300
    bad = []
    for row in rows:
        start, end = int(row["start"]["value"]), int(row["end"]["value"])
        # pyoxigraph reports xsd:nonNegativeInteger as xsd:integer; the value is what counts
        assert row["start"]["datatype"] in (str(XSD.nonNegativeInteger), str(XSD.integer))
        if row["raw"]["value"][start:end] != row["exact"]["value"] or not row["exact"]["value"]:
            bad.append(row["node"]["value"])
    assert bad == []


def test_every_mention_lies_inside_its_sentence(dataset: Dataset) -> None:
    outside = []
    for g in document_graphs(dataset):
        for mention, sentence in g.subject_objects(KG.inSentence):
            assert (sentence, RDF.type, KG.Sentence) in g
            m_start, m_end, _ = span_of(g, mention)
            s_start, s_end, _ = span_of(g, sentence)
            if not (s_start.toPython() <= m_start.toPython() and m_end.toPython() <= s_end.toPython()):
                outside.append((str(mention), str(sentence)))
    assert outside == []


# -- assertions ---------------------------------------------------------------------------------------------


def test_every_assertion_names_a_triple_of_its_own_release_or_of_the_derived_graph(dataset: Dataset) -> None:
    records, derived = dataset.graph(RECORDS), dataset.graph(DERIVED_GRAPH)
    count = 0
    for node in set(records.subjects(RDF.type, KG.Assertion)):
        count += 1
        s, p, o = records.value(node, RDF.subject), records.value(node, RDF.predicate), records.value(node, RDF.object)
        assert None not in (s, p, o), node
        release = release_of(node)
        assert (s, p, o) in dataset.graph(release) or (s, p, o) in derived, node
        sentence = records.value(node, KG.sentence)
        assert sentence is not None and records.value(node, KG.rule) is not None
        # PROV's links follow from the ontology: kg:sentence and kg:evidence are sub-properties of
        # prov:wasDerivedFrom, and the extraction that prov:used the sentence's release generated it
        assert (node, PROV.wasDerivedFrom, None) not in records and (node, PROV.wasGeneratedBy, None) not in records
        assert (None, PROV.used, release) in records
        assert (sentence, RDF.type, KG.Sentence) in records and records.value(sentence, OA.hasSource) == release
        for evidence in records.objects(node, KG.evidence):
            assert (evidence, RDF.type, KG.Mention) in records
    assert count > 800


def test_derived_assertions_are_the_checks_of_figures(dataset: Dataset) -> None:
    records, derived = dataset.graph(RECORDS), dataset.graph(DERIVED_GRAPH)
    named = {a: (records.value(a, RDF.subject), records.value(a, RDF.predicate), records.value(a, RDF.object))
             for a in records.subjects(RDF.type, KG.Assertion)}
    assertions = {a for a, triple in named.items() if triple not in dataset.graph(release_of(a))}
    assert all(named[a] in derived for a in assertions)
    assert assertions
    assert {str(records.value(a, KG.rule)) for a in assertions} == {"share-check"}
    subjects = {records.value(a, RDF.subject) for a in assertions}
    assert all("/finding/" in str(s) for s in subjects)
    assert (None, RDF.type, KG.Assertion) not in derived


def test_every_extracted_triple_has_an_assertion(dataset: Dataset) -> None:
    unasserted = []
    total = 0
    for g in document_graphs(dataset):
        asserted = {
            (g.value(a, RDF.subject), g.value(a, RDF.predicate), g.value(a, RDF.object))
            for a in g.subjects(RDF.type, KG.Assertion)
        }
        for s, p, o in g:
            if str(p).startswith(ANNOTATION_NAMESPACES) or p in ANNOTATION_PREDICATES:
                continue
            if p == RDF.type and (o in ANNOTATION_TYPES or str(o).startswith(str(OA))):
                continue
            total += 1
            if (s, p, o) not in asserted:
                unasserted.append((str(g.identifier), s, p, o))
    assert total > 800
    assert unasserted == []


# -- named graphs ---------------------------------------------------------------------------------------------


def test_named_graphs_are_kept_apart(dataset: Dataset) -> None:
    docs = {iri.document(read_document(p).slug) for p in CORPUS}
    named = {g.identifier for g in dataset.graphs() if len(g)}
    assert named == docs | {ONTOLOGY_GRAPH, REFERENCE_GRAPH, DERIVED_GRAPH, RECORDS}
    for g in docs:  # a release's graph holds its facts and its own description; its record is in the default graph
        assert not [s for s in dataset.graph(g).subjects() if str(s).startswith((f"{g}#", f"{g}/"))], g
    assert {release_of(s) for s in dataset.graph(RECORDS).subjects()} == docs

    ontology = dataset.graph(ONTOLOGY_GRAPH)
    assert (URIRef("https://w3id.org/kemensos-kg/ontology"), RDF.type, OWL.Ontology) in ontology
    assert (None, RDF.type, KG.Assertion) not in ontology

    reference = dataset.graph(REFERENCE_GRAPH)
    assert (E("place/jepang"), OWL.sameAs, WD.Q17) in reference
    assert (None, RDF.type, KG.Assertion) not in reference
    assert (None, RDF.type, KG.PressRelease) not in reference

    derived = dataset.graph(DERIVED_GRAPH)
    assert (E("person/harry-hikmat"), RDF.type, SDO.Person) in derived

    for g in document_graphs(dataset):
        assert set(g.subjects(RDF.type, KG.PressRelease)) == {g.identifier}
        assert (None, RDF.type, OWL.Ontology) not in g
        assert (None, RDF.type, SDO.Person) not in g  # the schema.org view lives in the derived graph
        for node in g.subjects(RDF.type, KG.Sentence):
            assert str(node).startswith(str(g.identifier) + "#char=")
        for other in docs - {g.identifier}:
            assert (other, None, None) not in g
    for other in (REFERENCE_GRAPH, DERIVED_GRAPH):
        assert (None, RDF.type, OWL.Ontology) not in dataset.graph(other)


def test_sparql_traces_a_post_to_its_sentence(store: Store) -> None:
    rows = select(store, """
        SELECT ?post ?text ?start ?end ?exact ?raw WHERE {
          GRAPH ?doc {
            <%s> org:holds ?post .
            ?doc schema:text ?raw .
          }
          ?a a kg:Assertion ; rdf:subject <%s> ; rdf:predicate org:holds ; rdf:object ?post ; kg:sentence ?s .
          ?s nif:anchorOf ?text ; oa:hasSelector ?pos ; oa:hasSource ?doc .
          ?pos oa:start ?start ; oa:end ?end .
          BIND (SUBSTR(?raw, ?start + 1, ?end - ?start) AS ?exact)
          FILTER (?doc = <%s>)
        }""" % (E("person/harry-hikmat"), E("person/harry-hikmat"), FOUNDING_GRAPH))
    assert len(rows) == 1
    [row] = rows
    assert row["post"]["value"] == str(E("post/kementerian-sosial--sekretaris-jenderal"))
    assert row["text"]["value"] == "Delegasi Kemensos dipimpin oleh Sekretaris Jenderal Harry Hikmat."
    start, end = int(row["start"]["value"]), int(row["end"]["value"])
    assert (start, end) == (387, 452)
    assert row["raw"]["value"][start:end] == row["exact"]["value"]
    assert row["exact"]["value"] == "Delegasi\nKemensos dipimpin oleh Sekretaris Jenderal Harry Hikmat."


def test_sparql_finds_every_graph_stating_a_post_of_harry(store: Store) -> None:
    """By the fact in each release's graph, and by the assertions' sentences: the same releases."""
    stating = select(store, "SELECT DISTINCT ?g WHERE { GRAPH ?g { <%s> org:holds ?post } }" % E("person/harry-hikmat"))
    asserting = select(store, """SELECT DISTINCT ?g WHERE {
            ?a a kg:Assertion ; rdf:subject <%s> ; rdf:predicate org:holds ; kg:sentence/oa:hasSource ?g }"""
                       % E("person/harry-hikmat"))
    graphs = {row["g"]["value"] for row in stating}
    assert graphs == {row["g"]["value"] for row in asserting}
    assert str(FOUNDING_GRAPH) in graphs
    assert len(graphs) == 3  # the founding release, dev 01 and dev 07


# -- determinism ---------------------------------------------------------------------------------------------


def _nquad_lines(dataset: Dataset) -> list[str]:
    return sorted(line for line in dataset.serialize(format="nquads").splitlines() if line.strip())


BNODE_LABEL = re.compile(r"_:[A-Za-z0-9]+")


def test_building_twice_gives_identical_nquads(dataset: Dataset) -> None:
    assert _nquad_lines(build_dataset(CORPUS)) == _nquad_lines(dataset)


def test_build_in_another_process_differs_at_most_in_blank_node_labels(dataset: Dataset, tmp_path: Path) -> None:
    """A fresh interpreter with another hash seed: set and dict order must not leak into the graph."""
    out = tmp_path / "build.nq"
    script = (
        "import sys; from kg.build.dataset import build_dataset; "
        "open(sys.argv[1], 'w', encoding='utf-8').write(build_dataset(sys.argv[2:]).serialize(format='nquads'))"
    )
    env = {**os.environ, "PYTHONHASHSEED": "4242"}
    subprocess.run([sys.executable, "-c", script, str(out), *map(str, CORPUS)], check=True, cwd=ROOT, env=env,
                   timeout=300)
    other = sorted(line for line in out.read_text(encoding="utf-8").splitlines() if line.strip())
    here = _nquad_lines(dataset)
    assert len(other) == len(here)
    ground_other = [line for line in other if "_:" not in line]
    ground_here = [line for line in here if "_:" not in line]
    assert ground_other == ground_here
    assert sorted(BNODE_LABEL.sub("_:b", line) for line in other) == sorted(BNODE_LABEL.sub("_:b", line) for line in here)
    # the only blank nodes are in the ontology, and that graph is the same up to their names
    blank_graphs = {line.rsplit(" ", 2)[-2] for line in here if "_:" in line}
    assert blank_graphs <= {f"<{ONTOLOGY_GRAPH}>"}
    parsed = Dataset()
    parsed.parse(data=out.read_text(encoding="utf-8"), format="nquads")
    assert isomorphic(parsed.graph(ONTOLOGY_GRAPH), dataset.graph(ONTOLOGY_GRAPH))


def test_extracted_graphs_have_no_blank_nodes(dataset: Dataset) -> None:
    for g in [*document_graphs(dataset), dataset.graph(REFERENCE_GRAPH), dataset.graph(DERIVED_GRAPH)]:
        assert not [t for t in g if any(isinstance(x, BNode) for x in t)], g.identifier


# -- the schema.org view ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("s", "p", "o"),
    [
        ("person/harry-hikmat", RDF.type, SDO.Person),
        ("person/emi-tanaka", RDF.type, SDO.Person),
        ("person/tri-rismaharini", RDF.type, SDO.Person),
        ("org/kementerian-sosial", RDF.type, SDO.GovernmentOrganization),
        ("org/sentra-kartini", RDF.type, SDO.GovernmentOrganization),
        ("org/pemerintah-provinsi-fukuoka", RDF.type, SDO.GovernmentOrganization),
        ("org/pt-sun-aqua-toto", RDF.type, SDO.Organization),
        ("person/harry-hikmat", SDO.worksFor, "org/kementerian-sosial"),
        ("person/harry-hikmat", SDO.worksFor, "org/direktorat-jenderal-rehabilitasi-sosial"),
        ("person/emi-tanaka", SDO.worksFor, "org/pt-sun-aqua-toto"),
        ("person/rachmad-koesnadi", SDO.worksFor, "org/sentra-kartini"),
        ("person/heri-akhmadi", SDO.worksFor, "org/kbri-tokyo"),
        ("org/sentra-kartini", SDO.parentOrganization, "org/kementerian-sosial"),
        ("org/sentra-phalamartha", SDO.parentOrganization, "org/kementerian-sosial"),
        ("org/pt-sun-aqua-toto", SDO.parentOrganization, "org/toto"),
        ("org/direktorat-rehabilitasi-sosial-anak", SDO.parentOrganization, "org/direktorat-jenderal-rehabilitasi-sosial"),
    ],
)
def test_schema_org_view_is_materialised(dataset: Dataset, s: str, p: URIRef, o) -> None:
    obj = o if isinstance(o, URIRef) else E(o)
    assert (E(s), p, obj) in dataset.graph(DERIVED_GRAPH)


def test_every_person_has_schema_person_type(dataset: Dataset) -> None:
    derived = dataset.graph(DERIVED_GRAPH)
    people = {s for g in document_graphs(dataset) for s in g.subjects(RDF.type, KG.Person)}
    assert len(people) > 10
    assert {p for p in people if (p, RDF.type, SDO.Person) not in derived} == set()


def test_schema_only_consumer_finds_ministry_staff(store: Store) -> None:
    rows = select(store, """
        SELECT DISTINCT ?name WHERE {
            ?p a schema:Person ; schema:worksFor <%s> ; schema:name ?name .
        }""" % E("org/kementerian-sosial"))
    names = {row["name"]["value"] for row in rows}
    assert {"Harry Hikmat", "Tri Rismaharini"} <= names


# -- labels -----------------------------------------------------------------------------------------------------


def test_every_entity_has_a_language_tagged_label(dataset: Dataset) -> None:
    ontology = dataset.graph(ONTOLOGY_GRAPH)
    kinds = {KG.Person, KG.Program}
    for top in (KG.Organisation, KG.Place):
        kinds |= set(ontology.transitive_subjects(RDFS.subClassOf, top))
    assert {KG.Ministry, KG.Sentra, KG.City, KG.Country} <= kinds
    entities = {s for kind in kinds for s, _, _, _ in dataset.quads((None, RDF.type, kind, None))}
    assert len(entities) > 50
    unlabelled = []
    for entity in entities:
        assert str(entity).startswith(str(ID)), entity
        labels = [o for _, _, o, _ in dataset.quads((entity, RDFS.label, None, None))]
        if not any(isinstance(label, Literal) and label.language for label in labels):
            unlabelled.append(entity)
    assert unlabelled == []


def test_documents_have_title_and_issued_date(dataset: Dataset) -> None:
    for g in document_graphs(dataset):
        titles = list(g.objects(g.identifier, DCTERMS.title))
        assert len(titles) == 1 and titles[0].language == "id"
        [issued] = list(g.objects(g.identifier, DCTERMS.issued))
        assert issued.datatype == XSD.date


def test_a_quote_selector_is_the_text_at_the_offsets_with_32_characters_either_side() -> None:
    text = "a" * 40 + "Kemensos" + "b" * 40
    found = quote(text, 40, 48)
    assert found is not None
    assert (found.exact, found.prefix, found.suffix) == ("Kemensos", "a" * 32, "b" * 32)
    edge = quote(text, 0, 3)
    assert edge is not None and (edge.exact, edge.prefix, edge.suffix) == ("aaa", "", text[3:35])
    assert [quote(text, s, e) for s, e in ((5, 5), (-1, 3), (80, 89), (9, 4))] == [None] * 4

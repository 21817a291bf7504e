"""The in-memory copy leaves most of the records on disk (`kg.store.snapshot`), and a query that may read them is
answered from disk (`kg.query.records_reach`): every answer is the disk store's answer, and queries about
facts alone stay in memory."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from pyoxigraph import DefaultGraph, NamedNode

from kg.graph.records import RecordTerms, minted_under_a_release
from kg.graph.vocab import PREFIXES
from kg.query.evaluator import InlineEvaluator, QueryJob, in_the_copy
from kg.query.records_reach import reaches_records
from kg.store.snapshot import Stores, generation_name, load_snapshot

KG, OA, NIF = PREFIXES["kg"], PREFIXES["oa"], PREFIXES["nif"]
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
TERMS = RecordTerms(frozenset({RDF_TYPE, KG + "evidence", KG + "sentence", OA + "hasSource", NIF + "beginIndex",
                               KG + "refersTo"}),
                    frozenset({KG + "Mention", KG + "Assertion", KG + "Sentence"}))
QUERIES = Path(__file__).resolve().parent.parent / "queries"

FACTS_ONLY = [
    "SELECT ?n WHERE { ?p a schema:Person ; schema:name ?n }",
    "SELECT * WHERE { ?p org:holds/org:postIn ?o . OPTIONAL { ?o schema:name ?n FILTER(lang(?n) = 'id') } }",
    "PREFIX k: <https://w3id.org/kemensos-kg/ontology#> SELECT * WHERE { GRAPH ?g { ?v a k:Visit ; k:leader ?l } }",
    "SELECT ?x WHERE { ?x schema:containedInPlace* <https://w3id.org/kemensos-kg/id/place/japan> }",
    "SELECT (COUNT(*) AS ?n) WHERE { ?x a kg:PressRelease FILTER NOT EXISTS { ?x dcterms:title ?t } } GROUP BY ?x",
    "SELECT * WHERE { { SELECT ?p WHERE { ?p a schema:Person } ORDER BY ?p LIMIT 3 } ?p schema:name ?n }",
    "SELECT * WHERE { VALUES ?n { 'a' 'b' } ?p schema:name ?n ; schema:jobTitle [ schema:name ?t ] }",
    'SELECT * WHERE { ?p schema:name "Harry Hikmat"@id ; schema:birthDate "1970"^^xsd:gYear }',
    "ASK { ?s schema:name ?o } ",
    "CONSTRUCT { ?s schema:name ?o } WHERE { ?s schema:name ?o } ORDER BY ?s ?o LIMIT 2",
    "SELECT * WHERE { ?s schema:name ?o . ?s kg:basedIn ?x } ORDER BY DESC(?o) ?s ?x LIMIT 1",
    "SELECT * WHERE { ?v a schema:Event . ?v schema:subEvent? ?e . ?e schema:attendee ?p }",  # ?v is an event's
    "SELECT * WHERE { ?a schema:containedInPlace* ?b . ?b schema:name 'Japan'@en }",
    "SELECT * WHERE { SERVICE SILENT <http://127.0.0.1:9/sparql> { ?s schema:name ?o } }",
]

REACHES = [
    "SELECT * WHERE { ?s ?p ?o }",  # any predicate
    "SELECT * WHERE { ?s schema:name 'x' ; ?p ?o }",
    "SELECT ?c WHERE { ?x a ?c }",  # a record node's class
    "SELECT * WHERE { ?x a kg:Mention }",
    "SELECT * WHERE { ?a kg:evidence ?m }",
    "PREFIX q: <https://w3id.org/kemensos-kg/ontology#> SELECT * WHERE { ?a q:sentence ?s }",
    "SELECT * WHERE { ?a <http://www.w3.org/ns/oa#hasSource> ?d }",
    "SELECT * WHERE { ?s !schema:name ?o }",  # any other predicate
    "SELECT * WHERE { ?s schema:subEvent? ?o }",  # zero steps: every node
    "SELECT * WHERE { ?s (schema:a|schema:b)* [] }",
    "SELECT * WHERE { ?s schema:subEvent? ?o OPTIONAL { ?s schema:name ?n } }",  # not joined: every node still
    "SELECT * WHERE { ?s schema:subEvent? ?o . ?s schema:subEvent* ?x }",
    "SELECT * WHERE { ?s schema:name ?n . { ?s schema:subEvent? ?o } }",  # the anchor is outside the path's group
    "SELECT * WHERE { ?s schema:name [ schema:subEvent? ?o ] }",
    "SELECT ?g WHERE { GRAPH ?g {} }",  # every graph
    "DESCRIBE <https://w3id.org/kemensos-kg/id/person/harry-hikmat>",
    "SELECT * WHERE { <https://w3id.org/kemensos-kg/doc/x#char=1,2> schema:name ?o }",  # a record node
    "SELECT * WHERE { ?s schema:name ?o FILTER EXISTS { ?s ?p ?x } }",
    "SELECT * WHERE { { SELECT ?s WHERE { ?s ?p ?o } } }",
    "SELECT * WHERE { ?s schema:name [ ?p ?o ] }",
    "SELECT * WHERE { ?s a/rdfs:subClassOf* schema:Thing }",
    "SELECT * WHERE { ?s nope:name ?o }",  # an undeclared prefix: not read, not guessed
    "SELECT * WHERE { ?s schema:name ?o ",  # not followed to its end
    "SELECT * WHERE { ?s schema:name ?o } }",
    "SELECT * WHERE { GRAPH ?g { FILTER(true) } }",
]


@pytest.mark.parametrize("query", FACTS_ONLY)
def test_a_query_about_facts_alone_does_not_reach_the_records(query: str) -> None:
    assert reaches_records(query, TERMS, PREFIXES) is False


@pytest.mark.parametrize("query", REACHES)
def test_a_query_that_may_read_a_record_reaches_them(query: str) -> None:
    assert reaches_records(query, TERMS, PREFIXES) is True


def test_the_store_s_default_graph_named_by_the_protocol_is_read_on_disk(store_dir: Path) -> None:
    """The copy's default graph holds the merge beside the records' links: the records themselves, the store's
    own default graph, are on disk."""
    stores = Stores(store_dir)
    stores.snapshot = load_snapshot(store_dir, generation_name(store_dir))
    copy = stores.current()
    query = "SELECT (COUNT(*) AS ?n) WHERE { ?s schema:name ?o }"
    assert in_the_copy(QueryJob(query), copy)
    assert not in_the_copy(QueryJob(query, default_graphs=("",)), copy)


# -- every answer is the disk store's ----------------------------------------------------------------------

ANSWERED = [
    *sorted(p.read_text(encoding="utf-8") for p in QUERIES.glob("*.rq")),
    *FACTS_ONLY[:-1],  # not the SERVICE: no endpoint is listening
    *(q for q in REACHES if "nope:" not in q and not q.rstrip().endswith(("o", "}  }")) and "DESCRIBE" not in q
      and q.count("{") == q.count("}")),
    "SELECT ?c (COUNT(*) AS ?n) WHERE { ?x a ?c } GROUP BY ?c ORDER BY ?c",
    "SELECT ?g WHERE { GRAPH ?g { } } ORDER BY ?g",
    "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }",
    "SELECT (COUNT(*) AS ?n) WHERE { ?s schema:subEvent? ?o }",
    "SELECT (COUNT(*) AS ?n) WHERE { ?s schema:subEvent? ?o OPTIONAL { ?s schema:name ?n } }",
    "SELECT (COUNT(*) AS ?n) WHERE { ?s schema:containedInPlace* ?o . ?o schema:name ?n }",
]


def _rows(evaluator: InlineEvaluator, query: str) -> list[str]:
    body = json.loads(b"".join(evaluator.run(QueryJob(query, graph_format="nt")).chunks())) if not query.lstrip(
        ).upper().startswith("CONSTRUCT") else None
    if body is None:
        text = b"".join(evaluator.run(QueryJob(query, graph_format="nt")).chunks()).decode()
        return sorted(text.splitlines())
    if "boolean" in body:
        return [str(body["boolean"])]
    rows = body["results"]["bindings"]
    if "GROUP_CONCAT" in query:  # whose order SPARQL leaves open: compared word by word
        rows = [{k: " ".join(sorted(v["value"].split())) for k, v in row.items()} for row in rows]
    return sorted(json.dumps(row, sort_keys=True) for row in rows)


def test_the_copy_keeps_the_records_links_and_leaves_the_rest_on_disk(store_dir: Path) -> None:
    snapshot = load_snapshot(store_dir, generation_name(store_dir))
    assert snapshot.records is not None
    assert {KG + "evidence", KG + "sentence", OA + "start"} <= snapshot.records.predicates
    assert KG + "Assertion" in snapshot.records.classes and KG + "Mention" not in snapshot.records.classes
    assert not {KG + "refersTo", OA + "hasSource"} & snapshot.records.predicates
    records = DefaultGraph()  # on disk, the records; in the copy, the merge and the records' links
    disk = Stores(store_dir).disk().store
    kept = {str(q) for q in snapshot.store.quads_for_pattern(None, None, None, records)
            if isinstance(q.subject, NamedNode) and minted_under_a_release(q.subject.value)}
    links = {str(q) for q in disk.quads_for_pattern(None, None, None, records)
             if q.predicate.value in (KG + "refersTo", OA + "hasSource")
             or (q.predicate.value == RDF_TYPE and q.object.value in (KG + "Mention", KG + "Sentence"))}
    assert links and kept == links
    assert len(kept) * 5 < sum(1 for _ in disk.quads_for_pattern(None, None, None, records))


def test_every_query_is_answered_from_the_copy_as_from_the_disk(store_dir: Path) -> None:
    on_disk = InlineEvaluator(Stores(store_dir))
    stores = Stores(store_dir)
    stores.snapshot = load_snapshot(store_dir, generation_name(store_dir))
    served = InlineEvaluator(stores)
    in_memory = 0
    for query in ANSWERED:
        expected = _rows(on_disk, query)
        assert _rows(served, query) == expected, query
        in_memory += in_the_copy(QueryJob(query), stores.current())
    assert in_memory >= 20  # most of them never leave memory
    risma = (QUERIES / "14-releases-mentioning-risma.rq").read_text(encoding="utf-8")
    assert in_the_copy(QueryJob(risma), stores.current())  # the links it reads are in memory

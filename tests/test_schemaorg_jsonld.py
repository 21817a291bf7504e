"""schema.org as consumers write it: `http://schema.org/`, in the store, over the endpoint and in the
pages' embedded JSON-LD.

schema.org's own JSON-LD context (release 30.0, `ontology/external/schemaorg/`) maps every term to
`http://schema.org/`; so do Wikidata, DBpedia, prefix.cc and YASGUI. The pages' JSON-LD is read
twice — with its own context, and with schema.org's context in front of the project's prefixes for
everything else — and every triple either reading yields must be one the store holds, under the same
IRIs. Through the Flask test client and a real `kemensos-kg serve` process.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pyoxigraph as ox
import pytest
import requests
from pyoxigraph import Store
from rdflib import BNode, Graph, Literal, URIRef
from either_server import Either, fixtures

from kg.graph.vocab import PREFIXES

ROOT = Path(__file__).resolve().parent.parent
SCHEMAORG_CONTEXT = ROOT / "ontology" / "external" / "schemaorg" / "schemaorgcontext.jsonld"
BASE = "https://w3id.org/kemensos-kg/"
SCHEMA = "http://schema.org/"
PAGES = ["id/person/harry-hikmat", "id/org/kementerian-sosial", "id/place/temanggung", "id/place/jepang",
         "id/visit/2022-11-09-delegasi-kemensos-fukuoka", "doc/2022-11-09-delegasi-kemensos-fukuoka"]
SCRIPT = re.compile(r'<script type="application/ld\+json">(.*?)</script>', re.DOTALL)
XSD_STRING = PREFIXES["xsd"] + "string"
COUNT_PEOPLE = "SELECT (COUNT(DISTINCT ?p) AS ?n) WHERE {{ ?p a <{cls}> }}"


flask_client, http_client, client = fixtures("store_dir")


def count(client: Either, query: str) -> int:
    status, body = client.text("/sparql?" + requests.compat.urlencode({"query": query}), "application/sparql-results+json")
    assert status == 200, body
    return int(json.loads(body)["results"]["bindings"][0]["n"]["value"])


@pytest.fixture(scope="module")
def schemaorg_context() -> dict[str, Any]:
    return json.loads(SCHEMAORG_CONTEXT.read_text(encoding="utf-8"))["@context"]


def embedded_jsonld(client: Either, path: str) -> dict[str, Any]:
    status, html = client.text("/" + path)
    assert status == 200, html
    scripts = SCRIPT.findall(html)
    assert len(scripts) == 1, f"/{path} embeds {len(scripts)} JSON-LD scripts"
    return json.loads(scripts[0])


def triples_of(document: dict[str, Any]) -> set[tuple[Any, Any, Any]]:
    graph = Graph()
    graph.parse(data=json.dumps(document), format="json-ld")
    assert not any(isinstance(t, BNode) for triple in graph for t in triple), "page JSON-LD names every node"
    return set(graph)


def in_store(store: Store, triple: tuple[Any, Any, Any]) -> bool:
    s, p, o = triple
    if isinstance(o, Literal):
        obj: Any = (ox.Literal(str(o), language=o.language) if o.language
                    else ox.Literal(str(o), datatype=ox.NamedNode(str(o.datatype or XSD_STRING))))
    else:
        obj = ox.NamedNode(str(o))
    return next(store.quads_for_pattern(ox.NamedNode(str(s)), ox.NamedNode(str(p)), obj, None), None) is not None


# -- the store and the endpoint ---------------------------------------------------------------------

def test_the_store_has_one_form_of_schema_org(store: Store) -> None:
    rows = list(store.query('SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } '
                            'FILTER(STRSTARTS(STR(?p), "https://schema.org/") || STRSTARTS(STR(?o), "https://schema.org/")) }'))
    assert int(rows[0]["n"].value) == 0
    rows = list(store.query(f'SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH ?g {{ ?s ?p ?o }} FILTER(STRSTARTS(STR(?p), "{SCHEMA}")) }}'))
    assert int(rows[0]["n"].value) > 1000


def test_every_person_is_a_schema_person(client: Either, store: Store) -> None:
    people = count(client, COUNT_PEOPLE.format(cls=BASE + "ontology#Person"))
    assert people >= 10
    assert count(client, COUNT_PEOPLE.format(cls=SCHEMA + "Person")) == people
    assert count(client, COUNT_PEOPLE.format(cls="https://schema.org/Person")) == 0  # where the README says it stands


def test_the_predeclared_schema_prefix_is_http(client: Either) -> None:
    assert count(client, "SELECT (COUNT(DISTINCT ?p) AS ?n) WHERE { ?p a schema:Person ; schema:name ?name }") >= 10


# -- the pages' JSON-LD, read as a schema.org consumer reads it ------------------------------------

@pytest.mark.parametrize("path", PAGES)
def test_page_jsonld_round_trips_with_both_contexts(client: Either, store: Store, schemaorg_context: dict[str, Any],
                                                    path: str) -> None:
    page = embedded_jsonld(client, path)
    assert page["@context"]["schema"] == SCHEMA
    own = triples_of(page)
    project = {k: v for k, v in page["@context"].items() if k != "schema"}
    as_consumer = triples_of({**page, "@context": [schemaorg_context, project]})
    assert own == as_consumer
    schema_triples = {t for t in own if str(t[1]).startswith(SCHEMA) or str(t[2]).startswith(SCHEMA)}
    assert schema_triples, f"/{path} embeds no schema.org triple"
    missing = [t for t in own if not in_store(store, t)]
    assert not missing, f"/{path}: triples the store does not hold: {missing[:5]}"


def test_the_copied_context_is_schema_orgs() -> None:
    context = json.loads(SCHEMAORG_CONTEXT.read_text(encoding="utf-8"))["@context"]
    assert context["@vocab"] == SCHEMA and context["schema"] == SCHEMA
    graph = Graph().parse(data=json.dumps({"@context": context, "@id": BASE + "x", "@type": "Person",
                                           "name": "Harry Hikmat"}), format="json-ld")
    assert (URIRef(BASE + "x"), URIRef(SCHEMA + "name"), Literal("Harry Hikmat")) in graph

"""The default graph is a set (`kg.store.merged`): a triple stated by several releases is one triple of
the default graph, as in Jena's and Fuseki's union default graph, while `GRAPH ?g` shows every release
that states it. Checked over HTTP, through the Flask test client and a real server, and after updates."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import requests
from rdflib import Dataset, Literal, URIRef

from kg.store import generations as kg_store
from kg.store.merged import MERGED_GRAPH
from server.app import create_app
from server.config import ServerConfig
from server_process import running_server

HARRY = "https://w3id.org/kemensos-kg/id/person/harry-hikmat"
PEOPLE = "SELECT ?p ?name WHERE { ?p a schema:Person ; schema:name ?name }"  # the README's curl example
STATING = f'SELECT ?g WHERE {{ GRAPH ?g {{ <{HARRY}> schema:name "Harry Hikmat"@id }} }}'
TOKEN = "set-semantics-token"

Ask = Callable[[str], list[dict[str, str]]]
pytestmark = pytest.mark.usefixtures("no_proxy")


def rows(body: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(body)))


@pytest.fixture(scope="module")
def flask_ask(store_dir: Path) -> Iterator[Ask]:
    app = create_app(ServerConfig(store_dir=store_dir, timeout=30, threads=1))
    client = app.test_client()

    def ask(query: str) -> list[dict[str, str]]:
        reply = client.post("/sparql", data={"query": query}, headers={"Accept": "text/csv"})
        assert reply.status_code == 200, reply.text
        return rows(reply.text)

    yield ask
    app.extensions["kg_runner"].close()


@pytest.fixture(scope="module")
def http_ask(store_dir: Path) -> Iterator[Ask]:
    with running_server(store_dir) as server:
        def ask(query: str) -> list[dict[str, str]]:
            reply = requests.post(server.base_url + "/sparql", data={"query": query}, headers={"Accept": "text/csv"},
                                  timeout=30)
            assert reply.status_code == 200, reply.text
            return rows(reply.text)

        yield ask


@pytest.fixture(params=["flask", "http"])
def ask(request: pytest.FixtureRequest) -> Ask:
    return request.getfixturevalue(f"{request.param}_ask")


def test_each_person_and_name_comes_back_once(ask: Ask) -> None:
    answer = [(r["p"], r["name"]) for r in ask(PEOPLE)]
    assert len(answer) == len(set(answer)) > 10
    assert answer.count((HARRY, "Harry Hikmat")) == 1


def test_graph_still_shows_every_release_that_states_it(ask: Ask) -> None:
    graphs = [r["g"] for r in ask(STATING)]
    assert len(graphs) == len(set(graphs)) > 2  # several releases name him
    assert all(g.startswith("https://w3id.org/kemensos-kg/doc/") for g in graphs)


def test_the_merge_is_no_graph_of_the_dataset(ask: Ask) -> None:
    graphs = {r["g"] for r in ask("SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }")}
    assert str(MERGED_GRAPH) not in graphs and "https://w3id.org/kemensos-kg/graph/ontology" in graphs
    with_default = ask(f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH ?g {{ <{HARRY}> ?p ?o }} }}")
    assert int(with_default[0]["n"]) > 8


def test_counts_count_triples_once(ask: Ask) -> None:
    (count,) = ask(f"SELECT (COUNT(*) AS ?n) WHERE {{ <{HARRY}> schema:name ?name }}")
    assert count["n"] == "1"


# -- the merge follows every write ------------------------------------------------------------------

EX = "http://example.org/"


@pytest.fixture
def updatable(tmp_path: Path) -> Iterator[Callable[..., object]]:
    dataset = Dataset()
    for graph in ("one", "two"):
        dataset.graph(URIRef(EX + graph)).add((URIRef(EX + "s"), URIRef(EX + "p"), Literal("shared")))
    kg_store.write_store(tmp_path / "store", dataset)
    app = create_app(ServerConfig(store_dir=tmp_path / "store", timeout=30, threads=1, update_token=TOKEN))
    client = app.test_client()
    yield client
    app.extensions["kg_runner"].close()


def _count(client, query: str) -> int:  # type: ignore[no-untyped-def]
    reply = client.post("/sparql", data={"query": query}, headers={"Accept": "text/csv"})
    assert reply.status_code == 200, reply.text
    return int(rows(reply.text)[0]["n"])


def _update(client, text: str) -> None:  # type: ignore[no-untyped-def]
    reply = client.post("/sparql", data={"update": text}, headers={"Authorization": f"Bearer {TOKEN}"})
    assert reply.status_code == 200, reply.text


def test_updates_keep_the_default_graph_a_set(updatable) -> None:  # type: ignore[no-untyped-def]
    plain = f"SELECT (COUNT(*) AS ?n) WHERE {{ <{EX}s> ?p ?o }}"
    per_graph = f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH ?g {{ <{EX}s> ?p ?o }} }}"
    assert (_count(updatable, plain), _count(updatable, per_graph)) == (1, 2)
    _update(updatable, f'INSERT DATA {{ GRAPH <{EX}three> {{ <{EX}s> <{EX}p> "shared", "new" }} }}')
    assert (_count(updatable, plain), _count(updatable, per_graph)) == (2, 4)
    _update(updatable, f"DROP GRAPH <{EX}one> ; DROP GRAPH <{EX}two>")
    assert (_count(updatable, plain), _count(updatable, per_graph)) == (2, 2)
    _update(updatable, f"DROP GRAPH <{EX}three>")
    assert (_count(updatable, plain), _count(updatable, per_graph)) == (0, 0)


def test_a_query_that_never_says_graph_reads_the_same_dataset_without_the_list_of_named_graphs() -> None:
    from kg.store.merged import for_query

    plain = {"default_graph": [MERGED_GRAPH], "named_graphs": [URIRef("https://example.org/g")]}
    assert for_query("SELECT * WHERE { ?s ?p ?o }", plain) == {"default_graph": [MERGED_GRAPH]}
    for query in ("SELECT * WHERE { GRAPH ?g { ?s ?p ?o } }", "select * { graph ?g { ?s ?p ?o } }",
                  'SELECT * WHERE { ?s ?p "GRAPH" }'):
        assert for_query(query, plain) == plain


def test_without_graph_in_the_query_the_merge_is_still_no_named_graph_and_the_default_graph_a_set(
        store_dir: Path) -> None:
    store = kg_store.open_store(store_dir)
    union = kg_store.query(store, "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }", "csv").decode()
    distinct = kg_store.query(store, "SELECT (COUNT(*) AS ?n) WHERE { SELECT DISTINCT ?s ?p ?o { ?s ?p ?o } }",
                              "csv").decode()
    assert union == distinct

"""How the server serves fast and stays correct: the in-memory copy of the store and when it is
used, the result cache, conditional GET, and the worker watchdog — on small real stores, through
the Flask test client and a real `kemensos-kg serve` process."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest
import requests

from kg.query.evaluator import QueryJob, QueryResult, evaluate
from kg.query.result_cache import ResultCache
from kg.store import generations as kg_store
from kg.store.merged import MERGED_GRAPH
from kg.store.snapshot import Stores, generation_name, load_snapshot
from server.app import create_app
from server.config import ServerConfig
from tests.server_process import running_server

DATA = "<http://ex/a> <http://ex/p> \"one\" <http://ex/g> .\n<http://ex/b> <http://ex/p> \"two\" .\n"
TOKEN = "serving-test-token"
COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"


@pytest.fixture
def small_store(tmp_path: Path) -> Path:
    (tmp_path / "data.nq").write_text(DATA, encoding="utf-8")
    kg_store.load_files(tmp_path / "store", [tmp_path / "data.nq"])
    return tmp_path / "store"


def add_triple(store_dir: Path, obj: str) -> None:
    kg_store.modify_store(store_dir, lambda s: s.update(f'INSERT DATA {{ <http://ex/c> <http://ex/p> "{obj}" }}'))


# -- the in-memory copy -------------------------------------------------------------------------------

def test_snapshot_holds_every_quad_of_its_generation(small_store: Path) -> None:
    name = generation_name(small_store)
    snapshot = load_snapshot(small_store, name)
    disk = kg_store.open_store(small_store)
    assert snapshot.generation == name and snapshot.quads == len(disk) == 2
    assert set(map(str, snapshot.store)) == set(map(str, disk))


def test_the_copy_is_served_only_while_its_generation_is_current(small_store: Path) -> None:
    stores = Stores(small_store)
    assert stores.current().in_memory is False  # nothing loaded yet: the disk
    stores.snapshot = load_snapshot(small_store, generation_name(small_store))
    reading = stores.current()
    assert reading.in_memory and reading.store is stores.snapshot.store and reading.plain
    add_triple(small_store, "three")
    after = stores.current()
    assert after.generation != reading.generation and not after.in_memory
    assert len(after.store) == 3  # the new generation, read from disk


def test_without_named_graphs_the_default_graph_is_read_as_it_is(tmp_path: Path) -> None:
    (tmp_path / "data.nt").write_text('<http://ex/a> <http://ex/p> "one" .\n', encoding="utf-8")
    kg_store.load_files(tmp_path / "store", [tmp_path / "data.nt"])
    reading = Stores(tmp_path / "store").current()
    assert reading.plain == {}  # no union to make
    for plain in ({}, {"use_default_graph_as_union": True}, None):
        result = evaluate(reading.store, QueryJob("SELECT ?o WHERE { ?s ?p ?o }"), plain=plain)
        assert json.loads(b"".join(result.chunks()))["results"]["bindings"] == [{"o": {"type": "literal", "value": "one"}}]


# -- the result cache ---------------------------------------------------------------------------------

class CountingRunner:
    def __init__(self, size: int = 10) -> None:
        self.calls = 0
        self.size = size

    def run(self, job: QueryJob) -> QueryResult:
        self.calls += 1
        body = b"x" * self.size
        return QueryResult("select", "json", "application/sparql-results+json", 1, False, 0.5, body=body, size=len(body))

    def warm(self) -> None:
        pass

    def close(self) -> None:
        pass


def test_a_repeated_query_is_answered_from_the_cache(small_store: Path) -> None:
    runner = CountingRunner()
    cache = ResultCache(runner, Stores(small_store).generation, 1 << 20)
    first, second = cache.run(QueryJob(COUNT)), cache.run(QueryJob(COUNT))
    assert runner.calls == 1 and second.body == first.body and second.extra == {"cache": "hit"}
    cache.run(QueryJob(COUNT, solutions_format="csv"))  # another format is another entry
    assert runner.calls == 2


def test_a_new_generation_misses_the_cache(small_store: Path) -> None:
    runner = CountingRunner()
    cache = ResultCache(runner, Stores(small_store).generation, 1 << 20)
    cache.run(QueryJob(COUNT))
    add_triple(small_store, "three")
    cache.run(QueryJob(COUNT))
    assert runner.calls == 2


def test_the_cache_keeps_to_its_size(small_store: Path) -> None:
    runner = CountingRunner(size=100)
    cache = ResultCache(runner, Stores(small_store).generation, 1600)  # entries of at most 100 bytes, 16 of them
    for i in range(40):
        cache.run(QueryJob(f"{COUNT} # {i}"))
    cache.run(QueryJob(f"{COUNT} # 39"))
    cache.run(QueryJob(f"{COUNT} # 0"))  # the oldest was evicted
    assert runner.calls == 41
    too_big = ResultCache(CountingRunner(size=200), Stores(small_store).generation, 1600)
    too_big.run(QueryJob(COUNT))
    too_big.run(QueryJob(COUNT))
    assert too_big.runner.calls == 2  # type: ignore[attr-defined]


# -- conditional GET ------------------------------------------------------------------------------------

def test_a_repeated_get_with_its_etag_is_not_modified(small_store: Path) -> None:
    app = create_app(ServerConfig(store_dir=small_store, evaluation="worker"))
    client = app.test_client()
    first = client.get("/sparql", query_string={"query": COUNT}, headers={"Accept": "application/sparql-results+json"})
    assert first.status_code == 200 and first.headers["ETag"].startswith('W/"')
    assert first.json["results"]["bindings"][0]["n"]["value"] == "2"
    etag = first.headers["ETag"]
    again = client.get("/sparql", query_string={"query": COUNT},
                       headers={"Accept": "application/sparql-results+json", "If-None-Match": etag})
    assert again.status_code == 304 and again.data == b"" and again.headers["ETag"] == etag
    other_format = client.get("/sparql", query_string={"query": COUNT}, headers={"Accept": "text/csv", "If-None-Match": etag})
    assert other_format.status_code == 200 and other_format.headers["ETag"] != etag
    assert other_format.data == b"n\r\n2\r\n"
    add_triple(small_store, "three")
    changed = client.get("/sparql", query_string={"query": COUNT},
                         headers={"Accept": "application/sparql-results+json", "If-None-Match": etag})
    assert changed.status_code == 200 and changed.headers["ETag"] != etag
    assert changed.json["results"]["bindings"][0]["n"]["value"] == "3"
    assert "ETag" not in client.get("/healthz").headers
    posted = client.post("/sparql", data={"query": COUNT})
    assert posted.json["results"]["bindings"][0]["n"]["value"] == "3"
    assert "ETag" not in posted.headers  # POST is not cacheable
    app.extensions["kg_runner"].close()


# -- a real server ----------------------------------------------------------------------------------------

def wait_in_memory(base_url: str, generation: str | None = None, within: float = 60.0) -> dict:
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        health = requests.get(base_url + "/healthz", timeout=5).json()
        if health["in_memory"] and (generation is None or health["generation"] == generation):
            return health
        time.sleep(0.2)
    raise AssertionError(f"no in-memory copy after {within} s: {health}")


def count(base_url: str, **headers: str) -> int:
    reply = requests.get(base_url + "/sparql", params={"query": COUNT}, timeout=30,
                         headers={"Accept": "application/sparql-results+json", **headers})
    assert reply.status_code == 200, reply.text
    return int(reply.json()["results"]["bindings"][0]["n"]["value"])


def test_server_switches_to_memory_and_never_serves_a_stale_copy(small_store: Path) -> None:
    with running_server(small_store, "--update-token", TOKEN) as server:
        assert count(server.base_url) == 2
        update = requests.post(server.base_url + "/sparql", timeout=30,
                               data={"update": 'INSERT DATA { <http://ex/c> <http://ex/p> "three" }'},
                               headers={"Authorization": f"Bearer {TOKEN}"})
        assert update.status_code == 200, update.text
        assert count(server.base_url) == 3  # at once, from disk, while the copy is stale
        health = wait_in_memory(server.base_url, Path(generation_name(small_store)).name)
        assert health["in_memory"] is True
        assert count(server.base_url) == 3  # and again from the new copy
        assert "in memory" in server.log()


def test_server_without_the_copy_serves_from_disk(small_store: Path) -> None:
    with running_server(small_store, "--no-in-memory") as server:
        time.sleep(2)  # a copy of two quads would have been loaded by now
        assert requests.get(server.base_url + "/healthz", timeout=5).json()["in_memory"] is False
        assert count(server.base_url) == 2
        assert "in memory" not in server.log()


def test_server_caches_results_and_says_so(small_store: Path) -> None:
    with running_server(small_store) as server:
        first = requests.get(server.base_url + "/sparql", params={"query": COUNT}, timeout=30)
        second = requests.get(server.base_url + "/sparql", params={"query": COUNT}, timeout=30)
        assert "X-Cache" not in first.headers and second.headers.get("X-Cache") == "hit"
        assert second.content == first.content
    with running_server(small_store, "--cache-mb", "0") as server:
        for _ in range(2):
            reply = requests.get(server.base_url + "/sparql", params={"query": COUNT}, timeout=30)
            assert reply.status_code == 200 and "X-Cache" not in reply.headers


SLOW = ("SELECT (COUNT(*) AS ?n) WHERE { " + " ".join(
    f"VALUES ?v{i} {{ {' '.join(str(j) for j in range(100))} }}" for i in range(5)) +
    " FILTER(?v0 + ?v1 + ?v2 + ?v3 + ?v4 < 0) }")


PAD = "x" * 5000
LARGE = f'SELECT ?v ?pad WHERE {{ VALUES ?v {{ {" ".join(str(i) for i in range(2000))} }} BIND("{PAD}" AS ?pad) }}'


def test_a_query_past_the_limit_ends_its_worker_after_the_others_finish(small_store: Path) -> None:
    """One worker with two threads: while a 10 MB answer is still being sent to a slow reader, a
    query on the same worker runs past the limit and gets 503; the slow reader still gets all of
    its answer, and a fresh worker serves what comes next."""
    with running_server(small_store, "--timeout", "2", "--cache-mb", "0") as server:
        beside = requests.post(server.base_url + "/sparql", data=LARGE, stream=True, timeout=60,
                               headers={"Content-Type": "application/sparql-query", "Accept-Encoding": "identity",
                                        "Accept": "application/sparql-results+json"})
        assert beside.status_code == 200, beside.text
        chunks = [beside.raw.read(1 << 16)]
        started = time.monotonic()
        slow = requests.get(server.base_url + "/sparql", params={"query": SLOW}, timeout=60)
        assert slow.status_code == 503 and "2 s time limit" in slow.text
        assert time.monotonic() - started < 15
        chunks.append(beside.raw.read())
        rows = json.loads(b"".join(chunks))["results"]["bindings"]
        assert len(rows) == 2000 and rows[-1]["pad"]["value"] == PAD
        assert count(server.base_url) == 2
        assert "ends once its other requests finish" in server.log()


def test_pages_and_linked_data_are_tagged_too(store_dir: Path) -> None:
    app = create_app(ServerConfig(store_dir=store_dir, evaluation="worker"))
    client = app.test_client()
    for path, accept in (("/", "text/html"), ("/ontology", "text/turtle"), ("/.well-known/void", "text/turtle")):
        first = client.get(path, headers={"Accept": accept})
        assert first.status_code == 200 and first.data, path
        again = client.get(path, headers={"Accept": accept, "If-None-Match": first.headers["ETag"]})
        assert again.status_code == 304 and again.data == b"", path
        other = client.get(path, headers={"Accept": "application/ld+json", "If-None-Match": first.headers["ETag"]})
        assert other.status_code in (200, 406) and other.headers.get("ETag") != first.headers["ETag"], path
        other.close()
    app.extensions["kg_runner"].close()


# -- the merge folded into the copy's default graph -------------------------------------------------------

FOLD_QUERIES = [
    "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g ORDER BY ?g",
    "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }",
    (Path(__file__).resolve().parent.parent / "queries" / "14-releases-mentioning-risma.rq").read_text(encoding="utf-8"),
    (Path(__file__).resolve().parent.parent / "queries" / "08-sentence-leader.rq").read_text(encoding="utf-8"),
]


def _answer(reading, job: QueryJob) -> list:  # type: ignore[no-untyped-def]
    return json.loads(b"".join(evaluate(reading.store, job, plain=reading.plain).chunks()))["results"]["bindings"]


@pytest.mark.parametrize("query", FOLD_QUERIES)
def test_the_copy_with_the_merge_as_its_default_graph_answers_as_the_disk_store(store_dir: Path, query: str) -> None:
    stores = Stores(store_dir)
    disk = stores.current()
    stores.snapshot = load_snapshot(store_dir, generation_name(store_dir))
    copy = stores.current()
    assert copy.in_memory and copy.folded and "named_graphs" not in copy.plain
    from kg.query.evaluator import InlineEvaluator

    expected = _answer(disk, QueryJob(query))
    served = json.loads(b"".join(InlineEvaluator(stores).run(QueryJob(query)).chunks()))["results"]["bindings"]
    assert expected and served == expected  # those about records read them on disk (tests/test_records_reach.py)
    assert MERGED_GRAPH not in set(copy.store.named_graphs())


def test_a_query_naming_the_stores_own_default_graph_reads_it_on_disk(store_dir: Path) -> None:
    from kg.query.evaluator import InlineEvaluator

    stores = Stores(store_dir)
    stores.snapshot = load_snapshot(store_dir, generation_name(store_dir))
    own = QueryJob(COUNT, default_graphs=("",))
    disk_count = _answer(stores.disk(), own)
    folded_count = _answer(stores.current(), own)  # the copy's default graph is the merge
    assert disk_count != folded_count
    served = json.loads(b"".join(InlineEvaluator(stores).run(own).chunks()))["results"]["bindings"]
    assert served == disk_count

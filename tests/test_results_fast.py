"""pyoxigraph's serialisers as the fast path: rows counted in their output, the same answers as the
capped writer, and a fall back to it when the cap or the size limit is reached."""

from __future__ import annotations

import csv
import io
import json

import pytest
from pyoxigraph import Store

from kg.query import results
from kg.query.results import GRAPH_FORMATS, SOLUTION_FORMATS, count_json_rows, write_fast, write_results

TRICKY = [
    '"},{\\"x\\":{}"',  # the row separator and an empty object inside a string
    '"a\\r\\nb\\tc"',
    '"quote \\" and backslash \\\\"',
    '"x"@id',
    "42",
    '"2026-11-28"^^<http://www.w3.org/2001/XMLSchema#date>',
    "<http://ex/o>",
    "_:blank",
    '"{\\"type\\":\\"uri\\"}"',
]


@pytest.fixture(scope="module")
def store() -> Store:
    s = Store()
    s.update("INSERT DATA { " + " ".join(f"<http://ex/s{i}> <http://ex/p> {term} ." for i, term in enumerate(TRICKY)) + " }")
    return s


QUERIES = [
    "SELECT ?s ?o WHERE { ?s ?p ?o } ORDER BY ?s",
    "SELECT ?s ?missing WHERE { ?s ?p ?o OPTIONAL { ?o ?q ?missing } } ORDER BY ?s",
    "SELECT * WHERE { }",  # one row binding nothing: {}
    "SELECT ?s WHERE { ?s <http://ex/none> ?o }",  # no rows
    "SELECT ?x WHERE { VALUES ?x { UNDEF 1 UNDEF } }",  # empty bindings among others
]


@pytest.mark.parametrize("query", QUERIES)
def test_json_rows_are_counted_exactly(store: Store, query: str) -> None:
    out = io.BytesIO()
    store.query(query).serialize(out, results.QueryResultsFormat.JSON)
    assert count_json_rows(out.getvalue()) == len(json.loads(out.getvalue())["results"]["bindings"])


def _rows(body: bytes, name: str) -> list:
    if name == "json":
        return sorted(json.dumps(row, sort_keys=True) for row in json.loads(body)["results"]["bindings"])
    if name == "csv":
        return list(csv.reader(io.StringIO(body.decode(), newline="")))[1:]
    return body.decode().split("\n")[1:-1]


@pytest.mark.parametrize("name", ["json", "csv"])
@pytest.mark.parametrize("query", QUERIES)
def test_fast_writer_gives_what_the_capped_writer_gives(store: Store, query: str, name: str) -> None:
    fmt = SOLUTION_FORMATS[name]
    fast, slow = io.BytesIO(), io.BytesIO()
    written_fast = write_fast(store.query(query), fmt, fast, 1000)
    written_slow = write_results(store.query(query), fmt, slow, 1000)
    assert written_fast == written_slow
    assert _rows(fast.getvalue(), name) == _rows(slow.getvalue(), name)


@pytest.mark.parametrize("query", QUERIES)
def test_tsv_rows_are_counted(store: Store, query: str) -> None:
    out = io.BytesIO()
    written = write_fast(store.query(query), SOLUTION_FORMATS["tsv"], out, 1000)
    assert written is not None
    assert written.rows == len(list(store.query(query)))


def test_n_triples_are_counted(store: Store) -> None:
    out = io.BytesIO()
    written = write_fast(store.query("CONSTRUCT WHERE { ?s ?p ?o }"), GRAPH_FORMATS["nt"], out, 1000)
    assert written is not None and written.rows == len(TRICKY) and written.form == "graph"
    check = Store()
    check.load(out.getvalue(), results.RdfFormat.N_TRIPLES)
    assert len(check) == len(TRICKY)


def test_more_rows_than_the_cap_are_left_to_the_capped_writer(store: Store) -> None:
    out = io.BytesIO()
    assert write_fast(store.query(QUERIES[0]), SOLUTION_FORMATS["json"], out, 3) is None
    assert out.getvalue() == b""


def test_output_past_the_size_limit_is_left_to_the_capped_writer(store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(results, "FAST_BYTES", 100)
    out = io.BytesIO()
    assert write_fast(store.query(QUERIES[0]), SOLUTION_FORMATS["json"], out, 1000) is None
    assert out.getvalue() == b""


def test_formats_it_cannot_count_are_left_to_the_capped_writer(store: Store) -> None:
    assert write_fast(store.query(QUERIES[0]), SOLUTION_FORMATS["xml"], io.BytesIO(), 1000) is None
    assert write_fast(store.query("CONSTRUCT WHERE { ?s ?p ?o }"), GRAPH_FORMATS["ttl"], io.BytesIO(), 1000) is None

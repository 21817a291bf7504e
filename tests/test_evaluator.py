"""The killable evaluator: datasets, limits and recovery, on a small real store."""

from __future__ import annotations

import json
import os
import time

import pytest

from kg.errors import QueryError
from kg.query.evaluator import Evaluator, QueryJob, QueryTimeout, names_its_dataset
from kg.store import generations as kg_store

DATA = """
<http://ex/a> <http://ex/p> "in g1" <http://ex/g1> .
<http://ex/b> <http://ex/p> "in g2" <http://ex/g2> .
<http://ex/c> <http://ex/p> "in default" .
"""


@pytest.fixture(scope="module")
def evaluator(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    folder = tmp_path_factory.mktemp("evaluator")
    (folder / "data.nq").write_text(DATA, encoding="utf-8")
    kg_store.load_files(folder / "store", [folder / "data.nq"])
    ev = Evaluator(folder / "store", timeout=3)
    yield ev
    ev.close()


def values(ev: Evaluator, query: str, **job: object) -> set[str]:
    result = ev.run(QueryJob(query, **job))  # type: ignore[arg-type]
    data = json.loads(b"".join(result.chunks()))
    return {row["o"]["value"] for row in data["results"]["bindings"]}


@pytest.mark.parametrize("query, expected", [
    ("SELECT * FROM <g> {}", True),
    ("select * from named <a> {}", True),
    ('SELECT * { ?s ?p "FROM x" }', False),
    ("SELECT * { ?s ?p '''a FROM b''' }", False),
    ("SELECT * # FROM\n{}", False),
    ("SELECT * { <http://x/FROM> ?p ?o }", False),
    ("SELECT ?from { ?s ex:from ?from }", False),
])
def test_names_its_dataset(query: str, expected: bool) -> None:
    assert names_its_dataset(query) is expected


def test_default_graph_is_the_union_of_all_graphs(evaluator: Evaluator) -> None:
    assert values(evaluator, "SELECT ?o { ?s ?p ?o }") == {"in g1", "in g2", "in default"}


def test_from_in_the_query_restricts_the_default_graph(evaluator: Evaluator) -> None:
    assert values(evaluator, "SELECT ?o FROM <http://ex/g1> { ?s ?p ?o }") == {"in g1"}


def test_protocol_default_graph_wins(evaluator: Evaluator) -> None:
    assert values(evaluator, "SELECT ?o { ?s ?p ?o }", default_graphs=("http://ex/g2",)) == {"in g2"}
    assert values(evaluator, "SELECT ?o { ?s ?p ?o }", default_graphs=("",)) == {"in default"}


def test_row_cap_truncates_and_says_so(evaluator: Evaluator) -> None:
    result = evaluator.run(QueryJob("SELECT ?o { ?s ?p ?o }", max_rows=2))
    assert (result.rows, result.truncated) == (2, True)


def test_syntax_error_is_a_query_error_with_position(evaluator: Evaluator) -> None:
    with pytest.raises(QueryError, match="1:"):
        evaluator.run(QueryJob("SELECT ?o {"))


NUMBERS = " ".join(str(i) for i in range(100))


def test_a_query_past_the_limit_is_killed_and_the_next_one_is_answered(evaluator: Evaluator) -> None:
    blocks = " ".join(f"VALUES ?v{i} {{ {NUMBERS} }}" for i in range(5))
    started = time.perf_counter()
    with pytest.raises(QueryTimeout, match="3 s"):
        evaluator.run(QueryJob(f"SELECT (COUNT(*) AS ?n) {{ {blocks} FILTER(?v0 + ?v1 + ?v2 + ?v3 + ?v4 < 0) }}"))
    assert time.perf_counter() - started < 10
    assert values(evaluator, "SELECT ?o { ?s ?p ?o }") == {"in g1", "in g2", "in default"}


def test_a_large_result_is_spooled_to_a_file_and_removed_after_reading(evaluator: Evaluator) -> None:
    pad = "x" * 3000
    query = f'SELECT ?v ?pad {{ VALUES ?v {{ {" ".join(str(i) for i in range(600))} }} BIND("{pad}" AS ?pad) }}'
    result = evaluator.run(QueryJob(query))
    assert result.path is not None and os.path.exists(result.path)
    body = b"".join(result.chunks())
    assert len(body) == result.size > 1 << 20
    assert not os.path.exists(result.path)

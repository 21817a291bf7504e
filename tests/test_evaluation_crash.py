"""A crash while evaluating one query costs that query alone (the killable evaluator): the process
evaluating it is ended by SIGSEGV mid-query, as pyoxigraph crashing would end it."""

from __future__ import annotations

import json
import os
import signal
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from kg.query.evaluator import EvaluationError, Evaluator, QueryJob
from kg.store import generations as kg_store

DATA = '<http://ex/a> <http://ex/p> "a" .\n<http://ex/b> <http://ex/p> "b" .\n'
NUMBERS = " ".join(str(i) for i in range(100))
#: 10^10 rows to count: runs far past any test's patience unless its process is ended
ENDLESS = ("SELECT (COUNT(*) AS ?n) { " + " ".join(f"VALUES ?v{i} {{ {NUMBERS} }}" for i in range(5))
           + " FILTER(?v0 + ?v1 + ?v2 + ?v3 + ?v4 < 0) }")
SMALL = "SELECT ?o { ?s ?p ?o } ORDER BY ?o"


@pytest.fixture(scope="module")
def store_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("crash")
    (folder / "data.nt").write_text(DATA, encoding="utf-8")
    kg_store.load_files(folder / "store", [folder / "data.nt"])
    return folder / "store"


@pytest.fixture
def evaluators(store_dir: Path) -> Iterator[tuple[Evaluator, Evaluator]]:
    pair = Evaluator(store_dir, timeout=60), Evaluator(store_dir, timeout=60)
    for evaluator in pair:
        evaluator.warm()
    yield pair
    for evaluator in pair:
        evaluator.close()


def answers(evaluator: Evaluator) -> list[str]:
    body = b"".join(evaluator.run(QueryJob(SMALL)).chunks())
    return [row["o"]["value"] for row in json.loads(body)["results"]["bindings"]]


def test_a_crash_mid_query_fails_that_query_alone(evaluators: tuple[Evaluator, Evaluator]) -> None:
    crashing, other = evaluators
    outcome: dict[str, object] = {}

    def run_endless() -> None:
        try:
            crashing.run(QueryJob(ENDLESS))
        except EvaluationError as exc:
            outcome["error"], outcome["at"] = exc, time.monotonic()

    thread = threading.Thread(target=run_endless)
    thread.start()
    time.sleep(1.0)  # the query is being evaluated
    assert thread.is_alive()
    victim = crashing.pid
    assert victim is not None
    os.kill(victim, signal.SIGSEGV)
    killed = time.monotonic()
    assert answers(other) == ["a", "b"]  # a query on another evaluator meanwhile
    thread.join(10)
    assert not thread.is_alive()
    assert str(outcome["error"]) == ("the process evaluating this query was ended by SIGSEGV; "
                                     "other queries are not affected")
    assert float(outcome["at"]) - killed < 5  # type: ignore[arg-type]  # told at once, not at the time limit
    assert answers(crashing) == ["a", "b"]  # the next query on the same evaluator gets a fresh process
    assert crashing.pid not in (None, victim)


def test_a_process_ended_between_queries_costs_nothing(evaluators: tuple[Evaluator, Evaluator]) -> None:
    evaluator, _ = evaluators
    victim = evaluator.pid
    assert victim is not None
    os.kill(victim, signal.SIGSEGV)
    deadline = time.monotonic() + 5
    while evaluator.pid is not None and time.monotonic() < deadline:
        time.sleep(0.05)
    assert answers(evaluator) == ["a", "b"]

"""Queries that run away, one or several at once: each gets its 503 within the limit + 1 s, and the
requests of other clients sent meanwhile are answered in time, on a real `kemensos-kg serve`."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest
import requests

from kg.store import generations as kg_store
from server_process import running_server

LIMIT = 2.0
DATA = "<http://ex/a> <http://ex/p> \"one\" <http://ex/g> .\n<http://ex/b> <http://ex/p> \"two\" .\n"
#: a cross product of 10^12 rows that needs no data: minutes of work for pyoxigraph, whatever the store
RUNAWAY = ("SELECT (COUNT(*) AS ?n) WHERE { " + " ".join(
    f"VALUES ?v{i} {{ {' '.join(str(j) for j in range(100))} }}" for i in range(6)) +
    " FILTER(?v0 + ?v1 + ?v2 + ?v3 + ?v4 + ?v5 < 0) }")


@pytest.fixture(scope="module")
def store_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("runaways")
    (folder / "data.nq").write_text(DATA, encoding="utf-8")
    kg_store.load_files(folder / "store", [folder / "data.nq"])
    return folder / "store"


class Timed:
    """Requests sent on their own threads at set moments, with when each was sent and answered."""

    def __init__(self, base_url: str) -> None:
        self.base_url = base_url
        self.started = time.monotonic()
        self.results: dict[str, tuple[float, float, int | str, str]] = {}
        self.threads: list[threading.Thread] = []

    def send(self, name: str, query: str, at: float) -> None:
        def go() -> None:
            time.sleep(max(0.0, self.started + at - time.monotonic()))
            sent = time.monotonic()
            try:
                reply = requests.get(self.base_url + "/sparql", params={"query": query}, timeout=60)
                outcome: tuple[int | str, str] = (reply.status_code, reply.text)
            except requests.RequestException as exc:  # a dropped connection: what must not happen
                outcome = ("dropped", repr(exc))
            self.results[name] = (sent - self.started, time.monotonic() - sent, *outcome)

        thread = threading.Thread(target=go)
        thread.start()
        self.threads.append(thread)

    def wait(self) -> dict[str, tuple[float, float, int | str, str]]:
        for thread in self.threads:
            thread.join()
        return self.results


def check(results: dict[str, tuple[float, float, int | str, str]]) -> None:
    report = "\n".join(f"{name}: sent at {sent:.2f} s, answered after {took:.2f} s: {status}"
                       for name, (sent, took, status, _) in sorted(results.items(), key=lambda r: r[1][0]))
    for name, (_, took, status, text) in results.items():
        if name.startswith("runaway"):
            assert status == 503 and f"{LIMIT:g} s time limit" in text, report
        else:
            assert status == 200 and "true" in text, report
        assert took <= LIMIT + 1.0, report


def test_four_runaways_at_once_on_one_worker_each_get_503_in_time(store_dir: Path) -> None:
    with running_server(store_dir, "--timeout", f"{LIMIT:g}", "--cache-mb", "0", "--workers", "1") as server:
        timed = Timed(server.base_url)
        for i in range(4):
            timed.send(f"runaway {i}", f"{RUNAWAY} # {i}", 0.05 * i)
        for i, at in enumerate((0.5, 1.0, 1.5, 2.1, 2.6, 3.5, 5.0)):
            timed.send(f"small {i}", f"ASK {{ ?s ?p ?o }} # {i}", at)
        check(timed.wait())
        assert "hands over to a fresh one" in server.log()
        time.sleep(LIMIT + 1)
        reply = requests.get(server.base_url + "/sparql", params={"query": "ASK { ?s ?p ?o }"}, timeout=10)
        assert reply.status_code == 200
        assert len(workers(server.process.pid)) == 1


def test_two_runaways_half_a_second_apart_each_get_503_in_time(store_dir: Path) -> None:
    """The reported case: the second used to get a closed connection 10 s after the first's 503."""
    with running_server(store_dir, "--timeout", f"{LIMIT:g}", "--cache-mb", "0", "--workers", "1") as server:
        timed = Timed(server.base_url)
        timed.send("runaway 1", RUNAWAY, 0.0)
        timed.send("runaway 2", RUNAWAY + " # 2", 0.5)
        timed.send("small 1", "ASK { ?s ?p ?o } # 1", 1.0)
        timed.send("small 2", "ASK { ?s ?p ?o } # 2", 2.2)
        check(timed.wait())


def test_runaways_on_every_worker_and_more_than_its_threads(store_dir: Path) -> None:
    """Two workers, six runaways (more than a worker has evaluation slots) and steady small queries."""
    with running_server(store_dir, "--timeout", f"{LIMIT:g}", "--cache-mb", "0", "--workers", "2") as server:
        timed = Timed(server.base_url)
        for i in range(6):
            timed.send(f"runaway {i}", f"{RUNAWAY} # {i}", 0.02 * i)
        for i in range(12):
            timed.send(f"small {i}", f"ASK {{ ?s ?p ?o }} # {i}", 0.4 * i)
        check(timed.wait())
        time.sleep(LIMIT + 1)
        for _ in range(5):
            assert requests.get(server.base_url + "/sparql", params={"query": "ASK { ?s ?p ?o }"},
                                timeout=10).status_code == 200
        assert len(workers(server.process.pid)) == 2  # the retired ones replaced, the extra ones given back


def workers(master: int) -> list[int]:
    """The master's child processes (its workers, once no snapshot is being dumped)."""
    children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
    return [int(pid) for pid in children]

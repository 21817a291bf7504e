"""Two `kemensos-kg serve` replicas, each on its own copy of one store generation, behind Debian's HAProxy on
loopback answer as one endpoint: the same answers and ETags from either, `/healthz` as the balancer's check, and
when one replica dies mid-load only the requests it had in flight fail."""

from __future__ import annotations

import os
import signal
import subprocess
import threading
import time
from pathlib import Path

import pytest
import requests
from haproxy_process import SERVED_BY, running_haproxy
from server_process import running_server

from kg.store.generations import CURRENT, GENERATIONS
from kg.store.snapshot import generation_name
from server.app import create_app
from server.config import ServerConfig

JSON = {"Accept": "application/sparql-results+json"}
QUERIES = [
    "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }",
    "SELECT DISTINCT ?c WHERE { ?s a ?c } ORDER BY ?c LIMIT 20",
    "SELECT ?name WHERE { ?p a <http://schema.org/Person> ; <http://schema.org/name> ?name } ORDER BY ?name LIMIT 10",
    "ASK { ?s <http://www.w3.org/ns/org#holds> ?post }",
]
CLIENTS = 4
LOAD_SECONDS = 6.0
KILL_AFTER = 2.0


def copy_generation(source: Path, replica: Path) -> None:
    """A replica's store as the README documents it: the generation folder copied, `current` pointing at it."""
    name = Path(generation_name(source)).name
    (replica / GENERATIONS).mkdir(parents=True)
    subprocess.run(["cp", "-a", str(source / GENERATIONS / name), str(replica / GENERATIONS)], check=True)
    (replica / CURRENT).symlink_to(Path(GENERATIONS) / name)


@pytest.fixture
def replicas(store_dir: Path, tmp_path: Path) -> tuple[Path, Path]:
    first, second = tmp_path / "replica-1", tmp_path / "replica-2"
    copy_generation(store_dir, first)
    copy_generation(store_dir, second)
    return first, second


def test_copies_of_one_generation_tag_alike_in_different_processes_and_folders(replicas: tuple[Path, Path]) -> None:
    """ETags depend on the generation, the request and the code: not on the process or the store's path."""
    answers = []
    for replica in replicas:
        client = create_app(ServerConfig(store_dir=replica, evaluation="worker")).test_client()
        seen = []
        for query in QUERIES:
            response = client.get("/sparql", query_string={"query": query}, headers=JSON)
            seen.append((response.status_code, response.headers["ETag"], response.get_json()))
            response.close()
        answers.append(seen)
    assert answers[0] == answers[1]
    assert {status for status, _, _ in answers[0]} == {200}
    assert len({tag for _, tag, _ in answers[0]}) == len(QUERIES)


class Load:
    """Client threads sending queries through the balancer, recording each request's times, status, the
    replica that served it and its ETag."""

    def __init__(self, url: str) -> None:
        self.url, self.records, self._stop = url, [], threading.Event()
        self._lock = threading.Lock()
        self._threads = [threading.Thread(target=self._run, args=(i,)) for i in range(CLIENTS)]

    def _run(self, index: int) -> None:
        session, turn = requests.Session(), index
        while not self._stop.is_set():
            query = QUERIES[turn % len(QUERIES)]
            turn += 1
            started = time.monotonic()
            try:
                answer = session.get(self.url + "/sparql", params={"query": query}, headers=JSON, timeout=30)
                record = (started, time.monotonic(), query, answer.status_code, answer.headers.get(SERVED_BY),
                          answer.headers.get("ETag"))
            except requests.RequestException as exc:
                record = (started, time.monotonic(), query, 0, None, repr(exc))
            with self._lock:
                self.records.append(record)

    def __enter__(self) -> Load:
        for thread in self._threads:
            thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._stop.set()
        for thread in self._threads:
            thread.join(timeout=60)


def test_two_replicas_behind_haproxy_survive_losing_one_mid_load(replicas: tuple[Path, Path], tmp_path: Path,
                                                                 no_proxy: None) -> None:
    generation = Path(generation_name(replicas[0])).name
    with running_server(replicas[0]) as one, running_server(replicas[1]) as two:
        for query in QUERIES:  # straight to each replica: the same answer under the same tag
            a, b = (requests.get(s.base_url + "/sparql", params={"query": query}, headers=JSON, timeout=30)
                    for s in (one, two))
            assert a.status_code == b.status_code == 200 and a.headers["ETag"] == b.headers["ETag"]
            assert a.json() == b.json()
        assert requests.get(one.base_url + "/healthz", timeout=5).json()["generation"] == generation

        with running_haproxy(tmp_path, generation, [("r1", one.port), ("r2", two.port)]) as balancer:
            with Load(balancer.base_url) as load:
                time.sleep(KILL_AFTER)
                killed_at = time.monotonic()
                os.killpg(two.process.pid, signal.SIGKILL)
                two.process.wait(timeout=10)
                time.sleep(LOAD_SECONDS - KILL_AFTER)
            records = list(load.records)
            after = requests.get(balancer.base_url + "/sparql", params={"query": QUERIES[0]}, headers=JSON, timeout=30)

    served = {r[4] for r in records if r[3] == 200}
    assert served == {"r1", "r2"}, f"both replicas should have answered: {served}"
    failed = [r for r in records if r[3] != 200]
    for started, ended, query, status, replica, detail in failed:  # only requests in flight on r2 at the kill
        assert started <= killed_at <= ended, f"{query!r} failed outside the kill ({status} {detail})"
        assert replica in ("r2", None), f"{query!r} failed on {replica}: {status} {detail}"
    assert len(failed) <= CLIENTS
    late = [r for r in records if r[0] > killed_at + 1.0]
    assert late and all(r[3] == 200 and r[4] == "r1" for r in late)
    assert len(records) > 10 * CLIENTS

    for query in QUERIES:  # one tag per request, whichever replica answered
        tags = {(r[4], r[5]) for r in records if r[2] == query and r[3] == 200}
        assert len({tag for _, tag in tags}) == 1, f"{query!r} was tagged differently: {tags}"
    assert after.status_code == 200 and after.headers[SERVED_BY] == "r1"


def test_a_replica_on_another_generation_is_kept_out_of_rotation(replicas: tuple[Path, Path], tmp_path: Path,
                                                                 no_proxy: None) -> None:
    """The health check expects the generation being served: a replica on any other gets no request."""
    other = tmp_path / "replica-other"
    copy_generation(replicas[1], other)
    name = Path(generation_name(other)).name
    newer = name.rsplit("-", 1)[0] + "-" + ("000000" if not name.endswith("000000") else "ffffff")
    (other / GENERATIONS / name).rename(other / GENERATIONS / newer)
    (other / CURRENT).unlink()
    (other / CURRENT).symlink_to(Path(GENERATIONS) / newer)
    generation = Path(generation_name(replicas[0])).name
    with running_server(replicas[0]) as one, running_server(other) as stale:
        assert requests.get(stale.base_url + "/healthz", timeout=5).json()["generation"] == newer
        with running_haproxy(tmp_path, generation, [("current", one.port), ("other", stale.port)]) as balancer:
            time.sleep(1.0)  # a few health checks
            served = [requests.get(balancer.base_url + "/sparql", params={"query": QUERIES[0]}, headers=JSON,
                                   timeout=30).headers[SERVED_BY] for _ in range(8)]
    assert served == ["current"] * 8

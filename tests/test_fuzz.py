"""A real `kemensos-kg serve` (gunicorn, loopback) under a few thousand seeded hostile requests
across every route (`tests/fuzz_requests.py`: mutated competency queries, deep nesting, odd methods,
content types, headers, encodings, chunked bodies, paths): no 5xx, no dropped connection, no worker
restart, and a normal query is answered afterwards.

Bounded for CI by `KEMENSOS_KG_FUZZ_REQUESTS` (default 2,000) and `KEMENSOS_KG_FUZZ_SECONDS` (default
45); `KEMENSOS_KG_FUZZ_SEED` picks another sequence. A failing request is printed as a shell line
that sends it again.
"""

from __future__ import annotations

import os
import socket
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import requests

from fuzz_requests import Case, Reply, cases, send
from server_process import running_server

REQUESTS = int(os.environ.get("KEMENSOS_KG_FUZZ_REQUESTS", "2000"))
SECONDS = float(os.environ.get("KEMENSOS_KG_FUZZ_SECONDS", "45"))
SEED = int(os.environ.get("KEMENSOS_KG_FUZZ_SEED", "20261207"))
CLIENTS = 4
#: what gunicorn's log says when a worker dies or is replaced for any reason but the snapshot swap
DEATHS = ("was sent", "exited with code", "WORKER TIMEOUT", "hands over to a fresh one")


def test_hostile_requests_get_no_5xx_and_cost_no_worker(store_dir: Path) -> None:
    with running_server(store_dir, "--workers", "2", "--timeout", "20") as server:
        boots = server.settled_boots()
        batch = cases(SEED, REQUESTS, f"127.0.0.1:{server.port}")
        until = time.monotonic() + SECONDS

        def one(case: Case) -> tuple[Case, Reply] | None:
            return None if time.monotonic() > until else (case, send(server.port, case))

        with ThreadPoolExecutor(CLIENTS) as pool:
            done = [r for r in pool.map(one, batch) if r is not None]
        failed = [(case, reply) for case, reply in done if reply.status is None or reply.status >= 500]
        statuses: dict[int | None, int] = {}
        for _, reply in done:
            statuses[reply.status] = statuses.get(reply.status, 0) + 1
        summary = (f"seed {SEED}: {len(done)} requests, {sum(1 for _, r in failed if r.status)} 5xx, "
                   f"{sum(1 for _, r in failed if r.status is None)} empty replies; statuses {sorted(statuses.items(), key=str)}")
        print(summary)
        reproducers = "\n".join(f"{reply.status or reply.error}: {case.reproducer(server.port)}"
                                for case, reply in failed[:10])
        assert not failed, f"{summary}\n{reproducers}"
        assert len(done) >= min(REQUESTS, 500), summary
        assert len(statuses) >= 6, summary  # the generator reaches many kinds of answer, not one error
        log = server.log()
        assert log.count("Booting worker") == boots and not any(death in log for death in DEATHS), log[-3000:]
        reply = requests.get(server.base_url + "/sparql", timeout=30, headers={"Accept": "text/csv"},
                             params={"query": "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"})
        assert reply.status_code == 200 and int(reply.text.split()[-1]) > 1000


def test_a_body_that_stops_short_gets_408_and_holds_no_thread(store_dir: Path) -> None:
    """A Content-Length or a chunk size larger than the bytes sent: 408 once the body has been silent for
    `BODY_SILENCE` s (gunicorn would wait for the rest as long as the connection stays open), while other
    requests are answered meanwhile."""
    from server.body import BODY_SILENCE

    short = [b"Content-Length: 100\r\n\r\nASK {", b"Transfer-Encoding: chunked\r\n\r\nffffffffffff\r\nASK {"]
    with running_server(store_dir, "--workers", "1", "--threads", "2") as server:
        def stalled(body: bytes) -> tuple[float, bytes]:
            started = time.monotonic()
            with socket.create_connection(("127.0.0.1", server.port), timeout=BODY_SILENCE + 20) as conn:
                conn.sendall(b"POST /sparql HTTP/1.1\r\nHost: x\r\nContent-Type: application/sparql-query\r\n"
                             b"Connection: close\r\n" + body)
                reply = b""
                while chunk := conn.recv(4096):
                    reply += chunk
            return time.monotonic() - started, reply

        with ThreadPoolExecutor(2) as pool:
            waiting = [pool.submit(stalled, body) for body in short]
            time.sleep(1)
            meanwhile = requests.get(server.base_url + "/sparql", params={"query": "ASK { ?s ?p ?o }"}, timeout=5)
            answers = [w.result() for w in waiting]
        assert meanwhile.status_code == 200
        for seconds, reply in answers:
            assert reply.startswith(b"HTTP/1.1 408"), reply[:200]
            assert b"stopped arriving" in reply and BODY_SILENCE - 1 < seconds < BODY_SILENCE + 10

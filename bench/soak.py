#!/usr/bin/env python3
"""Soak the endpoint: N minutes of mixed load on a real `kemensos-kg serve`, the memory of its process
tree sampled, and the slope of that memory printed.

    .venv/bin/python bench/soak.py [--minutes 10] [--clients 8] [--store DIR] [--timeout 3]
                                   [--runaway-every 30] [--workers 2]

The mix, per client, at random: a competency query (by GET or POST, JSON or CSV), a page (`/`, an
entity, a release, search), the VoID description, the dump, a query nested past the limits (400), a
query refused for its SERVICE target (403), a malformed query (400) — and every `--runaway-every`
seconds one query that runs past `--timeout` (503; its worker retires and is replaced). Memory is
the proportional set size (PSS, from /proc) of the master and all its descendants, sampled every 5 s;
the slope is a least-squares line over the second half of the run, when caches have filled.

Without `--store`, the bundled corpus is built into a temporary store first. Out of CI: a soak is
minutes long. Prints one line per minute and a summary; exit status 1 if any request failed
(a 5xx other than a runaway's 503, or a dropped connection).
"""

from __future__ import annotations

import argparse
import random
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path

import requests

PROJECT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT / "tests"))

from server_process import running_server, serve_command  # noqa: E402

QUERIES = [p.read_text(encoding="utf-8") for p in sorted((PROJECT / "queries").glob("*.rq"))]
PAGES = ["/", "/id/person/harry-hikmat", "/doc/2022-11-09-delegasi-kemensos-fukuoka", "/search?q=sentra",
         "/id/org/sentra-kartini", "/.well-known/void", "/healthz", "/ontology"]
DEEP = "SELECT * WHERE " + "{" * 2300 + "?s ?p ?o" + "}" * 2300
REFUSED = "SELECT * WHERE { SERVICE <http://169.254.169.254/latest/> { ?s ?p ?o } }"
RUNAWAY = ("SELECT (COUNT(*) AS ?n) WHERE { " + " ".join(
    f"VALUES ?v{i} {{ {' '.join(str(j) for j in range(100))} }}" for i in range(6)) + " FILTER(?v0 + ?v5 < 0) }")


def descendants(pid: int) -> list[int]:
    found, todo = [], [pid]
    while todo:
        current = todo.pop()
        found.append(current)
        try:
            todo.extend(int(c) for c in Path(f"/proc/{current}/task/{current}/children").read_text().split())
        except OSError:
            continue
    return found


def pss_mib(pid: int) -> float:
    total = 0
    for process in descendants(pid):
        try:
            for line in Path(f"/proc/{process}/smaps_rollup").read_text().splitlines():
                if line.startswith("Pss:"):
                    total += int(line.split()[1])
        except OSError:
            continue
    return total / 1024


def slope_per_minute(samples: list[tuple[float, float]]) -> float:
    """Least-squares slope (MiB per minute) of the second half of the samples."""
    half = samples[len(samples) // 2:]
    if len(half) < 2:
        return 0.0
    xs, ys = [t / 60 for t, _ in half], [m for _, m in half]
    mx, my = statistics.fmean(xs), statistics.fmean(ys)
    return sum((x - mx) * (y - my) for x, y in zip(xs, ys)) / (sum((x - mx) ** 2 for x in xs) or 1)


class Load:
    def __init__(self, base_url: str, until: float, seed: int) -> None:
        self.base_url = base_url
        self.until = until
        self.rng = random.Random(seed)
        self.statuses: Counter[str] = Counter()
        self.failures: list[str] = []
        self.lock = threading.Lock()

    def note(self, kind: str, status: int | str, expected: tuple[int, ...]) -> None:
        with self.lock:
            self.statuses[f"{kind} {status}"] += 1
            if status not in expected:
                self.failures.append(f"{kind}: {status}")

    def client(self, seed: int) -> None:
        rng = random.Random(seed)
        session = requests.Session()
        while time.monotonic() < self.until:
            pick = rng.random()
            try:
                if pick < 0.55:
                    query = rng.choice(QUERIES)
                    accept = rng.choice(["application/sparql-results+json", "text/csv"])
                    reply = (session.get(self.base_url + "/sparql", params={"query": query}, headers={"Accept": accept},
                                         timeout=60) if rng.random() < 0.5 else
                             session.post(self.base_url + "/sparql", data=query.encode(), timeout=60,
                                          headers={"Accept": accept, "Content-Type": "application/sparql-query"}))
                    self.note("query", reply.status_code, (200,))
                elif pick < 0.85:
                    reply = session.get(self.base_url + rng.choice(PAGES), timeout=60)
                    self.note("page", reply.status_code, (200,))
                elif pick < 0.88:
                    reply = session.get(self.base_url + "/dump.nq.gz", timeout=60)
                    self.note("dump", reply.status_code, (200,))
                elif pick < 0.93:
                    reply = session.post(self.base_url + "/sparql", data=DEEP, timeout=60,
                                         headers={"Content-Type": "application/sparql-query"})
                    self.note("deep", reply.status_code, (400,))
                elif pick < 0.97:
                    reply = session.get(self.base_url + "/sparql", params={"query": REFUSED}, timeout=60)
                    self.note("refused", reply.status_code, (403,))
                else:
                    reply = session.get(self.base_url + "/sparql", params={"query": "SELECT * WHERE { ?s"}, timeout=60)
                    self.note("malformed", reply.status_code, (400,))
            except requests.RequestException as exc:
                self.note("dropped", type(exc).__name__, ())

    def runaways(self, every: float, limit: float) -> None:
        while time.monotonic() + every < self.until:
            time.sleep(every)
            started = time.monotonic()
            try:
                reply = requests.get(self.base_url + "/sparql", params={"query": RUNAWAY + f" # {started}"}, timeout=60)
                status: int | str = reply.status_code
            except requests.RequestException as exc:
                status = type(exc).__name__
            took = time.monotonic() - started
            self.note("runaway", status if took <= limit + 1 else f"{status} after {took:.1f} s", (503,))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--minutes", type=float, default=10)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--store", type=Path)
    parser.add_argument("--timeout", type=float, default=3)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--runaway-every", type=float, default=30)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="kg-soak-") as folder:
        store = args.store
        if store is None:
            store = Path(folder) / "store"
            subprocess.run([*serve_command(), "build", "--store", str(store)], check=True)
        with running_server(store, "--workers", str(args.workers), "--threads", "4", "--timeout", f"{args.timeout:g}",
                            startup_timeout=120) as server:
            started = time.monotonic()
            load = Load(server.base_url, started + args.minutes * 60, seed=1)
            threads = [threading.Thread(target=load.client, args=(i,)) for i in range(args.clients)]
            threads.append(threading.Thread(target=load.runaways, args=(args.runaway_every, args.timeout)))
            for thread in threads:
                thread.start()
            samples: list[tuple[float, float]] = []
            next_line = started + 60
            while any(t.is_alive() for t in threads):
                samples.append((time.monotonic() - started, pss_mib(server.process.pid)))
                if time.monotonic() >= next_line:
                    next_line += 60
                    print(f"{samples[-1][0] / 60:5.1f} min: {sum(load.statuses.values()):,} requests, "
                          f"PSS {samples[-1][1]:.0f} MiB, failures {len(load.failures)}", flush=True)
                time.sleep(5)
            for thread in threads:
                thread.join()
    total = sum(load.statuses.values())
    print(f"{args.minutes:g} min, {args.clients} clients + a runaway every {args.runaway_every:g} s: {total:,} requests "
          f"({total / (args.minutes * 60):.0f}/s), {len(load.failures)} failed")
    print(f"PSS of the process tree: first {samples[0][1]:.0f} MiB, peak {max(m for _, m in samples):.0f} MiB, "
          f"last {samples[-1][1]:.0f} MiB; slope over the second half {slope_per_minute(samples):+.2f} MiB/min")
    print("answers: " + ", ".join(f"{k} ×{v}" for k, v in sorted(load.statuses.items())))
    for failure in load.failures[:20]:
        print(f"failed: {failure}")
    return 1 if load.failures else 0


if __name__ == "__main__":
    raise SystemExit(main())

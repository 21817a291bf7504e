"""The figures of the README's "Scaling out": replicas behind HAProxy against one `serve`, and publishing to Virtuoso.

    .venv/bin/python bench/scale_out.py [--duration 10] [--clients 8] [--quads 1000000]

1. builds the bundled corpus into a temporary store and reports its size on disk per release;
2. requests per second on a fixed mix of SELECT queries (result cache off, so every request is evaluated):
   one `kemensos-kg serve` alone, then two replicas, each on a plain copy of the generation folder, behind
   Debian's HAProxy with the configuration `tests/haproxy_process.py` writes; every server has one worker and
   four threads, the clients are closed-loop threads of this process on the same two cores;
3. publishing: the bundled build, then a generated store of --quads quads in 100 named graphs, each sent with
   `kemensos-kg publish` to a fresh Virtuoso 7 on loopback (`tests/virtuoso_process.py`), timed end to end
   (dump, PUT, count check).
Needs haproxy and virtuoso-opensource (apt-get). Prints a markdown table.
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT))

from haproxy_process import running_haproxy
from server_process import running_server, serve_command
from virtuoso_process import PASSWORD, USER, running_virtuoso

from kg.store.snapshot import generation_name

QUERIES = [
    "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }",
    "SELECT DISTINCT ?c WHERE { ?s a ?c } ORDER BY ?c LIMIT 20",
    "SELECT ?name WHERE { ?p a <http://schema.org/Person> ; <http://schema.org/name> ?name } ORDER BY ?name LIMIT 10",
    "SELECT ?post (COUNT(?p) AS ?n) WHERE { ?p <http://www.w3.org/ns/org#holds> ?post } GROUP BY ?post ORDER BY DESC(?n) LIMIT 10",
]
SERVE_ARGS = ("--workers", "1", "--threads", "4", "--cache-mb", "0")


def kg(*args: str) -> str:
    done = subprocess.run([*serve_command(), *args], capture_output=True, text=True, cwd=ROOT, check=False,
                          env={**os.environ, "KG_BENCH_PASSWORD": PASSWORD})
    if done.returncode != 0:
        raise SystemExit(f"kemensos-kg {args[0]} failed:\n{done.stderr}")
    return done.stdout


def du(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


def rate(url: str, clients: int, seconds: float) -> tuple[float, int]:
    """Requests per second over `seconds` with `clients` closed-loop threads; and the failures."""
    done, failed, stop, lock = [0], [0], threading.Event(), threading.Lock()

    def client(index: int) -> None:
        session, turn = requests.Session(), index
        while not stop.is_set():
            answer = session.get(url + "/sparql", params={"query": QUERIES[turn % len(QUERIES)]},
                                 headers={"Accept": "application/sparql-results+json"}, timeout=60)
            turn += 1
            with lock:
                done[0] += 1
                failed[0] += answer.status_code != 200

    rate_threads = [threading.Thread(target=client, args=(i,)) for i in range(clients)]
    for thread in rate_threads:
        thread.start()
    time.sleep(seconds)
    stop.set()
    for thread in rate_threads:
        thread.join()
    return done[0] / seconds, failed[0]


def copy_generation(source: Path, replica: Path) -> None:
    name = Path(generation_name(source)).name
    (replica / "generations").mkdir(parents=True)
    subprocess.run(["cp", "-a", str(source / "generations" / name), str(replica / "generations")], check=True)
    (replica / "current").symlink_to(Path("generations") / name)


def synthetic(path: Path, quads: int, graphs: int = 100) -> None:
    """`quads` quads in `graphs` named graphs, literals and IRIs, as N-Quads."""
    with path.open("w", encoding="utf-8") as out:
        for i in range(quads):
            g, s = i % graphs, i // 7
            obj = f'"value {i}"@id' if i % 3 else f"<https://example.org/e/{i // 11}>"
            out.write(f"<https://example.org/s/{s}> <https://example.org/p/{i % 7}> {obj} <https://example.org/g/{g}> .\n")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--duration", type=float, default=10.0)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--quads", type=int, default=1_000_000)
    args = parser.parse_args()
    for name in ("http_proxy", "HTTP_PROXY"):
        os.environ.pop(name, None)
    os.environ["NO_PROXY"] = os.environ["no_proxy"] = "127.0.0.1"
    rows: list[tuple[str, str]] = []
    with tempfile.TemporaryDirectory(prefix="kg-scale-out-") as folder:
        work = Path(folder)
        store = work / "store"
        kg("build", "--store", str(store))
        generation = Path(generation_name(store)).name
        size = du(store / "generations" / generation)
        releases = len(list((ROOT / "corpus").rglob("*.txt")))
        rows.append(("store on disk, bundled build", f"{size / 1e6:.1f} MB for {releases} releases "
                                                     f"({size / releases / 1e3:.0f} kB per release)"))

        with running_server(store, *SERVE_ARGS) as alone:
            rate(alone.base_url, args.clients, 2.0)  # warm-up: evaluator threads, caches of the OS
            single, failures = rate(alone.base_url, args.clients, args.duration)
        rows.append(("one serve alone (1 worker)", f"{single:.1f} requests/s ({failures} failed)"))
        copy_generation(store, work / "r1")
        copy_generation(store, work / "r2")
        with running_server(work / "r1", *SERVE_ARGS) as one, running_server(work / "r2", *SERVE_ARGS) as two:
            with running_haproxy(work, generation, [("r1", one.port)]) as balancer:
                rate(balancer.base_url, args.clients, 2.0)
                through, failures = rate(balancer.base_url, args.clients, args.duration)
            rows.append(("one replica behind HAProxy", f"{through:.1f} requests/s ({failures} failed); "
                                                       f"{through / single:.2f} x one serve"))
            with running_haproxy(work, generation, [("r1", one.port), ("r2", two.port)]) as balancer:
                rate(balancer.base_url, args.clients, 2.0)
                both, failures = rate(balancer.base_url, args.clients, args.duration)
        rows.append(("two replicas behind HAProxy (1 worker each)",
                     f"{both:.1f} requests/s, {both / 2:.1f} per replica ({failures} failed); "
                     f"{both / single:.2f} x one serve"))

        with running_virtuoso(work / "virtuoso") as virtuoso:
            common = ("--to", virtuoso.gsp_url, "--query-url", virtuoso.sparql_url, "--user", USER,
                      "--password-env", "KG_BENCH_PASSWORD")
            started = time.perf_counter()
            summary = kg("publish", "--store", str(store), *common)
            seconds = time.perf_counter() - started
            quads = int(re.search(r"graphs \((\d+) triples\)", summary).group(1))  # type: ignore[union-attr]
            per_release = [int(n) for iri, n in re.findall(r"^sent <([^>]+)> \((\d+) triples\)", summary, re.MULTILINE)
                           if "/doc/" in iri]
            rows.append(("triples per release graph, bundled build",
                         f"{sum(per_release) / len(per_release):,.0f} (mean of {len(per_release)})"))
            rows.append(("publish the bundled build to Virtuoso", f"{quads:,} quads in {seconds:.1f} s "
                                                                   f"({seconds / quads * 1e6:.0f} s per million)"))
            data = work / "synthetic.nq"
            synthetic(data, args.quads)
            big = work / "big"
            kg("load", "--store", str(big), str(data))
            started = time.perf_counter()
            kg("publish", "--store", str(big), *common)
            seconds = time.perf_counter() - started
            rows.append((f"publish {args.quads:,} generated quads (100 graphs) to Virtuoso",
                         f"{seconds:.1f} s ({seconds / args.quads * 1e6:.0f} s per million); "
                         f"store {du(big / 'generations') / args.quads * 1e6 / 1e6:.0f} MB per million quads"))
    print(f"| measured ({time.strftime('%Y-%m-%d')}, {os.cpu_count()} cores, {args.clients} clients, "
          f"{args.duration:g} s runs) | figure |\n|---|---|")
    for what, figure in rows:
        print(f"| {what} | {figure} |")


if __name__ == "__main__":
    main()

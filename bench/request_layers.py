#!/usr/bin/env python3
"""Where the per-request time of the endpoint goes: the same query timed through each layer of the stack, in
one process, the layers interleaved request by request (so a noisy machine hits them alike).

    .venv/bin/python bench/request_layers.py [--size 100k] [--queries q1,q3,q9] [-n 300]

Layers (each includes the ones above it), all on the in-memory copy of the store the server serves from:
  engine        Store.query() + pyoxigraph's own (Rust) SPARQL-JSON / N-Triples serialiser
  evaluate      kg.query.evaluator.evaluate(): + union default graph, prefixes, the row count, the spool
  flask         the Flask app through werkzeug's test client, evaluating in-process as a worker does, result
                cache off: + request parsing, federation check, negotiation, response object, ETag, gzip
                (the same Accept / Accept-Encoding headers as the load generator)
  http          `kemensos-kg serve --workers 1 --threads 1 --cache-mb 0` once it reads its in-memory copy, over
                a keep-alive loopback connection (http.client): + gunicorn, sockets, the access log

Prints one table of medians (ms) and the difference each layer adds; with --json, one JSON line as well.
The data and the store come from bench/.cache/ as in endpoint_baseline.py (generated / loaded when missing).
"""
from __future__ import annotations

import argparse
import http.client
import io
import json
import statistics
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from urllib.parse import urlencode

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))

import endpoint_baseline as eb  # noqa: E402  (checks aiohttp / psutil, shares the helpers)

ACCEPT_SOLUTIONS = "application/sparql-results+json"
ACCEPT_GRAPH = ("application/n-triples, text/plain;q=0.9, text/turtle;q=0.8, application/rdf+xml;q=0.5, "
                "application/ld+json;q=0.4")
ACCEPT_ENCODING = "gzip, deflate"  # what aiohttp (the shared load generator) sends


def wait_until_in_memory(url: str, within: float) -> None:
    """The http layer is measured on the in-memory copy, like the others: wait for the workers on it."""
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        with urllib.request.urlopen(url + "/healthz", timeout=5) as resp:
            if json.loads(resp.read()).get("in_memory"):
                return
        time.sleep(0.5)
    raise SystemExit(f"the server did not load its in-memory copy within {within:.0f} s")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--size", default="100k")
    ap.add_argument("--queries", default="q1,q3,q9", help="comma-separated query name prefixes of the shared mix")
    ap.add_argument("-n", type=int, default=300, help="requests per layer and query (bounded by --max-seconds)")
    ap.add_argument("--max-seconds", type=float, default=60.0, help="per query, all layers together")
    ap.add_argument("--shared", type=Path, default=eb.DEFAULT_SHARED)
    ap.add_argument("--json", action="store_true", help="also print one JSON line")
    a = ap.parse_args()

    sys.path.insert(0, str(a.shared))
    import pyoxigraph as ox
    from sparqlmix import load_queries  # noqa: E402

    from kg.query.evaluator import QueryJob, evaluate
    from kg.store.snapshot import generation_name, load_snapshot
    from server.app import create_app
    from server.config import ServerConfig

    n = eb.parse_size(a.size)
    label = eb.size_label(n)
    eb.CACHE.mkdir(parents=True, exist_ok=True)
    data = eb.CACHE / f"kg-{label}.nt"
    if not (data.is_file() and Path(str(data) + ".meta.json").is_file()):
        eb.run_cmd([sys.executable, a.shared / "gen_data.py", "--triples", str(n), "--out", data], timeout=1800,
                   what="gen_data")
    exe = Path(sys.executable).parent / "kemensos-kg"
    queries = load_queries(None, a.queries.split(","))
    expected = json.loads((a.shared / "expected" / f"kg-{label}.json").read_text())

    with tempfile.TemporaryDirectory(prefix=f"layers-{label}-", dir=eb.CACHE) as tmp:
        store_dir = Path(tmp) / "store"
        eb.run_cmd([exe, "load", "--store", store_dir, data], timeout=3600, what="kemensos-kg load")
        snapshot = load_snapshot(store_dir, generation_name(store_dir))
        store = snapshot.store
        app = create_app(ServerConfig(store_dir=store_dir, threads=1, access_log=False, cache_mb=0, evaluation="worker"))
        app.extensions["kg_stores"].snapshot = snapshot
        client = app.test_client()

        class Args:  # what ServerProcess needs
            workers, threads, timeout = 1, 1, 30.0

        server = eb.ServerProcess(exe, store_dir, eb.free_port(), Args, Path(tmp) / "serve.log")
        server.cmd += ["--cache-mb", "0"]
        server.start(120)
        wait_until_in_memory(server.url, 300)
        conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=60)
        results = {}
        try:
            for name, form, text in queries:
                graph = form in ("CONSTRUCT", "DESCRIBE")
                accept = ACCEPT_GRAPH if graph else ACCEPT_SOLUTIONS
                path = "/sparql?" + urlencode({"query": text})
                headers = {"Accept": accept, "Accept-Encoding": ACCEPT_ENCODING}

                def engine():
                    r = store.query(text)
                    return r.serialize(format=ox.RdfFormat.N_TRIPLES if graph else ox.QueryResultsFormat.JSON)

                def via_evaluate():
                    res = evaluate(store, QueryJob(text, None if graph else "json", "nt" if graph else None))
                    return b"".join(res.chunks())

                def via_flask():
                    resp = client.get(path, headers=headers)
                    assert resp.status_code == 200, resp.data[:200]
                    return resp.data

                def via_http():
                    conn.request("GET", path, headers=headers)
                    resp = conn.getresponse()
                    body = resp.read()
                    assert resp.status == 200, body[:200]
                    return body

                layers = [("engine", engine), ("evaluate", via_evaluate), ("flask", via_flask), ("http", via_http)]
                for _, fn in layers:  # warm every layer
                    fn()
                rows = expected.get(name)
                times: dict[str, list[float]] = {k: [] for k, _ in layers}
                deadline = time.perf_counter() + a.max_seconds
                for _ in range(a.n):
                    for k, fn in layers:
                        t0 = time.perf_counter()
                        fn()
                        times[k].append(time.perf_counter() - t0)
                    if time.perf_counter() > deadline:
                        break
                results[name] = {"rows": rows, "n": len(times["engine"]),
                                 **{k: round(statistics.median(v) * 1000, 3) for k, v in times.items()}}
        finally:
            conn.close()
            app.extensions["kg_runner"].close()
            server.stop()

    m = eb.machine_info()
    print(f"request layers, {label} ({n:,} triples target), {m['cpu_count']} CPUs, pyoxigraph {m['pyoxigraph']}; "
          f"median ms per request (added by the layer)")
    names = ["engine", "evaluate", "flask", "http"]
    print(f"{'query':28s} {'rows':>5} {'n':>5} " + " ".join(f"{k:>17}" for k in names))
    for q, r in results.items():
        cells, prev = [], 0.0
        for k in names:
            cells.append(f"{r[k]:7.3f} ({r[k] - prev:+7.3f})" if prev else f"{r[k]:7.3f}          ")
            prev = r[k]
        print(f"{q:28s} {r['rows']!s:>5} {r['n']:>5} " + " ".join(f"{c:>17}" for c in cells))
    if a.json:
        print(json.dumps({"size": label, "machine": m, "git": eb.git_info(), "median_ms": results}))
    return 0


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/env python3
"""The whole archive on one machine: a corpus recombined from the real releases, built, served and queried.

    .venv/bin/python bench/archive.py [--releases 20000] [--jobs 2] [--added 100] [--repeat 20] [--json-out FILE]
    .venv/bin/python bench/archive.py --serve-only --workdir DIR   (steps 4 and 5 again on DIR's store)

1. Writes `--releases` synthetic releases (`bench/build_throughput.py`'s generator: real sentences
   recombined, as many per release as a real release has; seed 42) and `--added` more after them.
2. Builds them from scratch with `python -m kg.cli build CORPUS --store DIR --jobs N` in a fresh process:
   wall time, releases per second and per core, CPU time, peak PSS and RSS of the build's process tree
   (sampled every 50 ms). Then, unless `--added 0`, adds the extra releases and builds again into the
   same store (their analyses are new; the others come from the cache, their quads from the generation kept):
   the time of that rebuild.
3. Weighs the store: quads it holds (the merged default graph included) and those of the dataset (the
   named graphs), by kind of graph, per release and per extracted fact (a fact is a `kg:Assertion`), and
   how much of the merge is triples about nodes minted under a release's IRI, which no two graphs share.
4. Serves it with `kemensos-kg serve --cache-mb 0` (no result cache): time from start to the first
   answer, to the in-memory copy being in place, and the PSS of the server's process tree then and
   after the queries.
5. Runs the competency queries of `queries/` that name no single release (neither `doc:` nor a release
   IRI outside comments) `--repeat` times each over HTTP, round robin, and prints p50 and p99 per query.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import requests

ROOT = Path(__file__).resolve().parent.parent
for folder in (ROOT, ROOT / "tests"):
    if str(folder) not in sys.path:
        sys.path.insert(0, str(folder))

from bench.build_throughput import (SUMMARY, TreeSampler, _children_cpu, _kib, _tree, sentence_pool,  # noqa: E402
                                    synthetic_release)
from bench.provenance import git_state, machine  # noqa: E402
from server_process import _stop, free_port, serve_command  # noqa: E402

QUERIES = ROOT / "queries"
RELEASE_IRI = "https://w3id.org/kemensos-kg/doc/"  # a release, and its record: assertions, spans, selectors
RELEASE_NAMED = re.compile(r"\bdoc:|https://w3id\.org/kemensos-kg/doc/")
SERVE_TIMEOUT = 3600.0  # seconds to wait for the in-memory copy
QUERY_TIMEOUT = 120.0


# -- corpus and build -------------------------------------------------------------------------------------


def write_corpus(folder: Path, releases: int, added: int, seed: int) -> tuple[Path, Path]:
    """`releases` synthetic releases in `folder/corpus`, and the same plus `added` more in `folder/grown`."""
    pool, rng = sentence_pool(), random.Random(seed)
    corpus, grown = folder / "corpus", folder / "grown"
    corpus.mkdir(parents=True)
    grown.mkdir()
    for i in range(releases + added):
        path = grown / f"{i:05d}.txt"
        path.write_text(synthetic_release(i, rng, pool), encoding="utf-8")
        if i < releases:
            os.link(path, corpus / path.name)
    return corpus, grown


def build(corpus: Path, store: Path, jobs: int) -> dict[str, Any]:
    """One `kemensos-kg build`, measured; raises SystemExit if it fails."""
    cpu, started = _children_cpu(), time.perf_counter()
    process = subprocess.Popen([sys.executable, "-m", "kg.cli", "build", str(corpus), "--store", str(store),
                                "--jobs", str(jobs)], cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    sampler = TreeSampler(process.pid)
    out, err = process.communicate()
    seconds = time.perf_counter() - started
    sampler.stop()
    summary = SUMMARY.search(out)
    if process.returncode != 0 or summary is None:
        raise SystemExit(f"build of {corpus} failed ({process.returncode}):\n{out[-2000:]}\n{err[-4000:]}")
    return {"seconds": seconds, "cpu_seconds": _children_cpu() - cpu, "quads": int(summary.group(1)),
            "documents": int(summary.group(3)), "extracted": int(summary.group(4)), "kept": int(summary.group(6) or 0),
            "peak_pss_mib": sampler.peak_pss_kib / 1024, "peak_rss_mib": sampler.peak_rss_kib / 1024}


# -- weight -----------------------------------------------------------------------------------------------


def weigh(store_dir: Path) -> dict[str, int]:
    """Quads by kind of graph and extracted facts, counted inside pyoxigraph (read-only: nothing else writes)."""
    from kg.graph.vocab import DERIVED_GRAPH, ONTOLOGY_GRAPH, REFERENCE_GRAPH
    from kg.store import generations
    from kg.store.merged import MERGED_GRAPH, merged_size

    store = generations.open_store(store_dir)
    shared = {str(DERIVED_GRAPH): "derived", str(ONTOLOGY_GRAPH): "ontology", str(REFERENCE_GRAPH): "reference"}
    counts = {"releases": 0, "derived": 0, "ontology": 0, "reference": 0, "merged": merged_size(store),
              "records": int(next(iter(store.query("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")))["n"].value)}
    rows = store.query("SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g",
                       named_graphs=[g for g in store.named_graphs() if g != MERGED_GRAPH])
    for row in rows:
        counts[shared.get(row["g"].value, "releases")] += int(row["n"].value)
    facts = store.query("SELECT (COUNT(*) AS ?n) WHERE { ?a a <https://w3id.org/kemensos-kg/ontology#Assertion> }")
    counts["facts"] = int(next(iter(facts))["n"].value)
    record = store.query(f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH {MERGED_GRAPH} {{ ?s ?p ?o "
                         f"FILTER (STRSTARTS(STR(?s), '{RELEASE_IRI}')) }} }}")
    counts["merged_release_subjects"] = int(next(iter(record))["n"].value)
    counts["dataset"] = sum(counts[kind] for kind in ("releases", "records", "derived", "ontology", "reference"))
    counts["stored"] = counts["dataset"] + counts["merged"]
    return counts


# -- serving ----------------------------------------------------------------------------------------------


def selected_queries() -> dict[str, str]:
    """The competency queries that are not about one release: no release is named outside comments."""
    chosen = {}
    for path in sorted(QUERIES.glob("*.rq")):
        text = path.read_text(encoding="utf-8")
        code = "\n".join(line for line in text.splitlines() if not line.lstrip().startswith(("#", "PREFIX", "prefix")))
        if not RELEASE_NAMED.search(code):
            chosen[path.stem] = text
    return chosen


def tree_pss_mib(pid: int) -> float:
    return sum(_kib(p, "smaps_rollup", "Pss:") for p in _tree(pid)) / 1024


def _health(base: str) -> dict[str, Any] | None:
    try:
        response = requests.get(base + "/healthz", timeout=5)
        return response.json() if response.status_code == 200 else None
    except (requests.RequestException, ValueError):
        return None


def _ask(base: str) -> bool:
    try:
        response = requests.get(base + "/sparql", params={"query": "ASK { ?s ?p ?o }"},
                                headers={"Accept": "application/sparql-results+json"}, timeout=5)
        return response.status_code == 200 and response.json().get("boolean") is True
    except (requests.RequestException, ValueError):
        return False


def serve_and_query(store: Path, workers: int, repeat: int, log_path: Path) -> dict[str, Any]:
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    command = [*serve_command(), "serve", "--store", str(store), "--host", "127.0.0.1", "--port", str(port),
               "--workers", str(workers), "--cache-mb", "0", "--timeout", str(QUERY_TIMEOUT)]
    with log_path.open("wb") as log:
        started = time.perf_counter()
        process = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT,
                                   start_new_session=True)
    result: dict[str, Any] = {}
    try:
        while not _ask(base):
            if process.poll() is not None:
                raise SystemExit(f"the server exited ({process.returncode}):\n{log_path.read_text()[-4000:]}")
            time.sleep(0.02)
        result["first_answer_s"] = time.perf_counter() - started
        while not (_health(base) or {}).get("in_memory"):
            if process.poll() is not None or time.perf_counter() - started > SERVE_TIMEOUT:
                raise SystemExit(f"no in-memory copy:\n{log_path.read_text()[-4000:]}")
            time.sleep(0.5)
        result["in_memory_s"] = time.perf_counter() - started
        time.sleep(2)  # the workers are replaced once the copy is in place: let the new ones settle
        result["pss_in_memory_mib"] = tree_pss_mib(process.pid)
        result["queries"] = run_queries(base, repeat)
        result["pss_after_queries_mib"] = tree_pss_mib(process.pid)
    finally:
        _stop(process)
    return result


def run_queries(base: str, repeat: int) -> dict[str, dict[str, Any]]:
    session = requests.Session()
    queries = selected_queries()
    times: dict[str, list[float]] = {name: [] for name in queries}
    rows: dict[str, int] = {}
    for _ in range(repeat):
        for name, text in queries.items():
            started = time.perf_counter()
            response = session.post(base + "/sparql", data=text.encode("utf-8"), timeout=QUERY_TIMEOUT + 10,
                                    headers={"Content-Type": "application/sparql-query",
                                             "Accept": "application/sparql-results+json"})
            body = response.content
            times[name].append(time.perf_counter() - started)
            if response.status_code != 200:
                raise SystemExit(f"{name}: HTTP {response.status_code}: {body[:500]!r}")
            if response.headers.get("X-Cache") == "hit":
                raise SystemExit(f"{name}: answered from a cache that should be off")
            rows[name] = len(json.loads(body)["results"]["bindings"])
    return {name: {"p50_ms": 1000 * percentile(values, 50), "p99_ms": 1000 * percentile(values, 99),
                   "max_ms": 1000 * max(values), "rows": rows[name], "runs": len(values)}
            for name, values in times.items()}


def percentile(values: list[float], p: float) -> float:
    """Nearest-rank percentile (p99 of 20 runs is the slowest)."""
    ordered = sorted(values)
    rank = max(1, -(-len(ordered) * p // 100))
    return ordered[int(rank) - 1]


# -- report -----------------------------------------------------------------------------------------------


def report(r: dict[str, Any]) -> str:
    heading = f"kemensos-kg archive bench, {r['date']}, {r['machine']}, code at {r['git']}"
    if "build" not in r:  # --serve-only
        return "\n".join([f"{heading}; the store of {r['store']} served again", "", *serving_lines(r)])
    b, w = r["build"], r["weight"]
    n, jobs = b["documents"], r["jobs"]
    lines = [
        f"{heading}; seed {r['seed']}",
        f"corpus: {n:,} synthetic releases ({r['corpus_mib']:.0f} MiB), recombined from {r['pool_sentences']:,} real sentences",
        "",
        f"build from scratch ({jobs} jobs):  {b['seconds']:.1f} s, {n / b['seconds']:.1f} releases/s, "
        f"{n / b['seconds'] / jobs:.1f} per core; {1000 * b['cpu_seconds'] / n:.1f} CPU-ms per release; "
        f"peak PSS {b['peak_pss_mib']:,.0f} MiB (RSS {b['peak_rss_mib']:,.0f})",
    ]
    if r.get("rebuild"):
        rb = r["rebuild"]
        lines.append(f"rebuild after adding {rb['documents'] - n} releases ({rb['extracted']} extracted, "
                     f"{rb.get('kept', 0)} kept from the previous generation): {rb['seconds']:.1f} s, "
                     f"peak PSS {rb['peak_pss_mib']:,.0f} MiB")
    own = w["releases"] + w.get("records", 0)  # a release's graph and its provenance record
    lines += [
        "",
        f"store: {w['stored']:,} quads = dataset {w['dataset']:,} (releases {w['releases']:,}, records {w.get('records', 0):,}, "
        f"derived {w['derived']:,}, "
        f"reference {w['reference']:,}, ontology {w['ontology']:,}) + merged default graph {w['merged']:,} "
        f"({100 * w['merged'] / w['stored']:.0f} % of the store)",
        f"of the merge, {w['merged_release_subjects']:,} triples ({100 * w['merged_release_subjects'] / w['merged']:.0f} %) have a "
        f"subject minted under a release's IRI (the release, its assertions, spans, selectors): no two graphs share them",
        f"extracted facts (kg:Assertion): {w['facts']:,} ({w['facts'] / n:.1f} per release)",
        f"per release: {own / n:,.0f} quads in its graph and record, {(own + w['derived']) / n:,.0f} with the derived "
        f"graph, {w['stored'] / n:,.0f} stored with the merge",
        f"per fact:    {own / w['facts']:.1f} quads in its release's graph and record, "
        f"{(own + w['derived']) / w['facts']:.1f} with the derived graph, {w['stored'] / w['facts']:.1f} stored",
        "",
    ]
    return "\n".join(lines + serving_lines(r))


def serving_lines(r: dict[str, Any]) -> list[str]:
    """The serving part of the report: start-up, memory and the queries' percentiles."""
    s = r["serve"]
    lines = [
        f"serve (--cache-mb 0): first answer {s['first_answer_s']:.2f} s after start, in-memory copy in place after "
        f"{s['in_memory_s']:.1f} s; server PSS {s['pss_in_memory_mib']:,.0f} MiB then, {s['pss_after_queries_mib']:,.0f} MiB "
        f"after the queries",
        "",
        f"{'query':<34} {'rows':>6} {'p50 ms':>9} {'p99 ms':>9}   ({r['repeat']} runs each)",
    ]
    for name, q in s["queries"].items():
        lines.append(f"{name:<34} {q['rows']:>6} {q['p50_ms']:>9.1f} {q['p99_ms']:>9.1f}")
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--releases", type=int, default=20000, help="size of the synthetic corpus (default 20000)")
    parser.add_argument("--added", type=int, default=100, help="releases added for the rebuild (0: no rebuild)")
    parser.add_argument("--jobs", type=int, default=2, help="build processes (default 2)")
    parser.add_argument("--workers", type=int, default=2, help="server worker processes (default 2)")
    parser.add_argument("--repeat", type=int, default=20, help="runs of each query (default 20)")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--workdir", type=Path, help="keep the corpus, the store and the server log here")
    parser.add_argument("--json-out", type=Path, help="also write the figures as JSON to this file")
    parser.add_argument("--serve-only", action="store_true",
                        help="serve and query the store already in --workdir: no corpus written, nothing built "
                             "(the queries measured again after a change to the server or to queries/)")
    args = parser.parse_args(argv)
    if args.serve_only:
        if args.workdir is None or not (args.workdir / "store").is_dir():
            parser.error("--serve-only needs --workdir holding a store built by an earlier run")
        return serve_only(args)

    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="kg-archive-"))
    workdir.mkdir(parents=True, exist_ok=True)
    store = workdir / "store"
    shutil.rmtree(store, ignore_errors=True)
    shutil.rmtree(workdir / "corpus", ignore_errors=True)
    shutil.rmtree(workdir / "grown", ignore_errors=True)
    try:
        corpus, grown = write_corpus(workdir, args.releases, args.added, args.seed)
        result: dict[str, Any] = {
            "date": dt.date.today().isoformat(), "machine": machine(), "git": git_state(), "seed": args.seed,
            "jobs": args.jobs, "repeat": args.repeat, "pool_sentences": len(sentence_pool().sentences),
            "corpus_mib": sum(p.stat().st_size for p in corpus.iterdir()) / 2**20,
            "load_before": os.getloadavg(),
        }
        result["build"] = build(corpus, store, args.jobs)
        result["weight"] = weigh(store)
        result["serve"] = serve_and_query(store, args.workers, args.repeat, workdir / "serve.log")
        if args.added:
            result["rebuild"] = build(grown, store, args.jobs)
        result["load_after"] = os.getloadavg()
    finally:
        if args.workdir is None:
            shutil.rmtree(workdir, ignore_errors=True)
    return emit(result, args.json_out)


def emit(result: dict[str, Any], json_out: Path | None) -> int:
    """Print the report, and write the figures as JSON when asked."""
    print(report(result))
    if json_out:
        json_out.write_text(json.dumps(result, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return 0


def serve_only(args: argparse.Namespace) -> int:
    """Steps 4 and 5 alone, on the store an earlier run left in `--workdir`."""
    store = args.workdir / "store"
    result: dict[str, Any] = {"date": dt.date.today().isoformat(), "machine": machine(), "git": git_state(),
                              "store": str(store), "repeat": args.repeat, "load_before": os.getloadavg()}
    result["serve"] = serve_and_query(store, args.workers, args.repeat, args.workdir / "serve.log")
    result["load_after"] = os.getloadavg()
    return emit(result, args.json_out)


if __name__ == "__main__":
    sys.exit(main())

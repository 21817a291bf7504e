#!/usr/bin/env python3
"""Where a build's CPU goes: the whole build against the same build with the store write, or the
validation too, left out.

    .venv/bin/python bench/build_stages.py CORPUS [--jobs 1 2] [--repeat 2]

CORPUS is a folder of releases, e.g. one that `build_throughput.py --keep DIR` wrote. Each variant
runs `kg.build.builder.build_store` from scratch in a fresh process (with a fresh analysis cache, so every
release is extracted):

* `build`: the real build;
* `no merge`: the same without the documents' copies of their triples in the merged default graph
  (`kg.store.merged`; filtered out of the text, which costs a little), so that `build` against it is about what
  the merge costs;
* `no store`: the real build, but the quads handed to the store's loader are dropped (extraction, the
  cache, rendering, derivation and validation still run);
* `no store, no validation`: also without checking each release against the shapes.

Printed per job count: releases per second, per core, CPU-ms per release (user + system time of
the process and its workers), each variant's ratio to the real build of the same round, and the quads
per release the real build wrote (its named graphs, shared ones included, without the merged default graph). The
difference between `build` and `no store` is what the store costs.
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

VARIANTS = ("build", "no merge", "no store", "no store, no validation")


def _cpu_seconds() -> float:
    """User + system time of this process and of its children that have been waited for."""
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def run_variant(variant: str, corpus: Path, jobs: int) -> dict[str, float]:
    """In this process: one build of `corpus` with the parts `variant` names switched off."""
    from kg.build import builder as build
    from kg.build import emit
    from kg.build.cache import AnalysisCache
    from kg.store import loader
    from kg.validate.shapes import Report

    if variant == "no merge":  # each document's quads without their copies in the merge
        tail, whole = f" {emit.MERGED} .\n", emit.document_nquads

        def without_merge(*args):  # type: ignore[no-untyped-def]
            text, own = whole(*args)
            return "".join(line for line in text.splitlines(keepends=True) if not line.endswith(tail)), own

        emit.document_nquads = without_merge
    elif variant != "build":
        loader.QuadLoader.add = lambda self, nquads: None  # type: ignore[method-assign]
    if variant == "no store, no validation":
        emit.Conformance.document = lambda self, slug, triples: (Report(0, ""), set())  # type: ignore[method-assign]
    with tempfile.TemporaryDirectory(prefix="kg-stages-") as folder:
        cpu, started = _cpu_seconds(), time.perf_counter()  # after the imports: the build's own time only
        result = build.build_store([corpus], Path(folder) / "store", None, AnalysisCache(Path(folder) / "cache"), jobs)
        seconds, cpu = time.perf_counter() - started, _cpu_seconds() - cpu
    return {"documents": result.documents, "seconds": seconds, "cpu": cpu, "quads": result.store.quads}


def measure(variant: str, corpus: Path, jobs: int) -> dict[str, float]:
    """`run_variant` in a fresh interpreter, so no variant inherits another's patches, caches or memory."""
    out = subprocess.run([sys.executable, __file__, "--child", variant, str(corpus), str(jobs)],
                         capture_output=True, text=True, check=False)
    if out.returncode != 0:
        raise SystemExit(f"{variant} (jobs {jobs}) failed:\n{out.stderr[-2000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def _rate(run: dict[str, float]) -> float:
    return run["documents"] / run["seconds"]


def _quads(rounds: list[dict[str, dict[str, float]]], variant: str) -> str:
    """Quads the store holds per release (dataset, without the merged default graph): the real build only."""
    if variant != "build":
        return "—"
    run = rounds[0][variant]
    return f"{run['quads'] / run['documents']:,.0f}"


def _cpu_ms(run: dict[str, float]) -> float:
    return 1000 * run["cpu"] / run["documents"]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("corpus", type=Path, nargs="?")
    parser.add_argument("--jobs", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--repeat", type=int, default=2, help="rounds; medians reported, ratios paired by round")
    parser.add_argument("--child", nargs=3, metavar=("VARIANT", "CORPUS", "JOBS"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        variant, corpus, jobs = args.child
        print(json.dumps(run_variant(variant, Path(corpus), int(jobs))))
        return 0
    if args.corpus is None or not args.corpus.is_dir():
        parser.error("CORPUS must be a folder of releases")
    print(f"{'variant':<26} {'jobs':>4} {'rel/s':>7} {'per core':>8} {'CPU ms/rel':>10} {'ratio rel/s':>11} {'ratio CPU':>9} "
          f"{'quads/rel':>9}")
    for jobs in args.jobs:
        rounds = []
        for _ in range(args.repeat):
            rounds.append({v: measure(v, args.corpus, jobs) for v in VARIANTS})
        for variant in VARIANTS:
            rate = [_rate(r[variant]) for r in rounds]
            cpu = [_cpu_ms(r[variant]) for r in rounds]
            rate_ratio = [_rate(r[variant]) / _rate(r["build"]) for r in rounds]
            cpu_ratio = [_cpu_ms(r[variant]) / _cpu_ms(r["build"]) for r in rounds]
            print(f"{variant:<26} {jobs:>4} {statistics.median(rate):>7.1f} {statistics.median(rate) / jobs:>8.1f} "
                  f"{statistics.median(cpu):>10.1f} {statistics.median(rate_ratio):>11.2f} {statistics.median(cpu_ratio):>9.2f} "
                  f"{_quads(rounds, variant):>9}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

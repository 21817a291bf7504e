#!/usr/bin/env python3
"""What the default graph as a set (`kg.store.merged`) costs, as ratios to the bag union it replaces.

    .venv/bin/python bench/default_graph_set.py [--store DIR] [--repeat 5]

Builds the bundled corpus into DIR (a temporary folder by default) with `kemensos-kg build`, then:

* build: the time `merge` adds to a build (measured by re-running it on a copy of the built store)
  against the whole build's time, and the quads the store holds with the merge against without it;
* queries: the median time of each competency query of `queries/` and of the README's people query,
  read with the merge as default graph, against the same store without the merge read through
  pyoxigraph's union default graph (`use_default_graph_as_union`), and the rows each returns.

Ratios above 1 mean the set costs more than the bag.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from pyoxigraph import Store

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from kg.graph.vocab import PREFIXES  # noqa: E402
from kg.store.merged import MERGED_GRAPH, merge, merged_size, plain_dataset  # noqa: E402

PEOPLE = "SELECT ?p ?name WHERE { ?p a schema:Person ; schema:name ?name }"


def _timed(store: Store, query: str, dataset: dict, repeat: int) -> tuple[float, int]:
    times, rows = [], 0
    for _ in range(repeat):
        started = time.perf_counter()
        result = store.query(query, prefixes=PREFIXES, **dataset)
        rows = sum(1 for _ in result) if not isinstance(result, bool) and hasattr(result, "__iter__") else 1
        times.append(time.perf_counter() - started)
    return statistics.median(times), rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--store", type=Path, help="where to build (default: a temporary folder)")
    parser.add_argument("--repeat", type=int, default=5, help="runs per query; the median counts (default 5)")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="kg-set-bench-") as tmp:
        store_dir = args.store or Path(tmp) / "store"
        started = time.perf_counter()
        subprocess.run([sys.executable, "-m", "server.cli", "build", "--store", str(store_dir)], cwd=ROOT, check=True,
                       stdout=subprocess.DEVNULL)
        build_seconds = time.perf_counter() - started
        copy = Path(tmp) / "copy"
        shutil.copytree((store_dir / "current").resolve(), copy)
        writable = Store(str(copy))
        started = time.perf_counter()
        merge(writable)  # as a write that is not a build runs it
        merge_seconds = time.perf_counter() - started
        total, merged = len(writable), merged_size(writable)
        writable.remove_graph(MERGED_GRAPH)  # the copy becomes the store as it was before: the bag
        bag_store = writable
        store = Store.read_only(str((store_dir / "current").resolve()))
        print(f"build {build_seconds:.2f} s, of which the merge {merge_seconds:.2f} s: "
              f"build time ratio {build_seconds / (build_seconds - merge_seconds):.2f}")
        print(f"quads {total:,} with the merge, {total - merged:,} without: store size ratio {total / (total - merged):.2f}")
        union, as_set = {"use_default_graph_as_union": True}, plain_dataset(store)
        queries = [("README people", PEOPLE)] + [(p.stem, p.read_text(encoding="utf-8"))
                                                 for p in sorted((ROOT / "queries").glob("*.rq"))]
        ratios = []
        print(f"{'query':<40} {'bag ms':>8} {'set ms':>8} {'ratio':>6} {'bag rows':>9} {'set rows':>9}")
        for name, text in queries:
            bag_time, bag_rows = _timed(bag_store, text, union, args.repeat)
            set_time, set_rows = _timed(store, text, as_set, args.repeat)
            ratios.append(set_time / bag_time)
            print(f"{name:<40} {bag_time * 1000:8.2f} {set_time * 1000:8.2f} {set_time / bag_time:6.2f} "
                  f"{bag_rows:9d} {set_rows:9d}")
        print(f"query time ratio, set / bag: median {statistics.median(ratios):.2f}, "
              f"geometric mean {statistics.geometric_mean(ratios):.2f}, max {max(ratios):.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

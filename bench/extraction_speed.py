"""Extraction and build time per release, this checkout against a baseline commit, in the same run.

The baseline is checked out with `git worktree` into a temporary folder; both trees then run the
same measurements on the same inputs (this checkout's corpus), alternating so that a noisy machine
weighs on both alike:

- analysis: read, normalise, find mentions, resolve entities and extract facts for every release,
  in one warm process (imports and reference data loaded once by a first pass, excluded from the time);
- build: `kemensos-kg build <releases> --store <new folder> --jobs 1` end to end, a fresh store each time.

Printed: seconds per release for each side and round, the median ratio current / baseline (below 1
is faster), and the facts per release on each side (more facts cost more to write).

    .venv/bin/python bench/extraction_speed.py [--baseline REF] [--rounds N]
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RELEASES = sorted([ROOT / "corpus" / "2022-11-09-delegasi-kemensos-fukuoka.txt",
                   *(ROOT / "corpus" / "dev").glob("*.txt"), *(ROOT / "corpus" / "dev2").glob("*.txt")])

#: run inside either tree: the stage functions kept their module and names across the layout change
ANALYSE = """
import json, sys, time
from pathlib import Path
from kg.extract.pipeline import analyse
from kg.extract.document import read_document
paths = [Path(p) for p in sys.argv[1:]]
for path in paths:  # warm: lexicons, reference places and areas, compiled patterns, loaded once per process
    analyse(read_document(path))
start = time.perf_counter()
facts = sum(len(analyse(read_document(p)).facts) for p in paths)
print(json.dumps({"seconds": time.perf_counter() - start, "facts": facts}))
"""


def _analysis(tree: Path) -> dict[str, float]:
    out = subprocess.run([sys.executable, "-c", ANALYSE, *map(str, RELEASES)], cwd=tree, check=True,
                         capture_output=True, text=True, env={"PYTHONPATH": str(tree), "PATH": "/usr/bin:/bin"})
    return json.loads(out.stdout.strip().splitlines()[-1])


def _build(tree: Path) -> float:
    with tempfile.TemporaryDirectory() as store:
        start = time.perf_counter()
        subprocess.run([sys.executable, "-m", "kg.cli", "build", *map(str, RELEASES), "--store", store, "--jobs", "1"],
                       cwd=tree, check=True, capture_output=True, env={"PYTHONPATH": str(tree), "PATH": "/usr/bin:/bin"})
        return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--baseline", default="f451f83", help="commit to compare with (default: %(default)s)")
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    n = len(RELEASES)
    with tempfile.TemporaryDirectory() as folder:
        base = Path(folder) / "baseline"
        subprocess.run(["git", "worktree", "add", "--detach", str(base), args.baseline], cwd=ROOT, check=True,
                       capture_output=True)
        try:
            rows: dict[str, dict[str, list[float]]] = {"baseline": {"analysis": [], "build": []},
                                                       "current": {"analysis": [], "build": []}}
            facts = {}
            for round_ in range(args.rounds):
                for side, tree in (("baseline", base), ("current", ROOT)):
                    measured = _analysis(tree)
                    facts[side] = measured["facts"]
                    rows[side]["analysis"].append(measured["seconds"] / n)
                    rows[side]["build"].append(_build(tree) / n)
                    print(f"round {round_ + 1} {side:8}  analysis {rows[side]['analysis'][-1] * 1000:7.1f} ms/release"
                          f"  build {rows[side]['build'][-1] * 1000:7.1f} ms/release", flush=True)
        finally:
            subprocess.run(["git", "worktree", "remove", "--force", str(base)], cwd=ROOT, capture_output=True)
    print(f"\n{n} releases; baseline {args.baseline}; {args.rounds} rounds, medians")
    for stage in ("analysis", "build"):
        ratios = [c / b for c, b in zip(rows["current"][stage], rows["baseline"][stage])]
        print(f"{stage:9} baseline {statistics.median(rows['baseline'][stage]) * 1000:7.1f} ms/release  "
              f"current {statistics.median(rows['current'][stage]) * 1000:7.1f} ms/release  "
              f"ratio current/baseline {statistics.median(ratios):.2f}")
    print(f"facts per release: baseline {facts['baseline'] / n:.0f}, current {facts['current'] / n:.0f}")


if __name__ == "__main__":
    main()

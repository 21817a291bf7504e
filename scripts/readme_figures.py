"""The README's figures that a command can produce, regenerated in place (`make readme`).

Each figure sits in README.md between two marker comments, which Markdown does not show::

    <!-- figures:size -->
    **88,122 quads** in 26 named graphs …
    <!-- /figures:size -->

and this script rewrites what lies between them from the bundled corpus built into a temporary store:

- `size`: quads, named graphs, releases and assertions of the build;
- `classes`: the entities of each class of the ontology;
- `query:NAME`: what `kemensos-kg query --store DIR queries/NAME.rq --format tsv` prints;
- `build-time`: how long the build took, on this machine, today;
- `tests`: how many tests `pytest` collects;
- `extraction`: precision and recall against the gold (`bench/extraction_quality.py`), per split and
  fact group, beside the scores recorded when the unseen split's gold was committed.

`tests/test_readme.py` builds the same corpus and fails when a `size`, `classes` or `query:` block no
longer says what the code produces; the build time and the test count depend on the machine and on
the moment, so only this script writes them.

    python scripts/readme_figures.py            # rewrite README.md
    python scripts/readme_figures.py --check    # exit 1 naming the blocks that differ
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Mapping
from datetime import date
from pathlib import Path

from pyoxigraph import Store

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"
QUERIES = ROOT / "queries"
BLOCK = re.compile(r"(<!-- figures:(?P<name>[\w:.-]+) -->\n)(?P<body>.*?)(<!-- /figures:(?P=name) -->)", re.S)

sys.path.insert(0, str(ROOT))  # run from a checkout: `python scripts/readme_figures.py`

from kg.graph.vocab import KG, PREFIXES  # noqa: E402
from kg.store import generations as kg_store  # noqa: E402
from kg.store.merged import MERGED_GRAPH, plain_dataset  # noqa: E402


def _count(store: Store, where: str) -> int:
    rows = store.query(f"SELECT (COUNT(DISTINCT ?x) AS ?n) WHERE {{ {where} }}", prefixes=PREFIXES,
                       **plain_dataset(store))
    return int(next(iter(rows))["n"].value)


def size(store: Store) -> str:
    graphs = [g for g in store.named_graphs() if g != MERGED_GRAPH]
    releases = _count(store, f"?x a <{KG.PressRelease}>")
    assertions = _count(store, f"?x a <{KG.Assertion}>")
    return (f"**{kg_store.count_quads(store):,} quads** in {len(graphs)} named graphs (the ontology, the reference "
            f"data, the {releases} releases and the derived graph) and the default graph (their provenance records); "
            f"{assertions:,} extracted facts, each with its `kg:Assertion` (rule, sentence, words).\n")


def classes(store: Store) -> str:
    rows = store.query(f"""SELECT ?c (COUNT(DISTINCT ?s) AS ?n) WHERE {{ ?s a ?c FILTER(STRSTARTS(STR(?c), "{KG}")) }}
                           GROUP BY ?c ORDER BY DESC(?n) ?c""", **plain_dataset(store))
    lines = ["| class | entities |", "|---|---|"]
    lines += [f"| `kg:{row['c'].value[len(str(KG)):]}` | {int(row['n'].value):,} |" for row in rows]
    return "\n".join(lines) + "\n"


def query_output(store: Store, name: str) -> str:
    """The output of `kemensos-kg query --store DIR queries/NAME.rq --format tsv`, in a code block."""
    text = (QUERIES / f"{name}.rq").read_text(encoding="utf-8")
    return "```\n" + kg_store.query(store, text, "tsv").decode("utf-8").rstrip("\n") + "\n```\n"


#: `bench/extraction_quality.py` at 53b35f7, the commit that added the dev2 gold before any rule changed for it
BEFORE = {"shaped the rules": {"entities": (1.000, 0.969), "posts": (1.000, 1.000), "relations": (0.988, 0.874),
                               "numbers": (0.945, 0.684), "ALL": (0.984, 0.866)},
          "unseen (dev2)": {"entities": (0.828, 0.381), "posts": (0.684, 0.481), "relations": (0.543, 0.121),
                            "numbers": (0.753, 0.674), "ALL": (0.748, 0.411)}}
GROUP_NAMES = {"entities": "entities (key and type)", "posts": "posts (person, title, organisation)",
               "relations": "relations (visits, places, units, partners, providers, speakers …)",
               "numbers": "figures (value, unit, counted thing, qualifier, year, period, subject)", "ALL": "all"}


def extraction() -> str:
    """Precision / recall per fact group on the releases that shaped the rules and on dev2, before and now."""
    from bench import extraction_quality as bench

    golds = [bench.load_gold(path) for path in sorted(bench.GOLD_DIR.glob("*.json"))]
    now = bench.split_scores(bench.evaluate(golds))

    def cell(split: str, group: str) -> str:
        score = now[split][f"[{group}]"]
        return f"{score.precision:.3f} / {score.recall:.3f}"

    rows = ["| fact group | shaped the rules, before | shaped, now | dev2 before (gold written first) | dev2 now |",
            "|---|---|---|---|---|"]
    for group, name in GROUP_NAMES.items():
        before = [f"{p:.3f} / {r:.3f}" for p, r in (BEFORE[split][group] for split in BEFORE)]
        rows.append(f"| {name} | {before[0]} | {cell('shaped the rules', group)} | {before[1]} | "
                    f"{cell('unseen (dev2)', group)} |")
    return "\n".join(rows) + "\n"


def determined_figures(store: Store, names: list[str]) -> dict[str, str]:
    """The blocks among `names` the code decides alone: from the built `store`, or (`extraction`) from the gold."""
    makers: dict[str, Callable[[], str]] = {"size": lambda: size(store), "classes": lambda: classes(store),
                                            "extraction": extraction}
    figures = {}
    for name in names:
        if name.startswith("query:"):
            figures[name] = query_output(store, name.removeprefix("query:"))
        elif name in makers:
            figures[name] = makers[name]()
    return figures


def test_count() -> str:
    listed = subprocess.run([sys.executable, "-m", "pytest", "--collect-only", "-q"], cwd=ROOT, capture_output=True,
                            text=True, check=False).stdout
    found = re.search(r"^(\d+) tests? collected", listed, re.M)
    if not found:
        raise SystemExit(f"pytest did not say how many tests it collected:\n{listed[-2000:]}")
    return (f"`make test` runs the whole suite: {int(found.group(1)):,} tests (counted {date.today().isoformat()}), "
            "a few minutes on 2 cores.\n")


def blocks(text: str) -> dict[str, str]:
    """Every figure block of `text`: name → what stands between its markers."""
    found: dict[str, str] = {}
    for match in BLOCK.finditer(text):
        if match["name"] in found:
            raise ValueError(f"the block figures:{match['name']} appears twice")
        found[match["name"]] = match["body"]
    return found


def rewrite(text: str, figures: Mapping[str, str]) -> str:
    """`text` with each block named in `figures` holding its new content; every name must have a block."""
    missing = set(figures) - set(blocks(text))
    if missing:
        raise ValueError(f"README.md has no block for: {', '.join(sorted(missing))}")
    return BLOCK.sub(lambda m: m[1] + figures.get(m["name"], m["body"]) + m[4], text)


def built_corpus(directory: Path) -> tuple[Store, float]:
    """The bundled corpus built with `kemensos-kg build` into `directory`, and the seconds it took."""
    from kg.cli import build

    started = time.perf_counter()
    build([], directory)
    return kg_store.open_store(directory), time.perf_counter() - started


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true", help="change nothing; exit 1 naming the blocks that differ")
    args = parser.parse_args(argv)
    text = README.read_text(encoding="utf-8")
    present = blocks(text)
    with tempfile.TemporaryDirectory(prefix="readme-figures-") as directory:
        store, seconds = built_corpus(Path(directory) / "store")
        figures = determined_figures(store, list(present))
    if not args.check:
        figures["build-time"] = (f"Built from scratch in {seconds:.1f} s (`kemensos-kg build`, "
                                 f"{date.today().isoformat()}).\n")
        figures["tests"] = test_count()
    figures = {name: body for name, body in figures.items() if name in present}
    stale = sorted(name for name, body in figures.items() if present[name] != body)
    if args.check:
        print("stale: " + ", ".join(stale) if stale else "every generated figure is current")
        return 1 if stale else 0
    README.write_text(rewrite(README.read_text(encoding="utf-8"), figures), encoding="utf-8")
    print(f"rewrote {len(figures)} blocks of README.md ({len(stale)} changed: {', '.join(stale) or 'none'})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

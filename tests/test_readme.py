"""The README's generated figures still say what the code produces.

`make readme` (`scripts/readme_figures.py`) writes the graph size, the entities per class and the
output of the example queries between marker comments; this test builds the bundled corpus the same
way (`kemensos-kg build`, in a temporary directory, nothing fetched) and fails naming each block that
no longer matches: run `make readme` and look at the difference. The session's `dataset` fixture holds
only the releases the fact tests spell out, while the README speaks of the whole bundled corpus, so
the corpus is built once here.
"""

from __future__ import annotations

import importlib.util
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parent.parent


def _script() -> ModuleType:
    spec = importlib.util.spec_from_file_location("readme_figures", ROOT / "scripts" / "readme_figures.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


figures = _script()


@pytest.fixture(scope="module")
def corpus_store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    store, _ = figures.built_corpus(tmp_path_factory.mktemp("readme") / "store")
    yield store


@pytest.fixture(scope="module")
def readme_blocks() -> dict[str, str]:
    return figures.blocks((ROOT / "README.md").read_text(encoding="utf-8"))


def test_the_readme_holds_the_generated_blocks(readme_blocks: dict[str, str]) -> None:
    assert {"size", "classes", "build-time", "tests"} <= set(readme_blocks)
    queries = [name for name in readme_blocks if name.startswith("query:")]
    assert len(queries) >= 5, queries
    for name in queries:  # each names a competency query that exists
        assert (ROOT / "queries" / f"{name.removeprefix('query:')}.rq").is_file(), name


def test_readme_figures_match_the_build(corpus_store: Any, readme_blocks: dict[str, str]) -> None:
    produced = figures.determined_figures(corpus_store, list(readme_blocks))
    assert "size" in produced and "classes" in produced
    stale = {name: (readme_blocks[name], body) for name, body in produced.items() if readme_blocks[name] != body}
    assert not stale, "README.md is stale (run `make readme`):\n" + "\n".join(
        f"--- {name}: README says\n{said}--- the build gives\n{given}" for name, (said, given) in stale.items())


def test_graph_size_is_the_store_s(corpus_store: Any, readme_blocks: dict[str, str]) -> None:
    from kg.store import generations as kg_store

    quads = kg_store.count_quads(corpus_store)
    assert quads > 10_000
    assert readme_blocks["size"].startswith(f"**{quads:,} quads** in ")


def test_a_changed_figure_is_found_and_rewritten() -> None:
    text = "intro\n<!-- figures:size -->\n**1 quads**\n<!-- /figures:size -->\nrest\n"
    assert figures.blocks(text) == {"size": "**1 quads**\n"}
    rewritten = figures.rewrite(text, {"size": "**2 quads**\n"})
    assert rewritten == "intro\n<!-- figures:size -->\n**2 quads**\n<!-- /figures:size -->\nrest\n"
    with pytest.raises(ValueError, match="no block for: classes"):
        figures.rewrite(text, {"classes": "x\n"})
    with pytest.raises(ValueError, match="appears twice"):
        figures.blocks(text + text)


def test_make_readme_runs_the_script() -> None:
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    assert "\nreadme: install\n\t$(BIN)/python scripts/readme_figures.py\n" in makefile

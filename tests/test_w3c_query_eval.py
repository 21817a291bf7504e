"""W3C SPARQL 1.1 query-evaluation tests through our HTTP endpoint (see tests/w3c_query_eval.py).

Runs every test of the result-format suites (json-res, csv-tsv-res) and a fixed sample of the other
query suites, each test sent over the Flask test client and compared with its expected results.
Tests that fail for documented reasons outside our code (w3c_query_eval.KNOWN_FAILURES) are
xfail(strict=True), so a fix upstream shows up. The full run is `python tests/w3c_query_eval.py`.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import w3c_query_eval as w3c

FORMAT_SUITES = ("json-res", "csv-tsv-res")
SAMPLED_SUITES = ("aggregates", "bind", "construct", "exists", "functions", "grouping", "negation",
                  "project-expression", "property-path", "subquery")
PER_SUITE = 4

# rebuilding the store writes an empty rdflib Dataset through kg.store.generations, which trips an rdflib deprecation
pytestmark = pytest.mark.filterwarnings("ignore:Dataset.contexts is deprecated:DeprecationWarning")


def _chosen() -> list[w3c.W3CTest]:
    """All tests of FORMAT_SUITES, plus PER_SUITE tests spread evenly over each of SAMPLED_SUITES
    (approved, runnable, not known to fail), in the runner's order (tests sharing data together).
    The suite is part of the repository (tests/w3c/): without it collection fails, nothing is skipped."""
    tests = w3c.load_tests()
    chosen = [t for t in tests if t.directory in FORMAT_SUITES]
    for suite in SAMPLED_SUITES:
        candidates = [t for t in tests if t.directory == suite and t.approved and not t.unsupported
                      and t.name not in w3c.KNOWN_FAILURES]
        if len(candidates) <= PER_SUITE:
            chosen += candidates
            continue
        picks = sorted({round(i * (len(candidates) - 1) / (PER_SUITE - 1)) for i in range(PER_SUITE)})
        chosen += [candidates[i] for i in picks]
    return w3c.select(chosen)


CHOSEN = _chosen()


@pytest.fixture(scope="module")
def runner(tmp_path_factory: pytest.TempPathFactory) -> Iterator[w3c.Runner]:
    running = w3c.Runner(Path(tmp_path_factory.mktemp("w3c-query-eval")) / "store", timeout=10.0)
    yield running
    running.close()


def _param(test: w3c.W3CTest):  # type: ignore[no-untyped-def]
    known = w3c.KNOWN_FAILURES.get(test.name)
    marks = [pytest.mark.xfail(reason=f"{known[0]}: {known[1]}", strict=True)] if known else []
    return pytest.param(test, id=test.name, marks=marks)


@pytest.mark.parametrize("test", [_param(t) for t in CHOSEN])
def test_w3c_query_evaluation(runner: w3c.Runner, test: w3c.W3CTest) -> None:
    outcome = runner.run(test)
    if outcome.status == "SKIP":
        pytest.skip(outcome.reason)
    assert outcome.status == "PASS", f"{test.name} ({test.title}): {outcome.reason}\nour response:\n{outcome.detail}"


def test_sample_covers_the_suites() -> None:
    """The sample is what it claims: every format test and PER_SUITE tests from each sampled suite,
    read from the repository's own copy of the suite."""
    assert w3c.ROOT.is_relative_to(Path(__file__).resolve().parent) and w3c.ROOT.is_dir()
    by_suite: dict[str, int] = {}
    for test in CHOSEN:
        by_suite[test.directory] = by_suite.get(test.directory, 0) + 1
    assert by_suite.get("json-res") == 4 and by_suite.get("csv-tsv-res") == 6
    assert all(by_suite.get(suite) == PER_SUITE for suite in SAMPLED_SUITES), by_suite
    assert len({t.name for t in CHOSEN}) == len(CHOSEN)


def test_the_copy_holds_every_file_the_suites_name() -> None:
    """tests/w3c/ holds a subset of the W3C suite: every query, data and result file of every test the
    manifests list is in it, so the full run (`python tests/w3c_query_eval.py`) needs nothing else."""
    tests = w3c.load_tests()
    named = {iri for t in tests for iri in (t.query, t.result, *t.data, *t.graph_data) if iri}
    assert len(tests) == 235 and len(named) == 543
    assert [iri for iri in named if not w3c.local_path(iri).is_file()] == []

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
    (approved, runnable, not known to fail), in the runner's order (tests sharing data together)."""
    if not w3c.ROOT.is_dir():
        return []
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


@pytest.mark.skipif(not CHOSEN, reason=f"no W3C test suite at {w3c.ROOT}")
@pytest.mark.parametrize("test", [_param(t) for t in CHOSEN] or [None])
def test_w3c_query_evaluation(runner: w3c.Runner, test: w3c.W3CTest) -> None:
    outcome = runner.run(test)
    if outcome.status == "SKIP":
        pytest.skip(outcome.reason)
    assert outcome.status == "PASS", f"{test.name} ({test.title}): {outcome.reason}\nour response:\n{outcome.detail}"


def test_sample_covers_the_suites() -> None:
    """The sample is what it claims: every format test and PER_SUITE tests from each sampled suite."""
    if not w3c.ROOT.is_dir():
        pytest.skip(f"no W3C test suite at {w3c.ROOT}")
    by_suite: dict[str, int] = {}
    for test in CHOSEN:
        by_suite[test.directory] = by_suite.get(test.directory, 0) + 1
    assert by_suite.get("json-res") == 4 and by_suite.get("csv-tsv-res") == 6
    assert all(by_suite.get(suite) == PER_SUITE for suite in SAMPLED_SUITES), by_suite
    assert len({t.name for t in CHOSEN}) == len(CHOSEN)

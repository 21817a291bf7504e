"""The W3C SPARQL 1.1 Protocol tests (see `w3c_protocol.py`) through the Flask test client, one
pytest test per manifest entry: every test that applies to a read-only endpoint must pass, and
every test that sends an update must pass against an app started with an update token."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from w3c_protocol import MANIFEST, TOKEN, Transport, flask_transport, load_manifest, prepare_store, run_test

from server.app import create_app
from server.config import ServerConfig

TESTS = load_manifest()  # a missing tests/w3c/ fails collection: the suite is part of the repository
READ_ONLY = [t for t in TESTS if not t.update_positive]
NOT_APPLICABLE = [t for t in TESTS if t.update_positive]
WITH_TOKEN = [t for t in TESTS if t.involves_update]


def _transport(store_dir: Path, token: str | None) -> Iterator[Transport]:
    prepare_store(store_dir, TESTS)
    app = create_app(ServerConfig(store_dir=store_dir, update_token=token, timeout=30, threads=1))
    try:
        yield flask_transport(app)
    finally:
        app.extensions["kg_runner"].close()


@pytest.fixture(scope="module")
def read_only(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Transport]:
    yield from _transport(tmp_path_factory.mktemp("w3c-read-only"), None)


@pytest.fixture(scope="module")
def with_token(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Transport]:
    yield from _transport(tmp_path_factory.mktemp("w3c-with-token"), TOKEN)


def test_manifest_is_there_and_complete() -> None:
    assert MANIFEST.is_file() and MANIFEST.is_relative_to(Path(__file__).resolve().parent)
    assert len(TESTS) == 34
    assert len(READ_ONLY) == 27 and len(NOT_APPLICABLE) == 7
    assert {t.id for t in NOT_APPLICABLE} == {
        "update_dataset_default_graph", "update_dataset_default_graphs", "update_dataset_named_graphs",
        "update_dataset_full", "update_post_form", "update_post_direct", "update_base_uri"}


@pytest.mark.parametrize("test", READ_ONLY, ids=[t.id for t in READ_ONLY])
def test_read_only_endpoint(test, read_only: Transport) -> None:  # type: ignore[no-untyped-def]
    outcome = run_test(test, read_only)
    assert outcome.verdict == "PASS", f"{test.name}: {outcome.detail}"


@pytest.mark.parametrize("test", NOT_APPLICABLE, ids=[t.id for t in NOT_APPLICABLE])
def test_updates_are_not_applicable_when_read_only(test, read_only: Transport) -> None:  # type: ignore[no-untyped-def]
    assert run_test(test, read_only).verdict == "N/A"


USING_PARAMETERS = {"update_dataset_default_graph", "update_dataset_default_graphs", "update_dataset_named_graphs",
                    "update_dataset_full"}


@pytest.mark.parametrize("test", WITH_TOKEN, ids=[t.id for t in WITH_TOKEN])
def test_endpoint_with_update_token(test, with_token: Transport) -> None:  # type: ignore[no-untyped-def]
    """Every update test passes, except the four naming the dataset by using-graph-uri /
    using-named-graph-uri, which pyoxigraph cannot take: those get a precise 400 instead."""
    outcome = run_test(test, with_token, TOKEN)
    expected = "N/A" if test.id in USING_PARAMETERS else "PASS"
    assert outcome.verdict == expected, f"{test.name}: {outcome.detail}"

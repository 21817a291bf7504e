"""Shared fixtures: the bundled corpus is built once per test session, into a real on-disk store."""

from __future__ import annotations

from pathlib import Path

import pytest
from pyoxigraph import Store
from rdflib import Dataset

from kg.build.dataset import build_dataset
from kg.build.inputs import DEFAULT_CORPUS
from kg.extract.document import read_document
from kg.extract.facts import Analysis
from kg.extract.pipeline import analyse
from kg.store import generations as kg_store

ROOT = Path(__file__).resolve().parent.parent
FOUNDING = DEFAULT_CORPUS / "2022-11-09-delegasi-kemensos-fukuoka.txt"
DEV = sorted((DEFAULT_CORPUS / "dev").glob("*.txt"))


#: the releases whose facts the tests spell out (the dev2 releases are scored by bench/extraction_quality.py)
TESTED_RELEASES = [FOUNDING, *DEV]


@pytest.fixture(scope="session")
def dataset() -> Dataset:
    """The graph of the founding and dev releases, as the build writes it."""
    return build_dataset(TESTED_RELEASES)


@pytest.fixture(scope="session")
def store_dir(tmp_path_factory: pytest.TempPathFactory, dataset: Dataset) -> Path:
    path = tmp_path_factory.mktemp("store")
    kg_store.write_store(path, dataset)
    return path


@pytest.fixture(scope="session")
def store(store_dir: Path) -> Store:
    """The built corpus in a persistent pyoxigraph store, opened read-only."""
    return kg_store.open_store(store_dir)


@pytest.fixture(scope="session")
def founding() -> Analysis:
    """The founding press release after every stage up to facts."""
    return analyse(read_document(FOUNDING))


@pytest.fixture
def no_proxy(monkeypatch: pytest.MonkeyPatch) -> None:
    """urllib and requests honour proxy variables; tests reach loopback servers directly."""
    for name in ("http_proxy", "HTTP_PROXY", "https_proxy", "HTTPS_PROXY", "all_proxy", "ALL_PROXY"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("no_proxy", "127.0.0.1,localhost")
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")

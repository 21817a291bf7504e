"""Streaming N-Quads into a store: everything added is loaded, in batches, and errors surface."""

from __future__ import annotations

import pytest
from pyoxigraph import Store

from kg.errors import StoreError
from kg.store.loader import QuadLoader


def quad(i: int) -> bytes:
    return f"<http://example.org/s{i}> <http://example.org/p> \"{i}\" <http://example.org/g> .\n".encode()


def test_everything_added_is_loaded_in_batches(monkeypatch: pytest.MonkeyPatch) -> None:
    store = Store()
    calls: list[int] = []
    real = Store.bulk_load

    def counting(self: Store, **kwargs: object) -> None:
        calls.append(len(kwargs["input"]))  # type: ignore[arg-type]
        real(self, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(Store, "bulk_load", counting)
    with QuadLoader(store, batch_bytes=10 * len(quad(0))) as loader:
        for i in range(25):
            loader.add(quad(i))
    assert len(store) == 25
    assert len(calls) == 3  # two full batches and the rest


def test_a_bad_batch_fails_the_load() -> None:
    loader = QuadLoader(Store())
    loader.add(b"<http://example.org/s> not N-Quads .\n")
    with pytest.raises(StoreError, match="could not be loaded"):
        loader.close()


def test_leaving_with_an_error_does_not_load_the_rest() -> None:
    store = Store()
    with pytest.raises(RuntimeError), QuadLoader(store) as loader:
        loader.add(quad(1))
        raise RuntimeError("failing build")
    assert len(store) == 0

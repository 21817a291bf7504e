"""Worker processes for a build: a function mapped over documents on every core, in bounded memory.

Processes are forked (Linux): the lexicons, compiled patterns and everything the parent prepared
before forking are shared, not rebuilt or pickled. A single job runs in the calling process.
"""

from __future__ import annotations

import multiprocessing
import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from multiprocessing.pool import Pool
from typing import Any, TypeVar

A = TypeVar("A")
R = TypeVar("R")


def pool(jobs: int, initializer: Callable[..., None] | None = None, initargs: tuple[Any, ...] = ()) -> Pool | None:
    """`jobs` forked worker processes, or None for one job (work in this process)."""
    if jobs <= 1:
        return None
    return multiprocessing.get_context("fork").Pool(jobs, initializer=initializer, initargs=initargs)


def ordered(workers: Pool | None, fn: Callable[[A], R], items: Sequence[A], chunk: int = 8) -> Iterator[R]:
    """`fn` over `items`, results in order; `chunk` items go to a worker at a time."""
    if workers is None:
        return map(fn, items)
    return workers.imap(fn, items, chunksize=chunk)


def bounded(workers: Pool, fn: Callable[[A], R], items: Iterable[A], limit: int) -> Iterator[R]:
    """`fn` over `items`, results in any order, with at most `limit` items sent and not yet taken.

    The pool's result queue is unbounded, so a consumer slower than the workers (a store being
    written) would otherwise let results pile up in memory. Close the iterator before terminating
    the pool: the pool waits for its feeder, which waits for a free slot.
    """
    slots = threading.Semaphore(limit)
    stopped = threading.Event()

    def feed() -> Iterator[A]:
        source = iter(items)
        while True:
            while not slots.acquire(timeout=0.1):
                if stopped.is_set():
                    return
            try:
                item = next(source)
            except StopIteration:
                return
            yield item

    try:
        for result in workers.imap_unordered(fn, feed()):
            slots.release()
            yield result
    finally:
        stopped.set()


__all__ = ["pool", "ordered", "bounded"]

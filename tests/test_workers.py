"""Mapping over worker processes in bounded memory."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from multiprocessing.pool import ThreadPool

from kg.build.workers import bounded, ordered, pool


def test_bounded_keeps_at_most_limit_items_in_flight() -> None:
    pulled = 0
    lock = threading.Lock()

    def items() -> Iterator[int]:
        nonlocal pulled
        for i in range(40):
            with lock:
                pulled += 1
            yield i

    taken, ahead = 0, []
    with ThreadPool(2) as pool:
        results = bounded(pool, lambda i: i, items(), 3)
        for _ in results:
            time.sleep(0.005)  # a slow consumer: the workers would otherwise run ahead
            taken += 1
            with lock:
                ahead.append(pulled - taken)
    assert taken == 40
    assert max(ahead) <= 3 and max(ahead) >= 1


def test_bounded_lets_the_pool_stop_when_the_consumer_does() -> None:
    with ThreadPool(2) as pool:
        results = bounded(pool, lambda i: i, iter(range(1000)), 2)
        next(results)
        results.close()
    # leaving the block terminated the pool: it would wait forever on a blocked feeder


def test_one_job_runs_here_and_keeps_the_order() -> None:
    assert pool(1) is None
    assert list(ordered(None, abs, [-3, 2, -1])) == [3, 2, 1]
    workers = pool(2)
    assert workers is not None
    try:
        assert list(ordered(workers, abs, list(range(-50, 0)), chunk=4)) == list(range(50, 0, -1))
    finally:
        workers.terminate()

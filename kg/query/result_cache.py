"""Finished query results kept in memory, keyed by the store generation they were computed on.

A repeated query (the same text, dataset, format and row cap) on an unchanged store is answered
from here without evaluation. A new generation changes every key, so nothing stale is served;
entries of old generations simply age out. Only results small enough to be held in memory are kept.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import replace
from typing import Protocol

from kg.query.evaluator import QueryJob, QueryResult


class Runner(Protocol):
    """What answers queries: `kg.query.evaluator.InlineEvaluator` or a pool of killable `Evaluator`s."""

    def run(self, job: QueryJob) -> QueryResult: ...

    def warm(self) -> None: ...

    def close(self) -> None: ...


class ResultCache:
    """A least-recently-used cache of result bodies in front of a runner, at most `max_bytes` in all."""

    def __init__(self, runner: Runner, generation: Callable[[], str], max_bytes: int) -> None:
        self.runner = runner
        self.generation = generation
        self.max_bytes = max_bytes
        self._entries: OrderedDict[tuple[str, QueryJob], QueryResult] = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()
        self.hits = 0
        self.misses = 0

    def run(self, job: QueryJob) -> QueryResult:
        key = (self.generation(), job)
        with self._lock:
            cached = self._entries.get(key)
            if cached is not None:
                self._entries.move_to_end(key)
                self.hits += 1
                return replace(cached, seconds=0.0, extra={"cache": "hit"})
            self.misses += 1
        result = self.runner.run(job)
        if result.body is not None and result.size <= self.max_bytes // 16:
            self._keep(key, result)
        return result

    def _keep(self, key: tuple[str, QueryJob], result: QueryResult) -> None:
        with self._lock:
            if key in self._entries:
                return
            self._entries[key] = result
            self._bytes += result.size
            while self._bytes > self.max_bytes:
                _, old = self._entries.popitem(last=False)
                self._bytes -= old.size

    def warm(self) -> None:
        self.runner.warm()

    def close(self) -> None:
        self.runner.close()

"""Query time limits for queries evaluated inside a gunicorn worker.

pyoxigraph cannot cancel a query (no timeout, no cancellation token in its Python API), so the only
way to stop one is to end its process. The worker therefore evaluates each query on a thread of its
own while the request's thread waits for it until the deadline. Past the deadline the request's
thread answers 503 itself and is free again; the evaluation is left running, and the worker retires:
it asks the gunicorn master for a replacement at once (SIGTTIN; `server.wsgi` gives the extra worker
back when the retiring one has gone), stops accepting connections, answers every request it already
holds — each within its own limit — and then exits, ending the abandoned evaluations with it. So
however many queries run away at once, each gets its 503 at its own deadline, and no other client's
request is dropped or waits for the retiring worker.

At most `slots` evaluations run at once per worker (the rest wait, and the wait counts towards their
limit); an abandoned evaluation gives its slot back, so the requests behind it are not held up by
a query nobody waits for. Evaluation threads get a large stack (`STACK_BYTES`) as a second line of
defence behind `kg.query.depth`: pyoxigraph parses by recursion, and a stack overflow ends the process.
"""

from __future__ import annotations

import os
import sys
import threading
import time
from collections.abc import Callable
from typing import Generic, TypeVar

from kg.query.evaluator import QueryTimeout

#: stack of every thread the worker starts from now on (address space only, used as needed); about
#: 60 times what the deepest query `kg.query.depth` lets through needs on the parser's worst construct
STACK_BYTES = 64 << 20

T = TypeVar("T")


class _Evaluation(Generic[T]):
    """One evaluation on its own thread; its slot is given back once, when it ends or is abandoned."""

    def __init__(self, evaluate: Callable[[], T], release: Callable[[], None]) -> None:
        self.evaluate = evaluate
        self.done = threading.Event()
        self.value: T | None = None
        self.error: BaseException | None = None
        self._release = release
        self._released = False
        self._lock = threading.Lock()

    def run(self) -> None:
        try:
            self.value = self.evaluate()
        except BaseException as exc:  # handed to the request's thread, which raises it
            self.error = exc
        finally:
            self.done.set()
            self.give_back()

    def give_back(self) -> None:
        with self._lock:
            if not self._released:
                self._released = True
                self._release()

    def outcome(self) -> T:
        if self.error is not None:
            raise self.error
        return self.value  # type: ignore[return-value]


class Watchdog:
    """One per worker process; `run()` evaluates within the time limit."""

    def __init__(self, timeout: float, slots: int, retire: Callable[[], None]) -> None:
        self.timeout = timeout
        self._slots = threading.BoundedSemaphore(max(1, slots))
        self._retire = retire
        self._retiring = threading.Lock()
        self.retired = False
        threading.stack_size(STACK_BYTES)

    def run(self, evaluate: Callable[[], T]) -> T:
        """`evaluate()` on an evaluation thread; QueryTimeout once the limit has passed."""
        deadline = time.monotonic() + self.timeout
        if not self._slots.acquire(timeout=self.timeout):
            raise self._late()  # every slot was busy until the deadline: nothing ran, nothing to stop
        evaluation = _Evaluation(evaluate, self._slots.release)
        try:
            threading.Thread(target=evaluation.run, name="query-evaluation", daemon=True).start()
        except BaseException:
            evaluation.give_back()
            raise
        if evaluation.done.wait(max(0.0, deadline - time.monotonic())):
            return evaluation.outcome()
        evaluation.give_back()
        self._retire_once()
        raise self._late()

    def _late(self) -> QueryTimeout:
        return QueryTimeout(f"query stopped after the {self.timeout:g} s time limit")

    def _retire_once(self) -> None:
        with self._retiring:
            if self.retired:
                return
            self.retired = True
        print(f"[kemensos-kg] a query ran past the {self.timeout:g} s time limit; worker {os.getpid()} hands over "
              "to a fresh one and ends once its other requests finish", file=sys.stderr, flush=True)
        self._retire()

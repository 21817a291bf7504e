"""Query time limits for queries evaluated inside a gunicorn worker.

pyoxigraph cannot cancel a query, so the only way to stop one is to end its process. A worker
evaluates queries itself (no process hop, the in-memory store shared with the master) and this
watchdog thread watches their deadlines. When one passes, the watchdog answers that request with
503 itself, stops the worker from taking new connections, waits for the worker's other requests
to finish, then ends the process; gunicorn's master forks a fresh worker at once, with the
in-memory store already in place. The rest of the server never notices.
"""

from __future__ import annotations

import contextlib
import os
import socket
import sys
import threading
import time
from collections.abc import Callable, Iterator
from typing import Any

from kg.query.evaluator import QueryTimeout

EXIT_CODE = 75  # EX_TEMPFAIL: the worker ended on purpose; not one of gunicorn's fatal codes (3, 4)


def _timeout_response(message: str) -> bytes:
    body = f"{message}\n".encode()
    head = ("HTTP/1.1 503 Service Unavailable\r\n"
            "Content-Type: text/plain; charset=utf-8\r\n"
            f"Content-Length: {len(body)}\r\n"
            "Access-Control-Allow-Origin: *\r\n"
            "Retry-After: 1\r\n"
            "Connection: close\r\n\r\n")
    return head.encode() + body


class Watchdog:
    """One thread per worker process; `guard()` puts a deadline on the block it wraps."""

    def __init__(self, timeout: float, graceful: float, stop_accepting: Callable[[], None]) -> None:
        self.timeout = timeout
        self.graceful = graceful
        self.stop_accepting = stop_accepting
        self._lock = threading.Lock()
        self._deadlines: dict[int, tuple[float, socket.socket | None]] = {}
        self._active = 0
        self._expired = 0
        self._wake = threading.Event()
        threading.Thread(target=self._watch, name="query-watchdog", daemon=True).start()

    @contextlib.contextmanager
    def guard(self, client: socket.socket | None) -> Iterator[None]:
        """Evaluate the block within the time limit; past it the client gets 503 from here."""
        token = threading.get_ident()
        with self._lock:
            self._deadlines[token] = (time.monotonic() + self.timeout, client)
        self._wake.set()
        try:
            yield
        finally:
            with self._lock:
                expired = self._deadlines.pop(token, None) is None
        if expired:  # answered with 503 already; the process is about to end
            raise QueryTimeout(f"query stopped after the {self.timeout:g} s time limit")

    def track(self, app: Callable[..., Any]) -> Callable[..., Any]:
        """WSGI middleware counting requests in flight, so an ending worker can let them finish."""
        def counted(environ: dict[str, Any], start_response: Callable[..., Any]) -> Any:
            with self._lock:
                self._active += 1
            try:
                body = app(environ, start_response)
            except BaseException:
                self._done()
                raise
            return _ClosingIterable(body, self._done)
        return counted

    def _done(self) -> None:
        with self._lock:
            self._active -= 1

    def _watch(self) -> None:
        while True:
            with self._lock:
                soonest = min((deadline for deadline, _ in self._deadlines.values()), default=None)
            if soonest is None:
                self._wake.wait()
                self._wake.clear()
                continue
            now = time.monotonic()
            if now < soonest:
                self._wake.wait(soonest - now)
                self._wake.clear()
                continue
            self._expire(now)

    def _expire(self, now: float) -> None:
        with self._lock:
            late = [(token, client) for token, (deadline, client) in self._deadlines.items() if deadline <= now]
            for token, _ in late:
                del self._deadlines[token]
            self._expired += len(late)
        message = f"query stopped after the {self.timeout:g} s time limit"
        for _, client in late:
            if client is not None:
                with contextlib.suppress(OSError):
                    client.sendall(_timeout_response(message))
                    client.shutdown(socket.SHUT_RDWR)
        print(f"[kemensos-kg] {message}; worker {os.getpid()} ends once its other requests finish",
              file=sys.stderr, flush=True)
        self.stop_accepting()
        until = time.monotonic() + self.graceful
        while time.monotonic() < until:
            with self._lock:
                if self._active <= self._expired:
                    break
            time.sleep(0.02)
        os._exit(EXIT_CODE)


class _ClosingIterable:
    """A response body that reports when the server is done with it (the WSGI `close()` call)."""

    def __init__(self, body: Any, on_close: Callable[[], None]) -> None:
        self.body = body
        self.on_close = on_close

    def __iter__(self) -> Iterator[bytes]:
        return iter(self.body)

    def close(self) -> None:
        try:
            if hasattr(self.body, "close"):
                self.body.close()
        finally:
            self.on_close()

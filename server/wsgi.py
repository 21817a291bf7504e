"""Serving the app with gunicorn.

The master process loads the app once and, in a background thread, an in-memory copy of the
store's current generation (`kg.store.snapshot`); workers are forked from it and share that copy
copy-on-write. Until the copy is ready, and whenever `current` moves on (a rebuild, an update),
workers read the on-disk generation; when a new copy is ready the master replaces its workers
(gunicorn's graceful reload). Workers evaluate queries in their own threads, with no process hop;
`server.watchdog` enforces the time limit by retiring a worker whose query runs past it, and the
master starts its replacement at once.
"""

from __future__ import annotations

import gc
import os
import signal
import sys
import threading
import time
from typing import Any

from gunicorn.app.base import BaseApplication

from kg.store.snapshot import Stores, generation_name, load_snapshot
from server.app import create_app
from server.config import ServerConfig
from server.watchdog import Watchdog

ACCESS_LOG_FORMAT = '%(h)s "%(r)s" %(s)s %(B)s bytes %({x-query-time}o)ss rows=%({x-result-rows}o)s'
GRACEFUL_SECONDS = 10
#: threads answering HTTP per evaluation slot (`--threads`): a request waiting for a slot holds one,
#: and so does a slow reader, so that neither keeps the other requests of the worker waiting
HTTP_THREADS_PER_SLOT = 4
POLL_SECONDS = 1.0


def _log(message: str) -> None:
    print(f"[kemensos-kg] {message}", file=sys.stderr, flush=True)


def keep_snapshot(stores: Stores) -> None:
    """Master thread: keep an in-memory copy of the current generation, and have gunicorn fork
    fresh workers (SIGHUP: a graceful reload) each time a new copy is ready."""
    failed = ""
    while True:
        name = generation_name(stores.store_dir)
        have = stores.snapshot.generation if stores.snapshot else ""
        if name and name != have and name != failed:
            try:
                snapshot = load_snapshot(stores.store_dir, name)
            except OSError as exc:  # e.g. the generation was replaced while it was being read
                _log(f"could not load {name} into memory ({exc}); serving it from disk")
                failed = name
            else:
                if generation_name(stores.store_dir) == name:
                    stores.snapshot = snapshot
                    _log(f"in memory: {snapshot.quads:,} quads of {name} in {snapshot.seconds:.1f} s; "
                         "replacing the workers")
                    os.kill(os.getpid(), signal.SIGHUP)
        time.sleep(POLL_SECONDS)


class Server(BaseApplication):  # type: ignore[misc]
    """gunicorn configured from a ServerConfig instead of its own command line."""

    def __init__(self, config: ServerConfig) -> None:
        self.server_config = config
        self.keeper_started = False
        super().__init__()

    def load_config(self) -> None:
        cfg = self.server_config
        settings: dict[str, Any] = {
            "bind": f"{cfg.host}:{cfg.port}",
            "workers": cfg.workers,
            "worker_class": "gthread",
            "threads": max(1, cfg.threads) * HTTP_THREADS_PER_SLOT,
            "timeout": int(cfg.timeout) + 30,
            # a stopping worker (a reload, a retirement) answers every query it holds, each within its limit
            "graceful_timeout": int(cfg.timeout) + GRACEFUL_SECONDS,
            "keepalive": 5,
            "limit_request_line": 8190,
            "preload_app": True,
            "accesslog": "-" if cfg.access_log else None,
            "access_log_format": ACCESS_LOG_FORMAT,
            "errorlog": "-",
            "proc_name": "kemensos-kg",
            "control_socket_disable": True,  # several servers (tests, benchmarks) may run side by side
            "when_ready": self._when_ready,
            "pre_fork": _pre_fork,
            "post_worker_init": self._post_worker_init,
            "worker_exit": _worker_exit,
            "child_exit": self._child_exit,
        }
        for key, value in settings.items():
            self.cfg.set(key, value)

    def load(self):  # type: ignore[no-untyped-def]
        return create_app(self.server_config)

    def _when_ready(self, arbiter: Any) -> None:
        if self.server_config.in_memory and not self.keeper_started:
            self.keeper_started = True
            stores = arbiter.app.wsgi().extensions["kg_stores"]
            threading.Thread(target=keep_snapshot, args=(stores,), name="snapshot-keeper", daemon=True).start()

    def _post_worker_init(self, worker: Any) -> None:
        """A worker gets its watchdog and opens its store before it takes requests."""
        app = worker.wsgi
        app.extensions["kg_watchdog"] = Watchdog(self.server_config.timeout, self.server_config.threads,
                                                 lambda: _retire(worker))
        app.extensions["kg_runner"].warm()

    def _child_exit(self, arbiter: Any, worker: Any) -> None:
        """Master: a worker has gone; if it had retired (the master then runs one worker more than
        configured, see `_retire`), give the extra one back."""
        if arbiter.num_workers > self.server_config.workers:
            arbiter.num_workers -= 1


def _retire(worker: Any) -> None:
    """A worker abandoned a query past its limit: have the master start a replacement now (SIGTTIN:
    one worker more), then stop taking connections and end once the requests held are answered."""
    os.kill(worker.ppid, signal.SIGTTIN)
    worker.handle_exit(signal.SIGTERM, None)


def _pre_fork(server: Any, worker: Any) -> None:
    """Objects the master made are never freed by a worker: keep the collector off their pages,
    so they stay shared between processes."""
    gc.freeze()


def _worker_exit(server: Any, worker: Any) -> None:
    """End the worker without running C++ static destructors: RocksDB's, inherited through fork,
    would join threads the worker never had (a crash at exit). The exit status is kept."""
    error = sys.exc_info()[1]
    code = error.code if isinstance(error, SystemExit) and isinstance(error.code, int) else (1 if error else 0)
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)

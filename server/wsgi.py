"""Serving the app with gunicorn: worker processes use every core (pyoxigraph releases the GIL
only for part of an evaluation), threads let one worker overlap slow clients, and each thread's
query runs in its own killable evaluator process."""

from __future__ import annotations

from typing import Any

from gunicorn.app.base import BaseApplication

from server.app import create_app
from server.config import ServerConfig

ACCESS_LOG_FORMAT = '%(h)s "%(r)s" %(s)s %(B)s bytes %({x-query-time}o)ss rows=%({x-result-rows}o)s'


def _warm_evaluators(worker: Any) -> None:
    """A worker starts its evaluator processes before it takes requests."""
    worker.wsgi.extensions["kg_pool"].warm()


class Server(BaseApplication):  # type: ignore[misc]
    """gunicorn configured from a ServerConfig instead of its own command line."""

    def __init__(self, config: ServerConfig) -> None:
        self.server_config = config
        super().__init__()

    def load_config(self) -> None:
        cfg = self.server_config
        settings: dict[str, Any] = {
            "bind": f"{cfg.host}:{cfg.port}",
            "workers": cfg.workers,
            "worker_class": "gthread",
            "threads": cfg.threads,
            "timeout": int(cfg.timeout) + 30,
            "graceful_timeout": 10,
            "keepalive": 5,
            "limit_request_line": 8190,
            "accesslog": "-" if cfg.access_log else None,
            "access_log_format": ACCESS_LOG_FORMAT,
            "errorlog": "-",
            "proc_name": "kemensos-kg",
            "control_socket_disable": True,  # several servers (tests, benchmarks) may run side by side
            "post_worker_init": _warm_evaluators,
        }
        for key, value in settings.items():
            self.cfg.set(key, value)

    def load(self):  # type: ignore[no-untyped-def]
        return create_app(self.server_config)

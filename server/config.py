"""Everything the server can be told, in one place. `server.cli` fills it from flags, each with an
environment-variable fallback; tests build it directly."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from kg.query.depth import DEFAULT_MAX_CHAIN, DEFAULT_MAX_NESTING


@dataclass(frozen=True)
class ServerConfig:
    store_dir: Path
    timeout: float = 30.0
    max_rows: int = 100_000
    max_body: int = 1 << 20
    update_token: str | None = None
    service_allow: tuple[str, ...] = field(default_factory=tuple)
    host: str = "127.0.0.1"
    port: int = 8000
    workers: int = 2
    threads: int = 4
    access_log: bool = True
    cache_mb: int = 16  # result cache per worker process; 0 turns it off
    in_memory: bool = True  # serve from an in-memory copy of the store once it is loaded
    # how deeply a query or update may nest, decided from its text before pyoxigraph parses it
    # (`kg.query.depth`: deeper ones could overflow the parser's stack and end the process)
    max_nesting: int = DEFAULT_MAX_NESTING
    max_chain: int = DEFAULT_MAX_CHAIN
    # "process": each query in a killable child process (for an app run outside gunicorn, e.g. tests);
    # "worker": in the gunicorn worker itself, which `server.watchdog` ends past the time limit
    evaluation: str = "process"

    @property
    def read_only(self) -> bool:
        """Updates and Graph Store writes exist only when a secret token was given at start."""
        return not self.update_token

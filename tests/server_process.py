"""Run the real `kemensos-kg serve` (gunicorn master and worker processes) for a test.

Not a test module: a helper other tests and scripts import (`from server_process import
running_server`; pytest puts `tests/` on `sys.path`, and so does running a script in it)::

    with running_server(store_dir, "--timeout", "2") as server:
        requests.get(server.base_url + "/sparql", params={"query": "ASK {}"})

The server listens on a free ephemeral port of 127.0.0.1 with one worker and two threads (extra
arguments come last, so they may override those), its output goes to `log_path`, and the context
manager returns once GET /healthz answers 200 from a worker that reads the in-memory copy of the
store (unless `--no-in-memory` is given). On exit the whole process group (the gunicorn master, its
workers and the snapshot dump) gets SIGTERM, then SIGKILL if it lingers. The log file (in the
temporary directory) is kept for a post-mortem.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

STARTUP_TIMEOUT = 30.0  # seconds to wait for /healthz
STOP_TIMEOUT = 15.0  # seconds between SIGTERM and SIGKILL (gunicorn's graceful timeout is 10 s)


@dataclass(frozen=True)
class ServerHandle:
    base_url: str  # "http://127.0.0.1:PORT", no trailing slash
    port: int
    process: subprocess.Popen[bytes]
    log_path: Path

    def log(self) -> str:
        """What the server has written to stdout and stderr so far."""
        return self.log_path.read_text(errors="replace")

    def settled_boots(self, quiet: float = 2.0, limit: float = 60.0) -> int:
        """Workers booted so far, once no new one has booted for `quiet` seconds: the graceful reload
        onto the in-memory copy may still be forking when /healthz first says the copy is loaded
        (the first new worker answers before the next has booted)."""
        count, since, deadline = self.log().count("Booting worker"), time.monotonic(), time.monotonic() + limit
        while time.monotonic() - since < quiet and time.monotonic() < deadline:
            time.sleep(0.25)
            now = self.log().count("Booting worker")
            if now != count:
                count, since = now, time.monotonic()
        return count


def free_port() -> int:
    """A port the kernel considers free right now (bind to 0, read it, close)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def serve_command() -> list[str]:
    """The `kemensos-kg` console script of this interpreter's environment."""
    script = Path(sys.executable).with_name("kemensos-kg")
    return [str(script)] if script.exists() else [sys.executable, "-m", "server.cli"]


def _healthy(url: str, in_memory: bool) -> bool:
    """Answering, and (unless the server was told not to load one) reading its in-memory copy: the
    workers are replaced once the copy is loaded, which a test should not run into."""
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return response.status == 200 and (not in_memory or json.load(response)["in_memory"] is True)
    except (urllib.error.URLError, ConnectionError, TimeoutError, OSError, ValueError, KeyError):
        return False


def _stop(process: subprocess.Popen[bytes]) -> None:
    """SIGTERM the server's process group (it is the leader), then SIGKILL what is left."""
    if process.poll() is not None:
        return
    for sig, wait in ((signal.SIGTERM, STOP_TIMEOUT), (signal.SIGKILL, 5.0)):
        try:
            os.killpg(process.pid, sig)
        except ProcessLookupError:
            return
        try:
            process.wait(wait)
            return
        except subprocess.TimeoutExpired:
            continue


@contextmanager
def running_server(store_dir: Path | str, *extra_args: str, env: Mapping[str, str] | None = None,
                   startup_timeout: float = STARTUP_TIMEOUT) -> Iterator[ServerHandle]:
    """Start `kemensos-kg serve --store STORE_DIR` with `extra_args`; yield once it is healthy.

    `env` adds to (not replaces) the current environment, e.g. {"KEMENSOS_KG_UPDATE_TOKEN": ...}.
    Raises RuntimeError with the server's log if it exits or is not healthy in `startup_timeout` s.
    """
    port = free_port()
    command = [*serve_command(), "serve", "--store", str(store_dir), "--host", "127.0.0.1", "--port", str(port),
               "--workers", "1", "--threads", "2", *extra_args]
    fd, log_name = tempfile.mkstemp(prefix=f"kemensos-kg-serve-{port}-", suffix=".log")
    log_path = Path(log_name)
    with os.fdopen(fd, "wb") as log:
        process = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT,
                                   env={**os.environ, **(env or {})}, start_new_session=True)
    handle = ServerHandle(f"http://127.0.0.1:{port}", port, process, log_path)
    try:
        deadline = time.monotonic() + startup_timeout
        in_memory = "--no-in-memory" not in extra_args and (env or {}).get("KEMENSOS_KG_IN_MEMORY", "1") != "0"
        while not _healthy(handle.base_url + "/healthz", in_memory):
            if process.poll() is not None:
                raise RuntimeError(f"the server exited with status {process.returncode}:\n{handle.log()}")
            if time.monotonic() > deadline:
                raise RuntimeError(f"the server was not healthy after {startup_timeout:g} s:\n{handle.log()}")
            time.sleep(0.1)
        yield handle
    finally:
        _stop(process)


__all__ = ["ServerHandle", "running_server", "free_port", "serve_command"]

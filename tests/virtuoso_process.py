"""Run OpenLink Virtuoso 7 (Debian's `virtuoso-opensource`) for a test, on loopback with its own database
folder, ini file and ports; stopped (SIGTERM, then SIGKILL) when the block ends.

Not a test module: tests import it (`from virtuoso_process import running_virtuoso`)::

    with running_virtuoso(tmp_path) as virtuoso:
        requests.get(virtuoso.sparql_url, params={"query": "ASK {}"})

Its Graph Store endpoint with authentication is `/sparql-graph-crud-auth` (HTTP Digest; the `dba` account of
a new database has the password `dba` and may write), its query endpoint `/sparql`. Every HTTP request is
logged in the database folder (`requests()` reads them back), so a test can see what reached the server.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote

from server_process import free_port

BINARY = "virtuoso-t"
STARTUP_TIMEOUT = 60.0
USER, PASSWORD = "dba", "dba"

INI = """\
[Database]
DatabaseFile = {db}/virtuoso.db
ErrorLogFile = {db}/virtuoso.log
LockFile = {db}/virtuoso.lck
TransactionFile = {db}/virtuoso.trx
xa_persistent_file = {db}/virtuoso.pxa
ErrorLogLevel = 7
FileExtend = 200
Striping = 0
TempStorage = TempDatabase

[TempDatabase]
DatabaseFile = {db}/virtuoso-temp.db
TransactionFile = {db}/virtuoso-temp.trx

[Parameters]
ServerPort = 127.0.0.1:{sql_port}
DisableUnixSocket = 1
CheckpointInterval = 60
CaseMode = 2
DirsAllowed = {db}
NumberOfBuffers = 20000
MaxDirtyBuffers = 15000

[HTTPServer]
ServerPort = 127.0.0.1:{http_port}
ServerRoot = {db}
ServerThreads = 10
MaxClientConnections = 10
Charset = UTF-8
HTTPLogFile = {db}/http.log

[SPARQL]
ResultSetMaxRows = 1000000
MaxQueryExecutionTime = 120
"""

_REQUEST = re.compile(r'"([A-Z]+) (\S+) HTTP/[\d.]+" (\d{3})')


@dataclass(frozen=True)
class Virtuoso:
    base_url: str
    folder: Path
    process: subprocess.Popen[bytes]

    @property
    def gsp_url(self) -> str:
        return self.base_url + "/sparql-graph-crud-auth"

    @property
    def sparql_url(self) -> str:
        return self.base_url + "/sparql"

    def requests(self) -> list[tuple[str, str, int]]:
        """(method, decoded path and query, status) of every HTTP request logged so far. Virtuoso names its
        log file by the day (http.log becomes http07122026.log)."""
        found = []
        for log in sorted(self.folder.glob("http*.log")):
            for match in _REQUEST.finditer(log.read_text(errors="replace")):
                found.append((match.group(1), unquote(match.group(2)), int(match.group(3))))
        return found

    def mark(self, label: str, timeout: float = 20.0) -> int:
        """Send a request naming `label` and wait until Virtuoso has logged it; returns its index in
        `requests()`, so that the requests logged after it are those sent after this call."""
        urllib.request.urlopen(f"{self.sparql_url}?query=ASK%7B%7D&mark={label}", timeout=10).close()
        deadline = time.monotonic() + timeout
        while True:
            logged = [i for i, (_, path, _) in enumerate(self.requests()) if f"mark={label}" in path]
            if logged:
                return logged[0]
            assert time.monotonic() < deadline, f"Virtuoso did not log the request marked {label}"
            time.sleep(0.2)

    def log(self) -> str:
        path = self.folder / "virtuoso.log"
        return path.read_text(errors="replace") if path.exists() else ""


def _online(url: str) -> bool:
    try:
        with urllib.request.urlopen(url + "?query=ASK%7B%7D", timeout=2) as response:
            return response.status == 200
    except (urllib.error.URLError, ConnectionError, TimeoutError, OSError):
        return False


@contextmanager
def running_virtuoso(folder: Path) -> Iterator[Virtuoso]:
    """Virtuoso on a new database in `folder`, answering on a free port of 127.0.0.1."""
    binary = shutil.which(BINARY)
    assert binary, (f"{BINARY} is not installed: the publish tests need OpenLink Virtuoso 7 "
                    f"(apt-get install virtuoso-opensource; .ci/run installs it)")
    folder.mkdir(parents=True, exist_ok=True)
    http_port = free_port()
    ini = folder / "virtuoso.ini"
    ini.write_text(INI.format(db=folder, sql_port=free_port(), http_port=http_port), encoding="utf-8")
    with (folder / "stdout.log").open("wb") as out:
        process = subprocess.Popen([binary, "+foreground", "+configfile", str(ini)], cwd=folder, stdin=subprocess.DEVNULL,
                                   stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
    virtuoso = Virtuoso(f"http://127.0.0.1:{http_port}", folder, process)
    try:
        deadline = time.monotonic() + STARTUP_TIMEOUT
        while not _online(virtuoso.sparql_url):
            assert process.poll() is None, f"Virtuoso exited with {process.returncode}:\n{virtuoso.log()[-3000:]}"
            assert time.monotonic() < deadline, f"Virtuoso did not answer within {STARTUP_TIMEOUT} s:\n{virtuoso.log()[-3000:]}"
            time.sleep(0.3)
        yield virtuoso
    finally:
        _stop(process)


def _stop(process: subprocess.Popen[bytes]) -> None:
    """SIGTERM (Virtuoso shuts down at once), then SIGKILL the process group if it lingers."""
    if process.poll() is not None:
        return
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)

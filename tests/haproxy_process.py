"""Run Debian's HAProxy for a test: one loopback frontend balancing over `kemensos-kg serve` replicas, with
`/healthz` as the health check, taking out of rotation a replica that does not serve the expected generation.
Stopped (SIGTERM, then SIGKILL) when the block ends.

Not a test module: tests and benchmarks import it (`from haproxy_process import running_haproxy`). The
configuration is the one the README's "Scaling out" section shows, with ports and timings for a test.
"""

from __future__ import annotations

import shutil
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from server_process import free_port

BINARY = "haproxy"
SERVED_BY = "X-Served-By"

CONFIG = """\
global
    maxconn 512

defaults
    mode http
    timeout connect 2s
    timeout client 60s
    timeout server 60s
    retries 3
    option redispatch 1
    retry-on conn-failure empty-response

frontend sparql
    bind 127.0.0.1:{port}
    default_backend replicas

backend replicas
    balance roundrobin
    option httpchk GET /healthz
    http-check expect string {generation}
    default-server check inter 200ms fall 1 rise 2
    http-after-response set-header {served_by} %s
{servers}
"""


@dataclass(frozen=True)
class HAProxy:
    base_url: str
    process: subprocess.Popen[bytes]
    config: Path


def haproxy_config(port: int, generation: str, replicas: Sequence[tuple[str, int]]) -> str:
    """A configuration balancing `replicas` ((name, port) pairs) that are healthy on `generation`."""
    servers = "\n".join(f"    server {name} 127.0.0.1:{replica_port}" for name, replica_port in replicas)
    return CONFIG.format(port=port, generation=generation, served_by=SERVED_BY, servers=servers)


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return response.status == 200
    except (urllib.error.URLError, ConnectionError, TimeoutError, OSError):
        return False


@contextmanager
def running_haproxy(folder: Path, generation: str, replicas: Sequence[tuple[str, int]]) -> Iterator[HAProxy]:
    """HAProxy on a free port of 127.0.0.1 in front of `replicas`; yields once it answers /healthz."""
    binary = shutil.which(BINARY) or (f"/usr/sbin/{BINARY}" if Path(f"/usr/sbin/{BINARY}").exists() else None)
    assert binary, f"{BINARY} is not installed: the replica tests need Debian's haproxy (apt-get install haproxy; .ci/run installs it)"
    port = free_port()
    config = folder / "haproxy.cfg"
    config.write_text(haproxy_config(port, generation, replicas), encoding="utf-8")
    checked = subprocess.run([binary, "-c", "-f", str(config)], capture_output=True, text=True, check=False)
    assert checked.returncode == 0, f"haproxy rejects its configuration:\n{checked.stdout}{checked.stderr}"
    log = (folder / "haproxy.log").open("wb")
    process = subprocess.Popen([binary, "-db", "-f", str(config)], stdin=subprocess.DEVNULL, stdout=log,
                               stderr=subprocess.STDOUT, start_new_session=True)
    balancer = HAProxy(f"http://127.0.0.1:{port}", process, config)
    try:
        deadline = time.monotonic() + 20
        while not _answers(balancer.base_url + "/healthz"):
            assert process.poll() is None, f"haproxy exited: {(folder / 'haproxy.log').read_text(errors='replace')}"
            assert time.monotonic() < deadline, "haproxy did not answer within 20 s"
            time.sleep(0.1)
        yield balancer
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=5)
        log.close()

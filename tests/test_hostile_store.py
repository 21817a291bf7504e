"""The store under killed writers and racing readers: a build killed with SIGKILL leaves a generation
that the next serve removes (a lock tells it from a live build's), `kemensos-kg clean` does the same
by hand, and the first `/dump.nq.gz` of a generation has one writer across worker processes."""

from __future__ import annotations

import fcntl
import gzip
import os
import signal
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import requests

from kg.store import generations as kg_store
from server_process import running_server, serve_command

DATA = "<http://ex/a> <http://ex/p> \"one\" <http://ex/g> .\n<http://ex/b> <http://ex/p> \"two\" .\n"


@pytest.fixture
def small_store(tmp_path: Path) -> Path:
    (tmp_path / "data.nq").write_text(DATA, encoding="utf-8")
    kg_store.load_files(tmp_path / "store", [tmp_path / "data.nq"])
    return tmp_path / "store"


def generations(store: Path) -> set[str]:
    return {p.name for p in (store / "generations").iterdir()}


def current(store: Path) -> str:
    return Path(os.readlink(store / "current")).name


def cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*serve_command(), *args], capture_output=True, text=True, timeout=300)


def test_a_build_killed_with_sigkill_is_cleaned_up_by_the_next_serve(small_store: Path) -> None:
    before = current(small_store)
    build = subprocess.Popen([*serve_command(), "build", "--store", str(small_store)], stdout=subprocess.DEVNULL,
                             stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        deadline = time.monotonic() + 120
        while len(generations(small_store)) < 2:  # the build has started writing its generation
            assert build.poll() is None and time.monotonic() < deadline, "the build ended before it was killed"
            time.sleep(0.05)
        time.sleep(0.3)
    finally:
        os.killpg(build.pid, signal.SIGKILL)
        build.wait()
    leftover = small_store / "cache" / "old.nq.tmp"  # what a killed dump writer leaves
    leftover.parent.mkdir(exist_ok=True)
    leftover.write_bytes(b"x" * 1000)
    assert len(generations(small_store)) == 2 and current(small_store) == before
    with running_server(small_store) as server:
        assert generations(small_store) == {before}
        assert not leftover.exists()
        assert "removed 1 stale generation(s) and 1 unfinished file(s)" in server.log()
        reply = requests.get(server.base_url + "/sparql", params={"query": "ASK { ?s ?p ?o }"}, timeout=30)
        assert reply.status_code == 200 and "true" in reply.text


def test_clean_removes_what_dead_writers_left_and_spares_live_ones(small_store: Path) -> None:
    stale = small_store / "generations" / "20000101T000000000000Z-dead00"
    (stale / "sub").mkdir(parents=True)
    (stale / "sub" / "000001.sst").write_bytes(b"\0" * 4096)
    cache = small_store / "cache" / "analyses"
    cache.mkdir(parents=True)
    dead, live = cache / ".a.pickle.1-aa.tmp", cache / ".b.pickle.2-bb.tmp"
    dead.write_bytes(b"dead")
    live.write_bytes(b"live")
    with open(live, "rb") as held:
        fcntl.flock(held, fcntl.LOCK_EX)  # a writer still at work
        with open(small_store / ".build.lock", "ab") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)  # a build still at work: its generation is not stale
            swept = kg_store.sweep(small_store)
            assert swept.writer_alive and swept.generations == [] and stale.exists()
            assert swept.temporary_files == [str(dead)] and live.exists()
    done = cli("clean", "--store", str(small_store))  # the writer has let go of its file: it died
    assert done.returncode == 0, done.stderr
    assert "removed 1 stale generation(s) and 1 unfinished file(s)" in done.stdout
    assert not stale.exists() and not live.exists() and generations(small_store) == {current(small_store)}
    assert "nothing stale" in cli("clean", "--store", str(small_store)).stdout


def test_a_failed_build_leaves_nothing_and_removes_earlier_leftovers(small_store: Path) -> None:
    stale = small_store / "generations" / "20000101T000000000000Z-dead01"
    stale.mkdir()
    bad = small_store.parent / "bad.ttl"
    bad.write_text("this is not turtle", encoding="utf-8")
    with pytest.raises(Exception, match="bad.ttl"):
        kg_store.load_files(small_store, [bad])
    assert generations(small_store) == {current(small_store)}


def test_the_first_dumps_of_a_generation_have_one_writer(small_store: Path) -> None:
    with running_server(small_store, "--workers", "4") as server:
        for _ in range(4):
            for old in (small_store / "cache").glob("*.nq.gz"):
                old.unlink()
            with ThreadPoolExecutor(8) as pool:
                replies = list(pool.map(lambda _: requests.get(server.base_url + "/dump.nq.gz", timeout=60), range(8)))
            assert [r.status_code for r in replies] == [200] * 8
            bodies = {gzip.decompress(r.content) for r in replies}
            assert len(bodies) == 1 and b"<http://ex/a>" in bodies.pop()
        assert not list((small_store / "cache").glob("*.tmp")) and not list((small_store / "cache").glob(".*.tmp"))


if __name__ == "__main__":
    sys.exit(pytest.main([__file__]))

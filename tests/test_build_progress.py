"""`kemensos-kg build` draws its progress on a terminal and prints one summary line anywhere else."""

from __future__ import annotations

import fcntl
import os
import pty
import select
import struct
import termios
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
RELEASES = sorted((ROOT / "corpus" / "dev").glob("*.txt"))[:3]


def _command(store: Path) -> list[str]:
    return [sys.executable, "-m", "kg.cli", "build", *map(str, RELEASES), "--store", str(store), "--jobs", "1"]


def _read_all(fd: int, process: subprocess.Popen[bytes]) -> str:
    """Everything written to the terminal until the process ends (EIO once the last writer closes it)."""
    chunks: list[bytes] = []
    while True:
        ready, _, _ = select.select([fd], [], [], 60)
        if not ready:
            process.kill()
            raise AssertionError("the build wrote nothing for 60 s")
        try:
            chunk = os.read(fd, 65536)
        except OSError:
            break
        if not chunk:
            break
        chunks.append(chunk)
    process.wait(timeout=60)
    return b"".join(chunks).decode("utf-8", "replace")


@pytest.mark.parametrize("rows, columns", [(24, 120), (0, 0)])  # a terminal with a size, and one that reports none
def test_on_a_terminal_the_build_draws_releases_done_rate_and_time_left(tmp_path: Path, rows: int, columns: int) -> None:
    assert len(RELEASES) == 3
    main, secondary = pty.openpty()
    fcntl.ioctl(secondary, termios.TIOCSWINSZ, struct.pack("HHHH", rows, columns, 0, 0))
    process = subprocess.Popen(_command(tmp_path / "store"), cwd=ROOT, stdin=subprocess.DEVNULL,
                               stdout=secondary, stderr=secondary)
    os.close(secondary)
    try:
        screen = _read_all(main, process)
    finally:
        os.close(main)
    assert process.returncode == 0, screen
    for stage in ("analysing", "writing"):
        assert f"{stage}:" in screen, screen
    assert "/3 [" in screen  # releases done of the total
    assert " releases/s]" in screen  # the rate
    assert "<" in screen.split("/3 [", 1)[1]  # elapsed<time left
    assert "writing the shared graphs" in screen
    assert "built " in screen and "from 3 documents" in screen


def test_without_a_terminal_the_build_prints_one_summary_line(tmp_path: Path) -> None:
    done = subprocess.run(_command(tmp_path / "store"), cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""
    lines = done.stdout.splitlines()
    assert len(lines) == 1 and lines[0].startswith("built ") and "from 3 documents" in lines[0]

"""What a killed writer leaves in a store folder, told apart from what a live one is writing.

A build, load or update writes a whole generation under ``.build.lock`` and a cache file (the dump,
a release's analysis) into a temporary file it holds an exclusive ``flock`` on. A process killed
with SIGKILL runs no cleanup, but the kernel drops its locks: so a generation no process holds the
build lock for, other than the one ``current`` names, is stale, and so is a temporary file nobody
holds a lock on. `sweep` removes exactly those; the next build, load or serve runs it, and
``kemensos-kg clean`` runs it by hand. `write_once` is how a cache file gets one writer across
processes: the others wait for it and then read its file.
"""

from __future__ import annotations

import fcntl
import os
import secrets
import shutil
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

TEMP_SUFFIX = ".tmp"


@dataclass
class Swept:
    """What `sweep` removed, and whether a live writer kept it from looking at the generations."""

    generations: list[str] = field(default_factory=list)
    temporary_files: list[str] = field(default_factory=list)
    bytes: int = 0
    writer_alive: bool = False

    def summary(self) -> str:
        if not self.generations and not self.temporary_files:
            return "nothing stale" + (" (a build is running: its generation was left alone)" if self.writer_alive else "")
        return (f"removed {len(self.generations)} stale generation(s) and {len(self.temporary_files)} unfinished "
                f"file(s), {self.bytes / 2**20:.1f} MiB")


def _size(path: Path) -> int:
    if path.is_file() or path.is_symlink():
        return path.lstat().st_size
    return sum(p.lstat().st_size for p in path.rglob("*") if p.is_file())


@contextmanager
def temporary_file(target: Path) -> Iterator[BinaryIO]:
    """A locked temporary file beside `target`, renamed onto it when the block ends normally and
    removed when it raises; `sweep` leaves it alone while this process lives."""
    partial = target.with_name(f".{target.name}.{os.getpid()}-{secrets.token_hex(3)}{TEMP_SUFFIX}")
    with open(partial, "wb") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield handle
            handle.flush()
            os.replace(partial, target)
        except BaseException:
            partial.unlink(missing_ok=True)
            raise


def write_once(target: Path, write: Callable[[BinaryIO], None]) -> bool:
    """Write `target` with `write` unless it exists; one writer across processes, the others wait
    for it (and find the file). True when this call wrote it."""
    with open(target.with_name(f".{target.name}.lock"), "ab") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if target.exists():
            return False
        with temporary_file(target) as handle:
            write(handle)
        return True


def _unheld(path: Path) -> bool:
    """Whether no process holds a lock on the file (its writer finished or died)."""
    try:
        with open(path, "rb") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return True
    except BlockingIOError:
        return False
    except OSError:
        return False


def sweep_temporary_files(folder: Path, swept: Swept) -> None:
    """Remove temporary files under `folder` that no live writer holds."""
    if not folder.is_dir():
        return
    for path in folder.rglob(f"*{TEMP_SUFFIX}"):
        if path.is_file() and not path.is_symlink() and _unheld(path):
            size = path.stat().st_size
            with suppress(FileNotFoundError):
                path.unlink()
                swept.temporary_files.append(str(path))
                swept.bytes += size
    for lock in folder.rglob(".*.lock"):  # `write_once`'s, once its file is gone (an older generation's dump)
        if not lock.with_name(lock.name[1:-len(".lock")]).exists() and _unheld(lock):
            lock.unlink(missing_ok=True)


def sweep_generations(generations: Path, keep: set[str], swept: Swept) -> None:
    """Remove generation folders other than `keep`; the caller holds the build lock."""
    if not generations.is_dir():
        return
    for child in generations.iterdir():
        if child.name not in keep:
            size = _size(child)
            shutil.rmtree(child, ignore_errors=True)
            if not child.exists():
                swept.generations.append(child.name)
                swept.bytes += size


__all__ = ["Swept", "TEMP_SUFFIX", "sweep_generations", "sweep_temporary_files", "temporary_file", "write_once"]

"""The dataset dump (`/dump.nq.gz`, gzipped N-Quads): written once per store generation into the
store's `cache/` folder, and described by its size and SHA-256 for the catalogue, which a harvester
checks its download against."""

from __future__ import annotations

import gzip
import hashlib
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from flask import current_app
from pyoxigraph import RdfFormat, Store, serialize

from kg.query.evaluator import current_generation
from kg.store.leftovers import write_once
from kg.store.merged import visible_quads
from server.context import config

_lock = threading.Lock()


@dataclass(frozen=True)
class DumpFile:
    path: Path
    byte_size: int
    sha256: str  # lower-case hexadecimal


def _write(generation: str, target: Path) -> None:
    def dump(handle: BinaryIO) -> None:
        with gzip.open(handle, "wb") as out:
            serialize(visible_quads(Store.read_only(generation)), out, format=RdfFormat.N_QUADS)

    if not write_once(target, dump):  # one writer across worker processes; the others wait for its file
        return
    for old in target.parent.glob("*.nq.gz"):
        if old != target:
            old.unlink(missing_ok=True)


def dump_file() -> DumpFile | None:
    """The current generation's dump, written if it is not there yet; None for an empty store."""
    generation = current_generation(Path(config().store_dir))
    if not generation:
        return None
    cache_dir = Path(config().store_dir) / "cache"
    cache_dir.mkdir(exist_ok=True)
    target = cache_dir / f"{Path(generation).name}.nq.gz"
    known = current_app.extensions.setdefault("kg_dump", {})
    with _lock:
        if not target.exists():
            _write(generation, target)
        stat = target.stat()
        key = (str(target), stat.st_size, stat.st_mtime_ns)
        if known.get("key") != key:
            digest = hashlib.sha256()
            with target.open("rb") as handle:
                for block in iter(lambda: handle.read(1 << 20), b""):
                    digest.update(block)
            known.update(key=key, file=DumpFile(target, stat.st_size, digest.hexdigest()))
        return known["file"]


__all__ = ["DumpFile", "dump_file"]

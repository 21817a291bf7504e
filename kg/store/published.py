"""What was last published to each target: a digest per named graph, kept in the store folder beside the
generations (`DIR/published/`), so a rebuild, which replaces the generation, keeps it.

One file per target URL. It also lists the graphs an interrupted run had sent, so the next run resumes after
them. A graph's digest is order-independent (a sum of the hashes of its N-Triples lines): two generations that
hold the same triples in a graph have the same digest, however their stores order them.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

from kg.errors import StoreError

FOLDER = "published"
_MODULUS = 1 << 128
SAVE_EVERY = 1.0  # seconds between saves while graphs go out; a kill loses at most this much (re-sent next time)


@dataclass(frozen=True)
class Digest:
    """The content of one graph: an order-independent hash of its triples, and their number."""

    value: str
    triples: int


def digest_ntriples(lines: BinaryIO) -> Digest:
    """The digest of an N-Triples file, one triple per line as pyoxigraph writes it."""
    total, count = 0, 0
    for line in lines:
        if line.strip():
            total = (total + int.from_bytes(hashlib.blake2b(line.rstrip(b"\r\n"), digest_size=16).digest(), "big")) % _MODULUS
            count += 1
    return Digest(f"{total:032x}", count)


@dataclass
class PublishedState:
    """The digests published to one target, and the graphs an unfinished run has sent."""

    path: Path
    target: str
    graphs: dict[str, Digest] = field(default_factory=dict)
    unfinished: set[str] = field(default_factory=set)
    _saved_at: float = 0.0

    @classmethod
    def load(cls, store_dir: Path, target: str) -> PublishedState:
        path = Path(store_dir) / FOLDER / f"{_file_key(target)}.json"
        if not path.exists():
            return cls(path, target)
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            graphs = {iri: Digest(d["digest"], int(d["triples"])) for iri, d in data["graphs"].items()}
            return cls(path, target, graphs, set(data.get("unfinished", [])))
        except (OSError, ValueError, KeyError, TypeError, AttributeError) as exc:
            raise StoreError(f"cannot read what was published to {target} from {path}: {exc}; "
                             f"delete the file to publish every graph again") from exc

    def sent(self, graph: str, digest: Digest) -> None:
        self.graphs[graph] = digest
        self.unfinished.add(graph)
        if time.monotonic() - self._saved_at >= SAVE_EVERY:
            self.save()

    def forget(self, graph: str) -> None:
        """`graph` must be sent again: it is gone from the store, or the target holds other counts."""
        self.graphs.pop(graph, None)
        self.unfinished.discard(graph)

    def finish(self) -> None:
        self.unfinished.clear()
        self.save()

    def save(self) -> None:
        data = {"target": self.target, "unfinished": sorted(self.unfinished),
                "graphs": {iri: {"digest": d.value, "triples": d.triples} for iri, d in sorted(self.graphs.items())}}
        temporary = self.path.with_suffix(".json.tmp")
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            temporary.write_text(json.dumps(data, indent=1) + "\n", encoding="utf-8")
            os.replace(temporary, self.path)
        except OSError as exc:
            raise StoreError(f"cannot record what was published in {self.path}: {exc}") from exc
        self._saved_at = time.monotonic()


def _file_key(target: str) -> str:
    """A file name for a target URL: readable, and unique by a hash of the whole URL."""
    readable = re.sub(r"[^A-Za-z0-9.-]+", "-", re.sub(r"^[a-z]+://", "", target)).strip("-")[:60]
    return f"{readable}-{hashlib.sha256(target.encode('utf-8')).hexdigest()[:12]}"


__all__ = ["FOLDER", "Digest", "PublishedState", "digest_ntriples"]

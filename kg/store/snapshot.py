"""Which store a query reads: an in-memory copy of the current generation when one is loaded,
else the on-disk generation, opened read-only.

The on-disk store is the source of truth; pyoxigraph's in-memory store answers the same queries
4-5 times faster. The copy holds every graph but most of the provenance records (`kg.graph.records`, the
store's default graph), five sixths of a built store that only questions about where a fact comes from
read: it keeps their links (which release and which words name an entity), and a query that may read the
rest (`kg.query.records_reach`) is answered from disk, so the copy's memory follows the facts, not the records.
A copy takes seconds to load at a million triples, so a server starts on the disk store and switches once a copy is ready (`server.wsgi` loads it in the master process, whose
workers then share it copy-on-write). A copy is never served once `current` has moved on: a query
then reads the new generation from disk until a copy of it is loaded.
"""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pyoxigraph import DefaultGraph, NamedNode, RdfFormat, Store

from kg.graph.records import LINK_CLASSES, LINK_PREDICATES, RecordTerms
from kg.graph.vocab import RDF
from kg.store.generations import generation_name
from kg.store.merged import MERGED_GRAPH, folded_dataset, is_merged, plain_dataset


@dataclass(frozen=True)
class Snapshot:
    """An in-memory copy of one generation."""

    generation: str
    store: Store
    quads: int
    seconds: float
    folded: bool = False  # the merge is the copy's default graph (`dump_generation`)
    records: RecordTerms | None = None  # the terms of the record triples the copy left on disk


# Held while the dump's child process is started: a process forked by another thread meanwhile (a server
# worker) would inherit the write end of the pipe by which the child reports a failed exec, and the
# start would wait for its end forever.
_spawning = threading.Lock()
os.register_at_fork(before=_spawning.acquire, after_in_parent=_spawning.release,
                    after_in_child=_spawning.release)


def load_snapshot(store_dir: Path, generation: str) -> Snapshot:
    """Copy `generation`, less most of its records, into memory: a child process dumps it to N-Quads in a
    file, which is parsed here in bulk (in parallel, which a pipe would not allow), with the terms of the
    records beside it. The dump runs elsewhere because a process that has opened RocksDB must not
    fork: its threads and locks do not survive a fork. Only paths are handed to the child, no open files,
    so a worker forked meanwhile holds nothing of it. The dump is parsed leniently (IRIs not validated
    again): it is the store's own output, valid when it went in."""
    started = time.perf_counter()
    memory = Store()
    with tempfile.TemporaryDirectory(prefix="kg-snapshot-") as folder:
        dump, terms, errors = Path(folder) / "dump.nq", Path(folder) / "records.json", Path(folder) / "errors.txt"
        with _spawning:
            child = subprocess.Popen([sys.executable, "-m", "kg.store.snapshot", str(Path(store_dir) / generation),
                                      str(dump), str(terms), str(errors)], stdin=subprocess.DEVNULL,
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        if child.wait() != 0:
            message = errors.read_text(errors="replace").strip() if errors.exists() else f"status {child.returncode}"
            raise OSError(f"dumping {generation} failed: {message[-500:]}")
        memory.bulk_load(path=str(dump), format=RdfFormat.N_QUADS, lenient=True)
        found = json.loads(terms.read_text(encoding="utf-8"))
    records = RecordTerms(frozenset(found["predicates"]), frozenset(found["classes"])) if found else None
    return Snapshot(generation, memory, len(memory), time.perf_counter() - started, found is not None, records)


def dump_generation(path: str, out: str, terms_out: str) -> None:
    """Write one on-disk generation as N-Quads, of the records (the default graph of a store with a merge) only
    the links (`kg.graph.records`), and the predicates and classes of the record triples left out as JSON
    (null for a store without a merge) (`load_snapshot`'s child process). Graph by graph, as N-Triples with the
    graph name put back: pyoxigraph dumps a graph, or a query's triples, without reading the rest.

    The merge is written into the default graph, beside the records' links (the copy is folded,
    `kg.store.merged.folded_dataset`): moved there after loading, it would stay behind as removed quads that
    pyoxigraph's in-memory store keeps in the lists every lookup walks (at 20,000 releases, 2.1 million
    of them)."""
    store = Store.read_only(path)
    built = is_merged(store)  # the records are its default graph
    with open(out, "wb") as handle:
        for graph in [DefaultGraph(), *store.named_graphs()]:
            triples = io.BytesIO()
            if built and graph == DefaultGraph():
                store.query(_RECORD_LINKS).serialize(triples, RdfFormat.N_TRIPLES)
            else:
                store.dump(triples, RdfFormat.N_TRIPLES, from_graph=graph)
            text = triples.getvalue()  # N-Triples escapes line breaks: " .\n" only ends a line
            named = isinstance(graph, NamedNode) and graph != MERGED_GRAPH
            handle.write(text.replace(b" .\n", f" {graph} .\n".encode()) if named else text)
    found = None
    if built:
        found = {"predicates": sorted(r["p"].value for r in store.query(_RECORD_PREDICATES) if r["p"].value not in LINK_PREDICATES),
                 "classes": sorted(r["c"].value for r in store.query(_RECORD_CLASSES)
                                   if isinstance(r["c"], NamedNode) and r["c"].value not in LINK_CLASSES)}
    Path(terms_out).write_text(json.dumps(found), encoding="utf-8")


# queries of the default graph alone (no dataset given: pyoxigraph reads the store's default graph)
_LINKS = " ".join(f"<{p}>" for p in LINK_PREDICATES)
_RECORD_LINKS = (f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ {{ ?s ?p ?o VALUES ?p {{ {_LINKS} }} }} UNION "
                 f"{{ ?s a ?o VALUES ?o {{ {' '.join(f'<{c}>' for c in LINK_CLASSES)} }} BIND (<{RDF.type}> AS ?p) }} }}")
_RECORD_PREDICATES = "SELECT DISTINCT ?p WHERE { ?s ?p ?o }"
_RECORD_CLASSES = "SELECT DISTINCT ?c WHERE { ?s a ?c }"


@dataclass(frozen=True)
class Reading:
    """The store a query reads, and what the evaluator may take as given about it."""

    generation: str
    store: Store
    in_memory: bool
    plain: Mapping[str, Any]  # the dataset of a query that names none (kg.store.merged.plain_dataset), once per generation
    folded: bool = False  # the store's own default graph is not in it (a copy that folded the merge into it)
    records: RecordTerms | None = None  # record triples with these terms are not in it


def _reading(generation: str, store: Store, in_memory: bool, folded: bool = False,
             records: RecordTerms | None = None) -> Reading:
    return Reading(generation, store, in_memory, folded_dataset() if folded else plain_dataset(store), folded,
                   records)


class Stores:
    """The store each query reads, chosen per query: the snapshot if it is of the current generation,
    else the current generation on disk (one read-only handle, reopened when `current` moves)."""

    def __init__(self, store_dir: Path) -> None:
        self.store_dir = Path(store_dir)
        self._dir = str(store_dir)
        self._snapshot_of: Snapshot | None = None
        self._snapshot: Reading | None = None
        self._disk: Reading | None = None

    @property
    def snapshot(self) -> Snapshot | None:
        return self._snapshot_of

    @snapshot.setter
    def snapshot(self, snapshot: Snapshot | None) -> None:
        self._snapshot_of = snapshot
        self._snapshot = (_reading(snapshot.generation, snapshot.store, True, snapshot.folded, snapshot.records)
                          if snapshot else None)

    def generation(self) -> str:
        return generation_name(self._dir)

    def current(self) -> Reading:
        name = generation_name(self._dir)
        if self._snapshot is not None and self._snapshot.generation == name:
            return self._snapshot
        return self.disk(name)

    def disk(self, name: str | None = None) -> Reading:
        """The current generation (`name`, when the caller has just read it) on disk, whatever copy is in memory."""
        name = generation_name(self._dir) if name is None else name
        if self._disk is None or self._disk.generation != name:
            self._disk = None
            self._disk = _reading(name, Store.read_only(str(self.store_dir / name)) if name else Store(), False)
        return self._disk

    def forget_disk(self) -> None:
        """Drop the on-disk handle (a process about to fork must not pass a RocksDB handle on)."""
        self._disk = None

if __name__ == "__main__":
    try:
        dump_generation(sys.argv[1], sys.argv[2], sys.argv[3])
    except Exception as exc:  # noqa: BLE001 - reported to the parent through the file it names
        Path(sys.argv[4]).write_text(f"{type(exc).__name__}: {exc}\n", encoding="utf-8")
        raise SystemExit(1) from exc

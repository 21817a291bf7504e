"""The persistent store: pyoxigraph (RocksDB) generations behind an atomically swapped symlink.

Layout of ``--store DIR``::

    DIR/
      current -> generations/20250101T120000123456Z-3fa9c1     (relative symlink)
      generations/
        20250101T120000123456Z-3fa9c1/                         (a pyoxigraph on-disk Store)
      .build.lock                                              (flock held while building)

Why this layout:

* Readers never see a half-built graph. A build loads a fresh generation completely, drops its
  read-write handle (pyoxigraph has no ``close()``: dropping the last reference closes RocksDB,
  flushing it and releasing its lock), and only then points ``current`` at it by ``os.replace``
  of a temporary symlink: rename(2) is atomic, so ``current`` always names a complete store.
* A failed build costs nothing: any exception before the swap deletes the new generation and
  leaves ``current`` as it was.
* Generation names are a UTC timestamp plus a random suffix, so they sort by age and two builds
  never write into the same directory.
* After the swap older generations are deleted, so the disk holds one copy of the graph. A
  process that opened an old generation (a running server) should reopen ``current``.
* A build killed with SIGKILL leaves its half-written generation behind; the lock tells it from a
  live build's (the kernel drops a dead process's flock), so the next build, load or serve removes
  it (`sweep`; ``kemensos-kg clean`` by hand), and so unfinished files in ``cache/``.
* ``.build.lock`` serialises builds: otherwise one build's cleanup could delete the generation
  another build is still loading.
* Readers resolve ``current`` once and open that generation read-only, so a swap during a long
  query cannot mix the files of two generations.
* The symlink is relative, so the whole store directory can be moved or copied.
"""

from __future__ import annotations

import fcntl
import os
import secrets
import shutil
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import BinaryIO, TypeVar

from pyoxigraph import DefaultGraph, NamedNode, QueryResultsFormat, QueryTriples, RdfFormat, Store, serialize
from rdflib import Dataset

from kg.errors import QueryError, StoreError, query_syntax_error
from kg.graph.vocab import PREFIXES
from kg.store.leftovers import Swept, sweep_generations, sweep_temporary_files
from kg.store.merged import MERGED_GRAPH, for_query, is_merged, merge, merged_size, plain_dataset, visible_quads

GENERATIONS = "generations"
CURRENT = "current"
LOCK = ".build.lock"
CACHE = "cache"  # the analysis cache and the dump; unfinished files there are swept too

#: serialisations of SELECT / ASK results
RESULT_FORMATS: dict[str, QueryResultsFormat] = {
    "json": QueryResultsFormat.JSON,
    "xml": QueryResultsFormat.XML,
    "csv": QueryResultsFormat.CSV,
    "tsv": QueryResultsFormat.TSV,
}
#: serialisations of CONSTRUCT / DESCRIBE results ("xml" means RDF/XML here)
GRAPH_FORMATS: dict[str, RdfFormat] = {
    "ttl": RdfFormat.TURTLE,
    "nt": RdfFormat.N_TRIPLES,
    "jsonld": RdfFormat.JSON_LD,
    "xml": RdfFormat.RDF_XML,
    "trig": RdfFormat.TRIG,
    "nq": RdfFormat.N_QUADS,
}
QUERY_FORMATS: tuple[str, ...] = tuple(dict.fromkeys([*RESULT_FORMATS, *GRAPH_FORMATS]))
DEFAULT_RESULT_FORMAT = "json"
DEFAULT_GRAPH_FORMAT = "ttl"

#: export formats that keep the graph names
DATASET_EXPORT_FORMATS: dict[str, RdfFormat] = {"nq": RdfFormat.N_QUADS, "trig": RdfFormat.TRIG}
#: export formats without graphs: the union of all graphs, merged as a set of triples
TRIPLE_EXPORT_FORMATS: dict[str, RdfFormat] = {
    "ttl": RdfFormat.TURTLE,
    "nt": RdfFormat.N_TRIPLES,
    "jsonld": RdfFormat.JSON_LD,
}
EXPORT_FORMATS: tuple[str, ...] = (*DATASET_EXPORT_FORMATS, *TRIPLE_EXPORT_FORMATS)

# DISTINCT: a triple asserted in several graphs is written once in a triples-only export
_ALL_TRIPLES = "CONSTRUCT { ?s ?p ?o } WHERE { SELECT DISTINCT ?s ?p ?o WHERE { ?s ?p ?o } }"
_MERGED_TRIPLES = "CONSTRUCT WHERE { ?s ?p ?o }"  # the merge is a set already


T = TypeVar("T")


@dataclass(frozen=True)
class StoreSummary:
    """What a build wrote: the generation now behind ``current`` and its size."""

    path: Path
    quads: int
    graphs: int  # named graphs (the default graph is not counted)


def write_store(store_dir: Path, dataset: Dataset) -> StoreSummary:
    """Load ``dataset`` into a new generation, with the merge of its graphs (`kg.store.merged`), and make
    it ``current``; see the module docstring."""

    def fill(store: Store) -> None:
        load_dataset(store, dataset)
        if next(iter(store.named_graphs()), None) is not None:  # with one graph, the default graph is a set already
            merge(store)

    return fill_store(store_dir, fill)[0]


def fill_store(store_dir: Path, fill: Callable[[Store], T]) -> tuple[StoreSummary, T]:
    """Let ``fill`` write into a new, empty generation, then make it ``current``; returns the
    summary and what ``fill`` returned. A ``fill`` that raises leaves the store as it was."""
    store_dir = Path(store_dir)
    current = store_dir / CURRENT
    if current.exists() and not current.is_symlink():
        raise StoreError(f"{current} exists and is not a symlink: {store_dir} is not a kemensos-kg store")
    with _new_generation(store_dir) as path:
        try:
            store = Store(str(path))
        except OSError as exc:
            raise StoreError(f"cannot create a store generation at {path}: {exc}") from exc
        try:
            outcome = fill(store)
            store.flush()
            summary = _summary(path, store)
        finally:
            del store  # closes RocksDB before the generation becomes current (or is deleted)
    return summary, outcome


def generation_name(store_dir: Path | str) -> str:
    """What `current` points at ('' when the store is empty): one readlink, done per query."""
    try:
        return os.readlink(os.path.join(store_dir, CURRENT))
    except OSError:
        return ""


def extend_store(store_dir: Path, generation: str, fill: Callable[[Store], T]) -> tuple[Path, T]:
    """Let ``fill`` add to a copy of ``generation`` (what ``current`` points at, read before; the copy is a
    RocksDB backup: hard links, so cheap), then make the copy ``current``, as `fill_store` does; raises
    StoreError if ``current`` moved meanwhile. Returns the copy's path and what ``fill`` returned: the caller
    counts what it added (counting the store would read all of it, 12 s at 48 million quads)."""
    store_dir = Path(store_dir)
    with _new_generation(store_dir) as path:
        if generation_name(store_dir) != generation:
            raise StoreError(f"{store_dir} changed while the build read it; build again")
        Store.read_only(str(store_dir / generation)).backup(str(path))
        store = Store(str(path))
        try:
            outcome = fill(store)
            store.flush()
        finally:
            del store
    return path, outcome


def modify_store(store_dir: Path, change: Callable[[Store], None]) -> StoreSummary:
    """Apply `change` to a copy of the current generation and make the copy current.

    The copy is a RocksDB backup (hard links, so cheap); readers keep the old generation until the
    swap, and a `change` that raises leaves the store as it was. An empty store starts empty.
    """
    store_dir = Path(store_dir)
    with _new_generation(store_dir) as path:
        if (store_dir / CURRENT).exists():
            Store.read_only(str((store_dir / CURRENT).resolve())).backup(str(path))
        store = Store(str(path))
        change(store)
        if is_merged(store):  # the merge follows the change
            merge(store)
        store.flush()
        summary = _summary(path, store)
        del store  # closes RocksDB before the generation becomes current
    return summary


def load_files(store_dir: Path, files: Sequence[Path], graph: str | None = None,
               base_iri: str | None = None) -> StoreSummary:
    """Bulk-load RDF files (any syntax pyoxigraph knows, by file extension) into the store, into the
    named graph `graph` or the default graph; all files or none. Relative IRIs in the files resolve
    against `base_iri`."""
    for path in files:
        if not Path(path).is_file():
            raise StoreError(f"no such file: {path}")

    def load(store: Store) -> None:
        for path in files:
            fmt = RdfFormat.from_extension(Path(path).suffix.lstrip(".").lower()) if Path(path).suffix else None
            if fmt is None:
                raise StoreError(f"{path}: unknown RDF syntax (use a standard extension: .ttl .nt .nq .trig .rdf .jsonld)")
            target = NamedNode(graph) if graph else DefaultGraph()
            try:
                if fmt.supports_datasets and not graph:
                    store.bulk_load(path=str(path), format=fmt, base_iri=base_iri)
                else:
                    store.bulk_load(path=str(path), format=fmt, to_graph=target, base_iri=base_iri)
            except (SyntaxError, ValueError, OSError) as exc:
                raise StoreError(f"{path}: {exc}") from exc

    return modify_store(store_dir, load)


def load_dataset(store: Store, dataset: Dataset) -> None:
    """Bulk-load an rdflib Dataset into ``store``, keeping each triple in its graph.

    rdflib writes its default graph as N-Quads lines without a graph term, which pyoxigraph
    reads into its DefaultGraph; named graphs keep their names.
    """
    data = dataset.serialize(format="nquads", encoding="utf-8")
    try:
        store.bulk_load(input=data, format=RdfFormat.N_QUADS)
    except (SyntaxError, ValueError, OSError) as exc:
        raise StoreError(f"the dataset could not be loaded into the store: {exc}") from exc


def open_store(store_dir: Path) -> Store:
    """Open the ``current`` generation read-only (readers never lock out a build)."""
    current = Path(store_dir) / CURRENT
    try:
        target = current.resolve(strict=True)
    except (OSError, RuntimeError):  # missing, dangling or looping symlink
        raise StoreError(f"no store at {store_dir}: run `kemensos-kg build --store {store_dir}` first") from None
    try:
        return Store.read_only(str(target))
    except OSError as exc:
        raise StoreError(f"cannot open the store at {store_dir}: {exc}") from exc


def query(store: Store, sparql: str, fmt: str | None = None) -> bytes:
    """Run a SPARQL query over the union of all graphs and serialise its results.

    The default graph is the union of all graphs (a set: `kg.store.merged`), so plain queries see
    everything while ``GRAPH ?g`` still tells graphs apart. ``fmt`` must fit the query form; ``None`` picks
    json for SELECT/ASK and ttl for CONSTRUCT/DESCRIBE. The prefixes of ``kg.graph.vocab.PREFIXES``
    are predeclared.
    """
    try:
        results = store.query(sparql, prefixes=PREFIXES, **for_query(sparql, plain_dataset(store)))
    except SyntaxError as exc:
        raise query_syntax_error("query", sparql, exc) from None
    except OSError as exc:
        raise QueryError(f"query evaluation failed: {exc}") from exc
    if isinstance(results, QueryTriples):
        kind, formats, fmt = "CONSTRUCT/DESCRIBE", GRAPH_FORMATS, fmt or DEFAULT_GRAPH_FORMAT
    else:
        kind, formats, fmt = "SELECT/ASK", RESULT_FORMATS, fmt or DEFAULT_RESULT_FORMAT
    if fmt not in formats:
        raise QueryError(f"format {fmt!r} does not fit a {kind} query; use one of: {', '.join(formats)}")
    try:  # evaluation is lazy: errors (e.g. a failing SERVICE call) surface while serialising
        if isinstance(results, QueryTriples):
            return serialize(results, format=GRAPH_FORMATS[fmt], prefixes=PREFIXES)
        return results.serialize(format=RESULT_FORMATS[fmt])
    except OSError as exc:
        raise QueryError(f"query evaluation failed: {exc}") from exc


def export(store: Store, fmt: str, out: BinaryIO) -> int:
    """Write the store to ``out``; return how many quads (nq, trig) or triples (ttl, nt, jsonld).

    Quad formats keep every graph; triple formats get the union of all graphs, each distinct
    triple once, since those syntaxes have no way to say which graph a triple came from.
    """
    if fmt in DATASET_EXPORT_FORMATS:
        quads = list(visible_quads(store))
        serialize(quads, out, DATASET_EXPORT_FORMATS[fmt], prefixes=PREFIXES)
        return len(quads)
    if fmt in TRIPLE_EXPORT_FORMATS:
        triples = list(store.query(_ALL_TRIPLES, use_default_graph_as_union=True) if not is_merged(store)
                       else store.query(_MERGED_TRIPLES, **plain_dataset(store)))
        serialize(triples, out, TRIPLE_EXPORT_FORMATS[fmt], prefixes=PREFIXES)
        return len(triples)
    raise ValueError(f"unknown export format {fmt!r}; expected one of: {', '.join(EXPORT_FORMATS)}")


def to_rdflib(store: Store) -> Dataset:
    """Copy the store into an rdflib Dataset (graphs kept), for tools that need rdflib, e.g. SHACL."""
    dataset = Dataset()
    dataset.parse(data=serialize(visible_quads(store), format=RdfFormat.N_QUADS), format="nquads")
    return dataset


def count_quads(store: Store) -> int:
    """Number of quads in all graphs, the default graph included (the merge of them all is not counted)."""
    return len(store) - merged_size(store)


def _summary(path: Path, store: Store) -> StoreSummary:
    graphs = sum(1 for g in store.named_graphs() if g != MERGED_GRAPH)
    return StoreSummary(path=path, quads=count_quads(store), graphs=graphs)


def _point_current_at(store_dir: Path, name: str) -> None:
    """Atomically repoint ``current``: a new symlink renamed over the old one."""
    tmp = store_dir / f".{CURRENT}-{name}.tmp"
    try:
        os.symlink(Path(GENERATIONS) / name, tmp)
        os.replace(tmp, store_dir / CURRENT)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def _remove_generations_except(generations: Path, keep: str) -> None:
    """Delete superseded (and crashed) generations; a leftover is retried by the next build."""
    sweep_generations(generations, {keep}, Swept())


def _current_name(store_dir: Path) -> str | None:
    try:
        return Path(os.readlink(store_dir / CURRENT)).name
    except OSError:
        return None


def _sweep_locked(store_dir: Path, swept: Swept) -> None:
    """With the build lock held: every generation but the current one is stale, and so is a
    half-made `current` symlink."""
    sweep_generations(store_dir / GENERATIONS, {_current_name(store_dir) or ""}, swept)
    for link in store_dir.glob(f".{CURRENT}-*.tmp"):
        link.unlink(missing_ok=True)


def sweep(store_dir: Path) -> Swept:
    """Remove what killed builds, loads and dump writers left in the store (`kg.store.leftovers`):
    generations other than the current one when no build holds the lock, and unfinished files in
    `cache/` no live process holds."""
    store_dir = Path(store_dir)
    swept = Swept()
    if (store_dir / GENERATIONS).is_dir():
        with open(store_dir / LOCK, "ab") as handle:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                swept.writer_alive = True
            else:
                _sweep_locked(store_dir, swept)
    sweep_temporary_files(store_dir / CACHE, swept)
    return swept


@contextmanager
def _new_generation(store_dir: Path) -> Iterator[Path]:
    """A fresh generation directory that becomes `current` when the block ends normally and is
    deleted when it raises; superseded generations are removed after the swap."""
    generations = Path(store_dir) / GENERATIONS
    try:
        generations.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise StoreError(f"cannot create the store at {store_dir}: {exc}") from exc
    with _build_lock(store_dir):
        _sweep_locked(Path(store_dir), Swept())  # what killed writers left: gone even if this one fails
        name = f"{datetime.now(UTC):%Y%m%dT%H%M%S%fZ}-{secrets.token_hex(3)}"
        path = generations / name
        try:
            yield path
            _point_current_at(Path(store_dir), name)
        except BaseException:
            shutil.rmtree(path, ignore_errors=True)
            raise
        _remove_generations_except(generations, name)


@contextmanager
def _build_lock(store_dir: Path) -> Iterator[None]:
    """Hold an exclusive flock on ``DIR/.build.lock``; fail fast if another build holds it."""
    with open(store_dir / LOCK, "ab") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise StoreError(f"another build is writing to {store_dir}; retry when it has finished") from None
        yield  # the lock goes with the file handle


__all__ = [
    "StoreSummary", "Swept", "sweep", "write_store", "fill_store", "extend_store", "generation_name", "modify_store", "load_files", "load_dataset", "open_store", "query", "export", "to_rdflib",
    "count_quads", "RESULT_FORMATS", "GRAPH_FORMATS", "QUERY_FORMATS", "EXPORT_FORMATS",
    "DATASET_EXPORT_FORMATS", "TRIPLE_EXPORT_FORMATS", "DEFAULT_RESULT_FORMAT", "DEFAULT_GRAPH_FORMAT",
]

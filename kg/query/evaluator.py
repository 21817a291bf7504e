"""Running SPARQL in a child process that can be killed.

pyoxigraph cannot cancel a query: `Store.query()` has no timeout, and evaluation runs in Rust with
the GIL released, so no Python signal reaches it. Each `Evaluator` therefore owns one child process
that opens the current store generation read-only, evaluates one query at a time and writes the
serialised result to a spool (in memory while small, then a temporary file). At the deadline the
parent kills the child and starts a fresh one; the caller gets `QueryTimeout` and the store is
untouched. A child that dies while evaluating (pyoxigraph crashing on a query) costs that query alone:
its caller gets an `EvaluationError` naming the signal, and the next query starts a fresh child. A
child is also replaced when the store's `current` generation changes (a rebuild).
"""

from __future__ import annotations

import multiprocessing
import os
import re
import signal
import tempfile
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

from pyoxigraph import DefaultGraph, NamedNode, QueryTriples, Store

from kg.errors import KGError, QueryError, query_syntax_error
from kg.graph.vocab import PREFIXES
from kg.query.records_reach import reaches_records
from kg.query.results import GRAPH_FORMATS, SOLUTION_FORMATS, write_fast, write_results
from kg.store.merged import for_query, is_merged, plain_dataset
from kg.store.snapshot import Reading, Stores

SPOOL_IN_MEMORY = 1 << 20  # results up to 1 MiB travel through the pipe; larger ones through a file

# strings, IRIs and comments are skipped; a FROM keyword outside them means the query names its dataset
_LEXEMES = re.compile(
    r'"""(?:[^"\\]|\\.|"(?!""))*"""'
    r"|'''(?:[^'\\]|\\.|'(?!''))*'''"
    r'|"(?:[^"\\\n]|\\.)*"'
    r"|'(?:[^'\\\n]|\\.)*'"
    r'|<[^<>"{}|^`\\\s]*>'
    r"|#[^\n]*"
    r"|(?<![\w?$:])(?P<from>FROM)(?![\w:])",
    re.IGNORECASE,
)


def names_its_dataset(query: str) -> bool:
    """Whether the query has FROM / FROM NAMED: then its own dataset applies, not the union default."""
    return any(m.group("from") for m in _LEXEMES.finditer(query))


class QueryTimeout(KGError):
    """The query ran past the configured limit and was stopped."""


class EvaluationError(KGError):
    """The query is valid but evaluating it failed (e.g. a SERVICE endpoint did not answer)."""


class ServiceFailed(EvaluationError):
    """An allowed SERVICE endpoint did not answer usefully (down, redirecting, bad results)."""


class NotAcceptable(KGError):
    """The result form (solutions or graph) has no format the client accepts."""


@dataclass(frozen=True)
class QueryJob:
    """One query and how to answer it. Formats are names from kg.query.results, one per result family:
    the query form is only known once it is parsed, so the caller says what it would accept for each."""

    query: str
    solutions_format: str | None = "json"
    graph_format: str | None = "ttl"
    default_graphs: tuple[str, ...] = ()  # "" is the store's own default graph
    named_graphs: tuple[str, ...] = ()
    max_rows: int = 100_000
    base_iri: str | None = None  # relative IRIs in the query resolve against it (the endpoint URL)


@dataclass
class QueryResult:
    """A finished query: its serialised bytes (or a spool file to stream and delete) and figures for the log."""

    form: str
    format_name: str
    media_type: str
    rows: int
    truncated: bool
    seconds: float
    body: bytes | None = None
    path: str | None = None
    size: int = 0
    extra: dict[str, Any] = field(default_factory=dict)

    def chunks(self, size: int = 1 << 16):  # type: ignore[no-untyped-def]
        """The result body in pieces; a spool file is removed once read."""
        if self.body is not None:
            yield self.body
            return
        assert self.path is not None
        try:
            with open(self.path, "rb") as handle:
                while piece := handle.read(size):
                    yield piece
        finally:
            os.unlink(self.path)


class _Spool:
    """Bytes in memory until they pass a threshold, then a named temporary file."""

    def __init__(self, directory: str | None) -> None:
        self.directory = directory
        self.memory = bytearray()
        self.file: Any = None

    def write(self, data: bytes) -> int:
        if self.file is None and len(self.memory) + len(data) > SPOOL_IN_MEMORY:
            self.file = tempfile.NamedTemporaryFile(dir=self.directory, prefix="kg-result-", delete=False)
            self.file.write(self.memory)
            self.memory = bytearray()
        if self.file is not None:
            return self.file.write(data)
        self.memory += data
        return len(data)

    def flush(self) -> None:  # pyoxigraph's serialisers flush what they write to
        if self.file is not None:
            self.file.flush()

    def discard(self) -> None:
        if self.file is not None:
            self.file.close()
            os.unlink(self.file.name)

    def finish(self, result: QueryResult) -> None:
        """Hand the bytes (or the closed file, to be streamed and deleted) to `result`."""
        if self.file is not None:
            self.file.close()
            result.path, result.size = self.file.name, os.path.getsize(self.file.name)
        else:
            result.body, result.size = bytes(self.memory), len(self.memory)


def evaluate(store: Store, job: QueryJob, spool_dir: str | None = None,
             plain: Mapping[str, Any] | None = None) -> QueryResult:
    """Evaluate `job` on `store` in this process and serialise its result to a spool. `plain` is
    `kg.store.merged.plain_dataset(store)` (the dataset of a query that names none), if known.

    Raises QueryError (bad syntax), NotAcceptable (no format for the result form) or EvaluationError."""
    started = time.perf_counter()
    kwargs: dict[str, Any] = {"prefixes": PREFIXES, "base_iri": job.base_iri}
    if job.default_graphs:
        kwargs["default_graph"] = [NamedNode(g) if g else DefaultGraph() for g in job.default_graphs]
    if job.named_graphs:
        kwargs["named_graphs"] = [NamedNode(g) for g in job.named_graphs]
    if not (job.default_graphs or job.named_graphs or names_its_dataset(job.query)):
        kwargs.update(for_query(job.query, plain if plain is not None else plain_dataset(store)))
    elif job.default_graphs and not job.named_graphs and is_merged(store):  # the merge is no graph of the dataset
        kwargs["named_graphs"] = (plain if plain is not None else plain_dataset(store))["named_graphs"]
    try:
        results = store.query(job.query, **kwargs)
        is_graph = isinstance(results, QueryTriples)
        name = job.graph_format if is_graph else job.solutions_format
        if name is None:
            raise NotAcceptable(f"no acceptable format for {'graph' if is_graph else 'SELECT/ASK'} results")
        fmt = (GRAPH_FORMATS if is_graph else SOLUTION_FORMATS)[name]
        spool = _Spool(spool_dir)
        written = write_fast(results, fmt, spool, job.max_rows)
        if written is None:  # more rows than the cap, or too large to count cheaply: the capped writer
            spool.discard()
            spool = _Spool(spool_dir)
            written = write_results(store.query(job.query, **kwargs), fmt, spool, job.max_rows)
    except SyntaxError as exc:
        raise query_syntax_error("query", job.query, exc) from None
    except (NotAcceptable, QueryError):
        raise
    except Exception as exc:  # noqa: BLE001 - e.g. a SERVICE endpoint that did not answer
        raise EvaluationError(f"query evaluation failed: {type(exc).__name__}: {exc}") from exc
    result = QueryResult(written.form, fmt.name, fmt.media_type, written.rows, written.truncated,
                         time.perf_counter() - started)
    spool.finish(result)
    return result


def _child(conn: Connection, generation: str, spool_dir: str | None) -> None:
    """The child's loop: open the store read-only once, then answer jobs until the pipe closes."""
    store = Store.read_only(generation) if generation else Store()
    while True:
        try:
            job: QueryJob = conn.recv()
        except EOFError:
            return
        try:
            conn.send(("result", evaluate(store, job, spool_dir)))
        except KGError as exc:
            conn.send(("error", exc))


def in_the_copy(job: QueryJob, reading: Reading) -> bool:
    """Whether the in-memory copy `reading` holds all that `job` may read: not when the query names the
    store's own default graph (a folded copy holds the merge there too) or may read the records the copy
    left out."""
    if reading.folded and "" in job.default_graphs:
        return False
    if reading.records is None:
        return True
    return not reaches_records(job.query, reading.records, PREFIXES, job.base_iri)


class InlineEvaluator:
    """Evaluates in the calling process, on the in-memory snapshot when it is current, else on disk.

    It has no time limit of its own, since nothing can stop a pyoxigraph query but ending its process:
    the process using it must be one that can be ended, like a server worker (`server.watchdog`)."""

    def __init__(self, stores: Stores, spool_dir: str | None = None) -> None:
        self.stores = stores
        self.spool_dir = spool_dir

    def run(self, job: QueryJob) -> QueryResult:
        reading = self.stores.current()
        if reading.in_memory and not in_the_copy(job, reading):
            reading = self.stores.disk()
        return evaluate(reading.store, job, self.spool_dir, reading.plain)

    def warm(self) -> None:
        self.stores.current()

    def close(self) -> None:
        self.stores.forget_disk()


def current_generation(store_dir: Path) -> str:
    """The resolved path of the store's current generation ('' for an empty in-memory store)."""
    current = store_dir / "current"
    return str(current.resolve()) if current.exists() else ""


class Evaluator:
    """One killable child process answering queries against the current store generation."""

    def __init__(self, store_dir: Path, timeout: float, spool_dir: str | None = None) -> None:
        self.store_dir = store_dir
        self.timeout = timeout
        self.spool_dir = spool_dir
        self._lock = threading.Lock()
        self._process: multiprocessing.process.BaseProcess | None = None
        self._conn: Connection | None = None
        self._generation = ""

    def _start(self) -> None:
        ctx = multiprocessing.get_context("spawn")
        parent, child = ctx.Pipe()
        self._generation = current_generation(self.store_dir)
        process = ctx.Process(target=_child, args=(child, self._generation, self.spool_dir), daemon=True)
        try:
            process.start()
        except BaseException:
            parent.close()
            raise
        finally:
            child.close()
        self._process, self._conn = process, parent

    def _stop(self) -> None:
        if self._process is not None and self._process.pid is not None:
            self._process.kill()
            self._process.join(5)
        if self._conn is not None:
            self._conn.close()
        self._process, self._conn = None, None

    def close(self) -> None:
        with self._lock:
            self._stop()

    @property
    def pid(self) -> int | None:
        """The evaluating process, while there is one."""
        process = self._process
        return process.pid if process is not None and process.is_alive() else None

    def _ended(self) -> str:
        """How the child ended, once it has: by a signal (named) or with an exit status."""
        assert self._process is not None
        self._process.join(5)
        code = self._process.exitcode
        if code is not None and code < 0:
            return f"was ended by {signal.Signals(-code).name}"
        return f"exited with status {code}" if code is not None else "stopped answering"

    def _ensure_started(self) -> None:
        if self._process is None or not self._process.is_alive() or current_generation(self.store_dir) != self._generation:
            self._stop()
            self._start()

    def warm(self) -> None:
        """Start the child now rather than on the first query (a start costs a few tenths of a second)."""
        with self._lock:
            self._ensure_started()

    def run(self, job: QueryJob) -> QueryResult:
        """Evaluate `job`; raise QueryError (bad query), QueryTimeout, EvaluationError or NotAcceptable."""
        with self._lock:
            self._ensure_started()
            assert self._conn is not None
            started = time.perf_counter()
            self._conn.send(job)
            if not self._conn.poll(self.timeout):
                self._stop()
                raise QueryTimeout(f"query stopped after the {self.timeout:g} s time limit")
            try:
                reply = self._conn.recv()
            except (EOFError, OSError) as exc:
                ended = self._ended()
                self._stop()
                raise EvaluationError(f"the process evaluating this query {ended}; other queries are not "
                                      "affected") from exc
            seconds = time.perf_counter() - started
        kind, value = reply
        if kind == "error":
            raise value
        result: QueryResult = value
        result.seconds = seconds
        return result

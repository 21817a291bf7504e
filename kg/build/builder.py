"""The build: press releases in, a new store generation out, on every core and in memory that does
not grow with the corpus.

Two passes over the documents, each spread over worker processes (`kg.build.workers`):

1. survey: read each document, analyse it (or take its analysis from the cache), leave the analysis
   in the cache and keep a small `Survey` of it (`kg.build.survey`);
2. emit: with the people merged across documents and the organisation of every post known, read each
   analysis back, render it, derive and validate its share, and stream its quads into the new
   generation in batches (`kg.build.emit`, `kg.store.loader`).

The shared graphs (ontology, reference data, what is derived from them, the balai that became sentra)
are written last, and the nodes documents share are validated once, against what every document said
about them (`kg.validate.conformance`). A violation anywhere fails the build before the new generation becomes
current. The quads are those `kg.build.dataset.build_dataset` builds in memory (`tests/test_build.py`).

When all that changed since the last build is new documents, the new generation is a copy of the current
one with theirs added, and only they are emitted (`kg.build.incremental`).
"""

from __future__ import annotations

import os
from collections.abc import Generator, Iterator, Sequence
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path

from pyoxigraph import NamedNode, Store
from rdflib import Graph

from kg.build import emit, progress, workers
from kg.build.cache import AnalysisCache, pipeline_fingerprint
from kg.build.incremental import BuildState, Kept, described, shared_digest
from kg.build.inputs import gather_inputs, prune_sources
from kg.build.survey import Survey, survey
from kg.errors import DocumentError, ValidationError
from kg.extract.document import MAX_BYTES, read_document
from kg.extract.pipeline import analyse
from kg.graph import iri
from kg.graph.ntriples import Triple, nquads, term
from kg.graph.vocab import DERIVED_GRAPH, ONTOLOGY_GRAPH, REFERENCE_GRAPH
from kg.rdf.derive import Entailment, changing_organisations, organisation_changes, post_organisations
from kg.rdf.resolution import person_merges
from kg.reference.graph import reference_graph
from kg.store.generations import StoreSummary, extend_store, fill_store, generation_name
from kg.store.loader import QuadLoader
from kg.store.merged import graph_size
from kg.validate.conformance import Conformance, shapes_digest
from kg.validate.shacl import load_ontology

_DERIVED = NamedNode(str(DERIVED_GRAPH))
#: documents in flight in the emit pass per worker: bounds the quads waiting for the store
IN_FLIGHT_PER_JOB = 8
#: documents whose violation reports a failed build prints in full
REPORTED_DOCUMENTS = 20


@dataclass(frozen=True)
class BuildResult:
    documents: int
    extracted: int
    unchanged: int
    store: StoreSummary
    inputs: int = 0  # files and pages given, copies included
    duplicates: tuple[tuple[str, str], ...] = ()  # (input, the earlier input with the same bytes), left out
    kept: int = 0  # documents whose quads were kept from the previous generation (`kg.build.incremental`)

    def summary(self, store_dir: Path, seconds: float) -> str:
        """The one line a build prints: what it wrote, from what, and what it left out as a copy."""
        kept = f"; {self.kept} kept from the previous generation" if self.kept else ""
        line = (f"built {self.store.quads} quads in {self.store.graphs} graphs from {self.documents} documents "
                f"({self.extracted} extracted, {self.unchanged} unchanged{kept}) into {store_dir} ({seconds:.1f} s)")
        if self.duplicates:
            copy, original = self.duplicates[0]
            line += (f"; {self.inputs} inputs, {len(self.duplicates)} of them copies of an earlier one, left out "
                     f"(first: {copy} = {original})")
        return line


def default_jobs() -> int:
    return len(os.sched_getaffinity(0))


#: surveys of the documents the last build wrote, by analysis key (set before the workers are forked)
_known: dict[str, Kept] = {}


def _survey(cache_folder: Path, max_bytes: int, path: Path) -> Survey:
    """Analyse one document (unless the cache has it) and leave the analysis in the cache; a document the
    last build wrote, with the same bytes, is surveyed as it was then."""
    cache = AnalysisCache(cache_folder)
    doc = read_document(path, max_bytes)
    key = cache.key(doc.raw.encode("utf-8"))
    kept = _known.get(key)
    if kept is not None and (cache_folder / f"{key}.pickle").exists():
        return kept.survey(doc.path, doc.slug)
    analysis = cache.load(key)
    extracted = analysis is None
    if analysis is None:
        analysis = analyse(doc)
        cache.save(key, analysis)
    return survey(doc, analysis, key, extracted)


def _surveys(paths: Sequence[Path], cache: AnalysisCache, jobs: int, max_bytes: int,
             state: BuildState | None) -> list[Survey]:
    global _known
    found: list[Survey] = []
    slugs: dict[str, Path] = {}
    _known = state.surveys_by_key() if state else {}
    pool = workers.pool(jobs)
    try:
        analysed = workers.ordered(pool, partial(_survey, cache.folder, max_bytes), paths)
        for item in progress.track(analysed, len(paths), "analysing"):
            if item.slug in slugs:
                raise DocumentError(f"{item.path} and {slugs[item.slug]} would both be {iri.document(item.slug)}")
            slugs[item.slug] = item.path
            cache.record(item.key, not item.extracted)
            found.append(item.interned())
    finally:
        _known = {}
        if pool is not None:
            pool.terminate()
    cache.prune()
    return found


def _triples(graph: Graph) -> list[Triple]:
    return [(term(s), term(p), term(o)) for s, p, o in graph]


def _context(surveys: list[Survey], cache: AnalysisCache) -> tuple[emit.EmitContext, bytes]:
    """What every document's emission needs, and the quads of the shared graphs."""
    ontology_graph = load_ontology()
    ontology, reference = _triples(ontology_graph), _triples(reference_graph(Graph()))
    post_org = post_organisations(reference)
    organisations = changing_organisations(reference)
    for item in surveys:
        post_org.update(item.posts)
        organisations.update(item.organisations)
    derived = Entailment(ontology_graph).derive(reference, post_org) | organisation_changes(organisations)
    shared = [*ontology, *reference, *derived]
    quads = (nquads(ontology, term(ONTOLOGY_GRAPH)) + nquads(reference, term(REFERENCE_GRAPH)) + nquads(derived, emit.DERIVED)
             + nquads(shared, emit.MERGED))
    merges = person_merges(s.people for s in surveys)
    return emit.EmitContext(cache.folder, merges, post_org, shared), quads.encode("utf-8")


@dataclass
class _Outcome:
    """What the emit pass found: violations by document, and the shared triples documents handed on."""

    violations: int = 0
    failed: list[tuple[str, str]] = field(default_factory=list)  # (slug, report), the first few
    failing_documents: int = 0
    shared: set[Triple] = field(default_factory=set)
    own: int = 0  # quads the documents alone wrote (their graphs and records)

    def add(self, emitted: emit.Emitted) -> None:
        self.shared |= emitted.shared
        self.own += emitted.own
        if emitted.violations:
            self.violations += emitted.violations
            self.failing_documents += 1
            if len(self.failed) < REPORTED_DOCUMENTS:
                self.failed.append((emitted.slug, emitted.report))

    def error(self, shared_report: str) -> ValidationError:
        parts = [f"{iri.document(slug)}:\n{report}" for slug, report in sorted(self.failed)]
        if self.failing_documents > len(self.failed):
            parts.append(f"... and {self.failing_documents - len(self.failed)} more document(s) with violations")
        if shared_report:
            parts.append(f"nodes several documents describe, and the shared graphs:\n{shared_report}")
        return ValidationError(f"the built graph does not conform to the shapes: {self.violations} violation(s)",
                               "\n\n".join(parts))


def _write(target: Store, results: Iterator[emit.Emitted], total: int, shared_quads: bytes | None,
           context: emit.EmitContext) -> _Outcome:
    """Stream the documents' quads and the shared graphs (None: `target` has them) into `target`; raise if
    anything violates the shapes."""
    outcome = _Outcome()
    with QuadLoader(target) as loader:
        for emitted in progress.track(results, total, "writing"):
            outcome.add(emitted)
            if not outcome.violations:  # a failing build is not kept: stop writing, keep checking
                loader.add(emitted.nquads)
        if shared_quads is not None:
            progress.note("writing the shared graphs")
            loader.add(shared_quads)
    conformance = Conformance(context.shared)
    if shared_quads is None:  # adding to a generation: the shared nodes the new documents describe
        nodes = {s for s, _, _ in outcome.shared}
        shared = conformance.shared_nodes([*outcome.shared, *described(target, nodes, conformance.shapes.predicates)],
                                          nodes)
    else:
        shared = conformance.shared(outcome.shared)
    if outcome.violations or not shared.conforms:
        outcome.violations += shared.violations
        raise outcome.error(shared.text)
    return outcome


def build_store(inputs: Sequence[str | Path], store_dir: Path, sources_dir: Path | None, cache: AnalysisCache,
                jobs: int | None = None, max_input_bytes: int = MAX_BYTES) -> BuildResult:
    """Build the given files, folders and URLs (default: the bundled corpus) into a new generation
    of the store at `store_dir`, over `jobs` processes (default: every core this process may use).
    Once it is current, pages `sources_dir` kept for releases no longer built are removed."""
    gathered = gather_inputs(inputs, sources_dir, max_input_bytes)
    paths = gathered.documents
    jobs = min(max(1, jobs or default_jobs()), len(paths))
    state_folder = cache.folder.parent
    state = BuildState.load(state_folder)
    surveys = _surveys(paths, cache, jobs, max_input_bytes, state)
    context, shared_quads = _context(surveys, cache)
    digest, generation = shared_digest(shared_quads, shapes_digest()), generation_name(store_dir)
    added = (state.additions(surveys, context.merges, context.post_org, digest, pipeline_fingerprint(), generation)
             if state else None)
    BuildState.clear(state_folder)  # a build that fails, or is killed, leaves no state to trust
    emitted = surveys if added is None else added
    # workers are forked before the store is opened: a child never inherits RocksDB's threads or locks
    pool = workers.pool(min(jobs, max(1, len(emitted))), emit.start, (context,))
    results = (workers.bounded(pool, emit.emit, emitted, IN_FLIGHT_PER_JOB * jobs) if pool is not None
               else map(emit.Emitter(context).emit, emitted))
    try:
        if added is None:
            summary, _ = fill_store(store_dir, lambda target: _write(target, results, len(emitted), shared_quads,
                                                                      context))
        else:
            assert state is not None

            def add_to(target: Store) -> int:
                """Write the new documents; how many quads they added (those of the derived graph counted)."""
                before = graph_size(target, _DERIVED)
                return _write(target, results, len(emitted), None, context).own + graph_size(target, _DERIVED) - before

            path, added_quads = extend_store(store_dir, generation, add_to)
            summary = StoreSummary(path, state.quads + added_quads, state.graphs + len(emitted))
    finally:
        if isinstance(results, Generator):
            results.close()
        if pool is not None:
            pool.terminate()
    if sources_dir is not None:
        prune_sources(sources_dir, gathered)
    BuildState(generation_name(store_dir), pipeline_fingerprint(), digest, context.merges, context.post_org,
               {s.slug: Kept(s.key, s.people, s.posts, s.organisations) for s in surveys},
               summary.quads, summary.graphs).save(state_folder)
    extracted = sum(1 for s in surveys if s.extracted)
    return BuildResult(len(surveys), extracted, len(surveys) - extracted, summary, gathered.given,
                       tuple(gathered.duplicates), len(surveys) - len(emitted))


__all__ = ["BuildResult", "build_store", "default_jobs"]

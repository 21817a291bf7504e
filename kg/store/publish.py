"""Publish the store to another SPARQL store, one named graph at a time (`kemensos-kg publish`).

Each graph of the current generation is written to a temporary N-Triples file (pyoxigraph streams it: the
graph is never held in memory) and sent with a Graph Store `PUT`, which replaces the graph at the target, so
publishing twice changes nothing. Afterwards one `COUNT` per hundred graphs at the target's query endpoint
checks that it holds as many triples in each graph as the store. `MERGED_GRAPH` is not sent: it is this
store's derived copy of the union, and a target keeps its own default graph. A built store's default graph,
the provenance records, is sent as the named graph `RECORDS_GRAPH`; any other store's default graph is refused.

What was sent is recorded per graph (`kg.store.published`): `changed_only` skips the graphs whose content
is what the target was last sent, a run that fails half-way says what it sent and what not, and the next run
skips what the failed one had sent. Graphs published before that are no longer in the store are deleted at
the target, and only those: a graph this store never sent is left alone.
"""

from __future__ import annotations

import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from pyoxigraph import DefaultGraph, NamedNode, RdfFormat, Store

from kg.errors import StoreError
from kg.graph.vocab import RECORDS_GRAPH
from kg.store.generations import CURRENT
from kg.store.gsp import PublishError, Target
from kg.store.merged import MERGED_GRAPH, is_merged
from kg.store.published import Digest, PublishedState, digest_ntriples

LISTED = 10  # graphs named in a message before "and N more"
RECORDS = str(RECORDS_GRAPH)  # a built store's default graph, as the target names it


@dataclass
class PublishReport:
    """What one run did, graph by graph."""

    generation: str
    graphs: int
    sent: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    deleted: list[str] = field(default_factory=list)
    triples_sent: int = 0
    seconds: float = 0.0

    def summary(self) -> str:
        rate = f", {self.triples_sent / self.seconds:,.0f} triples/s" if self.sent and self.seconds else ""
        return (f"published generation {self.generation}: sent {len(self.sent)} of {self.graphs} graphs "
                f"({self.triples_sent} triples), {len(self.unchanged)} unchanged, {len(self.deleted)} deleted, "
                f"counts verified ({self.seconds:.1f} s{rate})")


def publish(store_dir: Path, target: Target, changed_only: bool = False,
            say: Callable[[str], None] = lambda line: None) -> PublishReport:
    """Send the current generation's named graphs to `target`; `say` hears one line per graph. Raises
    PublishError, saying what was sent and what not, when a request fails or the counts differ."""
    started = time.perf_counter()
    store, generation = _open_current(Path(store_dir))
    built = is_merged(store)
    graphs = sorted([g.value for g in store.named_graphs() if g != MERGED_GRAPH] + ([RECORDS] if built else []))
    if not built:
        _refuse_default_graph(store)
    state = PublishedState.load(store_dir, target.gsp_url)
    resumed = set(state.unfinished)
    report = PublishReport(generation, len(graphs))
    with tempfile.TemporaryDirectory(prefix="kg-publish-") as folder:
        for position, graph in enumerate(graphs):
            path = Path(folder) / "graph.nt"
            digest = _dump(store, graph, path)
            if state.graphs.get(graph) == digest and (changed_only or graph in resumed):
                report.unchanged.append(graph)
                continue
            try:
                with path.open("rb") as body:
                    target.put(graph, body)
            except PublishError as exc:
                state.save()
                raise PublishError(_failure(exc, report, graphs[position:])) from exc
            state.sent(graph, digest)
            report.sent.append(graph)
            report.triples_sent += digest.triples
            say(f"sent <{graph}> ({digest.triples} triples)")
    present = set(graphs)
    for graph in sorted(set(state.graphs) - present):
        try:
            target.delete(graph)
        except PublishError as exc:
            state.save()
            raise PublishError(f"{exc}; every graph was sent, but <{graph}>, published before and no longer in "
                               f"the store, is still at the target: run the command again") from exc
        state.forget(graph)
        report.deleted.append(graph)
        say(f"deleted <{graph}> (no longer in the store)")
    _verify(target, state, graphs)
    state.finish()
    report.seconds = time.perf_counter() - started
    return report


def _open_current(store_dir: Path) -> tuple[Store, str]:
    """The current generation, resolved once, so a build that swaps `current` meanwhile changes nothing here."""
    try:
        path = (store_dir / CURRENT).resolve(strict=True)
        return Store.read_only(str(path)), path.name
    except (OSError, RuntimeError):
        raise StoreError(f"no store at {store_dir}: run `kemensos-kg build --store {store_dir}` first") from None


def _refuse_default_graph(store: Store) -> None:
    """A Graph Store target's default graph is its own (often the union of its graphs): triples of this
    store's default graph would be mixed into it, so they are refused before anything is sent."""
    held = sum(1 for _ in store.quads_for_pattern(None, None, None, DefaultGraph()))
    if held:
        raise PublishError(f"the store's default graph holds {held} triples, which a Graph Store target cannot keep "
                           f"apart from its own: load them into a named graph (kemensos-kg load --graph IRI)")


def _dump(store: Store, graph: str, path: Path) -> Digest:
    with path.open("wb") as out:
        store.dump(out, RdfFormat.N_TRIPLES, from_graph=DefaultGraph() if graph == RECORDS else NamedNode(graph))
    with path.open("rb") as lines:
        return digest_ntriples(lines)


def _verify(target: Target, state: PublishedState, graphs: list[str]) -> None:
    """Every graph, sent now or before, holds at the target as many triples as in the store; one that does
    not is forgotten, so the next run sends it again."""
    held = target.counts(graphs)
    wrong = [g for g in graphs if held[g] != state.graphs[g].triples]
    if wrong:
        details = "; ".join(f"<{g}>: {held[g]} at the target, {state.graphs[g].triples} in the store"
                            for g in wrong[:LISTED])
        for graph in wrong:
            state.forget(graph)
        state.save()
        raise PublishError(f"{len(wrong)} graph(s) differ in size at the target after publishing: {details}"
                           f"{_more(wrong)}; they will be sent again by the next run")


def _failure(exc: PublishError, report: PublishReport, not_sent: list[str]) -> str:
    sent = ", ".join(f"<{g}>" for g in report.sent[:LISTED]) + _more(report.sent)
    waiting = ", ".join(f"<{g}>" for g in not_sent[:LISTED]) + _more(not_sent)
    return (f"{exc}\nsent {len(report.sent)} graph(s) this run{': ' + sent if report.sent else ''}"
            f"\nnot sent: {len(not_sent)} graph(s): {waiting}"
            f"\nrun the same command again to resume: the graphs sent are not sent again")


def _more(items: list[str]) -> str:
    return f" and {len(items) - LISTED} more" if len(items) > LISTED else ""


__all__ = ["PublishReport", "publish"]

"""The default graph as a set: the RDF merge of every graph, read from two graphs that share no triple.

The default graph a plain query reads is the union of the named graphs. pyoxigraph's union default
graph (`use_default_graph_as_union`) is a bag: a triple that several releases state comes back once per
release. An RDF graph is a set, and Jena's and Fuseki's union default graph is one. A query's default
graph may also be a list of graphs, read as their union, again a bag; so a built store lists two graphs
that partition the triples of the merge:

- the store's own default graph: every release's provenance record, the triples about nodes minted
  under a release's IRI (`kg.graph.records`), and whatever a client writes there. No two releases mint
  the same node, so the build writes each record triple once, here and nowhere else: it needs no
  deduplicating. pyoxigraph indexes a triple of the default graph three ways and a quad of a named
  graph six, and the records are five sixths of the store: kept here, they cost half as much to write.
- `MERGED_GRAPH`, a named graph queries never name: every distinct triple of the named graphs (releases,
  derived, reference, ontology) that the default graph does not hold.

Invariant: MERGED ∩ default = ∅ and MERGED ∪ default = the merge of every graph, so the union of the two
is a set. A release's graph holds its facts (and its own description); `GRAPH ?g` still shows each
release that states a triple. Every write through `kg.store.generations` re-derives the merge; after a
write that is not a build, any graph may hold anything, so each triple is looked up in the default graph.

Why the records leave the releases' graphs: read from there, the default graph would have to list every
release's graph, and a fact that several releases state would come back once per release. Why not one
graph per release: a query's time grows steeply with the graphs its default graph lists (at 2,000
releases, queries 13, 14 and 19 took 0.3-0.6 s with one graph, 24-95 s with 101). The record stays
reachable by release: a span's `oa:hasSource`, an assertion's `kg:sentence/oa:hasSource`.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from typing import Any

from pyoxigraph import DefaultGraph, NamedNode, Quad, Store

from kg.graph import vocab

MERGED_GRAPH = NamedNode(str(vocab.MERGED_GRAPH))


def merge(store: Store) -> None:
    """(Re)write `MERGED_GRAPH` as the merge of every other named graph of `store`, less what its default
    graph holds (after a write that is not a build any graph may hold a record triple, so each is looked
    up there). A build writes the merge as it goes (`kg.build.emit.document_nquads`).

    Streamed through the bulk loader, which drops duplicates as it writes, flat in memory. It is not
    transactional; every caller writes into a new generation (`kg.store.generations.fill_store`), which a
    failure discards."""
    if store.contains_named_graph(MERGED_GRAPH):
        store.remove_graph(MERGED_GRAPH)
    store.add_graph(MERGED_GRAPH)  # kept when empty: the store stays one whose default graph is a set
    graphs = [g for g in store.named_graphs() if g != MERGED_GRAPH]
    default = DefaultGraph()

    def triples() -> Iterator[Quad]:
        for graph in graphs:
            for q in store.quads_for_pattern(None, None, None, graph):
                if Quad(q.subject, q.predicate, q.object, default) not in store:
                    yield Quad(q.subject, q.predicate, q.object, MERGED_GRAPH)

    store.bulk_extend(triples())


def is_merged(store: Store) -> bool:
    return store.contains_named_graph(MERGED_GRAPH)


class MergedDataset(Mapping[str, Any]):
    """`Store.query` arguments for a query that names no dataset, on a store with a merge: the merge and the
    store's default graph (the records) as the default graph and every graph but the merge as a named
    graph. The list of named graphs is read when a query first needs it (`for_query` leaves it out of one
    that never says GRAPH): on a 20,000-release store just read from disk, listing its graphs took 2.7 s,
    which a first answer waited for."""

    def __init__(self, store: Store) -> None:
        self._store = store
        self._default = [MERGED_GRAPH, DefaultGraph()]
        self._named: list[NamedNode] | None = None

    def __getitem__(self, key: str) -> Any:
        if key == "default_graph":
            return self._default
        if key == "named_graphs":
            if self._named is None:
                self._named = [g for g in self._store.named_graphs() if g != MERGED_GRAPH]
            return self._named
        raise KeyError(key)

    def __contains__(self, key: object) -> bool:  # without reading the list, as Mapping's own would
        return key in ("default_graph", "named_graphs")

    def __iter__(self) -> Iterator[str]:
        return iter(("default_graph", "named_graphs"))

    def __len__(self) -> int:
        return 2


def plain_dataset(store: Store) -> Mapping[str, Any]:
    """`Store.query` arguments for a query that names no dataset: with a merge, `MergedDataset`; without
    one, the union of all graphs (a bag), as pyoxigraph has it; without named graphs, the default graph as
    it is (pyoxigraph reads it faster than a union)."""
    if store.contains_named_graph(MERGED_GRAPH):
        return MergedDataset(store)
    return {"use_default_graph_as_union": True} if next(store.named_graphs(), None) is not None else {}


def folded_dataset() -> dict[str, Any]:
    """`Store.query` arguments for a query that names no dataset, on a copy whose default graph holds the merge
    (`kg.store.snapshot.dump_generation`): its default graph as it is (pyoxigraph's own default). The merge is
    then no named graph at all, so a query needs no list of graphs, and pyoxigraph reads `GRAPH ?g` from its
    index instead of one listed graph at a time (at 2,000 releases queries 13, 14 and 19: 175, 106 and 246 ms
    with the list, 109, 25 and 71 ms without). A query that names the store's own default graph then reads
    the disk store (`kg.query.evaluator.in_the_copy`)."""
    return {}


_GRAPH_KEYWORD = re.compile(r"\bGRAPH\b", re.IGNORECASE)


def for_query(query: str, plain: Mapping[str, Any]) -> dict[str, Any]:
    """`plain` (`plain_dataset`) for `query`: a query that never says GRAPH reads no named graph, so the list
    that hides the merge is left out; pyoxigraph reads a listed named graph one lookup at a time (at 2,000
    releases query 23 took 80 ms with the list, 10 ms without). The word in a string or a comment only keeps
    the list, which changes nothing but the time."""
    if "named_graphs" in plain and not _GRAPH_KEYWORD.search(query):
        return {k: plain[k] for k in plain if k != "named_graphs"}
    return dict(plain)


def visible_quads(store: Store) -> Iterator[Quad]:
    """Every quad but those of `MERGED_GRAPH`: the dataset as built, for dumps and counts."""
    return (quad for quad in store if quad.graph_name != MERGED_GRAPH)


def graph_size(store: Store, graph: NamedNode) -> int:
    """Quads of the named graph `graph` (0 when there is none)."""
    if not store.contains_named_graph(graph):
        return 0
    solutions = store.query(f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH {graph} {{ ?s ?p ?o }} }}")
    return int(next(iter(solutions))["n"].value)  # counted inside pyoxigraph: ten times faster than in Python


def merged_size(store: Store) -> int:
    """Quads of `MERGED_GRAPH` (0 when there is none)."""
    return graph_size(store, MERGED_GRAPH)


__all__ = ["MERGED_GRAPH", "folded_dataset", "for_query", "graph_size", "is_merged", "merge", "merged_size", "plain_dataset", "visible_quads"]

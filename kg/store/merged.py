"""The default graph as a set: the RDF merge of every graph, stored once in a graph queries never name.

The default graph a plain query reads is the union of the named graphs. pyoxigraph's union default
graph (`use_default_graph_as_union`) is a bag: a triple that several releases state comes back once per
release. An RDF graph is a set, and Jena's and Fuseki's union default graph is one; so a built store also
holds the merge of its graphs, each distinct triple once, in `MERGED_GRAPH`. A plain query reads that
graph as its default graph and sees every other graph, but not this one, under `GRAPH ?g`, which still
shows each release that states a triple. Every write through `kg.store.generations` re-derives it.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from pyoxigraph import NamedNode, Quad, Store

from kg.graph.vocab import GRAPH

MERGED_GRAPH = NamedNode(str(GRAPH["merged"]))

def merge(store: Store) -> None:
    """(Re)write `MERGED_GRAPH` as the merge of every other graph of `store`, its own default graph included.

    Streamed through the bulk loader, which drops duplicates as it writes: 2.6 times faster than the
    equivalent SPARQL `INSERT … WHERE` on the bundled build (1.4 s against 3.75 s for 86,208 quads) and
    flat in memory. It is not transactional; every caller writes into a new generation
    (`kg.store.generations.fill_store`), which a failure discards."""
    if store.contains_named_graph(MERGED_GRAPH):
        store.remove_graph(MERGED_GRAPH)
    store.add_graph(MERGED_GRAPH)  # kept when empty: the store stays one whose default graph is a set
    store.bulk_extend(Quad(q.subject, q.predicate, q.object, MERGED_GRAPH)
                      for q in store.quads_for_pattern(None, None, None) if q.graph_name != MERGED_GRAPH)


def is_merged(store: Store) -> bool:
    return store.contains_named_graph(MERGED_GRAPH)


def plain_dataset(store: Store) -> dict[str, Any]:
    """`Store.query` arguments for a query that names no dataset: the merge as the default graph and every
    other graph as a named graph; without a merge, the union of all graphs (a bag), as pyoxigraph has it;
    without named graphs, the default graph as it is (pyoxigraph reads it faster than a union)."""
    graphs = list(store.named_graphs())
    if MERGED_GRAPH in graphs:
        return {"default_graph": MERGED_GRAPH, "named_graphs": [g for g in graphs if g != MERGED_GRAPH]}
    return {"use_default_graph_as_union": True} if graphs else {}


def visible_quads(store: Store) -> Iterator[Quad]:
    """Every quad but those of `MERGED_GRAPH`: the dataset as built, for dumps and counts."""
    return (quad for quad in store if quad.graph_name != MERGED_GRAPH)


def merged_size(store: Store) -> int:
    """Quads of `MERGED_GRAPH` (0 when there is none)."""
    if not store.contains_named_graph(MERGED_GRAPH):
        return 0
    solutions = store.query(f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH {MERGED_GRAPH} {{ ?s ?p ?o }} }}")
    return int(next(iter(solutions))["n"].value)  # counted inside pyoxigraph: ten times faster than in Python


__all__ = ["MERGED_GRAPH", "is_merged", "merge", "merged_size", "plain_dataset", "visible_quads"]

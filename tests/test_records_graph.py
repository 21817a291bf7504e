"""The provenance records live once, in the store's default graph, and the default graph a plain query reads
(`[MERGED_GRAPH, DefaultGraph()]`, `kg.store.merged`) stays a set equal to the RDF merge of every graph:
after a build where two releases state the same facts, after a rebuild that drops and changes releases,
and after writes that put a record triple into another graph or a fact into the store's default graph."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from conftest import FOUNDING
from pyoxigraph import DefaultGraph, NamedNode, Quad, Store

from kg.build.builder import build_store
from kg.build.cache import AnalysisCache
from kg.build.inputs import DEFAULT_CORPUS
from kg.extract.document import read_document
from kg.graph import iri
from kg.graph.records import minted_under_a_release
from kg.graph.vocab import DOC
from kg.store import generations as kg_store
from kg.store.merged import MERGED_GRAPH, for_query, plain_dataset, visible_quads

#: the founding release and the one two days later: both name Harry Hikmat, his post and the ministry
TOKYO = DEFAULT_CORPUS / "dev" / "01.txt"
THIRD = DEFAULT_CORPUS / "dev" / "07.txt"
HARRY = NamedNode(str(iri.entity("person/harry-hikmat")))
HOLDS = NamedNode("http://www.w3.org/ns/org#holds")
Triple = tuple[str, str, str]
RECORDS = DefaultGraph()  # the provenance records are the store's default graph


def _build(corpus: Path, store_dir: Path) -> Store:
    build_store([str(corpus)], store_dir, None, AnalysisCache(store_dir / "cache" / "analyses"), jobs=1)
    return kg_store.open_store(store_dir)


def _default_graph(store: Store) -> list[Triple]:
    """The triples a plain query reads, each as often as the default graph yields it."""
    rows = store.query("SELECT ?s ?p ?o WHERE { ?s ?p ?o }", **plain_dataset(store))
    return [(str(r["s"]), str(r["p"]), str(r["o"])) for r in rows]


def _rdf_merge(store: Store) -> set[Triple]:
    return {(str(q.subject), str(q.predicate), str(q.object)) for q in visible_quads(store)}


def _graph(store: Store, graph: NamedNode) -> set[Triple]:
    return {(str(q.subject), str(q.predicate), str(q.object)) for q in store.quads_for_pattern(None, None, None, graph)}


def _assert_a_set_equal_to_the_merge(store: Store) -> None:
    default = _default_graph(store)
    assert len(default) == len(set(default))
    assert set(default) == _rdf_merge(store)
    assert not _graph(store, MERGED_GRAPH) & _graph(store, RECORDS)


@pytest.fixture(scope="module")
def two_releases(tmp_path_factory: pytest.TempPathFactory) -> Store:
    corpus = tmp_path_factory.mktemp("corpus")
    for path in (FOUNDING, TOKYO):
        shutil.copy(path, corpus / path.name)
    return _build(corpus, tmp_path_factory.mktemp("store"))


def test_two_releases_state_the_same_facts(two_releases: Store) -> None:
    releases = [g for g in two_releases.named_graphs() if g.value.startswith(str(DOC))]
    assert len(releases) == 2
    stating = list(two_releases.quads_for_pattern(HARRY, HOLDS, None, None))
    assert {q.graph_name for q in stating} >= set(releases)  # the same post, in both releases' graphs


def test_the_default_graph_is_a_set_equal_to_the_merge_of_every_graph(two_releases: Store) -> None:
    _assert_a_set_equal_to_the_merge(two_releases)
    rows = two_releases.query(f"SELECT ?post WHERE {{ {HARRY} {HOLDS} ?post }}", **plain_dataset(two_releases))
    posts = [str(r["post"]) for r in rows]
    assert posts and len(posts) == len(set(posts))


class _CountingStore:
    """`store`, counting the calls that list its named graphs."""

    def __init__(self, store: Store) -> None:
        self.store, self.listed = store, 0

    def contains_named_graph(self, graph: NamedNode) -> bool:
        return self.store.contains_named_graph(graph)

    def named_graphs(self):  # noqa: ANN201 - pyoxigraph's iterator
        self.listed += 1
        return self.store.named_graphs()


def test_a_query_without_graph_does_not_wait_for_the_list_of_named_graphs(two_releases: Store) -> None:
    counting = _CountingStore(two_releases)
    plain = plain_dataset(counting)  # type: ignore[arg-type]
    without = for_query("SELECT * WHERE { ?s ?p ?o }", plain)
    assert counting.listed == 0 and without == {"default_graph": [MERGED_GRAPH, RECORDS]}
    named = for_query("SELECT ?g WHERE { GRAPH ?g { } }", plain)["named_graphs"]
    assert counting.listed == 1 and MERGED_GRAPH not in named and len(named) == 5  # 2 releases, 3 shared graphs
    assert for_query("ASK { GRAPH ?g { ?s ?p ?o } }", plain)["named_graphs"] is named  # read once
    assert counting.listed == 1


def test_every_record_triple_is_stored_once_in_the_default_graph(two_releases: Store) -> None:
    records = _graph(two_releases, RECORDS)
    assert len(records) > 1000
    assert all(minted_under_a_release(s[1:-1]) for s, _, _ in records)
    elsewhere = [q for q in two_releases if q.graph_name != RECORDS and isinstance(q.subject, NamedNode)
                 and minted_under_a_release(q.subject.value)]
    assert elsewhere == []
    assert _graph(two_releases, MERGED_GRAPH) == _rdf_merge(two_releases) - records  # the merge holds the rest


def test_a_plain_query_traces_each_releases_fact_to_its_sentence(two_releases: Store) -> None:
    rows = two_releases.query(f"""PREFIX kg: <https://w3id.org/kemensos-kg/ontology#>
        PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> PREFIX oa: <http://www.w3.org/ns/oa#>
        SELECT DISTINCT ?release ?rule ?start WHERE {{
          GRAPH ?release {{ {HARRY} {HOLDS} ?post }}
          ?a rdf:subject {HARRY} ; rdf:predicate {HOLDS} ; rdf:object ?post ; kg:rule ?rule ;
             kg:sentence ?s . ?s oa:hasSource ?release ; oa:hasSelector/oa:start ?start }}""",
                              **plain_dataset(two_releases))
    found = {(r["release"].value, r["rule"].value, int(r["start"].value)) for r in rows}
    assert {release for release, _, _ in found} == {str(iri.document(read_document(p).slug)) for p in (FOUNDING, TOKYO)}


def test_a_rebuild_leaves_nothing_of_a_removed_or_changed_release(tmp_path: Path) -> None:
    corpus, store_dir = tmp_path / "corpus", tmp_path / "store"
    corpus.mkdir()
    for path in (FOUNDING, TOKYO, THIRD):
        shutil.copy(path, corpus / path.name)
    store = _build(corpus, store_dir)
    third = read_document(THIRD).slug
    before = _graph(store, RECORDS)
    assert any(s.startswith(f"<{DOC}{third}#") for s, _, _ in before)
    del store

    (corpus / THIRD.name).unlink()
    changed = corpus / TOKYO.name
    changed.write_text(changed.read_text(encoding="utf-8").replace("Harry Hikmat", "Harry  Hikmat", 1), encoding="utf-8")
    store = _build(corpus, store_dir)
    _assert_a_set_equal_to_the_merge(store)
    after = _graph(store, RECORDS)
    assert not any(f"/doc/{third}" in t for triple in after | _graph(store, MERGED_GRAPH) for t in triple)
    assert NamedNode(str(iri.document(third))) not in set(store.named_graphs())
    tokyo = str(iri.document(read_document(TOKYO).slug))
    moved = {t for t in before - after if t[0].startswith(f"<{tokyo}")}
    assert moved  # the changed release's spans shifted: its old record is gone, not kept beside the new one


def test_writes_that_cross_the_partition_keep_the_default_graph_a_set(two_releases: Store, tmp_path: Path) -> None:
    store_dir = tmp_path / "store"
    kg_store.fill_store(store_dir, lambda target: target.bulk_extend(two_releases))  # a copy, merge included
    record = next(iter(two_releases.quads_for_pattern(None, None, None, RECORDS)))
    fact = next(iter(two_releases.quads_for_pattern(HARRY, HOLDS, None, None)))
    other = NamedNode("http://example.org/copy")

    def cross(store: Store) -> None:
        store.add(Quad(record.subject, record.predicate, record.object, other))  # a record triple elsewhere
        store.add(Quad(fact.subject, fact.predicate, fact.object, RECORDS))  # a fact in the default graph

    kg_store.modify_store(store_dir, cross)
    store = kg_store.open_store(store_dir)
    assert (str(record.subject), str(record.predicate), str(record.object)) in _graph(store, other)
    _assert_a_set_equal_to_the_merge(store)

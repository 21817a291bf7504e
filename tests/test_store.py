"""The on-disk store: generations behind `current`, queries, formats, export."""

from __future__ import annotations

import csv
import fcntl
import io
import json
import os
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pyoxigraph
import pytest
from rdflib import Dataset, Graph, Literal, Namespace
from rdflib.graph import DATASET_DEFAULT_GRAPH_ID
from rdflib.namespace import RDFS

from kg.errors import QueryError, StoreError
from kg.graph.vocab import SDO
from kg.store import generations as store

EX = Namespace("http://example.org/")
G1 = EX["graph/one"]
G2 = EX["graph/two"]

SELECT_ALL = "SELECT ?s ?p ?o WHERE { ?s ?p ?o }"
CONSTRUCT_NAMES = "CONSTRUCT { ?s schema:name ?n } WHERE { ?s schema:name ?n }"


def small_dataset(label: str = "v1") -> Dataset:
    """One default-graph triple and two named graphs: 4 quads."""
    dataset = Dataset()
    dataset.add((EX.root, RDFS.label, Literal(label)))
    dataset.graph(G1).add((EX.kemensos, SDO.name, Literal("Kementerian Sosial", lang="id")))
    g2 = dataset.graph(G2)
    g2.add((EX.risma, SDO.name, Literal("Tri Rismaharini")))
    g2.add((EX.risma, SDO.memberOf, EX.kemensos))
    return dataset


def generation_names(store_dir: Path) -> list[str]:
    return sorted(os.listdir(store_dir / store.GENERATIONS))


def select(opened: pyoxigraph.Store, sparql: str) -> list[dict[str, str]]:
    result = json.loads(store.query(opened, sparql, "json"))
    return [{k: v["value"] for k, v in row.items()} for row in result["results"]["bindings"]]


@pytest.fixture
def store_dir(tmp_path: Path) -> Path:
    path = tmp_path / "store"
    store.write_store(path, small_dataset())
    return path


@pytest.fixture
def opened(store_dir: Path) -> pyoxigraph.Store:
    return store.open_store(store_dir)


def test_write_store_summary_and_layout(tmp_path: Path) -> None:
    summary = store.write_store(tmp_path / "s", small_dataset())

    assert (summary.quads, summary.graphs) == (4, 2)
    current = tmp_path / "s" / store.CURRENT
    assert current.is_symlink()
    assert not Path(os.readlink(current)).is_absolute()  # the store directory can be moved
    assert current.resolve() == summary.path.resolve()
    assert summary.path.parent == tmp_path / "s" / store.GENERATIONS
    assert re.fullmatch(r"\d{8}T\d{12}Z-[0-9a-f]{6}", summary.path.name)


def test_graph_placement_is_preserved(opened: pyoxigraph.Store) -> None:
    in_graphs = select(opened, "SELECT ?g ?s WHERE { GRAPH ?g { ?s ?p ?o } }")
    assert sorted((r["g"], r["s"]) for r in in_graphs) == sorted(
        [(str(G1), str(EX.kemensos)), (str(G2), str(EX.risma)), (str(G2), str(EX.risma))]
    )
    default = list(opened.quads_for_pattern(None, None, None, pyoxigraph.DefaultGraph()))
    assert [(q.subject.value, q.object.value) for q in default] == [(str(EX.root), "v1")]


def test_default_graph_is_the_union_and_prefixes_are_predeclared(opened: pyoxigraph.Store) -> None:
    assert len(select(opened, SELECT_ALL)) == 4
    names = select(opened, "SELECT ?n WHERE { ?s schema:name ?n } ORDER BY ?n")
    assert [r["n"] for r in names] == ["Kementerian Sosial", "Tri Rismaharini"]


def test_second_build_swaps_current_and_removes_old_generation(tmp_path: Path) -> None:
    store_dir = tmp_path / "s"
    first = store.write_store(store_dir, small_dataset("v1"))
    second = store.write_store(store_dir, small_dataset("v2"))

    assert first.path != second.path
    assert (store_dir / store.CURRENT).resolve() == second.path.resolve()
    assert not first.path.exists()
    assert generation_names(store_dir) == [second.path.name]
    labels = select(store.open_store(store_dir), "SELECT ?l WHERE { ?s rdfs:label ?l }")
    assert labels == [{"l": "v2"}]


def test_failed_build_leaves_previous_store(store_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    before = generation_names(store_dir)
    real_load = store.load_dataset
    seen: list[Path] = []

    def load_half_then_fail(target: pyoxigraph.Store, dataset: Dataset) -> None:
        real_load(target, small_dataset("v2"))
        seen.extend(p for p in (store_dir / store.GENERATIONS).iterdir() if p.name not in before)
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(store, "load_dataset", load_half_then_fail)
    with pytest.raises(RuntimeError, match="disk on fire"):
        store.write_store(store_dir, small_dataset("v2"))

    assert len(seen) == 1  # the new generation existed while loading ...
    assert not seen[0].exists()  # ... and is gone
    assert generation_names(store_dir) == before
    assert sorted(os.listdir(store_dir)) == sorted([store.CURRENT, store.GENERATIONS, store.LOCK])
    labels = select(store.open_store(store_dir), "SELECT ?l WHERE { ?s rdfs:label ?l }")
    assert labels == [{"l": "v1"}]


def test_concurrent_build_is_refused(store_dir: Path) -> None:
    with open(store_dir / store.LOCK, "ab") as held:
        fcntl.flock(held, fcntl.LOCK_EX | fcntl.LOCK_NB)
        with pytest.raises(StoreError, match="another build"):
            store.write_store(store_dir, small_dataset("v2"))
    assert len(generation_names(store_dir)) == 1


def test_write_store_refuses_a_current_that_is_not_a_symlink(tmp_path: Path) -> None:
    (tmp_path / store.CURRENT).mkdir()
    with pytest.raises(StoreError, match="not a symlink"):
        store.write_store(tmp_path, small_dataset())


def test_select_json(opened: pyoxigraph.Store) -> None:
    result = json.loads(store.query(opened, SELECT_ALL, "json"))
    assert result["head"]["vars"] == ["s", "p", "o"]
    assert len(result["results"]["bindings"]) == 4


def test_select_xml(opened: pyoxigraph.Store) -> None:
    root = ET.fromstring(store.query(opened, SELECT_ALL, "xml"))
    assert len(root.findall(".//{http://www.w3.org/2005/sparql-results#}result")) == 4


@pytest.mark.parametrize(("fmt", "delimiter", "header"), [("csv", ",", "s"), ("tsv", "\t", "?s")])
def test_select_csv_tsv(opened: pyoxigraph.Store, fmt: str, delimiter: str, header: str) -> None:
    text = store.query(opened, SELECT_ALL, fmt).decode()
    rows = list(csv.reader(io.StringIO(text), delimiter=delimiter))
    assert rows[0][0] == header
    assert len(rows) == 1 + 4


def test_ask_and_default_result_format(opened: pyoxigraph.Store) -> None:
    assert json.loads(store.query(opened, "ASK { ?s schema:memberOf ?o }"))["boolean"] is True


@pytest.mark.parametrize(("fmt", "rdflib_format"), [("ttl", "turtle"), ("nt", "nt"), ("jsonld", "json-ld"), ("xml", "xml")])
def test_construct_formats_parse(opened: pyoxigraph.Store, fmt: str, rdflib_format: str) -> None:
    graph = Graph().parse(data=store.query(opened, CONSTRUCT_NAMES, fmt), format=rdflib_format)
    assert set(graph.objects(None, SDO.name)) == {
        Literal("Kementerian Sosial", lang="id"),
        Literal("Tri Rismaharini"),
    }


def test_construct_defaults_to_turtle(opened: pyoxigraph.Store) -> None:
    assert len(Graph().parse(data=store.query(opened, CONSTRUCT_NAMES), format="turtle")) == 2


def test_syntax_error_is_a_query_error_with_position(opened: pyoxigraph.Store) -> None:
    with pytest.raises(QueryError, match=r"invalid SPARQL query: .*\d+:\d+"):
        store.query(opened, "SELECT * WHERE { ?s ?p }", "json")


@pytest.mark.parametrize(
    ("sparql", "fmt", "expected"),
    [(SELECT_ALL, "ttl", "SELECT/ASK"), (CONSTRUCT_NAMES, "csv", "CONSTRUCT/DESCRIBE"), (SELECT_ALL, "yaml", "json")],
)
def test_format_not_fitting_the_query_form(opened: pyoxigraph.Store, sparql: str, fmt: str, expected: str) -> None:
    with pytest.raises(QueryError, match=re.escape(expected)):
        store.query(opened, sparql, fmt)


def test_export_nq_round_trips_the_quads(opened: pyoxigraph.Store) -> None:
    out = io.BytesIO()
    assert store.export(opened, "nq", out) == 4
    reloaded = pyoxigraph.Store()
    reloaded.load(out.getvalue(), pyoxigraph.RdfFormat.N_QUADS)
    assert len(reloaded) == 4
    assert set(reloaded.named_graphs()) == {pyoxigraph.NamedNode(str(G1)), pyoxigraph.NamedNode(str(G2))}


def test_export_trig_keeps_graphs(opened: pyoxigraph.Store) -> None:
    out = io.BytesIO()
    assert store.export(opened, "trig", out) == 4
    dataset = Dataset().parse(data=out.getvalue(), format="trig")
    assert len(list(dataset.quads((None, None, None, G2)))) == 2


@pytest.mark.parametrize(("fmt", "rdflib_format"), [("ttl", "turtle"), ("nt", "nt"), ("jsonld", "json-ld")])
def test_triple_export_merges_graphs_once(tmp_path: Path, fmt: str, rdflib_format: str) -> None:
    dataset = small_dataset()
    dataset.graph(G1).add((EX.risma, SDO.name, Literal("Tri Rismaharini")))  # also in G2
    store.write_store(tmp_path, dataset)
    opened = store.open_store(tmp_path)
    assert store.count_quads(opened) == 5

    out = io.BytesIO()
    assert store.export(opened, fmt, out) == 4
    assert len(Graph().parse(data=out.getvalue(), format=rdflib_format)) == 4


def test_to_rdflib_keeps_graphs(opened: pyoxigraph.Store) -> None:
    dataset = store.to_rdflib(opened)
    by_graph: dict[str, int] = {}
    for *_, graph in dataset.quads((None, None, None, None)):
        by_graph[str(graph)] = by_graph.get(str(graph), 0) + 1
    assert by_graph == {str(DATASET_DEFAULT_GRAPH_ID): 1, str(G1): 1, str(G2): 2}


@pytest.mark.parametrize("make", [lambda p: p.mkdir(), lambda p: None], ids=["empty-dir", "missing-dir"])
def test_open_store_without_a_store(tmp_path: Path, make) -> None:
    path = tmp_path / "nothing"
    make(path)
    with pytest.raises(StoreError, match=r"no store at .*kemensos-kg build --store"):
        store.open_store(path)

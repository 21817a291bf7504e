"""The streamed build: the quads of the in-memory build, validated document by document with the
verdict of validating the union, and a violation anywhere keeps the previous store."""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import pytest
from conftest import TESTED_RELEASES
from pyoxigraph import RdfFormat, parse
from rdflib import Dataset, Graph

from kg.build.builder import build_store
from kg.build.cache import AnalysisCache
from kg.build.inputs import DEFAULT_CORPUS
from kg.cli import build
from kg.errors import ValidationError
from kg.store import generations as kg_store
from kg.validate import conformance
from kg.validate.shacl import load_shapes

BLANK = re.compile(r"_:[A-Za-z0-9]+")
LONG = "JAKARTA (9 November 2022) - Kepala Sentra \"Handayani\" di Jakarta Romal Uli Jaya Sinaga menerima tamu.\n"
SHORT = "JAKARTA (22 Oktober 2022) - Kepala Sentra Handayani Jakarta Romal Sinaga memerintahkan tim.\n"


def exported(store_dir: Path) -> list[str]:
    """The store's quads as sorted N-Quads lines, blank nodes (the ontology's) all named alike."""
    out = store_dir.parent / f"{store_dir.name}.nq"
    with out.open("wb") as handle:
        kg_store.export(kg_store.open_store(store_dir), "nq", handle)
    return sorted(BLANK.sub("_:b", line) for line in out.read_text(encoding="utf-8").splitlines())


@pytest.mark.parametrize("jobs", [1, 2])
def test_the_streamed_build_holds_the_quads_of_the_in_memory_build(dataset: Dataset, tmp_path: Path, jobs: int) -> None:
    kg_store.write_store(tmp_path / "in-memory", dataset)
    summary = build([str(p) for p in TESTED_RELEASES], tmp_path / "streamed", jobs)
    assert "from 7 documents (7 extracted, 0 unchanged)" in summary
    streamed = exported(tmp_path / "streamed")
    assert streamed == exported(tmp_path / "in-memory")
    assert len(streamed) > 20000
    # the build loads its own N-Quads leniently: what it stored must pass the strict parser
    assert sum(1 for _ in parse(path=tmp_path / "streamed.nq", format=RdfFormat.N_QUADS)) == len(streamed)


def test_people_merged_across_documents_are_validated_with_every_document(tmp_path: Path) -> None:
    """The release that names "Romal Sinaga" loses his label to the fuller name another release
    gives: the shapes hold for the union, so the build must not fail on that release alone."""
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "long.txt").write_text(LONG, encoding="utf-8")
    (corpus / "short.txt").write_text(SHORT, encoding="utf-8")
    assert "from 2 documents" in build([str(corpus)], tmp_path / "store", 2)
    rows = kg_store.query(kg_store.open_store(tmp_path / "store"),
                          "ASK { kgr:person\\/romal-uli-jaya-sinaga skos:altLabel \"Romal Sinaga\"@id }")
    assert b"true" in rows


def stricter_shapes(extra: str) -> Graph:
    shapes = Graph()
    for triple in load_shapes():
        shapes.add(triple)
    shapes.parse(data="@prefix sh: <http://www.w3.org/ns/shacl#> . @prefix kg: <https://w3id.org/kemensos-kg/ontology#> .\n"
                 "@prefix schema: <http://schema.org/> . @prefix kgsh: <https://w3id.org/kemensos-kg/shapes#> .\n"
                 + extra, format="turtle")
    return shapes


@pytest.fixture
def two_releases(tmp_path: Path) -> tuple[Path, Path]:
    """A store built from two dev releases, and their folder."""
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for name in ("01.txt", "03.txt"):
        shutil.copy(DEFAULT_CORPUS / "dev" / name, corpus)
    store_dir = tmp_path / "store"
    build([str(corpus)], store_dir, 1)
    return corpus, store_dir


@pytest.mark.parametrize("jobs", [1, 2])
@pytest.mark.parametrize(("extra", "named"), [
    # a document's own nodes: checked in the worker that renders the document
    ("kgsh:Anchored a sh:NodeShape ; sh:targetClass kg:Sentence ; "
     "sh:property [ sh:path kg:paragraph ; sh:minCount 1 ; sh:message \"sentence without paragraph\" ] .",
     "sentence without paragraph"),
    # nodes several documents share: checked once, against what every document says
    ("kgsh:Reachable a sh:NodeShape ; sh:targetClass kg:Person ; "
     "sh:property [ sh:path schema:email ; sh:minCount 1 ; sh:message \"person without e-mail\" ] .",
     "person without e-mail"),
])
def test_a_violation_fails_the_build_and_keeps_the_store(two_releases: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch,
                                                         extra: str, named: str, jobs: int) -> None:
    corpus, store_dir = two_releases
    before = exported(store_dir)
    generations = os.listdir(store_dir / kg_store.GENERATIONS)
    monkeypatch.setattr(conformance, "load_shapes", lambda: stricter_shapes(extra))

    with pytest.raises(ValidationError) as failed:
        build_store([str(corpus)], store_dir, None, AnalysisCache(store_dir / "cache" / "analyses"), jobs)

    assert re.fullmatch(r"the built graph does not conform to the shapes: \d+ violation\(s\)", str(failed.value))
    assert named in failed.value.report_text
    assert os.listdir(store_dir / kg_store.GENERATIONS) == generations
    assert exported(store_dir) == before


@pytest.mark.parametrize("header, expected", [
    ("https://kemensos.go.id/berita/delegasi kemensos <fukuoka>",
     "https://kemensos.go.id/berita/delegasi%20kemensos%20%3Cfukuoka%3E"),
    ('https://kemensos.go.id/cari?q={"atensi"}|x', "https://kemensos.go.id/cari?q=%7B%22atensi%22%7D%7Cx"),
    ("https://kemensos.go.id/berita/sosial–ragam", "https://kemensos.go.id/berita/sosial–ragam"),
])
def test_a_hand_typed_source_address_is_stored_as_a_valid_iri(tmp_path: Path, header: str, expected: str) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "release.txt").write_text(f"source: {header}\ntitle: Kunjungan\n\n{LONG}", encoding="utf-8")
    assert "from 1 documents" in build([str(corpus)], tmp_path / "store", 1)
    rows = kg_store.query(kg_store.open_store(tmp_path / "store"),
                          "SELECT ?source WHERE { ?doc a kg:PressRelease ; dcterms:source ?source }", "csv")
    assert rows.decode().split() == ["source", expected]


def test_a_source_header_that_is_no_iri_is_left_out_and_the_rest_is_built(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "release.txt").write_text(f"source: http://[kemensos/berita\ntitle: Kunjungan\n\n{LONG}", encoding="utf-8")
    assert "from 1 documents" in build([str(corpus)], tmp_path / "store", 1)
    store = kg_store.open_store(tmp_path / "store")
    assert b"false" in kg_store.query(store, "ASK { ?doc a kg:PressRelease ; dcterms:source ?source }")
    assert b"true" in kg_store.query(store, 'ASK { ?doc dcterms:title "Kunjungan"@id }')

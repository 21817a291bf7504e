"""The six development releases: each runs through the whole pipeline and yields the people,
organisations and facts a reader would expect; entities keep one IRI across documents."""

from __future__ import annotations

import re
from decimal import Decimal
from functools import lru_cache
from pathlib import Path

import pytest
from rdflib import Dataset, Literal, URIRef
from rdflib.namespace import XSD

from kg.build.inputs import DEFAULT_CORPUS
from kg.extract.document import read_document
from kg.extract.facts import Analysis
from kg.extract.pipeline import analyse
from kg.graph import iri
from kg.graph.vocab import DCTERMS, ID, KG, ORG, RDF, SDO

DEV = sorted((DEFAULT_CORPUS / "dev").glob("*.txt"))
FOUNDING = DEFAULT_CORPUS / "2022-11-09-delegasi-kemensos-fukuoka.txt"
KEY = re.compile(r"^[a-z]+/[a-z0-9-]+(/[a-z0-9-]+)*$")


def E(key: str) -> URIRef:
    return iri.entity(key)


@lru_cache(maxsize=None)
def analysed(name: str) -> Analysis:
    return analyse(read_document(DEFAULT_CORPUS / "dev" / name))


def triples(name: str) -> set[tuple]:
    return {(f.s, f.p, f.o) for f in analysed(name).facts}


def objects(name: str, s: URIRef, p: URIRef) -> set:
    return {o for s2, p2, o in triples(name) if s2 == s and p2 == p}


def test_the_dev_corpus_has_six_files() -> None:
    assert [p.name for p in DEV] == ["01.txt", "03.txt", "04.txt", "07.txt", "08.txt", "10.txt"]


# -- every file -------------------------------------------------------------------------------------------


@pytest.mark.parametrize("path", DEV, ids=lambda p: p.name)
def test_pipeline_runs_and_finds_people_and_organisations(path: Path) -> None:
    a = analysed(path.name)
    assert a.sentences and a.facts
    kinds = {e.key.split("/", 1)[0] for e in a.entities.values()}
    assert {"person", "org"} <= kinds
    people = [k for k in a.entities if k.startswith("person/")]
    orgs = [k for k in a.entities if k.startswith("org/")]
    assert len(people) >= 1 and len(orgs) >= 1
    for key in people:
        assert (E(key), RDF.type, KG.Person) in triples(path.name)


@pytest.mark.parametrize("path", DEV, ids=lambda p: p.name)
def test_issued_date_is_the_header_date(path: Path) -> None:
    a = analysed(path.name)
    doc = iri.document(a.doc.slug)
    assert objects(path.name, doc, DCTERMS.issued) == {Literal(a.doc.header["date"], datatype=XSD.date)}
    assert objects(path.name, doc, DCTERMS.title) == {Literal(a.doc.header["title"], lang="id")}
    assert objects(path.name, doc, DCTERMS.source) == {URIRef(a.doc.header["source"])}


@pytest.mark.parametrize("path", DEV, ids=lambda p: p.name)
def test_every_entity_key_is_a_readable_slug(path: Path) -> None:
    a = analysed(path.name)
    keys = set(a.entities)
    for fact in a.facts:
        for term in (fact.s, fact.o):
            if isinstance(term, URIRef) and str(term).startswith(str(ID)):
                keys.add(str(term)[len(str(ID)):])
    assert keys
    assert sorted(k for k in keys if not KEY.match(k)) == []


@pytest.mark.parametrize("path", DEV, ids=lambda p: p.name)
def test_kementerian_sosial_is_named(path: Path) -> None:
    assert "org/kementerian-sosial" in analysed(path.name).entities


# -- sensible entities per file -------------------------------------------------------------------------------


def _posts(name: str, person: str) -> dict[URIRef, tuple[set, set]]:
    """Post → (organisations, roles) for the posts a person holds in a document."""
    return {
        post: (objects(name, post, ORG.postIn), objects(name, post, ORG.role))
        for post in objects(name, E(f"person/{person}"), ORG.holds)
    }


def test_01_ambassador_and_delegation_leader() -> None:
    posts = _posts("01.txt", "heri-akhmadi")
    assert any(E("role/duta-besar") in roles for _, roles in posts.values())
    assert {org for orgs, _ in posts.values() for org in orgs} == {E("org/kbri-tokyo")}
    visit = E(f"visit/{analysed('01.txt').doc.slug}")
    assert objects("01.txt", visit, KG.leader) == {E("person/harry-hikmat")}
    assert objects("01.txt", visit, KG.delegationOf) == {E("org/kementerian-sosial")}
    # the short forms of the text are the people named in full
    table = analysed("01.txt").entities
    assert "Mensos" in table["person/tri-rismaharini"].names
    assert "Heri" in table["person/heri-akhmadi"].names
    quotes = {s for s, p, o in triples("01.txt") if p == KG.speaker and o == E("person/heri-akhmadi")}
    assert len(quotes) == 2


def test_03_romal_sinaga_heads_sentra_handayani() -> None:
    assert objects("03.txt", E("person/romal-sinaga"), ORG.headOf) == {E("org/sentra-handayani")}
    assert objects("03.txt", E("org/sentra-handayani"), KG.basedIn) == {E("place/jakarta")}
    assert objects("03.txt", E("org/sentra-handayani"), ORG.unitOf) == {E("org/kementerian-sosial")}
    money = {o.toPython() for s, p, o in triples("03.txt") if p == SDO.value}
    assert {20000, 30000} <= money


def test_04_i_ketut_supena_heads_sentra_pangudiluhur() -> None:
    assert objects("04.txt", E("person/i-ketut-supena"), ORG.headOf) == {E("org/sentra-pangudiluhur")}
    assert objects("04.txt", E("person/i-ketut-supena"), ORG.holds) == {E("post/sentra-pangudiluhur--kepala-sentra")}
    assert objects("04.txt", E("org/sentra-pangudiluhur"), KG.basedIn) == {E("place/bekasi")}
    table = analysed("04.txt").entities
    assert table["org/sentra-pangudiluhur"].names >= {"Sentra Terpadu Pangudi Luhur",
                                                       "Sentra Terpadu Pangudi Luhur Bekasi"}
    assert "org/kementerian-panrb" in table


def test_07_harry_hikmat_holds_a_post_in_the_directorate_general() -> None:
    posts = _posts("07.txt", "harry-hikmat")
    assert posts
    assert any(E("org/direktorat-jenderal-rehabilitasi-sosial") in orgs for orgs, _ in posts.values())
    assert any(E("role/direktur-jenderal") in roles for _, roles in posts.values())
    assert "org/balai-phalamartha" in analysed("07.txt").entities
    speakers = {o for s, p, o in triples("07.txt") if p == KG.speaker}
    assert speakers == {E("person/harry-hikmat")}


def test_08_kanya_eka_santi_heads_the_directorate_of_child_rehabilitation() -> None:
    assert objects("08.txt", E("person/kanya-eka-santi"), ORG.headOf) == {E("org/direktorat-rehabilitasi-sosial-anak")}
    posts = _posts("08.txt", "kanya-eka-santi")
    assert {role for _, roles in posts.values() for role in roles} == {E("role/direktur")}
    speakers = {o for s, p, o in triples("08.txt") if p == KG.speaker}
    assert speakers == {E("person/kanya-eka-santi")}


def test_10_pepen_nazaruddin_and_31_sentra() -> None:
    table = analysed("10.txt").entities
    assert "person/pepen-nazaruddin" in table
    assert objects("10.txt", E("person/pepen-nazaruddin"), ORG.headOf) == {
        E("org/direktorat-jenderal-rehabilitasi-sosial")
    }
    stats = {s for s, p, o in triples("10.txt") if p == SDO.value and o == Literal(31, datatype=XSD.integer)}
    assert len(stats) == 1
    [stat] = stats
    assert (stat, RDF.type, KG.Statistic) in triples("10.txt")
    assert objects("10.txt", stat, KG.counts) == {Literal("sentra", lang="id")}
    # "Sabtu (29/4)" and "29 April 2023" are dates, not figures
    values = {o.toPython() for s, p, o in triples("10.txt") if p == SDO.value}
    assert not values & {29, 4, 2023}
    speakers = {o for s, p, o in triples("10.txt") if p == KG.speaker}
    assert speakers == {E("person/pepen-nazaruddin")}


def test_figures_of_the_dev_corpus_are_typed_numbers() -> None:
    for path in DEV:
        for s, p, o in triples(path.name):
            if p in (SDO.value, SDO.minValue, SDO.maxValue):
                assert o.datatype in (XSD.integer, XSD.decimal), (path.name, s, o)
                assert isinstance(o.toPython(), (int, Decimal))


# -- one IRI across documents -----------------------------------------------------------------------------------


def _mentions_entity(dataset: Dataset, graph: URIRef, key: str) -> bool:
    g = dataset.graph(graph)
    node = E(key)
    return (node, None, None) in g or (None, None, node) in g


def _graph(path: Path) -> URIRef:
    return iri.document(read_document(path).slug)


def test_harry_hikmat_has_one_iri_across_documents(dataset: Dataset) -> None:
    with_harry = {p.name for p in [FOUNDING, *DEV] if _mentions_entity(dataset, _graph(p), "person/harry-hikmat")}
    assert {FOUNDING.name, "01.txt", "07.txt"} <= with_harry
    # and it is the same node everywhere: a reference from one graph finds facts in the others
    holds = {o for _, _, o, _ in dataset.quads((E("person/harry-hikmat"), ORG.holds, None, None))}
    assert {E("post/kementerian-sosial--sekretaris-jenderal"),
            E("post/direktorat-jenderal-rehabilitasi-sosial--direktur-jenderal")} <= holds


@pytest.mark.parametrize("path", [FOUNDING, *DEV], ids=lambda p: p.name)
def test_kementerian_sosial_has_one_iri_in_every_document(dataset: Dataset, path: Path) -> None:
    assert _mentions_entity(dataset, _graph(path), "org/kementerian-sosial")
    g = dataset.graph(_graph(path))
    local = [str(s)[len(str(ID)):] for s in g.subjects(RDF.type, KG.Ministry)]
    variants = [key for key in local if "sosial" in key or "kemensos" in key]
    assert variants == ["org/kementerian-sosial"]


def test_tri_rismaharini_has_one_iri_across_documents(dataset: Dataset) -> None:
    graphs = {g for _, _, _, g in dataset.quads((E("person/tri-rismaharini"), ORG.holds, None, None))}
    assert len(graphs) >= 4
    assert not [s for s, _, _, _ in dataset.quads((None, RDF.type, KG.Person, None)) if "rismaharini" in str(s)
                and s != E("person/tri-rismaharini")]

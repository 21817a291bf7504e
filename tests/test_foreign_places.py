"""Towns abroad a cue vouches for: a country in parentheses, an Indonesian mission named by its town."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import URIRef

from kg.extract.document import Document
from kg.extract.pipeline import analyse, finder
from kg.graph import iri
from kg.graph.vocab import KG, RDF, RDFS


def E(key: str) -> URIRef:
    return iri.entity(key)


def _triples(text: str) -> set[tuple]:
    return {(f.s, f.p, f.o) for f in analyse(Document("t", Path("t.txt"), text, 0)).facts}


@pytest.mark.parametrize("text, town, country", [
    ("Kantor cabang lainnya berlokasi di Nairobi (Kenya), Islamabad (Pakistan), dan Kairo (mesir).", "place/kairo", "place/mesir"),
    ("Pertemuan berikutnya digelar di Suwon (Korea Selatan) pekan depan.", "place/suwon", "place/korea-selatan"),
    ("Peserta datang dari Kitakyushu (Jepang) dan kota lain.", "place/kitakyushu", "place/jepang"),
])
def test_a_town_with_its_country_in_parentheses(text: str, town: str, country: str) -> None:
    found = _triples(text)
    assert (E(town), RDF.type, KG.City) in found
    assert (E(country), RDF.type, KG.Country) in found


def test_a_word_in_parentheses_that_is_no_country_vouches_for_nothing() -> None:
    places = {m.key for m in finder().find("Kegiatan Kairo (Kampung Inovasi Rakyat) digelar.") if m.kind == "place"}
    assert places == set()


def test_a_consulate_named_by_a_town_the_gazetteer_leaves_out() -> None:
    found = _triples("Pos Pemulangan melayani rujukan dari Konsulat Jenderal RI di Kuching Malaysia.")
    assert {o for s, p, o in found if s == E("org/kjri-kuching") and p == KG.basedIn} == \
        {E("place/kuching"), E("place/malaysia")}
    assert (E("place/kuching"), RDFS.label, next(o for s, p, o in found if s == E("place/kuching") and p == RDFS.label)) in found


@pytest.mark.parametrize("text, key", [
    ("Delegasi berkunjung ke Provinsi Gyeonggi, Korea Selatan.", "place/provinsi-gyeonggi"),
    ("Pekerja migran dipulangkan dari Negara Bagian Sabah, Malaysia.", "place/negara-bagian-sabah"),
])
def test_a_province_or_state_abroad_named_with_its_word(text: str, key: str) -> None:
    assert (E(key), RDF.type, KG.Province) in _triples(text)


def test_a_province_word_before_a_name_no_country_divides_by_is_no_place() -> None:
    places = {m.key for m in finder().find("Kerja sama Provinsi Sejahtera dimulai.") if m.kind == "place"}
    assert places == set()

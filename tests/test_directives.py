"""Directions a person gives, in the forms releases state them, and the ministry a title names."""

from __future__ import annotations

from pathlib import Path

import pytest

from kg.extract.document import Document
from kg.extract.pipeline import analyse
from kg.graph import iri
from kg.graph.vocab import KG, RDF


def _triples(text: str) -> set[tuple]:
    return {(f.s, f.p, f.o) for f in analyse(Document("t", Path("t.txt"), text, 0)).facts}


@pytest.mark.parametrize("text", [
    "Menteri Sosial Tri Rismaharini hadir. Mensos mengarahkan seluruh sentra melibatkan penyandang disabilitas.",
    "Menteri Sosial Tri Rismaharini hadir. Kini, atas arahan Bu Mensos, sentra memproduksi kursi roda.",
    "Menteri Sosial Tri Rismaharini menginstruksikan seluruh balai membuka layanan.",
])
def test_a_direction_given_by_a_person(text: str) -> None:
    found = _triples(text)
    assert {o for s, p, o in found if p == KG.issuedBy} == {iri.entity("person/tri-rismaharini")}


def test_a_person_merely_named_near_the_word_gives_no_direction() -> None:
    found = _triples("Menteri Sosial Tri Rismaharini hadir. Sentra mengarahkan penerima manfaat ke ruang kelas.")
    assert not {t for t in found if t[1] == KG.issuedBy}


def test_the_ministry_a_title_names_is_an_entity_of_the_release() -> None:
    found = _triples("Menteri Sosial Tri Rismaharini meninjau dapur umum.")
    assert (iri.entity("org/kementerian-sosial"), RDF.type, KG.Ministry) in found

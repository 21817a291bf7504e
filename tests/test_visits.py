"""Visits stated in the forms Indonesian news uses, each rule tested on sentences of its own."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import URIRef

from kg.extract.document import Document
from kg.extract.pipeline import analyse
from kg.graph import iri
from kg.graph.vocab import KG


def _triples(text: str) -> set[tuple]:
    doc = Document("t", Path("t.txt"), text, 0)
    return {(f.s, f.p, f.o) for f in analyse(doc).facts}


def E(key: str) -> URIRef:
    return iri.entity(key)


def _visited(found: set[tuple]) -> set[URIRef]:
    return {o for s, p, o in found if p == KG.visited}


def _leaders(found: set[tuple]) -> set[URIRef]:
    return {o for s, p, o in found if p == KG.leader}


def test_inaugurating_a_centre_is_a_visit_to_it() -> None:
    found = _triples("Menteri Sosial Tri Rismaharini meresmikan Sentra Handayani di Jakarta, Senin.")
    assert _visited(found) == {E("org/sentra-handayani")}
    assert _leaders(found) == {E("person/tri-rismaharini")}


def test_a_sentence_opening_with_a_pronoun_is_about_the_last_person_named() -> None:
    found = _triples('"Kami akan membantu," kata Dirjen Rehabilitasi Sosial Harry Hikmat di Bekasi. '
                     "Ia kemudian meninjau Sentra Pangudi Luhur bersama tim.")
    assert _leaders(found) == {E("person/harry-hikmat")}
    assert _visited(found) == {E("org/sentra-pangudiluhur")}


def test_a_pronoun_after_no_named_person_leads_no_visit() -> None:
    found = _triples("Ia kemudian meninjau Sentra Pangudi Luhur bersama tim.")
    assert _leaders(found) == set()


@pytest.mark.parametrize("text, guest, host", [
    ("Sentra Abiyoso menerima kunjungan dari perwakilan Library of Congress, pada 14 Juni 2022.",
     "org/library-of-congress", "org/sentra-abiyoso"),
    ("Balai Besar Rehabilitasi Sosial Penyandang Disabilitas Sensorik Netra menerima kunjungan delegasi KOICA.",
     "org/korea-international-cooperation-agency", None),
    ("Sentra Handayani menerima kunjungan kerja dari Japan International Cooperation Agency di Jakarta.",
     "org/japan-international-cooperation-agency", "org/sentra-handayani"),
])
def test_an_organisation_receiving_a_visit_from_another_is_visited_by_its_delegation(text: str, guest: str,
                                                                                     host: str | None) -> None:
    found = _triples(text)
    assert {o for s, p, o in found if p == KG.delegationOf} == {E(guest)}
    if host:
        assert _visited(found) == {E(host)}

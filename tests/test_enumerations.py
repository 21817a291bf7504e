"""Names listed after a class noun take the class noun's kind and the country among its modifiers."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import URIRef

from kg.extract.document import Document
from kg.extract.enumerations import find
from kg.extract.pipeline import analyse, finder
from kg.graph import iri
from kg.graph.vocab import KG, RDF


def E(key: str) -> URIRef:
    return iri.entity(key)


def _triples(text: str) -> set[tuple]:
    return {(f.s, f.p, f.o) for f in analyse(Document("t", Path("t.txt"), text, 0)).facts}


@pytest.mark.parametrize("text, listed, kind, country", [
    ("Program ini difasilitasi lembaga pelatihan internasional Korea, seperti World Vision Korea, Korea Institute for "
     "Development Strategy (KDS), dan Rebach International.",
     ["org/world-vision-korea", "org/korea-institute-for-development-strategy", "org/rebach-international"],
     KG.EducationalInstitution, "place/korea-selatan"),
    ("Kemensos menggandeng perusahaan Jepang, antara lain Sun Aqua Works dan Kitakyushu Trading.",
     ["org/sun-aqua-works", "org/kitakyushu-trading"], KG.Company, "place/jepang"),
    ("Bantuan datang dari berbagai organisasi, yakni Rumah Zakat, Dompet Dhuafa serta Aksi Cepat Tanggap.",
     ["org/rumah-zakat", "org/dompet-dhuafa", "org/aksi-cepat-tanggap"], KG.Organisation, None),
])
def test_listed_names_take_the_kind_and_country_of_the_class_noun(text: str, listed: list[str], kind: URIRef,
                                                                  country: str | None) -> None:
    found = _triples(text)
    for key in listed:
        assert (E(key), RDF.type, kind) in found
        based = {o for s, p, o in found if s == E(key) and p == KG.basedIn}
        assert based == ({E(country)} if country else set())


def test_a_known_name_in_a_listing_keeps_its_own_reading() -> None:
    found = _triples("Kerja sama dengan lembaga seperti Kementerian Sosial dan Japan International Cooperation Agency.")
    assert (E("org/kementerian-sosial"), RDF.type, KG.Ministry) in found
    assert not {s for s, p, o in found if p == RDF.type and "kementerian-sosial-dan" in str(s)}


def test_a_class_noun_inside_a_name_starts_no_listing() -> None:
    text = "Lembaga Kesejahteraan Sosial Anak seperti Panti Asuhan Bina Remaja hadir."
    listed, _ = find(text, finder().find(text))
    assert listed == []


def test_a_name_listed_after_kabupaten_is_the_regency_not_the_city() -> None:
    found = _triples("Gunung Semeru berada di dua kabupaten, yakni Malang dan Lumajang, Jawa Timur.")
    assert (E("place/kabupaten-malang"), RDF.type, KG.Regency) in found
    assert (E("place/malang"), RDF.type, KG.City) not in found

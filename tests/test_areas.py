"""Districts and villages: found by their title word, placed inside the places the release names."""

from __future__ import annotations

from pathlib import Path

from rdflib import Literal

from kg.extract.document import Document
from kg.extract.pipeline import analyse
from kg.graph import iri
from kg.graph.vocab import KG, RDF


def _triples(text: str) -> set[tuple]:
    return {(f.s, f.p, f.o) for f in analyse(Document("t", Path("t.txt"), text, 0)).facts}


def test_districts_are_placed_in_the_regency_the_release_names() -> None:
    found = _triples("Lumbung sosial didirikan di Kecamatan Cibinong dan Kecamatan Sukanagara, Kabupaten Cianjur.")
    # Cibinong in Cianjur (the decree spells it "Cubinong"), not the better-known Cibinong in Bogor
    assert (iri.entity("place/cibinong-cianjur"), RDF.type, KG.District) in found
    assert (iri.entity("place/cibinong-cianjur"), KG.kemendagriCode, Literal("32.03.20")) in found
    assert (iri.entity("place/sukanagara-cianjur"), KG.kemendagriCode, Literal("32.03.14")) in found
    assert not any(str(s).endswith("cibinong-bogor") for s, _, _ in found)


def test_a_village_is_placed_in_the_district_the_release_names() -> None:
    found = _triples("Tim LDP mendatangi Desa Penanggal, Kecamatan Candipuro, Kabupaten Lumajang.")
    assert (iri.entity("place/candipuro-lumajang"), RDF.type, KG.District) in found
    assert (iri.entity("place/penanggal-candipuro"), RDF.type, KG.Village) in found


def test_a_district_name_that_is_not_in_the_named_regency_is_left_out() -> None:
    found = _triples("Bantuan disalurkan ke Kecamatan Sukanagara, Kabupaten Bogor.")
    assert not any(o in (KG.District, KG.Village) for _, _, o in found)

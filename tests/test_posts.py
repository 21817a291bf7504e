"""Posts whose organisation a title names through a place or a parliamentary commission, tested
on sentences in the forms Indonesian news uses."""

from __future__ import annotations

from pathlib import Path

from rdflib import URIRef

from kg.extract.document import Document
from kg.extract.pipeline import analyse
from kg.graph import iri
from kg.graph.vocab import KG, ORG, RDF, RDFS, SDO


def _triples(text: str) -> set[tuple]:
    doc = Document("t", Path("t.txt"), text, 0)
    return {(f.s, f.p, f.o) for f in analyse(doc).facts}


def E(key: str) -> URIRef:
    return iri.entity(key)


def _holds(triples: set[tuple], person: str) -> set[URIRef]:
    """The organisations the person holds a post in."""
    posts = {o for s, p, o in triples if s == E(person) and p == ORG.holds}
    return {o for s, p, o in triples if s in posts and p == ORG.postIn}


def test_a_regent_heads_the_government_of_the_regency() -> None:
    found = _triples("Bupati Magelang Zaenal Arifin hadir di Kabupaten Magelang, Jawa Tengah.")
    assert _holds(found, "person/zaenal-arifin") == {E("org/pemerintah-kabupaten-magelang")}
    assert (E("org/pemerintah-kabupaten-magelang"), RDF.type, KG.LocalGovernment) in found
    assert (E("org/pemerintah-kabupaten-magelang"), KG.basedIn, E("place/kabupaten-magelang")) in found


def test_an_ambassador_heads_the_embassy_of_the_country() -> None:
    found = _triples("Menteri Sosial menerima kunjungan Duta Besar Jepang Masafumi Ishii di Jakarta.")
    assert _holds(found, "person/masafumi-ishii") == {E("org/kedutaan-besar-jepang")}
    assert (E("org/kedutaan-besar-jepang"), RDF.type, KG.Embassy) in found


def test_a_village_head_heads_the_village_government() -> None:
    found = _triples("Tim bertemu Kepala Desa Penanggal yaitu Bapak Cik Ono beserta jajarannya.")
    assert _holds(found, "person/cik-ono") == {E("org/pemerintah-desa-penanggal")}


def test_a_deputy_chair_of_a_dpr_commission_named_without_dpr() -> None:
    found = _triples("Hadir pula Wakil Ketua Komisi VIII Rieke Diah Pitaloka di lokasi.")
    assert _holds(found, "person/rieke-diah-pitaloka") == {E("org/komisi-viii-dewan-perwakilan-rakyat")}
    assert (E("org/komisi-viii-dewan-perwakilan-rakyat"), ORG.unitOf, E("org/dewan-perwakilan-rakyat")) in found


def test_an_organisation_name_after_a_title_is_not_a_person() -> None:
    found = _triples("Hal itu disampaikan Ketua Lembaga Asosiasi Pekerja Sosial Shin Young Joo di Seoul.")
    people = {s for s, p, o in found if p == RDF.type and o == KG.Person}
    assert not any("/person/lembaga" in str(person) for person in people)


def test_an_ambassador_of_korea_named_after_a_comma() -> None:
    found = _triples("Mensos menerima Duta Besar Korea, Kim Changbeom dalam sesi berbeda.")
    assert _holds(found, "person/kim-changbeom") == {E("org/kedutaan-besar-korea-selatan")}


def test_a_minister_receiving_a_visit_hosts_it_at_the_ministry() -> None:
    found = _triples("Menteri Sosial Juliari P. Batubara menerima kunjungan dari Duta Besar Jepang Masafumi Ishii.")
    visits = {s for s, p, o in found if p == KG.leader and o == E("person/masafumi-ishii")}
    assert len(visits) == 1
    parts = {o for s, p, o in found if s in visits and p == SDO.subEvent}
    assert {o for s, p, o in found if s in parts and p == KG.visited} == {E("org/kementerian-sosial")}
    assert {o for s, p, o in found if s in parts and p == KG.host} == {E("person/juliari-p-batubara")}


def test_the_place_of_an_office_stops_where_the_name_of_its_officer_starts() -> None:
    found = _triples("Sekretaris Dinas Sosial Kabupaten Cianjur Dindin Amaludin menyatakan lumbung sosial menjadi solusi.")
    assert _holds(found, "person/dindin-amaludin") == {E("org/dinas-sosial-kabupaten-cianjur")}
    assert (E("org/dinas-sosial-kabupaten-cianjur"), KG.basedIn, E("place/cianjur")) in found


def test_a_visit_is_labelled_by_its_release_title_and_date_not_its_file_name() -> None:
    doc = Document("2020-02-27-dubes-jepang", Path("x.txt"), "Menteri Sosial Juliari P. Batubara menerima kunjungan "
                   "dari Duta Besar Jepang Masafumi Ishii.", 0, {"title": "Dubes Jepang Temui Mensos", "date": "2020-02-27"})
    labels = {str(f.o) for f in analyse(doc).facts if f.s == E("visit/2020-02-27-dubes-jepang") and f.p == RDFS.label}
    assert labels == {"Kunjungan: Dubes Jepang Temui Mensos, 2020-02-27", "Visit: Dubes Jepang Temui Mensos, 2020-02-27"}


def test_a_named_delegation_comes_to_a_place_and_its_companions_are_not_visited() -> None:
    found = _triples('Sebanyak sembilan delegasi KOICA datang ke BRSAMPK "Handayani" di Jakarta dengan didampingi '
                     "oleh Biro Perencanaan Kementerian Sosial RI.")
    visits = {s for s, p, o in found if p == KG.delegationOf and o == E("org/korea-international-cooperation-agency")}
    assert len(visits) == 1
    visited = {o for s, p, o in found if p == KG.visited}
    assert visited == {E("org/balai-handayani")}


def test_acting_holders_district_heads_and_village_heads_of_a_kelurahan() -> None:
    found = _triples("Plt. Kepala Dinas Sosial Kabupaten Cianjur Asep Suparman hadir bersama Camat Cugenang "
                     "Darwis Sulaeman dan Lurah Cibubur Budi Santoso.")
    assert _holds(found, "person/asep-suparman") == {E("org/dinas-sosial-kabupaten-cianjur")}
    assert _holds(found, "person/darwis-sulaeman") == {E("org/kecamatan-cugenang")}
    assert _holds(found, "person/budi-santoso") == {E("org/kelurahan-cibubur")}


def test_a_visit_of_a_named_person_and_those_who_came_with_them() -> None:
    found = _triples("Bantuan diserahkan bersamaan dengan kunjungan Wakil Ketua Komisi VIII Rieke Diah Pitaloka yang "
                     "hadir bersama Direktur Jenderal Rehabilitasi Sosial Pepen Nazaruddin saat berkunjung ke Cianjur.")
    visits = {s for s, p, o in found if p == KG.leader and o == E("person/rieke-diah-pitaloka")}
    assert len(visits) == 1
    assert {o for s, p, o in found if s in visits and p == KG.member} == {E("person/pepen-nazaruddin")}


def test_a_title_in_lower_case_names_a_post_with_its_organisation() -> None:
    found = _triples("Kunjungan didampingi anggota Komisi VIII DPR RI Selly Andriany Gantina dan kepala Dinas Sosial "
                     "Kabupaten Cianjur Dindin Amaludin.")
    assert _holds(found, "person/selly-andriany-gantina") == {E("org/komisi-viii-dewan-perwakilan-rakyat")}
    assert _holds(found, "person/dindin-amaludin") == {E("org/dinas-sosial-kabupaten-cianjur")}


def test_a_lower_case_title_word_without_an_organisation_names_no_post() -> None:
    found = _triples('"Biar nanti bisa jalan," kata Harry Hikmat sambil mengelus kepala Wildan. Ia kepala keluarga.')
    assert not {t for t in found if t[1] == ORG.holds}
    assert (E("person/wildan"), RDF.type, KG.Person) not in found


def test_a_director_of_a_directorate_named_in_full_by_perpres_110() -> None:
    found = _triples("Direktur Perlindungan Sosial Korban Bencana Alam Adrianus Alla menyampaikan bantuan telah disalurkan.")
    assert _holds(found, "person/adrianus-alla") == {E("org/direktorat-perlindungan-sosial-korban-bencana-alam")}

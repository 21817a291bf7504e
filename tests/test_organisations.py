"""Organisation facts a name states with its neighbours: where a sentra is, what a unit is part of."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import URIRef

from kg.extract.document import Document
from kg.extract.pipeline import analyse
from kg.graph import iri
from kg.graph.vocab import KG, ORG, RDF, SDO


def E(key: str) -> URIRef:
    return iri.entity(key)


def _triples(text: str) -> set[tuple]:
    return {(f.s, f.p, f.o) for f in analyse(Document("t", Path("t.txt"), text, 0)).facts}


@pytest.mark.parametrize("text, sentra, place", [
    ('Dirjen meninjau Balai Besar Disabilitas "Prof. Dr. Soeharso" Surakarta kemarin.', "org/balai-soeharso", "place/surakarta"),
    ("Menteri meresmikan Balai Anak Antasena di Kabupaten Magelang, Jawa Tengah.", "org/balai-antasena", "place/kabupaten-magelang"),
    ("Kepala Balai Antasena Magelang Faisal hadir. Lokasinya di Kabupaten Magelang.", "org/balai-antasena",
     "place/kabupaten-magelang"),
    ("Alat bantu diproduksi di Sentra Terpadu Prof. Dr. Soeharso Surakarta.", "org/sentra-soeharso", "place/surakarta"),
    ('KOICA datang ke BRSAMPK "Handayani" di Jakarta untuk menjajaki kerja sama.', "org/balai-handayani", "place/jakarta"),
])
def test_a_sentra_is_where_the_place_after_its_name_is(text: str, sentra: str, place: str) -> None:
    found = _triples(text)
    assert (E(sentra), KG.basedIn, E(place)) in found
    assert (E(sentra), ORG.unitOf, E("org/kementerian-sosial")) in found


def test_a_unit_named_by_a_title_is_part_of_the_ministry_named_after_it() -> None:
    found = _triples("Direktur Jenderal Rehabilitasi Sosial Kemensos Harry Hikmat melaporkan evaluasi program.")
    assert (E("org/direktorat-jenderal-rehabilitasi-sosial"), ORG.unitOf, E("org/kementerian-sosial")) in found


def test_a_unit_with_its_short_form_before_the_ministry_is_part_of_it() -> None:
    found = _triples("Sivitas Politeknik Kesejahteraan Sosial (Poltekesos) Kemensos hadir.")
    assert (E("org/politeknik-kesejahteraan-sosial-bandung"), ORG.unitOf, E("org/kementerian-sosial")) in found


def test_a_ministry_beside_another_ministry_is_not_its_unit() -> None:
    found = _triples("Kementerian Luar Negeri Kementerian Sosial bertemu.")
    assert not {t for t in found if t[1] == ORG.unitOf}


def test_a_programme_named_with_its_organisation_and_a_list_of_an_organisations_programmes() -> None:
    found = _triples("Kemensos meninjau Sentra Kreasi ATENSI (SKA) Balai Anak Antasena. Sentra menjadi pusat "
                     "pemasaran program-program Kemensos seperti PKH, KUBE, Program Kewirausahaan Sosial (Prokus) dan BST.")
    provided = {(s, o) for s, p, o in found if p == SDO.provider}
    assert (E("program/sentra-kreasi-atensi"), E("org/balai-antasena")) in provided
    for programme in ("program-keluarga-harapan", "kelompok-usaha-bersama", "program-kewirausahaan-sosial",
                      "bantuan-sosial-tunai"):
        assert (E(f"program/{programme}"), E("org/kementerian-sosial")) in provided


@pytest.mark.parametrize("text, programme", [
    ("Sekolah Rakyat sebagai bagian dari ikhtiar Kementerian Sosial menyasar kelompok miskin.", "program/sekolah-rakyat"),
    ("Bantuan melalui PKH yang dijalankan oleh Kementerian Sosial terus berlanjut.", "program/program-keluarga-harapan"),
    ("Program Kewirausahaan Sosial (Prokus) milik Kementerian Sosial dibuka lagi.", "program/program-kewirausahaan-sosial"),
])
def test_an_organisation_after_a_programme_and_a_cue_runs_it(text: str, programme: str) -> None:
    provided = {(s, o) for s, p, o in _triples(text) if p == SDO.provider}
    assert provided == {(E(programme), E("org/kementerian-sosial"))}


def test_an_organisation_after_a_programme_without_a_cue_does_not_run_it() -> None:
    found = _triples("Sekolah Rakyat dan Kementerian Sosial hadir di sini.")
    assert not {t for t in found if t[1] == SDO.provider}


@pytest.mark.parametrize("text, embassy, city", [
    ("Diinformasikan bahwa KBRI Phnom Penh telah melakukan pendataan.", "org/kbri-phnom-penh", "place/phnom-penh"),
    ("Rumah Perlindungan melayani rujukan dari Konsulat Jenderal RI di Johor Bahru.", "org/kjri-johor-bahru", "place/johor-bahru"),
])
def test_an_indonesian_mission_is_named_by_its_city(text: str, embassy: str, city: str) -> None:
    found = _triples(text)
    assert (E(embassy), KG.basedIn, E(city)) in found
    assert E("org/kedutaan-besar-ri") not in {s for s, _, _ in found}


@pytest.mark.parametrize("text, mission, city, country", [
    ("Informasi dari Kedutaan Besar Republik Indonesia (KBRI) di Phnom Penh, Kamboja diterima.", "org/kbri-phnom-penh",
     "place/phnom-penh", "place/kamboja"),
    ("Rujukan dari Konsulat Jenderal RI (KJRI) di Johor Bahru masuk kemarin.", "org/kjri-johor-bahru",
     "place/johor-bahru", "place/malaysia"),
])
def test_an_indonesian_mission_in_a_city_is_in_its_country(text: str, mission: str, city: str, country: str) -> None:
    based = {o for s, p, o in _triples(text) if s == E(mission) and p == KG.basedIn}
    assert based == {E(city), E(country)}


def test_a_foreign_embassy_is_not_placed_in_the_country_it_represents() -> None:
    based = {o for s, p, o in _triples("Kedutaan Besar Jepang di Jakarta menggelar acara.") if p == KG.basedIn}
    assert E("place/jepang") not in based


def test_a_province_spelt_with_capitals_and_a_balai_acronym_in_parentheses() -> None:
    found = _triples("Ditjen Rehsos bekerja sama dengan Pemerintah Provinsi DKI Jakarta. Balai Besar Rehabilitasi "
                     'Vokasional Penyandang Disabilitas (BBRVPD) "Cibinong" Bogor milik Kemensos.')
    assert (E("org/pemerintah-provinsi-dki-jakarta"), KG.basedIn, E("place/dki-jakarta")) in found
    assert (E("org/balai-cibinong"), KG.basedIn, E("place/bogor")) in found


def test_social_service_facilities_and_english_organisation_names() -> None:
    found = _triples("Sebanyak 277 orang berada di Rumah Perlindungan Trauma Center (RPTC) Tanjung Pinang dan 70 orang "
                     "di Pos Pemulangan Pontianak, serta Panti Sosial Bina Remaja (PSBR) Taruna Jaya 1 milik Dinas Sosial "
                     "Provinsi DKI Jakarta. Delegasi mengunjungi Korean Association of Social Worker dan Library of Congress.")
    types = {s: o for s, p, o in found if p == RDF.type}
    assert types[E("org/rumah-perlindungan-trauma-center-tanjung-pinang")] == KG.ServiceCentre
    assert types[E("org/panti-sosial-bina-remaja-taruna-jaya-1")] == KG.ServiceCentre
    assert (E("org/pos-pemulangan-pontianak"), KG.basedIn, E("place/pontianak")) in found
    assert types[E("org/korean-association-of-social-worker")] == KG.Organisation
    assert types[E("org/library-of-congress")] == KG.Organisation


def test_a_known_unit_named_with_its_parent_is_part_of_it_and_alone_is_not_stated_so() -> None:
    found = _triples("Delegasi didampingi Biro Perencanaan Kementerian Sosial RI dan Bareskrim Polri.")
    assert (E("org/biro-perencanaan-kemensos"), ORG.unitOf, E("org/kementerian-sosial")) in found
    assert (E("org/badan-reserse-kriminal-kepolisian-negara"), ORG.unitOf, E("org/kepolisian-negara")) in found
    alone = _triples("Delegasi didampingi Biro Perencanaan dan Bareskrim.")
    assert not {t for t in alone if t[1] == ORG.unitOf}


def test_an_organisation_named_after_a_foreign_country_is_based_there_but_not_an_embassy() -> None:
    found = _triples("KOICA dan JICA bertemu Kedutaan Besar Jepang dan Kementerian Sosial RI.")
    based = {(s, o) for s, p, o in found if p == KG.basedIn}
    assert (E("org/korea-international-cooperation-agency"), E("place/korea-selatan")) in based
    assert (E("org/japan-international-cooperation-agency"), E("place/jepang")) in based
    assert not {s for s, _ in based} & {E("org/kedutaan-besar-jepang"), E("org/kementerian-sosial")}


def test_organisation_names_of_several_words_in_any_case_and_a_parent_named_inside_a_unit() -> None:
    found = _triples("Kementerian sosial menyiapkan kursi roda bersama Biro Perencanaan Kementerian Sosial RI.")
    types = {s: o for s, p, o in found if p == RDF.type}
    assert types[E("org/kementerian-sosial")] == KG.Ministry
    lone = _triples("Warga malang itu dibantu.")
    assert not {s for s, p, o in lone if p == RDF.type and o in (KG.City, KG.Regency)}


def test_a_facility_milik_an_organisation_is_its_unit() -> None:
    found = _triples("Dana untuk Panti Sosial Bina Remaja (PSBR) Taruna Jaya 1 milik Dinas Sosial Provinsi DKI Jakarta.")
    assert (E("org/panti-sosial-bina-remaja-taruna-jaya-1"), ORG.unitOf, E("org/dinas-sosial-provinsi-dki-jakarta")) in found


def test_a_short_form_in_parentheses_stands_for_the_name_elsewhere_in_the_release() -> None:
    a = analyse(Document("t", Path("t.txt"), "Perwakilan Library of Congress (LC) berkunjung. Terdapat enam kantor "
                         "cabang utama LC dan lebih dari 173 juta koleksi yang dimiliki LC.", 0))
    lc = [m for m in a.mentions if m.kind == "org" and m.text == "LC"]
    assert len(lc) == 3 and {m.key for m in lc} == {"org/library-of-congress"}
    about = {f.s for f in a.facts if f.p == KG.statisticOf and f.o == E("org/library-of-congress")}
    assert len(about) == 2


@pytest.mark.parametrize("text, org, person", [
    ("Delegasi berkunjung ke kantor Korean Association of Social Worker atau Lembaga Asosiasi Pekerja Sosial. "
     "Hal itu disampaikan Ketua Lembaga Asosiasi Pekerja Sosial Shin Young Joo.",
     "org/korean-association-of-social-worker", "person/shin-young-joo"),
    ("Tim bertemu Korean National Council of Social Welfare yang dikenal sebagai Dewan Nasional Kesejahteraan Sosial. "
     "Sambutan diberikan Ketua Dewan Nasional Kesejahteraan Sosial Kim Min Jae.",
     "org/korean-national-council-of-social-welfare", "person/kim-min-jae"),
])
def test_another_name_given_to_an_organisation_names_it_again_later(text: str, org: str, person: str) -> None:
    found = _triples(text)
    posts = {o for s, p, o in found if s == E(person) and p == ORG.holds}
    assert {o for s, p, o in found if s in posts and p == ORG.postIn} == {E(org)}


@pytest.mark.parametrize("text, programme, providers", [
    ('Kementerian Sosial RI melalui Balai "Margo Laras" Pati melaksanakan kegiatan respon kedaruratan dan layanan '
     "dukungan psikososial.", "program/layanan-dukungan-psikososial", {"org/kementerian-sosial", "org/balai-margolaras"}),
    ("Kementerian Sosial melalui Direktorat Rehabilitasi Sosial Anak menggelar Sosialisasi Program ATENSI di Bali.",
     "program/atensi", {"org/kementerian-sosial", "org/direktorat-rehabilitasi-sosial-anak"}),
])
def test_a_ministry_runs_a_programme_through_its_unit(text: str, programme: str, providers: set[str]) -> None:
    found = _triples(text)
    assert {o for s, p, o in found if s == E(programme) and p == SDO.provider} == {E(key) for key in providers}


@pytest.mark.parametrize("text, unit, parent", [
    ("Direktorat Rehabilitasi Sosial Lanjut Usia menggelar pelatihan bagi pendamping.",
     "org/direktorat-rehabilitasi-sosial-lanjut-usia", "org/direktorat-jenderal-rehabilitasi-sosial"),
    ("Direktorat Jaminan Sosial Keluarga menyalurkan bantuan.", "org/direktorat-jaminan-sosial-keluarga",
     "org/kementerian-sosial"),
    ("Informasi diterima Direktorat Pelindungan WNI dari perwakilan di luar negeri.", "org/direktorat-pelindungan-wni", None),
    ("Data dihimpun Direktorat Kesehatan Jiwa bersama dinas.", "org/direktorat-kesehatan-jiwa", None),
])
def test_a_directorate_outside_the_ministrys_fields_is_not_its_unit(text: str, unit: str, parent: str | None) -> None:
    found = _triples(text)
    assert (E(unit), RDF.type, KG.OrganisationalUnit) in found
    parents = {o for s, p, o in found if s == E(unit) and p == ORG.unitOf}
    assert parents == ({E(parent)} if parent else set())


@pytest.mark.parametrize("text, org, kind", [
    ("Kemensos dan United Nations Children's Fund (UNICEF) menandatangani nota kesepahaman.",
     "org/united-nations-children-s-fund", KG.Organisation),
    ("Bantuan juga datang dari World Health Organization di Jakarta.", "org/world-health-organization", KG.Organisation),
    ("Kegiatan dihadiri perwakilan Yayasan Sayap Ibu dan warga.", "org/yayasan-sayap-ibu", KG.Organisation),
])
def test_organisations_named_by_their_head_noun(text: str, org: str, kind: URIRef) -> None:
    assert (E(org), RDF.type, kind) in _triples(text)

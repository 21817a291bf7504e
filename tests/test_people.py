"""Stage 2, people: the cues besides a title right before the name — apposition, verbs of saying,
honorifics, nicknames — and what is never a person's name."""

from __future__ import annotations

import pytest

from kg.extract import entities
from kg.extract.mentions import Mention, MentionFinder


@pytest.fixture(scope="module")
def finder() -> MentionFinder:
    return MentionFinder()


def people(finder: MentionFinder, text: str) -> dict[str, tuple[str, str]]:
    """Surface → (key, rule) of every person mention after resolution."""
    found: list[Mention] = entities.resolve(finder.find(text), text)
    return {m.text: (m.key, m.attrs.get("rule", "")) for m in found if m.kind == "person"}


def test_a_name_set_off_before_a_title_holds_it(finder: MentionFinder) -> None:
    text = "Kerja sama ini disambut baik oleh Neneng Heryani, Kepala Sentra Handayani, di Jakarta."
    found = finder.find(text)
    person = next(m for m in found if m.kind == "person")
    assert (person.text, person.attrs["rule"]) == ("Neneng Heryani", "name-comma-title")
    assert [r.text for r in person.attrs["chain"]["roles"]] == ["Kepala"]


@pytest.mark.parametrize("verb", ["kata", "ujar", "ungkap", "jelas", "tutur"])
def test_a_verb_of_saying_introduces_a_name_even_of_one_word(finder: MentionFinder, verb: str) -> None:
    text = f'"Kami siap membantu warga," {verb} Wildan di lokasi pengungsian.'
    assert people(finder, text) == {"Wildan": ("person/wildan", "name-after-verb-of-saying")}


def test_a_short_name_after_a_verb_of_saying_is_the_person_named_in_full(finder: MentionFinder) -> None:
    text = 'Mr. Kim Sejin mengatakan tertarik. "Kami memiliki outline project," sebut Kim.'
    assert people(finder, text) == {"Kim Sejin": ("person/kim-sejin", "name-after-honorific"),
                                    "Kim": ("person/kim-sejin", "short-name")}


def test_honorifics_introduce_names_but_ibu_kota_is_a_capital(finder: MentionFinder) -> None:
    text = "Bantuan diterima Bapak Cik Ono. Ibu Kota Nusantara dibangun."
    assert people(finder, text) == {"Cik Ono": ("person/cik-ono", "name-after-honorific")}


def test_a_nickname_after_atau_is_the_same_person(finder: MentionFinder) -> None:
    text = ("Menteri Sosial (Mensos), Saifullah Yusuf atau Gus Ipul menegaskan fungsi sentra. "
            '"Itu tetap jalan," ujar Gus Ipul.')
    found = people(finder, text)
    assert found["Saifullah Yusuf"] == ("person/saifullah-yusuf", "title-before-name")
    assert found["Gus Ipul"][0] == "person/saifullah-yusuf"
    assert {key for key, _ in found.values()} == {"person/saifullah-yusuf"}


def test_ri_after_a_title_and_a_misspelt_unit_word_are_not_names(finder: MentionFinder) -> None:
    text = ("Menteri Sosial RI, Juliari P. Batubara menerima kunjungan. Direktur Jenderal Rehabilasi Sosial "
            "Kementerian Sosial RI Harry Hikmat meninjau kesiapan.")
    assert {key for key, _ in people(finder, text).values()} == {"person/juliari-p-batubara", "person/harry-hikmat"}


def test_places_and_organisations_are_never_people(finder: MentionFinder) -> None:
    text = '"Semua siap," kata Jakarta. "Kami hadir," ujar Kemensos.'
    assert people(finder, text) == {}


def test_an_acronym_in_parentheses_after_a_title_is_skipped(finder: MentionFinder) -> None:
    text = "Hadir Dirjen Penanganan Fakir Miskin (PFM) Asep Sasa Purnama di lokasi."
    person = next(m for m in finder.find(text) if m.kind == "person")
    assert person.text == "Asep Sasa Purnama"
    assert person.attrs["chain"]["unit"] == "Direktorat Jenderal Penanganan Fakir Miskin"


def test_a_verb_of_saying_opening_a_line_or_glued_to_the_quote(finder: MentionFinder) -> None:
    text = '"Kami dampingi terus,"kata Harry Hikmat.\n"Mereka dipulangkan" Ujar Firmansyah Arifin'
    assert {key for key, _ in people(finder, text).values()} == {"person/harry-hikmat", "person/firmansyah-arifin"}


def test_a_name_before_selaku_stands_when_the_title_is_cut_off(finder: MentionFinder) -> None:
    text = "Muhammad Sahreja selaku\npetugas hadir."
    assert people(finder, text) == {"Muhammad Sahreja": ("person/muhammad-sahreja", "name-selaku")}


@pytest.mark.parametrize("verb", ["disampaikan", "dibuka", "diserahkan", "ditandatangani"])
def test_a_name_after_a_passive_verb_and_oleh(finder: MentionFinder, verb: str) -> None:
    text = f"Bantuan itu {verb} oleh Agus Santoso di balai desa, bukan oleh Kementerian Sosial."
    assert people(finder, text) == {"Agus Santoso": ("person/agus-santoso", "name-after-cue")}


@pytest.mark.parametrize("text, names", [
    ("Tim mengidentifikasi ibu yang memiliki 2 orang anak Sulianto dan Agus Rudi Hartono.", {"Sulianto", "Agus Rudi Hartono"}),
    ("Ia datang bersama istrinya Siti Aminah ke posko.", {"Siti Aminah"}),
    ("Bantuan diterima ayah bernama Slamet, Wagiman dan Tukiran.", {"Slamet", "Wagiman", "Tukiran"}),
])
def test_names_after_a_kinship_noun_are_people(finder: MentionFinder, text: str, names: set[str]) -> None:
    assert set(people(finder, text)) == names


def test_a_place_or_an_organisation_after_a_kinship_noun_is_no_person(finder: MentionFinder) -> None:
    text = "Program untuk anak Indonesia dan anak Sekolah Rakyat, yakni disabilitas, anak, Narkotika dan lansia."
    assert people(finder, text) == {}


@pytest.mark.parametrize("text, name", [
    ("Ayu Larasati merupakan seorang mantan Tenaga Kerja Indonesia dari Malaysia.", "Ayu Larasati"),
    ("Menurut warga, Sumarni adalah salah seorang penyintas erupsi.", "Sumarni"),
])
def test_a_name_the_copula_describes_as_someone_is_a_person(finder: MentionFinder, text: str, name: str) -> None:
    assert set(people(finder, text)) == {name}


def test_an_organisation_described_with_seorang_is_no_person(finder: MentionFinder) -> None:
    assert people(finder, "Kementerian Sosial merupakan seorang mitra bagi daerah.") == {}


@pytest.mark.parametrize("text, name", [
    ("Salah satu pengungsi, Siti Aminah (54), merupakan seorang buruh tani.", "Siti Aminah"),
    ("Bantuan diterima Budi Santoso (usia 67) di rumahnya.", "Budi Santoso"),
    ("Bupati Demak Eisti'anah menyampaikan terima kasih.", "Eisti'anah"),
])
def test_a_name_with_an_age_in_parentheses_or_an_apostrophe_is_one_person(finder: MentionFinder, text: str,
                                                                          name: str) -> None:
    assert set(people(finder, text)) == {name}


def test_one_capitalised_word_with_a_number_in_parentheses_is_no_person(finder: MentionFinder) -> None:
    assert people(finder, "Kelompok Lansia (60) dan Balita (25) menerima makanan.") == {}


def test_a_shorter_name_of_several_words_after_a_verb_of_saying_is_the_person_named_in_full(finder: MentionFinder) -> None:
    text = 'Wakil Menteri Sosial Agus Jabo Priyono hadir. "Sekolah ini ikhtiar negara," ujar Agus Jabo.'
    assert {key for key, _ in people(finder, text).values()} == {"person/agus-jabo-priyono"}

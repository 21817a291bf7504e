"""Stage 3, entities: one key per thing whatever the surface form — short names, titles alone,
short forms of organisations named in full — and the table of entities a document names."""

from __future__ import annotations

import pytest

from kg.build.inputs import DEFAULT_CORPUS
from kg.extract import entities
from kg.extract.document import read_document
from kg.extract.mentions import Mention, MentionFinder
from kg.extract.text import normalise

FOUNDING = DEFAULT_CORPUS / "2022-11-09-delegasi-kemensos-fukuoka.txt"
DEV = DEFAULT_CORPUS / "dev"


@pytest.fixture(scope="module")
def finder() -> MentionFinder:
    return MentionFinder()


def resolved(finder: MentionFinder, text: str) -> list[Mention]:
    return entities.resolve(finder.find(text), text)


def at(mentions: list[Mention], text: str, surface: str, nth: int = 0) -> list[Mention]:
    """Mentions starting where the nth occurrence of `surface` starts."""
    pos = -1
    for _ in range(nth + 1):
        pos = text.index(surface, pos + 1)
    return [m for m in mentions if m.start == pos and m.end == pos + len(surface)]


def person_at(mentions: list[Mention], text: str, surface: str, nth: int = 0) -> Mention:
    found = [m for m in at(mentions, text, surface, nth) if m.kind == "person"]
    assert len(found) == 1, [(m.kind, m.text, m.key) for m in mentions]
    return found[0]


# -- short names -------------------------------------------------------------------------------------


def test_first_name_resolves_to_the_person_named_in_full(finder: MentionFinder) -> None:
    text = ("Delegasi Kemensos dipimpin oleh Sekretaris Jenderal Harry Hikmat. Dalam kesempatan tersebut, Harry "
            'menyatakan Indonesia rawan bencana. "Kami bekerja," kata Harry.')
    mentions = resolved(finder, text)
    for nth in (1, 2):
        harry = person_at(mentions, text, "Harry", nth)
        assert harry.key == "person/harry-hikmat"
        assert harry.label == "Harry Hikmat"
        assert harry.attrs["rule"] == "short-name"
    full = person_at(mentions, text, "Harry Hikmat")
    assert full.key == "person/harry-hikmat"
    assert len([m for m in mentions if m.key == "person/harry-hikmat"]) == 3


def test_first_name_before_the_full_name_resolves_too(finder: MentionFinder) -> None:
    text = "Harry hadir lebih awal. Sekretaris Jenderal Harry Hikmat datang."
    mentions = resolved(finder, text)
    assert person_at(mentions, text, "Harry").key == "person/harry-hikmat"


def test_a_first_name_shared_by_two_people_is_left_alone(finder: MentionFinder) -> None:
    text = "Sekretaris Jenderal Harry Hikmat dan Direktur Harry Susanto hadir. Harry menyatakan siap."
    mentions = resolved(finder, text)
    assert {m.key for m in mentions if m.kind == "person"} == {"person/harry-hikmat", "person/harry-susanto"}
    assert at(mentions, text, "Harry", 2) == []


def test_resolving_does_not_touch_a_name_inside_a_longer_name(finder: MentionFinder) -> None:
    text = "Wakil Presiden Yuko Tomoguchi menerima rombongan. Kepada Yuko, Harry menyatakan siap."
    mentions = resolved(finder, text)
    yuko = person_at(mentions, text, "Yuko", 1)
    assert yuko.key == "person/yuko-tomoguchi"
    assert [m.key for m in mentions if m.kind == "person" and m.start == text.index("Yuko")] == [
        "person/yuko-tomoguchi"
    ]
    assert [m for m in mentions if m.kind == "person" and m.text == "Yuko" and m.start == text.index("Yuko")] == []
    # "Harry" names nobody in full here, so it stays unresolved
    assert at(mentions, text, "Harry") == []


# -- titles alone -------------------------------------------------------------------------------------------


def test_mensos_resolves_to_the_menteri_sosial_named_in_the_text(finder: MentionFinder) -> None:
    text = ("KBRI akan membantu program Kemensos di bawah kepemimpinan Menteri Sosial Tri Rismaharini. Dalam "
            "penugasan ke Jepang, Mensos memberikan arahan agar delegasi belajar.")
    mentions = resolved(finder, text)
    mensos = person_at(mentions, text, "Mensos")
    assert mensos.key == "person/tri-rismaharini"
    assert mensos.label == "Tri Rismaharini"
    assert mensos.attrs["rule"] == "title-only"
    assert mensos.attrs["role"] == "menteri-sosial"


def test_mensos_without_a_named_minister_is_nobody(finder: MentionFinder) -> None:
    text = "Mensos memberikan arahan agar delegasi belajar."
    assert [m for m in resolved(finder, text) if m.kind == "person"] == []


def test_sekjen_resolves_to_the_sekretaris_jenderal_named_in_the_text(finder: MentionFinder) -> None:
    text = ('"Disampaikan Pak Sekjen ada produk batik," kata Heri. Kepada delegasi Kemensos yang dipimpin Sekjen '
            "Kemensos Harry Hikmat, Heri menyatakan siap.")
    mentions = resolved(finder, text)
    assert person_at(mentions, text, "Sekjen").key == "person/harry-hikmat"


def test_title_in_a_regulation_name_is_not_a_person(finder: MentionFinder) -> None:
    text = ("Menteri Sosial Tri Rismaharini hadir. Dasar hukumnya Peraturan Menteri Sosial (Permensos) Nomor 16 "
            "Tahun 2020.")
    mentions = resolved(finder, text)
    assert at(mentions, text, "Menteri Sosial", 1)
    assert [m for m in at(mentions, text, "Menteri Sosial", 1) if m.kind == "person"] == []
    assert {m.key for m in mentions if m.kind == "person"} == {"person/tri-rismaharini"}


# -- short forms of organisations ---------------------------------------------------------------------------------


def test_short_form_takes_the_full_name_given_in_the_text(finder: MentionFinder) -> None:
    text = ("Kehadiran delegasi disambut baik oleh Duta Besar RI (KBRI) untuk Jepang Heri Akhmadi. Salah satu "
            "komitmen KBRI Jepang adalah membeli batik. \"KBRI punya anggaran,\" kata Heri.")
    mentions = resolved(finder, text)
    kbri = [m for m in mentions if m.kind == "org" and m.text.startswith("KBRI")]
    assert [m.text for m in kbri] == ["KBRI", "KBRI Jepang", "KBRI"]
    assert {m.key for m in kbri} == {"org/kbri-tokyo"}
    assert [m.attrs.get("rule") for m in kbri] == ["short-form-of-named", None, "short-form-of-named"]


def test_short_form_alone_keeps_its_generic_key(finder: MentionFinder) -> None:
    text = "Ayu melapor kepada KBRI untuk bisa dipulangkan."
    [kbri] = [m for m in resolved(finder, text) if m.kind == "org"]
    assert kbri.key == "org/kedutaan-besar-ri"


# -- organisation keys after resolution --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "key", "label"),
    [
        ("Kemensos bekerja sama dengan Kementerian Sosial RI dan Kementerian Sosial.", "org/kementerian-sosial",
         "Kementerian Sosial Republik Indonesia"),
        ("Delegasi mengunjungi PT. Sun Aqua Toto. Rombongan diterima PT Sun Aqua Toto.", "org/pt-sun-aqua-toto",
         "PT Sun Aqua Toto"),
        ("Kerja sama dengan Pemerintah Propinsi Fukuoka dan Pemerintah Provinsi Fukuoka.",
         "org/pemerintah-provinsi-fukuoka", "Pemerintah Provinsi Fukuoka"),
        ("mengunjungi pusat rehabilitasi anak di Kitakyushu. Saat mengunjungi ke Pusat Layanan Rehabilitas Anak di "
         "Kitakyushu, rombongan diterima.", "org/pusat-rehabilitasi-anak-kitakyushu",
         "Pusat Rehabilitasi Anak Kitakyushu"),
        ("Kepala Sentra Phalamartha hadir. Harry meninjau Sentra Phala Martha.", "org/sentra-phalamartha", None),
    ],
)
def test_variants_make_one_entity(finder: MentionFinder, text: str, key: str, label: str | None) -> None:
    mentions = resolved(finder, text)
    orgs = [m for m in mentions if m.kind == "org"]
    assert len(orgs) >= 2
    assert {m.key for m in orgs} == {key}
    table = entities.entity_table(mentions)
    assert [k for k in table if k.startswith("org/")] == [key]
    assert table[key].names == {m.text for m in orgs}
    if label:
        assert table[key].label == label


def test_chiba_science_and_technology_are_two_entities(finder: MentionFinder) -> None:
    text = "Kerja sama dengan Chiba Institute of Science dan Chiba Institute of Technology."
    table = entities.entity_table(resolved(finder, text))
    assert {"org/chiba-institute-of-science", "org/chiba-institute-of-technology"} <= set(table)
    assert table["org/chiba-institute-of-science"].label == "Chiba Institute of Science"
    assert table["org/chiba-institute-of-technology"].label == "Chiba Institute of Technology"


def test_company_and_person_are_two_entities(finder: MentionFinder) -> None:
    text = ("Delegasi mengunjungi perusahaan keramik PT. Sun Aqua Toto. Di sini, rombongan diterima oleh Presiden "
            "dan CEO PT Sun Aqua Toto Emi Tanaka.")
    table = entities.entity_table(resolved(finder, text))
    assert table["org/pt-sun-aqua-toto"].kind == "Company"
    assert table["person/emi-tanaka"].kind == "Person"
    assert table["person/emi-tanaka"].label == "Emi Tanaka"
    assert not [k for k in table if "emi-tanaka" in k and k.startswith("org/")]


def test_title_chain_entities(finder: MentionFinder) -> None:
    text = 'Turut hadir Kepala Sentra "Kartini" di Temanggung Rachmad Koesnadi.'
    mentions = resolved(finder, text)
    person = person_at(mentions, text, "Rachmad Koesnadi")
    assert [o.key for o in person.attrs["chain"]["orgs"]] == ["org/sentra-kartini"]
    assert [p.key for p in person.attrs["chain"]["located"]] == ["place/temanggung"]
    table = entities.entity_table(mentions)
    assert table["org/sentra-kartini"].kind == "Sentra"
    assert table["org/sentra-kartini"].label == "Sentra Kartini"
    assert table["place/temanggung"].kind == "Regency"
    assert table["place/temanggung"].label_en  # English name from the gazetteer


# -- whole documents -----------------------------------------------------------------------------------------------


def _document_mentions(finder: MentionFinder, path) -> tuple[str, list[Mention]]:
    doc = read_document(path)
    norm = normalise(doc.raw, doc.body_start)
    return norm.text, entities.resolve(finder.find(norm.text), norm.text)


def test_founding_release_people(finder: MentionFinder) -> None:
    text, mentions = _document_mentions(finder, FOUNDING)
    harry = [m for m in mentions if m.kind == "person" and m.text == "Harry"]
    assert len(harry) == 4
    assert {m.key for m in harry} == {"person/harry-hikmat"}
    assert {m.key for m in mentions if m.kind == "person"} == {
        "person/harry-hikmat", "person/tri-rismaharini", "person/emi-tanaka", "person/yuko-tomoguchi",
        "person/suhadi-lili", "person/rachmad-koesnadi", "person/agung-hendrawan", "person/romal-uli-jaya-sinaga",
        "person/cup-santo", "person/rabiah",
    }
    table = entities.entity_table(mentions)
    assert table["org/kementerian-sosial"].names == {"Kemensos", "Kementerian Sosial"}
    assert table["org/kementerian-sosial"].label_en == "Ministry of Social Affairs of the Republic of Indonesia"
    assert table["org/pemerintah-provinsi-fukuoka"].label == "Pemerintah Provinsi Fukuoka"
    assert table["org/pemerintah-kota-kitakyushu"].names == {"Pemerintah Kota Kitakyushu", "Pemerintah Kitakyushu"}
    assert table["org/pt-sun-aqua-toto"].names == {"PT. Sun Aqua Toto", "PT Sun Aqua Toto"}
    assert table["org/pusat-rehabilitasi-anak-kitakyushu"].names == {
        "pusat rehabilitasi anak di Kitakyushu", "Pusat Layanan Rehabilitas Anak di Kitakyushu"
    }
    assert "org/chiba-institute-of-science" in table
    assert not [k for k in table if "technology" in k]


def test_dev_01_mensos_and_sekjen(finder: MentionFinder) -> None:
    text, mentions = _document_mentions(finder, DEV / "01.txt")
    assert person_at(mentions, text, "Mensos").key == "person/tri-rismaharini"
    assert person_at(mentions, text, "Harry", 1).key == "person/harry-hikmat"
    assert {m.key for m in mentions if m.kind == "person" and m.text == "Heri"} == {"person/heri-akhmadi"}

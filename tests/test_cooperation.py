"""Cooperation topics: the phrase after "dalam bidang", "terkait", "dalam rangka", cut where a
purpose, an example or a qualifier starts; the embassy named "Kedubes"."""

from __future__ import annotations

from pathlib import Path

import pytest

from kg.extract.document import Document
from kg.extract.pipeline import analyse
from kg.graph.vocab import KG


def _topics_and_partners(text: str) -> tuple[set[str], set[str]]:
    facts = analyse(Document("t", Path("t.txt"), text, 0)).facts
    topics = {str(f.o) for f in facts if f.p == KG.topic}
    partners = {str(f.o).rsplit("/id/", 1)[1] for f in facts if f.p == KG.partner}
    return topics, partners


@pytest.mark.parametrize("sentence, topic", [
    ("KOICA menjajaki potensi kerja sama dalam bidang pengembangan remaja.", "pengembangan remaja"),
    ("Kerja sama Kemensos dengan Kedubes Jepang terkait pengembangan atau renovasi beberapa balai untuk mendukung program.",
     "pengembangan atau renovasi beberapa balai"),
    ("KOICA juga menawarkan kerja sama dalam bidang pengayaan bahasa asing seperti Bahasa Inggris.", "pengayaan bahasa asing"),
    ("Kemensos bekerja sama dalam penanganan bencana dan layanan inklusif untuk kelompok rentan.",
     "penanganan bencana dan layanan inklusif untuk kelompok rentan"),
])
def test_the_topic_phrase(sentence: str, topic: str) -> None:
    assert _topics_and_partners(sentence)[0] == {topic}


def test_kedubes_is_the_embassy() -> None:
    _, partners = _topics_and_partners("Kerja sama Kemensos dengan Kedubes Jepang terkait renovasi balai.")
    assert partners == {"org/kementerian-sosial", "org/kedutaan-besar-jepang"}


def test_a_ministry_naming_a_units_parent_is_no_partner_and_the_topic_stops_at_a_parenthesis() -> None:
    topics, partners = _topics_and_partners(
        "Direktorat Jenderal Rehabilitasi Sosial mengajak Politeknik Kesejahteraan Sosial (Poltekesos) Kemensos "
        "memperkuat kerjasama dalam rangka Pengembangan Platform Pelatihan Remaja (Vulnerable Youth) di Indonesia.")
    assert partners == {"org/direktorat-jenderal-rehabilitasi-sosial", "org/politeknik-kesejahteraan-sosial-bandung"}
    assert topics == {"Pengembangan Platform Pelatihan Remaja"}


@pytest.mark.parametrize("verb", ["berkolaborasi dengan", "bersinergi dengan", "menandatangani nota kesepahaman dengan"])
def test_collaboration_and_synergy_are_cooperation(verb: str) -> None:
    _, partners = _topics_and_partners(f"Kementerian Sosial {verb} Badan Pusat Statistik dalam bidang data kemiskinan.")
    assert partners == {"org/kementerian-sosial", "org/badan-pusat-statistik"}


@pytest.mark.parametrize("sentence, topic, partners", [
    ("Kementerian Sosial melalui Direktorat Rehabilitasi Sosial Anak bersama Badan Nasional Penanggulangan Bencana "
     "dan BP2MI terus melakukan pendampingan bagi PMI yang terduga korban TPPO di Phnom Penh, Kamboja.",
     "pendampingan bagi PMI yang terduga korban TPPO",
     {"org/kementerian-sosial", "org/badan-nasional-penanggulangan-bencana", "org/badan-pelindungan-pekerja-migran-indonesia"}),
    ("Sentra Handayani bersama Dinas Sosial Provinsi DKI Jakarta menyalurkan paket sembako untuk warga terdampak.",
     "paket sembako", {"org/sentra-handayani", "org/dinas-sosial-provinsi-dki-jakarta"}),
])
def test_organisations_acting_together_cooperate_on_the_activity(sentence: str, topic: str, partners: set[str]) -> None:
    assert _topics_and_partners(sentence) == ({topic}, partners)


def test_a_person_acting_with_an_organisation_is_no_joint_work_of_organisations() -> None:
    assert _topics_and_partners("Menteri Sosial Tri Rismaharini bersama Sentra Handayani menyalurkan bantuan.") == (set(), set())


def test_joint_work_stops_where_a_clause_says_what_the_activity_can_do() -> None:
    text = ("Kemensos bersama Badan Nasional Penanggulangan Bencana mendirikan dapur umum yang mampu memproduksi "
            "6.000 nasi bungkus setiap hari.")
    assert _topics_and_partners(text)[0] == {"dapur umum"}

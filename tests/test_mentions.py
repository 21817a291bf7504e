"""Stage 2, mentions: names from the lexicons and patterns, titles and the people after them,
numbers with their qualifiers, dates and quotations, found in short sentences of the corpus."""

from __future__ import annotations

from decimal import Decimal

import pytest

from kg.extract.mentions import Mention, MentionFinder


@pytest.fixture(scope="module")
def finder() -> MentionFinder:
    return MentionFinder()


def _of(mentions: list[Mention], *kinds: str) -> list[Mention]:
    return [m for m in mentions if m.kind in kinds]


def _one(mentions: list[Mention], text: str) -> Mention:
    found = [m for m in mentions if m.text == text]
    assert len(found) == 1, [(m.kind, m.text) for m in mentions]
    return found[0]


# -- spans -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "Delegasi Kemensos dipimpin oleh Sekretaris Jenderal Harry Hikmat.",
        'Turut hadir Kepala Sentra "Kartini" di Temanggung Rachmad Koesnadi dan SKM Bidang Pengembangan SDM dan Program Suhadi Lili.',
        "PT. Sun Aqua Toto telah mempekerjakan 90 pekerja penyandang disabilitas dari total karyawan 160 orang (65%).",
        '"Tahun 2022, program ini telah menjangkau lebih dari 250.000 penerima manfaat," katanya.',
    ],
)
def test_mention_spans_match_their_text(finder: MentionFinder, text: str) -> None:
    mentions = finder.find(text)
    assert mentions
    for m in mentions:
        assert text[m.start:m.end] == m.text
    assert mentions == sorted(mentions, key=lambda m: (m.start, -m.end))
    names = _of(mentions, "person", "org", "place", "program", "role")
    for a in names:
        assert not [b for b in names if b is not a and a.overlaps(b)], a.text


# -- organisations -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("sentence", "surface", "key"),
    [
        ("Delegasi Kemensos dipimpin oleh Harry.", "Kemensos", "org/kementerian-sosial"),
        ("Pemerintah Indonesia melalui Kementerian Sosial meningkatkan kerja sama.", "Kementerian Sosial",
         "org/kementerian-sosial"),
        ("Biro Hubungan Masyarakat bekerja untuk Kementerian Sosial RI.", "Kementerian Sosial RI",
         "org/kementerian-sosial"),
        ("Bantuan Atensi dari Kementerian Sosial RI melalui Sentra Handayani Jakarta.", "Kementerian Sosial RI",
         "org/kementerian-sosial"),
        ("Kemensos RI menggelar sosialisasi.", "Kemensos RI", "org/kementerian-sosial"),
        ("delegasi mengunjungi perusahaan keramik PT. Sun Aqua Toto.", "PT. Sun Aqua Toto", "org/pt-sun-aqua-toto"),
        ("Di sini, rombongan diterima oleh PT Sun Aqua Toto.", "PT Sun Aqua Toto", "org/pt-sun-aqua-toto"),
        ("mengunjungi pusat rehabilitasi anak di Kitakyushu dan perusahaan keramik.",
         "pusat rehabilitasi anak di Kitakyushu", "org/pusat-rehabilitasi-anak-kitakyushu"),
        ("Saat mengunjungi ke Pusat Layanan Rehabilitas Anak di Kitakyushu, rombongan diterima.",
         "Pusat Layanan Rehabilitas Anak di Kitakyushu", "org/pusat-rehabilitasi-anak-kitakyushu"),
        ("Turut hadir Kepala Sentra Phalamartha.", "Sentra Phalamartha", "org/sentra-phalamartha"),
        ("Harry meninjau Sentra Phala Martha hari ini.", "Sentra Phala Martha", "org/sentra-phalamartha"),
        ('Kepala Sentra "Phalamartha" di Sukabumi Cup Santo.', 'Sentra "Phalamartha"', "org/sentra-phalamartha"),
        ("terutama dengan Pemerintah Propinsi Fukuoka dan lainnya.", "Pemerintah Propinsi Fukuoka",
         "org/pemerintah-provinsi-fukuoka"),
        ("terutama dengan Pemerintah Provinsi Fukuoka dan lainnya.", "Pemerintah Provinsi Fukuoka",
         "org/pemerintah-provinsi-fukuoka"),
        ("dari praktik terbaik Pemerintah Kitakyushu.", "Pemerintah Kitakyushu", "org/pemerintah-kota-kitakyushu"),
        ("dengan Pemerintah Kota Kitakyushu.", "Pemerintah Kota Kitakyushu", "org/pemerintah-kota-kitakyushu"),
    ],
)
def test_organisation_variants_share_one_key(finder: MentionFinder, sentence: str, surface: str, key: str) -> None:
    mention = _one(finder.find(sentence), surface)
    assert mention.kind == "org"
    assert mention.key == key


def test_one_key_for_kemensos_variants_in_one_text(finder: MentionFinder) -> None:
    text = "Kemensos bekerja sama dengan Kementerian Sosial RI dan Kementerian Sosial."
    orgs = _of(finder.find(text), "org")
    assert [m.text for m in orgs] == ["Kemensos", "Kementerian Sosial RI", "Kementerian Sosial"]
    assert {m.key for m in orgs} == {"org/kementerian-sosial"}
    assert {m.label for m in orgs} == {"Kementerian Sosial Republik Indonesia"}


def test_propinsi_is_labelled_provinsi(finder: MentionFinder) -> None:
    mention = _one(finder.find("bertukar gagasan dengan Pemerintah Propinsi Fukuoka."), "Pemerintah Propinsi Fukuoka")
    assert mention.label == "Pemerintah Provinsi Fukuoka"
    assert mention.entity_kind == "LocalGovernment"
    assert mention.attrs["place"] == "place/prefektur-fukuoka"


def test_rehabilitation_centre_spellings_meet(finder: MentionFinder) -> None:
    text = ("Delegasi mengunjungi pusat rehabilitasi anak di Kitakyushu. Saat mengunjungi ke Pusat Layanan "
            "Rehabilitas Anak di Kitakyushu, rombongan diterima.")
    centres = _of(finder.find(text), "org")
    assert len(centres) == 2
    assert {m.key for m in centres} == {"org/pusat-rehabilitasi-anak-kitakyushu"}
    assert {m.attrs.get("place") for m in centres} == {"place/kitakyushu"}
    assert {m.entity_kind for m in centres} == {"ServiceCentre"}


def test_sentra_spellings_meet(finder: MentionFinder) -> None:
    text = 'Kepala Sentra "Phalamartha" di Sukabumi Cup Santo hadir. Sentra Phala Martha melayani ODGJ.'
    sentra = _of(finder.find(text), "org")
    assert [m.text for m in sentra] == ['Sentra "Phalamartha"', "Sentra Phala Martha"]
    assert {m.key for m in sentra} == {"org/sentra-phalamartha"}
    assert {m.entity_kind for m in sentra} == {"Sentra"}


def test_chiba_institute_of_science_is_not_of_technology(finder: MentionFinder) -> None:
    text = "Kerja sama dengan Chiba Institute of Science dan Chiba Institute of Technology."
    science = _one(finder.find(text), "Chiba Institute of Science")
    technology = _one(finder.find(text), "Chiba Institute of Technology")
    assert science.key == "org/chiba-institute-of-science"
    assert technology.key == "org/chiba-institute-of-technology"
    assert science.key != technology.key
    alone = _one(finder.find("melalui Chiba Institute of Science dalam pengelolaan resiko bencana."),
                 "Chiba Institute of Science")
    assert alone.key == science.key


@pytest.mark.parametrize(
    "earlier",
    [
        "Delegasi mengunjungi PT Sun Aqua Toto.",
        "Delegasi mengunjungi perusahaan keramik PT. Sun Aqua Toto.",
    ],
)
def test_company_name_is_cut_before_the_person_when_it_stands_alone_earlier(finder: MentionFinder,
                                                                             earlier: str) -> None:
    text = earlier + " Di sini, rombongan diterima oleh Presiden dan CEO PT Sun Aqua Toto Emi Tanaka."
    mentions = finder.find(text)
    companies = _of(mentions, "org")
    assert [m.key for m in companies] == ["org/pt-sun-aqua-toto", "org/pt-sun-aqua-toto"]
    assert companies[1].text == "PT Sun Aqua Toto"
    assert "org/pt-sun-aqua-toto-emi-tanaka" not in {m.key for m in mentions}
    person = _one(mentions, "Emi Tanaka")
    assert person.kind == "person"
    assert person.key == "person/emi-tanaka"
    chain = person.attrs["chain"]
    assert [r.attrs["role"] for r in chain["roles"]] == ["presiden", "ceo"]
    assert [o.key for o in chain["orgs"]] == ["org/pt-sun-aqua-toto"]


# -- titles and people ----------------------------------------------------------------------------------


def test_title_chain_with_quoted_sentra_and_place(finder: MentionFinder) -> None:
    text = 'Turut dalam rombongan adalah Kepala Sentra "Kartini" di Temanggung Rachmad Koesnadi.'
    mentions = finder.find(text)
    person = _one(mentions, "Rachmad Koesnadi")
    assert person.kind == "person"
    assert person.key == "person/rachmad-koesnadi"
    chain = person.attrs["chain"]
    assert [r.text for r in chain["roles"]] == ["Kepala"]
    assert [o.key for o in chain["orgs"]] == ["org/sentra-kartini"]
    assert [p.key for p in chain["places"]] == ["place/temanggung"]
    assert [p.key for p in chain["located"]] == ["place/temanggung"]
    sentra = _one(mentions, 'Sentra "Kartini"')
    assert sentra.label == "Sentra Kartini"
    assert sentra.attrs["parent"] == "kementerian-sosial"
    # the title is "Kepala" before the name, not "Kepala Sentra" overlapping it
    role = _one(mentions, "Kepala")
    assert role.kind == "role"
    assert not role.overlaps(sentra)


def test_list_of_members_gives_each_person_their_own_chain(finder: MentionFinder) -> None:
    text = ('turut dalam rombongan adalah Kepala Sentra "Kartini" di Temanggung Rachmad Koesnadi, Kepala Sentra '
            '"Abiyoso" di Cimahi Agung Hendrawan, Kepala Sentra "Handayani" di Jakarta Romal Uli Jaya Sinaga, '
            'Kepala Sentra "Phalamartha" di Sukabumi Cup Santo, dan Perencana Madya Biro Perencanaan Rabiah.')
    people = {m.key: m.attrs["chain"] for m in _of(finder.find(text), "person")}
    assert {key: ([o.key for o in c["orgs"]], [p.key for p in c["located"]]) for key, c in people.items()} == {
        "person/rachmad-koesnadi": (["org/sentra-kartini"], ["place/temanggung"]),
        "person/agung-hendrawan": (["org/sentra-abiyoso"], ["place/cimahi"]),
        "person/romal-uli-jaya-sinaga": (["org/sentra-handayani"], ["place/jakarta"]),
        "person/cup-santo": (["org/sentra-phalamartha"], ["place/sukabumi"]),
        "person/rabiah": (["org/biro-perencanaan-kemensos"], []),
    }


@pytest.mark.parametrize(
    ("text", "name", "role"),
    [
        ("Delegasi Kemensos dipimpin oleh Sekretaris Jenderal Harry Hikmat.", "Harry Hikmat", "sekretaris-jenderal"),
        ("Atas arahan Menteri Sosial Tri Rismaharini, kami bekerja.", "Tri Rismaharini", "menteri-sosial"),
        ("rombongan diterima Wakil Presiden Yuko Tomoguchi.", "Yuko Tomoguchi", "wakil-presiden"),
        ("disambut baik oleh Duta Besar RI (KBRI) untuk Jepang Heri Akhmadi.", "Heri Akhmadi", "duta-besar"),
        ("ujar Dirjen Rehabilitasi Sosial, Pepen Nazaruddin saat kunjungan kerja.", "Pepen Nazaruddin",
         "direktur-jenderal"),
    ],
)
def test_person_named_after_a_title(finder: MentionFinder, text: str, name: str, role: str) -> None:
    person = _one(finder.find(text), name)
    assert person.kind == "person"
    assert person.label == name
    assert role in [r.attrs["role"] for r in person.attrs["chain"]["roles"]]


def test_name_before_selaku_title(finder: MentionFinder) -> None:
    text = "pemaparan singkat oleh I Ketut Supena selaku Kepala Sentra Terpadu Pangudi Luhur Bekasi tentang kesiapan."
    person = _one(finder.find(text), "I Ketut Supena")
    assert person.key == "person/i-ketut-supena"
    assert person.attrs["rule"] == "name-selaku-title"
    assert [o.key for o in person.attrs["chain"]["orgs"]] == ["org/sentra-pangudiluhur"]


def test_a_regulation_citation_names_no_person(finder: MentionFinder) -> None:
    """"Peraturan Menteri Sosial Nomor 16 Tahun 2020" cites a regulation: nobody is called "Nomor"."""
    text = "Dasar hukumnya adalah Peraturan Menteri Sosial Nomor 16 Tahun 2020 tentang Asistensi Rehabilitasi Sosial."
    people = _of(finder.find(text), "person")
    assert [(m.text, m.key) for m in people] == []


# -- numbers, dates, quotations ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "surface", "value", "qualifier", "bound"),
    [
        ('"Dalam satu tahun, terjadi lebih dari 3.000 kejadian."', "lebih dari 3.000 kejadian", Decimal(3000),
         "lebih dari", "min"),
        ("program ini telah menjangkau lebih dari 250.000 penerima manfaat", "lebih dari 250.000 penerima manfaat",
         Decimal(250000), "lebih dari", "min"),
        ("sudah setidaknya 12 orang yang hadir", "setidaknya 12 orang", Decimal(12), "setidaknya", "min"),
        ("anggaran kurang dari 5 juta rupiah", "kurang dari 5 juta rupiah", Decimal(5000000), "kurang dari", "max"),
        ("diikuti sekitar 40 orang", "sekitar 40 orang", Decimal(40), "sekitar", None),
        ("mempekerjakan 90 pekerja penyandang disabilitas", "90 pekerja penyandang disabilitas", Decimal(90), None,
         None),
    ],
)
def test_numbers_with_qualifiers(finder: MentionFinder, text: str, surface: str, value: Decimal,
                                 qualifier: str | None, bound: str | None) -> None:
    number = _one(finder.find(text), surface)
    assert number.kind == "number"
    assert number.attrs["value"] == value
    assert number.attrs.get("qualifier") == qualifier
    assert number.attrs.get("bound") == bound


def test_counted_noun_of_a_number(finder: MentionFinder) -> None:
    mentions = finder.find("Saat ini, Kemensos mengelola 31 sentra yang melayani rehabilitasi sosial.")
    [number] = _of(mentions, "number")
    assert number.attrs["value"] == Decimal(31)
    assert number.attrs["counted"] == "sentra"
    assert number.text == "31 sentra"


def test_percent_and_money(finder: MentionFinder) -> None:
    mentions = finder.find("karyawan 160 orang (65%) dan kuota 2,3%, dengan penghasilan Rp 20.000,- hingga Rp30.000,-/ hari.")
    assert [(m.kind, m.attrs["value"]) for m in _of(mentions, "number", "percent", "money")] == [
        ("number", Decimal(160)), ("percent", Decimal(65)), ("percent", Decimal("2.3")),
        ("money", Decimal(20000)), ("money", Decimal(30000)),
    ]


@pytest.mark.parametrize(
    "text",
    [
        '"Tahun 2022, program ini telah berjalan baik," katanya.',
        "FUKUOKA (9 November 2022) - Pemerintah Indonesia bekerja.",
        "Pada Juni 2022, Ayu menikah secara agama.",
        "Pada (6/4/2022),Ayu berhasil kembali ke Indonesia.",
        "Peraturan Menteri Sosial (Permensos) Nomor 16 Tahun 2020 tentang Atensi.",
        "di Aula Sentra Meohai Kendari, Sabtu (29/4).",
        "Sejak 2019 lalu program berjalan.",
        "Dalam satu tahun, terjadi bencana.",
    ],
)
def test_years_and_dates_are_not_figures(finder: MentionFinder, text: str) -> None:
    figures = _of(finder.find(text), "number", "percent", "money")
    assert [(m.text, m.attrs["value"]) for m in figures] == []


def test_dates_and_years_are_found_as_such(finder: MentionFinder) -> None:
    mentions = finder.find("Pada tahun 2022 dan 9 November 2022 serta Juni 2022 dan (6/4/2022), ada 31 sentra.")
    assert [(m.kind, m.text) for m in _of(mentions, "date", "year")] == [
        ("year", "2022"), ("date", "9 November 2022"), ("date", "Juni 2022"), ("date", "6/4/2022"),
    ]
    assert _one(mentions, "9 November 2022").attrs["date"].isoformat() == "2022-11-09"
    assert _one(mentions, "6/4/2022").attrs["date"].isoformat() == "2022-04-06"


def test_quotations_are_found(finder: MentionFinder) -> None:
    text = ('"Dalam satu tahun, terjadi lebih dari 3.000 kejadian. Pemerintah Indonesia bekerja mengatasi, '
            'mencegah dan memitigasi bencana," kata Harry.')
    [quote] = _of(finder.find(text), "quote")
    assert quote.start == 0
    assert quote.text.endswith('bencana,"')
    assert quote.attrs["inner"] == ("Dalam satu tahun, terjadi lebih dari 3.000 kejadian. Pemerintah Indonesia "
                                    "bekerja mengatasi, mencegah dan memitigasi bencana")


def test_quotation_after_a_speech_verb(finder: MentionFinder) -> None:
    text = 'I Ketut Supena menyampaikan "kami siap dan optimis dengan sarana yang dimiliki Sentra."'
    [quote] = _of(finder.find(text), "quote")
    assert quote.attrs["inner"].startswith("kami siap dan optimis")


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ('Turut hadir Kepala Sentra "Kartini" di Temanggung Rachmad Koesnadi.', 'Sentra "Kartini"'),
        ('Kepala Sentra "Handayani" di Jakarta Romal Uli Jaya Sinaga.', 'Sentra "Handayani"'),
        ('Sosialisasi di lingkungan Balai Disabilitas "Mahatmiya" Bali.', 'Balai Disabilitas "Mahatmiya" Bali'),
        ('Kunjungan ke Sentra Terpadu "Inten Soeweno" di Cibinong.', 'Sentra Terpadu "Inten Soeweno"'),
    ],
)
def test_a_quoted_sentra_name_is_not_a_quotation(finder: MentionFinder, text: str, name: str) -> None:
    mentions = finder.find(text)
    assert _one(mentions, name).kind == "org"
    assert [m.text for m in _of(mentions, "quote")] == []

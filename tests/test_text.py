"""Reading documents, unwrapping hard-wrapped text with a map back to raw offsets, and sentences."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from kg.build.inputs import DEFAULT_CORPUS
from kg.errors import DocumentError
from kg.extract.document import Document, parse_header, read_document
from kg.extract.text import QUOTE_CHARS, NormalisedText, normalise, split_sentences
from kg.graph.iri import slugify

FOUNDING = DEFAULT_CORPUS / "2022-11-09-delegasi-kemensos-fukuoka.txt"
DEV = sorted((DEFAULT_CORPUS / "dev").glob("*.txt"))

CORPUS = [FOUNDING, *DEV]
STRAIGHTENED = {'"': "\u201c\u201d\u201e\"", "'": "\u2018\u2019'"}


def _norm(path: Path) -> tuple[Document, NormalisedText]:
    doc = read_document(path)
    return doc, normalise(doc.raw, doc.body_start)


def _flat(text: str) -> str:
    """Raw text as the normaliser sees it: quotes straightened, any run of whitespace one space."""
    return re.sub(r"\s+", " ", text.translate(QUOTE_CHARS)).strip()


@pytest.fixture(scope="module")
def founding_sentences():
    doc, norm = _norm(FOUNDING)
    return doc, norm, split_sentences(norm)


# -- unwrapping -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Pemerintah Indonesia melalui Kementerian\nSosial meningkatkan kerja sama.",
         "Pemerintah Indonesia melalui Kementerian Sosial meningkatkan kerja sama."),
        # a paragraph's first word alone on its line is joined to the rest of the paragraph
        ("Jepang maju.\nDelegasi\nKemensos dipimpin oleh Harry.",
         "Jepang maju.\nDelegasi Kemensos dipimpin oleh Harry."),
        ('"Dalam\nsatu tahun, terjadi bencana," kata Harry.', '"Dalam satu tahun, terjadi bencana," kata Harry.'),
        # CRLF, runs of spaces and leading/trailing blanks collapse
        ("  Spasi   ganda\r\ndi sini.  ", "Spasi ganda di sini."),
        # blank lines and sentence-final punctuation end a paragraph
        ("Satu.\n\nDua\n\nTiga", "Satu.\nDua\nTiga"),
        # a dateline starts a paragraph even after a title line without a full stop
        ("Judul berita tanpa titik\nJAKARTA (1 Mei 2021) - Isi berita.",
         "Judul berita tanpa titik\nJAKARTA (1 Mei 2021) - Isi berita."),
        # curly quotes are straightened
        ("Kata \u201cbagus sekali\u201d dan \u2018ya\u2019.", "Kata \"bagus sekali\" dan 'ya'."),
    ],
)
def test_normalise_unwraps_lines(raw: str, expected: str) -> None:
    assert normalise(raw).text == expected


def test_founding_first_words_are_joined_to_their_paragraph() -> None:
    doc, norm = _norm(FOUNDING)
    assert "Delegasi\nKemensos dipimpin" in doc.raw
    assert "Delegasi Kemensos dipimpin oleh Sekretaris Jenderal Harry Hikmat." in norm.text
    assert "Kementerian Sosial telah bekerja sama dengan Jepang" in norm.text
    assert '"Tahun 2022, program ini' in norm.text
    # no paragraph consists of one lone word any more
    assert all(" " in paragraph for paragraph in norm.text.split("\n"))
    # the release has 14 paragraphs: title, 12 of body, closing line
    assert norm.text.count("\n") == 13


@pytest.mark.parametrize("path", CORPUS, ids=lambda p: p.name)
def test_every_normalised_character_maps_back_to_raw(path: Path) -> None:
    doc, norm = _norm(path)
    raw = doc.raw
    assert len(norm.offsets) == len(norm.text)
    assert norm.raw_end == len(raw)
    mismatches = []
    for i, (ch, offset) in enumerate(zip(norm.text, norm.offsets)):
        source = raw[offset]
        if ch.isspace():
            ok = source.isspace()
        elif ch in STRAIGHTENED:
            ok = source in STRAIGHTENED[ch]
        else:
            ok = source == ch
        if not ok:
            mismatches.append((i, ch, offset, source))
    assert mismatches == []
    # offsets strictly increase and never point into the header block
    assert all(a < b for a, b in zip(norm.offsets, norm.offsets[1:]))
    assert norm.offsets[0] >= doc.body_start
    # nothing but whitespace is dropped
    kept = set(norm.offsets)
    dropped = [i for i in range(doc.body_start, len(raw)) if not raw[i].isspace() and i not in kept]
    assert dropped == []


@pytest.mark.parametrize("path", CORPUS, ids=lambda p: p.name)
def test_curly_quotes_become_straight(path: Path) -> None:
    doc, norm = _norm(path)
    assert not set("\u201c\u201d\u2018\u2019") & set(norm.text)
    curly = sum(doc.body.count(c) for c in "\u201c\u201d")
    straight = doc.body.count('"')
    assert norm.text.count('"') == curly + straight


def test_raw_span_round_trips_on_a_wrapped_name() -> None:
    raw = "Jepang maju.\nDelegasi\nKemensos dipimpin oleh Sekretaris\nJenderal Harry Hikmat."
    norm = normalise(raw)
    for phrase, raw_phrase in [
        ("Delegasi Kemensos", "Delegasi\nKemensos"),
        ("Sekretaris Jenderal Harry Hikmat", "Sekretaris\nJenderal Harry Hikmat"),
        ("Jepang", "Jepang"),
    ]:
        start = norm.text.index(phrase)
        raw_start, raw_end = norm.raw_span(start, start + len(phrase))
        assert raw[raw_start:raw_end] == raw_phrase


def test_raw_span_with_body_start_points_into_the_whole_file() -> None:
    raw = "title: Judul\ndate: 2022-01-02\n\nKementerian\nSosial hadir."
    header, body_start = parse_header(raw)
    norm = normalise(raw, body_start)
    assert norm.text == "Kementerian Sosial hadir."
    assert norm.raw_span(0, len("Kementerian Sosial")) == (body_start, body_start + len("Kementerian\nSosial"))
    assert raw[slice(*norm.raw_span(0, len(norm.text)))] == "Kementerian\nSosial hadir."


@pytest.mark.parametrize("path", CORPUS, ids=lambda p: p.name)
def test_sentence_raw_spans_round_trip(path: Path) -> None:
    doc, norm = _norm(path)
    sentences = split_sentences(norm)
    assert sentences
    for sentence in sentences:
        assert norm.text[sentence.start:sentence.end] == sentence.text
        assert norm.raw_span(sentence.start, sentence.end) == (sentence.raw_start, sentence.raw_end)
        assert _flat(doc.raw[sentence.raw_start:sentence.raw_end]) == sentence.text
        # the raw span starts and ends on a kept character, not on surrounding whitespace
        assert not doc.raw[sentence.raw_start].isspace()
        assert not doc.raw[sentence.raw_end - 1].isspace()
    # sentences are in order and do not overlap
    assert all(a.raw_end <= b.raw_start for a, b in zip(sentences, sentences[1:]))
    assert [s.index for s in sentences] == list(range(len(sentences)))


@pytest.mark.parametrize(("start", "end"), [(5, 5), (6, 2)])
def test_raw_span_refuses_empty_spans(start: int, end: int) -> None:
    with pytest.raises(ValueError):
        normalise("Kementerian Sosial hadir.").raw_span(start, end)


# -- sentences --------------------------------------------------------------------------------------


def test_founding_has_22_sentences(founding_sentences) -> None:
    _, _, sentences = founding_sentences
    assert len(sentences) == 22
    assert sentences[0].text.startswith("Delegasi Kemensos juga menjajaki kerja sama")
    assert sentences[1].text.startswith("FUKUOKA (9 November 2022) - Pemerintah Indonesia")
    assert sentences[-1].text == "Biro Hubungan Masyarakat Kementerian Sosial RI"


def test_founding_sentence_offsets(founding_sentences) -> None:
    doc, _, sentences = founding_sentences
    wanted = "Delegasi Kemensos dipimpin oleh Sekretaris Jenderal Harry Hikmat."
    [sentence] = [s for s in sentences if s.text == wanted]
    assert (sentence.raw_start, sentence.raw_end) == (387, 452)
    assert doc.raw[387:452] == "Delegasi\nKemensos dipimpin oleh Sekretaris Jenderal Harry Hikmat."


@pytest.mark.parametrize(
    ("begins", "ends"),
    [
        ("Jepang mencapai sejumlah kemajuan", "terhadap kelompok rentan."),
        ('"Dalam satu tahun, terjadi lebih dari 3.000 kejadian.', '," kata Harry.'),
        ("Kementerian Sosial telah bekerja sama dengan Jepang", "dalam pengelolaan resiko bencana."),
        ('"Kami berharap, dapat menjalin kerjasama', 'Pemerintah Kota Kitakyushu," katanya.'),
        ("Pada hari ini pula, delegasi berkesempatan", "perusahaan keramik PT. Sun Aqua Toto."),
        ("PT. Sun Aqua Toto telah mempekerjakan 90 pekerja", "karyawan 160 orang (65%)."),
        ("Di sini, rombongan diterima oleh", "CEO PT Sun Aqua Toto Emi Tanaka."),
        ('"Tahun 2022, program ini telah menjangkau', 'bagi masyarakat yang terbaik," katanya.'),
        ("Dalam kesempatan ini, turut dalam rombongan adalah", "Perencana Madya Biro Perencanaan Rabiah."),
    ],
)
def test_founding_sentence_boundaries(founding_sentences, begins: str, ends: str) -> None:
    doc, _, sentences = founding_sentences
    found = [s for s in sentences if s.text.startswith(begins)]
    assert len(found) == 1, [s.text for s in sentences]
    assert found[0].text.endswith(ends)
    assert _flat(doc.raw[found[0].raw_start:found[0].raw_end]) == found[0].text


def test_no_split_after_pt(founding_sentences) -> None:
    _, _, sentences = founding_sentences
    assert not [s.text for s in sentences if s.text.endswith(("PT.", " PT"))]
    assert not [s.text for s in sentences if s.text.startswith("Sun Aqua Toto")]
    assert any("PT. Sun Aqua Toto telah mempekerjakan" in s.text for s in sentences)


def test_no_split_inside_a_quotation(founding_sentences) -> None:
    _, _, sentences = founding_sentences
    for sentence in sentences:
        assert sentence.text.count('"') % 2 == 0, sentence.text
    quoted = [s for s in sentences if "3.000 kejadian." in s.text]
    assert len(quoted) == 1
    assert "Pemerintah Indonesia bekerja mengatasi" in quoted[0].text
    assert quoted[0].text.endswith("kata Harry.")
    assert not any(s.text.startswith("Namun, kita tetap perlu") for s in sentences)


def test_katanya_stays_with_its_quotation(founding_sentences) -> None:
    _, _, sentences = founding_sentences
    assert not [s.text for s in sentences if s.text.lower().startswith(("katanya", "kata "))]
    with_katanya = [s.text for s in sentences if s.text.endswith('," katanya.')]
    assert len(with_katanya) == 3
    assert all(text.startswith('"') for text in with_katanya)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Ia bekerja di PT. Maju Jaya. Ia senang.", ["Ia bekerja di PT. Maju Jaya.", "Ia senang."]),
        ("Dr. Budi hadir. Ia senang! Apa kabar? Baik.", ["Dr. Budi hadir.", "Ia senang!", "Apa kabar?", "Baik."]),
        ('"Kami siap. Kami optimis," katanya. Lalu pergi.', ['"Kami siap. Kami optimis," katanya.', "Lalu pergi."]),
        ("Ada 3.000 kejadian. Sebanyak 2,3% pekerja.", ["Ada 3.000 kejadian.", "Sebanyak 2,3% pekerja."]),
        ("Judul tanpa titik\n\nIsi pertama. Isi kedua.", ["Judul tanpa titik", "Isi pertama.", "Isi kedua."]),
    ],
)
def test_split_sentences_small_texts(text: str, expected: list[str]) -> None:
    assert [s.text for s in split_sentences(normalise(text))] == expected


# -- header, slug ------------------------------------------------------------------------------------


def test_dev_header_is_parsed() -> None:
    path = DEV[0]
    doc = read_document(path)
    assert path.name == "01.txt"
    assert doc.header == {
        "source": "https://www.tagar.id/kbri-jepang-siap-beli-dan-pasarkan-batik-produksi-penyandang-disabilitas-binaan-sentra-kemensos",
        "title": "KBRI Jepang Siap Beli dan Pasarkan Batik Produksi Penyandang Disabilitas Binaan Sentra Kemensos",
        "date": "2022-11-11",
    }
    assert doc.body.startswith("TAGAR.id, Tokyo - Kehadiran delegasi")
    head = doc.raw[: doc.body_start]
    assert head.startswith("source: https://www.tagar.id/")
    assert head.endswith("date: 2022-11-11\n\n")


@pytest.mark.parametrize("path", DEV, ids=lambda p: p.name)
def test_every_dev_file_has_a_header_and_a_body(path: Path) -> None:
    doc = read_document(path)
    assert set(doc.header) == {"source", "title", "date"}
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", doc.header["date"])
    assert doc.body_start > 0
    assert not doc.body[:1].isspace()
    assert not any(line.startswith(("source:", "title:", "date:")) for line in doc.body.splitlines())


def test_no_header_means_body_starts_at_zero() -> None:
    doc = read_document(FOUNDING)
    assert doc.header == {}
    assert doc.body_start == 0
    assert parse_header("Delegasi\nKemensos dipimpin oleh Harry.\n") == ({}, 0)


def test_header_parsing_details() -> None:
    raw = "Title: Judul Besar\r\nDATE:2021-05-01\r\n\r\nIsi berita.\r\n"
    header, body_start = parse_header(raw)
    assert header == {"title": "Judul Besar", "date": "2021-05-01"}
    assert raw[body_start:] == "Isi berita.\r\n"


@pytest.mark.parametrize(
    ("path", "slug"),
    [
        (FOUNDING, "2022-11-09-delegasi-kemensos-fukuoka"),
        (DEV[0], "2022-11-11-kbri-jepang-siap-beli-dan-pasarkan"),
        (DEV[1], "2022-10-22-dapatkan-identitas-dan-ternak-kambing-pemulung"),
        (DEV[-1], "2023-04-29-sebagai-wakil-kemensos-di-daerah-sentra"),
    ],
    ids=lambda v: v.name if isinstance(v, Path) else v,
)
def test_slugs(path: Path, slug: str) -> None:
    assert read_document(path).slug == slug


def test_slugs_are_unique_over_the_corpus() -> None:
    slugs = [read_document(p).slug for p in CORPUS]
    assert len(set(slugs)) == len(CORPUS)


@pytest.mark.parametrize(
    ("text", "slug"),
    [
        ("Sentra \u201cKartini\u201d di Temanggung", "sentra-kartini-di-temanggung"),
        ("Kementerian Sosial R.I.", "kementerian-sosial-r-i"),
        ("Café Ñandú", "cafe-nandu"),
        ("  --  ", ""),
    ],
)
def test_slugify(text: str, slug: str) -> None:
    assert slugify(text) == slug


# -- unreadable documents --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("latin1.txt", "Kementerian Sosial bekerja sama dengan Jepang \u2014 caf\u00e9.".encode("latin-1", "replace")
         + b" \xe9\xe8"),
        ("empty.txt", b""),
        ("blank.txt", b"  \n\n\t \n"),
        ("header-only.txt", b"title: Judul\ndate: 2022-01-01\n\n"),
        ("binary.txt", b"Kemensos\x00\x01\x02 data"),
        ("image.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x10"),
    ],
)
def test_bad_files_raise_document_error_naming_the_file(tmp_path: Path, name: str, content: bytes) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(DocumentError) as caught:
        read_document(path)
    assert name in str(caught.value)


def test_missing_file_raises_document_error_naming_the_file(tmp_path: Path) -> None:
    path = tmp_path / "tidak-ada.txt"
    with pytest.raises(DocumentError) as caught:
        read_document(path)
    assert "tidak-ada.txt" in str(caught.value)


def test_directory_raises_document_error(tmp_path: Path) -> None:
    folder = tmp_path / "folder.txt"
    folder.mkdir()
    with pytest.raises(DocumentError) as caught:
        read_document(folder)
    assert "folder.txt" in str(caught.value)


def test_utf8_bom_is_not_part_of_the_text(tmp_path: Path) -> None:
    path = tmp_path / "bom.txt"
    path.write_bytes("\ufeffKementerian Sosial hadir.".encode("utf-8"))
    doc = read_document(path)
    assert doc.raw == "Kementerian Sosial hadir."

"""Who said a quotation: a space before the closing mark, and "katanya" after indirect speech."""

from __future__ import annotations

from pathlib import Path

from kg.extract.document import Document
from kg.extract.pipeline import analyse
from kg.extract.quotations import find as find_quotes
from kg.graph.vocab import KG


def _speakers(text: str) -> list[str]:
    facts = analyse(Document("t", Path("t.txt"), text, 0)).facts
    return [str(f.o).rsplit("/id/", 1)[1] for f in facts if f.p == KG.speaker]


def test_a_space_before_the_closing_mark_still_closes_the_quotation() -> None:
    text = '"Kami akan membagikan 490 kursi roda, " kata Menteri Sosial Tri Rismaharini di Magelang.'
    assert _speakers(text) == ["person/tri-rismaharini"]


def test_katanya_after_indirect_speech_is_the_person_reported() -> None:
    text = ("Menteri Sosial Tri Rismaharini mengatakan, dapur umum mampu memproduksi 4.000 nasi bungkus. "
            '"Cara ini ditempuh agar kendala air bersih teratasi," katanya dalam siaran pers.')
    assert _speakers(text) == ["person/tri-rismaharini"]


def test_katanya_with_nobody_reported_has_no_speaker() -> None:
    assert _speakers('Dapur umum beroperasi. "Cara ini ditempuh agar air bersih teratasi," katanya.') == []


def test_a_pronoun_after_the_verb_and_a_title_right_after_the_quotation() -> None:
    text = ('Direktur Jenderal Rehabilitasi Sosial Harry Hikmat membuka kuliah. "Ini kesempatan pertama untuk kita," '
            'kata Harry. "Dosen bisa menjadi bagian dari tim kami," tambah dia. "Ini mekanisme yang dibangun bersama," '
            "Dirjen Rehsos.")
    assert _speakers(text) == ["person/harry-hikmat"] * 3


def test_a_quotation_a_speech_verb_opens_and_the_paragraph_never_closes() -> None:
    text = ("Sambutan disampaikan oleh Direktur Rehabilitasi Sosial Anak Kanya Eka Santi.\n"
            'Di depan tim, Kanya Eka Santi menyampaikan "kami siap memberikan pelayanan maksimal.\nAcara selesai.')
    assert _speakers(text) == ["person/kanya-eka-santi"]
    quotes = [m for m in find_quotes(text) if m.attrs.get("unclosed")]
    assert [q.attrs["inner"] for q in quotes] == ["kami siap memberikan pelayanan maksimal."]


def test_an_opening_mark_without_a_speech_verb_opens_no_quotation() -> None:
    assert find_quotes('Tim membawa "paket sembako untuk warga terdampak.\nAcara selesai.') == []


def test_a_closed_quotation_is_one_quotation() -> None:
    text = 'Ia menyampaikan "kami siap memberikan pelayanan," ujar Harry Hikmat.'
    assert len(find_quotes(text)) == 1


def test_a_capitalised_verb_of_saying_after_the_closing_mark() -> None:
    text = ('Tim Kemensos menjemput para pekerja migran. "Langkah kedepannya akan dilakukan asesmen lebih lanjut" '
            "Ujar Firmansyah Arifin")
    assert _speakers(text) == ["person/firmansyah-arifin"]

"""Who said a quotation: a space before the closing mark, and "katanya" after indirect speech."""

from __future__ import annotations

from pathlib import Path

from kg.extract.document import Document
from kg.extract.pipeline import analyse
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

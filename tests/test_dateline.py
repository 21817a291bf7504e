"""The dateline's parts: place of writing, date, and a news outlet naming itself."""

from __future__ import annotations

import pytest

from kg.extract.facts.dateline import outlet_name, parts
from kg.reference.lexicon import load_lexicon


def _kinds(sentence: str) -> list[tuple[str, str]] | None:
    found = parts(sentence, load_lexicon())
    return None if found is None else [(p.text, p.kind) for p in found[0]]


@pytest.mark.parametrize("sentence, expected", [
    ("JAKARTA (6 November 2019) – KOICA melakukan kunjungan.", [("JAKARTA", "place")]),
    ("jpnn.com, JAKARTA - Direktur Jenderal melaporkan.", [("jpnn.com", "outlet"), ("JAKARTA", "place")]),
    ("Jakarta (ANTARA) - Kementerian Sosial hingga Agustus.", [("Jakarta", "place"), ("ANTARA", "outlet")]),
    ("Jakarta, InfoPublik - Menteri Sosial berkata.", [("Jakarta", "place"), ("InfoPublik", "outlet")]),
    ("GALAMEDIA - Kementerian Sosial mengajak.", [("GALAMEDIA", "outlet")]),
    ("selalu.id – Sejak masa kepemimpinan.", [("selalu.id", "outlet")]),
    # a district the gazetteer does not recognise is still a place, never an outlet
    ("CUGENANG (22 November 2022) - Tim tiba.", [("CUGENANG", "place")]),
])
def test_dateline_parts(sentence: str, expected: list[tuple[str, str]]) -> None:
    assert _kinds(sentence) == expected


def test_a_sentence_without_a_dateline_has_no_parts() -> None:
    assert _kinds("Kementerian Sosial menyiapkan 490 kursi roda - dan tongkat.") is None


def test_outlet_names_take_their_usual_case() -> None:
    assert [outlet_name(w) for w in ("GALAMEDIA", "KOMPAS.com", "selalu.id")] == ["Galamedia", "Kompas.com", "selalu.id"]


"""Programmes named the ways releases name them, when the reference data does not list them."""

from __future__ import annotations

import pytest

from kg.extract.pipeline import finder


def _programmes(text: str) -> dict[str, str]:
    return {m.key: m.text for m in finder().find(text) if m.kind == "program"}


@pytest.mark.parametrize("text, key", [
    ("Dirjen menyampaikan realisasi anggaran Program Rehabilitasi Sosial hingga 19 Juli 2020.", "program/rehabilitasi-sosial"),
    ("Target Program Pemberdayaan Komunitas Adat Terpencil Tahun 2021 tercapai.",
     "program/pemberdayaan-komunitas-adat-terpencil"),
    ("Mereka berkolaborasi melalui the Cooperative Acquisitions Program.", "program/cooperative-acquisitions-program"),
    ("Lembaga ini memiliki sebuah layanan yang diberi nama National Library Service for the Blind and Print Disabled.",
     "program/national-library-service-for-the-blind-and-print-disabled"),
    ("Program Rehabilitasi Sosial berupa Penanganan Warga Terlantar Terdampak Covid-19 (PWTC) mengedepankan keluarga.",
     "program/penanganan-warga-terlantar-terdampak-covid-19"),
])
def test_a_programme_named_by_the_forms_releases_use(text: str, key: str) -> None:
    assert key in _programmes(text)


@pytest.mark.parametrize("text", [
    "Kemensos menggelar Sosialisasi Program ATENSI di Bali.",
    "Turut hadir SKM Bidang Pengembangan SDM dan Program Suhadi Lili di Fukuoka.",
    "Kemensos meluncurkan Program ABC untuk remaja.",
    "Mahasiswa Program Studi Pekerjaan Sosial Poltekesos hadir.",
    "Dinas menyusun Program Kerja Tahun 2023.",
])
def test_no_programme_where_the_words_name_something_else(text: str) -> None:
    assert not [key for key in _programmes(text) if key not in ("program/atensi",)]


def test_a_programme_name_stops_at_the_next_name() -> None:
    assert "program/keluarga-harapan-kementerian-sosial" not in _programmes("Program Keluarga Harapan Kementerian Sosial.")
    assert _programmes("Program Bantuan Pangan Kementerian Sosial berjalan.") == {"program/bantuan-pangan": "Program Bantuan Pangan"}

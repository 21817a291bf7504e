"""Indonesian numerals, number words and rupiah amounts, as exact Decimals."""

from __future__ import annotations

from decimal import Decimal

import pytest

from kg.extract.numbers import is_integral, parse_money, parse_number, parse_numeral, parse_words


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("3.000", Decimal(3000)),
        ("250.000", Decimal(250000)),
        ("2,3", Decimal("2.3")),
        ("1.000.000,00", Decimal(1000000)),
        ("1.250.000.000", Decimal(1250000000)),
        ("90", Decimal(90)),
        ("160", Decimal(160)),
        ("0,5", Decimal("0.5")),
        ("12,75", Decimal("12.75")),
        ("20.000,-", Decimal(20000)),  # "Rp 20.000,-": the dash says "no cents"
        (" 31 ", Decimal(31)),
    ],
)
def test_parse_numeral(text: str, value: Decimal) -> None:
    parsed = parse_numeral(text)
    assert isinstance(parsed, Decimal)
    assert parsed == value
    assert parse_number(text) == value


def test_dot_groups_thousands_and_comma_marks_decimals() -> None:
    # the Indonesian convention, not the English one
    assert parse_numeral("3.000") != Decimal("3.0")
    assert parse_numeral("2,3") != Decimal(23)
    assert is_integral(parse_numeral("1.000.000,00"))
    assert not is_integral(parse_numeral("2,3"))
    assert str(parse_numeral("2,3")) == "2.3"  # exact: no binary float on the way


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("nol", 0),
        ("satu", 1),
        ("tiga", 3),
        ("sepuluh", 10),
        ("sebelas", 11),
        ("dua belas", 12),
        ("lima belas", 15),
        ("dua puluh tiga", 23),
        ("seratus", 100),
        ("seratus dua puluh", 120),
        ("seratus sebelas", 111),
        ("sembilan ratus sembilan puluh sembilan", 999),
        ("seribu", 1000),
        ("seribu lima ratus", 1500),
        ("dua ribu dua puluh dua", 2022),
        ("lima belas ribu", 15000),
        ("seratus ribu", 100000),
        ("tiga ratus lima puluh ribu", 350000),
        ("satu juta dua ratus ribu", 1200000),
        ("dua puluh lima juta", 25000000),
        ("Tiga", 3),
        ("DUA BELAS", 12),
    ],
)
def test_parse_words(text: str, value: int) -> None:
    assert parse_words(text) == value
    assert parse_number(text) == Decimal(value)


@pytest.mark.parametrize(
    ("text", "scale", "value"),
    [
        ("5", "juta", Decimal(5000000)),
        ("45", "miliar", Decimal(45000000000)),
        ("45", "milyar", Decimal(45000000000)),
        ("2,5", "miliar", Decimal(2500000000)),
        ("3", "ribu", Decimal(3000)),
        ("1,2", "triliun", Decimal(1200000000000)),
        ("tiga", "ribu", Decimal(3000)),
        ("7", "jt", Decimal(7000000)),
        ("7", "Juta", Decimal(7000000)),
    ],
)
def test_parse_number_with_scale(text: str, scale: str, value: Decimal) -> None:
    assert parse_number(text, scale) == value


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("Rp1.250.000.000", Decimal(1250000000)),
        ("Rp 45 miliar", Decimal(45000000000)),
        ("Rp 20.000,-", Decimal(20000)),
        ("Rp30.000,-", Decimal(30000)),
        ("Rp. 5 juta", Decimal(5000000)),
        ("Rp 2,5 triliun", Decimal(2500000000000)),
        ("rp 10 ribu", Decimal(10000)),
        ("Rp 1.500", Decimal(1500)),
    ],
)
def test_parse_money(text: str, value: Decimal) -> None:
    assert parse_money(text) == value


@pytest.mark.parametrize(
    "text",
    ["", "   ", "abc", "1.00", "1.0000", "12.34.567", "1,2,3", "1 000", "-5", "1e3", "tiga koma", "tiga-ratus",
     "Rp", "3 000", "2.3.", "seratus abc"],
)
def test_bad_numbers_raise_value_error(text: str) -> None:
    with pytest.raises(ValueError):
        parse_number(text)


@pytest.mark.parametrize("text", ["abc", "1.00", "12.34.567", "tiga", "", "1,2,3"])
def test_bad_numerals_raise_value_error(text: str) -> None:
    with pytest.raises(ValueError):
        parse_numeral(text)


@pytest.mark.parametrize("text", ["", "3", "tiga koma", "ratus-an", "lima orang"])
def test_bad_number_words_raise_value_error(text: str) -> None:
    with pytest.raises(ValueError):
        parse_words(text)


@pytest.mark.parametrize("text", ["45 miliar", "Rp", "Rp abc", "USD 5", "IDR 5.000", ""])
def test_bad_money_raises_value_error(text: str) -> None:
    with pytest.raises(ValueError):
        parse_money(text)


def test_unknown_scale_word_raises_value_error() -> None:
    with pytest.raises(ValueError, match="lusin"):
        parse_number("5", "lusin")

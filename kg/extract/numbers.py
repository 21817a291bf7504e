"""Indonesian numerals: "3.000" is 3000, "2,3" is 2.3, "tiga" is 3, "45 miliar" is 45 000 000 000.

Values are Decimals so that typed literals (xsd:integer, xsd:decimal) keep exact values.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from functools import lru_cache

import pycountry

UNITS = {
    "nol": 0, "satu": 1, "se": 1, "dua": 2, "tiga": 3, "empat": 4, "lima": 5, "enam": 6,
    "tujuh": 7, "delapan": 8, "sembilan": 9, "sepuluh": 10, "sebelas": 11, "seratus": 100,
    "seribu": 1000,
}
PREFIXED_SCALES = {"sejuta": 10**6, "semiliar": 10**9, "semilyar": 10**9}
MULTIPLIERS = {"belas": 10, "puluh": 10, "ratus": 100, "ribu": 1000, "juta": 10**6, "miliar": 10**9, "milyar": 10**9, "triliun": 10**12}
SCALES = {"ribu": 10**3, "rb": 10**3, "juta": 10**6, "jt": 10**6, "miliar": 10**9, "milyar": 10**9, "m": 10**9, "triliun": 10**12, "t": 10**12}

#: words that measure a count of people or things (classifiers, Tata Bahasa Baku Bahasa Indonesia): "19 orang laki-laki"
CLASSIFIERS = frozenset({"orang", "buah", "unit", "ekor", "lembar", "batang"})
NUMERAL = r"\d{1,3}(?:\.\d{3})+(?:,\d+)?|\d+(?:,\d+)?"
NUMERAL_RE = re.compile(rf"^(?:{NUMERAL})$", re.ASCII)
NUMBER_WORD = r"(?:" + "|".join(sorted(list(UNITS) + list(MULTIPLIERS), key=len, reverse=True)) + r")"
WORDS_RE = re.compile(rf"^{NUMBER_WORD}(?:\s+{NUMBER_WORD})*$", re.IGNORECASE)


def parse_numeral(text: str) -> Decimal:
    """Digits written the Indonesian way: dots group thousands, a comma marks decimals."""
    cleaned = text.strip().rstrip(",-").strip()
    if not NUMERAL_RE.match(cleaned):
        raise ValueError(f"not an Indonesian numeral: {text!r}")
    try:
        return Decimal(cleaned.replace(".", "").replace(",", "."))
    except InvalidOperation as exc:  # pragma: no cover - the regex already guarantees digits
        raise ValueError(f"not a number: {text!r}") from exc


def parse_words(text: str) -> int:
    """Number words: "tiga" 3, "dua belas" 12, "tiga ratus lima puluh ribu" 350000."""
    words = text.lower().split()
    if len(words) == 1 and words[0] in PREFIXED_SCALES:
        return PREFIXED_SCALES[words[0]]
    if not words or not WORDS_RE.match(text.strip()) or words[0] in MULTIPLIERS or words[0] == "se":
        raise ValueError(f"not an Indonesian number word: {text!r}")
    total, group, unit = 0, 0, 0
    for word in words:
        if word == "seribu":
            total += 1000
        elif word == "seratus":
            group += 100
        elif word in UNITS:
            unit += UNITS[word]
        elif word == "belas":
            group, unit = group + unit + 10, 0
        elif word in ("puluh", "ratus"):
            group, unit = group + max(unit, 1) * MULTIPLIERS[word], 0
        else:
            total += max(group + unit, 1) * MULTIPLIERS[word]
            group, unit = 0, 0
    return total + group + unit


def parse_number(text: str, scale: str | None = None) -> Decimal:
    """A numeral or number words, times an optional scale word ("45" + "miliar")."""
    text = text.strip()
    try:
        value = parse_numeral(text)
    except ValueError:
        value = Decimal(parse_words(text))
    if scale:
        factor = SCALES.get(scale.lower())
        if factor is None:
            raise ValueError(f"unknown scale word {scale!r}")
        value *= factor
    return value


def parse_money(text: str) -> Decimal:
    """Rupiah amounts as written: "Rp1.250.000.000", "Rp 45 miliar", "Rp 20.000,-"."""
    match = re.match(rf"^\s*Rp\.?\s*({NUMERAL})(?:,-)?(?:\s*({'|'.join(SCALES)})\b)?", text, re.IGNORECASE)
    if not match:
        raise ValueError(f"not a rupiah amount: {text!r}")
    return parse_number(match.group(1), match.group(2))


#: dollars are written the English way in Indonesian news ("USD $7,000,000", "US$6 juta")
DOLLARS = r"(?:US\$|USD ?\$?|\$) ?(?:\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:[.,]\d+)?)(?: ?(?:ribu|juta|miliar|milyar|triliun)\b)?"


def parse_dollars(text: str) -> Decimal:
    """US dollar amounts: "USD $7,000,000" (commas group thousands), "US$6 juta", "$2,5 juta"."""
    match = re.match(r"^\s*(?:US\$|USD ?\$?|\$) ?([\d.,]+)(?: ?(ribu|juta|miliar|milyar|triliun))?", text, re.IGNORECASE)
    if not match:
        raise ValueError(f"not a dollar amount: {text!r}")
    digits = match.group(1)
    english = re.fullmatch(r"\d{1,3}(?:,\d{3})+(?:\.\d+)?", digits)
    value = Decimal(digits.replace(",", "")) if english else parse_numeral(digits)
    return value * SCALES[match.group(2).lower()] if match.group(2) else value


def is_integral(value: Decimal) -> bool:
    return value == value.to_integral_value()


#: ISO 4217 codes that are funds or units of account, not what a price is paid in
_NOT_TENDER = {"CHE", "CHW", "COU", "XAD", "BOV", "CLF", "MXV", "USN", "UYI", "UYW"}


@lru_cache(maxsize=1)
def _currencies() -> dict[str, str]:
    """The last word of an ISO 4217 currency's name (pycountry) → its code, for the words that name one
    currency: "ringgit" MYR, "yen" JPY, "baht" THB, "euro" EUR ("dollar" and "won" name several)."""
    codes: dict[str, set[str]] = {}
    for currency in pycountry.currencies:
        if currency.alpha_3 not in _NOT_TENDER and not currency.alpha_3.startswith("X"):
            codes.setdefault(currency.name.split(" ")[-1].lower(), set()).add(currency.alpha_3)
    return {word: next(iter(found)) for word, found in codes.items() if len(found) == 1 and word != "rupiah"}


def currency_code(word: str) -> str:
    """The ISO 4217 code of a foreign currency named by one word ("ringgit" → "MYR"), or ""."""
    return _currencies().get(word.lower(), "")

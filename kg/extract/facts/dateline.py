"""The dateline that opens a news report: `JAKARTA (6 November 2019) –`, `jpnn.com, JAKARTA -`,
`Jakarta (ANTARA) -`, `GALAMEDIA -`. Its parts are the place of writing, the date, and the news
outlet that names itself there (the Indonesian press convention for syndicated and online news)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from kg.reference.lexicon import Lexicon
from kg.reference.wilayah import area_names

DATELINE = re.compile(
    r"^(?P<head>(?:[a-z][\w-]*\.[a-z]{2,}|[A-Z][\w.]*)(?:[ ,]+[A-Z][\w.]*)*?),? *(?:\((?P<paren>[^)]*)\))? *[-\u2013\u2014]")
OUTLET = re.compile(r"(?:[A-Za-z][\w-]*\.(?:com|id|co\.id|net|org|news|tv)|[A-Z][A-Za-z]+)")


@dataclass(frozen=True)
class Part:
    """One part of a dateline: its offset in the sentence, its words, and what it is."""

    start: int
    text: str
    kind: str  # "place", "outlet" or "other"


def parts(sentence: str, lexicon: Lexicon) -> tuple[list[Part], int] | None:
    """The parts of the dateline opening `sentence` and where the dateline ends, or None when the
    sentence opens with no dateline."""
    match = DATELINE.match(sentence)
    if not match:
        return None
    found = []
    pos = match.start("head")
    for piece in match.group("head").split(","):
        words = piece.strip()
        found.append(Part(pos + piece.index(words) if words else pos, words, _kind(words, lexicon)))
        pos += len(piece) + 1
    paren = match.group("paren")
    if paren and not re.search(r"\d", paren):
        found.append(Part(match.start("paren"), paren, _kind(paren, lexicon)))
    return found, match.end()


def _kind(words: str, lexicon: Lexicon) -> str:
    if lexicon.place_by_name(words) or words.casefold() in area_names():
        return "place"
    if OUTLET.fullmatch(words) and (not words.isupper() or len(words) > 3):
        return "outlet"
    return "other"


def outlet_name(words: str) -> str:
    """An outlet's name in its usual case: "GALAMEDIA" → "Galamedia", "KOMPAS.com" → "Kompas.com"."""
    head, dot, tail = words.partition(".")
    return (head.capitalize() if head.isupper() else head) + dot + tail

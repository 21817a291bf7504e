"""Normalised text with a map back to raw offsets, and sentence splitting.

Press releases are scraped with hard line wraps, often with a paragraph's first word alone on
its line. Extraction runs on an unwrapped copy; every character of the copy remembers the raw
offset it came from, so spans found in the copy are reported against the original file.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

QUOTE_CHARS = str.maketrans({"\u201c": '"', "\u201d": '"', "\u201e": '"', "\u2018": "'", "\u2019": "'"})
PARAGRAPH_END = re.compile(r"[.!?:][\"'\u201d]?$")
DATELINE = re.compile(r"^[A-Z][A-Za-z.]*(?:[ ,]+[A-Z][A-Za-z.]*)*,? *\(\d{1,2} \w+ \d{4}\) *[-\u2013\u2014]")
ABBREVIATIONS = frozenset(
    "pt tbk dr drs ir prof no nomor st jl kab kec h hj sdr bpk ibu mr mrs ms ltd inc co corp vs dll dsb".split()
)


@dataclass(frozen=True)
class NormalisedText:
    """`text` is the unwrapped copy; `offsets[i]` is the raw offset of `text[i]`."""

    text: str
    offsets: tuple[int, ...]
    raw_end: int

    def raw_span(self, start: int, end: int) -> tuple[int, int]:
        """Raw [start, end) of the normalised span [start, end)."""
        if end <= start:
            raise ValueError(f"empty span {start}-{end}")
        return self.offsets[start], self.offsets[end - 1] + 1


@dataclass(frozen=True)
class Sentence:
    """A sentence as normalised text, with its span in both texts."""

    index: int
    start: int
    end: int
    raw_start: int
    raw_end: int
    text: str
    paragraph: int


def _paragraph_breaks(lines: list[str]) -> list[bool]:
    """For each line, whether a new paragraph starts at it."""
    breaks = []
    previous = ""
    for line in lines:
        stripped = line.strip()
        starts = (
            not previous
            or bool(PARAGRAPH_END.search(previous))
            or bool(DATELINE.match(stripped))
        )
        breaks.append(starts)
        previous = stripped
    return breaks


def normalise(raw: str, start: int = 0) -> NormalisedText:
    """Unwrap lines, collapse blanks, straighten quotes; map every kept character to raw."""
    chars: list[str] = []
    offsets: list[int] = []
    lines: list[tuple[int, str]] = []
    pos = start
    for line in raw[start:].splitlines(keepends=True):
        lines.append((pos, line))
        pos += len(line)
    content = [(p, ln) for p, ln in lines if ln.strip()]
    blank_before = set()
    seen_blank = False
    for p, ln in lines:
        if not ln.strip():
            seen_blank = True
        elif seen_blank:
            blank_before.add(p)
            seen_blank = False
    breaks = _paragraph_breaks([ln for _, ln in content])
    for (line_start, line), new_paragraph in zip(content, breaks):
        if chars:
            new_paragraph = new_paragraph or line_start in blank_before
            chars.append("\n" if new_paragraph else " ")
            offsets.append(line_start - 1)
        body = line.rstrip("\r\n")
        lead = len(body) - len(body.lstrip())
        body = body.strip()
        previous_space = False
        for i, ch in enumerate(body):
            is_space = ch.isspace()
            if is_space and previous_space:
                continue
            chars.append(" " if is_space else ch.translate(QUOTE_CHARS))
            offsets.append(line_start + lead + i)
            previous_space = is_space
    return NormalisedText("".join(chars), tuple(offsets), len(raw))


SENTENCE_END = re.compile(r'[.!?]+["\']?(?=\s+["\'(]?[A-Z0-9])|[.!?]+["\']?$')


def _ends_with_abbreviation(text: str, dot: int) -> bool:
    word = re.search(r"([A-Za-z]+)$", text[:dot])
    if not word:
        return False
    token = word.group(1)
    return token.lower() in ABBREVIATIONS or (len(token) == 1 and token.isupper())


def _quote_depth_changes(paragraph: str) -> list[int]:
    """Running count of open double quotes, or all zeros when quotes do not balance."""
    depth, running = 0, []
    for ch in paragraph:
        if ch == '"':
            depth ^= 1
        running.append(depth)
    return running if depth == 0 else [0] * len(paragraph)


def split_sentences(norm: NormalisedText) -> list[Sentence]:
    """Split each paragraph at sentence ends that are not abbreviations nor inside a quote."""
    sentences: list[Sentence] = []
    pos = 0
    for number, paragraph in enumerate(norm.text.split("\n")):
        depth = _quote_depth_changes(paragraph)
        begin = 0
        for match in SENTENCE_END.finditer(paragraph):
            cut = match.end()
            if match.group(0)[0] == "." and _ends_with_abbreviation(paragraph, match.start()):
                continue
            if cut < len(paragraph) and depth[match.start()]:
                continue
            _add(sentences, norm, paragraph, pos, begin, cut, number)
            begin = cut
        _add(sentences, norm, paragraph, pos, begin, len(paragraph), number)
        pos += len(paragraph) + 1
    return sentences


def _add(out: list[Sentence], norm: NormalisedText, paragraph: str, base: int, begin: int, end: int, number: int) -> None:
    piece = paragraph[begin:end]
    lead = len(piece) - len(piece.lstrip())
    piece = piece.strip()
    if not piece:
        return
    start = base + begin + lead
    stop = start + len(piece)
    raw_start, raw_end = norm.raw_span(start, stop)
    out.append(Sentence(len(out), start, stop, raw_start, raw_end, piece, number))

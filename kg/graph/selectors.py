"""W3C Web Annotation quote selectors, computed from a release's text instead of stored.

A span of a release (a sentence, a mention) stores one `oa:TextPositionSelector`: code-point offsets
into the file as published, end exclusive. Its `oa:TextQuoteSelector` (the exact words, with up to
`CONTEXT` characters either side to tell repeated words apart) follows from those offsets and the
release's `schema:text`, so it is computed when a span is described rather than stored for every span
of every release (it was five quads and three literals a span).
"""

from __future__ import annotations

from dataclasses import dataclass

CONTEXT = 32


@dataclass(frozen=True)
class Quote:
    exact: str
    prefix: str
    suffix: str


def quote(text: str, start: int, end: int) -> Quote | None:
    """The quote selector of `text[start:end]`; None when the offsets do not lie within the text."""
    if not 0 <= start < end <= len(text):
        return None
    return Quote(text[start:end], text[max(0, start - CONTEXT):start], text[end:end + CONTEXT])


__all__ = ["CONTEXT", "Quote", "quote"]

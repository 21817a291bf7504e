"""Quotations: the words between an opening and a closing quotation mark, and a quotation a speech
verb opens that the release never closes (a slip of the press: the paragraph ends instead)."""

from __future__ import annotations

import re

from kg.extract.spans import Mention

CLOSED = re.compile(r'(?:(?<=^)|(?<=[\s(]))"(?=\S)([^"\n]*?\S) ?"', re.MULTILINE)
#: a speech verb or a colon right before an opening mark: "menyampaikan “kami siap …"
OPENED_BY_SPEECH = re.compile(r'(?:\b(?:menyampaikan|menyatakan|mengatakan|berkata|mengungkapkan|menegaskan|'
                              r'menjelaskan|menuturkan)(?: bahwa)?|:),? "(?=\S)([^"\n]*[^"\s])$', re.MULTILINE)
MIN_LENGTH = 12  # shorter quoted words are names or terms ("Margo Laras"), not speech


def find(text: str) -> list[Mention]:
    """Quotations, closed or left open after a speech verb until the end of their paragraph."""
    found = [Mention("quote", m.start(), m.end(), m.group(0), attrs={"inner": m.group(1).strip().rstrip(",")})
             for m in CLOSED.finditer(text) if len(m.group(1)) >= MIN_LENGTH]
    for match in OPENED_BY_SPEECH.finditer(text):
        start = match.start(1) - 1
        if len(match.group(1)) >= MIN_LENGTH and not any(q.start <= start < q.end for q in found):
            found.append(Mention("quote", start, match.end(), text[start:match.end()],
                                 attrs={"inner": match.group(1).strip(), "unclosed": True}))
    return sorted(found, key=lambda q: q.start)

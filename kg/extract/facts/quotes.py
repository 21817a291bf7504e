"""Quotations and who said them: `"…," kata Harry.`, `"…," ujar Dirjen …, Pepen Nazaruddin`,
`"…," katanya.` (the last speaker), `Kanya menyampaikan "…"`."""

from __future__ import annotations

import re

from rdflib import Literal

from kg.extract.facts.base import Analysis
from kg.graph.vocab import KG, RDF, SDO

SPEECH_VERB = r"(?:kata|ujar|tambah|pesan|tutur|jelas|ungkap|harap|imbuh|tegas|sebut|ucap|terang)"
AFTER = re.compile(rf"^[,.]?\s*(?i:{SPEECH_VERB})(?:(?P<nya>nya)\b| (?P<pronoun>dia|ia|beliau)\b)?")
BEFORE_INDIRECT = re.compile(r"^,?\s*(?:juga\s+)?(?:menyampaikan|menyatakan|mengatakan|berkata|mengungkapkan|menegaskan|menjelaskan|menuturkan)\b")
BEFORE = re.compile(r"(?:menyampaikan|menyatakan|mengatakan|berkata|mengungkapkan|menegaskan|menjelaskan)(?: bahwa)?,?\s*$")


def extract(a: Analysis) -> None:
    last_speaker = ""
    for quote in [m for m in a.mentions if m.kind == "quote"]:
        sentence = a.sentence_at(quote.start)
        speaker, cue = _speaker(a, quote, last_speaker)
        if not speaker:
            continue
        last_speaker = speaker.key if hasattr(speaker, "key") else speaker
        key = a.node("quote", quote)
        a.speakers[quote.start] = last_speaker
        evidence = [quote] + ([speaker] if hasattr(speaker, "kind") else [])
        a.add(key, RDF.type, KG.Quote, sentence, [quote], "quotation-marks")
        a.add(key, SDO.text, Literal(quote.attrs["inner"], lang="id"), sentence, [quote], "quotation-marks")
        a.add(key, KG.speaker, last_speaker, sentence, evidence, cue)
        name = a.entities[last_speaker].label
        a.label(key, sentence, [quote], "quotation-marks", f"Kutipan {name}: {_short(quote.attrs['inner'])}",
                f"Quote by {name}: {_short(quote.attrs['inner'])}")


def _last_reporter(a: Analysis, before: int):  # type: ignore[no-untyped-def]
    """"Mensos Tri Rismaharini mengatakan, … 'Cara ini …,' katanya": with no quotation before, "-nya"
    is the last person the text reported as speaking in indirect speech."""
    for person in reversed([m for m in a.mentions if m.kind == "person" and m.end <= before]):
        if BEFORE_INDIRECT.match(a.norm.text[person.end:person.end + 40]):
            return person
    return None


def _short(text: str, words: int = 8) -> str:
    parts = text.split()
    return " ".join(parts[:words]) + ("…" if len(parts) > words else "")


def _speaker(a: Analysis, quote, last_speaker: str):  # type: ignore[no-untyped-def]
    """The person a speech verb next to the quote names, or the last speaker for "katanya"."""
    after = a.norm.text[quote.end:quote.end + 80]
    match = AFTER.match(after)
    if match:
        if match.group("nya") or match.group("pronoun"):  # "katanya", "tambah dia"
            if last_speaker:
                return last_speaker, "speech-verb-nya-last-speaker"
            reporter = _last_reporter(a, quote.start)
            return (reporter, "speech-verb-nya-last-reporter") if reporter else ("", "")
        limit = quote.end + match.end() + 70
        people = [m for m in a.mentions if m.kind == "person" and quote.end + match.end() <= m.start < limit]
        if people:
            return people[0], "speech-verb-after-quote"
    named = next((m for m in a.mentions if m.kind == "person" and quote.end < m.start <= quote.end + 2), None)
    if named and re.match(r"(?: [A-Z]\w+){0,3}\s*[.,]", a.norm.text[named.end:named.end + 40]):  # '"…," Dirjen Rehsos.'
        return named, "name-after-quote"
    before = a.norm.text[max(0, quote.start - 80):quote.start]
    if BEFORE.search(before):
        people = [m for m in a.mentions if m.kind == "person" and quote.start - 80 <= m.start < quote.start]
        if people:
            return people[-1], "speech-verb-before-quote"
    return "", ""

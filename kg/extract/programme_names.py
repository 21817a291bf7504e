"""Programmes the reference data does not list, found by how Indonesian releases name them.

"Program Rehabilitasi Sosial", "layanan yang diberi nama National Library Service for the Blind",
"the Cooperative Acquisitions Program", and a programme a known one takes the form of ("Program
Rehabilitasi Sosial berupa Penanganan Warga Terlantar Terdampak Covid-19 (PWTC)"). A name is a run of
capitalised words (with the lower-case joining words of a title: dan, bagi, for, the, of …) that
stops where another name, a year or a date starts.
"""

from __future__ import annotations

import re

from kg.extract.spans import Mention
from kg.graph.iri import slugify

WORD = r"(?:[A-Z][\w-]*|COVID-19|Covid-19|\d+(?:\.\d+)?)"
JOINER = r"(?:dan|bagi|untuk|for|the|of|and|against|through|to|in|on)"
NAME = rf"{WORD}(?: (?:{JOINER} ){{0,2}}{WORD})*"
STOP_WORDS = {"Tahun", "Semester", "Kemensos", "Kementerian", "RI"}
#: "Program Studi Pekerjaan Sosial" is a degree course, "Program Kerja" a work plan (KBBI: program studi,
#: program kerja), "Program Magister …" a degree: none is a programme of the ministry
NOT_PROGRAMMES = {"Studi", "Kerja", "Magister", "Doktor", "Sarjana", "Diploma", "Pascasarjana", "Profesi"}
INDONESIAN = re.compile(rf"\b[Pp]rogram (?P<name>{NAME})")
#: English puts the name before "Program" ("Cooperative Acquisitions Program"); Indonesian after it
#: ("Sosialisasi Program ATENSI" is a briefing on ATENSI, "Target Program …" a target)
ENGLISH = re.compile(r"\b(?:the )?(?P<name>(?:[A-Z][\w-]* ){1,5}Program(?:me)?)\b(?! [A-Z])")
#: "Bidang Pengembangan SDM dan Program": "Program" ends the field of a title, not a programme's name
FIELD_OF_TITLE = re.compile(r"\bBidang(?: [A-Z][\w-]*)+ dan $")
NAMED = re.compile(rf"\b(?:layanan|program|kegiatan|inisiatif)(?: yang)? (?:diberi nama|bernama|dinamai|disebut) "
                   rf"(?P<name>{NAME})")
TAKES_FORM = re.compile(rf" berupa (?P<name>{NAME})(?: \((?P<abbr>[A-Z]{{2,8}})\))?")


def find(text: str, names: list[Mention]) -> list[Mention]:
    """Programme mentions no other mention overlaps, named by the three forms above."""
    found: list[Mention] = []
    for pattern, whole in ((INDONESIAN, False), (ENGLISH, True), (NAMED, True)):
        for match in pattern.finditer(text):
            if FIELD_OF_TITLE.search(text[max(0, match.start() - 60):match.start()]):
                continue
            mention = _mention(text, match, names + found, start=None if whole else match.start())
            if mention:
                found.append(mention)
    for programme in [m for m in names + found if m.kind == "program"]:
        form = TAKES_FORM.match(text, programme.end)
        mention = _mention(text, form, names + found) if form else None
        if mention:
            mention.attrs["rule"] = "programme-takes-the-form-of"
            found.append(mention)
    return found


def _mention(text: str, match: re.Match[str], taken: list[Mention], start: int | None = None) -> Mention | None:
    """The name the match gives (its span from `start`, "Program …", when given), cut where another
    mention or a stop word starts; none when it is a single short word ("Program ABC" says too little)
    or overlaps a name already found."""
    name_start = match.start("name")
    end = match.end("name")
    for other in taken:
        if name_start < other.start < end:
            end = other.start
    words = text[name_start:end].rstrip().split(" ")
    for i, word in enumerate(words):
        if word in STOP_WORDS:
            words = words[:i]
            break
    while words and re.fullmatch(JOINER, words[-1]):
        words.pop()
    name = " ".join(words)
    if words and words[0] in NOT_PROGRAMMES:
        return None
    if not words or (len(words) == 1 and (len(name) < 6 or name.isupper())):
        return None
    span_start = name_start if start is None else start
    span_end = name_start + len(name)
    if any(span_start < m.end and m.start < span_end for m in taken):
        return None
    return Mention("program", span_start, span_end, text[span_start:span_end], f"program/{slugify(name, 16)}", name,
                   "Program", {"source": "programme-name", "rule": "programme-named"})

"""Facts about the press release itself: title, date, dateline place, publisher, source address.

The dateline (`FUKUOKA (9 November 2022) - …`) gives date and place; a header block, when the file
has one, gives the title, date and source; a closing line naming a bureau gives the publisher.
"""

from __future__ import annotations

import re

from rdflib import Literal
from rdflib.namespace import XSD

from kg.extract.entities import Entity
from kg.extract.facts.base import Analysis
from kg.extract.mentions import Mention
from kg.extract.text import Sentence
from kg.graph import iri
from kg.graph.vocab import DCTERMS, KG, PROV, RDF, SDO

DATELINE = re.compile(r"^(?P<place>[A-Z][A-Za-z.]*(?:[ ,]+[A-Z][A-Za-z.]*)*?),? *(?:\((?P<date>[^)]*)\))? *[-\u2013\u2014]")


def extract(a: Analysis) -> None:
    doc = iri.document(a.doc.slug)
    first = a.sentences[0]
    a.add(doc, RDF.type, KG.PressRelease, first, [], "document")
    a.add(doc, DCTERMS.language, Literal("id"), first, [], "document")
    a.add(doc, KG.sha256, Literal(a.doc.sha256), first, [], "document")
    a.add(doc, SDO.text, Literal(a.doc.raw), first, [], "document")
    source = iri.address(a.doc.header.get("source", ""))
    if source is not None:
        a.add(doc, DCTERMS.source, source, first, [], "header-source")
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}T[\d:]+(?:\+00:00|Z)?", a.doc.header.get("retrieved", "")):
        a.add(doc, PROV.generatedAtTime, Literal(a.doc.header["retrieved"], datatype=XSD.dateTime), first, [],
              "header-retrieved")
    dateline = next((s for s in a.sentences if DATELINE.match(s.text)), None)
    issued = None
    if dateline:
        match = DATELINE.match(dateline.text)
        assert match
        place = _dateline_place(a, dateline, match)
        if place:
            a.add(doc, KG.dateline, place.key, dateline, [place], "dateline-place")
        dates = [m for m in a.in_sentence(dateline, "date") if "date" in m.attrs and m.start < dateline.start + match.end()]
        if dates:
            issued = dates[0]
            a.add(doc, DCTERMS.issued, Literal(issued.attrs["date"].isoformat(), datatype=XSD.date), dateline, [issued], "dateline-date")
    header_date = a.doc.header.get("date", "")
    if issued is None and re.fullmatch(r"\d{4}-\d{2}-\d{2}", header_date):
        a.add(doc, DCTERMS.issued, Literal(header_date, datatype=XSD.date), first, [], "header-date")
    elif issued is None and re.fullmatch(r"\d{4}-\d{2}", header_date):  # only the month is known
        a.add(doc, DCTERMS.issued, Literal(header_date, datatype=XSD.gYearMonth), first, [], "header-month")
    title = a.doc.header.get("title") or a.sentences[0].text
    rule = "header-title" if a.doc.header.get("title") else "first-line-title"
    a.add(doc, DCTERMS.title, Literal(title, lang="id"), first, [], rule)
    a.label(iri.document(a.doc.slug), first, [], rule, title)
    last = a.sentences[-1]
    orgs = a.in_sentence(last, "org")
    if orgs and len(last.text) - sum(len(m.text) for m in orgs) < 12 and not last.text.endswith((".", '"')):
        a.add(doc, DCTERMS.publisher, orgs[0].key, last, [orgs[0]], "closing-line-publisher")
    else:
        domain = re.sub(r"^https?://(?:www\.)?([^/]+).*$", r"\1", a.doc.header.get("source", ""))
        org = next((o for o in a.lexicon.organisations if o.domain and o.domain == domain), None)
        if org:
            a.add(doc, DCTERMS.publisher, f"org/{org.key}", first, [], "source-domain-publisher")


def _dateline_place(a: Analysis, dateline: Sentence, match: re.Match[str]) -> Mention | None:
    """Datelines shout the city ("FUKUOKA"); look it up in the gazetteer whatever its case."""
    words = match.group("place").split(",")[-1].strip()
    place = a.lexicon.place_by_name(words)
    if place is None:
        return None
    start = dateline.start + match.start("place") + match.group("place").rfind(words)
    key = f"place/{place.key}"
    mention = Mention("place", start, start + len(words), words, key, place.name, place.kind, {"source": "dateline"})
    if key not in a.entities:
        a.entities[key] = Entity(key, place.kind, place.name, place.name_en, {words})
        a.add(key, RDF.type, KG[place.kind], dateline, [mention], "place-name")
        a.label(key, dateline, [mention], "place-name", place.name, place.name_en)
    a.mentions.append(mention)
    a.mentions.sort(key=lambda m: (m.start, -m.end))
    return mention

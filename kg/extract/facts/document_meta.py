"""Facts about the press release itself: title, date, dateline place, publisher, source address.

The dateline (`FUKUOKA (9 November 2022) - …`) gives date and place; a header block, when the file
has one, gives the title, date and source; a closing line naming a bureau gives the publisher.
"""

from __future__ import annotations

import re

from rdflib import Literal
from rdflib.namespace import XSD

from kg.extract.facts.base import Analysis
from kg.extract.facts.dateline import Part, outlet_name
from kg.extract.facts.dateline import parts as dateline_parts
from kg.extract.mentions import Mention
from kg.extract.text import Sentence
from kg.graph import iri
from kg.graph.iri import org_key
from kg.graph.vocab import DCTERMS, KG, PROV, RDF, SDO



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
    dateline = next((s for s in a.sentences if dateline_parts(s.text, a.lexicon)), None)
    issued = outlet = None
    if dateline:
        found = dateline_parts(dateline.text, a.lexicon)
        assert found
        pieces, end = found
        place = next((_dateline_place(a, dateline, p) for p in reversed(pieces) if p.kind == "place"), None)
        if place:
            a.add(doc, KG.dateline, place.key, dateline, [place], "dateline-place")
        outlet = next((p for p in pieces if p.kind == "outlet"), None)
        if outlet:
            _dateline_outlet(a, doc, dateline, outlet)
        dates = [m for m in a.in_sentence(dateline, "date") if "date" in m.attrs and m.start < dateline.start + end]
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
    if outlet:
        return  # a news report: the outlet is its publisher, whoever wrote the statement it reports
    if orgs and len(last.text) - sum(len(m.text) for m in orgs) < 12 and not last.text.endswith((".", '"')):
        a.add(doc, DCTERMS.publisher, orgs[0].key, last, [orgs[0]], "closing-line-publisher")
    else:
        domain = re.sub(r"^https?://(?:www\.)?([^/]+).*$", r"\1", a.doc.header.get("source", ""))
        org = next((o for o in a.lexicon.organisations if o.domain and o.domain == domain), None)
        if org:
            a.add(doc, DCTERMS.publisher, f"org/{org.key}", first, [], "source-domain-publisher")


def _dateline_place(a: Analysis, dateline: Sentence, part: Part) -> Mention | None:
    """Datelines shout the city ("FUKUOKA"); look it up in the gazetteer whatever its case."""
    place = a.lexicon.place_by_name(part.text)
    if place is None:
        return None
    start = dateline.start + part.start
    key = f"place/{place.key}"
    mention = Mention("place", start, start + len(part.text), part.text, key, place.name, place.kind, {"source": "dateline"})
    a.introduce(key, place.kind, place.name, place.name_en, dateline, [mention], "place-name", frozenset({part.text}))
    _keep(a, mention)
    return mention


def _dateline_outlet(a: Analysis, doc: str, dateline: Sentence, part: Part) -> None:
    """A news outlet naming itself in the dateline published the report."""
    start = dateline.start + part.start
    existing = next((m for m in a.mentions if m.kind == "org" and m.start == start), None)
    name = existing.label if existing else outlet_name(part.text)
    key = existing.key if existing else org_key("Company", name, "")
    mention = existing or Mention("org", start, start + len(part.text), part.text, key, name, "Company",
                                  {"source": "dateline"})
    if a.introduce(key, "Company", name, name, dateline, [mention], "dateline-outlet", frozenset({part.text})):
        _keep(a, mention)
    a.add(doc, DCTERMS.publisher, key, dateline, [mention], "dateline-outlet-publisher")


def _keep(a: Analysis, mention: Mention) -> None:
    a.mentions.append(mention)
    a.mentions.sort(key=lambda m: (m.start, -m.end))

"""Visits: the delegation, who leads it, who goes with it, where it goes and who receives it.

`Delegasi Kemensos dipimpin oleh … Harry Hikmat` makes the document's visit and its leader;
`turut dalam rombongan adalah A, B, …` its members; `mengunjungi X dan Y` a visit to each
organisation; `rombongan diterima (oleh) … Emi Tanaka` the host of the visit in that sentence
(or of the visit just mentioned: "Di sini").
"""

from __future__ import annotations

import re

from rdflib import Literal
from rdflib.namespace import XSD

from kg.extract.entities import Entity
from kg.extract.facts.base import Analysis
from kg.extract.mentions import Mention
from kg.extract.text import Sentence
from kg.graph.vocab import KG, RDF, SDO

DELEGATION = re.compile(r"\b(?:[Dd]elegasi|[Rr]ombongan|Tim)\b(?P<rest>.{0,40}?)\b(?:yang )?(?:dipimpin|diwakili)(?: oleh)?\b")
MEMBERS = re.compile(r"\b(?:turut|ikut)(?: serta| hadir)?(?: dalam (?:rombongan|delegasi))?\b|\bdidampingi\b|\banggota (?:rombongan|delegasi)\b")
VISITING = re.compile(r"\b(?:mengunjungi|berkunjung ke|meninjau|meresmikan|kunjungan(?: kerja| observasi| resmi| kehormatan)? ke|"
                      r"datang ke|mendatangi|menyambangi|bertandang ke)\b")
VISIT_OF = re.compile(r"\bkunjungan(?: kerja| resmi)? (?=[A-Z])")
COMPANIONS = re.compile(r"\b(?:didampingi|bersama|dengan|beserta)\b")
DELEGATION_OF = re.compile(r"\b(?:[Dd]elegasi|[Rr]ombongan) (?=[A-Z])")
RECEIVED = re.compile(r"\b(?:diterima|disambut)(?: langsung| baik)?(?: oleh)?\b|\bmenerima (?:delegasi|rombongan)\b")
VISITORS_OF = re.compile(r"\s*(?:(?:para )?(?:perwakilan|delegasi|rombongan|tim|utusan)(?: dari)? )?")
TODAY = re.compile(r"\bhari ini\b")
PRONOUN = re.compile(r"^(?:Ia|Dia|Beliau)\b")
RECEIVES_VISIT = re.compile(r"\bmenerima kunjungan(?: kerja| kehormatan)?(?: dari)?\b")


class Visits:
    """The document's visit and its parts, created when the text first speaks of them."""

    def __init__(self, a: Analysis) -> None:
        self.a = a
        self.main = f"visit/{a.doc.slug}"
        self.started = False
        self.leader = ""
        self.parts: dict[str, str] = {}
        self.last_part = ""
        dates = [f for f in a.facts if f.rule == "dateline-date"]
        self.date = dates[0] if dates else None
        places = [f for f in a.facts if f.rule == "dateline-place"]
        self.place = places[0] if places else None

    def ensure_main(self, sentence: Sentence, evidence: list[Mention], rule: str) -> str:
        if not self.started:
            self.started = True
            a = self.a
            a.add(self.main, RDF.type, KG.Visit, sentence, evidence, rule)
            title = a.doc.header.get("title") or a.sentences[0].text[:80]
            when = self.date.o if self.date else a.doc.header.get("date", "")
            dated = f", {when}" if when else ""
            a.label(self.main, sentence, evidence, rule, f"Kunjungan: {title}{dated}", f"Visit: {title}{dated}")
            if self.date:
                a.add(self.main, SDO.startDate, self.date.o, self.date.sentence, list(self.date.evidence), "visit-date-from-dateline")
            if self.place:
                a.add(self.main, SDO.location, self.place.o, self.place.sentence, list(self.place.evidence), "visit-place-from-dateline")
        return self.main

    def lead(self, leader: Mention, sentence: Sentence, rule: str) -> str:
        """The visit and its leader: the first person the text names as one. A visit has one leader
        (the shapes say so); another person "dipimpin oleh" later leads a group within it."""
        main = self.ensure_main(sentence, [leader], rule)
        if self.leader in ("", leader.key):
            self.leader = leader.key
            self.a.add(main, KG.leader, leader.key, sentence, [leader], rule)
        return main

    def part(self, org: Mention, sentence: Sentence, evidence: list[Mention], rule: str) -> str:
        a = self.a
        key = self.parts.get(org.key)
        if key is None:
            main = self.ensure_main(sentence, evidence, rule)
            key = f"{main}/{org.key.split('/', 1)[1]}"
            self.parts[org.key] = key
            a.add(key, RDF.type, KG.Visit, sentence, evidence, rule)
            a.add(key, KG.visited, org.key, sentence, evidence, rule)
            a.add(main, SDO.subEvent, key, sentence, evidence, rule)
            a.add(key, SDO.superEvent, main, sentence, evidence, rule)
            name = a.entities[org.key].label
            a.label(key, sentence, [org], rule, f"Kunjungan ke {name}", f"Visit to {a.entities[org.key].label_en or name}")
            if org.attrs.get("place"):
                a.add(key, SDO.location, org.attrs["place"], sentence, [org], "visit-place-of-organisation")
            dated = [m for m in a.in_sentence(sentence, "date") if "date" in m.attrs]
            if dated:
                a.add(key, SDO.startDate, Literal(dated[0].attrs["date"].isoformat(), datatype=XSD.date), sentence, [dated[0]], "visit-date-in-sentence")
            elif TODAY.search(sentence.text) and self.date:
                a.add(key, SDO.startDate, self.date.o, sentence, list(self.date.evidence), "visit-today-is-dateline-date")
        self.last_part = key
        return key


def _pronoun_subject(a: Analysis, sentence: Sentence) -> list[Mention]:
    """"Ia/Dia/Beliau …" opening a sentence: the last person named before it (Indonesian news refers
    back to the person of the previous sentence this way)."""
    if not PRONOUN.match(sentence.text):
        return []
    return a.before(sentence.start, "person")[-1:]


def _in_chain(person: Mention) -> set[int]:
    chain = person.attrs.get("chain") or {}
    return {id(m) for m in chain.get("orgs", []) + chain.get("places", [])}


def extract(a: Analysis) -> None:
    visits = Visits(a)
    people = [m for m in a.mentions if m.kind == "person"]
    chained = set().union(*(_in_chain(p) for p in people)) if people else set()
    for sentence in a.sentences:
        text = sentence.text
        here = a.in_sentence(sentence)
        match = DELEGATION.search(text)
        if match:
            orgs = [m for m in here if m.kind == "org" and m.start < sentence.start + match.end("rest") and id(m) not in chained]
            leaders = [m for m in here if m.kind == "person" and m.start >= sentence.start + match.end()]
            if leaders:
                main = visits.lead(leaders[0], sentence, "delegation-led-by")
                if orgs:
                    a.add(main, KG.delegationOf, orgs[0].key, sentence, [orgs[0]], "delegation-of-organisation")
        for named in DELEGATION_OF.finditer(text):  # "sembilan delegasi KOICA datang ke …"
            org = next((m for m in here if m.kind == "org" and m.start == sentence.start + named.end()), None)
            if org and (visits.started or VISITING.search(text)):
                main = visits.ensure_main(sentence, [org], "delegation-of-named-organisation")
                a.add(main, KG.delegationOf, org.key, sentence, [org], "delegation-of-named-organisation")
        match = MEMBERS.search(text)
        if match:
            members = [m for m in here if m.kind == "person" and m.start >= sentence.start + match.end() and m.attrs.get("chain")]
            for member in members:
                main = visits.ensure_main(sentence, [member], "delegation-member")
                a.add(main, SDO.attendee, member.key, sentence, [member], "delegation-member")
                a.add(main, KG.member, member.key, sentence, [member], "delegation-member")
        match = VISITING.search(text)
        if match:
            stop = COMPANIONS.search(text, match.end())  # "… datang ke X dengan didampingi oleh Y": Y came along
            limit = sentence.start + (stop.start() if stop else len(text))
            after = [m for m in here if m.kind == "org" and sentence.start + match.end() <= m.start < limit
                     and id(m) not in chained]
            visitors = [m for m in here if m.kind == "person" and m.start < sentence.start + match.start()] \
                or _pronoun_subject(a, sentence)
            if visits.started or DELEGATION.search(a.norm.text) or "rombongan" in text or "delegasi" in text:
                for org in after:
                    visits.part(org, sentence, [org], "visit-to-organisation")
            elif visitors and after:  # "Harry Hikmat meninjau …", "… Pepen Nazaruddin saat kunjungan kerja ke …"
                visits.lead(visitors[-1], sentence, "person-visits-organisation")
                for org in after:
                    visits.part(org, sentence, [org], "person-visits-organisation")
        match = RECEIVES_VISIT.search(text)
        if match:
            _received_visitors(a, visits, sentence, here, match)
        elif match := VISIT_OF.search(text):
            _visit_of_person(a, visits, sentence, here, match)
        match = RECEIVED.search(text)
        if match:
            hosts = [m for m in here if m.kind == "person" and m.start >= sentence.start + match.end()]
            if not hosts and "menerima" in match.group(0):
                hosts = [m for m in here if m.kind == "person" and m.start < sentence.start + match.start()][-1:]
            for host in hosts[:1]:
                chain = host.attrs.get("chain") or {}
                visited = [m for m in here if m.kind == "org" and m.start < sentence.start + match.start() and id(m) not in chained]
                held = [m for org in a.posts.get(host.key, [])[:1] for m in a.mentions if m.key == org[1]][:1]
                target = (chain.get("orgs") or held or visited or [None])[0]
                key = visits.part(target, sentence, [host], "received-by") if target else visits.last_part
                if key:
                    a.add(key, KG.host, host.key, sentence, [host], "received-by")


def _received_visitors(a: Analysis, visits: Visits, sentence: Sentence, here: list[Mention], match: re.Match[str]) -> None:
    """"Menteri Sosial … menerima kunjungan dari Duta Besar Jepang Masafumi Ishii": the people after
    the cue visit, the first leading (others may come separately: "dalam sesi berbeda"); the person
    before it hosts, at the organisation of their post."""
    cue_start, cue_end = sentence.start + match.start(), sentence.start + match.end()
    visitors = [m for m in here if m.kind == "person" and m.start >= cue_end]
    hosts = [m for m in here if m.kind == "person" and m.end <= cue_start][-1:]
    if not visitors:
        _received_organisation(a, visits, sentence, here, cue_start, cue_end)
        return
    visits.lead(visitors[0], sentence, "receives-visit-from")  # others named may be separate visits
    for host in hosts:
        org = next((key for _, key in a.posts.get(host.key, [])), "")
        known = a.lexicon.organisation(org.split("/", 1)[-1])
        if org not in a.entities and known:  # the title's own organisation ("Menteri Sosial"), named by the reference data
            a.entities[org] = Entity(org, known.kind, known.name, known.name_en)
        if org in a.entities:
            at = next((m for m in a.mentions if m.key == org), None) or Mention(
                "org", host.start, host.end, host.text, org, a.entities[org].label, a.entities[org].kind)
            key = visits.part(at, sentence, [host], "receives-visit-from")
            a.add(key, KG.host, host.key, sentence, [host], "receives-visit-from")


def _received_organisation(a: Analysis, visits: Visits, sentence: Sentence, here: list[Mention], cue_start: int,
                           cue_end: int) -> None:
    """"Sentra Abiyoso menerima kunjungan dari perwakilan Library of Congress": with no person named, the
    organisation after the cue (or its representatives, delegation or team) visits the one before it."""
    opening = VISITORS_OF.match(a.norm.text, cue_end)
    guest = next((m for m in here if m.kind == "org" and opening and m.start == opening.end()), None)
    host = next((m for m in reversed(here) if m.kind == "org" and m.end <= cue_start), None)
    if guest is None or host is None or guest.key == host.key:
        return
    main = visits.ensure_main(sentence, [guest], "receives-visit-from-organisation")
    a.add(main, KG.delegationOf, guest.key, sentence, [guest], "receives-visit-from-organisation")
    visits.part(host, sentence, [host], "receives-visit-from-organisation")


def _visit_of_person(a: Analysis, visits: Visits, sentence: Sentence, here: list[Mention], match: re.Match[str]) -> None:
    """"… bersamaan dengan kunjungan Wakil Ketua Komisi VIII Rieke Diah Pitaloka yang hadir bersama
    Direktur Jenderal … Pepen Nazaruddin": the person the visit is of leads it, those "bersama" them go with it."""
    start = sentence.start + match.end()
    leader = next((m for m in here if m.kind == "person" and m.attrs.get("chain")
                   and m.attrs["chain"]["roles"][0].start == start), None)
    leader = leader or next((m for m in here if m.kind == "person" and m.start == start), None)
    if leader is None:
        return
    main = visits.lead(leader, sentence, "visit-of-person")
    together = COMPANIONS.search(a.norm.text, leader.end, sentence.end)
    for member in (m for m in here if together and m.kind == "person" and m.start > together.start() and m.key != leader.key):
        a.add(main, KG.member, member.key, sentence, [member], "visit-of-person-bersama")
        a.add(main, SDO.attendee, member.key, sentence, [member], "visit-of-person-bersama")

"""Cooperation between organisations and its topic: `Kementerian Sosial telah bekerja sama dengan
Jepang, melalui Chiba Institute of Science dalam pengelolaan resiko bencana`.

The status follows the verb: "telah bekerja sama" is established, "berharap … menjalin kerjasama"
hoped for, "menjajaki kerja sama" explored. "Kami" in a quotation is the speaker's organisation.
"""

from __future__ import annotations

import re

from rdflib import Literal

from kg.extract.facts.base import Analysis
from kg.graph.vocab import KG, RDF

COOPERATION = re.compile(r"\b(?:kerja ?sama|bekerja ?sama|kemitraan|bermitra|(?:ber)?kolaborasi|(?:ber)?sinergi|"
                         r"nota kesepahaman|MoU)\b", re.IGNORECASE)
TOPIC = re.compile(r"\b(?:(?:dalam|di) bidang|bidang|dalam hal|dalam rangka|dalam|terkait|tentang|untuk)\s+(?P<topic>[A-Za-z][^,.;\"]*)")
#: where a topic phrase gives way to a purpose (a verb after "untuk"), an example or a qualifier:
#: "… renovasi balai untuk mendukung …", "pengayaan bahasa asing seperti …"
TOPIC_END = re.compile(r" (?:(?:untuk|guna|agar|supaya) (?=(?:me|ber|di|ter)[a-z])|(?:sehingga|yang|dengan|sebagai|melalui|karena|seperti) |\(|di (?=[A-Z]))")
HOPED = re.compile(r"\b(?:berharap|harap|akan|rencana|ingin|apabila|semoga)\b", re.IGNORECASE)
EXPLORED = re.compile(r"\bmenjajaki\b", re.IGNORECASE)
WE = re.compile(r"\b[Kk]ami\b")
#: joint work: "<organisation> bersama <organisations> (terus) melakukan <activity>" (the comitative
#: "bersama" joins co-agents of one verb: Tata Bahasa Baku Bahasa Indonesia, preposisi)
TOGETHER = re.compile(r" bersama(?: dengan)? ")
JOINT_VERB = re.compile(r"(?:(?:terus|telah|akan|juga|pun|secara bersama-sama|bersama-sama) )*"
                        r"(?P<verb>me[a-z]+kan|me[a-z]+i|melakukan) (?P<topic>[a-z](?:[^,.;\"]|\.(?=\d))*)")
#: where the activity gives way to a place, a purpose, another clause or what it can do ("dapur umum yang mampu …")
JOINT_TOPIC_END = re.compile(r" (?:di (?=[A-Z])|(?:untuk|guna|agar|supaya|sehingga|serta|dan) |"
                             r"yang (?:mampu|dapat|bisa|akan|telah|sudah) )|\(")


def extract(a: Analysis) -> None:
    for sentence in a.sentences:
        match = COOPERATION.search(sentence.text)
        if not match:
            _joint_work(a, sentence)
            continue
        here = a.in_sentence(sentence)
        chained = {id(o) for p in here if p.kind == "person" and p.attrs.get("chain") for o in p.attrs["chain"]["orgs"]}
        # "Pemerintah Indonesia melalui Kementerian Sosial": one party acting through another
        orgs = [m for m in here if m.kind == "org"]
        partners = [m for m in orgs if id(m) not in chained and not a.norm.text[m.end:m.end + 9] == " melalui "
                    and m.attrs.get("source") != "dateline" and not _names_parent(a, orgs, m)]
        we = _speaker_org(a, sentence)
        keys = ([we] if we else []) + [m.key for m in partners]
        keys = list(dict.fromkeys(keys))
        if not keys:
            continue
        status = KG.Explored if EXPLORED.search(sentence.text) else KG.Hoped if HOPED.search(sentence.text[:match.start()] + " " + sentence.text[match.end():]) and not re.search(r"\btelah\b", sentence.text[:match.start()]) else KG.Established
        node = a.node("cooperation", sentence)
        evidence = partners or []
        a.add(node, RDF.type, KG.Cooperation, sentence, evidence, "cooperation-cue")
        a.add(node, KG.cooperationStatus, status, sentence, evidence, "cooperation-status-verb")
        for key in keys:
            a.add(node, KG.partner, key, sentence, [m for m in partners if m.key == key], "cooperation-partner" if any(m.key == key for m in partners) else "cooperation-kami-is-speaker-organisation")
        topic = TOPIC.search(sentence.text, match.end())
        label = "Kerja sama " + ", ".join(a.entities[k].label for k in keys if k in a.entities)
        if topic:
            words = TOPIC_END.split(topic.group("topic"), maxsplit=1)[0].strip()
            a.add(node, KG.topic, Literal(words, lang="id"), sentence, evidence, "cooperation-topic")
            label += f": {words}"
        a.label(node, sentence, evidence, "cooperation-cue", label)


def _joint_work(a: Analysis, sentence) -> None:  # type: ignore[no-untyped-def]
    """"Kementerian Sosial melalui Direktorat KBK bersama Bareskrim POLRI, BP2MI dan Kementerian/Lembaga
    terkait terus melakukan pendampingan bagi PMI …": the subject and the named co-agents work together
    on the activity; a unit the subject acts "melalui" is no separate party."""
    together = TOGETHER.search(sentence.text)
    if not together:
        return
    cue = sentence.start + together.start()
    orgs = [m for m in a.in_sentence(sentence, "org") if m.attrs.get("source") != "dateline"]
    subject = next((m for m in orgs if m.end <= cue), None)
    verb = None
    for found in JOINT_VERB.finditer(a.norm.text, cue + len(together.group(0)), sentence.end):
        if found.start() == 0 or a.norm.text[found.start() - 1] == " ":
            verb = found
            break
    if subject is None or verb is None or any(m.kind == "person" for m in a.in_sentence(sentence)
                                              if subject.start <= m.start < verb.start()):
        return
    others = [m for m in orgs if cue < m.start < verb.start() and m.key != subject.key]
    if not others or re.search(r"[.;]", a.norm.text[cue:verb.start()]):
        return
    keys = list(dict.fromkeys([subject.key] + [m.key for m in others]))
    evidence = [subject] + others
    node = a.node("cooperation", sentence)
    a.add(node, RDF.type, KG.Cooperation, sentence, evidence, "joint-work-bersama")
    status = KG.Hoped if re.search(r"\b(?:akan|berencana)\b", a.norm.text[cue:verb.start("verb")]) else KG.Established
    a.add(node, KG.cooperationStatus, status, sentence, evidence, "joint-work-bersama")
    for key in keys:
        a.add(node, KG.partner, key, sentence, [m for m in evidence if m.key == key], "joint-work-bersama")
    topic = JOINT_TOPIC_END.split(verb.group("topic"), maxsplit=1)[0].strip()
    a.add(node, KG.topic, Literal(topic, lang="id"), sentence, evidence, "joint-work-activity")
    label = "Kerja sama " + ", ".join(a.entities[k].label for k in keys if k in a.entities)
    a.label(node, sentence, evidence, "joint-work-bersama", f"{label}: {topic}")


def _names_parent(a: Analysis, orgs: list, m) -> bool:  # type: ignore[no-untyped-def]
    """"… sivitas Politeknik Kesejahteraan Sosial (Poltekesos) Kemensos": a ministry right after a unit
    says whose unit it is; it is not another party to the cooperation."""
    before = [o for o in orgs if o.end <= m.start and o.key != m.key]
    return m.entity_kind == "Ministry" and bool(before) and \
        re.fullmatch(r"\)? (?:\([^()]{2,15}\) )?(?:milik )?", a.norm.text[before[-1].end:m.start]) is not None


def _speaker_org(a: Analysis, sentence) -> str:  # type: ignore[no-untyped-def]
    """The organisation of whoever says "kami" in the quotation this sentence is part of."""
    if not WE.search(sentence.text):
        return ""
    for quote in a.in_sentence(sentence, "quote"):
        speaker = a.speakers.get(quote.start)
        if speaker and a.posts.get(speaker):
            return a.posts[speaker][0][1]
    return ""

"""Posts: "Sekretaris Jenderal Harry Hikmat", "Kepala Sentra "Kartini" di Temanggung Rachmad Koesnadi",
"Presiden dan CEO PT Sun Aqua Toto Emi Tanaka", "I Ketut Supena selaku Kepala Sentra …".

A post is a role in an organisation (W3C ORG). The organisation is, in order: the one named in the
title, the unit the title names ("Dirjen Rehabilitasi Sosial"), the title's usual organisation
("Menteri Sosial" → Kementerian Sosial), or the only other organisation in the sentence.
"""

from __future__ import annotations

from typing import Any

from rdflib import Literal

from kg.extract.facts.base import Analysis
from kg.extract.mentions import Mention
from kg.extract.text import Sentence
from kg.graph import iri
from kg.graph.iri import org_key
from kg.graph.vocab import KG, ORG, RDF, SDO, SKOS, TIME


def extract(a: Analysis) -> None:
    for person in a.mentions:
        chain = person.attrs.get("chain")
        if person.kind != "person" or not chain:
            continue
        sentence = a.sentence_at(person.start)
        org, org_evidence, rule = _organisation(a, person, chain, sentence)
        for place in chain["located"]:
            if org_evidence is not None and org_evidence.attrs.get("place") == place.key:
                continue  # the organisation's own mention already says where it is
            if org and org.startswith("org/"):
                a.add(org, KG.basedIn, place.key, sentence, [org_evidence, place] if org_evidence else [place],
                      "organisation-di-place")
        for role in chain["roles"]:
            _post(a, person, role, chain, org, org_evidence, rule, sentence)


def _organisation(a: Analysis, person: Mention, chain: dict[str, Any], sentence: Sentence) -> tuple[str, Mention | None, str]:
    if chain["unit"]:
        found = next((o for o in a.lexicon.organisations if chain["unit"] in (o.name, *o.aliases)), None)
        key = f"org/{found.key}" if found else org_key("OrganisationalUnit", chain["unit"], "")
        role_mention = chain["roles"][0]
        unit = Mention("org", role_mention.start, chain["end"], a.norm.text[role_mention.start:chain["end"]].rstrip(", "),
                       key, found.name if found else chain["unit"], found.kind if found else "OrganisationalUnit",
                       {"source": "title-unit"})
        a.introduce(key, unit.entity_kind, unit.label, found.name_en if found else "", sentence, [unit],
                    "unit-named-by-title")
        ministry = next((o for o in chain["orgs"] if o.entity_kind == "Ministry"), None)
        if ministry:  # "Direktur Jenderal Rehabilitasi Sosial Kemensos Harry Hikmat"
            a.add(key, ORG.unitOf, ministry.key, sentence, [unit, ministry], "title-unit-of-ministry")
        return key, unit, "title-names-unit"
    if chain["orgs"]:
        org = chain["orgs"][0]
        return org.key, org, "title-org-name"
    role = a.lexicon.find_role(chain["roles"][0].attrs["role"])
    if role and role.place_org and (chain["places"] or chain["village"]):
        return _organisation_of_place(a, role.place_org, chain, sentence)
    if role and role.default_org:
        return f"org/{role.default_org}", None, "title-default-organisation"
    others = [m for m in a.in_sentence(sentence, "org") if m.start < person.start]
    if len({m.key for m in others}) == 1:
        return others[0].key, others[0], "title-organisation-in-sentence"
    return "", None, ""


def _organisation_of_place(a: Analysis, place_org: str, chain: dict[str, Any], sentence: Sentence) -> tuple[str, Mention, str]:
    """"Bupati Magelang" heads the Pemerintah Kabupaten Magelang, "Duta Besar Jepang" the Kedutaan Besar
    Jepang, "Kepala Desa Penanggal" the Pemerintah Desa Penanggal: the organisation the title names
    through its place (UU 23/2014, UU 6/2014, UU 37/1999)."""
    kind, template = place_org.split(":", 1)
    place = chain["places"][0] if chain["places"] else None
    name = a.entities[place.key].label if place else chain["village"]
    label = template.format(place=name)
    key = org_key(kind, label, "")
    role_mention = chain["roles"][0]
    end = place.end if place else role_mention.end + 1 + len(chain["village"])
    mention = Mention("org", role_mention.start, end, a.norm.text[role_mention.start:end], key, label, kind,
                      {"source": "title-place"})
    if a.introduce(key, kind, label, "", sentence, [mention], "organisation-named-by-title-and-place"):
        if place:
            a.add(key, KG.basedIn, place.key, sentence, [mention, place], "organisation-named-by-title-and-place")
    return key, mention, "title-names-organisation-of-place"


def _post(a: Analysis, person: Mention, role: Mention, chain: dict[str, Any], org: str, org_evidence: Mention | None,
          org_rule: str, sentence: Sentence) -> None:
    role_key = role.attrs["role"]
    if org_evidence is not None and org_evidence.start == role.end + 1:
        # "Kepala Sentra "Kartini"": the post is "Kepala Sentra" when the lexicon has that title
        specific = f"{role_key}-{org_evidence.text.split(' ')[0].lower()}"
        if a.lexicon.find_role(specific):
            role_key = specific
    definition = a.lexicon.find_role(role_key)
    role_label = definition.label_id if definition else role.text
    evidence = [m for m in (role, org_evidence, person) if m is not None]
    if not definition:
        a.add(f"role/{role_key}", RDF.type, KG.Role, sentence, [role], "deputy-title")
        a.add(f"role/{role_key}", SKOS.prefLabel, Literal(role.text, lang="id"), sentence, [role], "deputy-title")
        a.label(f"role/{role_key}", sentence, [role], "deputy-title", role.text)
    if not org:
        a.add(person.key, SDO.jobTitle, Literal(role_label, lang="id"), sentence, evidence, "title-without-organisation")
        return
    post = iri.post(org, role_key, chain["field"])
    known = a.lexicon.organisation(org.split("/", 1)[1]) if org not in a.entities else None
    if known:  # "Menteri Sosial" names the ministry even when the release never spells it out
        a.refer(org, known.kind, known.name, known.name_en, sentence, [role], "organisation-of-title")
    org_label = a.entities[org].label if org in a.entities else org.split("/", 1)[1]
    title = " ".join(x for x in (role_label, chain["field"]) if x)
    a.add(post, RDF.type, KG.Post, sentence, evidence, org_rule)
    org_en = a.entities[org].label_en if org in a.entities else ""
    a.label(post, sentence, evidence, org_rule, f"{title}, {org_label}",
            f"{definition.label_en}, {org_en or org_label}" if definition and not chain["field"] else "")
    a.add(post, ORG.role, f"role/{role_key}", sentence, [role], "title-role")
    a.add(post, ORG.postIn, org, sentence, evidence, org_rule)
    a.add(person.key, ORG.holds, post, sentence, evidence, person.attrs.get("rule", "title-before-name"))
    a.add(person.key, SDO.jobTitle, Literal(title, lang="id"), sentence, evidence, "title-as-written")
    if definition and definition.head:
        a.add(person.key, ORG.headOf, org, sentence, evidence, "head-title")
    a.posts.setdefault(person.key, []).append((post, org))
    _membership(a, person, post, org, role_key, title, sentence, evidence)


def _membership(a: Analysis, person: Mention, post: str, org: str, role_key: str, title: str,
                sentence: Sentence, evidence: list[Mention]) -> None:
    """When: the post was held on the date of the release that states it (W3C ORG membership with an
    OWL-Time interval containing that day), so "who was Dirjen in 2021" is a plain query."""
    dated = next((f for f in a.facts if f.rule in ("dateline-date", "header-date")), None)
    if dated is None:
        return
    key = f"membership/{a.doc.slug}/{post.split('/', 1)[1]}/{person.key.split('/', 1)[1]}"
    during, day = f"{key}/during", f"{key}/day"
    rule = "post-held-on-release-date"
    a.add(key, RDF.type, ORG.Membership, sentence, evidence, rule)
    a.add(key, ORG.member, person.key, sentence, [person], rule)
    a.add(key, ORG.organization, org, sentence, evidence, rule)
    a.add(key, ORG.role, f"role/{role_key}", sentence, evidence, rule)
    a.add(key, ORG.memberDuring, during, sentence, evidence, rule)
    a.add(during, RDF.type, TIME.Interval, sentence, evidence, rule)
    a.add(during, TIME.inside, day, dated.sentence, list(dated.evidence), rule)
    a.add(day, RDF.type, TIME.Instant, dated.sentence, list(dated.evidence), rule)
    a.add(day, TIME.inXSDDate, dated.o, dated.sentence, list(dated.evidence), rule)
    name = a.entities[person.key].label
    a.label(key, sentence, evidence, rule, f"{name}: {title} ({dated.o})")

"""Stage 3: resolve mentions to entities — one key per thing, whatever the surface form.

Within a document, "Harry" is Harry Hikmat when he is the only person of that first name, "Mensos"
is the Menteri Sosial the document names, and "KBRI" is the embassy the document names in full.
Across documents the key itself is the identity: it comes from the lexicon or from the canonical
form of a name, never from the raw string.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from kg.extract import areas
from kg.extract.mentions import Mention
from kg.extract.people import NAME_RE, NOT_NAME_START

NICKNAME = re.compile(r",? (?:atau|alias|(?:yang )?(?:akrab |biasa )?disapa) ")
from kg.reference.lexicon import Lexicon, load_lexicon


@dataclass
class Entity:
    """A thing the graph has one IRI for: `key` is the IRI's path below `id/`."""

    key: str
    kind: str
    label: str
    label_en: str = ""
    names: set[str] = field(default_factory=set)
    stated: str = ""  # a fuller proper name the text states than the canonical label, if any


def _holders(mentions: list[Mention]) -> dict[str, set[str]]:
    """Role key → keys of the people the document names with that title."""
    holders: dict[str, set[str]] = {}
    for mention in mentions:
        chain = mention.attrs.get("chain")
        if mention.kind == "person" and chain:
            for role in chain["roles"]:
                holders.setdefault(role.attrs["role"], set()).add(mention.key)
    return holders


def resolve(mentions: list[Mention], text: str) -> list[Mention]:
    """Add the mentions that only make sense against the rest of the document, and upgrade
    short organisation names to the full name the document gives."""
    mentions = areas.resolve(mentions, load_lexicon())
    mentions = mentions + _nicknames(mentions, text)
    people = {m.key: m.label for m in mentions if m.kind == "person" and " " in m.label}
    first_names: dict[str, set[str]] = {}
    for key, label in people.items():
        first_names.setdefault(label.split(" ")[0], set()).add(key)
    occupied = [(m.start, m.end) for m in mentions if m.kind in ("person", "org", "place", "program", "role")]
    added: list[Mention] = []
    for key, label in people.items():  # the full name again, with no cue around it: "I Ketut Supena menyampaikan"
        for match in re.finditer(rf"(?<![\w-]){re.escape(label)}(?![\w-])", text):
            if not any(s < match.end() and match.start() < e for s, e in occupied):
                added.append(Mention("person", match.start(), match.end(), label, key, label, "Person",
                                     {"rule": "full-name-again"}))
                occupied.append(match.span())
    for name, keys in first_names.items():
        if len(keys) != 1 or name in NOT_NAME_START or len(name) < 3:
            continue
        key = next(iter(keys))
        for match in re.finditer(rf"(?<![\w-]){re.escape(name)}(?![\w-])", text):
            if any(s <= match.start() < e for s, e in occupied):
                continue
            added.append(Mention("person", match.start(), match.end(), name, key, people[key], "Person",
                                 {"rule": "short-name"}))
    _cued_short_names(mentions, people)
    holders = _holders(mentions)
    chained_roles = {id(r) for m in mentions if m.attrs.get("chain") for r in m.attrs["chain"]["roles"]}
    for mention in mentions:
        if mention.kind != "role" or id(mention) in chained_roles:
            continue
        if text[max(0, mention.start - 10):mention.start].endswith("Peraturan "):
            continue
        keys = holders.get(mention.attrs["role"], set())
        if len(keys) == 1:
            key = next(iter(keys))
            label = next(m.label for m in mentions if m.key == key)
            added.append(Mention("person", mention.start, mention.end, mention.text, key, label, "Person",
                                 {"rule": "title-only", "role": mention.attrs["role"]}))
    mentions = mentions + _short_forms(mentions, text)
    _bare_names_of_regencies(mentions)
    orgs = [m for m in mentions if m.kind == "org"]
    for mention in orgs:
        longer = {o.key for o in orgs if o.key != mention.key and o.text.startswith(mention.text + " ")}
        if len(longer) == 1 and mention.attrs.get("source") == "lexicon":
            full = next(o for o in orgs if o.key in longer)
            mention.key, mention.label, mention.entity_kind = full.key, full.label, full.entity_kind
            mention.attrs["rule"] = "short-form-of-named"
    return sorted(mentions + added, key=lambda m: (m.start, -m.end))


SHORT_FORM = re.compile(r" \((?P<abbr>[A-Z][A-Za-z]{1,9})\)")


def _short_forms(mentions: list[Mention], text: str) -> list[Mention]:
    """"Library of Congress (LC)", "Program Kewirausahaan Sosial (Prokus)": the short form in parentheses
    after a name stands for that name wherever else the release uses it."""
    occupied = [(m.start, m.end) for m in mentions if m.kind in ("person", "org", "place", "program", "role")]
    defined: dict[str, Mention] = {}
    for mention in (m for m in mentions if m.kind in ("org", "program")):
        short = SHORT_FORM.match(text, mention.end)
        if short and short.group("abbr") != mention.text and not any(
                s <= short.start("abbr") < e for s, e in occupied):
            defined.setdefault(short.group("abbr"), mention)
    added = []
    for abbr, named in defined.items():
        for match in re.finditer(rf"(?<![\w-]){re.escape(abbr)}(?![\w-])", text):
            if not any(s <= match.start() < e for s, e in occupied):
                added.append(Mention(named.kind, match.start(), match.end(), abbr, named.key, named.label,
                                     named.entity_kind, {"source": "short-form", "rule": "short-form-in-parentheses"}))
    return added


def _nicknames(mentions: list[Mention], text: str) -> list[Mention]:
    """"Saifullah Yusuf atau Gus Ipul", "Tri Rismaharini yang akrab disapa Risma": the name after
    "atau", "alias" or "(akrab) disapa" is another name of the person just named."""
    found: dict[str, Mention] = {}
    for person in (m for m in mentions if m.kind == "person" and m.attrs.get("chain")):
        cue = NICKNAME.match(text, person.end)
        name = NAME_RE.match(text, cue.end()) if cue else None
        if name and not any(m.start <= name.start() < m.end for m in mentions):
            found[name.group(0)] = Mention("person", name.start(), name.end(), name.group(0), person.key,
                                           person.label, "Person", {"rule": "nickname"})
    for mention in mentions:  # the nickname used later: "ujar Gus Ipul"
        if mention.kind == "person" and mention.text in found:
            mention.key, mention.label = found[mention.text].key, found[mention.text].label
    return list(found.values())


def _cued_short_names(mentions: list[Mention], people: dict[str, str]) -> None:
    """"ujar Harry", "jelas Neneng", "sebut Kim": a word of the name of one person the document
    names in full is that person, not someone new."""
    for mention in mentions:
        if mention.kind != "person" or mention.attrs.get("chain"):
            continue
        words = mention.label.split(" ")  # "ujar Agus Jabo" after "Agus Jabo Priyono"
        same = {key for key, label in people.items() if key != mention.key and _contains_words(label.split(" "), words)}
        if len(same) == 1:
            key = next(iter(same))
            mention.key, mention.label = key, people[key]
            mention.attrs["rule"] = "short-name"


def _contains_words(name: list[str], part: list[str]) -> bool:
    return len(part) < len(name) and any(name[i:i + len(part)] == part for i in range(len(name) - len(part) + 1))


def _bare_names_of_regencies(mentions: list[Mention]) -> None:
    """A bare "Magelang" is the city, unless the document names "Kabupaten Magelang" and never
    "Kota Magelang": then it is the regency the document is about."""
    places = [m for m in mentions if m.kind == "place"]
    cities_named = {m.key for m in places if m.text.startswith("Kota ")}
    named = [m.key for m in places] + [m.attrs["place"] for m in mentions if m.kind == "org" and "place" in m.attrs]
    regency_of = {key.replace("place/kabupaten-", "place/", 1): key for key in named if key.startswith("place/kabupaten-")}
    for mention in mentions:
        if mention.kind == "org" and mention.attrs.get("place") in regency_of \
                and mention.attrs["place"] not in cities_named and "Kota " not in mention.text:
            mention.attrs["place"] = regency_of[mention.attrs["place"]]  # "Balai Anak Antasena (di) Magelang"
        if mention.kind == "place" and mention.key in regency_of and mention.key not in cities_named \
                and not mention.text.startswith("Kota "):
            mention.key, mention.entity_kind = regency_of[mention.key], "Regency"
            mention.attrs["rule"] = "bare-name-of-named-regency"


def entity_table(mentions: list[Mention], lexicon: Lexicon | None = None) -> dict[str, Entity]:
    """Entities named by resolved mentions, with their kind and preferred label."""
    lex = lexicon or load_lexicon()
    table: dict[str, Entity] = {}
    for mention in mentions:
        if mention.kind not in ("person", "org", "place", "program") or not mention.key:
            continue
        entity = table.get(mention.key)
        if entity is None:
            entity = Entity(mention.key, mention.entity_kind, mention.label)
            local = mention.key.split("/", 1)[1]
            if mention.kind == "place":
                known = lex.find_place(local)  # districts and villages are not in the gazetteer
                entity.label_en = known.name_en if known else mention.label
            elif mention.kind == "program":
                known_programme = lex.find_program(local)  # a programme the release names in its own way has none
                entity.label_en = known_programme.name_en if known_programme else ""
            elif mention.kind == "org" and (org := lex.organisation(local)):
                entity.label_en = org.name_en
            table[mention.key] = entity
        entity.names.add(mention.text)
        stated = mention.attrs.get("stated") if mention.kind == "org" else None
        if stated and len(stated) > len(entity.stated):
            entity.stated = stated  # the fullest proper name the text states
        place = mention.attrs.get("place") if mention.kind == "org" else None
        if place and place not in table:  # "Pemerintah Kota Kitakyushu" names Kitakyushu too
            found = lex.place(place.split("/", 1)[1])
            table[place] = Entity(place, found.kind, found.name, found.name_en)
    return table

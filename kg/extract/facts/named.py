"""Facts that a name states by itself: what kind of thing it is, what it is called, and — for
names built on a pattern such as `Sentra "Kartini" di Temanggung` — where it is and what it is part of."""

from __future__ import annotations

import re
from functools import lru_cache

from rdflib import Literal

from kg.extract.entities import Entity
from kg.extract.facts.base import Analysis
from kg.graph.vocab import KG, ORG, RDF, SKOS
from kg.reference.graph import reference_keys

SUBORDINATE_KINDS = {"Sentra", "OrganisationalUnit"}
#: what a ministry runs: its units, sentra, schools (Poltekesos) and service centres
UNIT_KINDS = SUBORDINATE_KINDS | {"EducationalInstitution", "ServiceCentre"}


@lru_cache(maxsize=1)
def _reference() -> frozenset[str]:
    return reference_keys()


def extract(a: Analysis) -> None:
    """Type every named entity; label it unless the reference graph does, and keep the words used."""
    seen: set[str] = set()
    written: set[str] = set()
    seen_codes: set[str] = set()
    for m in a.mentions:
        if m.kind not in ("person", "org", "place", "program") or not m.key:
            continue
        sentence = a.sentence_at(m.start)
        entity = a.entities[m.key]
        if m.key not in seen:
            seen.add(m.key)
            a.add(m.key, RDF.type, KG[entity.kind], sentence, [m], f"{m.kind}-name")
            if m.key not in _reference():
                _label(a, m, sentence, entity)
        if m.key in _reference() and m.text.casefold() != entity.label.casefold() and m.text not in written:
            written.add(m.text)
            a.add(m.key, SKOS.altLabel, Literal(m.text, lang="id"), sentence, [m], f"{m.kind}-name-as-written")
        if m.kind == "place" and m.attrs.get("code") and m.key not in seen_codes:
            seen_codes.add(m.key)  # a district or village: its code from the Kemendagri list, placed by context
            a.add(m.key, KG.kemendagriCode, Literal(m.attrs["code"]), sentence, [m], m.attrs.get("rule", "area-code"))
        if m.kind != "org":
            continue
        # a foreign embassy's name says whom it represents ("Kedutaan Besar Jepang"), not where it is
        represents = m.attrs.get("pattern") == "foreign-embassy"
        place = (m.attrs.get("place") if not represents else "") or _country_in_name(a, m)
        if place:
            rule = m.attrs.get("place_rule") or ("organisation-name-with-place" if m.attrs.get("place") else
                                                 "organisation-named-after-country")
            a.add(m.key, KG.basedIn, place, sentence, [m], rule)
            if place not in seen:
                seen.add(place)
                a.add(place, RDF.type, KG[a.entities[place].kind], sentence, [m], "place-inside-organisation-name")
                if place not in _reference():  # a town abroad the mission vouches for: labelled here
                    town = a.entities[place]
                    a.label(place, sentence, [m], "place-inside-organisation-name", town.label, town.label_en)
            _country_of_mission(a, m, place, sentence)
        _stated_parent(a, m, sentence)
        _parent_in_name(a, m, sentence)
        parent = m.attrs.get("parent")
        if parent and m.entity_kind in SUBORDINATE_KINDS and m.attrs.get("source") == "pattern":
            a.add(m.key, ORG.unitOf, f"org/{parent}", sentence, [m], f"pattern-{m.attrs['pattern']}-is-unit")


def _country_of_mission(a: Analysis, m, city: str, sentence) -> None:  # type: ignore[no-untyped-def]
    """An Indonesian mission is accredited to a country (UU 37/1999): "KBRI Phnom Penh" is in Cambodia too."""
    if m.attrs.get("parent") != "kementerian-luar-negeri" or m.entity_kind != "Embassy":
        return
    found = a.lexicon.find_place(city.split("/", 1)[1])
    country = a.lexicon.find_place(found.parent) if found and found.kind == "City" and found.parent else None
    if country is None or country.kind != "Country":
        return
    key = f"place/{country.key}"
    a.refer(key, country.kind, country.name, country.name_en, sentence, [m], "mission-city-in-country")
    a.add(m.key, KG.basedIn, key, sentence, [m], "mission-city-in-country")


def _label(a: Analysis, m, sentence, entity) -> None:  # type: ignore[no-untyped-def]
    """The fullest proper name stated is the label; the canonical form becomes an alternative label
    and a misspelt form as written a hidden one (the words as written stay in the provenance)."""
    if not entity.stated:
        a.label(m.key, sentence, [m], f"{m.kind}-name", entity.label, entity.label_en)
        return
    stating = next(x for x in a.mentions if x.key == m.key and x.attrs.get("stated") == entity.stated)
    where = a.sentence_at(stating.start)
    a.label(m.key, where, [stating], "stated-name", entity.stated, entity.label_en)
    a.add(m.key, SKOS.altLabel, Literal(entity.label, lang="id"), sentence, [m], "canonical-name")
    as_written = re.split(r" di (?=[A-Z])", stating.text)[0]
    if as_written != entity.stated:
        a.add(m.key, SKOS.hiddenLabel, Literal(as_written, lang="id"), where, [stating], "stated-name-as-misspelt")


def _country_in_name(a: Analysis, m) -> str:  # type: ignore[no-untyped-def]
    """"Korea International Cooperation Agency", "Pemerintah Jepang": an organisation named (as
    written, or in full) after a foreign country is based in it; an embassy, named after the country it
    represents, is not. Indonesia's own bodies ("Kementerian Sosial RI") are left to the reference data."""
    if m.entity_kind == "Embassy":
        return ""
    label = a.entities[m.key].label if m.key in a.entities else ""
    for words in _countries_named(m.text) + _countries_named(label):  # "JICA" is the Japan International …
        country = a.lexicon.place_by_name(words)
        if country is not None and country.kind == "Country" and country.key != "indonesia":
            if f"place/{country.key}" not in a.entities:
                a.entities[f"place/{country.key}"] = Entity(f"place/{country.key}", "Country", country.name, country.name_en)
            return f"place/{country.key}"
    return ""


def _countries_named(name: str) -> list[str]:
    """Runs of one or two capitalised words of `name`, longest first."""
    words = name.split(" ")
    runs = [" ".join(words[i:i + 2]) for i in range(len(words) - 1)] + words
    return [r for r in runs if r[:1].isupper()]


def _parent_in_name(a: Analysis, m, sentence) -> None:  # type: ignore[no-untyped-def]
    """"Biro Perencanaan Kementerian Sosial", "Bareskrim Polri": a known unit named together with the
    organisation it belongs to (by the reference data) is stated to be part of it."""
    known = a.lexicon.organisation(m.key.split("/", 1)[1]) if m.attrs.get("source") == "lexicon" else None
    parent = a.lexicon.organisation(known.parent) if known and known.parent else None
    if parent and any(re.search(rf"(?<![\w-]){re.escape(n)}(?![\w-])", m.text) for n in (parent.name, *parent.aliases)):
        key = f"org/{parent.key}"  # the parent is named too, inside the unit's name
        a.refer(key, parent.kind, parent.name, parent.name_en, sentence, [m], "organisation-named-inside-unit-name")
        a.add(m.key, ORG.unitOf, key, sentence, [m], "unit-named-with-its-parent")


def _stated_parent(a: Analysis, m, sentence) -> None:  # type: ignore[no-untyped-def]
    """"Biro Perencanaan Kementerian Sosial", "Kementerian Sosial RI melalui Direktorat …": a unit
    named next to its ministry, or acting through it, is part of it."""
    orgs = [o for o in a.in_sentence(sentence, "org") if o.start >= m.end and o.key != m.key]
    if not orgs:
        return
    nxt = orgs[0]
    between = a.norm.text[m.end:nxt.start]
    # "Biro Perencanaan Kemensos", "Politeknik Kesejahteraan Sosial (Poltekesos) Kemensos", "… milik Kemensos"
    if re.fullmatch(r" (?:\([^()]{2,15}\) )?(?:milik )?", between) and m.entity_kind in UNIT_KINDS \
            and nxt.entity_kind == "Ministry" and a.entities[nxt.key].label != a.entities[m.key].label:
        a.add(m.key, ORG.unitOf, nxt.key, sentence, [m, nxt], "unit-followed-by-ministry")
    elif between == " milik " and m.entity_kind in UNIT_KINDS:  # "PSBR Taruna Jaya 1 milik Dinas Sosial Provinsi DKI Jakarta"
        a.add(m.key, ORG.unitOf, nxt.key, sentence, [m, nxt], "unit-milik-organisation")
    elif between == " melalui " and m.entity_kind == "Ministry" and nxt.entity_kind in SUBORDINATE_KINDS:
        a.add(nxt.key, ORG.unitOf, m.key, sentence, [m, nxt], "ministry-melalui-unit")

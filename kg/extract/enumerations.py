"""Names listed after a class noun: "lembaga pelatihan internasional Korea, seperti World Vision Korea,
Korea Institute for Development Strategy (KDS), dan Rebach International".

Indonesian prose introduces examples of a kind with a class noun and a listing word (seperti, yakni,
yaitu, antara lain, di antaranya, termasuk). The class noun says what each listed name is, even when
the name itself has no head noun a pattern could know ("Rebach International"), and a country named
among the class noun's modifiers says where they are. Names the reference data or a pattern already
knows keep their own reading; a place inside a listed name becomes part of it.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from kg.extract.spans import Mention
from kg.graph.iri import org_key
from kg.reference.lexicon import Lexicon

#: class nouns of organisations and the kind the listed names get (schema.org's types through the ontology)
CLASS_NOUNS = {"lembaga": "Organisation", "organisasi": "Organisation", "instansi": "Organisation",
               "institusi": "Organisation", "asosiasi": "Organisation", "yayasan": "Organisation",
               "mitra": "Organisation", "perusahaan": "Company", "badan usaha": "Company",
               "universitas": "EducationalInstitution", "perguruan tinggi": "EducationalInstitution"}
EDUCATION = re.compile(r"\b(?:pelatihan|pendidikan|penelitian|riset|kajian)\b")
LISTING = re.compile(
    rf"\b(?P<noun>{'|'.join(sorted(CLASS_NOUNS, key=len, reverse=True))})(?:-\w+)?(?P<mod>(?: [\w-]+){{0,5}}?),? "
    r"(?:seperti|yakni|yaitu|antara lain|di antaranya|termasuk) ")
ITEM = re.compile(r"(?P<name>[A-Z][\w.&'-]*(?: (?:of|for|and|the|on|in|&|[A-Z][\w.&'-]*))*?)"
                  r"(?P<short> \([A-Z][A-Za-z]{1,11}\))?(?=,| dan |\.|$|;| serta )")
#: a bare name is already the city (`kg.reference.lexicon`), so only "kabupaten" changes what a listed name is
REGENCY_LISTING = re.compile(r"\bkabupaten(?: [\w-]+){0,3}?,? (?:yakni|yaitu|seperti|antara lain|di antaranya) ")
SEPARATOR = re.compile(r"(?:,? dan |, |,? serta )")


def find(text: str, names: list[Mention]) -> tuple[list[Mention], list[Mention]]:
    """Organisations a listing names that no other mention covers; and the mentions they absorb
    (a place inside a listed name: "Korea" in "World Vision Korea")."""
    found: list[Mention] = []
    absorbed: list[Mention] = []
    for listing in LISTING.finditer(text):
        modifiers = listing.group("mod")
        if any(word[:1].isupper() for word in modifiers.split()) and not _places_only(listing, names):
            continue  # "lembaga Kementerian Sosial seperti …": the noun is part of a name
        kind = CLASS_NOUNS[listing.group("noun")]
        if kind == "Organisation" and EDUCATION.search(modifiers):
            kind = "EducationalInstitution"
        country = next((m for m in names if m.kind == "place" and m.entity_kind == "Country"
                        and listing.start("mod") <= m.start < listing.end("mod")), None)
        for item in _items(text, listing.end()):
            start, end = item.start("name"), item.end("name")
            inside = [m for m in names if start < m.end and m.start < end]
            if not inside or all(m.kind == "place" and start <= m.start and m.end <= end and (m.start, m.end) != (start, end)
                                 for m in inside):
                label = item.group("name")
                attrs = {"source": "listing", "rule": "listed-after-class-noun"}
                if country is not None:
                    attrs.update(place=country.key, place_rule="listed-with-country-of-class-noun")
                found.append(Mention("org", start, end, label, org_key(kind, label, ""), label, kind, attrs))
                absorbed.extend(inside)
    return found, absorbed


def retype_places(text: str, names: list[Mention], lexicon: Lexicon) -> None:
    """"dua kabupaten, yakni Malang dan Lumajang": a listed name that is both a city and a regency is
    the one the class noun says."""
    for listing in REGENCY_LISTING.finditer(text):
        for item in _items(text, listing.end()):
            place = next((m for m in names if m.kind == "place" and (m.start, m.end) == item.span("name")), None)
            if place is None:
                break
            regency = lexicon.find_place(f"kabupaten-{place.key.split('/', 1)[1]}") if place.entity_kind == "City" else None
            if regency is not None:
                place.key, place.label, place.entity_kind = f"place/{regency.key}", regency.name, regency.kind
                place.attrs["rule"] = "listed-after-kabupaten"


def _items(text: str, pos: int) -> Iterator[re.Match[str]]:
    """The names of a listing that starts at `pos`, one after another ("A, B dan C")."""
    while item := ITEM.match(text, pos):
        yield item
        separator = SEPARATOR.match(text, item.end())
        if not separator:
            return
        pos = separator.end()


def _places_only(listing: re.Match[str], names: list[Mention]) -> bool:
    """Whether every capitalised modifier word lies in a place mention ("… internasional Korea")."""
    places = [m for m in names if m.kind == "place" and listing.start("mod") <= m.start < listing.end("mod")]
    for word in re.finditer(r"[A-Z][\w-]*", listing.group("mod")):
        at = listing.start("mod") + word.start()
        if not any(p.start <= at < p.end for p in places):
            return False
    return True

"""The curated reference graph: the lexicons as RDF, each resource with the source it comes from.

Nothing here is about a particular document; documents link to these resources by IRI.
"""

from __future__ import annotations

import re

from rdflib import Graph, Literal, URIRef

from kg.graph import iri
from kg.graph.iri import org_key
from kg.graph.vocab import DBR, DCTERMS, KG, ORG, OWL, PROV, RDF, RDFS, SDO, SKOS, WD
from kg.reference.lexicon import Lexicon, load_lexicon

ROLE_SCHEME = iri.entity("role")
PROGRAM_SCHEME = iri.entity("program")


def _sources(value: str) -> list[Literal | URIRef]:
    """A row's sources, " ; "-separated: web addresses as IRIs, citations of laws and datasets as text."""
    return [URIRef(v) if v.startswith(("http://", "https://")) and " " not in v else Literal(v)
            for v in (part.strip() for part in value.split(" ; ")) if v]


def _labels(g: Graph, node: URIRef, label_id: str, label_en: str, aliases: tuple[str, ...] = ()) -> None:
    for prop in (RDFS.label, SDO.name):
        g.add((node, prop, Literal(label_id, lang="id")))
        if label_en:
            g.add((node, prop, Literal(label_en, lang="en")))
    for alias in aliases:
        if alias != label_id:
            g.add((node, SKOS.altLabel, Literal(alias, lang="id")))


def _described(g: Graph, key: str, kind: str, name: str, name_en: str, aliases: tuple[str, ...], source: str) -> URIRef:
    """A place or organisation of the lexicons: its type, names and every source of its row."""
    node = iri.entity(key)
    g.add((node, RDF.type, KG[kind]))
    _labels(g, node, name, name_en, aliases)
    for each in _sources(source):
        g.add((node, DCTERMS.source, each))
    return node


def reference_graph(g: Graph, lexicon: Lexicon | None = None) -> Graph:
    """Fill `g` (a named graph of the dataset) from the lexicons."""
    lex = lexicon or load_lexicon()
    for place in lex.places:
        node = _described(g, f"place/{place.key}", place.kind, place.name, place.name_en, place.aliases, place.source)
        if place.parent:
            g.add((node, SDO.containedInPlace, iri.entity(f"place/{place.parent}")))
        if place.code:  # Kemendagri area code (Wikidata P2588; dcterms:identifier by derivation) or ISO 3166-1 alpha-2
            g.add((node, KG.kemendagriCode if place.code[0].isdigit() else DCTERMS.identifier, Literal(place.code)))
        for same in ([WD[place.wikidata]] if place.wikidata else []) + ([DBR[place.dbpedia]] if place.dbpedia else []):
            g.add((node, OWL.sameAs, same))
            g.add((node, SDO.sameAs, same))
    for org in lex.organisations:
        node = _described(g, f"org/{org.key}", org.kind, org.name, org.name_en, org.aliases, org.source)
        if org.parent:
            g.add((node, ORG.unitOf if org.kind in ("OrganisationalUnit", "Sentra") else ORG.subOrganizationOf,
                   iri.entity(f"org/{org.parent}")))
        if org.domain:
            g.add((node, SDO.url, URIRef(f"https://{org.domain}/")))
    g.add((ROLE_SCHEME, RDF.type, SKOS.ConceptScheme))
    _labels(g, ROLE_SCHEME, "Jabatan", "Roles")
    for role in lex.roles:
        node = iri.entity(f"role/{role.key}")
        g.add((node, RDF.type, KG.Role))
        g.add((node, SKOS.inScheme, ROLE_SCHEME))
        g.add((node, SKOS.prefLabel, Literal(role.label_id, lang="id")))
        g.add((node, SKOS.prefLabel, Literal(role.label_en, lang="en")))
        _labels(g, node, role.label_id, role.label_en, role.aliases)
        for source in _sources(role.source):
            g.add((node, DCTERMS.source, source))
    g.add((PROGRAM_SCHEME, RDF.type, SKOS.ConceptScheme))
    _labels(g, PROGRAM_SCHEME, "Program", "Programmes")
    for program in lex.programs:
        node = iri.entity(f"program/{program.key}")
        g.add((node, RDF.type, KG.Program))
        g.add((node, SKOS.inScheme, PROGRAM_SCHEME))
        _labels(g, node, program.name, program.name_en, program.aliases)
        for source in _sources(program.source):
            g.add((node, DCTERMS.source, source))
    _sentra(g, lex)
    for external in lex.external_ids:
        node = iri.entity(external.entity)
        g.add((node, OWL.sameAs, URIRef(external.same_as)))
        g.add((node, SDO.sameAs, URIRef(external.same_as)))
    return g


SENTRA_LIST = iri.entity("dataset/sentra-kemensos")


def sentra_name(row_name: str) -> tuple[str, str]:
    """("Sentra Phalamartha", "Phalamartha") from "Sentra Phalamartha (Phala Martha)"."""
    name = re.sub(r"\s*\(.*?\)", "", row_name).strip()
    return name, re.sub(r"^Sentra(?: Terpadu)? ", "", name)


def reference_keys(lexicon: Lexicon | None = None) -> frozenset[str]:
    """Keys of the entities the reference graph names: their labels come from there, and a
    release adds only the words it used (skos:altLabel)."""
    lex = lexicon or load_lexicon()
    keys = {f"place/{p.key}" for p in lex.places} | {f"org/{o.key}" for o in lex.organisations}
    keys |= {f"program/{p.key}" for p in lex.programs}
    keys |= {org_key("Sentra", *sentra_name(row.name)) for row in lex.sentra}
    return frozenset(keys)


def _sentra(g: Graph, lex: Lexicon) -> None:
    """The published list of sentra, keyed like the sentra the extractor finds in releases
    (`Sentra Terpadu Pangudi Luhur` and `Sentra Pangudi Luhur` are both `org/sentra-pangudiluhur`)."""
    g.add((SENTRA_LIST, RDF.type, SDO.Dataset))
    _labels(g, SENTRA_LIST, "Daftar sentra Kementerian Sosial", "List of Kemensos sentra")
    g.add((SENTRA_LIST, SDO.description, Literal(
        f"The {len(lex.sentra)} sentra of Peraturan Menteri Sosial No. 3 Tahun 2022 with their former balai names, "
        "compiled row by row from the sources each row cites (the regulation's annex was not available).", lang="en")))
    for row in lex.sentra:
        name, proper = sentra_name(row.name)
        node = iri.entity(org_key("Sentra", name, proper))
        g.add((node, RDF.type, KG.Sentra))
        _labels(g, node, name, "")
        g.add((node, ORG.unitOf, iri.entity("org/kementerian-sosial")))
        g.add((node, PROV.wasDerivedFrom, SENTRA_LIST))
        g.add((node, SDO.description, Literal(row.target_group, lang="id")))
        former = re.sub(r"\s*\[.*?\]", "", row.former_name).strip()
        if former:
            g.add((node, SKOS.altLabel, Literal(former, lang="id")))
        base = re.sub(r"\s*\(.*$", "", row.city).strip()
        # "Sukabumi (…, Kecamatan Cibadak)" is the regency, not the city of the same name
        in_regency = re.search(r"\((?:.*\b(?:Kabupaten|Kecamatan|Desa)\b)", row.city)
        city = (lex.place_by_name(f"Kabupaten {base}") if in_regency else None) or lex.place_by_name(base)
        if city:
            g.add((node, KG.basedIn, iri.entity(f"place/{city.key}")))
        for url in row.sources:
            for source in _sources(url):
                g.add((node, DCTERMS.source, source))

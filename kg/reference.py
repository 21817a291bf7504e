"""The curated reference graph: the lexicons as RDF, each resource with the source it comes from.

Nothing here is about a particular document; documents link to these resources by IRI.
"""

from __future__ import annotations

from rdflib import Graph, Literal, URIRef

from kg import iri
from kg.lexicon import Lexicon, load_lexicon
from kg.vocab import DBR, DCTERMS, KG, ORG, OWL, RDF, RDFS, SDO, SKOS, WD

ROLE_SCHEME = iri.entity("role")
PROGRAM_SCHEME = iri.entity("program")


def _source(value: str) -> Literal | URIRef:
    return URIRef(value) if value.startswith(("http://", "https://")) else Literal(value)


def _labels(g: Graph, node: URIRef, label_id: str, label_en: str, aliases: tuple[str, ...] = ()) -> None:
    for prop in (RDFS.label, SDO.name):
        g.add((node, prop, Literal(label_id, lang="id")))
        if label_en:
            g.add((node, prop, Literal(label_en, lang="en")))
    for alias in aliases:
        if alias != label_id:
            g.add((node, SKOS.altLabel, Literal(alias, lang="id")))


def reference_graph(g: Graph, lexicon: Lexicon | None = None) -> Graph:
    """Fill `g` (a named graph of the dataset) from the lexicons."""
    lex = lexicon or load_lexicon()
    for place in lex.places:
        node = iri.entity(f"place/{place.key}")
        g.add((node, RDF.type, KG[place.kind]))
        _labels(g, node, place.name, place.name_en, place.aliases)
        g.add((node, DCTERMS.source, _source(place.source)))
        if place.parent:
            g.add((node, SDO.containedInPlace, iri.entity(f"place/{place.parent}")))
        for same in ([WD[place.wikidata]] if place.wikidata else []) + ([DBR[place.dbpedia]] if place.dbpedia else []):
            g.add((node, OWL.sameAs, same))
            g.add((node, SDO.sameAs, same))
    for org in lex.organisations:
        node = iri.entity(f"org/{org.key}")
        g.add((node, RDF.type, KG[org.kind]))
        _labels(g, node, org.name, org.name_en, org.aliases)
        g.add((node, DCTERMS.source, _source(org.source)))
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
        g.add((node, DCTERMS.source, _source(role.source)))
    g.add((PROGRAM_SCHEME, RDF.type, SKOS.ConceptScheme))
    _labels(g, PROGRAM_SCHEME, "Program", "Programmes")
    for program in lex.programs:
        node = iri.entity(f"program/{program.key}")
        g.add((node, RDF.type, KG.Program))
        g.add((node, SKOS.inScheme, PROGRAM_SCHEME))
        _labels(g, node, program.name, program.name_en, program.aliases)
        g.add((node, DCTERMS.source, _source(program.source)))
    for external in lex.external_ids:
        node = iri.entity(external.entity)
        g.add((node, OWL.sameAs, URIRef(external.same_as)))
        g.add((node, SDO.sameAs, URIRef(external.same_as)))
    return g

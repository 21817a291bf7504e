"""Derived triples: the standard-vocabulary view of the extracted graph, materialised so that a
consumer who knows only schema.org (or W3C ORG, FOAF, PROV) finds everything without reasoning.

Derived from the ontology's subclass and subproperty axioms, plus a few shortcuts that schema.org
expresses directly: a person's `schema:worksFor` the organisation of a post they hold, and an
organisation's `schema:parentOrganization`.
"""

from __future__ import annotations

from collections.abc import Iterable

from rdflib import Graph, Literal, URIRef
from rdflib.term import Node

from kg.vocab import DCTERMS, ID, ORG, RDF, RDFS, SDO


def _closure(ontology: Graph, prop: URIRef) -> dict[Node, set[Node]]:
    """Every term → all its super-terms (transitively), from `rdfs:subClassOf` or `rdfs:subPropertyOf`."""
    direct: dict[Node, set[Node]] = {}
    for sub, sup in ontology.subject_objects(prop):
        direct.setdefault(sub, set()).add(sup)
    closed: dict[Node, set[Node]] = {}
    for term in direct:
        seen: set[Node] = set()
        stack = list(direct[term])
        while stack:
            sup = stack.pop()
            if sup not in seen:
                seen.add(sup)
                stack.extend(direct.get(sup, ()))
        closed[term] = seen
    return closed


def derive(data: Iterable[tuple[Node, Node, Node]], ontology: Graph, out: Graph) -> Graph:
    """Add to `out` what the axioms entail from `data` (the union of the extracted and reference graphs)."""
    classes = _closure(ontology, RDFS.subClassOf)
    properties = _closure(ontology, RDFS.subPropertyOf)
    properties.setdefault(ORG.unitOf, set()).update({ORG.subOrganizationOf, SDO.parentOrganization})
    properties.setdefault(ORG.subOrganizationOf, set()).add(SDO.parentOrganization)
    triples = list(data)
    post_org = {s: o for s, p, o in triples if p == ORG.postIn}
    for s, p, o in triples:
        if p == RDF.type:
            for sup in classes.get(o, ()):
                if isinstance(sup, URIRef):
                    out.add((s, RDF.type, sup))
        for sup in properties.get(p, ()):
            if isinstance(sup, URIRef):
                out.add((s, sup, o))
        if p == ORG.holds:
            out.add((o, ORG.heldBy, s))
            if o in post_org:
                out.add((s, SDO.worksFor, post_org[o]))
                out.add((s, SDO.memberOf, post_org[o]))
                out.add((s, ORG.memberOf, post_org[o]))
    _balai_became_sentra(triples, out)
    return out


def _balai_became_sentra(triples: list[tuple[Node, Node, Node]], out: Graph) -> None:
    """Peraturan Menteri Sosial No. 3 Tahun 2022 turned the balai into sentra: a "Balai Phala Martha"
    named in a 2021 release and the "Sentra Phalamartha" of 2022 are linked by an org:ChangeEvent
    (their keys share the proper name), not merged — they are the same body before and after."""
    balai = f"{ID}org/balai-"
    keys = {str(s) for s, p, o in triples if p == RDF.type}
    for key in sorted(k for k in keys if k.startswith(balai)):
        successor = f"{ID}org/sentra-{key[len(balai):]}"
        if successor not in keys:
            continue
        event = ID[f"change/{key[len(balai):]}-balai-to-sentra"]
        out.add((event, RDF.type, ORG.ChangeEvent))
        out.add((event, ORG.originalOrganization, URIRef(key)))
        out.add((event, ORG.resultingOrganization, URIRef(successor)))
        out.add((URIRef(successor), ORG.resultedFrom, event))
        out.add((URIRef(key), ORG.changedBy, event))
        out.add((event, DCTERMS.source, Literal("Peraturan Menteri Sosial No. 3 Tahun 2022")))
        out.add((event, RDFS.label, Literal("Balai menjadi sentra", lang="id")))
        out.add((event, RDFS.label, Literal("Balai became a sentra", lang="en")))


__all__ = ["derive"]

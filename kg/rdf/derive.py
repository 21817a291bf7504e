"""Derived triples: the standard-vocabulary view of the extracted graph, materialised so that a
consumer who knows only schema.org (or W3C ORG, FOAF, PROV) finds everything without reasoning.

Derived from the ontology's subclass and subproperty axioms, plus a few shortcuts that schema.org
expresses directly: a person's `schema:worksFor` the organisation of a post they hold, and an
organisation's `schema:parentOrganization`.

The provenance record (`kg:Assertion`, `kg:Sentence`, `kg:Mention`, `kg:ExtractionActivity`, `kg:sentence`,
`kg:evidence`) is left out: its standard super-terms (`rdf:Statement`, `prov:Entity`, `oa:SpecificResource`,
`nif:Sentence`, `prov:Activity`, `prov:wasDerivedFrom`) hold for every node of every release alike, so the
ontology's axioms state them once, where materialising them cost five quads per extracted fact, a quarter of
a release's weight (`bench/archive.py`); the release's graph states an assertion's `prov:wasDerivedFrom`
its sentence itself.

Every rule but two looks at one triple at a time, so a build derives each document's share on its
own: the union of the shares is what the rules give on the union of the graphs. The two that look
further are given what they need from all documents: the organisation of each post (`post_org`)
and the organisations typed anywhere (`organisation_changes`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from rdflib import Graph, URIRef
from rdflib.term import Node

from kg.graph.ntriples import Triple, iri, iri_value, literal, term
from kg.graph.vocab import DCTERMS, ID, KG, ORG, RDF, RDFS, SDO

_TYPE, _POST_IN, _HOLDS, _HELD_BY = term(RDF.type), term(ORG.postIn), term(ORG.holds), term(ORG.heldBy)
_WORKS_FOR, _SCHEMA_MEMBER_OF, _ORG_MEMBER_OF = term(SDO.worksFor), term(SDO.memberOf), term(ORG.memberOf)
_BALAI, _SENTRA = f"{ID}org/balai-", f"{ID}org/sentra-"
#: the provenance record's terms, whose super-terms the ontology states once instead of once per node
RECORD_CLASSES = (KG.Assertion, KG.Sentence, KG.Mention, KG.ExtractionActivity)
RECORD_PROPERTIES = (KG.sentence, KG.evidence)


def _closure(ontology: Graph, prop: URIRef) -> dict[Node, set[Node]]:
    """Every term → all its super-terms (transitively), from `rdfs:subClassOf` or `rdfs:subPropertyOf`."""
    direct: dict[Node, set[Node]] = {}
    for sub, sup in ontology.subject_objects(prop):
        direct.setdefault(sub, set()).add(sup)
    closed: dict[Node, set[Node]] = {}
    for term_ in direct:
        seen: set[Node] = set()
        stack = list(direct[term_])
        while stack:
            sup = stack.pop()
            if sup not in seen:
                seen.add(sup)
                stack.extend(direct.get(sup, ()))
        closed[term_] = seen
    return closed


def _named(closure: dict[Node, set[Node]]) -> dict[str, tuple[str, ...]]:
    """The closure in N-Triples terms, keeping only named super-terms (not OWL's blank-node restrictions)."""
    return {term(sub): tuple(sorted(term(sup) for sup in sups if isinstance(sup, URIRef))) for sub, sups in closure.items()}


class Entailment:
    """The ontology's axioms, ready to apply triple by triple."""

    def __init__(self, ontology: Graph) -> None:
        properties = _closure(ontology, RDFS.subPropertyOf)
        properties.setdefault(ORG.unitOf, set()).update({ORG.subOrganizationOf, SDO.parentOrganization})
        properties.setdefault(ORG.subOrganizationOf, set()).add(SDO.parentOrganization)
        classes = _closure(ontology, RDFS.subClassOf)
        for record in RECORD_CLASSES:
            classes.pop(record, None)
        for record in RECORD_PROPERTIES:
            properties.pop(record, None)
        self.classes = _named(classes)
        self.properties = _named(properties)

    def derive(self, triples: Iterable[Triple], post_org: Mapping[str, str]) -> set[Triple]:
        """What the axioms entail from `triples`; `post_org` maps each post to its organisation."""
        out: set[Triple] = set()
        add = out.add
        classes, properties = self.classes, self.properties
        for s, p, o in triples:
            if p == _TYPE:
                for sup in classes.get(o, ()):
                    add((s, _TYPE, sup))
            for sup in properties.get(p, ()):
                add((s, sup, o))
            if p == _HOLDS:
                add((o, _HELD_BY, s))
                org = post_org.get(o)
                if org is not None:
                    add((s, _WORKS_FOR, org))
                    add((s, _SCHEMA_MEMBER_OF, org))
                    add((s, _ORG_MEMBER_OF, org))
        return out


def post_organisations(triples: Iterable[Triple]) -> dict[str, str]:
    """Post → the organisation it is in (`org:postIn`)."""
    return {s: o for s, p, o in triples if p == _POST_IN}


def changing_organisations(triples: Iterable[Triple]) -> set[str]:
    """IRIs of the typed balai and sentra: what `organisation_changes` links."""
    return {iri_value(s) for s, p, _ in triples if p == _TYPE and s.startswith(("<" + _BALAI, "<" + _SENTRA))}


def organisation_changes(organisations: Iterable[str]) -> set[Triple]:
    """Peraturan Menteri Sosial No. 3 Tahun 2022 turned the balai into sentra: a "Balai Phala Martha"
    named in a 2021 release and the "Sentra Phalamartha" of 2022 are linked by an org:ChangeEvent
    (their keys share the proper name), not merged — they are the same body before and after."""
    keys = set(organisations)
    out: set[Triple] = set()
    for key in sorted(k for k in keys if k.startswith(_BALAI)):
        name = key[len(_BALAI):]
        successor = f"{_SENTRA}{name}"
        if successor not in keys:
            continue
        event, balai, sentra = iri(f"{ID}change/{name}-balai-to-sentra"), iri(key), iri(successor)
        out.add((event, _TYPE, term(ORG.ChangeEvent)))
        out.add((event, term(ORG.originalOrganization), balai))
        out.add((event, term(ORG.resultingOrganization), sentra))
        out.add((sentra, term(ORG.resultedFrom), event))
        out.add((balai, term(ORG.changedBy), event))
        out.add((event, term(DCTERMS.source), literal("Peraturan Menteri Sosial No. 3 Tahun 2022")))
        out.add((event, term(RDFS.label), literal("Balai menjadi sentra", lang="id")))
        out.add((event, term(RDFS.label), literal("Balai became a sentra", lang="en")))
    return out


def derive(triples: Iterable[Triple], ontology: Graph) -> set[Triple]:
    """Everything the axioms entail from `triples` (the union of the extracted and reference graphs)."""
    data = list(triples)
    return (Entailment(ontology).derive(data, post_organisations(data))
            | organisation_changes(changing_organisations(data)))


__all__ = ["RECORD_CLASSES", "RECORD_PROPERTIES", "Entailment", "derive", "post_organisations", "changing_organisations", "organisation_changes"]

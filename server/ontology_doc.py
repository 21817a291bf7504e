"""Human-readable documentation of the ontology, generated from `ontology/kemensos.ttl` itself.

The page at `/ontology` (for browsers) lists the ontology's header (titles, description, version,
namespace, licence), then every class, object property, datatype property and named individual with
its labels in Indonesian and English, comments, super- and sub-terms, domain and range. Each term has
an anchor named after its local name, so the term IRI `…/ontology#Person` lands on it.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, OWL, RDF, RDFS, SKOS

from kg.graph.vocab import BASE, KG, PREFIXES
from server import ontology_versions
from server.graph_data import STANDARD_LABELS, cached, compact, select
from server.rdf_views import ONTOLOGY_IRI, ontology_turtle, to_jsonld, turtle_triples
from server.rendering import render

VANN = "http://purl.org/vocab/vann/"
KINDS = (
    ("classes", "Classes", "Kelas", OWL.Class),
    ("object-properties", "Object properties", "Properti objek", OWL.ObjectProperty),
    ("datatype-properties", "Datatype properties", "Properti data", OWL.DatatypeProperty),
    ("annotation-properties", "Annotation properties", "Properti anotasi", OWL.AnnotationProperty),
    ("individuals", "Named individuals", "Individu", OWL.NamedIndividual),
)


@dataclass
class TermDoc:
    iri: str
    local: str
    kind: str
    labels: dict[str, str] = field(default_factory=dict)
    comments: dict[str, str] = field(default_factory=dict)
    relations: list[tuple[str, list[dict[str, str]]]] = field(default_factory=list)
    types: list[dict[str, str]] = field(default_factory=list)
    instances: int = 0

    @property
    def label(self) -> str:
        return self.labels.get("en") or self.labels.get("id") or self.local


def _texts(graph: Graph, subject: URIRef, *predicates: URIRef) -> dict[str, str]:
    out: dict[str, str] = {}
    for predicate in predicates:
        for value in graph.objects(subject, predicate):
            if isinstance(value, Literal):
                out.setdefault((value.language or "en").split("-")[0], str(value))
    return out


def _link(term: Any, graph: Graph) -> dict[str, str]:
    iri = str(term)
    if iri.startswith(str(KG)):
        local = iri[len(str(KG)):]
        label = _texts(graph, URIRef(iri), RDFS.label, SKOS.prefLabel).get("en", local)
        return {"href": f"#{local}", "text": label, "prefixed": f"kg:{local}", "external": ""}
    prefixed = compact(iri)
    return {"href": iri, "text": prefixed if prefixed != iri else iri, "prefixed": prefixed, "external": "1",
            "label": STANDARD_LABELS.get(prefixed, "")}


@lru_cache(maxsize=4)
def _documentation(data: bytes) -> dict[str, Any]:
    graph = Graph()
    graph.parse(data=data, format="turtle", publicID=ONTOLOGY_IRI)
    onto = URIRef(ONTOLOGY_IRI)
    header = {
        "titles": _texts(graph, onto, DCTERMS.title),
        "descriptions": _texts(graph, onto, DCTERMS.description),
        "version": str(graph.value(onto, OWL.versionInfo) or ""),
        "version_iri": str(graph.value(onto, OWL.versionIRI) or ""),
        "prior_version": str(graph.value(onto, OWL.priorVersion) or ""),
        "license": str(graph.value(onto, DCTERMS.license) or ""),
        "prefix": str(graph.value(onto, URIRef(VANN + "preferredNamespacePrefix")) or "kg"),
        "namespace": str(graph.value(onto, URIRef(VANN + "preferredNamespaceUri")) or KG),
    }
    subclasses: dict[str, list[str]] = defaultdict(list)
    subproperties: dict[str, list[str]] = defaultdict(list)
    for s, o in graph.subject_objects(RDFS.subClassOf):
        subclasses[str(o)].append(str(s))
    for s, o in graph.subject_objects(RDFS.subPropertyOf):
        subproperties[str(o)].append(str(s))
    sections = []
    placed: set[str] = set()
    for key, title, title_id, cls in KINDS:
        terms = []
        for subject in sorted({s for s in graph.subjects(RDF.type, cls) if str(s).startswith(str(KG))}, key=str):
            iri = str(subject)
            if iri in placed:
                continue
            placed.add(iri)
            term = TermDoc(iri, iri[len(str(KG)):], key)
            term.labels = _texts(graph, subject, RDFS.label, SKOS.prefLabel)
            term.comments = _texts(graph, subject, RDFS.comment, SKOS.definition)
            term.types = [_link(t, graph) for t in sorted(graph.objects(subject, RDF.type), key=str)]

            def links(values: Any) -> list[dict[str, str]]:
                return [_link(v, graph) for v in sorted(values, key=str)]

            relations = [
                ("subclass of", links(graph.objects(subject, RDFS.subClassOf))),
                ("superclass of", links(URIRef(v) for v in subclasses.get(iri, []))),
                ("subproperty of", links(graph.objects(subject, RDFS.subPropertyOf))),
                ("superproperty of", links(URIRef(v) for v in subproperties.get(iri, []))),
                ("domain", links(graph.objects(subject, RDFS.domain))),
                ("range", links(graph.objects(subject, RDFS.range))),
                ("inverse of", links(graph.objects(subject, OWL.inverseOf))),
                ("equivalent to", links([*graph.objects(subject, OWL.equivalentClass),
                                         *graph.objects(subject, OWL.equivalentProperty)])),
                ("in scheme", links(graph.objects(subject, SKOS.inScheme))),
                ("top concepts", links(graph.objects(subject, SKOS.hasTopConcept))),
            ]
            term.relations = [(name, values) for name, values in relations if values]
            terms.append(term)
        terms.sort(key=lambda t: t.label.lower())
        if terms:
            sections.append({"key": key, "title": title, "title_id": title_id, "terms": terms})
    return {"header": header, "sections": sections, "triples": len(graph)}


def instance_counts() -> dict[str, int]:
    def load() -> dict[str, int]:
        rows = select(f"""SELECT ?c (COUNT(DISTINCT ?s) AS ?n) WHERE {{ ?s a ?c FILTER(STRSTARTS(STR(?c), "{KG}")) }}
                          GROUP BY ?c""")
        return {r["c"].value: r["n"].as_int() for r in rows}

    return cached("instance_counts", load)


def ontology_page(data: bytes | None = None, version_iri: str | None = None) -> str:
    """The documentation of the current release, or of the release in `data` kept at `version_iri`."""
    turtle = ontology_turtle() if data is None else data
    doc = _documentation(turtle)
    counts = instance_counts()
    jsonld = to_jsonld(turtle_triples(turtle), first=ONTOLOGY_IRI)
    title = doc["header"]["titles"].get("en") or "Ontology"
    return render("ontology.html", title=title, jsonld=jsonld, iri=version_iri or ONTOLOGY_IRI, doc=doc, counts=counts,
                  prefixes=PREFIXES, releases=sorted(ontology_versions.releases()), changelog=ontology_versions.CHANGELOG_IRI,
                  base=BASE)


__all__ = ["ontology_page"]

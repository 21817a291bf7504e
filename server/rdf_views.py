"""The RDF a dereferenced IRI answers with, and its serialisations.

* an entity (or any other minted node): its outgoing triples (the union of all named graphs,
  deduplicated), its incoming triples, the labels of every node it links to or is linked from, and
  the provenance of its facts: each `kg:Assertion` whose rdf:subject or rdf:object it is, with the
  sentence and evidence spans of that assertion and their selectors (the quote selectors computed from
  the release's text, `server.quote_selectors`);
* a named graph (`…/graph/ontology`, `…/graph/reference`, `…/graph/derived`): the graph's triples;
* the ontology (`…/ontology`): the file `ontology/kemensos.ttl`, byte for byte as Turtle.

Serialising uses pyoxigraph (Turtle, N-Triples, RDF/XML with the project's prefixes); JSON-LD is
written here in compacted form with the prefixes as its `@context`.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from functools import lru_cache
from typing import Any

from pyoxigraph import BlankNode, Literal, NamedNode, RdfFormat, Triple, parse, serialize

from kg.graph.vocab import BASE, KG, OA, ONTOLOGY_GRAPH, PREFIXES
from kg.validate.shacl import ONTOLOGY_PATH
from server.graph_data import NAME_PREDICATES, RDF_TYPE, compact, construct_ntriples, iri_ref, one_of
from server.quote_selectors import quote_selector, with_quotes

XSD_STRING = PREFIXES["xsd"] + "string"
RDF = PREFIXES["rdf"]

#: suffix → (media type, pyoxigraph format); the suffix forms of every minted IRI
RDF_SUFFIXES: dict[str, tuple[str, RdfFormat]] = {
    "ttl": ("text/turtle", RdfFormat.TURTLE),
    "nt": ("application/n-triples", RdfFormat.N_TRIPLES),
    "jsonld": ("application/ld+json", RdfFormat.JSON_LD),
    "rdf": ("application/rdf+xml", RdfFormat.RDF_XML),
}
SUFFIX_MEDIA: dict[str, str] = {"html": "text/html", **{k: v[0] for k, v in RDF_SUFFIXES.items()}}
MEDIA_SUFFIX: dict[str, str] = {media: suffix for suffix, media in SUFFIX_MEDIA.items()}
FORMAT_NAMES = {"html": "HTML", "ttl": "Turtle", "nt": "N-Triples", "jsonld": "JSON-LD", "rdf": "RDF/XML"}
ONTOLOGY_IRI = BASE + "ontology"


def alternates(base_path: str) -> list[dict[str, str]]:
    """The representations of the resource at `base_path` ("/id/person/x"): suffix, media, URL."""
    return [{"suffix": suffix, "media": media, "href": f"{base_path}.{suffix}", "name": FORMAT_NAMES[suffix]}
            for suffix, media in SUFFIX_MEDIA.items()]


def link_header(base_path: str) -> str:
    return ", ".join(f'<{a["href"]}>; rel="alternate"; type="{a["media"]}"' for a in alternates(base_path))


# -- the triples ------------------------------------------------------------------------------------

def _parse_nt(data: bytes) -> list[Triple]:
    """N-Triples to triples, each once (the union default graph may hold a triple in several graphs)."""
    return list(dict.fromkeys(parse(data, format=RdfFormat.N_TRIPLES)))


def describe_triples(iri: str, core: bool = False) -> list[Triple]:
    """What the store says about `iri` (see the module docstring); `core` leaves out incoming triples
    and provenance (the data a page embeds as JSON-LD)."""
    e = iri_ref(iri)
    names = f"FILTER({one_of('?p', NAME_PREDICATES)})"
    parts = [
        f"{{ {e} ?p ?o BIND({e} AS ?s) }}",
        f"{{ {e} ?x ?s FILTER(isIRI(?s)) ?s ?p ?o {names} }}",
    ]
    if not core:
        about = f"{{ ?a <{RDF}subject> {e} }} UNION {{ ?a <{RDF}object> {e} }} ?a a <{KG}Assertion> ."
        parts += [
            f"{{ ?s ?p {e} BIND({e} AS ?o) }}",
            f"{{ ?s ?x {e} FILTER(isIRI(?s)) ?s ?p ?o {names} }}",
            f"{{ {about} BIND(?a AS ?s) ?s ?p ?o }}",
            f"{{ {about} ?a <{KG}sentence>|<{KG}evidence> ?s . ?s ?p ?o }}",
            f"{{ {about} ?a <{KG}sentence>|<{KG}evidence> ?span . ?span <{OA}hasSelector> ?s . ?s ?p ?o }}",
        ]
    query = "CONSTRUCT { ?s ?p ?o } WHERE {\n  " + "\n  UNION ".join(parts) + "\n}"
    return with_quotes(_parse_nt(construct_ntriples(query))) or quote_selector(iri)


def graph_triples(graph: str) -> list[Triple]:
    return _parse_nt(construct_ntriples(f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH {iri_ref(graph)} {{ ?s ?p ?o }} }}"))


def ontology_turtle() -> bytes:
    """`ontology/kemensos.ttl` as it is; the store's ontology graph if the file is not installed."""
    try:
        return ONTOLOGY_PATH.read_bytes()
    except OSError:
        return serialize(graph_triples(str(ONTOLOGY_GRAPH)), format=RdfFormat.TURTLE, prefixes=PREFIXES)


@lru_cache(maxsize=4)
def _ontology_triples(data: bytes) -> tuple[Triple, ...]:
    return tuple(dict.fromkeys(parse(data, format=RdfFormat.TURTLE, base_iri=ONTOLOGY_IRI)))


def turtle_triples(data: bytes) -> list[Triple]:
    """The triples of an ontology release's Turtle (any version kept in the repository)."""
    return list(_ontology_triples(data))


def ontology_triples() -> list[Triple]:
    return turtle_triples(ontology_turtle())


# -- serialisations ---------------------------------------------------------------------------------

def _jsonld_value(term: Any) -> dict[str, Any]:
    if isinstance(term, NamedNode):
        return {"@id": term.value}
    if isinstance(term, BlankNode):
        return {"@id": f"_:{term.value}"}
    if isinstance(term, Literal):
        if term.language:
            return {"@value": term.value, "@language": term.language}
        if term.datatype.value == XSD_STRING:
            return {"@value": term.value}
        return {"@value": term.value, "@type": compact(term.datatype.value)}
    return {"@value": str(term)}


def _node_id(term: Any) -> str:
    return term.value if isinstance(term, NamedNode) else f"_:{term.value}"


def to_jsonld(triples: Iterable[Triple], first: str | None = None) -> dict[str, Any]:
    """Compacted JSON-LD: the project's prefixes as `@context`, one node object per subject
    (`first`'s node first), rdf:type as `@type`."""
    nodes: dict[str, dict[str, Any]] = {}
    if first:
        nodes[first] = {"@id": first}
    for triple in triples:
        subject = _node_id(triple.subject)
        node = nodes.setdefault(subject, {"@id": subject})
        predicate, obj = triple.predicate.value, triple.object
        if predicate == RDF_TYPE and isinstance(obj, NamedNode):
            node.setdefault("@type", []).append(compact(obj.value))
        else:
            node.setdefault(compact(predicate), []).append(_jsonld_value(obj))
    graph = [n for n in nodes.values() if len(n) > 1]
    return {"@context": dict(PREFIXES), "@graph": graph}


def serialise(triples: list[Triple], suffix: str) -> bytes:
    if suffix == "jsonld":
        return json.dumps(to_jsonld(triples), ensure_ascii=False, indent=1).encode("utf-8")
    fmt = RDF_SUFFIXES[suffix][1]
    if fmt in (RdfFormat.TURTLE, RdfFormat.RDF_XML):
        return serialize(triples, format=fmt, prefixes=PREFIXES)
    return serialize(triples, format=fmt)


def script_json(data: Any) -> str:
    """JSON safe to put inside <script>: no `<`, `>` or `&` that could end the element."""
    text = json.dumps(data, ensure_ascii=False, indent=1)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


__all__ = ["RDF_SUFFIXES", "SUFFIX_MEDIA", "MEDIA_SUFFIX", "ONTOLOGY_IRI", "alternates", "link_header",
           "describe_triples", "graph_triples", "ontology_turtle", "ontology_triples", "turtle_triples", "to_jsonld",
           "serialise",
           "script_json"]

"""Linked data: every IRI the graph mints is answered at the same path on this server.

`https://w3id.org/kemensos-kg/id/person/harry-hikmat` is served at `/id/person/harry-hikmat`, and so
are `/doc/<release>` (and the nodes below it), `/ontology` (the document of every `…/ontology#Term`),
each release of the ontology at its version IRI (`/ontology/0.1.0`, see `server.ontology_versions`)
and `/graph/<name>`. Each has five representations: HTML for people, Turtle, N-Triples, JSON-LD and
RDF/XML for programs.

Cool URIs, the content-located way (one rule, applied to every IRI):

* `GET <IRI path>` negotiates on `Accept` and answers **200** with the chosen representation,
  `Content-Location: <IRI path>.<suffix>` naming the format-specific document, and `Vary: Accept`;
* `GET <IRI path>.html|.ttl|.nt|.jsonld|.rdf` answers that representation, whatever `Accept` says;
* every answer carries `Link: <….ttl>; rel="alternate"; type="text/turtle", …` for all five;
* an IRI the store does not know is **404**; a known one with nothing acceptable is **406** (with
  the same `Vary` and `Link` headers, so a client can pick a format).

A browser keeps the IRI in its address bar, and `/ontology#Person` lands on the term's anchor.
"""

from __future__ import annotations

from flask import Blueprint, Response, abort, request

from kg.graph.vocab import BASE
from server import ontology_doc, ontology_versions, pages
from server.graph_data import ask, documents, graph_names, iri_ref
from server.negotiation import negotiate
from server.quote_selectors import quote_selector
from server.rdf_views import (
    MEDIA_SUFFIX,
    ONTOLOGY_IRI,
    RDF_SUFFIXES,
    SUFFIX_MEDIA,
    describe_triples,
    graph_triples,
    link_header,
    ontology_triples,
    ontology_turtle,
    serialise,
    turtle_triples,
)

bp = Blueprint("linked_data", __name__)

#: what a client may ask for at an IRI, HTML first (so `*/*` and browsers get a page)
OFFERS = ["text/html", "text/turtle", "application/ld+json", "application/rdf+xml", "application/n-triples"]


def _split_suffix(path: str) -> tuple[str, str | None]:
    base, dot, suffix = path.rpartition(".")
    if dot and suffix in SUFFIX_MEDIA and base and "/" not in suffix:
        return base, suffix
    return path, None


def view_of(path: str) -> str | None:
    """Which kind of resource the minted IRI at `path` ("id/person/x") is, or None if the store does
    not know it: "ontology", "ontology-version", "graph", "document" or "resource"."""
    iri = BASE + path
    if path == "ontology":
        return "ontology"
    if path.startswith("ontology/"):
        return "ontology-version" if iri in ontology_versions.releases() else None
    if path.startswith("graph/"):
        return "graph" if iri in graph_names() else None
    if path.startswith("doc/") and iri in {d["iri"] for d in documents()}:
        return "document"
    try:
        ref = iri_ref(iri)
    except ValueError:
        return None
    known = ask(f"ASK {{ {{ {ref} ?p ?o }} UNION {{ ?s ?p {ref} }} }}") or bool(quote_selector(iri))
    return "resource" if known else None


def _html(view: str, iri: str) -> str:
    if view == "ontology":
        return ontology_doc.ontology_page()
    if view == "ontology-version":
        return ontology_doc.ontology_page(ontology_versions.releases()[iri], iri)
    if view == "graph":
        return pages.graph_page(iri)
    if view == "document":
        return pages.document_page(iri)
    return pages.resource_page(iri)


def _rdf(view: str, iri: str, suffix: str) -> bytes:
    if view == "ontology":
        return ontology_turtle() if suffix == "ttl" else serialise(ontology_triples(), suffix)
    if view == "ontology-version":
        data = ontology_versions.releases()[iri]
        return data if suffix == "ttl" else serialise(turtle_triples(data), suffix)
    if view == "graph":
        return serialise(graph_triples(iri), suffix)
    return serialise(describe_triples(iri), suffix)


def dereference(path: str) -> Response:
    """Answer the minted IRI at `path` (no leading slash), or its suffix form."""
    base, suffix = _split_suffix(path)
    view = view_of(base) if suffix else None
    if view is None:
        base, suffix = path, None
        view = view_of(base)
    if view is None:
        abort(404, f"{BASE}{path} is not an IRI of this knowledge graph")
    iri = ONTOLOGY_IRI if view == "ontology" else BASE + base
    base_path = "/" + base
    headers = {"Link": link_header(base_path)}
    if suffix is None:
        headers["Vary"] = "Accept"
        media = negotiate(request.headers.get("Accept"), OFFERS)
        if media is None:
            return Response("406 Not Acceptable: this resource is available as " + ", ".join(OFFERS)
                            + " (or add .html, .ttl, .nt, .jsonld or .rdf to its path)\n",
                            status=406, mimetype="text/plain", headers=headers)
        suffix = MEDIA_SUFFIX[media]
        headers["Content-Location"] = f"{base_path}.{suffix}"
    media = SUFFIX_MEDIA[suffix]
    body: str | bytes = _html(view, iri) if suffix == "html" else _rdf(view, iri, suffix)
    return Response(body, status=200, headers=headers, content_type=f"{media}; charset=utf-8")


@bp.get("/id/<path:rest>")
def entity(rest: str) -> Response:
    return dereference("id/" + rest)


@bp.get("/doc/<path:rest>")
def document(rest: str) -> Response:
    return dereference("doc/" + rest)


@bp.get("/graph/<path:rest>")
def graph(rest: str) -> Response:
    return dereference("graph/" + rest)


@bp.get("/ontology")
@bp.get("/ontology.<suffix>")
def ontology(suffix: str | None = None) -> Response:
    if suffix is not None and suffix not in SUFFIX_MEDIA:
        abort(404, f"{BASE}ontology.{suffix} is not an IRI of this knowledge graph")
    return dereference("ontology" + (f".{suffix}" if suffix else ""))


@bp.get("/ontology/<path:rest>")
def ontology_version(rest: str) -> Response:
    if BASE + "ontology/" + rest == ontology_versions.CHANGELOG_IRI:
        text = ontology_versions.changelog()
        if text is None:
            abort(404, "the change log is not installed with this server")
        return Response(text, content_type="text/markdown; charset=utf-8")
    return dereference("ontology/" + rest)


__all__ = ["bp", "dereference", "view_of", "OFFERS", "RDF_SUFFIXES"]

"""A small RDF document (the service description, VoID, the DCAT catalogue) in the format the
client's `Accept` names: Turtle, JSON-LD, RDF/XML or N-Triples; 406 when it names none of them."""

from __future__ import annotations

from flask import Response, abort, request
from rdflib import Graph
from rdflib.namespace import DCAT, FOAF, VOID

from kg.graph.vocab import PREFIXES
from server.negotiation import negotiate

MEDIA = {"text/turtle": "turtle", "application/ld+json": "json-ld", "application/rdf+xml": "xml",
         "application/n-triples": "nt", "application/json": "json-ld"}
NAMESPACES = {**PREFIXES, "void": str(VOID), "dcat": str(DCAT), "foaf": str(FOAF),
              "sd": "http://www.w3.org/ns/sparql-service-description#", "formats": "http://www.w3.org/ns/formats/",
              "spdx": "http://spdx.org/rdf/terms#"}


def respond(graph: Graph) -> Response:
    for prefix, namespace in NAMESPACES.items():
        graph.bind(prefix, namespace)
    media = negotiate(request.headers.get("Accept"), list(MEDIA))
    if media is None:
        abort(406, "descriptions are available as Turtle, JSON-LD, RDF/XML and N-Triples")
    body = graph.serialize(format=MEDIA[media])
    return Response(body, content_type=f"{media}; charset=utf-8", headers={"Vary": "Accept"})


__all__ = ["MEDIA", "respond"]

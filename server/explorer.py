"""The relation explorer: `/explore?iri=…` draws an entity's neighbourhood with Cytoscape.js (served
from `static/vendor/`), expands a node on click, tap or its Expand button, and filters by relation
type; `/api/neighbourhood?iri=…` gives the nodes and edges as JSON.

A neighbourhood is every relation between the entity and another minted entity or document, in
either direction, as the releases and the reference data state it. The derived graph adds the
ontology's aligned copies of the same relations (schema:attendee beside kg:member, org:heldBy beside
org:holds); of it only the ontology's own relations are kept, so every edge appears once. Provenance
links (assertions, mentions, spans), types and external identifiers are not relations here.
"""

from __future__ import annotations

import hashlib
from typing import Any

from flask import Blueprint, Response, abort, jsonify, request

from kg.graph.vocab import BASE, DERIVED_GRAPH, KG, PREFIXES
from server.graph_data import (
    DCT_TITLE,
    OWL_SAMEAS,
    RDF_TYPE,
    SCHEMA_SAMEAS,
    compact,
    href,
    iri_of_path,
    iri_ref,
    is_entity_iri,
    kind_of,
    local_path,
    names_of,
    select,
    vocabulary,
)
from server.rendering import render

bp = Blueprint("explorer", __name__)

MAX_EDGES = 150
NOT_RELATIONS = (RDF_TYPE, OWL_SAMEAS, SCHEMA_SAMEAS, DCT_TITLE, PREFIXES["rdf"] + "subject", PREFIXES["rdf"] + "object",
                 str(KG.refersTo), str(KG.evidence), str(KG.sentence), str(KG.inSentence), PREFIXES["oa"] + "hasSource",
                 PREFIXES["nif"] + "referenceContext", PREFIXES["prov"] + "used", PREFIXES["prov"] + "wasGeneratedBy",
                 PREFIXES["prov"] + "wasDerivedFrom", PREFIXES["dcterms"] + "source", PREFIXES["schema"] + "url")


def _checked_iri(raw: str | None) -> str:
    iri = (raw or "").strip()
    if not iri:
        abort(400, "give the entity as ?iri=… (a full IRI such as https://w3id.org/kemensos-kg/id/person/harry-hikmat)")
    if iri.startswith("/"):
        iri = iri_of_path(iri)
    try:
        iri_ref(iri)
    except ValueError:
        abort(400, "not an IRI")
    if not local_path(iri) or not is_entity_iri(iri):
        abort(404, f"{iri} is not an entity of this knowledge graph")
    return iri


def neighbourhood(iri: str) -> dict[str, Any]:
    """The nodes and edges around `iri` (see the module docstring), with labels and relation types."""
    ref = iri_ref(iri)
    excluded = ", ".join(f"<{p}>" for p in NOT_RELATIONS)
    rows = select(f"""SELECT DISTINCT ?s ?p ?o WHERE {{
        {{ GRAPH ?g {{ {ref} ?p ?o }} BIND({ref} AS ?s) FILTER(isIRI(?o)) }}
        UNION {{ GRAPH ?g {{ ?s ?p {ref} }} BIND({ref} AS ?o) FILTER(isIRI(?s)) }}
        FILTER(?g != <{DERIVED_GRAPH}> || STRSTARTS(STR(?p), "{KG}"))
        FILTER(?p NOT IN ({excluded}))
    }} ORDER BY ?p ?s ?o LIMIT {MAX_EDGES * 3}""")
    edges = [(r["s"].value, r["p"].value, r["o"].value) for r in rows
             if is_entity_iri(r["s"].value) and is_entity_iri(r["o"].value) and r["s"].value != r["o"].value]
    truncated = len(edges) > MAX_EDGES
    edges = edges[:MAX_EDGES]
    node_iris = {iri} | {s for s, _, _ in edges} | {o for _, _, o in edges}
    names = names_of(node_iris)
    type_rows = select(f"""SELECT ?s ?t WHERE {{ VALUES ?s {{ {' '.join(iri_ref(n) for n in sorted(node_iris))} }}
                           ?s a ?t FILTER(STRSTARTS(STR(?t), "{KG}")) }}""")
    types: dict[str, list[str]] = {}
    for row in type_rows:
        types.setdefault(row["s"].value, []).append(row["t"].value)
    vocab = vocabulary()
    nodes = []
    for node in sorted(node_iris, key=lambda n: (n != iri, names[n].best.lower())):
        specific = vocab.most_specific(types.get(node, []))
        nodes.append({"id": node, "label": names[node].best, "labelEn": names[node].en, "kind": kind_of(node),
                      "type": vocab.label(specific[0]).en if specific else kind_of(node), "href": href(node)})
    relations: dict[str, dict[str, Any]] = {}
    edge_views = []
    for s, p, o in edges:
        label = vocab.label(p)
        relations.setdefault(p, {"predicate": p, "label": label.en, "prefixed": label.prefixed, "count": 0})["count"] += 1
        edge_id = hashlib.sha1(f"{s} {p} {o}".encode()).hexdigest()[:16]
        edge_views.append({"id": "e" + edge_id, "source": s, "target": o, "predicate": p, "label": label.en})
    return {"center": iri, "nodes": nodes, "edges": edge_views,
            "relations": sorted(relations.values(), key=lambda r: r["label"]), "truncated": truncated}


@bp.get("/api/neighbourhood")
def api_neighbourhood() -> Response:
    iri = _checked_iri(request.args.get("iri"))
    response = jsonify(neighbourhood(iri))
    response.headers["Cache-Control"] = "no-cache"
    return response


FEATURED = ("id/person/harry-hikmat", "id/visit/2022-11-09-delegasi-kemensos-fukuoka", "id/org/kementerian-sosial",
            "id/program/atensi", "id/place/jepang")


@bp.get("/explore")
def explore() -> str:

    raw = request.args.get("iri")
    if not raw:
        featured = [BASE + f for f in FEATURED]
        names = names_of(featured)
        items = [{"href": "/explore?iri=" + f, "text": names[f].best, "kind": kind_of(f)} for f in featured]
        jsonld = {"@context": {"schema": "http://schema.org/"}, "@type": "schema:WebPage",
                  "schema:name": "Relation explorer",
                  "schema:mentions": [{"@id": f, "schema:name": names[f].best} for f in featured]}
        return render("explore.html", title="Relation explorer", jsonld=jsonld, center=None, featured=items)
    iri = _checked_iri(raw)
    data = neighbourhood(iri)
    center = next(n for n in data["nodes"] if n["id"] == iri)
    graph: dict[str, dict[str, Any]] = {}
    for edge in data["edges"]:
        node = graph.setdefault(edge["source"], {"@id": edge["source"]})
        node.setdefault(compact(edge["predicate"]), []).append({"@id": edge["target"]})
    for node in data["nodes"]:
        graph.setdefault(node["id"], {"@id": node["id"]})["schema:name"] = node["label"]
    jsonld = {"@context": dict(PREFIXES), "@graph": list(graph.values())}
    return render("explore.html", title=f"Relations of {center['label']}", jsonld=jsonld, center=center, data=data,
                  featured=[])


__all__ = ["bp", "neighbourhood"]

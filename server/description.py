"""Self-description: the SPARQL 1.1 Service Description (GET /sparql without a query), a VoID
description of the dataset (/.well-known/void, which also carries the dataset's DCAT description of
`server.catalog`), and the dump it points to (/dump.nq.gz). Both name the ontology release the data
conforms to (`dcterms:conformsTo` its version IRI).

Statistics come from queries on the current store generation and are cached per generation.
"""

from __future__ import annotations

import json
import threading
from pathlib import Path
from typing import Any

from flask import Blueprint, Response, abort, current_app, request, send_file
from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, RDF, VOID, XSD

from kg.graph.vocab import BASE, ID, PREFIXES
from kg.query.evaluator import current_generation
from server.catalog import catalog_graph, dataset_iri, ontology_standard
from server.context import config
from server.dump import dump_file
from server.query_runner import run_query
from server.rdf_response import respond

bp = Blueprint("description", __name__)

SD = Namespace("http://www.w3.org/ns/sparql-service-description#")
FORMATS = Namespace("http://www.w3.org/ns/formats/")
RESULT_FORMATS = ("SPARQL_Results_JSON", "SPARQL_Results_XML", "SPARQL_Results_CSV", "SPARQL_Results_TSV",
                  "Turtle", "N-Triples", "RDF_XML", "JSON-LD", "TriG", "N-Quads")

_lock = threading.Lock()


def _select(query: str) -> list[dict[str, Any]]:
    result = run_query(query, [], [], "json", None)
    data = json.loads(b"".join(result.chunks()))
    return [{k: v["value"] for k, v in row.items()} for row in data["results"]["bindings"]]


def statistics() -> dict[str, Any]:
    """Counts for SD and VoID, computed once per store generation."""
    generation = current_generation(Path(config().store_dir))
    cache = current_app.extensions.setdefault("kg_statistics", {})
    with _lock:
        if cache.get("generation") == generation:
            return cache["stats"]
    graphs = {r["g"]: int(r["n"]) for r in _select("SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g")}
    totals = _select("""SELECT (COUNT(*) AS ?triples) (COUNT(DISTINCT ?s) AS ?subjects) (COUNT(DISTINCT ?p) AS ?properties)
                        (COUNT(DISTINCT ?o) AS ?objects) WHERE { ?s ?p ?o }""")[0]
    entities = _select(f"""SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE {{ ?s ?p ?o FILTER(STRSTARTS(STR(?s), "{ID}")) }}""")[0]["n"]
    classes = _select("SELECT ?class (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s a ?class } GROUP BY ?class ORDER BY ?class")
    properties = _select("SELECT ?property (COUNT(*) AS ?n) WHERE { ?s ?property ?o } GROUP BY ?property ORDER BY ?property")
    links = _select("""SELECT ?target (COUNT(*) AS ?n) WHERE { ?s <http://www.w3.org/2002/07/owl#sameAs> ?o
                       BIND(IF(STRSTARTS(STR(?o), "http://www.wikidata.org/"), "http://www.wikidata.org/",
                            IF(STRSTARTS(STR(?o), "http://dbpedia.org/"), "http://dbpedia.org/", "other")) AS ?target) }
                       GROUP BY ?target""")
    stats = {"graphs": graphs, "triples": int(totals["triples"]), "subjects": int(totals["subjects"]),
             "properties": int(totals["properties"]), "objects": int(totals["objects"]), "entities": int(entities),
             "classes": {r["class"]: int(r["n"]) for r in classes},
             "property_counts": {r["property"]: int(r["n"]) for r in properties},
             "links": {r["target"]: int(r["n"]) for r in links}}
    with _lock:
        cache.update(generation=generation, stats=stats)
    return stats


def _root() -> str:
    return request.host_url.rstrip("/")


def service_description() -> Response:
    """The SPARQL 1.1 Service Description of this endpoint."""
    cfg = config()
    stats = statistics()
    endpoint = URIRef(_root() + "/sparql")
    g = Graph()
    g.add((endpoint, RDF.type, SD.Service))
    g.add((endpoint, SD.endpoint, endpoint))
    g.add((endpoint, SD.supportedLanguage, SD.SPARQL11Query))
    if not cfg.read_only:
        g.add((endpoint, SD.supportedLanguage, SD.SPARQL11Update))
    for name in RESULT_FORMATS:
        g.add((endpoint, SD.resultFormat, FORMATS[name]))
    g.add((endpoint, SD.feature, SD.UnionDefaultGraph))
    if cfg.service_allow:
        g.add((endpoint, SD.feature, SD.BasicFederatedQuery))
    g.add((endpoint, SD.defaultEntailmentRegime, URIRef("http://www.w3.org/ns/entailment/Simple")))
    g.add((endpoint, DCTERMS.description, Literal(
        "Knowledge graph of Kementerian Sosial press releases. The default graph is the union of all named "
        f"graphs; GRAPH reaches each one. Queries stop after {cfg.timeout:g} s and return at most "
        f"{cfg.max_rows} rows.", lang="en")))
    dataset = BNode("dataset")
    g.add((endpoint, SD.defaultDataset, dataset))
    g.add((dataset, RDF.type, SD.Dataset))
    g.add((dataset, DCTERMS.conformsTo, URIRef(_root() + "/.well-known/void")))
    ontology_standard(g, dataset)
    default = BNode("default-graph")
    g.add((dataset, SD.defaultGraph, default))
    g.add((default, RDF.type, SD.Graph))
    g.add((default, VOID.triples, Literal(stats["triples"], datatype=XSD.integer)))
    for name, count in sorted(stats["graphs"].items()):
        named, described = BNode(), BNode()
        g.add((dataset, SD.namedGraph, named))
        g.add((named, RDF.type, SD.NamedGraph))
        g.add((named, SD.name, URIRef(name)))
        g.add((named, SD.graph, described))
        g.add((described, RDF.type, SD.Graph))
        g.add((described, VOID.triples, Literal(count, datatype=XSD.integer)))
    return respond(g)


@bp.get("/.well-known/void")
def void() -> Response:
    """VoID: size, entities, classes, properties, URI space, links to other datasets, dump, licence,
    the ontology release in use; and the DCAT catalogue, whose dataset is the same node."""
    stats = statistics()
    root = _root()
    ds = dataset_iri()
    g = catalog_graph()
    g.add((ds, RDF.type, VOID.Dataset))  # titles, licence, source, dates: the DCAT description's
    g.add((ds, VOID.sparqlEndpoint, URIRef(root + "/sparql")))
    g.add((ds, VOID.dataDump, URIRef(root + "/dump.nq.gz")))
    g.add((ds, VOID.uriSpace, Literal(str(ID))))
    g.add((ds, VOID.exampleResource, ID["person/harry-hikmat"]))
    g.add((ds, VOID.rootResource, URIRef(BASE + "ontology")))
    for key in ("triples", "entities", "properties"):
        g.add((ds, VOID[key], Literal(stats[key], datatype=XSD.integer)))
    g.add((ds, VOID.classes, Literal(len(stats["classes"]), datatype=XSD.integer)))
    g.add((ds, VOID.distinctSubjects, Literal(stats["subjects"], datatype=XSD.integer)))
    g.add((ds, VOID.distinctObjects, Literal(stats["objects"], datatype=XSD.integer)))
    for namespace in ("kg", "schema", "org", "prov", "oa", "nif", "dcterms", "skos", "foaf"):
        g.add((ds, VOID.vocabulary, URIRef(PREFIXES[namespace])))
    for cls, count in stats["classes"].items():
        part = BNode()
        g.add((ds, VOID.classPartition, part))
        g.add((part, VOID["class"], URIRef(cls)))
        g.add((part, VOID.entities, Literal(count, datatype=XSD.integer)))
    for prop, count in stats["property_counts"].items():
        part = BNode()
        g.add((ds, VOID.propertyPartition, part))
        g.add((part, VOID.property, URIRef(prop)))
        g.add((part, VOID.triples, Literal(count, datatype=XSD.integer)))
    for target, count in stats["links"].items():
        if target == "other":
            continue
        linkset = URIRef(f"{root}/.well-known/void#links-{'wikidata' if 'wikidata' in target else 'dbpedia'}")
        g.add((ds, VOID.subset, linkset))
        g.add((linkset, RDF.type, VOID.Linkset))
        g.add((linkset, VOID.linkPredicate, URIRef("http://www.w3.org/2002/07/owl#sameAs")))
        g.add((linkset, VOID.subjectsTarget, ds))
        g.add((linkset, VOID.objectsTarget, URIRef(target)))
        g.add((linkset, VOID.triples, Literal(count, datatype=XSD.integer)))
    return respond(g)


@bp.get("/dump.nq.gz")
def dump() -> Response:
    """The whole dataset as gzipped N-Quads, written once per store generation."""
    found = dump_file()
    if found is None:
        abort(404, "the store is empty")
    return send_file(found.path, mimetype="application/gzip", as_attachment=True, download_name="kemensos-kg.nq.gz",
                     etag=True, conditional=True)


__all__ = ["bp", "service_description", "statistics"]

"""Namespaces and the IRIs of the project's own terms, in one place.

The base IRI is fixed (a w3id.org PURL), so minted IRIs never depend on where a server runs.
"""

from rdflib import Namespace
from rdflib.namespace import DCTERMS, FOAF, ORG, OWL, PROV, RDF, RDFS, SKOS, XSD

BASE = "https://w3id.org/kemensos-kg/"
KG = Namespace(BASE + "ontology#")
ID = Namespace(BASE + "id/")
DOC = Namespace(BASE + "doc/")
GRAPH = Namespace(BASE + "graph/")

OA = Namespace("http://www.w3.org/ns/oa#")
NIF = Namespace("http://persistence.uni-leipzig.org/nlp2rdf/ontologies/nif-core#")
TIME = Namespace("http://www.w3.org/2006/time#")
WD = Namespace("http://www.wikidata.org/entity/")
DBR = Namespace("http://dbpedia.org/resource/")
WDT = Namespace("http://www.wikidata.org/prop/direct/")
# schema.org as consumers write it: schema.org's own JSON-LD context, Wikidata, DBpedia and prefix.cc
# all map its terms to http://schema.org/ (rdflib's SDO is the https:// form, which they do not use)
SDO = Namespace("http://schema.org/")

ONTOLOGY_GRAPH = GRAPH["ontology"]
REFERENCE_GRAPH = GRAPH["reference"]
DERIVED_GRAPH = GRAPH["derived"]
#: the named graph a Graph Store target keeps the provenance records under (`kg.store.publish`); in the
#: store they are the default graph (`kg.graph.records`)
RECORDS_GRAPH = GRAPH["records"]
MERGED_GRAPH = GRAPH["merged"]  # the merge the default graph reads, never named by a query (kg.store.merged)

PREFIXES: dict[str, str] = {
    "kg": str(KG),
    "kgr": str(ID),
    "doc": str(DOC),
    "schema": str(SDO),
    "org": str(ORG),
    "prov": str(PROV),
    "foaf": str(FOAF),
    "dcterms": str(DCTERMS),
    "skos": str(SKOS),
    "oa": str(OA),
    "nif": str(NIF),
    "rdf": str(RDF),
    "rdfs": str(RDFS),
    "owl": str(OWL),
    "xsd": str(XSD),
    "time": str(TIME),
    "wd": str(WD),
    "dbr": str(DBR),
    "wdt": str(WDT),
}

__all__ = [
    "BASE", "KG", "ID", "DOC", "GRAPH", "OA", "NIF", "TIME", "WD", "WDT", "DBR", "ONTOLOGY_GRAPH",
    "REFERENCE_GRAPH", "DERIVED_GRAPH", "RECORDS_GRAPH", "PREFIXES",
    "DCTERMS", "FOAF", "ORG", "OWL", "PROV", "RDF", "RDFS", "SDO", "SKOS", "XSD",
]

"""The dataset described in DCAT 3 for data catalogues (`GET /catalog`, and within the VoID document).

Government open-data portals — Satu Data Indonesia among them — are CKAN catalogues that harvest
DCAT. This gives them a `dcat:Catalog` holding one `dcat:Dataset` (the same node as the VoID
dataset, `/.well-known/void#dataset`): titles and descriptions in Indonesian and English,
publisher, licence, issued and modified (the store generation's time), spatial coverage
(Indonesia), temporal coverage (the earliest to the latest release date), keywords, the ontology
release it conforms to, a `dcat:Distribution` for the dump (media type, compression, byte size,
SHA-256) and one for the SPARQL endpoint, which is also the `dcat:DataService`. The description
follows DCAT-AP 3.0.0 and is validated against its SHACL shapes in the tests.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from flask import Blueprint, Response, request
from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF, OWL, PROV, RDF, RDFS, SKOS, XSD

from kg.graph.vocab import ID, KG, WD
from kg.query.evaluator import current_generation
from server import ontology_versions
from server.context import config
from server.dump import dump_file
from server.query_runner import run_query
from server.rdf_response import respond

bp = Blueprint("catalog", __name__)

SPDX = Namespace("http://spdx.org/rdf/terms#")
IANA = "http://www.iana.org/assignments/media-types/"
EU_LANGUAGE = "http://publications.europa.eu/resource/authority/language/"
LICENSE = URIRef("https://creativecommons.org/licenses/by/4.0/")
TITLE = {"id": "Graf pengetahuan siaran pers Kementerian Sosial",
         "en": "Kemensos press release knowledge graph"}
DESCRIPTION = {
    "id": "Siaran pers Kementerian Sosial Republik Indonesia sebagai graf pengetahuan RDF: orang, lembaga, jabatan, "
          "tempat, program, kunjungan, kerja sama, angka dan kutipan, masing-masing dengan kalimat sumbernya.",
    "en": "Press releases of the Indonesian Ministry of Social Affairs as an RDF knowledge graph: people, "
          "organisations, posts, places, programmes, visits, cooperation, figures and quotes, each with the "
          "sentence that states it.",
}
PROVENANCE = {
    "id": "Diekstraksi dengan aturan dari siaran pers yang diterbitkan Biro Hubungan Masyarakat Kementerian Sosial "
          "(kemensos.go.id) dan dimuat ulang media; setiap fakta menunjuk kalimat dan posisi karakter sumbernya.",
    "en": "Extracted by rules from press releases published by the Public Relations Bureau of the Ministry of Social "
          "Affairs (kemensos.go.id) and republished by the media; every fact points to the sentence and character "
          "offsets it comes from.",
}
KEYWORDS = {"id": ("Kementerian Sosial", "siaran pers", "perlindungan sosial", "rehabilitasi sosial", "data terbuka"),
            "en": ("Ministry of Social Affairs", "press releases", "social protection", "knowledge graph",
                   "linked data")}
RELEASE_DATES = f"""SELECT DISTINCT ?date WHERE {{ ?release a <{KG}PressRelease> ; <{DCTERMS}issued> ?date }}"""


def _root() -> str:
    return request.host_url.rstrip("/")


def dataset_iri() -> URIRef:
    """The dataset's node, shared by VoID and DCAT."""
    return URIRef(_root() + "/.well-known/void#dataset")


def _generation_time() -> datetime | None:
    """When the current store generation was written: its name starts with the UTC time."""
    generation = current_generation(Path(config().store_dir))
    if not generation:
        return None
    stamp = Path(generation).name.split("-")[0]
    try:
        return datetime.strptime(stamp, "%Y%m%dT%H%M%S%fZ").replace(tzinfo=UTC)
    except ValueError:
        return datetime.fromtimestamp(Path(generation).stat().st_mtime, UTC)


def _release_period() -> tuple[Literal, Literal] | None:
    """The earliest and latest release dates, as dates (a release dated to the month counts from the
    month's first day at the start and as that month at the end)."""
    result = run_query(RELEASE_DATES, [], [], "json", None)
    values = sorted(b["date"]["value"] for b in json.loads(b"".join(result.chunks()))["results"]["bindings"])
    if not values:
        return None

    def typed(value: str, start: bool) -> Literal:
        if len(value) == 10:
            return Literal(value, datatype=XSD.date)
        return Literal(f"{value}-01", datatype=XSD.date) if start else Literal(value, datatype=XSD.gYearMonth)

    return typed(values[0], True), typed(values[-1], False)


def _texts(g: Graph, node: Any, predicate: URIRef, texts: dict[str, str]) -> None:
    for lang, text in texts.items():
        g.add((node, predicate, Literal(text, lang=lang)))


def _publisher(g: Graph, root: str) -> URIRef:
    agent = URIRef(root + "/catalog#publisher")
    g.add((agent, RDF.type, FOAF.Agent))
    g.add((agent, FOAF.name, Literal("kemensos-kg", lang="en")))
    g.add((agent, FOAF.homepage, URIRef(root + "/")))
    return agent


def _distributions(g: Graph, root: str, dataset: URIRef, service: URIRef) -> None:
    dump = URIRef(root + "/catalog#dump")
    g.add((dataset, DCAT.distribution, dump))
    g.add((dump, RDF.type, DCAT.Distribution))
    _texts(g, dump, DCTERMS.title, {"id": "Seluruh graf (N-Quads, gzip)", "en": "The whole graph (N-Quads, gzip)"})
    g.add((dump, DCAT.accessURL, URIRef(root + "/dump.nq.gz")))
    g.add((dump, DCAT.downloadURL, URIRef(root + "/dump.nq.gz")))
    for predicate, media in ((DCAT.mediaType, "application/n-quads"), (DCAT.compressFormat, "application/gzip")):
        g.add((dump, predicate, URIRef(IANA + media)))
        g.add((URIRef(IANA + media), RDF.type, DCTERMS.MediaType))
    g.add((dump, DCTERMS.license, LICENSE))
    found = dump_file()
    if found is not None:
        g.add((dump, DCAT.byteSize, Literal(found.byte_size, datatype=XSD.nonNegativeInteger)))
        checksum = BNode("dump-checksum")
        g.add((dump, SPDX.checksum, checksum))
        g.add((checksum, RDF.type, SPDX.Checksum))
        g.add((checksum, SPDX.algorithm, SPDX.checksumAlgorithm_sha256))
        g.add((SPDX.checksumAlgorithm_sha256, RDF.type, SPDX.ChecksumAlgorithm))
        g.add((checksum, SPDX.checksumValue, Literal(found.sha256, datatype=XSD.hexBinary)))
    endpoint = URIRef(root + "/catalog#sparql")
    g.add((dataset, DCAT.distribution, endpoint))
    g.add((endpoint, RDF.type, DCAT.Distribution))
    _texts(g, endpoint, DCTERMS.title, {"id": "Titik akhir SPARQL", "en": "SPARQL endpoint"})
    g.add((endpoint, DCAT.accessURL, URIRef(root + "/sparql")))
    g.add((endpoint, DCAT.accessService, service))
    g.add((endpoint, DCTERMS.license, LICENSE))


def _service(g: Graph, root: str, dataset: URIRef, publisher: URIRef) -> URIRef:
    service = URIRef(root + "/sparql")
    g.add((service, RDF.type, DCAT.DataService))
    _texts(g, service, DCTERMS.title, {"id": "Titik akhir SPARQL graf pengetahuan Kemensos",
                                       "en": "SPARQL endpoint of the Kemensos knowledge graph"})
    g.add((service, DCAT.endpointURL, service))
    g.add((service, DCAT.endpointDescription, service))  # GET without a query: the SPARQL Service Description
    g.add((service, DCAT.servesDataset, dataset))
    g.add((service, DCTERMS.conformsTo, URIRef("https://www.w3.org/TR/sparql11-protocol/")))
    g.add((URIRef("https://www.w3.org/TR/sparql11-protocol/"), RDF.type, DCTERMS.Standard))
    g.add((service, DCTERMS.license, LICENSE))
    g.add((service, DCTERMS.publisher, publisher))
    return service


def ontology_standard(g: Graph, node: URIRef) -> None:
    """`node` conforms to the ontology release in use, named by its version IRI and number."""
    info, version_iri = ontology_versions.current()
    if version_iri:
        g.add((node, DCTERMS.conformsTo, URIRef(version_iri)))
        g.add((URIRef(version_iri), RDF.type, DCTERMS.Standard))
        g.add((URIRef(version_iri), OWL.versionInfo, Literal(info)))


def catalog_graph() -> Graph:
    """The DCAT description of the catalogue, its dataset, distributions and data service."""
    root = _root()
    g = Graph()
    catalog, dataset = URIRef(root + "/catalog#catalog"), dataset_iri()
    publisher = _publisher(g, root)
    g.add((catalog, RDF.type, DCAT.Catalog))
    _texts(g, catalog, DCTERMS.title, TITLE)
    _texts(g, catalog, DCTERMS.description, DESCRIPTION)
    g.add((catalog, DCTERMS.publisher, publisher))
    g.add((catalog, DCTERMS.license, LICENSE))
    g.add((catalog, FOAF.homepage, URIRef(root + "/")))
    g.add((catalog, DCAT.dataset, dataset))

    g.add((dataset, RDF.type, DCAT.Dataset))
    _texts(g, dataset, DCTERMS.title, TITLE)
    _texts(g, dataset, DCTERMS.description, DESCRIPTION)
    g.add((dataset, DCTERMS.identifier, Literal("kemensos-kg")))
    g.add((dataset, DCTERMS.publisher, publisher))
    g.add((dataset, DCTERMS.license, LICENSE))
    g.add((LICENSE, RDF.type, DCTERMS.LicenseDocument))
    statement = BNode("provenance")  # dcterms:source would name a dcat:Dataset; the releases are web pages
    g.add((dataset, DCTERMS.provenance, statement))
    g.add((statement, RDF.type, DCTERMS.ProvenanceStatement))
    _texts(g, statement, RDFS.label, PROVENANCE)
    g.add((dataset, PROV.wasDerivedFrom, URIRef("https://kemensos.go.id/")))
    g.add((dataset, DCAT.landingPage, URIRef(root + "/")))
    g.add((URIRef(root + "/"), RDF.type, FOAF.Document))
    for code in ("IND", "ENG"):
        g.add((dataset, DCTERMS.language, URIRef(EU_LANGUAGE + code)))
        g.add((URIRef(EU_LANGUAGE + code), RDF.type, DCTERMS.LinguisticSystem))
    for lang, words in KEYWORDS.items():
        for word in words:
            g.add((dataset, DCAT.keyword, Literal(word, lang=lang)))
    written = _generation_time()
    if written is not None:
        stamp = Literal(written.isoformat(timespec="seconds").replace("+00:00", "Z"), datatype=XSD.dateTime)
        g.add((dataset, DCTERMS.issued, stamp))
        g.add((dataset, DCTERMS.modified, stamp))
    indonesia = ID["place/indonesia"]
    g.add((dataset, DCTERMS.spatial, indonesia))
    g.add((indonesia, RDF.type, DCTERMS.Location))
    g.add((indonesia, SKOS.prefLabel, Literal("Indonesia", lang="id")))
    g.add((indonesia, OWL.sameAs, WD["Q252"]))
    period = _release_period()
    if period is not None:
        span = BNode("release-period")
        g.add((dataset, DCTERMS.temporal, span))
        g.add((span, RDF.type, DCTERMS.PeriodOfTime))
        g.add((span, DCAT.startDate, period[0]))
        g.add((span, DCAT.endDate, period[1]))
    ontology_standard(g, dataset)
    service = _service(g, root, dataset, publisher)
    g.add((catalog, DCAT.service, service))
    _distributions(g, root, dataset, service)
    return g


@bp.get("/catalog")
def catalog() -> Response:
    """The DCAT catalogue in Turtle, JSON-LD, RDF/XML or N-Triples, by `Accept`."""
    return respond(catalog_graph())


__all__ = ["bp", "catalog_graph", "dataset_iri", "ontology_standard"]

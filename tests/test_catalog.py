"""The dataset in DCAT 3 for data catalogues: `/catalog` and `/.well-known/void` by content
negotiation, valid against the DCAT-AP 3.0.0 SHACL shapes (`ontology/external/dcat-ap/`, validated
by pySHACL with RDFS entailment, as the shapes' `sh:class rdfs:Resource` constraints expect), and
read as a CKAN harvester reads it: title, distributions, licence. The dump's byte size and SHA-256
are checked against the dump a client downloads. Through the Flask test client and a real server.
"""

from __future__ import annotations

import gzip
import hashlib
import shutil
from pathlib import Path

import pytest
from pyoxigraph import RdfFormat, parse
from pyshacl import validate
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF, OWL, RDF, VOID
from either_server import Either, fixtures


ROOT = Path(__file__).resolve().parent.parent
DCAT_AP = ROOT / "ontology" / "external" / "dcat-ap" / "dcat-ap-SHACL-3.0.0.ttl"
SPDX = "http://spdx.org/rdf/terms#"
FORMATS = {"text/turtle": "turtle", "application/ld+json": "json-ld", "application/rdf+xml": "xml",
           "application/n-triples": "nt"}
ONTOLOGY_VERSION = URIRef("https://w3id.org/kemensos-kg/ontology/0.2.0")


@pytest.fixture(scope="module")
def catalog_store(tmp_path_factory: pytest.TempPathFactory, store_dir: Path) -> Path:
    """A copy of the session store: the servers write their dump into it."""
    copy = tmp_path_factory.mktemp("catalog") / "store"
    shutil.copytree(store_dir, copy, symlinks=True)
    return copy


flask_client, http_client, client = fixtures("catalog_store")


@pytest.fixture(scope="module")
def shapes() -> Graph:
    return Graph().parse(DCAT_AP)


def fetch(client: Either, path: str, accept: str = "text/turtle") -> Graph:
    status, mimetype, body = client.get(path, accept)
    assert status == 200, body[:500]
    assert mimetype == accept
    return Graph().parse(data=body, format=FORMATS[accept])


@pytest.mark.parametrize("path", ["/catalog", "/.well-known/void"])
def test_dcat_ap_conforms(client: Either, shapes: Graph, path: str) -> None:
    conforms, _, report = validate(fetch(client, path), shacl_graph=shapes, inference="rdfs")
    assert conforms, report


def test_the_shapes_catch_a_broken_description(client: Either, shapes: Graph) -> None:
    graph = fetch(client, "/catalog")
    dataset = next(graph.subjects(RDF.type, DCAT.Dataset))
    graph.remove((dataset, DCTERMS.title, None))
    graph.add((dataset, DCTERMS.issued, Literal("last week")))
    conforms, _, report = validate(graph, shacl_graph=shapes, inference="rdfs")
    assert not conforms
    assert "dcat:DatasetShape" in report and "issued" in report


@pytest.mark.parametrize("accept", list(FORMATS))
@pytest.mark.parametrize("path", ["/catalog", "/.well-known/void"])
def test_content_negotiation(client: Either, path: str, accept: str) -> None:
    graph = fetch(client, path, accept)
    assert len(set(graph.subjects(RDF.type, DCAT.Dataset))) == 1
    assert len(set(graph.subjects(RDF.type, DCAT.DataService))) == 1


def test_nothing_acceptable_is_406(client: Either) -> None:
    status, _, body = client.get("/catalog", "image/png")
    assert status == 406 and b"Turtle" in body


def test_a_harvester_reads_title_distributions_licence(client: Either) -> None:
    """What CKAN's DCAT harvester maps to a dataset: its titles, licence, resources and dates."""
    graph = fetch(client, "/catalog")
    (catalog,) = set(graph.subjects(RDF.type, DCAT.Catalog))
    (dataset,) = set(graph.objects(catalog, DCAT.dataset))
    titles = {t.language: str(t) for t in graph.objects(dataset, DCTERMS.title)}
    assert titles == {"id": "Graf pengetahuan siaran pers Kementerian Sosial", "en": "Kemensos press release knowledge graph"}
    assert {d.language for d in graph.objects(dataset, DCTERMS.description)} == {"id", "en"}
    assert graph.value(dataset, DCTERMS.license) == URIRef("https://creativecommons.org/licenses/by/4.0/")
    assert graph.value(graph.value(dataset, DCTERMS.publisher), FOAF.name) is not None
    assert graph.value(dataset, DCTERMS.spatial) == URIRef("https://w3id.org/kemensos-kg/id/place/indonesia")
    assert graph.value(dataset, DCTERMS.conformsTo) == ONTOLOGY_VERSION
    assert {str(k) for k in graph.objects(dataset, DCAT.keyword)} >= {"siaran pers", "press releases"}
    period = graph.value(dataset, DCTERMS.temporal)
    # the earliest and latest `date:` lines of the tested releases (corpus/dev/08.txt, corpus/dev/10.txt)
    assert (str(graph.value(period, DCAT.startDate)), str(graph.value(period, DCAT.endDate))) == ("2021-05-01", "2023-04-29")
    assert graph.value(dataset, DCTERMS.issued) == graph.value(dataset, DCTERMS.modified) is not None
    access = {str(graph.value(d, DCAT.accessURL)) for d in graph.objects(dataset, DCAT.distribution)}
    assert access == {client.root + "/dump.nq.gz", client.root + "/sparql"}
    service = graph.value(catalog, DCAT.service)
    assert graph.value(service, DCAT.endpointURL) == URIRef(client.root + "/sparql")
    assert graph.value(service, DCAT.servesDataset) == dataset


def test_the_dump_is_what_its_distribution_says(client: Either) -> None:
    graph = fetch(client, "/catalog")
    dump = next(d for d in graph.subjects(RDF.type, DCAT.Distribution) if graph.value(d, DCAT.downloadURL))
    assert graph.value(dump, DCAT.mediaType) == URIRef("http://www.iana.org/assignments/media-types/application/n-quads")
    url = str(graph.value(dump, DCAT.downloadURL))
    status, mimetype, body = client.get(url[len(client.root):], "*/*")
    assert status == 200 and mimetype == "application/gzip"
    assert int(graph.value(dump, DCAT.byteSize)) == len(body)
    checksum = graph.value(dump, URIRef(SPDX + "checksum"))
    assert graph.value(checksum, URIRef(SPDX + "algorithm")) == URIRef(SPDX + "checksumAlgorithm_sha256")
    assert str(graph.value(checksum, URIRef(SPDX + "checksumValue"))) == hashlib.sha256(body).hexdigest()
    assert len(list(parse(gzip.decompress(body), format=RdfFormat.N_QUADS))) > 10_000


def test_void_and_service_description_name_the_ontology_version(client: Either) -> None:
    void = fetch(client, "/.well-known/void")
    (dataset,) = set(void.subjects(RDF.type, VOID.Dataset))
    assert (dataset, RDF.type, DCAT.Dataset) in void  # VoID and DCAT describe one node
    assert void.value(dataset, DCTERMS.conformsTo) == ONTOLOGY_VERSION
    assert str(void.value(ONTOLOGY_VERSION, OWL.versionInfo)) == "0.2.0"
    description = fetch(client, "/sparql")
    assert ONTOLOGY_VERSION in set(description.objects(None, DCTERMS.conformsTo))
    assert str(description.value(ONTOLOGY_VERSION, OWL.versionInfo)) == "0.2.0"

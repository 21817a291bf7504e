"""The ontology as a published vocabulary: every release kept in `ontology/` answers at its
`owl:versionIRI`, `owl:priorVersion` links each to the one before, and `ontology/CHANGELOG.md` has an
entry per release. Through the Flask test client and a real server."""

from __future__ import annotations

import re

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import OWL, RDFS
from either_server import Either, fixtures

from kg.validate.shacl import ONTOLOGY_PATH

BASE = "https://w3id.org/kemensos-kg/"
ONTOLOGY = URIRef(BASE + "ontology")
VERSIONS = ONTOLOGY_PATH.parent / "versions"
CHANGELOG = ONTOLOGY_PATH.parent / "CHANGELOG.md"
KG = "https://w3id.org/kemensos-kg/ontology#"


def header(data: bytes) -> Graph:
    return Graph().parse(data=data, format="turtle")


def releases() -> dict[str, bytes]:
    """version → Turtle, from the files themselves."""
    found = {}
    for data in [ONTOLOGY_PATH.read_bytes(), *(p.read_bytes() for p in sorted(VERSIONS.glob("*.ttl")))]:
        found[str(header(data).value(ONTOLOGY, OWL.versionInfo))] = data
    return found


flask_client, http_client, client = fixtures("store_dir", threads=1)


def test_the_releases_chain_by_prior_version() -> None:
    kept = releases()
    assert set(kept) >= {"0.1.0", "0.2.0"}
    for version, data in kept.items():
        graph = header(data)
        assert graph.value(ONTOLOGY, OWL.versionIRI) == URIRef(f"{BASE}ontology/{version}")
        prior = graph.value(ONTOLOGY, OWL.priorVersion)
        if version != "0.1.0":
            assert prior is not None and str(prior).rsplit("/", 1)[1] in kept, version
    current = header(ONTOLOGY_PATH.read_bytes())
    assert current.value(ONTOLOGY, OWL.priorVersion) == URIRef(BASE + "ontology/0.1.0")


def test_the_first_change_is_the_schema_org_namespace() -> None:
    old, new = header(releases()["0.1.0"]), header(releases()["0.2.0"])
    assert (URIRef(KG + "Person"), RDFS.subClassOf, URIRef("https://schema.org/Person")) in old
    assert (URIRef(KG + "Person"), RDFS.subClassOf, URIRef("http://schema.org/Person")) in new
    assert not any(str(o).startswith("https://schema.org/") for o in new.objects())
    assert (URIRef(KG + "kemendagriCode"), OWL.equivalentProperty,
            URIRef("http://www.wikidata.org/prop/direct/P2588")) in new


def test_the_change_log_has_an_entry_per_release() -> None:
    text = CHANGELOG.read_text(encoding="utf-8")
    headings = re.findall(r"^## (\d+\.\d+\.\d+) — \d{4}-\d{2}-\d{2}$", text, re.MULTILINE)
    assert set(headings) == set(releases())
    assert headings == sorted(headings, key=lambda v: tuple(map(int, v.split("."))), reverse=True)
    assert "http://schema.org/" in text and "https://schema.org/" in text


@pytest.mark.parametrize("version", ["0.1.0", "0.2.0"])
def test_each_version_iri_dereferences(client: Either, version: str) -> None:
    status, mimetype, body = client.get(f"/ontology/{version}")
    assert (status, mimetype) == (200, "text/turtle")
    assert body == releases()[version]
    status, mimetype, body = client.get(f"/ontology/{version}.nt", "*/*")
    assert (status, mimetype) == (200, "application/n-triples")
    assert len(Graph().parse(data=body, format="nt")) == len(header(releases()[version]))
    status, mimetype, body = client.get(f"/ontology/{version}", "text/html")
    assert (status, mimetype) == (200, "text/html")
    assert f"ontology/{version}" in body.decode() and f"version {version}" in body.decode()


def test_an_unknown_version_is_404(client: Either) -> None:
    assert client.get("/ontology/0.0.9")[0] == 404


def test_the_change_log_is_served(client: Either) -> None:
    status, mimetype, body = client.get("/ontology/CHANGELOG.md", "*/*")
    assert (status, mimetype) == (200, "text/markdown")
    assert body == CHANGELOG.read_bytes()
    assert (ONTOLOGY, RDFS.seeAlso, URIRef(BASE + "ontology/CHANGELOG.md")) in header(ONTOLOGY_PATH.read_bytes())
    assert Literal("0.2.0") in set(header(ONTOLOGY_PATH.read_bytes()).objects(ONTOLOGY, OWL.versionInfo))

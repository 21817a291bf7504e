"""The releases of the ontology kept in the repository, each answered at its `owl:versionIRI`.

`ontology/kemensos.ttl` is the current release; `ontology/versions/<version>.ttl` keeps each earlier
one byte for byte as it was released, and `ontology/CHANGELOG.md` says what moved between them. A
consumer whose queries were written against an earlier release can fetch that release at its
version IRI (`/ontology/0.1.0`) and read in the change log what to change.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from pyoxigraph import Literal, NamedNode, RdfFormat, parse

from kg.graph.vocab import BASE, OWL
from kg.validate.shacl import ONTOLOGY_PATH
from server.rdf_views import ONTOLOGY_IRI, ontology_turtle

VERSIONS_DIR: Path = ONTOLOGY_PATH.parent / "versions"
CHANGELOG_PATH: Path = ONTOLOGY_PATH.parent / "CHANGELOG.md"
CHANGELOG_IRI = BASE + "ontology/CHANGELOG.md"


@lru_cache(maxsize=8)
def header(data: bytes) -> tuple[str, str]:
    """(`owl:versionInfo`, `owl:versionIRI`) of the ontology written in `data`, an empty string for
    what it does not state."""
    found = {str(OWL.versionInfo): "", str(OWL.versionIRI): ""}
    for triple in parse(data, format=RdfFormat.TURTLE, base_iri=ONTOLOGY_IRI):
        key = triple.predicate.value
        if triple.subject == NamedNode(ONTOLOGY_IRI) and key in found and isinstance(triple.object, (Literal, NamedNode)):
            found[key] = triple.object.value
    return found[str(OWL.versionInfo)], found[str(OWL.versionIRI)]


def current() -> tuple[str, str]:
    """The version in use and its version IRI: ("0.2.0", "https://w3id.org/kemensos-kg/ontology/0.2.0")."""
    return header(ontology_turtle())


def releases() -> dict[str, bytes]:
    """Version IRI → the release's Turtle, for the current release and every earlier one kept."""
    out: dict[str, bytes] = {}
    for path in sorted(VERSIONS_DIR.glob("*.ttl")):
        data = path.read_bytes()
        out[header(data)[1] or f"{ONTOLOGY_IRI}/{path.stem}"] = data
    data = ontology_turtle()
    out[header(data)[1]] = data
    out.pop("", None)
    return out


def changelog() -> bytes | None:
    try:
        return CHANGELOG_PATH.read_bytes()
    except OSError:
        return None


__all__ = ["CHANGELOG_IRI", "changelog", "current", "header", "releases"]

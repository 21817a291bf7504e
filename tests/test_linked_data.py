"""Dereferencing the IRIs the graph mints: every kind of IRI (person, organisation, place, post,
programme, visit, statistic, press release, ontology, named graph) by content negotiation and by
suffix, through the Flask test client and against the real `kemensos-kg serve` process.

The rule under test (see `server/linked_data.py`): `GET <IRI path>` answers 200 with the negotiated
representation, `Content-Location: <path>.<suffix>` and `Vary: Accept`; `<path>.ttl|.nt|.jsonld|.rdf|
.html` answer that format whatever Accept says; every answer links the five representations with
`Link: <…>; rel="alternate"; type="…"`; unknown IRIs are 404, nothing acceptable is 406.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import requests
from pyoxigraph import NamedNode, RdfFormat, parse
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import OWL, RDF, RDFS
from server_process import running_server

from kg.validate.shacl import ONTOLOGY_PATH
from server.app import create_app
from server.config import ServerConfig

BASE = "https://w3id.org/kemensos-kg/"
KG = "https://w3id.org/kemensos-kg/ontology#"
SCHEMA = "http://schema.org/"
ORG = "http://www.w3.org/ns/org#"
OA = "http://www.w3.org/ns/oa#"
DCTERMS = "http://purl.org/dc/terms/"
FOUNDING = "doc/2022-11-09-delegasi-kemensos-fukuoka"
XSD_DATE = URIRef("http://www.w3.org/2001/XMLSchema#date")

MEDIA = {"ttl": "text/turtle", "nt": "application/n-triples", "jsonld": "application/ld+json",
         "rdf": "application/rdf+xml", "html": "text/html"}
RDFLIB_FORMAT = {"ttl": "turtle", "nt": "nt", "jsonld": "json-ld", "rdf": "xml"}
BROWSER_ACCEPT = "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8"


def u(path: str) -> URIRef:
    return URIRef(BASE + path)


#: one IRI of every kind, with triples its RDF must contain
KINDS: dict[str, tuple[str, list[tuple[URIRef, URIRef, Any]]]] = {
    "person": ("id/person/harry-hikmat", [
        (u("id/person/harry-hikmat"), URIRef(ORG + "holds"), u("id/post/kementerian-sosial--sekretaris-jenderal")),
        (u("id/person/harry-hikmat"), URIRef(SCHEMA + "name"), Literal("Harry Hikmat", lang="id")),
        (u("id/person/harry-hikmat"), RDF.type, URIRef(KG + "Person")),
    ]),
    "organisation": ("id/org/kementerian-sosial", [
        (u("id/org/kementerian-sosial"), RDF.type, URIRef(KG + "Ministry")),
        (u("id/org/kementerian-sosial"), URIRef("http://www.w3.org/2004/02/skos/core#altLabel"), Literal("Kemensos", lang="id")),
    ]),
    "place": ("id/place/jepang", [
        (u("id/place/jepang"), OWL.sameAs, URIRef("http://www.wikidata.org/entity/Q17")),
        (u("id/place/jepang"), URIRef(SCHEMA + "name"), Literal("Japan", lang="en")),
    ]),
    "post": ("id/post/kementerian-sosial--sekretaris-jenderal", [
        (u("id/post/kementerian-sosial--sekretaris-jenderal"), URIRef(ORG + "postIn"), u("id/org/kementerian-sosial")),
        (u("id/person/harry-hikmat"), URIRef(ORG + "holds"), u("id/post/kementerian-sosial--sekretaris-jenderal")),
    ]),
    "programme": ("id/program/atensi", [
        (u("id/program/atensi"), RDF.type, URIRef(KG + "Program")),
        (u("id/program/atensi"), URIRef("http://www.w3.org/2004/02/skos/core#altLabel"), Literal("ATENSI", lang="id")),
    ]),
    "visit": ("id/visit/2022-11-09-delegasi-kemensos-fukuoka", [
        (u("id/visit/2022-11-09-delegasi-kemensos-fukuoka"), URIRef(KG + "leader"), u("id/person/harry-hikmat")),
        (u("id/visit/2022-11-09-delegasi-kemensos-fukuoka"), URIRef(SCHEMA + "startDate"),
         Literal("2022-11-09", datatype=XSD_DATE)),
    ]),
    "statistic": ("", []),  # the first statistic of the store, found by the `statistic` fixture
    "document": (FOUNDING, [
        (u(FOUNDING), RDF.type, URIRef(KG + "PressRelease")),
        (u(FOUNDING), URIRef(DCTERMS + "issued"), Literal("2022-11-09", datatype=XSD_DATE)),
        (u(FOUNDING), URIRef(KG + "dateline"), u("id/place/fukuoka")),
    ]),
    "ontology": ("ontology", [
        (URIRef(KG + "Person"), RDF.type, OWL.Class),
        (URIRef(KG + "leader"), RDFS.range, URIRef(KG + "Person")),
    ]),
    "graph": ("graph/reference", [
        (u("id/place/jepang"), OWL.sameAs, URIRef("http://www.wikidata.org/entity/Q17")),
    ]),
}


# -- two transports, one interface --------------------------------------------------------------------

@dataclass
class Reply:
    status: int
    headers: dict[str, str]  # lower-case names
    body: bytes

    @property
    def mimetype(self) -> str:
        return self.headers.get("content-type", "").split(";")[0].strip()

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", errors="replace")


class Client:
    def __init__(self, kind: str, target: Any) -> None:
        self.kind = kind
        self.target = target

    def get(self, path: str, accept: str | None = None, method: str = "GET") -> Reply:
        headers = {"Accept": accept} if accept is not None else {}
        if self.kind == "flask":
            response = self.target.open(path, method=method, headers=headers)
            return Reply(response.status_code, {k.lower(): v for k, v in response.headers.items()}, response.get_data())
        session: requests.Session = self.target[1]
        response = session.request(method, self.target[0] + path, headers=headers, timeout=60)
        return Reply(response.status_code, {k.lower(): v for k, v in response.headers.items()}, response.content)


@pytest.fixture(scope="module")
def flask_client(store_dir: Path) -> Iterator[Client]:
    app = create_app(ServerConfig(store_dir=store_dir, threads=2))
    yield Client("flask", app.test_client())
    app.extensions["kg_runner"].close()


@pytest.fixture(scope="module")
def http_client(store_dir: Path) -> Iterator[Client]:
    with running_server(store_dir) as server, requests.Session() as session:
        session.headers.clear()
        yield Client("http", (server.base_url, session))


@pytest.fixture(params=["flask", "http"])
def client(request: pytest.FixtureRequest) -> Client:
    return request.getfixturevalue(f"{request.param}_client")


@pytest.fixture(scope="module")
def statistic(store: Any) -> str:
    """The path of one kg:Statistic of the built store."""
    rows = list(store.query(f"SELECT ?s WHERE {{ ?s a <{KG}Statistic> }} ORDER BY ?s LIMIT 1",
                            use_default_graph_as_union=True))
    assert rows, "the store has no kg:Statistic"
    return rows[0]["s"].value[len(BASE):]


def path_of(kind: str, statistic: str) -> str:
    return statistic if kind == "statistic" else KINDS[kind][0]


def expected_triples(kind: str, path: str) -> list[tuple[URIRef, URIRef, Any]]:
    if kind == "statistic":
        return [(u(path), RDF.type, URIRef(KG + "Statistic"))]
    return KINDS[kind][1]


def parsed(reply: Reply, suffix: str) -> Graph:
    graph = Graph()
    graph.parse(data=reply.body, format=RDFLIB_FORMAT[suffix], publicID=BASE)
    return graph


def link_targets(link: str) -> dict[str, str]:
    """media type → target of every rel="alternate" in a Link header."""
    found = {}
    for target, params in re.findall(r"<([^>]*)>\s*((?:;\s*[^,;]+)*)", link):
        if re.search(r'rel="?alternate"?', params):
            media = re.search(r'type="([^"]+)"', params)
            if media:
                found[media.group(1)] = target
    return found


def assert_links(reply: Reply, path: str) -> None:
    targets = link_targets(reply.headers.get("link", ""))
    assert targets == {media: f"/{path}.{suffix}" for suffix, media in MEDIA.items()}, reply.headers.get("link")


# -- negotiation at the IRI itself ---------------------------------------------------------------------

@pytest.mark.parametrize("kind", list(KINDS))
@pytest.mark.parametrize("suffix", ["ttl", "nt", "jsonld", "rdf"])
def test_rdf_by_accept(client: Client, statistic: str, kind: str, suffix: str) -> None:
    path = path_of(kind, statistic)
    reply = client.get("/" + path, MEDIA[suffix])
    assert reply.status == 200, reply.text
    assert reply.mimetype == MEDIA[suffix]
    assert "Accept" in reply.headers.get("vary", "")
    assert reply.headers.get("content-location") == f"/{path}.{suffix}"
    assert_links(reply, path)
    graph = parsed(reply, suffix)
    for triple in expected_triples(kind, path):
        assert triple in graph, f"{triple} missing from the {suffix} of /{path}"


@pytest.mark.parametrize("kind", list(KINDS))
def test_html_for_browsers(client: Client, statistic: str, kind: str) -> None:
    path = path_of(kind, statistic)
    reply = client.get("/" + path, BROWSER_ACCEPT)
    assert reply.status == 200, reply.text
    assert reply.mimetype == "text/html"
    assert "Accept" in reply.headers.get("vary", "")
    assert reply.headers.get("content-location") == f"/{path}.html"
    assert_links(reply, path)
    assert "<h1" in reply.text and "application/ld+json" in reply.text
    for suffix, media in MEDIA.items():
        if suffix != "html":
            assert f'<link rel="alternate" type="{media}" href="/{path}.{suffix}"' in reply.text


@pytest.mark.parametrize("kind", list(KINDS))
@pytest.mark.parametrize("suffix", list(MEDIA))
def test_suffix_forms(client: Client, statistic: str, kind: str, suffix: str) -> None:
    """`<path>.<suffix>` is that format whatever Accept says, with the same Link header."""
    path = path_of(kind, statistic)
    other = "text/html" if suffix != "html" else "text/turtle"
    reply = client.get(f"/{path}.{suffix}", other)
    assert reply.status == 200, reply.text
    assert reply.mimetype == MEDIA[suffix]
    assert "content-location" not in reply.headers
    assert_links(reply, path)
    if suffix != "html":
        graph = parsed(reply, suffix)
        for triple in expected_triples(kind, path):
            assert triple in graph


@pytest.mark.parametrize("accept, expected", [
    (None, "text/html"),
    ("*/*", "text/html"),
    ("text/turtle;q=0.5, application/ld+json", "application/ld+json"),
    ("application/rdf+xml;q=0.9, text/turtle;q=0.95", "text/turtle"),
    ("text/plain", "application/n-triples"),
    ("text/*;q=0.9, application/n-triples;q=0.1", "text/html"),
    ("text/html;q=0, */*;q=0.5", "text/turtle"),
])
def test_q_values(client: Client, accept: str | None, expected: str) -> None:
    reply = client.get("/id/person/harry-hikmat", accept)
    assert reply.status == 200
    assert reply.mimetype == expected


def test_not_acceptable(client: Client) -> None:
    reply = client.get("/id/person/harry-hikmat", "image/png")
    assert reply.status == 406
    assert reply.mimetype == "text/plain"
    assert "Accept" in reply.headers.get("vary", "")
    assert_links(reply, "id/person/harry-hikmat")
    assert "text/turtle" in reply.text


@pytest.mark.parametrize("path", [
    "/id/person/nobody-at-all", "/id/person/nobody-at-all.ttl", "/id/nothing", "/doc/no-such-release",
    "/doc/no-such-release.html", "/graph/nope", "/graph/nope.nt", "/ontology/9.9.9", "/ontology.exe",
])
def test_unknown_iris_are_404(client: Client, path: str) -> None:
    reply = client.get(path, "text/turtle")
    assert reply.status == 404, f"{path}: {reply.status}"


def test_head_has_the_headers_without_a_body(client: Client) -> None:
    reply = client.get("/id/person/harry-hikmat", "text/turtle", method="HEAD")
    assert reply.status == 200
    assert reply.mimetype == "text/turtle"
    assert reply.headers.get("content-location") == "/id/person/harry-hikmat.ttl"
    assert not reply.body


# -- what the RDF of an entity holds ------------------------------------------------------------------

def test_entity_rdf_has_outgoing_incoming_labels_and_provenance(client: Client) -> None:
    reply = client.get("/id/person/harry-hikmat.ttl")
    graph = parsed(reply, "ttl")
    harry, post = u("id/person/harry-hikmat"), u("id/post/kementerian-sosial--sekretaris-jenderal")
    visit = u("id/visit/2022-11-09-delegasi-kemensos-fukuoka")
    # outgoing, incoming
    assert (harry, URIRef(ORG + "holds"), post) in graph
    assert (visit, URIRef(KG + "leader"), harry) in graph
    # labels of linked nodes
    assert (post, RDFS.label, Literal("Sekretaris Jenderal, Kementerian Sosial Republik Indonesia", lang="id")) in graph
    assert any(True for _ in graph.objects(visit, RDFS.label))
    # the provenance of his post: an assertion naming the triple, its sentence and evidence with selectors
    assertions = [a for a in graph.subjects(RDF.subject, harry)
                  if (a, RDF.predicate, URIRef(ORG + "holds")) in graph and (a, RDF.object, post) in graph]
    assert assertions, "no kg:Assertion for harry-hikmat org:holds the post"
    sentences = {s for a in assertions for s in graph.objects(a, URIRef(KG + "sentence"))}
    assert URIRef(f"{BASE}{FOUNDING}#char=387,452") in sentences
    starts = {int(o) for s in sentences for sel in graph.objects(s, URIRef(OA + "hasSelector"))
              for o in graph.objects(sel, URIRef(OA + "start"))}
    assert 387 in starts
    evidence = {e for a in assertions for e in graph.objects(a, URIRef(KG + "evidence"))}
    exact = {str(o) for e in evidence for sel in graph.objects(e, URIRef(OA + "hasSelector"))
             for o in graph.objects(sel, URIRef(OA + "exact"))}
    assert "Harry Hikmat" in exact


def test_quote_selectors_are_computed_from_the_release_text(client: Client, store: Any) -> None:
    """A span's quote selector is not stored: a dereferenced assertion shows it with the words and the 32
    characters either side, sliced from the release's schema:text, and its own IRI answers alike."""
    [row] = list(store.query(f"SELECT DISTINCT ?t WHERE {{ <{BASE}{FOUNDING}> <http://schema.org/text> ?t }}",
                             use_default_graph_as_union=True))
    text = row["t"].value
    assert not bool(store.query(f"ASK {{ ?q a <{OA}TextQuoteSelector> }}", use_default_graph_as_union=True))
    graph = parsed(client.get("/id/person/harry-hikmat", "text/turtle"), "ttl")
    quotes = list(graph.subjects(RDF.type, URIRef(OA + "TextQuoteSelector")))
    assert quotes
    for quote in quotes:
        start, end = (int(n) for n in re.search(r"/selector/(\d+)-(\d+)/quote$", str(quote)).groups())
        span = next(graph.subjects(URIRef(OA + "hasSelector"), quote))
        assert str(span).endswith(f"#char={start},{end}")
        if str(span).startswith(f"{BASE}{FOUNDING}#"):
            assert str(graph.value(quote, URIRef(OA + "exact"))) == text[start:end]
            assert str(graph.value(quote, URIRef(OA + "prefix"))) == text[max(0, start - 32):start]
            assert str(graph.value(quote, URIRef(OA + "suffix"))) == text[end:end + 32]
    alone = parsed(client.get(f"/{FOUNDING}/selector/387-452/quote", "text/turtle"), "ttl")
    quote = u(f"{FOUNDING}/selector/387-452/quote")
    assert (quote, RDF.type, URIRef(OA + "TextQuoteSelector")) in alone
    assert str(alone.value(quote, URIRef(OA + "exact"))) == text[387:452]
    assert client.get(f"/{FOUNDING}/selector/387-{len(text) + 1}/quote", "text/turtle").status == 404


def test_rdf_is_deduplicated_and_the_formats_agree(client: Client) -> None:
    """The union default graph holds some triples once per graph; the answer holds each once, and
    every format carries the same triples."""
    nt = client.get("/id/person/harry-hikmat.nt").text
    lines = [line for line in nt.splitlines() if line.strip()]
    assert len(lines) == len(set(lines))
    counts = {}
    for suffix, fmt in (("nt", RdfFormat.N_TRIPLES), ("ttl", RdfFormat.TURTLE), ("jsonld", RdfFormat.JSON_LD),
                        ("rdf", RdfFormat.RDF_XML)):
        body = client.get(f"/id/person/harry-hikmat.{suffix}").body
        counts[suffix] = len(set(parse(body, format=fmt, base_iri=BASE)))
    assert len(set(counts.values())) == 1, counts
    assert counts["nt"] == len(lines)


def test_jsonld_is_compacted_with_the_prefixes(client: Client) -> None:
    data = json.loads(client.get("/id/person/harry-hikmat.jsonld").body)
    assert data["@context"]["kg"] == KG
    node = next(n for n in data["@graph"] if n["@id"] == BASE + "id/person/harry-hikmat")
    assert "kg:Person" in node["@type"]
    assert {"@id": BASE + "id/post/kementerian-sosial--sekretaris-jenderal"} in node["org:holds"]


def test_ontology_turtle_is_the_file(client: Client) -> None:
    reply = client.get("/ontology", "text/turtle")
    assert reply.body == ONTOLOGY_PATH.read_bytes()
    assert reply.headers.get("content-location") == "/ontology.ttl"


def test_ontology_html_has_an_anchor_per_term(client: Client) -> None:
    html = client.get("/ontology", BROWSER_ACCEPT).text
    graph = Graph().parse(ONTOLOGY_PATH)
    terms = {str(s)[len(KG):] for s in graph.subjects() if str(s).startswith(KG)}
    assert "Person" in terms and "leader" in terms
    for term in terms:
        assert f'id="{term}"' in html, f"no anchor for kg:{term}"


def test_ontology_version_iri_dereferences(client: Client) -> None:
    graph = Graph().parse(ONTOLOGY_PATH)
    version = str(graph.value(URIRef(BASE + "ontology"), OWL.versionIRI))
    reply = client.get("/" + version[len(BASE):], "text/turtle")
    assert reply.status == 200
    assert reply.body == ONTOLOGY_PATH.read_bytes()


def test_graph_iri_gives_the_graphs_triples(client: Client, store: Any) -> None:
    expected = len(list(store.quads_for_pattern(None, None, None, NamedNode(BASE + "graph/reference"))))
    nt = client.get("/graph/reference.nt").text
    assert len([line for line in nt.splitlines() if line.strip()]) == expected


def test_other_minted_nodes_dereference(client: Client, store: Any) -> None:
    """Assertions and extraction activities below a release are minted IRIs too."""
    rows = list(store.query(f"SELECT ?a WHERE {{ ?a a <{KG}Assertion> }} ORDER BY ?a LIMIT 1",
                            use_default_graph_as_union=True))
    assertion = rows[0]["a"].value
    reply = client.get("/" + assertion[len(BASE):], "text/turtle")
    assert reply.status == 200
    assert (URIRef(assertion), RDF.type, URIRef(KG + "Assertion")) in parsed(reply, "ttl")
    html = client.get("/" + assertion[len(BASE):], BROWSER_ACCEPT).text
    assert "<mark" in html, assertion  # the sentence of the assertion, its words marked
    activity = client.get(f"/{FOUNDING}/extraction", "application/n-triples")
    assert activity.status == 200

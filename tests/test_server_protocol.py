"""Every route and status code of the HTTP layer, run twice: through the Flask test client and
against the real `kemensos-kg serve` process (gunicorn, over a socket, with `requests`).

The `backend` fixture is module-scoped and parametrized, so each test runs once per backend. Three
server configurations are used, each started on first use and stopped at module end:

* ``main``: defaults, read-only, on a module copy of the session store;
* ``limits``: ``--timeout 2 --max-rows 5 --max-body 2000`` and a one-entry SERVICE allow-list,
  on the same read-only copy;
* ``update``: ``--update-token``, on a store of its own built from the session dataset.

Every reply that is an error is followed by a check that the store generation did not change and
that the server still answers a query.
"""

from __future__ import annotations

import csv
import gzip
import io
import json
import shutil
import threading
import time
import urllib.parse
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

import pytest
import requests
from pyoxigraph import NamedNode, RdfFormat, Store, parse
from rdflib import Graph, Namespace, URIRef
from rdflib.namespace import RDF, VOID
from requests.structures import CaseInsensitiveDict
from server_process import running_server

from kg.store import generations as kg_store
from kg.store.merged import MERGED_GRAPH
from server.app import create_app
from server.config import ServerConfig

ONTOLOGY = "https://w3id.org/kemensos-kg/graph/ontology"
REFERENCE = "https://w3id.org/kemensos-kg/graph/reference"
DOC = "https://w3id.org/kemensos-kg/doc/2022-11-09-delegasi-kemensos-fukuoka"
KG = "https://w3id.org/kemensos-kg/ontology#"
RDFS_SUBPROPERTY = "http://www.w3.org/2000/01/rdf-schema#subPropertyOf"
#: a triple of the ontology graph only
ONTO_TRIPLE = (KG + "host", RDFS_SUBPROPERTY, "http://schema.org/attendee")
#: a triple of one document graph only (the derived graph types the document otherwise)
DOC_TRIPLE = (DOC, "http://www.w3.org/1999/02/22-rdf-syntax-ns#type", KG + "PressRelease")
#: a triple of the reference graph
REF_TRIPLE = ("https://w3id.org/kemensos-kg/id/place/jepang", "http://www.w3.org/2002/07/owl#sameAs",
              "http://www.wikidata.org/entity/Q17")

SD = Namespace("http://www.w3.org/ns/sparql-service-description#")
FORMATS = Namespace("http://www.w3.org/ns/formats/")
TOKEN = "protocol-test-token"
TIMEOUT = 2
MAX_ROWS = 5
MAX_BODY = 2000
ALLOWED_SERVICE = "http://127.0.0.1:9/allowed-sparql"

FORM = "application/x-www-form-urlencoded"
QUERY = "application/sparql-query"
UPDATE = "application/sparql-update"
JSON_RESULTS = "application/sparql-results+json"
XML_RESULTS = "application/sparql-results+xml"
CROSS_JOIN = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"


def triple_pattern(triple: tuple[str, str, str]) -> str:
    return " ".join(f"<{term}>" for term in triple)


def ask(triple: tuple[str, str, str]) -> str:
    return f"ASK {{ {triple_pattern(triple)} }}"


# -- the two ways of talking to the server ------------------------------------------------------------

@dataclass
class Reply:
    status: int
    headers: CaseInsensitiveDict[str]
    body: bytes  # as sent: not gunzipped

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", errors="replace")

    @property
    def mimetype(self) -> str:
        return self.headers.get("Content-Type", "").split(";")[0].strip().lower()

    def json(self) -> Any:
        return json.loads(self.body)


def _url(path: str, params: list[tuple[str, str]] | dict[str, str] | None) -> str:
    if not params:
        return path
    return path + ("&" if "?" in path else "?") + urllib.parse.urlencode(params)


class Backend:
    """`request(method, path, params=, data=, headers=) -> Reply`, the same for both transports."""

    name: str
    base_url: str

    def request(self, method: str, path: str, *, params: Any = None, data: bytes | str | None = None,
                headers: dict[str, str] | None = None) -> Reply:
        raise NotImplementedError

    # shorthands
    def query(self, text: str, accept: str | None = None, **params: str) -> Reply:
        headers = {"Accept": accept} if accept else {}
        return self.request("GET", "/sparql", params=[("query", text), *params.items()], headers=headers)

    def boolean(self, text: str, **params: str) -> bool:
        reply = self.query(text, **params)
        assert reply.status == 200, reply.text
        return bool(reply.json()["boolean"])

    def count(self) -> int:
        reply = self.query("SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }")
        assert reply.status == 200, reply.text
        return int(reply.json()["results"]["bindings"][0]["n"]["value"])

    def generation(self) -> str:
        reply = self.request("GET", "/healthz")
        assert reply.status == 200, reply.text
        return str(reply.json()["generation"])


class FlaskBackend(Backend):
    def __init__(self, config: ServerConfig) -> None:
        self.name = "flask"
        self.app = create_app(config)
        self.client = self.app.test_client()
        self.base_url = "http://localhost"

    def request(self, method: str, path: str, *, params: Any = None, data: bytes | str | None = None,
                headers: dict[str, str] | None = None) -> Reply:
        response = self.client.open(_url(path, params), method=method, data=data, headers=headers or {})
        return Reply(response.status_code, CaseInsensitiveDict(dict(response.headers)), response.get_data())

    def close(self) -> None:
        self.app.extensions["kg_runner"].close()


class HttpBackend(Backend):
    def __init__(self, base_url: str) -> None:
        self.name = "http"
        self.base_url = base_url
        self.session = requests.Session()
        self.session.headers.clear()  # no default Accept or Accept-Encoding: each case sends its own

    def request(self, method: str, path: str, *, params: Any = None, data: bytes | str | None = None,
                headers: dict[str, str] | None = None) -> Reply:
        if isinstance(data, str):
            data = data.encode("utf-8")
        response = self.session.request(method, self.base_url + _url(path, params), data=data,
                                        headers=headers or {}, stream=True, timeout=60)
        with response:
            body = response.raw.read(decode_content=False)
        return Reply(response.status_code, CaseInsensitiveDict(dict(response.headers)), body)

    def close(self) -> None:
        self.session.close()


KINDS: dict[str, dict[str, Any]] = {
    "main": {},
    "limits": {"timeout": TIMEOUT, "max_rows": MAX_ROWS, "max_body": MAX_BODY, "service_allow": (ALLOWED_SERVICE,)},
    "update": {"update_token": TOKEN},
}
FLAGS = {"timeout": "--timeout", "max_rows": "--max-rows", "max_body": "--max-body", "update_token": "--update-token",
         "service_allow": "--service-allow"}


@dataclass
class Servers:
    """Backends by (transport, configuration), started on first use, all stopped at module end."""

    stack: ExitStack
    read_store: Path
    make_store: Callable[[str], Path]
    started: dict[tuple[str, str], Backend] = field(default_factory=dict)

    def get(self, transport: str, kind: str) -> Backend:
        key = (transport, kind)
        if key not in self.started:
            options = KINDS[kind]
            store_dir = self.make_store(transport) if kind == "update" else self.read_store
            if transport == "flask":
                backend: Backend = FlaskBackend(ServerConfig(store_dir=store_dir, threads=2, **options))
            else:
                args: list[str] = []
                for name, value in options.items():
                    for item in value if isinstance(value, tuple) else (value,):
                        args += [FLAGS[name], str(item)]
                handle = self.stack.enter_context(running_server(store_dir, *args))
                backend = HttpBackend(handle.base_url)
            self.stack.callback(backend.close)
            self.started[key] = backend
        return self.started[key]


@pytest.fixture(scope="module")
def read_store(tmp_path_factory: pytest.TempPathFactory, store_dir: Path) -> Path:
    """A copy of the session store: the servers write their dump cache into it."""
    copy = tmp_path_factory.mktemp("protocol") / "store"
    shutil.copytree(store_dir, copy, symlinks=True)
    return copy


@pytest.fixture(scope="module")
def servers(read_store: Path, tmp_path_factory: pytest.TempPathFactory, dataset: Any) -> Iterator[Servers]:
    def make_store(label: str) -> Path:
        path = tmp_path_factory.mktemp(f"updatable-{label}")
        kg_store.write_store(path, dataset)
        return path

    with ExitStack() as stack:
        yield Servers(stack, read_store, make_store)


@pytest.fixture(scope="module", params=["flask", "http"])
def backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def client(servers: Servers, backend: str) -> Backend:
    return servers.get(backend, "main")


@pytest.fixture
def limited(servers: Servers, backend: str) -> Backend:
    return servers.get(backend, "limits")


@pytest.fixture
def updatable(servers: Servers, backend: str) -> Backend:
    return servers.get(backend, "update")


def assert_still_serving(server: Backend, generation: str) -> None:
    """After a bad request: the store is unchanged and queries are answered."""
    assert server.generation() == generation
    assert server.boolean(ask(ONTO_TRIPLE)) is True


# -- checks of a reply --------------------------------------------------------------------------------

Check = Callable[[Reply, Backend], None]


def media(expected: str) -> Check:
    def check(reply: Reply, _: Backend) -> None:
        assert reply.mimetype == expected, reply.headers

    return check


def all_of(*checks: Check) -> Check:
    def check(reply: Reply, server: Backend) -> None:
        for each in checks:
            each(reply, server)

    return check


def json_bindings(var: str, expected: set[str]) -> Check:
    """JSON results whose column `var` holds exactly (or at least, for a large result) `expected`."""

    def check(reply: Reply, _: Backend) -> None:
        assert reply.mimetype == JSON_RESULTS
        assert reply.headers["Content-Type"] == f"{JSON_RESULTS}; charset=utf-8"
        data = reply.json()
        assert var in data["head"]["vars"]
        assert {row[var]["value"] for row in data["results"]["bindings"]} == expected

    return check


def boolean(expected: bool) -> Check:
    def check(reply: Reply, _: Backend) -> None:
        assert reply.mimetype == JSON_RESULTS
        assert reply.json()["boolean"] is expected

    return check


def csv_header(delimiter: str, header: list[str], mimetype: str) -> Check:
    def check(reply: Reply, _: Backend) -> None:
        assert reply.mimetype == mimetype
        rows = list(csv.reader(io.StringIO(reply.text), delimiter=delimiter))
        assert rows[0] == header and len(rows) > 1

    return check


def xml_results(reply: Reply, _: Backend) -> None:
    assert reply.mimetype == XML_RESULTS
    root = ElementTree.fromstring(reply.body)
    assert root.tag == "{http://www.w3.org/2005/sparql-results#}sparql"
    assert root.find("{http://www.w3.org/2005/sparql-results#}results") is not None


def rdf_with(triple: tuple[str, str, str], mimetype: str, fmt: RdfFormat) -> Check:
    """An RDF body of `mimetype` that pyoxigraph parses and that contains `triple`."""

    def check(reply: Reply, _: Backend) -> None:
        assert reply.mimetype == mimetype
        parsed = {(q.subject.value, q.predicate.value, getattr(q.object, "value", None))
                  for q in parse(reply.body, format=fmt)}
        assert triple in parsed

    return check


def text_contains(*words: str) -> Check:
    def check(reply: Reply, _: Backend) -> None:
        assert reply.mimetype == "text/plain"
        assert any(word in reply.text for word in words), reply.text

    return check


def header(name: str, *expected: str) -> Check:
    def check(reply: Reply, _: Backend) -> None:
        value = reply.headers.get(name, "")
        assert all(part in value for part in expected), (name, value)

    return check


def service_description(fmt: str, mimetype: str) -> Check:
    def check(reply: Reply, server: Backend) -> None:
        assert reply.mimetype == mimetype
        g = Graph().parse(data=reply.body, format=fmt)
        endpoint = URIRef(server.base_url + "/sparql")
        assert (endpoint, RDF.type, SD.Service) in g
        assert (endpoint, SD.endpoint, endpoint) in g
        assert (endpoint, SD.feature, SD.UnionDefaultGraph) in g
        assert (endpoint, SD.supportedLanguage, SD.SPARQL11Query) in g
        assert (endpoint, SD.supportedLanguage, SD.SPARQL11Update) not in g  # read-only
        formats = set(g.objects(endpoint, SD.resultFormat))
        assert {FORMATS.SPARQL_Results_JSON, FORMATS.SPARQL_Results_XML, FORMATS.SPARQL_Results_CSV,
                FORMATS["SPARQL_Results_TSV"], FORMATS.Turtle, FORMATS["JSON-LD"]} <= formats
        names = {str(name) for name in g.objects(None, SD.name)}
        assert {ONTOLOGY, REFERENCE, DOC} <= names

    return check


def healthz(reply: Reply, _: Backend) -> None:
    assert reply.mimetype == "application/json"
    data = reply.json()
    assert data["status"] == "ok" and data["read_only"] is True and data["generation"]


def preflight(reply: Reply, _: Backend) -> None:
    assert reply.headers["Access-Control-Allow-Origin"] == "*"
    assert "POST" in reply.headers["Access-Control-Allow-Methods"]
    assert "content-type" in reply.headers["Access-Control-Allow-Headers"].lower()


def gzipped_json(reply: Reply, _: Backend) -> None:
    assert reply.headers.get("Content-Encoding") == "gzip"
    assert reply.mimetype == JSON_RESULTS
    rows = json.loads(gzip.decompress(reply.body))["results"]["bindings"]
    assert len(rows) == 100 and reply.headers["X-Result-Rows"] == "100"
    assert len(reply.body) < int(reply.headers["X-Result-Bytes"])


def not_gzipped(reply: Reply, _: Backend) -> None:
    assert "Content-Encoding" not in reply.headers
    assert reply.headers["Content-Length"] == str(len(reply.body))


def empty_body(reply: Reply, _: Backend) -> None:
    assert reply.body == b""
    assert reply.mimetype == "text/turtle"


# -- the table ----------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Case:
    id: str
    method: str
    path: str
    status: int
    check: Check
    params: Any = None
    data: bytes | str | None = None
    headers: dict[str, str] = field(default_factory=dict)


SELECT_HOST = f"SELECT ?p WHERE {{ <{KG}host> ?p ?o }}"
CONSTRUCT_HOST = f"CONSTRUCT {{ <{KG}host> ?p ?o }} WHERE {{ <{KG}host> ?p ?o }}"
GRAPHS_QUERY = "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }"


def q(text: str, **extra: str) -> list[tuple[str, str]]:
    return [("query", text), *extra.items()]


def form(**fields: str) -> str:
    return urllib.parse.urlencode(fields)


def select_host_check(reply: Reply, server: Backend) -> None:
    """JSON results listing the properties of kg:host, rdfs:subPropertyOf among them."""
    assert reply.mimetype == JSON_RESULTS
    assert reply.headers["Content-Type"] == f"{JSON_RESULTS}; charset=utf-8"
    data = reply.json()
    assert data["head"]["vars"] == ["p"]
    assert RDFS_SUBPROPERTY in {row["p"]["value"] for row in data["results"]["bindings"]}


CASES = [
    # the three request forms
    Case("get-query-json-by-default", "GET", "/sparql", 200, select_host_check, params=q(SELECT_HOST)),
    Case("post-form", "POST", "/sparql", 200, select_host_check, data=form(query=SELECT_HOST),
         headers={"Content-Type": FORM}),
    Case("post-direct", "POST", "/sparql", 200, select_host_check, data=SELECT_HOST, headers={"Content-Type": QUERY}),
    Case("post-direct-charset-utf8", "POST", "/sparql", 200, select_host_check, data=SELECT_HOST,
         headers={"Content-Type": QUERY + "; charset=UTF-8"}),
    # format= / output= override Accept
    Case("format-csv", "GET", "/sparql", 200, csv_header(",", ["p"], "text/csv"), params=q(SELECT_HOST, format="csv"),
         headers={"Accept": JSON_RESULTS}),
    Case("format-tsv", "GET", "/sparql", 200, csv_header("\t", ["?p"], "text/tab-separated-values"),
         params=q(SELECT_HOST, format="tsv")),
    Case("format-xml", "GET", "/sparql", 200, xml_results, params=q(SELECT_HOST, format="xml")),
    Case("format-json-beats-accept", "GET", "/sparql", 200, json_bindings("g", {ONTOLOGY}),
         params=q(f"SELECT ?g WHERE {{ GRAPH ?g {{ {triple_pattern(ONTO_TRIPLE)} }} }}", format="json"),
         headers={"Accept": "text/csv"}),
    Case("output-csv", "GET", "/sparql", 200, csv_header(",", ["p"], "text/csv"), params=q(SELECT_HOST, output="csv")),
    Case("format-ttl-construct", "GET", "/sparql", 200, rdf_with(ONTO_TRIPLE, "text/turtle", RdfFormat.TURTLE),
         params=q(CONSTRUCT_HOST, format="ttl")),
    Case("format-in-form", "POST", "/sparql", 200, csv_header(",", ["p"], "text/csv"),
         data=form(query=SELECT_HOST, format="csv"), headers={"Content-Type": FORM}),
    # Accept negotiation
    Case("accept-q-picks-xml", "GET", "/sparql", 200, xml_results, params=q(SELECT_HOST),
         headers={"Accept": f"text/csv;q=0.5, {XML_RESULTS};q=0.9"}),
    Case("accept-q-picks-csv", "GET", "/sparql", 200, csv_header(",", ["p"], "text/csv"), params=q(SELECT_HOST),
         headers={"Accept": f"text/csv;q=0.9, {XML_RESULTS};q=0.5"}),
    Case("accept-star", "GET", "/sparql", 200, select_host_check, params=q(SELECT_HOST), headers={"Accept": "*/*"}),
    Case("accept-application-json", "GET", "/sparql", 200, select_host_check, params=q(SELECT_HOST),
         headers={"Accept": "application/json"}),
    Case("accept-browser-like", "GET", "/sparql", 200, xml_results, params=q(SELECT_HOST),
         headers={"Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"}),
    Case("construct-default-turtle", "GET", "/sparql", 200, rdf_with(ONTO_TRIPLE, "text/turtle", RdfFormat.TURTLE),
         params=q(CONSTRUCT_HOST)),
    *[Case(f"construct-{name}", "GET", "/sparql", 200, rdf_with(ONTO_TRIPLE, mimetype, fmt), params=q(CONSTRUCT_HOST),
           headers={"Accept": mimetype})
      for name, mimetype, fmt in [("turtle", "text/turtle", RdfFormat.TURTLE),
                                  ("n-triples", "application/n-triples", RdfFormat.N_TRIPLES),
                                  ("rdf-xml", "application/rdf+xml", RdfFormat.RDF_XML),
                                  ("json-ld", "application/ld+json", RdfFormat.JSON_LD),
                                  ("trig", "application/trig", RdfFormat.TRIG),
                                  ("n-quads", "application/n-quads", RdfFormat.N_QUADS)]],
    Case("describe", "GET", "/sparql", 200, rdf_with(ONTO_TRIPLE, "application/n-triples", RdfFormat.N_TRIPLES),
         params=q(f"DESCRIBE <{KG}host>"), headers={"Accept": "application/n-triples"}),
    # ASK
    Case("ask-true", "GET", "/sparql", 200, boolean(True), params=q(ask(ONTO_TRIPLE))),
    Case("ask-false", "GET", "/sparql", 200, boolean(False), params=q(f"ASK {{ <{KG}host> <{KG}nope> ?o }}")),
    Case("ask-xml", "GET", "/sparql", 200, media(XML_RESULTS), params=q(ask(ONTO_TRIPLE)),
         headers={"Accept": XML_RESULTS}),
    # the dataset
    Case("union-default-graph", "GET", "/sparql", 200, boolean(True), params=q(ask(DOC_TRIPLE))),
    Case("graph-var-reaches-named-graphs", "GET", "/sparql", 200, json_bindings("g", {DOC}),
         params=q(f"SELECT ?g WHERE {{ GRAPH ?g {{ {triple_pattern(DOC_TRIPLE)} }} }}")),
    Case("default-graph-uri-ontology-sees-it", "GET", "/sparql", 200, boolean(True),
         params=[*q(ask(ONTO_TRIPLE)), ("default-graph-uri", ONTOLOGY)]),
    Case("default-graph-uri-ontology-hides-doc", "GET", "/sparql", 200, boolean(False),
         params=[*q(ask(DOC_TRIPLE)), ("default-graph-uri", ONTOLOGY)]),
    Case("default-graph-uri-doc", "GET", "/sparql", 200, boolean(False),
         params=[*q(ask(ONTO_TRIPLE)), ("default-graph-uri", DOC)]),
    Case("default-graph-uri-two-graphs", "GET", "/sparql", 200, boolean(True),
         params=[*q(f"ASK {{ {triple_pattern(ONTO_TRIPLE)} . {triple_pattern(DOC_TRIPLE)} }}"),
                 ("default-graph-uri", ONTOLOGY), ("default-graph-uri", DOC)]),
    Case("default-graph-uri-in-form", "POST", "/sparql", 200, boolean(False),
         data=form(query=ask(DOC_TRIPLE), **{"default-graph-uri": ONTOLOGY}), headers={"Content-Type": FORM}),
    Case("named-graph-uri", "GET", "/sparql", 200, json_bindings("g", {ONTOLOGY, DOC}),
         params=[*q(GRAPHS_QUERY), ("named-graph-uri", ONTOLOGY), ("named-graph-uri", DOC)]),
    Case("named-graph-uri-direct-post", "POST", "/sparql?" + urllib.parse.urlencode({"named-graph-uri": ONTOLOGY}),
         200, json_bindings("g", {ONTOLOGY}), data=GRAPHS_QUERY, headers={"Content-Type": QUERY}),
    # methods and media types
    Case("put-405", "PUT", "/sparql", 405, header("Allow", "GET", "POST"), params=q("ASK {}")),
    Case("delete-405", "DELETE", "/sparql", 405, header("Allow", "GET", "POST")),
    Case("post-text-plain-415", "POST", "/sparql", 415, text_contains("Content-Type"), data="ASK {}",
         headers={"Content-Type": "text/plain"}),
    Case("post-no-content-type-415", "POST", "/sparql", 415, text_contains("Content-Type"), data="ASK {}"),
    Case("post-form-body-no-content-type-415", "POST", "/sparql", 415, text_contains("Content-Type"),
         data="query=ASK%20%7B%7D"),
    Case("utf16-declared-415", "POST", "/sparql", 415, text_contains("UTF-16", "utf-16"),
         data="ASK {}".encode("utf-16"), headers={"Content-Type": QUERY + "; charset=UTF-16"}),
    # bad requests
    Case("form-without-query-400", "POST", "/sparql", 400, text_contains("neither"), data=form(foo="bar"),
         headers={"Content-Type": FORM}),
    Case("two-query-params-400", "GET", "/sparql", 400, text_contains("2 times"),
         params=[("query", "ASK {}"), ("query", "SELECT * {}")]),
    Case("two-query-fields-400", "POST", "/sparql", 400, text_contains("2 times"),
         data="query=ASK%20%7B%7D&query=ASK%20%7B%7D", headers={"Content-Type": FORM}),
    Case("query-and-update-400", "POST", "/sparql", 400, text_contains("not both"),
         data=form(query="ASK {}", update="CLEAR ALL"), headers={"Content-Type": FORM}),
    Case("empty-query-400", "GET", "/sparql", 400, text_contains("empty"), params=q("")),
    Case("blank-direct-body-400", "POST", "/sparql", 400, text_contains("empty"), data="  \n",
         headers={"Content-Type": QUERY}),
    Case("malformed-query-400", "GET", "/sparql", 400, text_contains("line", "column", "error at"),
         params=q("SELECT ?s WHERE { ?s ?p }")),
    Case("malformed-direct-400", "POST", "/sparql", 400, text_contains("line", "column", "error at"),
         data="ASK {", headers={"Content-Type": QUERY}),
    Case("utf16-body-400", "POST", "/sparql", 400, text_contains("UTF-8"), data="ASK {}".encode("utf-16"),
         headers={"Content-Type": QUERY}),
    Case("update-by-get-400", "GET", "/sparql", 400, text_contains("POST"), params=[("update", "CLEAR ALL")]),
    Case("query-in-url-and-body-400", "POST", "/sparql?" + urllib.parse.urlencode({"query": "ASK {}"}), 400,
         text_contains("body"), data="ASK {}", headers={"Content-Type": QUERY}),
    # not acceptable
    Case("accept-png-406", "GET", "/sparql", 406, text_contains("image/png"), params=q(SELECT_HOST),
         headers={"Accept": "image/png"}),
    Case("select-as-turtle-406", "GET", "/sparql", 406, text_contains("SELECT"), params=q(SELECT_HOST),
         headers={"Accept": "text/turtle"}),
    Case("construct-as-json-results-406", "GET", "/sparql", 406, text_contains("graph"), params=q(CONSTRUCT_HOST),
         headers={"Accept": JSON_RESULTS}),
    Case("unknown-format-406", "GET", "/sparql", 406, text_contains("bogus"), params=q(SELECT_HOST, format="bogus")),
    # SERVICE is refused before evaluation
    Case("service-metadata-403", "GET", "/sparql", 403, text_contains("metadata"),
         params=q("SELECT * WHERE { SERVICE <http://169.254.169.254/latest/meta-data/> { ?s ?p ?o } }")),
    Case("service-loopback-403", "GET", "/sparql", 403, text_contains("loopback"),
         params=q("SELECT * WHERE { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }")),
    Case("service-private-silent-403", "POST", "/sparql", 403, text_contains("private"),
         data="SELECT * WHERE { SERVICE SILENT <http://10.1.2.3/sparql> { ?s ?p ?o } }",
         headers={"Content-Type": QUERY}),
    Case("service-variable-403", "GET", "/sparql", 403, text_contains("variable"),
         params=q("SELECT * WHERE { VALUES ?x { <http://example.org/sparql> } SERVICE ?x { ?s ?p ?o } }")),
    # updates on a read-only endpoint
    Case("update-direct-read-only-403", "POST", "/sparql", 403, text_contains("read-only"),
         data=f"INSERT DATA {{ GRAPH <urn:x:g> {{ {triple_pattern(ONTO_TRIPLE)} }} }}",
         headers={"Content-Type": UPDATE, "Authorization": f"Bearer {TOKEN}"}),
    Case("update-form-read-only-403", "POST", "/sparql", 403, text_contains("read-only"),
         data=form(update="CLEAR ALL"), headers={"Content-Type": FORM}),
    Case("load-read-only-403", "POST", "/sparql", 403, text_contains("read-only", "refused"),
         data="LOAD <http://169.254.169.254/latest/meta-data/>", headers={"Content-Type": UPDATE}),
    # CORS, compression
    Case("cors-simple-get", "GET", "/sparql", 200, all_of(header("Access-Control-Allow-Origin", "*"),
                                                          header("Access-Control-Expose-Headers", "X-Result-Truncated")),
         params=q("ASK {}"), headers={"Origin": "https://example.org"}),
    Case("cors-preflight", "OPTIONS", "/sparql", 204, preflight,
         headers={"Origin": "https://example.org", "Access-Control-Request-Method": "POST",
                  "Access-Control-Request-Headers": "content-type"}),
    Case("cors-on-errors", "GET", "/sparql", 400, header("Access-Control-Allow-Origin", "*"), params=q("ASK {"),
         headers={"Origin": "https://example.org"}),
    Case("gzip", "GET", "/sparql", 200, gzipped_json, params=q("SELECT * WHERE { ?s ?p ?o } LIMIT 100"),
         headers={"Accept-Encoding": "gzip, deflate"}),
    Case("no-gzip-for-one-packet", "GET", "/sparql", 200, all_of(boolean(True), not_gzipped),
         params=q(ask(ONTO_TRIPLE)), headers={"Accept-Encoding": "gzip, deflate"}),
    Case("no-gzip-when-refused", "GET", "/sparql", 200, not_gzipped,
         params=q("SELECT * WHERE { ?s ?p ?o } LIMIT 100"), headers={"Accept-Encoding": "gzip;q=0, identity"}),
    # descriptions
    Case("service-description-turtle", "GET", "/sparql", 200, service_description("turtle", "text/turtle"),
         headers={"Accept": "text/turtle"}),
    Case("service-description-json-ld", "GET", "/sparql", 200,
         service_description("json-ld", "application/ld+json"), headers={"Accept": "application/ld+json"}),
    Case("service-description-rdf-xml", "GET", "/sparql", 200, service_description("xml", "application/rdf+xml"),
         headers={"Accept": "application/rdf+xml"}),
    Case("service-description-406", "GET", "/sparql", 406, text_contains("Turtle"), headers={"Accept": "image/png"}),
    Case("void-json-ld", "GET", "/.well-known/void", 200, media("application/ld+json"),
         headers={"Accept": "application/ld+json"}),
    Case("healthz", "GET", "/healthz", 200, healthz),
    Case("unknown-path-404", "GET", "/nope", 404, media("text/plain")),
    # Graph Store Protocol, read side and refused writes
    Case("gsp-get-reference", "GET", "/store", 200, rdf_with(REF_TRIPLE, "text/turtle", RdfFormat.TURTLE),
         params={"graph": REFERENCE}, headers={"Accept": "text/turtle"}),
    Case("gsp-get-n-triples", "GET", "/store", 200,
         rdf_with(ONTO_TRIPLE, "application/n-triples", RdfFormat.N_TRIPLES), params={"graph": ONTOLOGY},
         headers={"Accept": "application/n-triples"}),
    Case("gsp-head", "HEAD", "/store", 200, empty_body, params={"graph": ONTOLOGY}),
    Case("gsp-unknown-graph-404", "GET", "/store", 404, text_contains("no graph"),
         params={"graph": "https://w3id.org/kemensos-kg/graph/nope"}),
    Case("gsp-no-graph-400", "GET", "/store", 400, text_contains("exactly one graph")),
    Case("gsp-bad-iri-400", "GET", "/store", 400, text_contains("not an IRI"), params={"graph": "http://x/a b"}),
    Case("gsp-graph-as-json-results-406", "GET", "/store", 406, text_contains("Turtle"), params={"graph": ONTOLOGY},
         headers={"Accept": JSON_RESULTS}),
    *[Case(f"gsp-{method.lower()}-read-only-403", method, "/store", 403, text_contains("read-only"),
           params={"graph": ONTOLOGY}, data=None if method == "DELETE" else "<urn:x:s> <urn:x:p> <urn:x:o> .",
           headers={} if method == "DELETE" else {"Content-Type": "text/turtle"})
      for method in ("PUT", "POST", "DELETE")],
]


@pytest.mark.parametrize("case", CASES, ids=[case.id for case in CASES])
def test_route(client: Backend, case: Case) -> None:
    generation = client.generation()
    reply = client.request(case.method, case.path, params=case.params, data=case.data, headers=case.headers)
    assert reply.status == case.status, f"{case.method} {case.path}: {reply.status} {reply.text[:500]}"
    case.check(reply, client)
    if reply.status >= 400:
        assert_still_serving(client, generation)


def test_case_ids_are_unique() -> None:
    assert len({case.id for case in CASES}) == len(CASES)


# -- dataset statistics -------------------------------------------------------------------------------

def quad_count(store_dir: Path) -> int:
    """Triples in every named graph (the merge aside) plus the default graph, counted straight from the store."""
    store = Store.read_only(str((store_dir / "current").resolve()))
    named = next(iter(store.query(f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH ?g {{ ?s ?p ?o }} FILTER(?g != {MERGED_GRAPH}) }}")))
    default = next(iter(store.query("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")))["n"].value
    return int(named["n"].value) + int(default)


def triple_count(store_dir: Path) -> int:
    """Distinct triples over all graphs: the size of the default graph a query reads (an RDF graph is a set)."""
    store = Store.read_only(str((store_dir / "current").resolve()))
    distinct = "SELECT (COUNT(*) AS ?n) WHERE { SELECT DISTINCT ?s ?p ?o WHERE { ?s ?p ?o } }"
    return int(next(iter(store.query(distinct, use_default_graph_as_union=True)))["n"].value)


def test_void_and_dump(client: Backend, read_store: Path) -> None:
    expected = triple_count(read_store)
    assert expected < quad_count(read_store)  # releases state some triples alike
    reply = client.request("GET", "/.well-known/void", headers={"Accept": "text/turtle"})
    assert reply.status == 200 and reply.mimetype == "text/turtle", reply.text
    g = Graph().parse(data=reply.body, format="turtle")
    (dataset,) = set(g.subjects(RDF.type, VOID.Dataset))
    assert g.value(dataset, VOID.triples).toPython() == expected
    assert str(g.value(dataset, VOID.uriSpace)) == "https://w3id.org/kemensos-kg/id/"
    assert g.value(dataset, VOID.sparqlEndpoint) == URIRef(client.base_url + "/sparql")
    targets = {g.value(linkset, VOID.objectsTarget) for linkset in g.subjects(RDF.type, VOID.Linkset)}
    assert URIRef("http://www.wikidata.org/") in targets
    wikidata = next(ls for ls in g.subjects(RDF.type, VOID.Linkset)
                    if g.value(ls, VOID.objectsTarget) == URIRef("http://www.wikidata.org/"))
    assert g.value(wikidata, VOID.linkPredicate) == URIRef("http://www.w3.org/2002/07/owl#sameAs")
    assert g.value(wikidata, VOID.triples).toPython() > 0

    dump_url = str(g.value(dataset, VOID.dataDump))
    assert dump_url.startswith(client.base_url + "/")
    dump = client.request("GET", dump_url[len(client.base_url):])
    assert dump.status == 200, dump.text
    assert dump.mimetype == "application/gzip"
    quads = list(parse(gzip.decompress(dump.body), format=RdfFormat.N_QUADS))
    assert len(quads) == quad_count(read_store) and not any(q.graph_name == MERGED_GRAPH for q in quads)
    assert any(q.graph_name == NamedNode(ONTOLOGY) and q.subject == NamedNode(ONTO_TRIPLE[0]) for q in quads)


def test_service_description_counts(client: Backend, read_store: Path) -> None:
    reply = client.request("GET", "/sparql", headers={"Accept": "text/turtle"})
    g = Graph().parse(data=reply.body, format="turtle")
    (default,) = set(g.objects(None, SD.defaultGraph))
    assert g.value(default, VOID.triples).toPython() == triple_count(read_store)


# -- limits: body size, rows, time -------------------------------------------------------------------

def test_body_larger_than_max_body_is_413(limited: Backend) -> None:
    generation = limited.generation()
    padding = "#" + "x" * MAX_BODY + "\n"
    small = limited.request("POST", "/sparql", data=ask(ONTO_TRIPLE), headers={"Content-Type": QUERY})
    assert small.status == 200, small.text
    for data, content_type in [(padding + "ASK {}", QUERY), (form(query=padding + "ASK {}"), FORM),
                               (padding + "CLEAR ALL", UPDATE)]:
        reply = limited.request("POST", "/sparql", data=data, headers={"Content-Type": content_type})
        assert reply.status == 413, (content_type, reply.status, reply.text)
        assert reply.mimetype == "text/plain"
        assert_still_serving(limited, generation)


def test_row_cap_truncates_and_says_so(limited: Backend) -> None:
    reply = limited.query("SELECT ?s ?p ?o WHERE { ?s ?p ?o } LIMIT 50")
    assert reply.status == 200, reply.text
    assert len(reply.json()["results"]["bindings"]) == MAX_ROWS
    assert reply.headers["X-Result-Rows"] == str(MAX_ROWS)
    assert reply.headers["X-Result-Truncated"].startswith("true")
    graph = limited.query("CONSTRUCT WHERE { ?s ?p ?o }", accept="application/n-triples")
    assert graph.status == 200 and "X-Result-Truncated" in graph.headers
    assert len([line for line in graph.text.splitlines() if line.strip()]) == MAX_ROWS
    small = limited.query("SELECT ?p WHERE { ?s ?p ?o } LIMIT 3")
    assert len(small.json()["results"]["bindings"]) == 3 and "X-Result-Truncated" not in small.headers


def test_query_past_timeout_is_503_and_others_are_served(limited: Backend) -> None:
    generation = limited.generation()
    slow: dict[str, Any] = {}

    def run_slow() -> None:
        started = time.monotonic()
        slow["reply"] = limited.query(CROSS_JOIN)
        slow["elapsed"] = time.monotonic() - started
        slow["finished"] = time.monotonic()

    thread = threading.Thread(target=run_slow)
    thread.start()
    try:
        quick = limited.query(ask(ONTO_TRIPLE))  # served by the other thread/evaluator meanwhile
        quick_finished = time.monotonic()
    finally:
        thread.join(60)
    assert not thread.is_alive()
    assert quick.status == 200 and quick.json()["boolean"] is True
    assert quick_finished < slow["finished"], "a quick query waited for the slow one"
    reply: Reply = slow["reply"]
    assert reply.status == 503, reply.text
    assert "time limit" in reply.text
    assert slow["elapsed"] < 2 * TIMEOUT + 10
    assert_still_serving(limited, generation)


def test_unlisted_loopback_service_is_refused_with_an_allow_list(limited: Backend) -> None:
    reply = limited.query("SELECT * WHERE { SERVICE <http://127.0.0.1:9/other> { ?s ?p ?o } }")
    assert reply.status == 403, reply.text
    assert "loopback" in reply.text and "not on the allow-list" in reply.text
    description = limited.request("GET", "/sparql", headers={"Accept": "text/turtle"})
    g = Graph().parse(data=description.body, format="turtle")
    assert (URIRef(limited.base_url + "/sparql"), SD.feature, SD.BasicFederatedQuery) in g


# -- updates and Graph Store writes need the token -----------------------------------------------------

def test_read_only_endpoint_changes_nothing(client: Backend) -> None:
    before, generation = client.count(), client.generation()
    target = f"ASK {{ GRAPH <urn:x:read-only> {{ {triple_pattern(ONTO_TRIPLE)} }} }}"
    attempts = [
        ("/sparql", f"INSERT DATA {{ GRAPH <urn:x:read-only> {{ {triple_pattern(ONTO_TRIPLE)} }} }}", UPDATE),
        ("/sparql", form(update=f"DROP GRAPH <{ONTOLOGY}>"), FORM),
        ("/sparql", "CLEAR ALL", UPDATE),
    ]
    for path, data, content_type in attempts:
        reply = client.request("POST", path, data=data, headers={"Content-Type": content_type,
                                                                 "Authorization": f"Bearer {TOKEN}"})
        assert reply.status == 403, reply.text
    for method in ("PUT", "POST", "DELETE"):
        reply = client.request(method, "/store", params={"graph": ONTOLOGY}, data="<urn:x:s> <urn:x:p> <urn:x:o> .",
                               headers={"Content-Type": "text/turtle"})
        assert reply.status == 403, reply.text
    assert client.count() == before and client.generation() == generation
    assert client.boolean(target) is False and client.boolean(ask(ONTO_TRIPLE)) is True


def test_updates_need_the_token(updatable: Backend) -> None:
    graph = f"urn:x:update-{updatable.name}"
    triple = (f"urn:x:s-{updatable.name}", "urn:x:p", "urn:x:o")
    insert = f"INSERT DATA {{ GRAPH <{graph}> {{ {triple_pattern(triple)} }} }}"
    check = f"ASK {{ GRAPH <{graph}> {{ {triple_pattern(triple)} }} }}"
    before, generation = updatable.count(), updatable.generation()

    missing = updatable.request("POST", "/sparql", data=insert, headers={"Content-Type": UPDATE})
    assert missing.status == 401, missing.text
    assert missing.headers["WWW-Authenticate"].startswith("Bearer")
    for wrong in (f"Bearer {TOKEN}x", "Bearer wrong", f"Basic {TOKEN}"):
        reply = updatable.request("POST", "/sparql", data=insert, headers={"Content-Type": UPDATE, "Authorization": wrong})
        assert reply.status in (401, 403), (wrong, reply.status, reply.text)
    assert updatable.request("POST", "/sparql", data=insert, headers={
        "Content-Type": UPDATE, "Authorization": f"Bearer {TOKEN}x"}).status == 403
    assert updatable.count() == before and updatable.generation() == generation
    assert updatable.boolean(check) is False

    bad = updatable.request("POST", "/sparql", data="INSERT DATA { <urn:x:s> }",
                            headers={"Content-Type": UPDATE, "Authorization": f"Bearer {TOKEN}"})
    assert bad.status == 400, bad.text
    assert updatable.generation() == generation

    ok = updatable.request("POST", "/sparql", data=insert, headers={"Content-Type": UPDATE, "Authorization": f"Bearer {TOKEN}"})
    assert ok.status == 200, ok.text
    assert updatable.boolean(check) is True
    assert updatable.count() == before + 1
    assert updatable.generation() != generation

    removed = updatable.request("POST", "/sparql", data=form(update=f"DROP GRAPH <{graph}>"),
                                headers={"Content-Type": FORM, "Authorization": f"Bearer {TOKEN}"})
    assert removed.status == 200, removed.text
    assert updatable.boolean(check) is False and updatable.count() == before

    description = updatable.request("GET", "/sparql", headers={"Accept": "text/turtle"})
    g = Graph().parse(data=description.body, format="turtle")
    assert (URIRef(updatable.base_url + "/sparql"), SD.supportedLanguage, SD.SPARQL11Update) in g


def test_update_cannot_reach_out(updatable: Backend) -> None:
    generation = updatable.generation()
    reply = updatable.request("POST", "/sparql", data="LOAD <http://169.254.169.254/latest/meta-data/>",
                              headers={"Content-Type": UPDATE, "Authorization": f"Bearer {TOKEN}"})
    assert reply.status == 403 and "metadata" in reply.text, reply.text
    assert updatable.generation() == generation


def test_graph_store_writes(updatable: Backend) -> None:
    graph = f"urn:x:gsp-{updatable.name}"
    auth = {"Authorization": f"Bearer {TOKEN}"}
    one, two = ("urn:x:a", "urn:x:p", "urn:x:one"), ("urn:x:a", "urn:x:p", "urn:x:two")
    body_one, body_two = triple_pattern(one) + " .\n", triple_pattern(two) + " .\n"

    def contents() -> set[tuple[str, str, str]] | None:
        reply = updatable.request("GET", "/store", params={"graph": graph}, headers={"Accept": "application/n-triples"})
        if reply.status == 404:
            return None
        assert reply.status == 200, reply.text
        return {(t.subject.value, t.predicate.value, t.object.value)
                for t in parse(reply.body, format=RdfFormat.N_TRIPLES)}

    def write(method: str, body: str | None, content_type: str | None = "text/turtle", **headers: str) -> Reply:
        return updatable.request(method, "/store", params={"graph": graph}, data=body,
                                 headers={**({"Content-Type": content_type} if content_type else {}), **headers})

    generation = updatable.generation()
    assert write("PUT", body_one).status == 401
    assert write("PUT", body_one, Authorization="Bearer nope").status == 403
    assert write("DELETE", None, None).status == 401
    assert contents() is None and updatable.generation() == generation

    created = write("PUT", body_one, **auth)
    assert created.status == 201, created.text
    assert contents() == {one}
    assert updatable.boolean(f"ASK {{ GRAPH <{graph}> {{ {triple_pattern(one)} }} }}") is True
    replaced = write("PUT", body_two, **auth)
    assert replaced.status == 204, replaced.text
    assert contents() == {two}
    merged = write("POST", body_one, "application/n-triples", **auth)
    assert merged.status == 204, merged.text
    assert contents() == {one, two}

    generation = updatable.generation()
    assert write("PUT", "<urn:x:broken", **auth).status == 400
    assert write("PUT", body_one, "image/png", **auth).status == 415
    assert contents() == {one, two} and updatable.generation() == generation

    deleted = write("DELETE", None, None, **auth)
    assert deleted.status == 204, deleted.text
    assert contents() is None
    assert write("DELETE", None, None, **auth).status == 404
    assert write("POST", body_two, **auth).status == 201
    assert contents() == {two}



def test_head_on_the_endpoint_answers_like_get(client: Backend) -> None:
    params = {"query": "ASK {}"}
    get = client.request("GET", "/sparql", params=params)
    head = client.request("HEAD", "/sparql", params=params)
    assert head.status == get.status == 200
    assert head.headers["Content-Type"] == get.headers["Content-Type"]
    assert head.body == b""

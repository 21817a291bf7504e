"""Other SPARQL engines federate over our endpoint: each joins OUR data with THEIR local data.

Every test talks to the real server (`kemensos-kg serve`: gunicorn, worker, evaluator children)
on an ephemeral port of 127.0.0.1, started once for the module over the session's built store.
The clients are the ones people use: rdflib and pyoxigraph evaluating ``SERVICE <our endpoint>``,
SPARQLWrapper querying the endpoint directly, and Comunica (Node) using the endpoint as a source
next to a local Turtle file, and by ``SERVICE``. Each client's own request (GET, form POST, direct
POST, the service description fetch) is checked in the server's access log, so a test cannot pass
by a path the client did not take.

Comunica comes from ``tests/js`` (``npm ci --prefix tests/js``; ``make test`` and ``.ci/run`` do
it). Without Node or those packages the Comunica tests fail, they are not skipped.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path
from xml.dom.minidom import Document

import pyoxigraph
import pytest
from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import RDF
from server_process import ServerHandle, running_server
from SPARQLWrapper import JSON, POST, TURTLE, XML, SPARQLWrapper

PERSON = "https://w3id.org/kemensos-kg/id/person/harry-hikmat"
NAME = "Harry Hikmat"
EX = Namespace("http://example.org/local#")
SCHEMA = "http://schema.org/"
SD = Namespace("http://www.w3.org/ns/sparql-service-description#")
PREFIXES = f"PREFIX ex: <{EX}>\nPREFIX schema: <{SCHEMA}>\n"
EXPECTED = {(NAME, "id", "local")}  # (name, its language tag, the local note)

JS = Path(__file__).resolve().parent / "js"
COMUNICA = JS / "node_modules" / "@comunica" / "query-sparql" / "package.json"
INSTALL_HINT = "run `npm ci --prefix tests/js` (or `make test`, which does it) to install Comunica"
NODE_TIMEOUT = 120  # seconds for one Comunica run (a cold start takes about 2 s)


pytestmark = pytest.mark.usefixtures("no_proxy")  # loopback is reached directly, never via a proxy


@pytest.fixture(scope="module")
def server(store_dir: Path) -> Iterator[ServerHandle]:
    with running_server(store_dir) as handle:
        yield handle


@pytest.fixture(scope="module")
def endpoint(server: ServerHandle) -> str:
    return server.base_url + "/sparql"


class AccessLog:
    """The server's access-log lines written since this object was made.

    gunicorn logs a request after sending its response, so a client that has its answer may look
    before the line is there: `requests` waits (briefly) for at least one matching line.
    """

    def __init__(self, server: ServerHandle) -> None:
        self.server = server
        self.start = len(server.log())

    def lines(self) -> list[str]:
        return [line for line in self.server.log()[self.start:].splitlines() if '"' in line and "HTTP/1" in line]

    def requests(self, prefix: str, wait: float = 5.0) -> list[str]:
        """Lines whose request line starts with `prefix`, e.g. 'POST /sparql '."""
        deadline = time.monotonic() + wait
        while True:
            found = [line for line in self.lines() if f'"{prefix}' in line]
            if found or time.monotonic() > deadline:
                return found
            time.sleep(0.05)

    def statuses(self, prefix: str) -> set[str]:
        """The HTTP statuses of the lines `requests(prefix)` finds."""
        return {line.split('" ', 1)[1].split()[0] for line in self.requests(prefix)}


def joined_query(endpoint: str, pattern: str = "?p schema:name ?name") -> str:
    """Local notes joined with our names. SERVICE starts a line of its own: rdflib 7.6 fails to parse
    `?p ex:note ?n . SERVICE …` on one line when the line has a '#' before it (here in ex:'s IRI)."""
    return (PREFIXES + "SELECT ?name ?note WHERE {\n  ?p ex:note ?note .\n"
            f"  SERVICE <{endpoint}> {{ {pattern} }}\n}}")


def rows_of(pairs) -> set[tuple[str, str | None, str]]:  # type: ignore[no-untyped-def]
    return {(str(name), getattr(name, "language", None), str(note)) for name, note in pairs}


# --------------------------------------------------------------------------------------------
# rdflib: SERVICE through urllib (GET with ?query=&output=json when short, form POST when long)
# --------------------------------------------------------------------------------------------

# rdflib sends the SERVICE block as it is written when it parses as a whole query (a sub-SELECT);
# otherwise it wraps it in SELECT REDUCED * and re-declares every namespace its parser knows (about
# 30), which takes it past the 600 characters after which rdflib switches from GET to a form POST.
RDFLIB_PATTERNS = [
    pytest.param("?p schema:name ?name", "POST", id="pattern-form-POST"),
    pytest.param(f"SELECT ?p ?name WHERE {{ ?p <{SCHEMA}name> ?name }}", "GET", id="subselect-GET"),
]


@pytest.mark.parametrize("pattern, method", RDFLIB_PATTERNS)
def test_rdflib_service_joins_local_and_remote(server: ServerHandle, endpoint: str, pattern: str,
                                               method: str) -> None:
    graph = Graph()
    graph.add((URIRef(PERSON), EX.note, Literal("local")))
    graph.add((URIRef(PERSON + "-nobody"), EX.note, Literal("unmatched")))
    log = AccessLog(server)
    result = list(graph.query(joined_query(endpoint, pattern)))
    assert rows_of((row[0], row[1]) for row in result) == EXPECTED  # type: ignore[index]
    # the name is a real language-tagged literal, not a plain string
    assert {row[0] for row in result} == {Literal(NAME, lang="id")}  # type: ignore[index]
    assert log.statuses(f"{method} /sparql") == {"200"}, log.lines()


def test_rdflib_service_with_no_match_is_empty(endpoint: str) -> None:
    graph = Graph()
    graph.add((URIRef(PERSON + "-nobody"), EX.note, Literal("local")))
    assert list(graph.query(joined_query(endpoint))) == []


# --------------------------------------------------------------------------------------------
# pyoxigraph: SERVICE by direct POST (application/sparql-query)
# --------------------------------------------------------------------------------------------

def test_pyoxigraph_service_joins_local_and_remote(server: ServerHandle, endpoint: str) -> None:
    local = pyoxigraph.Store()
    local.add(pyoxigraph.Quad(pyoxigraph.NamedNode(PERSON), pyoxigraph.NamedNode(EX.note),
                              pyoxigraph.Literal("local")))
    local.add(pyoxigraph.Quad(pyoxigraph.NamedNode(PERSON + "-nobody"), pyoxigraph.NamedNode(EX.note),
                              pyoxigraph.Literal("unmatched")))
    log = AccessLog(server)
    solutions = list(local.query(joined_query(endpoint)))
    assert solutions, "the SERVICE join returned nothing"
    # our default graph is the union of the named graphs, so the name may come once per graph
    assert {(s["name"].value, s["name"].language, s["note"].value) for s in solutions} == EXPECTED
    assert log.statuses("POST /sparql") == {"200"}, log.lines()


def test_pyoxigraph_cannot_use_us_as_a_relay(server: ServerHandle, endpoint: str) -> None:
    """A SERVICE nested in the one sent to us is our own outbound request, refused with 403 (no
    allow-list here): pyoxigraph sees the SERVICE fail, and SILENT turns that into no remote rows."""
    local = pyoxigraph.Store()
    local.add(pyoxigraph.Quad(pyoxigraph.NamedNode(PERSON), pyoxigraph.NamedNode(EX.note),
                              pyoxigraph.Literal("local")))
    relay = (PREFIXES + f"SELECT ?note ?name WHERE {{ ?p ex:note ?note . SERVICE <{endpoint}> {{ "
             f"SERVICE <{server.base_url}/healthz> {{ ?p schema:name ?name }} }} }}")
    log = AccessLog(server)
    with pytest.raises(OSError, match="403"):
        list(local.query(relay))
    assert log.statuses("POST /sparql") == {"403"}, log.lines()
    assert not log.requests("POST /healthz", wait=0.5), log.lines()  # pyoxigraph would POST a SERVICE query
    silent = relay.replace(f"SERVICE <{endpoint}>", f"SERVICE SILENT <{endpoint}>")
    assert [(s["note"].value, s["name"]) for s in local.query(silent)] == [("local", None)]


# --------------------------------------------------------------------------------------------
# SPARQLWrapper: the endpoint queried directly
# --------------------------------------------------------------------------------------------

NAME_QUERY = PREFIXES + f"SELECT DISTINCT ?name WHERE {{ <{PERSON}> schema:name ?name }}"


@pytest.mark.parametrize("method", ["GET", "POST"])
def test_sparqlwrapper_select_json(server: ServerHandle, endpoint: str, method: str) -> None:
    client = SPARQLWrapper(endpoint)
    client.setQuery(NAME_QUERY)
    client.setReturnFormat(JSON)
    if method == "POST":
        client.setMethod(POST)
    log = AccessLog(server)
    result = client.query()
    assert result.response.headers["Content-Type"].startswith("application/sparql-results+json")
    data = result.convert()
    assert data["head"]["vars"] == ["name"]
    assert data["results"]["bindings"] == [{"name": {"type": "literal", "value": NAME, "xml:lang": "id"}}]
    assert log.statuses(f"{method} /sparql") == {"200"}, log.lines()


def test_sparqlwrapper_select_xml(endpoint: str) -> None:
    client = SPARQLWrapper(endpoint)
    client.setQuery(NAME_QUERY)
    client.setReturnFormat(XML)
    result = client.query()
    assert result.response.headers["Content-Type"].startswith("application/sparql-results+xml")
    doc = result.convert()
    assert isinstance(doc, Document)
    assert [v.getAttribute("name") for v in doc.getElementsByTagName("variable")] == ["name"]
    literals = doc.getElementsByTagName("literal")
    assert [(lit.firstChild.data, lit.getAttribute("xml:lang")) for lit in literals] == [(NAME, "id")]


def test_sparqlwrapper_ask(endpoint: str) -> None:
    client = SPARQLWrapper(endpoint)
    client.setQuery(PREFIXES + f'ASK {{ <{PERSON}> schema:name "{NAME}"@id }}')
    client.setReturnFormat(JSON)
    assert client.query().convert()["boolean"] is True


def test_sparqlwrapper_construct_turtle(endpoint: str) -> None:
    client = SPARQLWrapper(endpoint)
    client.setQuery(PREFIXES + f"CONSTRUCT {{ <{PERSON}> schema:name ?name ; a ?type }} "
                               f"WHERE {{ <{PERSON}> schema:name ?name ; a ?type }}")
    client.setReturnFormat(TURTLE)
    result = client.query()
    assert result.response.headers["Content-Type"].startswith("text/turtle")
    graph = Graph().parse(data=result.convert(), format="turtle")
    assert (URIRef(PERSON), URIRef(SCHEMA + "name"), Literal(NAME, lang="id")) in graph
    assert (URIRef(PERSON), RDF.type, URIRef(SCHEMA + "Person")) in graph


# --------------------------------------------------------------------------------------------
# The service description, as the clients fetch it
# --------------------------------------------------------------------------------------------

def test_rdflib_reads_the_service_description(endpoint: str) -> None:
    graph = Graph().parse(endpoint)  # a plain GET with rdflib's RDF Accept header
    service = URIRef(endpoint)
    assert (service, RDF.type, SD.Service) in graph
    assert (service, SD.endpoint, service) in graph
    assert (service, SD.supportedLanguage, SD.SPARQL11Query) in graph
    # read-only and no allow-list: neither updates nor federation are advertised
    assert (service, SD.supportedLanguage, SD.SPARQL11Update) not in graph
    assert (service, SD.feature, SD.BasicFederatedQuery) not in graph


def test_pyoxigraph_loads_the_service_description(endpoint: str) -> None:
    local = pyoxigraph.Store()
    local.update(f"LOAD <{endpoint}> INTO GRAPH <urn:x-sd>")
    assert local.query(f"ASK {{ GRAPH <urn:x-sd> {{ <{endpoint}> <{SD.endpoint}> <{endpoint}> ; a <{SD.Service}> }} }}")


# --------------------------------------------------------------------------------------------
# Comunica (Node): the endpoint as a source beside a local Turtle file, and by SERVICE
# --------------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def node() -> str:
    path = shutil.which("node")
    if path is None:
        pytest.fail(f"Node.js is not installed (the Comunica tests need it): install nodejs and npm, then {INSTALL_HINT}")
    if not COMUNICA.is_file():
        pytest.fail(f"@comunica/query-sparql is not installed in {JS / 'node_modules'}: {INSTALL_HINT}")
    return path


@pytest.fixture
def local_turtle(tmp_path: Path) -> Path:
    path = tmp_path / "local.ttl"
    path.write_text(f'@prefix ex: <{EX}> .\n<{PERSON}> ex:note "local" .\n'
                    f'<{PERSON}-nobody> ex:note "unmatched" .\n', encoding="utf-8")
    return path


def run_node(node: str, *args: str) -> subprocess.CompletedProcess[str]:
    completed = subprocess.run([node, *args], cwd=JS, capture_output=True, text=True, timeout=NODE_TIMEOUT,
                               stdin=subprocess.DEVNULL)
    assert completed.returncode == 0, f"node {' '.join(args[:2])} failed:\n{completed.stderr}"
    return completed


def comunica_rows(node: str, mode: str, local: Path, endpoint: str, query: str) -> set[tuple[str, str | None, str]]:
    completed = run_node(node, "federate.js", mode, str(local), endpoint, query)
    bindings = json.loads(completed.stdout)["bindings"]
    assert bindings, f"Comunica ({mode}) found no row"
    return {(b["name"]["value"], b["name"].get("language"), b["note"]["value"]) for b in bindings}


SOURCES_QUERY = PREFIXES + "SELECT ?name ?note WHERE { ?p ex:note ?note . ?p schema:name ?name }"


@pytest.mark.parametrize("mode", ["sparql", "discover"])
def test_comunica_joins_a_local_file_with_the_endpoint(node: str, server: ServerHandle, endpoint: str,
                                                       local_turtle: Path, mode: str) -> None:
    """`sparql`: the endpoint is typed as SPARQL; `discover`: a bare URL, which Comunica recognises as
    a SPARQL endpoint only by fetching it and reading the service description's sd:endpoint."""
    log = AccessLog(server)
    assert comunica_rows(node, mode, local_turtle, endpoint, SOURCES_QUERY) == EXPECTED
    assert log.statuses("GET /sparql HTTP/1") == {"200"}, f"no service description fetch: {log.lines()}"
    assert log.statuses("GET /sparql?query=") == {"200"}, log.lines()


def test_comunica_service_joins_a_local_file_with_the_endpoint(node: str, endpoint: str, local_turtle: Path) -> None:
    assert comunica_rows(node, "service", local_turtle, endpoint, joined_query(endpoint)) == EXPECTED


def test_comunica_sparql_command_line(node: str, endpoint: str) -> None:
    """The `comunica-sparql` command installed by the package, with `sparql@` naming the source type."""
    completed = run_node(node, str(JS / "node_modules" / ".bin" / "comunica-sparql"), f"sparql@{endpoint}",
                         NAME_QUERY, "-t", "application/sparql-results+json")
    data = json.loads(completed.stdout)
    assert data["results"]["bindings"] == [{"name": {"type": "literal", "value": NAME, "xml:lang": "id"}}]

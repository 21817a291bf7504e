"""Our endpoint as a SERVICE client, against real servers on loopback only.

Three `kemensos-kg serve` processes on ephemeral ports of 127.0.0.1, started once for the module:

* ``remote``: a second endpoint over a tiny store (a few triples loaded with ``kg.store.generations.load_files``);
* ``federating``: the bundled corpus, started with ``--service-allow`` naming the remote endpoint and
  a local redirector;
* ``closed``: the bundled corpus with no allow-list (the default).

The redirector is a tiny ``http.server`` on 127.0.0.1 that answers every request with a redirect
to the remote endpoint. pyoxigraph's HTTP client follows no redirects, so an allow-listed address
cannot hand the request on to one that is not: the SERVICE fails, and no remote data comes back.

Every address here is 127.0.0.1; no test names any other host.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
import requests
from rdflib import Graph, URIRef
from rdflib.namespace import RDF
from server_process import ServerHandle, running_server

from kg.store.generations import load_files

PERSON = "https://w3id.org/kemensos-kg/id/person/harry-hikmat"
NAME = "Harry Hikmat"
REMOTE_NOTE = "catatan dari endpoint kedua"  # only the remote store has this literal
OTHER_NOTE = "tidak tergabung"
EX = "http://example.org/remote#"
PREFIXES = f"PREFIX ex: <{EX}>\nPREFIX schema: <http://schema.org/>\n"
SD = "http://www.w3.org/ns/sparql-service-description#"
REDIRECTS = (301, 302, 303, 307, 308)
HTTP_TIMEOUT = 60


pytestmark = pytest.mark.usefixtures("no_proxy")  # loopback is reached directly, never via a proxy


# --------------------------------------------------------------------------------------------
# The servers
# --------------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def remote(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerHandle]:
    """The second endpoint: a few triples about the same person, and one about nobody we know."""
    folder = tmp_path_factory.mktemp("remote")
    data = folder / "remote.ttl"
    data.write_text(f"""@prefix ex: <{EX}> .
<{PERSON}> ex:note "{REMOTE_NOTE}"@id ; ex:seenIn "Fukuoka" .
<urn:x-nobody> ex:note "{OTHER_NOTE}"@id .
""", encoding="utf-8")
    summary = load_files(folder / "store", [data])
    assert summary.quads == 3
    with running_server(folder / "store") as handle:
        yield handle


@dataclass
class Redirector:
    """Answers everything under /CODE/… with that redirect status to `target`, and records it."""

    server: ThreadingHTTPServer
    target: str
    seen: list[tuple[str, str]] = field(default_factory=list)

    @property
    def base_url(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}"

    def endpoint(self, code: int) -> str:
        return f"{self.base_url}/{code}/sparql"


@pytest.fixture(scope="module")
def redirector(remote: ServerHandle) -> Iterator[Redirector]:
    target = remote.base_url + "/sparql"

    class Handler(BaseHTTPRequestHandler):
        def _redirect(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            if length:
                self.rfile.read(length)
            state.seen.append((self.command, self.path))
            code = int(self.path.split("/")[1]) if self.path.split("/")[1].isdigit() else 302
            query = self.path.partition("?")[2]
            self.send_response(code)
            self.send_header("Location", target + (f"?{query}" if query else ""))
            self.send_header("Content-Length", "0")
            self.end_headers()

        do_GET = do_POST = do_HEAD = _redirect

        def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - the base class's name
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    httpd.daemon_threads = True
    state = Redirector(httpd, target)
    thread = threading.Thread(target=httpd.serve_forever, name="redirector", daemon=True)
    thread.start()
    try:
        yield state
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join(10)


@pytest.fixture(scope="module")
def federating(store_dir: Path, remote: ServerHandle, redirector: Redirector) -> Iterator[ServerHandle]:
    allow = [remote.base_url + "/sparql", *(redirector.endpoint(code) for code in REDIRECTS)]
    args = [arg for entry in allow for arg in ("--service-allow", entry)]
    with running_server(store_dir, *args) as handle:
        yield handle


@pytest.fixture(scope="module")
def closed(store_dir: Path) -> Iterator[ServerHandle]:
    with running_server(store_dir) as handle:
        yield handle


def sparql(server: ServerHandle, query: str, accept: str = "application/sparql-results+json") -> requests.Response:
    return requests.post(server.base_url + "/sparql", data=query.encode("utf-8"), timeout=HTTP_TIMEOUT,
                         headers={"Content-Type": "application/sparql-query", "Accept": accept})


def rows(response: requests.Response) -> set[tuple[str | None, ...]]:
    assert response.status_code == 200, response.text
    data = response.json()
    names = data["head"]["vars"]
    return {tuple(b.get(v, {}).get("value") for v in names) for b in data["results"]["bindings"]}


def sparql_requests(server: ServerHandle, since: int) -> list[str]:
    """Access-log lines for /sparql written to `server`'s log after offset `since`."""
    return [line for line in server.log()[since:].splitlines() if '"POST /sparql' in line or '"GET /sparql' in line]


def wait_for_requests(server: ServerHandle, since: int, wait: float = 5.0) -> list[str]:
    """gunicorn logs a request after answering it: wait briefly for the line."""
    deadline = time.monotonic() + wait
    while not (found := sparql_requests(server, since)) and time.monotonic() < deadline:
        time.sleep(0.05)
    return found


def joined_query(endpoint: str, service: str = "SERVICE") -> str:
    return (PREFIXES + "SELECT DISTINCT ?p ?name ?note WHERE {\n"
            f'  ?p schema:name "{NAME}"@id ; schema:name ?name .\n'
            f"  {service} <{endpoint}> {{ ?p ex:note ?note }}\n}}")


# --------------------------------------------------------------------------------------------
# An allow-listed endpoint joins
# --------------------------------------------------------------------------------------------

def test_allow_listed_service_joins_both_endpoints(federating: ServerHandle, remote: ServerHandle) -> None:
    mark = len(remote.log())
    response = sparql(federating, joined_query(remote.base_url + "/sparql"))
    # our name, their note; their note about someone we do not know is not joined
    assert rows(response) == {(PERSON, NAME, REMOTE_NOTE)}
    assert response.headers["Content-Type"].startswith("application/sparql-results+json")
    lines = wait_for_requests(remote, mark)
    assert lines and all(" 200 " in line for line in lines), lines


def test_allow_listed_service_feeds_a_construct(federating: ServerHandle, remote: ServerHandle) -> None:
    query = (PREFIXES + f"CONSTRUCT {{ ?p schema:name ?name ; ex:seenIn ?place }} WHERE {{\n"
             f"  BIND(<{PERSON}> AS ?p) ?p schema:name ?name .\n"
             f"  SERVICE <{remote.base_url}/sparql> {{ ?p ex:seenIn ?place }}\n}}")
    response = sparql(federating, query, accept="text/turtle")
    assert response.status_code == 200, response.text
    graph = Graph().parse(data=response.text, format="turtle")
    assert {str(o) for o in graph.objects(URIRef(PERSON), URIRef(EX + "seenIn"))} == {"Fukuoka"}
    assert {str(o) for o in graph.objects(URIRef(PERSON), URIRef("http://schema.org/name"))} == {NAME}


def test_service_description_advertises_federation_only_with_an_allow_list(federating: ServerHandle,
                                                                            closed: ServerHandle) -> None:
    feature = (URIRef(f"{SD}feature"), URIRef(f"{SD}BasicFederatedQuery"))
    for server, advertised in ((federating, True), (closed, False)):
        response = requests.get(server.base_url + "/sparql", headers={"Accept": "text/turtle"}, timeout=HTTP_TIMEOUT)
        assert response.status_code == 200, response.text
        graph = Graph().parse(data=response.text, format="turtle")
        endpoint = URIRef(server.base_url + "/sparql")
        assert (endpoint, RDF.type, URIRef(f"{SD}Service")) in graph
        assert ((endpoint, *feature) in graph) is advertised


# --------------------------------------------------------------------------------------------
# Everything else is refused before evaluation: 403, and no request leaves the server
# --------------------------------------------------------------------------------------------

def test_same_query_without_an_allow_list_is_refused_naming_loopback(closed: ServerHandle,
                                                                     remote: ServerHandle) -> None:
    endpoint = remote.base_url + "/sparql"
    mark = len(remote.log())
    for service in ("SERVICE", "SERVICE SILENT"):
        response = sparql(closed, joined_query(endpoint, service))
        assert response.status_code == 403, response.text
        assert "loopback" in response.text and endpoint in response.text, response.text
        assert response.headers["Content-Type"].startswith("text/plain")
        assert REMOTE_NOTE not in response.text
    assert not wait_for_requests(remote, mark, wait=0.5), "a refused SERVICE reached the remote endpoint"


@pytest.mark.parametrize("path", ["/sparql/", "/sparql?default-graph-uri=urn:x", "/", "/healthz"])
def test_unlisted_path_of_an_allow_listed_origin_is_refused(federating: ServerHandle, remote: ServerHandle,
                                                            path: str) -> None:
    response = sparql(federating, joined_query(remote.base_url + path))
    assert response.status_code == 403, response.text
    assert "loopback" in response.text and "not on the allow-list" in response.text


def test_other_loopback_endpoints_are_refused(federating: ServerHandle, closed: ServerHandle) -> None:
    for target in (closed.base_url + "/sparql", federating.base_url + "/sparql", "http://localhost:1/sparql",
                   "http://[::1]:1/sparql", "http://127.1:1/sparql"):
        response = sparql(federating, joined_query(target))
        assert response.status_code == 403, (target, response.text)
        assert "loopback" in response.text, (target, response.text)


@pytest.mark.parametrize("server_name", ["federating", "closed"])
@pytest.mark.parametrize("service", ["SERVICE ?x", "SERVICE SILENT ?x", "SERVICE $x"])
def test_variable_service_is_refused(request: pytest.FixtureRequest, remote: ServerHandle, server_name: str,
                                     service: str) -> None:
    server: ServerHandle = request.getfixturevalue(server_name)
    mark = len(remote.log())
    # the only value ?x could take is the allow-listed endpoint: still refused, it is not checkable
    query = (PREFIXES + f"SELECT * WHERE {{ VALUES ?x {{ <{remote.base_url}/sparql> }}\n"
             f"  {service} {{ ?p ex:note ?note }} }}")
    response = sparql(server, query)
    assert response.status_code == 403, response.text
    assert "variable" in response.text, response.text
    assert not wait_for_requests(remote, mark, wait=0.2)


def test_refusal_is_the_same_by_get_and_form_post(closed: ServerHandle, remote: ServerHandle) -> None:
    query = joined_query(remote.base_url + "/sparql")
    by_get = requests.get(closed.base_url + "/sparql", params={"query": query}, timeout=HTTP_TIMEOUT)
    by_form = requests.post(closed.base_url + "/sparql", data={"query": query}, timeout=HTTP_TIMEOUT)
    for response in (by_get, by_form):
        assert response.status_code == 403, response.text
        assert "loopback" in response.text


# --------------------------------------------------------------------------------------------
# Redirects: an allow-listed address cannot pass the request on
# --------------------------------------------------------------------------------------------

@pytest.mark.parametrize("code", REDIRECTS)
def test_redirect_from_an_allow_listed_endpoint_is_not_followed(federating: ServerHandle, remote: ServerHandle,
                                                                redirector: Redirector, code: int) -> None:
    seen_before, mark = len(redirector.seen), len(remote.log())
    response = sparql(federating, joined_query(redirector.endpoint(code)))
    assert response.status_code == 502, f"HTTP {response.status_code}: {response.text}"  # the remote failed, not us
    assert REMOTE_NOTE not in response.text
    assert "redirect" in response.text.lower(), response.text  # the failure says why
    # the request reached the allow-listed redirector once, and never the address it pointed to
    assert [method for method, _ in redirector.seen[seen_before:]] == ["POST"]
    assert not wait_for_requests(remote, mark, wait=0.5), "the redirect was followed to the remote endpoint"


def test_silent_redirect_yields_no_remote_data(federating: ServerHandle, remote: ServerHandle,
                                               redirector: Redirector) -> None:
    mark = len(remote.log())
    query = (PREFIXES + "SELECT ?name ?note WHERE {\n"
             f"  <{PERSON}> schema:name ?name .\n"
             f"  OPTIONAL {{ SERVICE SILENT <{redirector.endpoint(307)}> {{ <{PERSON}> ex:note ?note }} }}\n}}")
    response = sparql(federating, query)
    assert rows(response) == {(NAME, None)}
    assert REMOTE_NOTE not in response.text
    assert not wait_for_requests(remote, mark, wait=0.5)

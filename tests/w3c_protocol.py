"""Replay the W3C SPARQL 1.1 Protocol test suite against our endpoint.

The manifest (``tests/w3c/sparql/sparql11/protocol/manifest.ttl``, the repository's copy of the
W3C suite, see ``tests/w3c/README.md``) describes each test as HTTP requests in RDF (the ``ht:`` vocabulary):
method, ``/sparql/…`` path, headers, body, and per request the expected status class
(``mf:expectedStatus hts:StatusCode2xx`` …), result format (``mf:expectedFormat`` "boolean",
"tabular" or "RDF") and ASK answer (``mf:expectedBoolean``). The runner loads ``data1.nt`` …
``data3.nt`` into named graphs called by their ``rdfs:label`` in a fresh store, sends each request
(``/sparql/`` becomes ``/sparql``) and compares.

Our endpoint is read-only unless started with a token, so the tests that expect an update to
succeed are "not applicable" to the read-only run: neither passed nor failed. They are run
separately, with every other test that sends an update, against a server started with
``--update-token``, each request carrying ``Authorization: Bearer <token>``.

As a script (``python tests/w3c_protocol.py [--transport http|flask]``) it starts the real server
(default) or uses the Flask test client, prints ``PASS``/``FAIL``/``N/A`` and the test name per
test, a tally per run, and last ``N passed, M failed``; the exit status is 1 on any failure.
``tests/test_w3c_protocol.py`` runs the same tests under pytest.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import urllib.parse
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

from pyoxigraph import RdfFormat, parse
from rdflib import Graph, Namespace
from rdflib.collection import Collection
from rdflib.namespace import RDF, RDFS
from requests.structures import CaseInsensitiveDict

PROTOCOL_DIR = Path(__file__).resolve().parent / "w3c" / "sparql" / "sparql11" / "protocol"
MANIFEST = PROTOCOL_DIR / "manifest.ttl"
ENDPOINT_PATH = "/sparql"
TOKEN = "w3c-protocol-test-token"

MF = Namespace("http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#")
HT = Namespace("http://www.w3.org/2011/http#")
CNT = Namespace("http://www.w3.org/2011/content#")
UT = Namespace("http://www.w3.org/2009/sparql/tests/test-update#")

UPDATE_MEDIA = "application/sparql-update"
BOOLEAN_MEDIA = {"application/sparql-results+json", "application/sparql-results+xml"}
TABULAR_MEDIA = BOOLEAN_MEDIA | {"text/csv", "text/tab-separated-values"}
RDF_MEDIA = {"text/turtle": RdfFormat.TURTLE, "application/n-triples": RdfFormat.N_TRIPLES,
             "application/rdf+xml": RdfFormat.RDF_XML, "application/ld+json": RdfFormat.JSON_LD,
             "application/trig": RdfFormat.TRIG, "application/n-quads": RdfFormat.N_QUADS}


# -- the manifest -------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Request:
    method: str
    path: str  # with /sparql/ already mapped to our endpoint
    headers: tuple[tuple[str, str], ...]
    body: bytes | None
    expected_status: frozenset[str]  # status classes: "2xx", "3xx", "4xx", …
    expected_format: str | None  # "boolean", "tabular", "RDF"
    expected_boolean: bool | None

    @property
    def is_update(self) -> bool:
        content_type = dict((k.lower(), v) for k, v in self.headers).get("content-type", "")
        body = (self.body or b"").lstrip()
        return (content_type.split(";")[0].strip() == UPDATE_MEDIA or body.startswith(b"update=")
                or "?update=" in self.path or "&update=" in self.path)

    @property
    def succeeds(self) -> bool:
        return bool(self.expected_status & {"2xx", "3xx"})


@dataclass(frozen=True)
class ProtocolTest:
    id: str  # the local name in the manifest, e.g. "query_post_form"
    name: str  # mf:name
    requests: tuple[Request, ...]
    graph_data: tuple[tuple[str, Path], ...]  # (graph IRI, file)

    @property
    def involves_update(self) -> bool:
        """Sends an update (by media type or form field), or is an update test by name."""
        return any(r.is_update for r in self.requests) or "update" in self.id

    @property
    def update_positive(self) -> bool:
        """An update is expected to succeed: not applicable to a read-only endpoint."""
        return any(r.is_update and r.succeeds for r in self.requests)


def _local_name(node: Any) -> str:
    text = str(node)
    return text.rsplit("#", 1)[-1].rsplit("/", 1)[-1]


def _request(g: Graph, node: Any) -> Request:
    headers: list[tuple[str, str]] = []
    header_list = g.value(node, HT.headers)
    if header_list is not None:
        for header in Collection(g, header_list):
            headers.append((str(g.value(header, HT.fieldName)), str(g.value(header, HT.fieldValue))))
    body = None
    body_node = g.value(node, HT.body)
    if body_node is not None:
        encoding = str(g.value(body_node, CNT.characterEncoding) or "UTF-8")
        body = str(g.value(body_node, CNT.chars)).encode(encoding)
    path = str(g.value(node, HT.absolutePath))
    if path.startswith("/sparql/"):
        path = ENDPOINT_PATH + path[len("/sparql/"):]
    response = g.value(node, HT.resp)
    statuses = frozenset(_local_name(s).replace("StatusCode", "") for s in g.objects(response, MF.expectedStatus))
    expected_format = g.value(response, MF.expectedFormat)
    expected_boolean = g.value(response, MF.expectedBoolean)
    return Request(str(g.value(node, HT.methodName)), path, tuple(headers), body, statuses,
                   None if expected_format is None else str(expected_format),
                   None if expected_boolean is None else bool(expected_boolean.toPython()))


def load_manifest(path: Path = MANIFEST) -> list[ProtocolTest]:
    """The tests of the manifest, in `mf:entries` order."""
    g = Graph().parse(path, format="turtle", publicID=path.resolve().as_uri())
    manifest = next(g.subjects(RDF.type, MF.Manifest))
    tests = []
    for entry in Collection(g, g.value(manifest, MF.entries)):
        action = g.value(entry, MF.action)
        requests = tuple(_request(g, node) for node in Collection(g, g.value(action, HT.requests)))
        graph_data = []
        for data in g.objects(entry, UT.graphData):
            file = Path(urllib.parse.unquote(urllib.parse.urlsplit(str(g.value(data, UT.graph))).path))
            graph_data.append((str(g.value(data, RDFS.label)), file))
        tests.append(ProtocolTest(_local_name(entry), str(g.value(entry, MF.name)), requests, tuple(sorted(graph_data))))
    return tests


def prepare_store(store_dir: Path, tests: Sequence[ProtocolTest]) -> None:
    """A store with every data file the tests name, each in the named graph of its label."""
    from kg.store.generations import load_files, modify_store

    modify_store(store_dir, lambda store: None)  # an empty first generation, even without data
    for label, file in sorted({pair for test in tests for pair in test.graph_data}):
        load_files(store_dir, [file], graph=label)


# -- sending requests ---------------------------------------------------------------------------------

Reply = tuple[int, CaseInsensitiveDict, bytes]
Transport = Callable[[str, str, dict[str, str], "bytes | None"], Reply]


def flask_transport(app: Any) -> Transport:
    client = app.test_client()

    def send(method: str, path: str, headers: dict[str, str], body: bytes | None) -> Reply:
        response = client.open(path, method=method, headers=headers, data=body)
        return response.status_code, CaseInsensitiveDict(dict(response.headers)), response.get_data()

    return send


def http_transport(base_url: str) -> Transport:
    import requests

    session = requests.Session()
    session.headers.clear()  # send exactly the manifest's headers

    def send(method: str, path: str, headers: dict[str, str], body: bytes | None) -> Reply:
        response = session.request(method, base_url + path, headers=headers, data=body, timeout=60)
        return response.status_code, CaseInsensitiveDict(dict(response.headers)), response.content

    return send


# -- checking replies ---------------------------------------------------------------------------------

def _boolean(media: str, body: bytes) -> bool | None:
    if media == "application/sparql-results+json":
        value = json.loads(body).get("boolean")
        return value if isinstance(value, bool) else None
    if media == "application/sparql-results+xml":
        element = ElementTree.fromstring(body).find("{http://www.w3.org/2005/sparql-results#}boolean")
        return None if element is None else (element.text or "").strip() == "true"
    return None


def check_reply(request: Request, status: int, headers: CaseInsensitiveDict, body: bytes) -> str | None:
    """Why the reply does not meet the request's expectations, or None."""
    status_class = f"{status // 100}xx"
    if status_class not in request.expected_status:
        return f"expected {'/'.join(sorted(request.expected_status))}, got {status}: {body[:300]!r}"
    media = headers.get("Content-Type", "").split(";")[0].strip().lower()
    try:
        if request.expected_format == "boolean" and (media not in BOOLEAN_MEDIA or _boolean(media, body) is None):
            return f"expected a boolean result, got {media or 'no Content-Type'}: {body[:200]!r}"
        if request.expected_format == "tabular":
            if media not in TABULAR_MEDIA:
                return f"expected tabular results, got {media or 'no Content-Type'}"
            if media == "application/sparql-results+json" and "results" not in json.loads(body):
                return "JSON results without 'results'"
        if request.expected_format == "RDF":
            if media not in RDF_MEDIA:
                return f"expected RDF, got {media or 'no Content-Type'}"
            list(parse(body, format=RDF_MEDIA[media]))
        if request.expected_boolean is not None and _boolean(media, body) is not request.expected_boolean:
            return f"expected boolean {str(request.expected_boolean).lower()}, got {body[:200]!r}"
    except (ValueError, SyntaxError, ElementTree.ParseError) as exc:
        return f"the {media} body does not parse: {exc}"
    return None


@dataclass(frozen=True)
class Outcome:
    test: ProtocolTest
    verdict: str  # "PASS", "FAIL" or "N/A"
    detail: str = ""

    def line(self) -> str:
        return f"{self.verdict:<4} {self.test.id}" + (f": {self.detail}" if self.detail else "")


#: the endpoint's answer to an update that names its dataset by protocol parameters, which
#: pyoxigraph's update API cannot take: a precise refusal, reported as not applicable
UNSUPPORTED = b"using-graph-uri / using-named-graph-uri are not supported"


def run_test(test: ProtocolTest, send: Transport, token: str | None = None) -> Outcome:
    """Send the test's requests in order; the first unmet expectation fails it."""
    if test.update_positive and token is None:
        return Outcome(test, "N/A", "an update is expected to succeed; the endpoint is read-only")
    for number, request in enumerate(test.requests, 1):
        headers = dict(request.headers)
        if token is not None:
            headers["Authorization"] = f"Bearer {token}"
        status, reply_headers, body = send(request.method, request.path, headers, request.body)
        if status == 400 and UNSUPPORTED in body and test.update_positive:
            return Outcome(test, "N/A", "using-graph-uri / using-named-graph-uri are not supported (clear 400)")
        problem = check_reply(request, status, reply_headers, body)
        if problem:
            where = f"request {number} ({request.method}) " if len(test.requests) > 1 else ""
            return Outcome(test, "FAIL", where + problem)
    return Outcome(test, "PASS")


def run(tests: Sequence[ProtocolTest], send: Transport, token: str | None = None) -> list[Outcome]:
    return [run_test(test, send, token) for test in tests]


def tally(outcomes: Sequence[Outcome]) -> tuple[int, int, int]:
    """(passed, failed, not applicable)."""
    return tuple(sum(o.verdict == v for o in outcomes) for v in ("PASS", "FAIL", "N/A"))  # type: ignore[return-value]


# -- the script ---------------------------------------------------------------------------------------

@contextmanager
def endpoint(kind: str, store_dir: Path, token: str | None) -> Iterator[Transport]:
    """A transport to a server over `store_dir`: the real process or the Flask test client."""
    if kind == "flask":
        from server.app import create_app
        from server.config import ServerConfig

        app = create_app(ServerConfig(store_dir=store_dir, update_token=token, threads=1))
        try:
            yield flask_transport(app)
        finally:
            app.extensions["kg_runner"].close()
        return
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from server_process import running_server

    env = {"KEMENSOS_KG_UPDATE_TOKEN": token} if token else {"KEMENSOS_KG_UPDATE_TOKEN": ""}
    with running_server(store_dir, env=env) as server:
        yield http_transport(server.base_url)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--transport", choices=("http", "flask"), default="http",
                        help="run the real `kemensos-kg serve` (default) or the Flask test client")
    parser.add_argument("--manifest", type=Path, default=MANIFEST)
    args = parser.parse_args(argv)
    if not args.manifest.exists():
        print(f"no manifest at {args.manifest}: the W3C suite belongs in tests/w3c/", file=sys.stderr)
        return 1
    tests = load_manifest(args.manifest)
    with tempfile.TemporaryDirectory(prefix="w3c-protocol-") as tmp:
        read_only_store, token_store = Path(tmp) / "read-only", Path(tmp) / "with-token"
        prepare_store(read_only_store, tests)
        with endpoint(args.transport, read_only_store, None) as send:
            read_only = run(tests, send)
        update_tests = [t for t in tests if t.involves_update]
        prepare_store(token_store, update_tests)
        with endpoint(args.transport, token_store, TOKEN) as send:
            with_token = run(update_tests, send, TOKEN)
    print(f"# read-only endpoint ({args.transport})")
    for outcome in read_only:
        print(outcome.line())
    print(f"# endpoint with an update token ({args.transport}): the tests that send updates")
    for outcome in with_token:
        print(outcome.line())
    passed, failed, not_applicable = tally(read_only)
    print(f"# read-only: {passed} passed, {failed} failed, {not_applicable} not applicable")
    token_passed, token_failed, _ = tally(with_token)
    print(f"# with token: {token_passed} passed, {token_failed} failed")
    print(f"{passed + token_passed} passed, {failed + token_failed} failed")
    return 1 if failed + token_failed else 0


if __name__ == "__main__":
    raise SystemExit(main())

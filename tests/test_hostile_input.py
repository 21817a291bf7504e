"""Hostile input gets a precise 4xx and never costs the server a worker: queries and updates nested
past the limits (decided before pyoxigraph parses them), graph URIs that are no IRIs, paths with
characters an IRI may not hold, malformed chunked bodies — through the Flask test client and a real
`kemensos-kg serve`."""

from __future__ import annotations

import socket
import subprocess
import sys
import textwrap
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import requests

from kg.query.depth import DEFAULT_MAX_CHAIN, DEFAULT_MAX_NESTING, QueryTooDeep, check_depth, measure
from kg.store import generations as kg_store
from server.app import create_app
from server.config import ServerConfig
from server_process import ServerHandle, running_server

ROOT = Path(__file__).resolve().parent.parent
DATA = "<http://ex/a> <http://ex/p> \"one\" <http://ex/g> .\n<http://ex/b> <http://ex/p> \"two\" .\n"
TOKEN = "hostile-input-token"

#: query shapes that crash pyoxigraph 0.5 when repeated deeply enough, as f(n) -> text
SHAPES: dict[str, Callable[[int], str]] = {
    "nested groups": lambda n: "SELECT * WHERE " + "{" * n + "?s ?p ?o" + "}" * n,
    "nested STR(": lambda n: "SELECT (" + "STR(" * n + "?s" + ")" * n + " AS ?x) WHERE { ?s ?p ?o }",
    "nested sub-SELECTs": lambda n: "SELECT * WHERE {" + "{ SELECT * WHERE {" * n + "?s ?p ?o" + "}}" * n + "}",
    "nested parentheses": lambda n: "SELECT * WHERE { ?s ?p ?o FILTER(" + "(" * n + "true" + ")" * n + ") }",
    "! chain": lambda n: "SELECT * WHERE { ?s ?p ?o FILTER(" + "!" * n + "true) }",
    "nested path groups": lambda n: "SELECT * WHERE { ?s " + "(" * n + "<http://ex/p>" + ")" * n + " ?o }",
    "blank node lists": lambda n: "SELECT * WHERE { ?s ?p " + "[ ?p " * n + "?o" + " ]" * n + " }",
    "FILTER EXISTS": lambda n: "SELECT * WHERE { " + "FILTER EXISTS {" * n + "?s ?p ?o" + "}" * n + " }",
    "UNION chain": lambda n: "SELECT * WHERE { " + " UNION ".join(["{ ?s ?p ?o }"] * n) + " }",
    "+ chain": lambda n: "SELECT (" + " + ".join(["1"] * n) + " AS ?x) WHERE { ?s ?p ?o }",
    "|| chain": lambda n: "SELECT * WHERE { ?s ?p ?o FILTER(" + " || ".join(["?o"] * n) + ") }",
    "MINUS chain": lambda n: "SELECT * WHERE { ?s ?p ?o " + " ".join(["MINUS { ?s ?p ?o }"] * n) + " }",
    "BIND chain": lambda n: "SELECT * WHERE { " + " ".join(f"BIND({i} AS ?b{i})" for i in range(n)) + " }",
    "path sequence": lambda n: "SELECT * WHERE { ?s " + "/".join(["<http://ex/p>"] * n) + " ?o }",
}
#: the depth at which each shape crashed pyoxigraph 0.5.13 on an 8 MiB thread stack (measured)
CRASHED_AT = {"nested groups": 2226, "nested STR(": 956, "UNION chain": 6562, "+ chain": 6953}


def deepest_allowed(shape: Callable[[int], str]) -> str:
    """The deepest text of `shape` the default limits let through."""
    low, high = 1, 4096
    while high - low > 1:
        middle = (low + high) // 2
        depth = measure(shape(middle))
        if depth.nesting <= DEFAULT_MAX_NESTING and depth.chain <= DEFAULT_MAX_CHAIN:
            low = middle
        else:
            high = middle
    return shape(low)


@pytest.fixture(scope="module")
def store_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("hostile-input")
    (folder / "data.nq").write_text(DATA, encoding="utf-8")
    kg_store.load_files(folder / "store", [folder / "data.nq"])
    return folder / "store"


@pytest.fixture(scope="module")
def server(store_dir: Path) -> Iterator[ServerHandle]:
    with running_server(store_dir, "--timeout", "5", env={"KEMENSOS_KG_UPDATE_TOKEN": TOKEN}) as handle:
        yield handle


@pytest.fixture(scope="module")
def client(store_dir: Path):  # type: ignore[no-untyped-def]
    return create_app(ServerConfig(store_dir=store_dir, evaluation="worker", update_token=TOKEN)).test_client()


def alive(base_url: str) -> bool:
    reply = requests.get(base_url + "/sparql", params={"query": "SELECT (COUNT(*) AS ?n) { ?s ?p ?o }"}, timeout=30,
                         headers={"Accept": "text/csv"})
    return reply.status_code == 200 and reply.text.split()[-1] == "2"


# -- the scan ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("name", sorted(SHAPES))
def test_every_crashing_shape_is_refused_long_before_it_crashes(name: str) -> None:
    deep = SHAPES[name](3000)
    with pytest.raises(QueryTooDeep, match=r"--max-(nesting|chain)"):
        check_depth(deep)
    check_depth(deepest_allowed(SHAPES[name]))  # and the deepest allowed passes


def test_the_scan_reads_strings_iris_and_comments_as_the_parser_does() -> None:
    shallow = 'SELECT * WHERE { ?s ?p "{{{{((((" . ?s ?p """))))}}}}""" # {{{{{{{{{{\n ?s <http://ex/a#b> ?o }'
    assert measure(shallow).nesting == 1
    # an IRI-looking token holding brackets may be parsed as an expression: its brackets count
    assert measure("ASK { FILTER(?a <" + "(" * 50 + "?b" + ")" * 50 + "> ?c) }").nesting > 50
    # an unterminated string hides nothing after it
    assert measure('ASK { "open ' + "{" * 300 + " }").nesting > 300
    assert measure("ASK { ?s ?p \"1\"^^<http://www.w3.org/2001/XMLSchema#int> }").nesting == 1


def test_the_competency_queries_are_far_from_the_limits() -> None:
    for path in sorted((ROOT / "queries").glob("*.rq")):
        depth = check_depth(path.read_text(encoding="utf-8"))
        assert depth.nesting <= 16 and depth.chain <= 32, path.name


def test_the_deepest_allowed_queries_do_not_crash_pyoxigraph_on_an_8_mib_stack(tmp_path: Path) -> None:
    """Every shape at the default limits, evaluated by pyoxigraph on a thread with the smallest stack
    any evaluation here runs on (the CLI, the child evaluators): the process survives all of them."""
    texts = tmp_path / "texts.txt"
    texts.write_text("\n\0\n".join(deepest_allowed(shape) for shape in SHAPES.values()), encoding="utf-8")
    script = textwrap.dedent(f"""
        import threading
        from pyoxigraph import Store
        store = Store()
        done = []
        def run():
            for text in open({str(texts)!r}, encoding="utf-8").read().split("\\n\\0\\n"):
                try:
                    result = store.query(text, use_default_graph_as_union=True)
                    if not isinstance(result, bool):
                        for _ in result:
                            pass
                except (SyntaxError, ValueError, OSError):
                    pass
                done.append(text)
        threading.stack_size(8 << 20)
        thread = threading.Thread(target=run)
        thread.start()
        thread.join()
        print(len(done))
    """)
    finished = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=300)
    assert finished.returncode == 0, finished.stderr[-2000:]
    assert int(finished.stdout) == len(SHAPES)


# -- nesting over HTTP ------------------------------------------------------------------------------

DEEP = "SELECT * WHERE " + "{" * 2300 + "?s ?p ?o" + "}" * 2300  # the reported reproducer: a crash before


def test_a_deep_query_is_400_naming_the_limit(client) -> None:  # type: ignore[no-untyped-def]
    for reply in (client.post("/sparql", data=DEEP, content_type="application/sparql-query"),
                  client.get("/sparql", query_string={"query": SHAPES["nested STR("](1000)}),
                  client.post("/sparql", data={"query": SHAPES["UNION chain"](700)})):
        assert reply.status_code == 400
        assert "this server evaluates" in reply.get_data(as_text=True)
    assert "128 levels deep" in client.post("/sparql", data=DEEP, content_type="application/sparql-query").get_data(as_text=True)


def test_a_deep_update_or_service_body_is_400_too(client) -> None:  # type: ignore[no-untyped-def]
    update = "INSERT { <http://ex/x> <http://ex/p> 1 } WHERE " + "{" * 2300 + "}" * 2300
    reply = client.post("/sparql", data=update, content_type="application/sparql-update",
                        headers={"Authorization": f"Bearer {TOKEN}"})
    assert reply.status_code == 400 and "the update nests more than 128" in reply.get_data(as_text=True)
    service = "SELECT * WHERE { SERVICE <http://127.0.0.1:9/sparql> " + "{" * 300 + "}" * 300 + " }"
    reply = client.get("/sparql", query_string={"query": service})
    assert reply.status_code == 400 and "--max-nesting" in reply.get_data(as_text=True)


def boots(handle: ServerHandle) -> int:
    """Workers started so far (the first, and its replacement once the in-memory copy is loaded)."""
    return handle.settled_boots()


def test_a_real_server_answers_deep_queries_400_and_keeps_its_worker(server: ServerHandle) -> None:
    started = boots(server)
    for name, shape in SHAPES.items():
        reply = requests.post(server.base_url + "/sparql", data=shape(CRASHED_AT.get(name, 3000) + 100), timeout=30,
                              headers={"Content-Type": "application/sparql-query"})
        assert reply.status_code == 400 and "this server evaluates" in reply.text, name
    assert alive(server.base_url)
    assert boots(server) == started and "was sent" not in server.log()


def test_limits_are_configurable_and_the_evaluation_stack_is_deep(store_dir: Path) -> None:
    """With the limits lifted, queries deeper than what crashed pyoxigraph on an 8 MiB stack are
    evaluated on the worker's evaluation threads, whose stacks are 64 MiB: the second line of defence."""
    with running_server(store_dir, "--max-nesting", "100000", "--max-chain", "100000") as handle:
        started = boots(handle)
        for text in (DEEP, SHAPES["nested STR("](1500), SHAPES["UNION chain"](8000)):
            reply = requests.post(handle.base_url + "/sparql", data=text, timeout=60,
                                  headers={"Content-Type": "application/sparql-query"})
            assert reply.status_code == 200, reply.text[:300]
        assert alive(handle.base_url)
        assert boots(handle) == started and "was sent" not in handle.log()
    with running_server(store_dir, "--max-nesting", "3") as handle:
        reply = requests.get(handle.base_url + "/sparql", params={"query": "ASK { { { { } } } }"}, timeout=30)
        assert reply.status_code == 400 and "more than 3 levels deep" in reply.text


# -- graph URIs, paths, bodies ----------------------------------------------------------------------

@pytest.mark.parametrize("name", ["default-graph-uri", "named-graph-uri"])
def test_a_graph_uri_that_is_no_iri_is_400_naming_the_parameter(client, server: ServerHandle, name: str) -> None:  # type: ignore[no-untyped-def]
    empty = ("",) if name == "named-graph-uri" else ()  # an empty default-graph-uri names the store's own default graph
    for value in ("x", *empty, "http://ex/a b", "http://ex/%zz"):
        replies = [client.get("/sparql", query_string={name: value, "query": "ASK {}"}),
                   client.post("/sparql", data={name: value, "query": "ASK {}"})]
        for reply in replies:
            assert reply.status_code == 400 and f"the '{name}' parameter" in reply.get_data(as_text=True)
        over_http = requests.get(server.base_url + "/sparql", params={name: value, "query": "ASK {}"}, timeout=30)
        assert over_http.status_code == 400 and f"the '{name}' parameter" in over_http.text
    assert client.get("/sparql", query_string={name: "http://ex/g", "query": "ASK {}"}).status_code == 200
    if name == "default-graph-uri":
        assert client.get("/sparql", query_string={name: "", "query": "ASK {}"}).status_code == 200


ODD_PATHS = ["/doc/%7B", "/id/%ff%fe", "/graph/%22", "/ontology/..%5c", "/id/%253Cx%253E",
             "/doc/2022-11-09-delegasi-kemensos-fukuoka%23char=0,10", "/id/a%20b", "/id/%3E", "/doc/%0A", "/id/%00",
             "/graph/%7B.ttl", "/id/%E2%80%AE", "/sparql/%7B", "/%7B%7D"]


def test_paths_an_iri_cannot_hold_are_404_never_500(client, server: ServerHandle) -> None:  # type: ignore[no-untyped-def]
    for path in ODD_PATHS:
        assert client.get(path).status_code in (400, 404), path
        with socket.create_connection(("127.0.0.1", server.port), timeout=30) as conn:
            conn.sendall(f"GET {path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n".encode())
            status = conn.makefile("rb").readline()
        assert status.split()[1] in (b"400", b"404"), (path, status)
    assert alive(server.base_url)


def raw(port: int, request: bytes) -> bytes:
    with socket.create_connection(("127.0.0.1", port), timeout=30) as conn:
        conn.sendall(request)
        chunks = []
        while chunk := conn.recv(65536):
            chunks.append(chunk)
    return b"".join(chunks)


@pytest.mark.parametrize("body", [b"5\r\nASK {\r\nZZ\r\n}\r\n0\r\n\r\n", b"5\r\nASK {XX}\r\n0\r\n\r\n",
                                  b"-1\r\nASK {}\r\n0\r\n\r\n"])
def test_a_malformed_chunked_body_is_400(server: ServerHandle, body: bytes) -> None:
    head = (b"POST /sparql HTTP/1.1\r\nHost: x\r\nContent-Type: application/sparql-query\r\n"
            b"Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n")
    reply = raw(server.port, head + body)
    assert reply.startswith(b"HTTP/1.1 400"), reply[:300]
    assert b"body is malformed" in reply or b"Bad Request" in reply
    good = raw(server.port, head.replace(b"/sparql", b"/sparql") + b"6\r\nASK {}\r\n0\r\n\r\n")
    assert good.startswith(b"HTTP/1.1 200") and b"true" in good

"""`kemensos-kg publish` end to end against OpenLink Virtuoso 7 on loopback: the bundled build goes up graph by
graph over the Graph Store Protocol (Digest authentication), the counts agree, competency queries answer on
Virtuoso as on this endpoint, a second publish changes nothing, `--changed-only` after a new release sends only
the graphs that changed, and a run that fails half-way says what it sent and resumes after it."""

from __future__ import annotations

import io
import os
import re
import shutil
import subprocess
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from pyoxigraph import DefaultGraph, NamedNode, RdfFormat, Store
from server_process import serve_command
from virtuoso_process import PASSWORD, USER, Virtuoso, running_virtuoso

from kg.cli import build
from kg.graph.vocab import RECORDS_GRAPH
from kg.store import generations as kg_store
from kg.store.merged import MERGED_GRAPH
from kg.store.published import digest_ntriples
from server.app import create_app
from server.config import ServerConfig

ROOT = Path(__file__).resolve().parent.parent
PASSWORD_ENV = "KG_TEST_VIRTUOSO_PASSWORD"
BUSY = b"store is busy"
SENT = re.compile(r"^sent <([^>]+)>", re.MULTILINE)
NEW_RELEASE = """\
title: Kemensos Salurkan Bantuan Kursi Roda di Kabupaten Temanggung
date: 2023-01-16
publisher: Humas Kementerian Sosial

Kementerian Sosial menyalurkan 40 kursi roda kepada penyandang disabilitas di Kabupaten Temanggung, Senin 16 Januari 2023.

Bantuan diserahkan oleh Direktur Jenderal Rehabilitasi Sosial, Harry Hikmat, melalui program ATENSI.
"""


@pytest.fixture(scope="module")
def bundled(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The bundled corpus built as `kemensos-kg build` builds it."""
    store_dir = tmp_path_factory.mktemp("bundled") / "store"
    build([], store_dir)
    return store_dir


@pytest.fixture(scope="module")
def virtuoso(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Virtuoso]:
    with running_virtuoso(tmp_path_factory.mktemp("virtuoso")) as running:
        yield running


@pytest.fixture(autouse=True)
def _loopback_only(no_proxy: None) -> None:
    """requests honours proxy variables; every request here goes to 127.0.0.1."""


def publish(store_dir: Path, to: str, query_url: str, *extra: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*serve_command(), "publish", "--store", str(store_dir), "--to", to, "--query-url", query_url,
                           "--user", USER, "--password-env", PASSWORD_ENV, *extra], capture_output=True, text=True, check=False,
                          env={**os.environ, PASSWORD_ENV: PASSWORD}, timeout=300, cwd=ROOT)


def graph_lines(store_dir: Path) -> dict[str, frozenset[str]]:
    """Each graph of the current generation (the merge aside) as its set of N-Triples lines, the default graph (the
    provenance records) under the name the target keeps them under."""
    store = kg_store.open_store(store_dir)
    graphs: dict[str, set[str]] = {}
    for quad in store:
        if quad.graph_name != MERGED_GRAPH:
            name = str(RECORDS_GRAPH) if isinstance(quad.graph_name, DefaultGraph) else quad.graph_name.value
            graphs.setdefault(name, set()).add(f"{quad.subject} {quad.predicate} {quad.object} .")
    return {graph: frozenset(lines) for graph, lines in graphs.items()}


def virtuoso_counts(virtuoso: Virtuoso, graphs: list[str]) -> dict[str, int]:
    """Triples per graph as Virtuoso counts them, asked graph by graph (not the way `publish` asks)."""
    counts = {}
    for graph in graphs:
        answer = requests.get(virtuoso.sparql_url, params={"query": f"SELECT (COUNT(*) AS ?n) {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}"},
                              headers={"Accept": "application/sparql-results+json"}, timeout=60)
        answer.raise_for_status()
        counts[graph] = int(answer.json()["results"]["bindings"][0]["n"]["value"])
    return counts


def puts(virtuoso: Virtuoso, start: int, end: int) -> list[str]:
    """The graphs of the Graph Store PUTs Virtuoso logged between two marks, in order."""
    return [re.search(r"[?&]graph=([^&]+)", path).group(1)  # type: ignore[union-attr]
            for method, path, _ in virtuoso.requests()[start:end] if method == "PUT"]


def rows(bindings: list[dict[str, dict[str, str]]]) -> list[tuple[tuple[str, str, str], ...]]:
    """SPARQL JSON solutions, term by term, as (value, datatype, language); xsd:string is a plain literal."""
    def term(t: dict[str, str]) -> tuple[str, str, str]:
        datatype = t.get("datatype", "")
        return t["value"], "" if datatype.endswith("#string") else datatype, t.get("xml:lang", "")
    return sorted(tuple(sorted((name, *term(value)) for name, value in row.items())) for row in bindings)  # type: ignore[misc]


def test_the_bundled_build_is_published_verified_and_answers_as_here(bundled: Path, virtuoso: Virtuoso) -> None:
    expected = graph_lines(bundled)
    graphs = sorted(expected)
    start = virtuoso.mark("before-first-publish")
    done = publish(bundled, virtuoso.gsp_url, virtuoso.sparql_url)
    end = virtuoso.mark("after-first-publish")
    assert done.returncode == 0, done.stderr
    assert sorted(SENT.findall(done.stdout)) == graphs
    assert f"sent {len(graphs)} of {len(graphs)} graphs" in done.stdout and "counts verified" in done.stdout
    assert sorted(puts(virtuoso, start, end)) == graphs  # every graph but the merge, which is not sent
    assert virtuoso_counts(virtuoso, graphs) == {g: len(lines) for g, lines in expected.items()}

    again = publish(bundled, virtuoso.gsp_url, virtuoso.sparql_url)  # idempotent: PUT replaces, nothing doubles
    assert again.returncode == 0, again.stderr
    assert virtuoso_counts(virtuoso, graphs) == {g: len(lines) for g, lines in expected.items()}

    client = create_app(ServerConfig(store_dir=bundled, evaluation="worker")).test_client()
    for name in ("13-harry-hikmat-posts.rq", "19-visits-led-by-harry.rq"):
        text = (ROOT / "queries" / name).read_text(encoding="utf-8")
        ours = client.post("/sparql", data={"query": text}, headers={"Accept": "application/sparql-results+json"})
        assert ours.status_code == 200, ours.text
        theirs = requests.post(virtuoso.sparql_url, data={"query": text},
                               headers={"Accept": "application/sparql-results+json"}, timeout=60)
        assert theirs.status_code == 200, theirs.text
        ours_rows = rows(ours.get_json()["results"]["bindings"])
        assert ours_rows, f"{name} has no answer here"
        assert rows(theirs.json()["results"]["bindings"]) == ours_rows, name


def test_changed_only_sends_just_the_graphs_a_new_release_changed(bundled: Path, virtuoso: Virtuoso,
                                                                 tmp_path: Path) -> None:
    store_dir = tmp_path / "store"
    shutil.copytree(bundled, store_dir, symlinks=True)
    first = publish(store_dir, virtuoso.gsp_url, virtuoso.sparql_url)
    assert first.returncode == 0, first.stderr
    before = graph_lines(store_dir)

    release = tmp_path / "2023-01-16-kemensos-salurkan-kursi-roda-temanggung.txt"
    release.write_text(NEW_RELEASE, encoding="utf-8")
    build([str(ROOT / "corpus"), str(release)], store_dir)
    after = graph_lines(store_dir)
    changed = sorted(g for g in after if before.get(g) != after[g])
    assert len(after) == len(before) + 1 and len(changed) < len(after)

    start = virtuoso.mark("before-changed-only")
    update = publish(store_dir, virtuoso.gsp_url, virtuoso.sparql_url, "--changed-only")
    end = virtuoso.mark("after-changed-only")
    assert update.returncode == 0, update.stderr
    assert sorted(SENT.findall(update.stdout)) == changed
    assert f"{len(after) - len(changed)} unchanged" in update.stdout
    assert sorted(puts(virtuoso, start, end)) == changed
    assert virtuoso_counts(virtuoso, sorted(after)) == {g: len(lines) for g, lines in after.items()}

    nothing = publish(store_dir, virtuoso.gsp_url, virtuoso.sparql_url, "--changed-only")
    assert nothing.returncode == 0 and SENT.findall(nothing.stdout) == [], nothing.stdout


class FailingProxy:
    """A loopback proxy to Virtuoso that answers 503 to the `fail_at`-th PUT (counting from 1), and records
    the graph of every PUT it forwarded."""

    def __init__(self, upstream: str, fail_at: int | None) -> None:
        self.upstream, self.fail_at, self.forwarded, self._puts = upstream, fail_at, [], 0
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            def _forward(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                if self.command == "PUT":
                    proxy._puts += 1
                    if proxy._puts == proxy.fail_at:
                        self.send_response(503, "Service Unavailable")
                        self.send_header("Content-Length", str(len(BUSY)))
                        self.end_headers()
                        self.wfile.write(BUSY)
                        return
                headers = {k: v for k, v in self.headers.items() if k.lower() not in ("host", "content-length")}
                answer = requests.request(self.command, proxy.upstream + self.path, data=body, headers=headers,
                                          timeout=120)
                if self.command == "PUT" and answer.status_code < 300:
                    proxy.forwarded.append(parse_qs(urlsplit(self.path).query)["graph"][0])
                self.send_response(answer.status_code)
                for name, value in answer.headers.items():
                    if name.lower() not in ("content-length", "transfer-encoding", "connection", "content-encoding"):
                        self.send_header(name, value)
                self.send_header("Content-Length", str(len(answer.content)))
                self.end_headers()
                self.wfile.write(answer.content)

            do_GET = do_PUT = do_POST = do_DELETE = _forward

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def test_a_run_failing_half_way_says_what_it_sent_and_the_next_resumes(bundled: Path, virtuoso: Virtuoso,
                                                                       tmp_path: Path) -> None:
    store_dir = tmp_path / "store"
    shutil.copytree(bundled, store_dir, symlinks=True)
    graphs = sorted(graph_lines(store_dir))
    proxy = FailingProxy(virtuoso.base_url, fail_at=6)
    try:
        failed = publish(store_dir, proxy.url + "/sparql-graph-crud-auth", virtuoso.sparql_url)
        assert failed.returncode == 1, failed.stdout
        assert f"PUT <{graphs[5]}>: the target answered 503 Service Unavailable: store is busy" in failed.stderr
        assert "sent 5 graph(s) this run" in failed.stderr
        assert f"not sent: {len(graphs) - 5} graph(s)" in failed.stderr
        assert "run the same command again to resume" in failed.stderr
        assert proxy.forwarded == graphs[:5]

        proxy.fail_at = None
        resumed = publish(store_dir, proxy.url + "/sparql-graph-crud-auth", virtuoso.sparql_url)
        assert resumed.returncode == 0, resumed.stderr
        assert SENT.findall(resumed.stdout) == graphs[5:]
        assert sorted(proxy.forwarded) == graphs  # each graph once over both runs
        assert f"sent {len(graphs) - 5} of {len(graphs)} graphs" in resumed.stdout

        full = publish(store_dir, proxy.url + "/sparql-graph-crud-auth", virtuoso.sparql_url)
        assert full.returncode == 0 and SENT.findall(full.stdout) == graphs  # finished: a plain run sends all again
    finally:
        proxy.close()


def test_unreachable_target_and_missing_secret_are_reported_before_anything_is_lost(bundled: Path,
                                                                                   tmp_path: Path) -> None:
    store_dir = tmp_path / "store"
    shutil.copytree(bundled, store_dir, symlinks=True)
    closed = "http://127.0.0.1:9/store"  # the discard port: nothing listens there
    refused = subprocess.run([*serve_command(), "publish", "--store", str(store_dir), "--to", closed],
                             capture_output=True, text=True, check=False, timeout=120)
    assert refused.returncode == 1
    assert f"PUT {closed}: cannot reach the target ([Errno 111] Connection refused)" in refused.stderr
    assert "sent 0 graph(s) this run" in refused.stderr and "not sent: 27 graph(s)" in refused.stderr

    unset = subprocess.run([*serve_command(), "publish", "--store", str(store_dir), "--to", closed, "--user", "u",
                            "--password-env", "KG_TEST_NO_SUCH_VARIABLE"], capture_output=True, text=True, check=False, timeout=60,
                           env={k: v for k, v in os.environ.items() if k != "KG_TEST_NO_SUCH_VARIABLE"})
    assert unset.returncode == 1
    assert "the environment variable KG_TEST_NO_SUCH_VARIABLE is not set or empty" in unset.stderr


def test_the_default_graph_is_refused_not_mixed_into_the_targets(tmp_path: Path) -> None:
    data = tmp_path / "loose.nt"
    data.write_text('<http://example.org/s> <http://example.org/p> "o" .\n', encoding="utf-8")
    kg_store.load_files(tmp_path / "store", [data])
    done = subprocess.run([*serve_command(), "publish", "--store", str(tmp_path / "store"), "--to",
                           "http://127.0.0.1:9/store"], capture_output=True, text=True, check=False, timeout=60)
    assert done.returncode == 1
    assert "the store's default graph holds 1 triples" in done.stderr and "--graph IRI" in done.stderr


def test_a_graph_digest_ignores_order_and_sees_every_triple() -> None:
    lines = [b'<http://e/a> <http://e/p> "1" .\n', b'<http://e/b> <http://e/p> "2"@id .\n']
    one, other = digest_ntriples(io.BytesIO(b"".join(lines))), digest_ntriples(io.BytesIO(b"".join(lines[::-1])))
    assert one == other and one.triples == 2
    changed = digest_ntriples(io.BytesIO(lines[0] + b'<http://e/b> <http://e/p> "3"@id .\n'))
    assert changed.value != one.value and changed.triples == 2


def test_a_release_graph_dumps_to_what_the_store_holds(bundled: Path, tmp_path: Path) -> None:
    """The digest `publish` keeps is of the graph as pyoxigraph dumps it: every triple, each once."""
    store = Store.read_only(str((bundled / kg_store.CURRENT).resolve()))
    graph = NamedNode("https://w3id.org/kemensos-kg/doc/2022-11-09-delegasi-kemensos-fukuoka")
    out = tmp_path / "g.nt"
    with out.open("wb") as handle:
        store.dump(handle, RdfFormat.N_TRIPLES, from_graph=graph)
    with out.open("rb") as handle:
        digest = digest_ntriples(handle)
    assert digest.triples == sum(1 for _ in store.quads_for_pattern(None, None, None, graph)) > 100

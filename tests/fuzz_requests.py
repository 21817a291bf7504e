"""A seeded generator of hostile HTTP requests for the endpoint, and a client that sends them raw.

Not a test module: `tests/test_fuzz.py` drives a real server with it in CI, and `bench/soak.py` can
too. Every request is raw bytes over its own loopback connection, so odd methods, broken chunked
bodies, bad encodings and stray headers reach the server exactly as generated; a failing request
prints as a shell line that sends it again.
"""

from __future__ import annotations

import random
import socket
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

ROOT = Path(__file__).resolve().parent.parent
COMPETENCY = [p.read_text(encoding="utf-8") for p in sorted((ROOT / "queries").glob("*.rq"))]

ROUTES = ["/sparql", "/store", "/", "/search", "/explore", "/api/neighbourhood", "/healthz", "/.well-known/void",
          "/dump.nq.gz", "/ontology", "/ontology.ttl", "/id/person/harry-hikmat", "/id/org/sentra-kartini",
          "/doc/2022-11-09-delegasi-kemensos-fukuoka", "/graph/reference", "/graph/ontology", "/static/x.js",
          "/id/", "/doc/", "/graph/", "/nope"]
METHODS = ["GET"] * 6 + ["POST"] * 5 + ["HEAD", "OPTIONS", "PUT", "DELETE", "PATCH", "TRACE", "FOO", "get"]
CONTENT_TYPES = ["application/sparql-query", "application/sparql-update", "application/x-www-form-urlencoded",
                 "application/sparql-query; charset=latin-1", "application/x-www-form-urlencoded; charset=utf-16",
                 "text/turtle", "application/n-triples", "multipart/form-data; boundary=x", "text/plain", "",
                 "application/json", "application/sparql-query;;;", "*/*", "application/x-www-form-urlencoded; x"]
ACCEPTS = ["*/*", "text/html", "application/sparql-results+json", "text/csv", "text/tab-separated-values",
           "application/sparql-results+xml", "text/turtle", "application/ld+json", "application/n-quads",
           "application/rdf+xml", "image/png", "text/html;q=0, */*;q=0", "application/json;q=abc", ";;,,",
           "text/*;q=0.5, application/*;q=1.0e3", "x" * 300]
INSERTS = ["{", "}", "(", ")", "[", "]", "<", ">", '"', "'", "#", ".", ";", ",", "?", "$", "\\", "^^", "@",
           " UNION ", " OPTIONAL ", " FILTER(", " SERVICE <http://127.0.0.1:1/> ", " SERVICE ?x ", " GRAPH ",
           " BIND(", " VALUES ?x { 1 } ", " LIMIT 1", " OFFSET -1", " ORDER BY ", "\u0000", "\ud800", "\u202e",
           "é", "𝔘", " BASE <x:> ", " PREFIX : <", " LOAD <http://127.0.0.1/> ", "\"\"\"", "'''"]
DEEP = [lambda n: "{" * n, lambda n: "(" * n, lambda n: "STR(" * n, lambda n: "!" * n,
        lambda n: " UNION ".join(["{ ?s ?p ?o }"] * n), lambda n: "+".join(["1"] * n),
        lambda n: "{ SELECT * WHERE {" * n, lambda n: "/".join(["<http://ex/p>"] * n), lambda n: "[ ?p " * n,
        lambda n: " ".join(["OPTIONAL { ?s ?p ?o }"] * n)]


@dataclass(frozen=True)
class Case:
    """One request as bytes, and a line that sends it again."""

    raw: bytes

    def reproducer(self, port: int) -> str:
        return f"printf %s {quote_shell(self.raw)} | nc 127.0.0.1 {port}"


def quote_shell(data: bytes) -> str:
    return "$'" + "".join(f"\\x{b:02x}" if b < 0x20 or b >= 0x7f or chr(b) in "'\\" else chr(b) for b in data) + "'"


def _mutate(rng: random.Random, text: str) -> str:
    for _ in range(rng.randint(1, 4)):
        if not text:
            text = rng.choice(COMPETENCY)
        where = rng.randrange(len(text) + 1)
        action = rng.randrange(6)
        if action == 0:
            text = text[:where] + rng.choice(INSERTS) + text[where:]
        elif action == 1:
            text = text[:where] + text[where + rng.randint(1, 40):]
        elif action == 2:
            end = min(len(text), where + rng.randint(1, 80))
            text = text[:where] + text[where:end] * rng.randint(2, 4) + text[end:]
        elif action == 3:
            text = text[:where]
        elif action == 4:
            text = text.swapcase() if rng.random() < 0.3 else text.replace(" ", rng.choice(["", "\t", "\n", "  "]))
        else:
            depth = rng.choice([1, 5, 50, 200, 1000, 2500, 5000, 12000])
            text = text[:where] + rng.choice(DEEP)(depth) + text[where:]
    return text


def _query(rng: random.Random) -> str:
    if rng.random() < 0.15:
        shape = rng.choice(DEEP)
        depth = rng.choice([10, 127, 129, 500, 1000, 2300, 5000, 15000])
        return "SELECT * WHERE { " + shape(depth) + " }"
    base = rng.choice(COMPETENCY)
    return base if rng.random() < 0.1 else _mutate(rng, base)


def _encode(rng: random.Random, text: str) -> bytes:
    choice = rng.random()
    if choice < 0.8:
        return text.encode("utf-8", "surrogatepass")
    if choice < 0.9:
        return text.encode("latin-1", "replace")
    return bytes(rng.randrange(256) for _ in range(rng.randint(0, 200)))


def _path(rng: random.Random) -> str:
    route = rng.choice(ROUTES)
    r = rng.random()
    if r < 0.25 and route.endswith("/"):
        route += rng.choice(["person/", "org/", "", "x/"]) + "".join(
            rng.choice(["%7B", "%ff", "%fe", "%22", "..", "%5c", "%253C", "%23", "%00", "%0A", "a", "-", ".ttl",
                        ".html", ".rdf", "%E2%80%AE", "//", "%2e%2e", "é"]) for _ in range(rng.randint(1, 6)))
    elif r < 0.3:
        route += rng.choice([".ttl", ".jsonld", ".xyz", "/", "//x", "%00", "?", "#x"])
    return route


def _query_string(rng: random.Random, query: str | None) -> str:
    params: list[tuple[str, str]] = []
    if query is not None:
        params.append(("query", query))
    for _ in range(rng.choice([0, 0, 0, 1, 2])):
        name = rng.choice(["default-graph-uri", "named-graph-uri", "format", "output", "graph", "default", "iri", "q",
                           "update", "query", "using-graph-uri", "page", "limit"])
        value = rng.choice(["x", "", "http://ex/g", "http://ex/a b", "%zz", "json", "csv", "ttl", "html", "<>",
                            "https://w3id.org/kemensos-kg/id/person/harry-hikmat", "{", "-1", "9" * 30, "é"])
        params.append((name, value))
    return "&".join(f"{quote(k, safe='')}={quote(v, safe='', errors='replace')}" for k, v in params)


def _chunked(rng: random.Random, body: bytes) -> bytes:
    pieces, at = [], 0
    while at < len(body):
        size = rng.randint(1, 64)
        piece = body[at:at + size]
        declared = len(piece) if rng.random() < 0.8 else rng.choice([len(piece) + 3, 0, -1])
        head = f"{declared:x}" if declared >= 0 else "-1"
        if rng.random() < 0.05:
            head = rng.choice(["ZZ", "5;ext", "5 ", "", "ffffffffffffffffffff"])
        pieces.append(head.encode() + b"\r\n" + piece + rng.choice([b"\r\n"] * 9 + [b"\n", b"XX"]))
        at += size
    return b"".join(pieces) + rng.choice([b"0\r\n\r\n"] * 8 + [b"", b"0\r\n"])


def generate(rng: random.Random, host: str) -> Case:
    method = rng.choice(METHODS)
    path = _path(rng)
    headers = [f"Host: {rng.choice([host] * 8 + ['x', 'a b', '[::1', '%00', 'é'])}", "Connection: close"]
    if rng.random() < 0.7:
        headers.append(f"Accept: {rng.choice(ACCEPTS)}")
    if rng.random() < 0.2:
        headers.append(f"Accept-Encoding: {rng.choice(['gzip', 'identity', '*', 'gzip;q=0', 'br, x', ',,,'])}")
    if rng.random() < 0.1:
        headers.append("If-None-Match: " + rng.choice(["*", 'W/"x"', '"', "garbage"]))
    if rng.random() < 0.1:
        headers.append(f"Authorization: {rng.choice(['Bearer x', 'Bearer ', 'Basic eA==', 'x' * 100])}")
    body = b""
    query = _query(rng)
    query_in_url = method in ("GET", "HEAD", "get") or rng.random() < 0.1
    target = path
    if path == "/sparql" or rng.random() < 0.2:
        target += "?" + _query_string(rng, query if query_in_url else None)
    if method not in ("GET", "HEAD", "get") and not (query_in_url and rng.random() < 0.5):
        content_type = rng.choice(CONTENT_TYPES)
        if content_type:
            headers.append(f"Content-Type: {content_type}")
        text = query
        if content_type.startswith("application/x-www-form-urlencoded"):
            text = _query_string(rng, query) if rng.random() < 0.8 else f"update={quote(query, errors='replace')}"
        body = _encode(rng, text)
    if body and rng.random() < 0.15:
        headers.append("Transfer-Encoding: chunked")
        body = _chunked(rng, body)
    elif body or method in ("POST", "PUT"):
        length = len(body) if rng.random() < 0.95 else max(0, len(body) + rng.choice([-5, -1]))
        headers.append(f"Content-Length: {length}")
    head = f"{method} {target} HTTP/1.1\r\n" + "".join(f"{h}\r\n" for h in headers) + "\r\n"
    return Case(head.encode("utf-8", "surrogatepass") + body)


@dataclass(frozen=True)
class Reply:
    status: int | None  # None: the server closed the connection without a status line
    error: str = ""


def send(port: int, case: Case, timeout: float = 60.0) -> Reply:
    """Send the raw request, read the reply to its end; an empty reply is one with no status."""
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=timeout) as conn:
            try:
                conn.sendall(case.raw)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the server may answer (and close) before a long body is sent: read its answer
            data = b""
            while chunk := conn.recv(65536):
                data += chunk
                if len(data) > 64:
                    break  # the status line is all that is checked; the server closes when the client does
    except OSError as exc:
        return Reply(None, repr(exc))
    line = data.split(b"\r\n", 1)[0].split()
    if len(line) < 2 or not line[1].isdigit():
        return Reply(None, f"no status line: {data[:80]!r}")
    return Reply(int(line[1]))


def cases(seed: int, count: int, host: str) -> list[Case]:
    rng = random.Random(seed)
    return [generate(rng, host) for _ in range(count)]


Generator = Callable[[random.Random, str], Case]

__all__ = ["Case", "Reply", "cases", "generate", "send"]

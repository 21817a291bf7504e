"""Running a query for a request and streaming its result: the time limit, the SERVICE policy,
gzip, and the headers every result carries. Shared by `/sparql`, the Graph Store Protocol, the
service description and the pages' data queries."""

from __future__ import annotations

import hmac
import zlib
from collections.abc import Iterator

from flask import Response, abort, request, stream_with_context
from pyoxigraph import NamedNode

from kg.query.depth import check_depth
from kg.query.evaluator import EvaluationError, QueryJob, QueryResult, ServiceFailed
from server.context import config, policy, runner, within_time_limit
from server.negotiation import negotiate

GZIP_LEVEL = 1  # a third of level 6's time for ~10 % more bytes: results are made per request, not stored
GZIP_MIN_BYTES = 1400  # a body that fits one packet gains nothing from compression


def _gzip(chunks: Iterator[bytes]) -> Iterator[bytes]:
    compressor = zlib.compressobj(GZIP_LEVEL, zlib.DEFLATED, 31)
    for chunk in chunks:
        data = compressor.compress(chunk)
        if data:
            yield data
    yield compressor.flush()


def _accepts_gzip() -> bool:
    """`Accept-Encoding` names gzip (or *) with a q above 0."""
    header = request.headers.get("Accept-Encoding", "")
    return bool(header) and negotiate(header.replace("*", "gzip"), ["gzip"]) == "gzip"


def result_response(result: QueryResult, status: int = 200) -> Response:
    """Stream a finished result; spool files are read in chunks and removed afterwards."""
    mimetype = result.media_type
    content_type = f"{mimetype}; charset=utf-8" if mimetype.startswith("text/") or mimetype.endswith(("json", "xml")) else mimetype
    body: Iterator[bytes] = result.chunks()
    headers = {
        "Vary": "Accept, Accept-Encoding",
        "X-Query-Time": f"{result.seconds:.4f}",
        "X-Result-Rows": str(result.rows),
    }
    if "cache" in result.extra:
        headers["X-Cache"] = result.extra["cache"]
    if result.truncated:
        headers["X-Result-Truncated"] = f"true; limit={config().max_rows}"
    if result.size >= GZIP_MIN_BYTES and _accepts_gzip():
        body = _gzip(body)
        headers["Content-Encoding"] = "gzip"
    else:
        headers["Content-Length"] = str(result.size)
    response = Response(stream_with_context(body), status=status, headers=headers, content_type=content_type)
    response.direct_passthrough = True
    response.headers["X-Result-Bytes"] = str(result.size)
    return response


def service_base() -> str | None:
    """The base IRI relative IRIs in a query or update resolve against: the URL it was sent to, as
    the protocol has it — unless that URL is no IRI (a path or Host header with characters an IRI
    may not hold), when relative IRIs are not resolved at all."""
    try:
        return NamedNode(request.base_url).value
    except ValueError:
        return None


def check_nesting(text: str, what: str = "query") -> None:
    """400 for a query or update nested past the configured limits, before pyoxigraph parses it."""
    cfg = config()
    check_depth(text, cfg.max_nesting, cfg.max_chain, what)


def run_query(text: str, default_graphs: list[str], named_graphs: list[str],
              solutions_format: str | None, graph_format: str | None) -> QueryResult:
    check_nesting(text)
    federated = policy().check(text)
    job = QueryJob(text, solutions_format, graph_format, tuple(default_graphs), tuple(named_graphs), config().max_rows,
                   base_iri=service_base())
    try:
        run = runner().run  # read in the request's thread: the evaluation's has no app context
        return within_time_limit(lambda: run(job))
    except EvaluationError as exc:
        if federated:  # the allowed remote endpoint failed, not this server
            raise ServiceFailed(f"a SERVICE endpoint failed: {exc}") from exc
        raise


def authorise_update() -> None:
    cfg = config()
    if cfg.read_only:
        abort(403, "this endpoint is read-only: updates are enabled only when the server is started with a token")
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token:
        response = Response("401 Unauthorized: updates need 'Authorization: Bearer <token>'\n", status=401, mimetype="text/plain")
        response.headers["WWW-Authenticate"] = 'Bearer realm="kemensos-kg"'
        abort(response)
    if not hmac.compare_digest(token.strip().encode(), (cfg.update_token or "").encode()):
        abort(403, "the bearer token is not the one this server was started with")

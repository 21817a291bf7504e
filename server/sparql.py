"""`/sparql`: the W3C SPARQL 1.1 Protocol — query by GET, by form POST and by direct POST; update
(only with the server's secret token); results by content negotiation, streamed and gzipped."""

from __future__ import annotations

import time

from flask import Blueprint, Response, abort, request
from gunicorn.http.errors import ParseException
from pyoxigraph import NamedNode

from kg.errors import query_syntax_error
from kg.store import generations as store
from server.context import config, policy
from server.description import service_description
from server.negotiation import choose_formats
from server.query_editor import query_editor
from server.query_runner import authorise_update, check_nesting, result_response, run_query, service_base
from server.rendering import wants_html

bp = Blueprint("sparql", __name__)

FORM = "application/x-www-form-urlencoded"
QUERY_TYPE = "application/sparql-query"
UPDATE_TYPE = "application/sparql-update"
TEXT_TYPES = ("text/csv", "text/tab-separated-values", "text/turtle")


def _single(values: list[str], name: str) -> str | None:
    if len(values) > 1:
        abort(400, f"the '{name}' parameter was given {len(values)} times; the protocol allows one")
    return values[0] if values else None


def _utf8_body() -> str:
    charset = (request.mimetype_params.get("charset") or "utf-8").lower()
    if charset not in ("utf-8", "utf8"):
        abort(415, f"request body charset {charset} is not supported: send UTF-8")
    try:
        return request.get_data(cache=True).decode("utf-8")
    except UnicodeDecodeError:
        abort(400, "request body is not valid UTF-8")


def _operation() -> tuple[str, str | None, list[str], list[str]]:
    """(kind, text, default graphs, named graphs) from the three request forms; kind is 'query',
    'update' or 'none' (a GET without a query: the service description)."""
    args = request.args
    if request.method in ("GET", "HEAD"):
        if "update" in args:
            abort(400, "SPARQL Update must be sent by POST")
        query = _single(args.getlist("query"), "query")
        return ("query" if query is not None else "none"), query, args.getlist("default-graph-uri"), args.getlist("named-graph-uri")
    mimetype = request.mimetype
    if not mimetype:
        abort(415, "POST needs a Content-Type: application/sparql-query, application/sparql-update "
                   "or application/x-www-form-urlencoded")
    if mimetype == FORM:
        _utf8_body()
        form = request.form
        query, update = _single(form.getlist("query"), "query"), _single(form.getlist("update"), "update")
        if query is not None and update is not None:
            abort(400, "send either 'query' or 'update', not both")
        if query is None and update is None:
            abort(400, "the form has neither a 'query' nor an 'update' parameter")
        if query is not None:
            return "query", query, form.getlist("default-graph-uri") + args.getlist("default-graph-uri"), \
                form.getlist("named-graph-uri") + args.getlist("named-graph-uri")
        return "update", update, form.getlist("using-graph-uri"), form.getlist("using-named-graph-uri")
    if mimetype == QUERY_TYPE:
        if "query" in args:
            abort(400, "a direct POST carries the query in its body, not also in the URL")
        return "query", _utf8_body(), args.getlist("default-graph-uri"), args.getlist("named-graph-uri")
    if mimetype == UPDATE_TYPE:
        return "update", _utf8_body(), args.getlist("using-graph-uri"), args.getlist("using-named-graph-uri")
    abort(415, f"unsupported Content-Type {mimetype}: use application/sparql-query, "
               "application/sparql-update or application/x-www-form-urlencoded")


def _graph_iris(values: list[str], name: str) -> list[str]:
    """The dataset's graph IRIs as given; 400 naming the parameter for one that is no absolute IRI.
    An empty `default-graph-uri=` names the store's own default graph (without the releases' graphs)."""
    for value in values:
        if value == "" and name == "default-graph-uri":
            continue
        try:
            NamedNode(value)
        except ValueError as exc:
            abort(400, f"the '{name}' parameter {value!r} is not an absolute IRI: {exc}")
    return values


def run_update(text: str) -> Response:
    authorise_update()
    check_nesting(text, "update")
    policy().check(text)
    started = time.perf_counter()
    base = service_base()  # the protocol's service-defined BASE: the endpoint itself

    def apply(target) -> None:  # type: ignore[no-untyped-def]
        try:
            target.update(text, base_iri=base)
        except SyntaxError as exc:
            raise query_syntax_error("update", text, exc) from exc

    summary = store.modify_store(config().store_dir, apply)
    return Response(f"update applied: {summary.quads} quads in the store\n", status=200, mimetype="text/plain",
                    headers={"X-Query-Time": f"{time.perf_counter() - started:.4f}"})


@bp.app_errorhandler(ParseException)
def malformed_body(exc: ParseException) -> Response:
    """A body gunicorn cannot read (a bad chunk size or terminator), on any route: the client's
    error, 400 (gunicorn then closes the connection, since where the next request starts is lost)."""
    return Response(f"400 Bad Request: the request body is malformed: {type(exc).__name__}: {exc}\n",
                    status=400, mimetype="text/plain")


@bp.route("/sparql", methods=["GET", "POST", "OPTIONS"])
def sparql() -> Response:
    if request.method == "OPTIONS":
        return Response(status=204, headers={"Allow": "GET, POST, OPTIONS"})
    kind, text, default_graphs, named_graphs = _operation()
    if kind == "none":
        if wants_html():  # a browser: the query editor; RDF clients: the service description
            return query_editor()
        return service_description()
    if kind == "update":
        if default_graphs or named_graphs:
            abort(400, "using-graph-uri / using-named-graph-uri are not supported: name graphs with USING or WITH in the update")
        return run_update(text or "")
    if not (text or "").strip():
        abort(400, "the query is empty")
    default_graphs, named_graphs = _graph_iris(default_graphs, "default-graph-uri"), _graph_iris(named_graphs, "named-graph-uri")
    fmt = request.args.get("format") or request.args.get("output") or (request.form.get("format") if request.mimetype == FORM else None)
    solutions, graph = choose_formats(request.headers.get("Accept"), fmt)
    if solutions is None and graph is None:
        wanted = fmt or request.headers.get("Accept")
        abort(406, f"cannot produce {wanted}: SELECT/ASK results are available as JSON, XML, CSV, TSV; "
                   "CONSTRUCT/DESCRIBE results as Turtle, N-Triples, RDF/XML, JSON-LD, TriG, N-Quads")
    return result_response(run_query(text or "", default_graphs, named_graphs, solutions, graph))

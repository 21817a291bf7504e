"""`/store`: the SPARQL 1.1 Graph Store HTTP Protocol, indirect identification (`?graph=IRI` or
`?default`). Reading is public like any query; PUT, POST and DELETE need the server's token."""

from __future__ import annotations

from flask import Blueprint, Response, abort, request
from pyoxigraph import DefaultGraph, NamedNode, RdfFormat, Store

from kg.errors import QueryError
from kg.store import generations as store
from server.context import config
from server.negotiation import choose_formats
from server.query_runner import authorise_update, result_response, run_query

bp = Blueprint("graph_store", __name__)


def _target() -> str | None:
    """The graph IRI, or None for the default graph."""
    graph, default = request.args.getlist("graph"), "default" in request.args
    if len(graph) + default != 1:
        abort(400, "name exactly one graph: ?graph=<IRI> or ?default")
    return graph[0] if graph else None


def _exists(graph: str | None) -> bool:
    if graph is None:
        return True
    result = run_query(f"ASK {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}", [], [], "json", None)
    return b"true" in b"".join(result.chunks())


@bp.route("/store", methods=["GET", "HEAD", "PUT", "POST", "DELETE", "OPTIONS"])
def graph_store() -> Response:
    if request.method == "OPTIONS":
        return Response(status=204, headers={"Allow": "GET, HEAD, PUT, POST, DELETE, OPTIONS"})
    graph = _target()
    if graph is not None and any(ch in graph for ch in "<> \"{}|\\^`"):
        abort(400, f"not an IRI: {graph}")
    if request.method in ("GET", "HEAD"):
        if not _exists(graph):
            abort(404, f"no graph <{graph}> in the store")
        _, fmt = choose_formats(request.headers.get("Accept"), request.args.get("format"))
        if fmt is None:
            abort(406, "graphs are available as Turtle, N-Triples, RDF/XML, JSON-LD, TriG and N-Quads")
        # the store's own default graph is named "" for the evaluator; a named graph becomes the default
        result = run_query("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }", [graph or ""], [], None, fmt)
        response = result_response(result)
        if request.method == "HEAD":
            response.response = []
        return response
    authorise_update()
    return _write(graph)


def _write(graph: str | None) -> Response:
    method = request.method
    target = NamedNode(graph) if graph else DefaultGraph()
    existed = _exists(graph)
    if method == "DELETE":
        if not existed:
            abort(404, f"no graph <{graph}> in the store")
        store.modify_store(config().store_dir, lambda s: s.remove_graph(target) if graph else s.clear_graph(target))
        return Response(status=204)
    fmt = RdfFormat.from_media_type(request.mimetype or "")
    if fmt is None:
        abort(415, f"unsupported RDF media type {request.mimetype or '(none)'}")
    data = request.get_data()

    def write(s: Store) -> None:
        if method == "PUT" and (graph is None or s.contains_named_graph(target)):
            s.clear_graph(target)
        try:
            s.load(data, format=fmt, to_graph=target)
        except (SyntaxError, ValueError) as exc:
            raise QueryError(f"the request body is not valid {fmt.name}: {exc}") from exc

    store.modify_store(config().store_dir, write)
    return Response(status=201 if graph is not None and not existed else 204)

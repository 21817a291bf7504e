"""The application factory: it only assembles — configuration and the query runner into the app's
extensions (read through `server.context`), the blueprints, error pages, CORS and health."""

from __future__ import annotations

import queue
import time
from pathlib import Path

from flask import Flask, Response, g, jsonify, request
from werkzeug.exceptions import HTTPException

from kg.errors import KGError
from kg.query.evaluator import Evaluator, InlineEvaluator, QueryJob, QueryResult, current_generation
from kg.query.federation import FederationPolicy
from kg.query.result_cache import ResultCache, Runner
from kg.store.snapshot import Stores
from server import body, conditional
from server.catalog import bp as catalog_bp
from server.config import ServerConfig
from server.description import bp as description_bp
from server.errors import status_of
from server.explorer import bp as explorer_bp
from server.graph_store import bp as graph_store_bp
from server.linked_data import bp as linked_data_bp
from server.negotiation import negotiate
from server.pages import bp as pages_bp
from server.rendering import render
from server.search import bp as search_bp
from server.sparql import bp as sparql_bp


class EvaluatorPool:
    """One killable evaluator per concurrent request a worker process can serve."""

    def __init__(self, config: ServerConfig) -> None:
        self._idle: queue.Queue[Evaluator] = queue.Queue()
        for _ in range(max(1, config.threads)):
            self._idle.put(Evaluator(config.store_dir, config.timeout))

    def run(self, job: QueryJob) -> QueryResult:
        evaluator = self._idle.get()
        try:
            return evaluator.run(job)
        finally:
            self._idle.put(evaluator)

    def warm(self) -> None:
        """Start every evaluator's process, so the first queries do not wait for one."""
        for evaluator in list(self._idle.queue):
            evaluator.warm()

    def close(self) -> None:
        while not self._idle.empty():
            self._idle.get().close()


def _browser_wants_html() -> bool:
    """Browsers get error pages; every other client (curl's */*, SPARQL libraries) plain text."""
    return negotiate(request.headers.get("Accept"), ["text/plain", "text/html"]) == "text/html"


def _make_runner(cfg: ServerConfig, stores: Stores) -> Runner:
    inner: Runner = InlineEvaluator(stores) if cfg.evaluation == "worker" else EvaluatorPool(cfg)
    return ResultCache(inner, stores.generation, cfg.cache_mb << 20) if cfg.cache_mb > 0 else inner


def create_app(cfg: ServerConfig) -> Flask:
    """A Flask app serving the store at `cfg.store_dir`."""
    app = Flask(__name__)
    app.config["MAX_CONTENT_LENGTH"] = cfg.max_body
    app.extensions["kg_config"] = cfg
    stores = Stores(cfg.store_dir)
    app.extensions["kg_stores"] = stores
    app.extensions["kg_runner"] = _make_runner(cfg, stores)
    app.extensions["kg_policy"] = FederationPolicy.from_strings(cfg.service_allow)

    for blueprint in (sparql_bp, description_bp, catalog_bp, graph_store_bp, pages_bp, linked_data_bp, search_bp,
                      explorer_bp):
        app.register_blueprint(blueprint)

    @app.before_request
    def _start_clock() -> None:
        g.started = time.perf_counter()

    conditional.register(app)
    body.register(app)

    @app.after_request
    def _cors_and_timing(response: Response) -> Response:
        response.headers["Access-Control-Allow-Origin"] = "*"
        response.headers["Access-Control-Expose-Headers"] = "Content-Type, Content-Length, X-Query-Time, X-Result-Rows, X-Result-Truncated, X-Cache, ETag, Link"
        if request.method == "OPTIONS":
            response.headers["Access-Control-Allow-Methods"] = "GET, POST, PUT, DELETE, HEAD, OPTIONS"
            response.headers["Access-Control-Allow-Headers"] = request.headers.get(
                "Access-Control-Request-Headers", "Content-Type, Accept, Authorization")
            response.headers["Access-Control-Max-Age"] = "86400"
        if "X-Query-Time" not in response.headers and hasattr(g, "started"):
            response.headers["X-Query-Time"] = f"{time.perf_counter() - g.started:.4f}"
        return response

    @app.errorhandler(HTTPException)
    def _http_error(exc: HTTPException) -> Response:
        """Every HTTP error is a short plain-text message, never an HTML stack trace."""
        description = exc.description
        if exc.code == 405:
            description = f"{request.method} is not supported here; allowed: {', '.join(exc.valid_methods or [])}"
        if _browser_wants_html():
            body = render("error.html", title=f"{exc.code} {exc.name}", jsonld={}, code=exc.code, name=exc.name,
                          description=description)
            response = Response(body, status=exc.code, mimetype="text/html")
        else:
            response = Response(f"{exc.code} {exc.name}: {description}\n", status=exc.code, mimetype="text/plain")
        for name, value in exc.get_response().headers.items():
            if name.lower() in ("allow", "www-authenticate", "retry-after"):
                response.headers[name] = value
        return response

    @app.errorhandler(KGError)
    def _kg_error(exc: KGError) -> Response:
        return Response(f"{exc}\n", status=status_of(exc), mimetype="text/plain")

    @app.get("/healthz")
    def healthz() -> Response:
        generation = current_generation(Path(cfg.store_dir))
        in_memory = cfg.evaluation == "worker" and stores.current().in_memory
        return jsonify({"status": "ok" if generation else "empty", "generation": Path(generation).name or None,
                        "read_only": cfg.read_only, "in_memory": in_memory})

    return app

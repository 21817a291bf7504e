"""Conditional GET: every read-only page and query result carries an ETag made from the store
generation and the request, so a client or cache that asks again with `If-None-Match` gets
304 Not Modified before any query runs. A rebuild or an update moves the generation and so changes
every tag; new code does too, since it may bring new pages or formats. The tag holds a digest of the
code, not anything of the process or of where the store lies, so replicas of one generation running
the same code behind a load balancer give the same request the same tag.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from flask import Flask, Response, current_app, g, request

UNTAGGED = ("/healthz", "/static/")  # health is live state; Flask tags its static files itself
CODE_SUFFIXES = (".py", ".html", ".js", ".css")  # what renders an answer; the lexicons only feed builds
VARIES = ("Accept", "Accept-Encoding", "Accept-Language")  # pages write numbers in the reader's language


def _tag() -> str | None:
    """The tag of this request's answer, or None when the answer is not a function of the store."""
    if request.method not in ("GET", "HEAD") or request.path.startswith(UNTAGGED):
        return None
    generation = current_app.extensions["kg_stores"].generation()
    if not generation:
        return None
    digest = hashlib.blake2b(digest_size=12)
    for part in (current_app.extensions["kg_instance"], generation, request.path, request.environ.get("QUERY_STRING", ""),
                 *(request.headers.get(name, "") for name in VARIES)):
        digest.update(part.encode("utf-8", "surrogateescape") + b"\0")
    return digest.hexdigest()


def code_digest() -> str:
    """A digest of the server's and `kg`'s code, templates and static files (relative paths and contents)."""
    digest = hashlib.blake2b(digest_size=8)
    for root in (Path(__file__).resolve().parent, Path(__file__).resolve().parent.parent / "kg"):
        for path in sorted(root.rglob("*")):
            if path.suffix in CODE_SUFFIXES and "__pycache__" not in path.parts and path.is_file():
                digest.update(path.relative_to(root.parent).as_posix().encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def register(app: Flask) -> None:
    app.extensions["kg_instance"] = code_digest()

    @app.before_request
    def _not_modified() -> Response | None:
        g.etag = _tag()
        if g.etag is not None and request.if_none_match.contains_weak(g.etag):
            response = Response(status=304)
            response.set_etag(g.etag, weak=True)
            response.headers["Vary"] = ", ".join(VARIES)
            return response
        return None

    @app.after_request
    def _tag_response(response: Response) -> Response:
        etag = g.get("etag")
        if etag is not None and response.status_code == 200 and "ETag" not in response.headers:
            response.set_etag(etag, weak=True)
            response.headers["Cache-Control"] = "no-cache"  # may be stored, but revalidated every time
        return response

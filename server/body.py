"""Request bodies read with a deadline.

A client that declares more body than it sends (a Content-Length, or a chunk size, beyond the bytes that
come) would hold a server thread until it hung up: gunicorn waits for the rest of the body as long as the
connection stays open. Each request with a body is read before it is handled, with a limit on the silence
between two reads of the socket: a client that stops sending gets 408 Request Timeout, and a slow one
that keeps sending is not cut off. The limit on the body's size (`--max-body`, 413) applies as it is read.
"""

from __future__ import annotations

from flask import Flask, abort, request
from werkzeug.exceptions import ClientDisconnected

#: seconds without a byte of a request body before the request is answered 408
BODY_SILENCE = 10.0


def _has_body() -> bool:
    return bool(request.content_length) or "chunked" in request.headers.get("Transfer-Encoding", "").lower()


def register(app: Flask) -> None:
    @app.before_request
    def _read_body_with_a_deadline() -> None:
        sock = request.environ.get("gunicorn.socket")  # None under the test client and other servers
        if sock is None or not _has_body():
            return
        sock.settimeout(BODY_SILENCE)
        try:
            request.get_data(cache=True, parse_form_data=False)
        except (TimeoutError, ClientDisconnected):  # werkzeug reports the socket's timeout as a disconnect
            abort(408, f"the request body stopped arriving: nothing for {BODY_SILENCE:g} s, before the length "
                       "it declared (Content-Length or a chunk size) was reached")
        finally:
            sock.settimeout(None)


__all__ = ["BODY_SILENCE", "register"]

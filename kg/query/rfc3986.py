"""RFC 3986 reference resolution and dot-segment removal, written out rather than imported.

Why it exists: a ``SERVICE``/``LOAD`` target written relative to ``BASE`` must be resolved exactly
as pyoxigraph resolves it, under any scheme (``urllib.parse.urljoin`` leaves ``c`` unresolved
against ``urn:a:b``, where pyoxigraph gives ``urn:c``), and the allow-list compares endpoints after
the dot-segment removal an HTTP client applies. The tokenizer (`kg.query.sparql_scan`) and the
policy (`kg.query.federation`) both use it.
"""

from __future__ import annotations

import re

SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.\-]*:")
#: RFC 3986 appendix B: scheme, authority, path, query, fragment
URI_REFERENCE = re.compile(r"^(?:([^:/?#]+):)?(?://([^/?#]*))?([^?#]*)(?:\?([^#]*))?(?:#(.*))?$", re.DOTALL)


def remove_dot_segments(path: str) -> str:
    """RFC 3986 §5.2.4."""
    output: list[str] = []
    while path:
        if path.startswith("../"):
            path = path[3:]
        elif path.startswith("./"):
            path = path[2:]
        elif path.startswith("/./"):
            path = path[2:]
        elif path == "/.":
            path = "/"
        elif path.startswith("/../"):
            path = path[3:]
            if output:
                output.pop()
        elif path == "/..":
            path = "/"
            if output:
                output.pop()
        elif path in (".", ".."):
            path = ""
        else:
            start = 1 if path.startswith("/") else 0
            cut = path.find("/", start)
            cut = len(path) if cut < 0 else cut
            output.append(path[:cut])
            path = path[cut:]
    return "".join(output)


def resolve_iri(reference: str, base: str | None) -> str:
    """Resolve ``reference`` against ``base`` as RFC 3986 §5.2 does (and as pyoxigraph does).

    An absolute reference is returned as it is; a relative one without a base too.
    """
    if SCHEME.match(reference) or base is None:
        return reference
    b_scheme, b_auth, b_path, b_query, _ = URI_REFERENCE.match(base).groups()  # type: ignore[union-attr]
    _, r_auth, r_path, r_query, r_frag = URI_REFERENCE.match(reference).groups()  # type: ignore[union-attr]
    if r_auth is not None:
        auth, path, query = r_auth, remove_dot_segments(r_path), r_query
    elif r_path == "":
        auth, path, query = b_auth, b_path, (r_query if r_query is not None else b_query)
    else:
        if r_path.startswith("/"):
            path = remove_dot_segments(r_path)
        elif b_auth is not None and b_path == "":
            path = remove_dot_segments("/" + r_path)
        else:
            path = remove_dot_segments(b_path[: b_path.rfind("/") + 1] + r_path)
        auth, query = b_auth, r_query
    out = f"{b_scheme}:" if b_scheme is not None else ""
    if auth is not None:
        out += "//" + auth
    out += path
    if query is not None:
        out += "?" + query
    if r_frag is not None:
        out += "#" + r_frag
    return out

"""RDF terms as N-Triples text: the form in which a build renders, derives, validates and stores.

Why text and not rdflib terms: a release yields a few thousand triples, and creating an rdflib
`Literal` costs 10-20 µs while formatting a string costs well under one. Strings hash and compare
fast, serialise to N-Quads by joining, and are what pyoxigraph parses. Literals are escaped as
rdflib's N-Quads serialiser escapes them, so a term written here loads as the same RDF term.
"""

from __future__ import annotations

from collections.abc import Iterable

from rdflib import BNode, Literal, URIRef
from rdflib.namespace import RDF, XSD
from rdflib.term import Node

#: a triple of N-Triples terms: "<s>", "<p>", "<o>" or '"lexical"@lang' / '"lexical"^^<datatype>'
Triple = tuple[str, str, str]

XSD_STRING = str(XSD.string)
LANG_STRING = str(RDF.langString)


def iri(value: str) -> str:
    return f"<{value}>"


def _escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("\n", "\\n").replace('"', '\\"').replace("\r", "\\r")


def literal(lexical: str, datatype: str | None = None, lang: str | None = None) -> str:
    """A literal: plain (xsd:string), language-tagged or typed."""
    if lang:
        return f'"{_escape(lexical)}"@{lang}'
    if datatype:
        return f'"{_escape(lexical)}"^^<{datatype}>'
    return f'"{_escape(lexical)}"'


def term(node: Node) -> str:
    """The N-Triples form of an rdflib term."""
    if isinstance(node, URIRef):
        return f"<{node}>"
    if isinstance(node, Literal):
        return literal(str(node), str(node.datatype) if node.datatype else None, node.language)
    if isinstance(node, BNode):
        return f"_:{node}"
    raise TypeError(f"not an RDF term: {node!r}")


def iri_value(text: str) -> str:
    """The IRI of "<…>"."""
    return text[1:-1]


_UNESCAPE = {"\\": "\\", "n": "\n", "r": "\r", '"': '"', "t": "\t", "b": "\b", "f": "\f", "'": "'"}


def literal_parts(text: str) -> tuple[str, str, str]:
    """(lexical form, datatype IRI, language tag) of a literal written by `literal`."""
    close = text.rindex('"')
    body, suffix = text[1:close], text[close + 1:]
    if "\\" in body:
        out, i = [], 0
        while i < len(body):
            if body[i] == "\\":
                out.append(_UNESCAPE[body[i + 1]])
                i += 2
            else:
                out.append(body[i])
                i += 1
        body = "".join(out)
    if suffix.startswith("@"):
        return body, LANG_STRING, suffix[1:]
    if suffix.startswith("^^"):
        return body, suffix[3:-1], ""
    return body, XSD_STRING, ""


def nquads(triples: Iterable[Triple], graph: str | None) -> str:
    """N-Quads lines of `triples` in the named graph `graph` (an N-Triples IRI), or the default graph (None)."""
    tail = f" {graph} .\n" if graph is not None else " .\n"
    return "".join([f"{s} {p} {o}{tail}" for s, p, o in triples])


__all__ = ["Triple", "iri", "literal", "term", "iri_value", "literal_parts", "nquads",
           "XSD_STRING", "LANG_STRING"]

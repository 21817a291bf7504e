"""Serialising query results: pyoxigraph's own serialisers where the rows can be counted in the
output, else row by row here, so a result can be capped at a number of rows and written to a spool
file as it is produced instead of being held in memory.

SELECT and ASK results are written here in the four W3C formats (SPARQL 1.1 Query Results JSON,
XML, CSV and TSV); CONSTRUCT and DESCRIBE results go through pyoxigraph's RDF serialisers, fed
by a capped iterator.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import IO, Any
from xml.sax.saxutils import escape, quoteattr

from pyoxigraph import (
    BlankNode,
    Literal,
    NamedNode,
    QueryBoolean,
    QueryResultsFormat,
    QuerySolutions,
    QueryTriples,
    RdfFormat,
    Triple,
    serialize,
)

from kg.graph.vocab import PREFIXES

XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
RDF_LANG_STRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"


@dataclass(frozen=True)
class Format:
    """A result serialisation: its short name, media type and the query forms it serves."""

    name: str
    media_type: str
    family: str  # "solutions" (SELECT/ASK) or "graph" (CONSTRUCT/DESCRIBE)
    rdf: RdfFormat | None = None


SOLUTION_FORMATS: dict[str, Format] = {
    f.name: f
    for f in (
        Format("json", "application/sparql-results+json", "solutions"),
        Format("xml", "application/sparql-results+xml", "solutions"),
        Format("csv", "text/csv", "solutions"),
        Format("tsv", "text/tab-separated-values", "solutions"),
    )
}
GRAPH_FORMATS: dict[str, Format] = {
    f.name: f
    for f in (
        Format("ttl", "text/turtle", "graph", RdfFormat.TURTLE),
        Format("nt", "application/n-triples", "graph", RdfFormat.N_TRIPLES),
        Format("rdfxml", "application/rdf+xml", "graph", RdfFormat.RDF_XML),
        Format("jsonld", "application/ld+json", "graph", RdfFormat.JSON_LD),
        Format("trig", "application/trig", "graph", RdfFormat.TRIG),
        Format("nq", "application/n-quads", "graph", RdfFormat.N_QUADS),
    )
}


@dataclass(frozen=True)
class Written:
    """What a serialiser wrote: the query form, how many rows or triples, whether it stopped at the cap."""

    form: str
    rows: int
    truncated: bool


FAST_BYTES = 8 << 20  # a result larger than this is written again by the capped writer

# formats pyoxigraph writes whose rows (or triples) can be counted in its output; the others
# (XML results, Turtle and the other nested RDF syntaxes) are always written by the capped writer
_FAST_SOLUTIONS = {"json": QueryResultsFormat.JSON, "csv": QueryResultsFormat.CSV, "tsv": QueryResultsFormat.TSV}
_FAST_GRAPHS = {"nt", "nq"}


class _TooLarge(Exception):
    pass


class _Bounded(io.BytesIO):
    """An in-memory buffer that refuses to grow past FAST_BYTES."""

    def write(self, data: bytes) -> int:  # type: ignore[override]
        if self.tell() + len(data) > FAST_BYTES:
            raise _TooLarge
        return super().write(data)


def count_json_rows(body: bytes) -> int:
    """Bindings in pyoxigraph's compact SPARQL-JSON. Inside a JSON string every quote is escaped, so
    `},{"` only occurs between two bindings; an empty binding `{}` (which strings may also hold) needs
    a real parse."""
    if b"{}" in body:
        return len(json.loads(body)["results"]["bindings"])
    if body.endswith(b'"bindings":[]}}'):
        return 0
    return body.count(b'},{"') + 1


def _count_rows(body: bytes, fmt: Format) -> int:
    if fmt.name == "json":
        return count_json_rows(body)
    if fmt.name == "tsv":  # TSV escapes line breaks inside terms
        return body.count(b"\n") - 1
    if fmt.name == "csv":  # quoted fields may span lines
        return sum(1 for _ in csv.reader(io.StringIO(body.decode("utf-8"), newline=""))) - 1
    return body.count(b"\n")  # N-Triples, N-Quads: one statement per line


def write_fast(results: Any, fmt: Format, out: IO[bytes], max_rows: int) -> Written | None:
    """Write `results` with pyoxigraph's serialiser when the format allows counting what was written;
    None (with nothing written to `out`) when the format cannot, the output passes FAST_BYTES or it
    has more rows than `max_rows`: the caller then evaluates again and uses `write_results`."""
    if isinstance(results, QueryBoolean):
        _write_boolean(bool(results), fmt, out)
        return Written("ask", 1, False)
    is_graph = isinstance(results, QueryTriples)
    if (fmt.name not in _FAST_GRAPHS) if is_graph else (fmt.name not in _FAST_SOLUTIONS):
        return None
    buffer = _Bounded()
    try:
        results.serialize(buffer, fmt.rdf if is_graph else _FAST_SOLUTIONS[fmt.name])
    except _TooLarge:
        return None
    body = buffer.getvalue()
    rows = _count_rows(body, fmt)
    if rows > max_rows:
        return None
    out.write(body)
    return Written("graph" if is_graph else "select", rows, False)


def write_results(results: Any, fmt: Format, out: IO[bytes], max_rows: int) -> Written:
    """Write `results` (as returned by `Store.query`) in `fmt`; at most `max_rows` rows or triples."""
    if isinstance(results, QueryBoolean):
        _write_boolean(bool(results), fmt, out)
        return Written("ask", 1, False)
    if isinstance(results, QuerySolutions):
        return _write_solutions(results, fmt, out, max_rows)
    if isinstance(results, QueryTriples):
        return _write_triples(results, fmt, out, max_rows)
    raise TypeError(f"unexpected result type {type(results).__name__}")


# -- terms -------------------------------------------------------------------------------------------

def _json_term(term: Any) -> dict[str, Any]:
    if isinstance(term, NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, BlankNode):
        return {"type": "bnode", "value": term.value}
    if isinstance(term, Literal):
        out: dict[str, Any] = {"type": "literal", "value": term.value}
        if term.language:
            out["xml:lang"] = term.language
        elif term.datatype.value != XSD_STRING:
            out["datatype"] = term.datatype.value
        return out
    if isinstance(term, Triple):
        return {"type": "triple", "value": {"subject": _json_term(term.subject), "predicate": _json_term(term.predicate),
                                            "object": _json_term(term.object)}}
    raise TypeError(f"unexpected term {term!r}")


def _xml_text(value: str) -> str:
    """Escape element content; a carriage return becomes `&#13;`, since XML parsers turn a raw one into
    a line feed (end-of-line normalisation) and the literal would not round-trip."""
    return escape(value, {"\r": "&#13;"})


def _xml_term(term: Any) -> str:
    if isinstance(term, NamedNode):
        return f"<uri>{escape(term.value)}</uri>"
    if isinstance(term, BlankNode):
        return f"<bnode>{escape(term.value)}</bnode>"
    if isinstance(term, Literal):
        if term.language:
            return f"<literal xml:lang={quoteattr(term.language)}>{_xml_text(term.value)}</literal>"
        if term.datatype.value != XSD_STRING:
            return f"<literal datatype={quoteattr(term.datatype.value)}>{_xml_text(term.value)}</literal>"
        return f"<literal>{_xml_text(term.value)}</literal>"
    if isinstance(term, Triple):
        return (f"<triple><subject>{_xml_term(term.subject)}</subject><predicate>{_xml_term(term.predicate)}</predicate>"
                f"<object>{_xml_term(term.object)}</object></triple>")
    raise TypeError(f"unexpected term {term!r}")


def _csv_field(term: Any) -> str:
    if term is None:
        return ""
    value = term.value if not isinstance(term, Triple) else str(term)
    if isinstance(term, BlankNode):
        value = f"_:{term.value}"
    if any(ch in value for ch in ',"\r\n'):
        return '"' + value.replace('"', '""') + '"'
    return value


def _tsv_field(term: Any) -> str:
    """TSV uses the Turtle / N-Triples term syntax (pyoxigraph's `str()` of a term)."""
    return "" if term is None else str(term)


# -- forms ---------------------------------------------------------------------------------------------

def _write_boolean(value: bool, fmt: Format, out: IO[bytes]) -> None:
    if fmt.name == "json":
        out.write(json.dumps({"head": {}, "boolean": value}).encode())
    elif fmt.name == "xml":
        out.write(('<?xml version="1.0"?>\n<sparql xmlns="http://www.w3.org/2005/sparql-results#"><head/>'
                   f"<boolean>{'true' if value else 'false'}</boolean></sparql>\n").encode())
    else:
        out.write(b"true\n" if value else b"false\n")


def _write_solutions(results: QuerySolutions, fmt: Format, out: IO[bytes], max_rows: int) -> Written:
    variables = [v.value for v in results.variables]
    rows, truncated = 0, False
    writer = {"json": _JsonRows, "xml": _XmlRows, "csv": _CsvRows, "tsv": _TsvRows}[fmt.name](out, variables)
    for solution in results:
        if rows == max_rows:
            truncated = True
            break
        writer.row([solution[v] for v in variables])
        rows += 1
    writer.close()
    return Written("select", rows, truncated)


class _JsonRows:
    def __init__(self, out: IO[bytes], variables: list[str]) -> None:
        self.out, self.variables, self.first = out, variables, True
        out.write(b'{"head":{"vars":' + json.dumps(variables).encode() + b'},"results":{"bindings":[')

    def row(self, terms: list[Any]) -> None:
        binding = {v: _json_term(t) for v, t in zip(self.variables, terms) if t is not None}
        self.out.write((b"" if self.first else b",") + json.dumps(binding, ensure_ascii=False).encode())
        self.first = False

    def close(self) -> None:
        self.out.write(b"]}}")


class _XmlRows:
    def __init__(self, out: IO[bytes], variables: list[str]) -> None:
        self.out, self.variables = out, variables
        head = "".join(f"<variable name={quoteattr(v)}/>" for v in variables)
        out.write(f'<?xml version="1.0"?>\n<sparql xmlns="http://www.w3.org/2005/sparql-results#"><head>{head}</head><results>'.encode())

    def row(self, terms: list[Any]) -> None:
        cells = "".join(f"<binding name={quoteattr(v)}>{_xml_term(t)}</binding>" for v, t in zip(self.variables, terms) if t is not None)
        self.out.write(f"<result>{cells}</result>".encode())

    def close(self) -> None:
        self.out.write(b"</results></sparql>\n")


class _CsvRows:
    def __init__(self, out: IO[bytes], variables: list[str]) -> None:
        self.out = out
        out.write((",".join(variables) + "\r\n").encode())

    def row(self, terms: list[Any]) -> None:
        self.out.write((",".join(_csv_field(t) for t in terms) + "\r\n").encode())

    def close(self) -> None:
        pass


class _TsvRows:
    def __init__(self, out: IO[bytes], variables: list[str]) -> None:
        self.out = out
        out.write(("\t".join(f"?{v}" for v in variables) + "\n").encode())

    def row(self, terms: list[Any]) -> None:
        self.out.write(("\t".join(_tsv_field(t) for t in terms) + "\n").encode())

    def close(self) -> None:
        pass


def _write_triples(results: QueryTriples, fmt: Format, out: IO[bytes], max_rows: int) -> Written:
    counted = {"rows": 0, "truncated": False}

    def capped() -> Iterator[Triple]:
        for triple in results:
            if counted["rows"] == max_rows:
                counted["truncated"] = True
                return
            counted["rows"] += 1
            yield triple

    assert fmt.rdf is not None
    prefixes = PREFIXES if fmt.name in ("ttl", "trig") else None
    serialize(capped(), out, fmt.rdf, prefixes=prefixes)
    return Written("graph", counted["rows"], bool(counted["truncated"]))

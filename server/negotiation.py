"""Content negotiation as a pure function: HTTP `Accept` with q-values and wildcards, plus the
`format=` / `output=` parameter that browsers and curl users set instead of headers."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from kg.query.results import GRAPH_FORMATS, SOLUTION_FORMATS

#: short names and common aliases a `format=` parameter may use, per result family
FORMAT_ALIASES: dict[str, tuple[str | None, str | None]] = {
    "json": ("json", "jsonld"),
    "xml": ("xml", "rdfxml"),
    "csv": ("csv", None),
    "tsv": ("tsv", None),
    "ttl": (None, "ttl"),
    "turtle": (None, "ttl"),
    "nt": (None, "nt"),
    "ntriples": (None, "nt"),
    "n-triples": (None, "nt"),
    "rdfxml": (None, "rdfxml"),
    "rdf": (None, "rdfxml"),
    "jsonld": (None, "jsonld"),
    "json-ld": (None, "jsonld"),
    "trig": (None, "trig"),
    "nq": (None, "nq"),
    "nquads": (None, "nq"),
    "n-quads": (None, "nq"),
}
#: media types clients send that mean one of ours
MEDIA_ALIASES = {
    "application/json": "application/sparql-results+json",
    "application/xml": "application/sparql-results+xml",
    "text/xml": "application/sparql-results+xml",
    "application/x-turtle": "text/turtle",
    "text/plain": "application/n-triples",
    "application/turtle": "text/turtle",
}
SOLUTION_MEDIA = [f.media_type for f in SOLUTION_FORMATS.values()]
GRAPH_MEDIA = [f.media_type for f in GRAPH_FORMATS.values()]
MEDIA_TO_NAME = {f.media_type: f.name for f in [*SOLUTION_FORMATS.values(), *GRAPH_FORMATS.values()]}


@dataclass(frozen=True)
class MediaRange:
    type: str
    subtype: str
    q: float
    order: int

    @property
    def specificity(self) -> int:
        return (self.type != "*") + (self.subtype != "*")

    def matches(self, media_type: str) -> bool:
        kind, _, sub = media_type.partition("/")
        return self.type in ("*", kind) and self.subtype in ("*", sub)


def parse_accept(header: str | None) -> list[MediaRange]:
    """Media ranges of an Accept header; a malformed q counts as 1, as most servers do."""
    ranges = []
    for order, part in enumerate((header or "").split(",")):
        fields = [f.strip() for f in part.split(";")]
        if not fields[0]:
            continue
        media = MEDIA_ALIASES.get(fields[0].lower(), fields[0].lower())
        kind, _, sub = media.partition("/")
        if not sub:
            kind, sub = ("*", "*") if kind == "*" else (kind, "*")
        q = 1.0
        for param in fields[1:]:
            name, _, value = param.partition("=")
            if name.strip().lower() == "q":
                try:
                    q = max(0.0, min(1.0, float(value)))
                except ValueError:
                    q = 1.0
        ranges.append(MediaRange(kind, sub, q, order))
    return ranges


def negotiate(accept: str | None, offers: Sequence[str]) -> str | None:
    """The offer the client prefers: highest q of the most specific matching range, then our order.
    No Accept header means anything (the first offer); nothing acceptable is None (→ 406)."""
    ranges = parse_accept(accept)
    if not ranges:
        return offers[0] if offers else None
    best: tuple[float, int, int] | None = None
    chosen = None
    for index, offer in enumerate(offers):
        matching = [r for r in ranges if r.matches(offer)]
        if not matching:
            continue
        top = max(matching, key=lambda r: (r.specificity, -r.order))
        if top.q <= 0:
            continue
        key = (top.q, top.specificity, -index)
        if best is None or key > best:
            best, chosen = key, offer
    return chosen


def choose_formats(accept: str | None, format_param: str | None) -> tuple[str | None, str | None]:
    """Format names (solutions, graph) for a query whose form is not known yet.

    `format=` wins over Accept; it may be a short name ("json", "ttl") or a media type.
    """
    if format_param:
        key = format_param.strip().lower()
        if key in FORMAT_ALIASES:
            return FORMAT_ALIASES[key]
        media = MEDIA_ALIASES.get(key, key)
        name = MEDIA_TO_NAME.get(media)
        if name in SOLUTION_FORMATS:
            return name, None
        if name in GRAPH_FORMATS:
            return None, name
        return None, None
    solutions = negotiate(accept, SOLUTION_MEDIA)
    graph = negotiate(accept, GRAPH_MEDIA)
    return (MEDIA_TO_NAME[solutions] if solutions else None, MEDIA_TO_NAME[graph] if graph else None)

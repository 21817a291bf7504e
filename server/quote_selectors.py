"""The `oa:TextQuoteSelector`s a described span is given, computed from its release's text.

The store keeps a span's position selector only (`kg.graph.selectors`); a description of a span's
assertion (or of a quote selector's own IRI) still shows its W3C Web Annotation quote selector: the
exact words with the text either side, sliced from the release's `schema:text`, under the IRI
`…/doc/<release>/selector/<start>-<end>/quote`.
"""

from __future__ import annotations

import re

from pyoxigraph import Literal, NamedNode, Triple

from kg.graph.iri import selector
from kg.graph.selectors import quote
from kg.graph.vocab import DOC, OA, PREFIXES
from server.graph_data import raw_texts

_TYPE = NamedNode(PREFIXES["rdf"] + "type")
_HAS_SELECTOR, _HAS_SOURCE, _START, _END = (NamedNode(f"{OA}{name}")
                                            for name in ("hasSelector", "hasSource", "start", "end"))
_POSITION, _QUOTE = NamedNode(f"{OA}TextPositionSelector"), NamedNode(f"{OA}TextQuoteSelector")
_EXACT, _PREFIX, _SUFFIX = (NamedNode(f"{OA}{name}") for name in ("exact", "prefix", "suffix"))
_QUOTE_IRI = re.compile(rf"^({re.escape(str(DOC))}[^/#]+)/selector/(\d+)-(\d+)/quote$")


def _quote_triples(span: NamedNode | None, doc: str, text: str, start: int, end: int) -> list[Triple]:
    found = quote(text, start, end)
    if found is None:
        return []
    node = NamedNode(selector(doc, start, end, "quote"))
    triples = [Triple(node, _TYPE, _QUOTE), Triple(node, _EXACT, Literal(found.exact)),
               Triple(node, _PREFIX, Literal(found.prefix)), Triple(node, _SUFFIX, Literal(found.suffix))]
    return ([Triple(span, _HAS_SELECTOR, node)] if span is not None else []) + triples


def with_quotes(triples: list[Triple]) -> list[Triple]:
    """`triples` and the quote selector of every span among them whose position selector they hold."""
    positions = {t.subject for t in triples if t.predicate == _TYPE and t.object == _POSITION}
    offsets: dict[NamedNode, dict[NamedNode, int]] = {}
    sources: dict[NamedNode, str] = {}
    spans: dict[NamedNode, NamedNode] = {}
    for t in triples:
        if t.subject in positions and t.predicate in (_START, _END):
            offsets.setdefault(t.subject, {})[t.predicate] = int(t.object.value)
        elif t.predicate == _HAS_SELECTOR and t.object in positions:
            spans[t.object] = t.subject
        elif t.predicate == _HAS_SOURCE:
            sources[t.subject] = t.object.value
    wanted = [(span, sources[span], offsets.get(position, {})) for position, span in spans.items() if span in sources]
    texts = raw_texts({doc for _, doc, _ in wanted})
    added: list[Triple] = []
    for span, doc, at in wanted:
        if doc in texts and _START in at and _END in at:
            added += _quote_triples(span, doc, texts[doc], at[_START], at[_END])
    return triples + added


def quote_selector(iri: str) -> list[Triple]:
    """The triples of the quote selector `iri` names (…/selector/<start>-<end>/quote); [] for any other IRI."""
    match = _QUOTE_IRI.match(iri)
    if match is None:
        return []
    doc, start, end = match.group(1), int(match.group(2)), int(match.group(3))
    text = raw_texts({doc}).get(doc)
    return _quote_triples(None, doc, text, start, end) if text is not None else []


__all__ = ["quote_selector", "with_quotes"]

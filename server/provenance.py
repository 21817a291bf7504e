"""Where a fact comes from, shown in the words of the press release.

Every extracted triple has a `kg:Assertion` naming its sentence (`kg:sentence`) and the mentions that
are its words (`kg:evidence`); both are spans of the release's raw file text with an
`oa:TextPositionSelector` (code-point offsets, end exclusive). Python strings are indexed by code
point too, so slicing the raw text (`schema:text`) with those offsets gives exactly the stated words.

This module reads assertions and renders text with the evidence marked: a sentence on an entity page
(`highlight_sentence`) and a whole release with every mention linked (`render_document_text`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from markupsafe import Markup, escape

from kg.graph.vocab import KG, OA, PREFIXES
from server.graph_data import Term, href, iri_ref, kind_of, raw_text, select

RDF = PREFIXES["rdf"]
_NEWLINE = re.compile(r"[ \t]*\r?\n[ \t]*")
#: characters after which a line break in the raw text ends a paragraph
_PARAGRAPH_END = tuple('.!?"”:')
_HEADER_LINE = re.compile(r"^[A-Za-z][\w-]*:\s")


@dataclass(frozen=True)
class Span:
    start: int
    end: int
    refers_to: str = ""


@dataclass
class Fact:
    assertion: str
    subject: Term
    predicate: str
    object: Term
    rule: str = ""


@dataclass
class SentenceEvidence:
    """One sentence of a release with the facts it states and the words that state them."""

    document: str
    start: int
    end: int
    facts: list[Fact] = field(default_factory=list)
    evidence: set[Span] = field(default_factory=set)
    main: bool = True  # the sentence the rule read (False: an earlier sentence it resolved a word from)

    @property
    def iri(self) -> str:
        return f"{self.document}#char={self.start},{self.end}"

    @property
    def anchor(self) -> str:
        return f"char={self.start},{self.end}"

    @property
    def href(self) -> str:
        return f"{href(self.document)}#{self.anchor}"


def _selection(iri: str, role: str) -> str:
    """The assertions to read: about `iri` as subject or object ("entity"), or `iri` itself ("assertion")."""
    ref = iri_ref(iri)
    if role == "assertion":
        return f"VALUES ?a {{ {ref} }}"
    return f"{{ ?a <{RDF}subject> {ref} }} UNION {{ ?a <{RDF}object> {ref} }}"


#: assertion-sentence pairs an entity page reads (`evidence_for`)
EVIDENCE_LIMIT = 300


def evidence_for(iri: str, role: str = "entity", limit: int | None = None) -> tuple[list[SentenceEvidence], bool]:
    """The sentences stating facts about `iri` (or stating assertion `iri`), in document order,
    each with its facts and its evidence spans: at most `limit` assertion-sentence pairs (a person named
    in thousands of releases has tens of thousands; a page shows a readable few), and the evidence
    spans of exactly those assertions. With them, whether `limit` (default `EVIDENCE_LIMIT`) left some out."""
    limit = EVIDENCE_LIMIT if limit is None else limit
    rows = select(f"""SELECT DISTINCT ?a ?s ?p ?o ?rule ?sentence ?main ?doc ?start ?end WHERE {{
        {_selection(iri, role)}
        ?a a <{KG}Assertion> ; <{RDF}subject> ?s ; <{RDF}predicate> ?p ; <{RDF}object> ?o ;
           <{KG}sentence>|(<{KG}evidence>/<{KG}inSentence>) ?sentence .
        ?sentence a <{KG}Sentence> ; <{OA}hasSource> ?doc ; <{OA}hasSelector> ?sel .
        ?sel a <{OA}TextPositionSelector> ; <{OA}start> ?start ; <{OA}end> ?end .
        OPTIONAL {{ ?a <{KG}rule> ?rule }}
        BIND(EXISTS {{ ?a <{KG}sentence> ?sentence }} AS ?main)
    }} LIMIT {limit}""")
    shown = " ".join(sorted({iri_ref(row["a"].value) for row in rows}))
    spans = select(f"""SELECT DISTINCT ?a ?start ?end ?ref WHERE {{
        VALUES ?a {{ {shown} }}
        ?a <{KG}evidence> ?m .
        ?m <{OA}hasSelector> ?sel . ?sel a <{OA}TextPositionSelector> ; <{OA}start> ?start ; <{OA}end> ?end .
        OPTIONAL {{ ?m <{KG}refersTo> ?ref }}
    }}""") if shown else []
    evidence_by_assertion: dict[str, set[Span]] = {}
    for row in spans:
        evidence_by_assertion.setdefault(row["a"].value, set()).add(
            Span(row["start"].as_int(), row["end"].as_int(), row["ref"].value if "ref" in row else ""))
    sentences: dict[tuple[str, int, int], SentenceEvidence] = {}
    seen_facts: set[tuple[tuple[str, int, int], str, str, str, str]] = set()
    for row in rows:
        key = (row["doc"].value, row["start"].as_int(), row["end"].as_int())
        main = row["main"].value == "true"
        entry = sentences.get(key)
        if entry is None:
            entry = sentences[key] = SentenceEvidence(*key, main=main)
        entry.main = entry.main or main
        assertion = row["a"].value
        entry.evidence |= {s for s in evidence_by_assertion.get(assertion, ()) if key[1] <= s.start and s.end <= key[2]}
        if not main:
            continue
        fact_key = (key, row["s"].value, row["p"].value, row["o"].value, row["rule"].value if "rule" in row else "")
        if fact_key in seen_facts:
            continue
        seen_facts.add(fact_key)
        entry.facts.append(Fact(assertion, row["s"], row["p"].value, row["o"], fact_key[4]))
    ordered = sorted(sentences.values(), key=lambda s: (s.document, s.start))
    return [s for s in ordered if s.facts or s.evidence], len(rows) >= limit


# -- rendering text ----------------------------------------------------------------------------------

def _inline(text: str) -> Markup:
    """Raw text for inline display: hard line wraps become spaces."""
    return escape(_NEWLINE.sub(" ", text))


def highlight_sentence(raw: str, start: int, end: int, spans: Iterable[Span], current: str = "") -> Markup:
    """`raw[start:end]` with the evidence spans marked. Spans separated only by white space share one
    `<mark>` (so "Sekretaris Jenderal" + "Harry Hikmat" read as one stated phrase); a span naming an
    entity other than `current` links to it."""
    inside = sorted({s for s in spans if start <= s.start < s.end <= end}, key=lambda s: (s.start, -s.end))
    chosen: list[Span] = []
    for span in inside:
        if chosen and span.start < chosen[-1].end:
            continue  # overlapping words: the longer, earlier span is already marked
        chosen.append(span)
    groups: list[list[Span]] = []
    for span in chosen:
        if groups and not raw[groups[-1][-1].end:span.start].strip():
            groups[-1].append(span)
        else:
            groups.append([span])
    out: list[Markup] = []
    pos = start
    for group in groups:
        out.append(_inline(raw[pos:group[0].start]))
        out.append(Markup('<mark class="evidence">'))
        for index, span in enumerate(group):
            if index:
                out.append(_inline(raw[group[index - 1].end:span.start]))
            words = _inline(raw[span.start:span.end])
            if span.refers_to and span.refers_to != current:
                out.append(Markup('<a href="{}">{}</a>').format(href(span.refers_to), words))
            else:
                out.append(words)
        out.append(Markup("</mark>"))
        pos = group[-1].end
    out.append(_inline(raw[pos:end]))
    return Markup("").join(out)


@dataclass(frozen=True)
class TextSpan:
    start: int
    end: int
    open: Markup
    close: Markup
    priority: int  # lower is placed first; a later span that crosses a placed one is dropped


def _document_text(raw: str, start: int, end: int) -> Markup:
    """A piece of a release for the document page: a line break after a sentence end, a header line
    or a blank line starts a new paragraph; other hard wraps become spaces."""
    piece = raw[start:end]
    out: list[Markup] = []
    pos = 0
    for match in re.finditer(r"[ \t]*\r?\n[ \t]*", piece):
        before = piece[pos:match.start()]
        out.append(escape(before))
        absolute = start + match.start()
        line_start = raw.rfind("\n", 0, absolute) + 1
        line = raw[line_start:absolute]
        prev = raw[:absolute].rstrip(" \t")
        if not line.strip() or prev.endswith(_PARAGRAPH_END) or _HEADER_LINE.match(line) or \
                raw.startswith("\n", start + match.end()):
            out.append(Markup('\n<span class="pb"></span>'))
        else:
            out.append(Markup(" "))
        pos = match.end()
    out.append(escape(piece[pos:]))
    return Markup("").join(out)


def render_nested(raw: str, spans: list[TextSpan]) -> Markup:
    """The whole of `raw` with properly nested spans; spans that would cross an accepted one are dropped."""
    accepted: list[TextSpan] = []
    for span in sorted(spans, key=lambda s: (s.priority, -(s.end - s.start), s.start)):
        if span.end <= span.start or span.start < 0 or span.end > len(raw):
            continue
        if all(span.end <= a.start or a.end <= span.start or (a.start <= span.start and span.end <= a.end)
               or (span.start <= a.start and a.end <= span.end) for a in accepted):
            accepted.append(span)
    accepted.sort(key=lambda s: (s.start, -s.end, s.priority))
    out: list[Markup] = []
    stack: list[TextSpan] = []
    pos = 0
    for span in accepted:
        while stack and stack[-1].end <= span.start:
            top = stack.pop()
            out.append(_document_text(raw, pos, top.end))
            out.append(top.close)
            pos = top.end
        out.append(_document_text(raw, pos, span.start))
        out.append(span.open)
        stack.append(span)
        pos = span.start
    while stack:
        top = stack.pop()
        out.append(_document_text(raw, pos, top.end))
        out.append(top.close)
        pos = top.end
    out.append(_document_text(raw, pos, len(raw)))
    return Markup("").join(out)


@dataclass
class DocumentMention:
    start: int
    end: int
    refers_to: str = ""
    label: str = ""


def document_spans(doc: str) -> tuple[list[tuple[int, int]], list[DocumentMention]]:
    """The sentences and mentions of a release: the spans of its provenance record whose source it is."""
    source = iri_ref(doc)
    sentences = select(f"""SELECT DISTINCT ?start ?end WHERE {{
        ?x a <{KG}Sentence> ; <{OA}hasSource> {source} ; <{OA}hasSelector> ?sel .
        ?sel a <{OA}TextPositionSelector> ; <{OA}start> ?start ; <{OA}end> ?end
    }} ORDER BY ?start LIMIT 5000""")
    mentions = select(f"""SELECT DISTINCT ?start ?end ?ref WHERE {{
        ?m a <{KG}Mention> ; <{OA}hasSource> {source} ; <{OA}hasSelector> ?sel .
        ?sel a <{OA}TextPositionSelector> ; <{OA}start> ?start ; <{OA}end> ?end
        OPTIONAL {{ ?m <{KG}refersTo> ?ref }}
    }} ORDER BY ?start LIMIT 20000""")
    return ([(r["start"].as_int(), r["end"].as_int()) for r in sentences],
            [DocumentMention(r["start"].as_int(), r["end"].as_int(), r["ref"].value if "ref" in r else "") for r in mentions])


def render_document_text(doc: str, sentences: list[tuple[int, int]], mentions: list[DocumentMention]) -> Markup:
    """The release's raw text: each sentence a target (`#char=s,e`), each mention marked, and linked to
    its entity page when it refers to one."""
    raw = raw_text(doc)
    spans = [TextSpan(s, e, Markup('<span class="sentence" id="char={},{}">').format(s, e), Markup("</span>"), 0)
             for s, e in sentences]
    for m in mentions:
        if m.refers_to:
            kind = kind_of(m.refers_to)
            open_tag = Markup('<a class="mention m-{}" href="{}" title="{}">').format(kind, href(m.refers_to), m.label or kind)
            spans.append(TextSpan(m.start, m.end, open_tag, Markup("</a>"), 1))
        else:
            spans.append(TextSpan(m.start, m.end, Markup('<mark class="mention">'), Markup("</mark>"), 2))
    return render_nested(raw, spans)


__all__ = ["Span", "Fact", "SentenceEvidence", "evidence_for", "highlight_sentence", "render_nested",
           "document_spans", "render_document_text", "DocumentMention", "TextSpan"]

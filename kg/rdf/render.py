"""Stage 5: facts to RDF, with provenance.

Each document gets a named graph (its IRI) holding its facts and, for every fact, a `kg:Assertion`
(an `rdf:Statement` and `prov:Entity`) naming the triple, the sentence that states it (a W3C Web
Annotation `oa:SpecificResource` with position and quote selectors, and NIF offsets) and the
mentions that are its words. Offsets are code points into the original file, end exclusive.
Facts computed from stated ones (checks of figures) go to the derived graph instead.

Triples are N-Triples text (`kg.graph.ntriples`): a document renders to a few thousand of them, and
building rdflib terms for each would cost more than extracting the facts did.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache

from rdflib.namespace import XSD

from kg import __version__
from kg.extract.facts import Analysis, Fact
from kg.extract.mentions import Mention
from kg.extract.text import Sentence
from kg.graph import iri
from kg.graph.ntriples import Triple, literal, term
from kg.graph.vocab import BASE, KG, NIF, OA, PROV, RDF

CONTEXT = 32
SOFTWARE = f"<{BASE}id/software/kemensos-kg>"
_NAMED_KINDS = ("person", "org", "place", "program")
_NON_NEGATIVE = str(XSD.nonNegativeInteger)

# predicates and classes, as N-Triples terms
_TYPE = term(RDF.type)
_SENTENCE, _MENTION, _ASSERTION = term(KG.Sentence), term(KG.Mention), term(KG.Assertion)
_ACTIVITY, _VERSION = term(KG.ExtractionActivity), term(KG.extractorVersion)
_IN_SENTENCE, _REFERS_TO, _KG_SENTENCE, _RULE, _EVIDENCE = (
    term(KG.inSentence), term(KG.refersTo), term(KG.sentence), term(KG.rule), term(KG.evidence))
_USED, _ASSOCIATED, _GENERATED_BY, _DERIVED_FROM = (
    term(PROV.used), term(PROV.wasAssociatedWith), term(PROV.wasGeneratedBy), term(PROV.wasDerivedFrom))
_HAS_SOURCE, _HAS_SELECTOR, _POSITION, _QUOTE = (
    term(OA.hasSource), term(OA.hasSelector), term(OA.TextPositionSelector), term(OA.TextQuoteSelector))
_START, _END, _EXACT, _PREFIX, _SUFFIX = term(OA.start), term(OA.end), term(OA.exact), term(OA.prefix), term(OA.suffix)
_BEGIN, _END_INDEX, _CONTEXT, _ANCHOR = (
    term(NIF.beginIndex), term(NIF.endIndex), term(NIF.referenceContext), term(NIF.anchorOf))
_SUBJECT, _PREDICATE, _OBJECT = term(RDF.subject), term(RDF.predicate), term(RDF.object)


@lru_cache(maxsize=8192)
def _entity(key: str) -> str:
    """An entity's IRI as a term; entities recur in release after release."""
    return term(iri.entity(key))


def _offset(value: int) -> str:
    return f'"{value}"^^<{_NON_NEGATIVE}>'


@dataclass
class DocumentTriples:
    """One document rendered: its named graph, and its share of the derived graph."""

    graph: str  # the document's IRI, as an N-Triples term
    triples: set[Triple] = field(default_factory=set)
    derived: set[Triple] = field(default_factory=set)


class DocumentWriter:
    """Renders one analysed document."""

    def __init__(self, analysis: Analysis) -> None:
        self.a = analysis
        slug = analysis.doc.slug
        self.doc_iri = str(iri.document(slug))
        self.doc = f"<{self.doc_iri}>"
        self.activity = f"<{iri.activity(slug)}>"
        self.out = DocumentTriples(self.doc)
        self._spans: set[str] = set()

    def write(self) -> DocumentTriples:
        add = self.out.triples.add
        add((self.activity, _TYPE, _ACTIVITY))
        add((self.activity, _USED, self.doc))
        add((self.activity, _ASSOCIATED, SOFTWARE))
        add((self.activity, _VERSION, literal(__version__)))
        add((self.doc, _GENERATED_BY, self.activity))
        for sentence in self.a.sentences:
            self.sentence(sentence)
        for mention in self.a.mentions:
            if mention.key and mention.kind in _NAMED_KINDS:
                self.mention(mention)
        for fact in self.a.facts:
            self.fact(fact)
        return self.out

    def _span(self, raw_start: int, raw_end: int, kind: str) -> str:
        """A span of the original file with both selectors, written once however often it is cited."""
        add = self.out.triples.add
        node = f"<{self.doc_iri}#char={raw_start},{raw_end}>"
        add((node, _TYPE, kind))
        if node in self._spans:
            return node
        self._spans.add(node)
        raw = self.a.doc.raw
        base = f"{self.doc_iri}/selector/{raw_start}-{raw_end}"
        position, quote = f"<{base}/position>", f"<{base}/quote>"
        start, end = _offset(raw_start), _offset(raw_end)
        add((node, _HAS_SOURCE, self.doc))
        add((node, _HAS_SELECTOR, position))
        add((node, _HAS_SELECTOR, quote))
        add((position, _TYPE, _POSITION))
        add((position, _START, start))
        add((position, _END, end))
        add((quote, _TYPE, _QUOTE))
        add((quote, _EXACT, literal(raw[raw_start:raw_end])))
        add((quote, _PREFIX, literal(raw[max(0, raw_start - CONTEXT):raw_start])))
        add((quote, _SUFFIX, literal(raw[raw_end:raw_end + CONTEXT])))
        add((node, _BEGIN, start))
        add((node, _END_INDEX, end))
        add((node, _CONTEXT, self.doc))
        return node

    def sentence(self, sentence: Sentence) -> str:
        node = self._span(sentence.raw_start, sentence.raw_end, _SENTENCE)
        self.out.triples.add((node, _ANCHOR, literal(sentence.text)))
        return node

    def sentence_iri(self, sentence: Sentence) -> str:
        return f"<{self.doc_iri}#char={sentence.raw_start},{sentence.raw_end}>"

    def mention(self, mention: Mention) -> str:
        start, end = self.a.norm.raw_span(mention.start, mention.end)
        node = self._span(start, end, _MENTION)
        self.out.triples.add((node, _IN_SENTENCE, self.sentence_iri(self.a.sentence_at(mention.start))))
        if mention.key and mention.kind in _NAMED_KINDS:
            self.out.triples.add((node, _REFERS_TO, _entity(mention.key)))
        return node

    def fact(self, fact: Fact) -> None:
        add = self.out.derived.add if fact.derived else self.out.triples.add
        s, p, o = term(fact.s), term(fact.p), term(fact.o)
        add((s, p, o))
        sentence = self.sentence_iri(fact.sentence)
        node = term(iri.assertion(self.a.doc.slug, fact.s, fact.p, fact.o, f"{fact.sentence.raw_start} {fact.rule}"))
        add((node, _TYPE, _ASSERTION))
        add((node, _SUBJECT, s))
        add((node, _PREDICATE, p))
        add((node, _OBJECT, o))
        add((node, _KG_SENTENCE, sentence))
        add((node, _DERIVED_FROM, sentence))
        add((node, _RULE, literal(fact.rule)))
        add((node, _GENERATED_BY, self.activity))
        for mention in fact.evidence:
            if mention.kind in _NAMED_KINDS and mention.key:
                span = self.mention(mention)
            else:
                start, end = self.a.norm.raw_span(mention.start, mention.end)
                span = self._span(start, end, _MENTION)
                self.out.triples.add((span, _IN_SENTENCE, self.sentence_iri(self.a.sentence_at(mention.start))))
            add((node, _EVIDENCE, span))
            cited = self.a.sentence_at(mention.start)
            if cited.index != fact.sentence.index:  # words of an earlier sentence the rule resolved
                add((node, _DERIVED_FROM, self.sentence_iri(cited)))


def render(analysis: Analysis) -> DocumentTriples:
    """The document's graph and the derived triples its facts state (checks of figures)."""
    return DocumentWriter(analysis).write()


__all__ = ["CONTEXT", "SOFTWARE", "DocumentTriples", "DocumentWriter", "render"]

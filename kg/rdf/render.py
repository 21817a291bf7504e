"""Stage 5: facts to RDF, with provenance.

Each document gets a named graph (its IRI) holding its facts and, for every fact, a `kg:Assertion`
(an `rdf:Statement` and `prov:Entity`) naming the triple, its rule, the sentence that states it and
the mentions that are its words: W3C Web Annotation `oa:SpecificResource`s with an
`oa:TextPositionSelector` (code points into the original file, end exclusive). Facts computed from
stated ones (checks of figures) go to the derived graph instead.

What is not written, because the graph already says it: a quote selector's words (the release's
`schema:text` sliced at the offsets; the pages compute them), NIF offsets repeating the position
selector's, and per assertion `prov:wasDerivedFrom` (`kg:sentence` and `kg:evidence` are its
sub-properties) and `prov:wasGeneratedBy` (the extraction that `prov:used` the sentence's source).
Each was a quad per fact or per span: three tenths of the records (43.0 → 29.8 million quads at 20,000 releases).

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

SOFTWARE = f"<{BASE}id/software/kemensos-kg>"
_NAMED_KINDS = ("person", "org", "place", "program")
_NON_NEGATIVE = str(XSD.nonNegativeInteger)

# predicates and classes, as N-Triples terms
_TYPE = term(RDF.type)
_SENTENCE, _MENTION, _ASSERTION = term(KG.Sentence), term(KG.Mention), term(KG.Assertion)
_ACTIVITY, _VERSION = term(KG.ExtractionActivity), term(KG.extractorVersion)
_IN_SENTENCE, _REFERS_TO, _KG_SENTENCE, _RULE, _EVIDENCE = (
    term(KG.inSentence), term(KG.refersTo), term(KG.sentence), term(KG.rule), term(KG.evidence))
_USED, _ASSOCIATED, _GENERATED_BY = term(PROV.used), term(PROV.wasAssociatedWith), term(PROV.wasGeneratedBy)
_HAS_SOURCE, _HAS_SELECTOR, _POSITION = term(OA.hasSource), term(OA.hasSelector), term(OA.TextPositionSelector)
_START, _END, _ANCHOR = term(OA.start), term(OA.end), term(NIF.anchorOf)
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
        """A span of the original file with its position selector, written once however often it is cited."""
        add = self.out.triples.add
        node = f"<{self.doc_iri}#char={raw_start},{raw_end}>"
        add((node, _TYPE, kind))
        if node in self._spans:
            return node
        self._spans.add(node)
        position = f"<{iri.selector(self.doc_iri, raw_start, raw_end, 'position')}>"
        add((node, _HAS_SOURCE, self.doc))
        add((node, _HAS_SELECTOR, position))
        add((position, _TYPE, _POSITION))
        add((position, _START, _offset(raw_start)))
        add((position, _END, _offset(raw_end)))
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
        add((node, _RULE, literal(fact.rule)))
        for mention in fact.evidence:
            if mention.kind in _NAMED_KINDS and mention.key:
                span = self.mention(mention)
            else:
                start, end = self.a.norm.raw_span(mention.start, mention.end)
                span = self._span(start, end, _MENTION)
                self.out.triples.add((span, _IN_SENTENCE, self.sentence_iri(self.a.sentence_at(mention.start))))
            add((node, _EVIDENCE, span))


def render(analysis: Analysis) -> DocumentTriples:
    """The document's graph and the derived triples its facts state (checks of figures)."""
    return DocumentWriter(analysis).write()


__all__ = ["SOFTWARE", "DocumentTriples", "DocumentWriter", "render"]

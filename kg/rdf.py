"""Stage 5: facts to RDF, with provenance.

Each document gets a named graph (its IRI) holding its facts and, for every fact, a `kg:Assertion`
(an `rdf:Statement` and `prov:Entity`) naming the triple, the sentence that states it (a W3C Web
Annotation `oa:SpecificResource` with position and quote selectors, and NIF offsets) and the
mentions that are its words. Offsets are code points into the original file, end exclusive.
Facts computed from stated ones (checks of figures) go to the derived graph instead.
"""

from __future__ import annotations

from rdflib import Dataset, Literal, URIRef
from rdflib.namespace import XSD

from kg import __version__, iri
from kg.facts import Analysis, Fact
from kg.mentions import Mention
from kg.text import Sentence
from kg.vocab import BASE, DERIVED_GRAPH, KG, NIF, OA, PROV, RDF

CONTEXT = 32
SOFTWARE = URIRef(BASE + "id/software/kemensos-kg")


def _offset(value: int) -> Literal:
    return Literal(value, datatype=XSD.nonNegativeInteger)


class DocumentWriter:
    """Writes one analysed document into a Dataset."""

    def __init__(self, dataset: Dataset, analysis: Analysis) -> None:
        self.a = analysis
        self.doc = iri.document(analysis.doc.slug)
        self.graph = dataset.graph(self.doc)
        self.derived = dataset.graph(DERIVED_GRAPH)
        self.activity = iri.activity(analysis.doc.slug)
        self._spans: set[URIRef] = set()

    def write(self) -> None:
        g = self.graph
        g.add((self.activity, RDF.type, KG.ExtractionActivity))
        g.add((self.activity, PROV.used, self.doc))
        g.add((self.activity, PROV.wasAssociatedWith, SOFTWARE))
        g.add((self.activity, KG.extractorVersion, Literal(__version__)))
        g.add((self.doc, PROV.wasGeneratedBy, self.activity))
        for sentence in self.a.sentences:
            self.sentence(sentence)
        for mention in self.a.mentions:
            if mention.key and mention.kind in ("person", "org", "place", "program"):
                self.mention(mention)
        for fact in self.a.facts:
            self.fact(fact)

    def _span(self, raw_start: int, raw_end: int, kind: URIRef) -> URIRef:
        """A span of the original file with both selectors, written once however often it is cited."""
        g = self.graph
        node = iri.span(self.a.doc.slug, raw_start, raw_end)
        g.add((node, RDF.type, kind))
        if node in self._spans:
            return node
        self._spans.add(node)
        raw = self.a.doc.raw
        base = f"{self.doc}/selector/{raw_start}-{raw_end}"
        position, quote = URIRef(base + "/position"), URIRef(base + "/quote")
        g.add((node, OA.hasSource, self.doc))
        g.add((node, OA.hasSelector, position))
        g.add((node, OA.hasSelector, quote))
        g.add((position, RDF.type, OA.TextPositionSelector))
        g.add((position, OA.start, _offset(raw_start)))
        g.add((position, OA.end, _offset(raw_end)))
        g.add((quote, RDF.type, OA.TextQuoteSelector))
        g.add((quote, OA.exact, Literal(raw[raw_start:raw_end])))
        g.add((quote, OA.prefix, Literal(raw[max(0, raw_start - CONTEXT):raw_start])))
        g.add((quote, OA.suffix, Literal(raw[raw_end:raw_end + CONTEXT])))
        g.add((node, NIF.beginIndex, _offset(raw_start)))
        g.add((node, NIF.endIndex, _offset(raw_end)))
        g.add((node, NIF.referenceContext, self.doc))
        return node

    def sentence(self, sentence: Sentence) -> URIRef:
        node = self._span(sentence.raw_start, sentence.raw_end, KG.Sentence)
        self.graph.add((node, NIF.anchorOf, Literal(sentence.text)))
        return node

    def sentence_iri(self, sentence: Sentence) -> URIRef:
        return iri.span(self.a.doc.slug, sentence.raw_start, sentence.raw_end)

    def mention(self, mention: Mention) -> URIRef:
        start, end = self.a.norm.raw_span(mention.start, mention.end)
        node = self._span(start, end, KG.Mention)
        self.graph.add((node, KG.inSentence, self.sentence_iri(self.a.sentence_at(mention.start))))
        if mention.key and mention.kind in ("person", "org", "place", "program"):
            self.graph.add((node, KG.refersTo, iri.entity(mention.key)))
        return node

    def fact(self, fact: Fact) -> None:
        g = self.derived if fact.derived else self.graph
        g.add((fact.s, fact.p, fact.o))
        sentence = self.sentence_iri(fact.sentence)
        node = iri.assertion(self.a.doc.slug, fact.s, fact.p, fact.o, f"{fact.sentence.raw_start} {fact.rule}")
        g.add((node, RDF.type, KG.Assertion))
        g.add((node, RDF.subject, fact.s))
        g.add((node, RDF.predicate, fact.p))
        g.add((node, RDF.object, fact.o))
        g.add((node, KG.sentence, sentence))
        g.add((node, PROV.wasDerivedFrom, sentence))
        g.add((node, KG.rule, Literal(fact.rule)))
        g.add((node, PROV.wasGeneratedBy, self.activity))
        for mention in fact.evidence:
            if mention.kind in ("person", "org", "place", "program") and mention.key:
                span = self.mention(mention)
            else:
                start, end = self.a.norm.raw_span(mention.start, mention.end)
                span = self._span(start, end, KG.Mention)
                self.graph.add((span, KG.inSentence, self.sentence_iri(self.a.sentence_at(mention.start))))
            g.add((node, KG.evidence, span))
            cited = self.a.sentence_at(mention.start)
            if cited.index != fact.sentence.index:  # words of an earlier sentence the rule resolved
                g.add((node, PROV.wasDerivedFrom, self.sentence_iri(cited)))

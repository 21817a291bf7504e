"""What every fact rule works on (`Analysis`) and produces (`Fact`)."""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass, field

from rdflib import Literal, URIRef
from rdflib.term import Node

from kg.extract.document import Document
from kg.extract.entities import Entity
from kg.extract.mentions import Mention
from kg.extract.text import NormalisedText, Sentence
from kg.graph import iri
from kg.graph.vocab import KG, RDF, RDFS, SDO
from kg.reference.lexicon import Lexicon


@dataclass(frozen=True)
class Fact:
    """One extracted triple, the sentence stating it, the words that state it and the rule that fired."""

    s: URIRef
    p: URIRef
    o: Node
    sentence: Sentence
    evidence: tuple[Mention, ...]
    rule: str
    derived: bool = False


@dataclass
class Analysis:
    """A document after the text, mention and entity stages: the input of every fact rule.

    `speakers` (quote start → person key) and `posts` (person key → [(post key, org key)]) are
    filled by earlier rules for later ones: "kami" in a quote is the speaker's organisation.
    """

    doc: Document
    norm: NormalisedText
    sentences: list[Sentence]
    mentions: list[Mention]
    entities: dict[str, Entity]
    lexicon: Lexicon
    facts: list[Fact] = field(default_factory=list)
    speakers: dict[int, str] = field(default_factory=dict)
    posts: dict[str, list[tuple[str, str]]] = field(default_factory=dict)
    _starts: list[int] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._starts = [s.start for s in self.sentences]

    def sentence_at(self, pos: int) -> Sentence:
        return self.sentences[max(0, bisect_right(self._starts, pos) - 1)]

    def in_sentence(self, sentence: Sentence, *kinds: str) -> list[Mention]:
        return [m for m in self.mentions if sentence.start <= m.start < sentence.end and (not kinds or m.kind in kinds)]

    def before(self, pos: int, *kinds: str) -> list[Mention]:
        """Mentions ending before `pos`, nearest last."""
        return [m for m in self.mentions if m.end <= pos and (not kinds or m.kind in kinds)]

    def node(self, kind: str, mention_or_sentence: Mention | Sentence) -> str:
        """Key of a node that belongs to this document, named by where it is stated."""
        if isinstance(mention_or_sentence, Sentence):
            raw_start = mention_or_sentence.raw_start
        else:
            raw_start = self.norm.raw_span(mention_or_sentence.start, mention_or_sentence.end)[0]
        return iri.in_document(kind, self.doc.slug, raw_start)

    def add(self, s: str | URIRef, p: URIRef, o: str | Node, sentence: Sentence,
            evidence: tuple[Mention, ...] | list[Mention], rule: str, derived: bool = False) -> None:
        """Record a fact; plain strings as subject or object are entity keys. A derived fact is
        computed from stated ones (a check of figures) rather than stated by the text."""
        subject = iri.entity(s) if isinstance(s, str) and not isinstance(s, URIRef) else s
        obj = iri.entity(o) if isinstance(o, str) and not isinstance(o, (Literal, URIRef)) else o
        self.facts.append(Fact(subject, p, obj, sentence, tuple(evidence), rule, derived))

    def refer(self, key: str, kind: str, label: str, label_en: str, sentence: Sentence,
              evidence: list[Mention], rule: str, names: frozenset[str] = frozenset()) -> bool:
        """Make `key` an entity of this document that a rule names outside the mention stage (the
        ministry a title names, a mission's country): its type, once; an entity of the reference graph
        is labelled there. True when new."""
        if key in self.entities:
            return False
        self.entities[key] = Entity(key, kind, label, label_en, set(names))
        self.add(key, RDF.type, KG[kind], sentence, evidence, rule)
        return True

    def introduce(self, key: str, kind: str, label: str, label_en: str, sentence: Sentence,
                  evidence: list[Mention], rule: str, names: frozenset[str] = frozenset()) -> bool:
        """`refer`, and the label too, for an entity no other graph describes (an organisation a title
        names through a place, a dateline's outlet). True when new."""
        if not self.refer(key, kind, label, label_en, sentence, evidence, rule, names):
            return False
        self.label(key, sentence, evidence, rule, label, label_en)
        return True

    def label(self, key: str | URIRef, sentence: Sentence, evidence: list[Mention] | tuple[Mention, ...], rule: str,
              text_id: str, text_en: str = "") -> None:
        self.add(key, RDFS.label, Literal(text_id, lang="id"), sentence, evidence, rule)
        self.add(key, SDO.name, Literal(text_id, lang="id"), sentence, evidence, rule)
        if text_en:
            self.add(key, RDFS.label, Literal(text_en, lang="en"), sentence, evidence, rule)
            self.add(key, SDO.name, Literal(text_en, lang="en"), sentence, evidence, rule)

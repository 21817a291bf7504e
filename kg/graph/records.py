"""Which triples are a release's provenance record: those whose subject is minted under the release's
IRI (`…/doc/<slug>#char=…` spans, `…/doc/<slug>/selector/…`, `…/assertion/…`, `…/extraction`), never
the release itself (`…/doc/<slug>`, whose description is a fact of its graph).

No two releases mint the same node, so no record triple ever needs deduplicating: the build writes
them all, once, into the store's default graph, which a plain query reads beside the merge of the
named graphs (`kg.store.merged`). Why the default graph and not a named one: pyoxigraph writes a
quad of a named graph into six indexes and a triple of the default graph into three, and the records
are five sixths of a built store (a build of 5,000 releases: 133 s with the records in a named graph,
108 s in the default graph).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from kg.graph.ntriples import Triple
from kg.graph.vocab import DOC, KG, OA, RDF

_DOC = str(DOC)
_TYPE = str(RDF.type)

#: the part of the records a server keeps in memory (`kg.store.snapshot`): which release and which words
#: name an entity (a span's `oa:hasSource`, a mention's `kg:refersTo`, the classes of spans), about a twentieth
#: of the records, and what a question like "which releases mention this person?" reads (query 14)
LINK_PREDICATES = (str(OA.hasSource), str(KG.refersTo))
LINK_CLASSES = (str(KG.Mention), str(KG.Sentence))
_DOC_TERM = f"<{_DOC}"


def minted_under_a_release(iri: str) -> bool:
    """`iri` names a node of one release's record (slugs hold neither `#` nor `/`)."""
    if not iri.startswith(_DOC):
        return False
    rest = iri[len(_DOC):]
    return "#" in rest or "/" in rest


def release_of(iri: str) -> str:
    """The release under whose IRI the record node `iri` is minted (`minted_under_a_release(iri)`)."""
    slug = iri[len(_DOC):].replace("#", "/").split("/", 1)[0]
    return _DOC + slug


def is_record(triple: Triple) -> bool:
    """The triple (N-Triples terms) is about a node of a release's record."""
    subject = triple[0]
    if not subject.startswith(_DOC_TERM):
        return False
    rest = subject[len(_DOC_TERM):-1]
    return "#" in rest or "/" in rest


def split(triples: Iterable[Triple]) -> tuple[list[Triple], list[Triple]]:
    """(facts, record triples) of `triples`."""
    facts: list[Triple] = []
    records: list[Triple] = []
    for triple in triples:
        (records if is_record(triple) else facts).append(triple)
    return facts, records


@dataclass(frozen=True)
class RecordTerms:
    """The predicates and the classes (objects of `rdf:type`) of the record triples a copy left out, as IRIs:
    what a query must name to read one of them (`kg.query.records_reach`)."""

    predicates: frozenset[str]
    classes: frozenset[str]

    def names_a_record(self, iri: str) -> bool:
        """`iri` is a predicate or class left out, or a node minted under a release."""
        return iri in self.classes or (iri in self.predicates and iri != _TYPE) or minted_under_a_release(iri)


__all__ = ["LINK_CLASSES", "LINK_PREDICATES", "RecordTerms", "is_record", "minted_under_a_release", "release_of", "split"]

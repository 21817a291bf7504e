"""Which triples are a release's provenance record: those whose subject is minted under the release's
IRI (`…/doc/<slug>#char=…` spans, `…/doc/<slug>/selector/…`, `…/assertion/…`, `…/extraction`), never
the release itself (`…/doc/<slug>`, whose description is a fact of its graph).

No two releases mint the same node, so no record triple ever needs deduplicating: the build writes
them all, once, into `RECORDS_GRAPH`, which the default graph of a plain query reads beside the
merge of the other graphs (`kg.store.merged`).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from kg.graph.ntriples import Triple
from kg.graph.vocab import DOC, KG, OA, RDF, RECORDS_GRAPH

_DOC = str(DOC)
_TYPE = str(RDF.type)
_RECORDS = str(RECORDS_GRAPH)

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
        """`iri` is the records graph, a predicate or class left out, or a node minted under a release."""
        return (iri == _RECORDS or iri in self.classes or (iri in self.predicates and iri != _TYPE)
                or minted_under_a_release(iri))


__all__ = ["LINK_CLASSES", "LINK_PREDICATES", "RecordTerms", "is_record", "minted_under_a_release", "split"]

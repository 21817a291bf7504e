"""Which triples are a release's provenance record: those whose subject is minted under the release's
IRI (`…/doc/<slug>#char=…` spans, `…/doc/<slug>/selector/…`, `…/assertion/…`, `…/extraction`), never
the release itself (`…/doc/<slug>`, whose description is a fact of its graph).

No two releases mint the same node, so no record triple ever needs deduplicating: the build writes
them all, once, into `RECORDS_GRAPH`, which the default graph of a plain query reads beside the
merge of the other graphs (`kg.store.merged`).
"""

from __future__ import annotations

from collections.abc import Iterable

from kg.graph.ntriples import Triple
from kg.graph.vocab import DOC

_DOC = str(DOC)
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


__all__ = ["is_record", "minted_under_a_release", "split"]

"""Where IRIs are minted. Every IRI is a readable, deterministic slug below the fixed base, so a
rebuild gives the same IRIs and one entity has one IRI whichever document names it."""

from __future__ import annotations

import hashlib
import re
import unicodedata

from pyoxigraph import NamedNode
from rdflib import URIRef
from rdflib.term import Node

from kg.graph.vocab import DOC, ID


def slugify(text: str, max_words: int = 8) -> str:
    """Lower-case ASCII words joined by hyphens: readable, deterministic IRI segments."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    words = re.findall(r"[a-z0-9]+", ascii_text.lower())
    return "-".join(words[:max_words])


def org_key(entity_kind: str, label: str, name: str) -> str:
    """Sentra are keyed on their proper name without spaces, so "Phala Martha" and "Phalamartha" meet."""
    if entity_kind == "Sentra":
        prefix = "balai" if label.startswith("Balai") else "sentra"
        return f"org/{prefix}-{slugify(name).replace('-', '')}"
    return f"org/{slugify(label, 12)}"


def entity(key: str) -> URIRef:
    """`org/kementerian-sosial` → …/id/org/kementerian-sosial."""
    return ID[key]


#: characters no IRI may hold (RFC 3987): controls, space, and <>"{}|\^`
_NOT_IN_IRI = re.compile(r'[\x00-\x20<>"{}|\\^`\x7f]')


def address(value: str) -> URIRef | None:
    """A web address a document gives (its `source:` header) as an IRI, or None when it is not an
    absolute http(s) or file address that parses as an IRI. Spaces, angle brackets, quotes and the
    like are percent-encoded first: a hand-typed header must not yield an IRI that the store refuses
    (it would fail the whole build) or that no RDF syntax can write."""
    value = value.strip()
    if not value.lower().startswith(("http://", "https://", "file:")):
        return None
    encoded = _NOT_IN_IRI.sub(lambda m: f"%{ord(m.group()):02X}", value)
    try:
        NamedNode(encoded)  # pyoxigraph's IRI parser, the one the store applies
    except ValueError:
        return None
    return URIRef(encoded)


def document(slug: str) -> URIRef:
    return DOC[slug]


def span(doc_slug: str, raw_start: int, raw_end: int) -> URIRef:
    """A span of a document, named as in RFC 5147 / NIF: …/doc/<slug>#char=<start>,<end>."""
    return URIRef(f"{DOC[doc_slug]}#char={raw_start},{raw_end}")


def selector(doc_iri: str, raw_start: int, raw_end: int, kind: str) -> str:
    """A span's selector: …/doc/<slug>/selector/<start>-<end>/<kind> ("position" is stored; "quote" is
    computed from the release's text when a span is described)."""
    return f"{doc_iri}/selector/{raw_start}-{raw_end}/{kind}"


def in_document(kind: str, doc_slug: str, raw_start: int) -> str:
    """Key of a node that exists only in one document (a quote, a figure): kind/doc/c<offset>."""
    return f"{kind}/{doc_slug}/c{raw_start}"


def post(org_key: str, role_key: str, field: str = "") -> str:
    org_local = org_key.split("/", 1)[1]
    suffix = f"--{slugify(field, 10)}" if field else ""
    return f"post/{org_local}--{role_key}{suffix}"


def assertion(doc_slug: str, s: Node, p: Node, o: Node, where: str) -> URIRef:
    """One assertion per triple, sentence and rule; a hash keeps the IRI short and stable."""
    digest = hashlib.sha1(f"{s.n3()} {p.n3()} {o.n3()} {where}".encode("utf-8")).hexdigest()[:12]
    return URIRef(f"{DOC[doc_slug]}/assertion/{digest}")


def activity(doc_slug: str) -> URIRef:
    return URIRef(f"{DOC[doc_slug]}/extraction")


def belongs_to(node: str, doc_slug: str) -> bool:
    """Whether `node` (an IRI) was minted for one document: its own IRIs (…/doc/<slug>, spans,
    selectors, assertions) and the nodes it alone states (…/id/<kind>/<slug>/…: quotes, figures,
    visits). Every other IRI (people, organisations, posts, places) can be named by many documents."""
    own = f"{DOC}{doc_slug}"
    if node.startswith(own):
        return len(node) == len(own) or node[len(own)] in "#/"
    if not node.startswith(ID):
        return False
    _, _, rest = node[len(ID):].partition("/")
    return rest == doc_slug or rest.startswith(doc_slug + "/")

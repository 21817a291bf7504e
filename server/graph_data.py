"""Reading the store for the HTML pages and the linked-data views.

Everything goes through `server.sparql.run_query`, the same killable evaluator processes that answer
`/sparql`, with small bounded queries (LIMITs, one IRI at a time). What is the same for a whole store
generation (vocabulary labels, the search index, the press releases' raw texts, counts) is computed
once per generation and kept in the app (`cached`), so a rebuild of the store is picked up.
"""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from flask import current_app
from pyoxigraph import NamedNode

from kg.graph.vocab import BASE, DERIVED_GRAPH, DOC, GRAPH, ID, KG, ONTOLOGY_GRAPH, PREFIXES, REFERENCE_GRAPH
from kg.query.evaluator import current_generation
from server.context import config
from server.query_runner import run_query

T = TypeVar("T")

RDF_TYPE = PREFIXES["rdf"] + "type"
RDFS_LABEL = PREFIXES["rdfs"] + "label"
RDFS_COMMENT = PREFIXES["rdfs"] + "comment"
SCHEMA_NAME = PREFIXES["schema"] + "name"
SKOS_PREF = PREFIXES["skos"] + "prefLabel"
SKOS_ALT = PREFIXES["skos"] + "altLabel"
DCT_TITLE = PREFIXES["dcterms"] + "title"
OWL_SAMEAS = PREFIXES["owl"] + "sameAs"
SCHEMA_SAMEAS = PREFIXES["schema"] + "sameAs"
#: predicates whose object names the subject, best first
NAME_PREDICATES = (SCHEMA_NAME, RDFS_LABEL, SKOS_PREF)
#: every predicate the search looks at
SEARCH_PREDICATES = (SCHEMA_NAME, RDFS_LABEL, SKOS_PREF, SKOS_ALT, DCT_TITLE)
XSD = PREFIXES["xsd"]
RDF_LANG_STRING = PREFIXES["rdf"] + "langString"

#: a character that cannot appear in an IRI written as <...> in SPARQL
_BAD_IRI = re.compile(r'[\x00-\x20<>"{}|^`\\]')

_lock = threading.Lock()


# -- terms ------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Term:
    """An RDF term as SPARQL JSON results give it."""

    kind: str  # "uri", "literal", "bnode", "triple"
    value: str
    lang: str = ""
    datatype: str = ""

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Term:
        kind = data["type"]
        if kind == "typed-literal":  # SPARQL 1.0 JSON
            kind = "literal"
        value = data["value"] if kind != "triple" else json.dumps(data["value"])
        return cls(kind, value, data.get("xml:lang", ""), data.get("datatype", ""))

    @property
    def is_iri(self) -> bool:
        return self.kind == "uri"

    @property
    def is_literal(self) -> bool:
        return self.kind == "literal"

    def as_int(self) -> int:
        return int(self.value)


def iri_ref(iri: str) -> str:
    """`<iri>` for a SPARQL query, refusing anything that could break out of the brackets."""
    if not iri or _BAD_IRI.search(iri):
        raise ValueError(f"not an IRI that can be queried: {iri!r}")
    NamedNode(iri)  # ValueError for code points an IRI may not hold (a path of undecodable bytes)
    return f"<{iri}>"


def one_of(variable: str, iris: Iterable[str]) -> str:
    """`?p IN (<a>, <b>)`: the predicates of a pattern whose subject is bound, as a FILTER and not a VALUES block.
    pyoxigraph starts a join from its smaller side, here a VALUES of predicates, and then reads every triple of
    each predicate in the store (200 nodes' names: 5.8 s at 20,200 releases, 0.08 s with the FILTER)."""
    return f"{variable} IN ({', '.join(iri_ref(i) for i in iris)})"


def string_literal(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)


# -- IRIs and server paths --------------------------------------------------------------------------

def local_path(iri: str) -> str | None:
    """The server path of a minted IRI (`…/id/person/x` → `/id/person/x`, fragment kept), else None."""
    if iri.startswith(BASE):
        return "/" + iri[len(BASE):]
    return None


def iri_of_path(path: str) -> str:
    return BASE + path.lstrip("/")


def href(iri: str) -> str:
    """Where a link to `iri` should go: its page on this server when minted here, else the IRI."""
    return local_path(iri) or iri


def kind_of(iri: str) -> str:
    """A coarse kind from the IRI's shape: person, org, place, program, post, visit, …, document."""
    if iri.startswith(str(ID)):
        return iri[len(str(ID)):].split("/", 1)[0] or "entity"
    if iri.startswith(str(DOC)):
        rest = iri[len(str(DOC)):]
        if "#" in rest:
            return "span"
        return "document" if "/" not in rest else rest.split("/")[1]
    if iri.startswith(str(KG)) or iri == BASE + "ontology":
        return "ontology"
    if iri.startswith(str(GRAPH)):
        return "graph"
    return "external"


def is_entity_iri(iri: str) -> bool:
    """Minted entities and documents: what pages, lists and the explorer show as nodes."""
    return kind_of(iri) not in ("span", "assertion", "extraction", "selector", "ontology", "graph", "external")


def compact(iri: str) -> str:
    """`schema:name` for a known namespace, else the IRI."""
    best = ""
    for prefix, namespace in PREFIXES.items():
        if iri.startswith(namespace) and len(namespace) > len(PREFIXES.get(best, "")):
            best = prefix
    if best:
        rest = iri[len(PREFIXES[best]):]
        if rest and re.fullmatch(r"[A-Za-z0-9_.\-/#=,]+", rest):
            return f"{best}:{rest}"
    return iri


# -- queries ----------------------------------------------------------------------------------------

def select(query: str) -> list[dict[str, Term]]:
    """Rows of a SELECT through the evaluator pool, as Terms."""
    result = run_query(query, [], [], "json", None)
    data = json.loads(b"".join(result.chunks()))
    return [{name: Term.from_json(value) for name, value in row.items()} for row in data["results"]["bindings"]]


def ask(query: str) -> bool:
    result = run_query(query, [], [], "json", None)
    return bool(json.loads(b"".join(result.chunks())).get("boolean"))


def construct_ntriples(query: str) -> bytes:
    """A CONSTRUCT's triples as N-Triples bytes (deduplicated by the caller)."""
    result = run_query(query, [], [], None, "nt")
    return b"".join(result.chunks())


def generation() -> str:
    return current_generation(Path(config().store_dir))


def cached(name: str, compute: Callable[[], T]) -> T:
    """`compute()` once per store generation and name, kept in the app."""
    gen = generation()
    cache: dict[str, tuple[str, Any]] = current_app.extensions.setdefault("kg_pages_cache", {})
    with _lock:
        entry = cache.get(name)
        if entry is not None and entry[0] == gen:
            return entry[1]
    value = compute()
    with _lock:
        cache[name] = (gen, value)
    return value


# -- names ------------------------------------------------------------------------------------------

@dataclass
class Names:
    """What a node is called: its Indonesian and English names, and any other label."""

    iri: str
    id: str = ""
    en: str = ""
    other: str = ""
    aliases: list[str] = field(default_factory=list)

    @property
    def best(self) -> str:
        return self.id or self.en or self.other or fallback_label(self.iri)

    @property
    def best_lang(self) -> str:
        return "id" if self.id else "en" if self.en else ""

    @property
    def english(self) -> str:
        """The English name when it differs from the primary one."""
        return self.en if self.en and self.en != self.best else ""

    def as_dict(self) -> dict[str, str]:
        return {"label": self.best, "labelId": self.id, "labelEn": self.en}


def fallback_label(iri: str) -> str:
    """A readable stand-in for a node without a label: its last path segment or fragment."""
    if "#char=" in iri:
        return "characters " + iri.rsplit("#char=", 1)[1].replace(",", "–")
    tail = re.split(r"[/#]", iri.rstrip("/#"))[-1]
    return tail.replace("-", " ") if tail else iri


def _names_from_rows(rows: Iterable[tuple[str, str, Term]]) -> dict[str, Names]:
    """Rows of (node, predicate, literal) into Names; schema:name wins over rdfs:label."""
    rank = {p: i for i, p in enumerate(NAME_PREDICATES)}
    chosen: dict[tuple[str, str], tuple[int, str]] = {}
    names: dict[str, Names] = {}
    for node, predicate, literal in rows:
        entry = names.setdefault(node, Names(node))
        if predicate == SKOS_ALT:
            if literal.value not in entry.aliases:
                entry.aliases.append(literal.value)
            continue
        lang = literal.lang.split("-")[0].lower() if literal.lang else ""
        slot = lang if lang in ("id", "en") else "other"
        key = (node, slot)
        score = (rank.get(predicate, 9), literal.value)
        if key not in chosen or score < chosen[key]:
            chosen[key] = score
            setattr(entry, slot, literal.value)
    return names


def names_of(iris: Iterable[str], with_aliases: bool = False) -> dict[str, Names]:
    """Names of many nodes in one query (in chunks of 200); nodes without a name get a fallback."""
    wanted = sorted({i for i in iris if i and not _BAD_IRI.search(i)})
    is_a_name = one_of("?p", NAME_PREDICATES + ((SKOS_ALT,) if with_aliases else ()))
    names: dict[str, Names] = {}
    for start in range(0, len(wanted), 200):
        chunk = wanted[start:start + 200]
        rows = select(f"""SELECT DISTINCT ?s ?p ?l WHERE {{
            VALUES ?s {{ {' '.join(iri_ref(i) for i in chunk)} }}
            ?s ?p ?l FILTER(isLiteral(?l) && {is_a_name}) }}""")
        names.update(_names_from_rows((r["s"].value, r["p"].value, r["l"]) for r in rows))
    for iri in wanted:
        names.setdefault(iri, Names(iri))
    return names


# -- the vocabulary ----------------------------------------------------------------------------------

#: labels of the standard terms the graph uses (the ontology labels its own terms in id and en)
STANDARD_LABELS: dict[str, str] = {
    "rdf:type": "type", "rdf:subject": "subject", "rdf:predicate": "predicate", "rdf:object": "object",
    "rdf:Statement": "statement", "rdf:langString": "language-tagged string",
    "rdfs:label": "label", "rdfs:comment": "comment", "rdfs:seeAlso": "see also", "rdfs:subClassOf": "subclass of",
    "rdfs:subPropertyOf": "subproperty of", "rdfs:domain": "domain", "rdfs:range": "range",
    "rdfs:isDefinedBy": "defined by", "rdfs:Class": "class", "rdfs:Literal": "literal",
    "schema:name": "name", "schema:alternateName": "alternate name", "schema:jobTitle": "job title",
    "schema:worksFor": "works for", "schema:memberOf": "member of", "schema:parentOrganization": "parent organisation",
    "schema:subOrganization": "sub-organisation", "schema:containedInPlace": "contained in place",
    "schema:location": "location", "schema:startDate": "start date", "schema:endDate": "end date",
    "schema:subEvent": "sub-event", "schema:superEvent": "part of event", "schema:value": "value",
    "schema:minValue": "minimum value", "schema:maxValue": "maximum value", "schema:unitText": "unit",
    "schema:unitCode": "unit code", "schema:text": "text", "schema:description": "description",
    "schema:sameAs": "same as (schema.org)", "schema:url": "website", "schema:attendee": "attendee",
    "schema:organizer": "organiser", "schema:creator": "creator", "schema:provider": "provider",
    "schema:locationCreated": "location created", "schema:datePublished": "date published",
    "schema:Person": "person", "schema:Organization": "organisation", "schema:GovernmentOrganization": "government organisation",
    "schema:Place": "place", "schema:Event": "event", "schema:Country": "country", "schema:City": "city",
    "schema:AdministrativeArea": "administrative area", "schema:NewsArticle": "news article",
    "schema:GovernmentService": "government service", "schema:Quotation": "quotation",
    "schema:QuantitativeValue": "quantitative value", "schema:Corporation": "corporation",
    "schema:EducationalOrganization": "educational organisation",
    "org:holds": "holds post", "org:postIn": "post in", "org:role": "role", "org:headOf": "head of",
    "org:heldBy": "held by", "org:subOrganizationOf": "sub-organisation of", "org:unitOf": "unit of",
    "org:hasUnit": "has unit", "org:hasSubOrganization": "has sub-organisation", "org:memberOf": "member of (ORG)",
    "org:Organization": "organisation", "org:OrganizationalUnit": "organisational unit", "org:Post": "post",
    "org:Role": "role",
    "dcterms:title": "title", "dcterms:issued": "issued", "dcterms:publisher": "publisher", "dcterms:source": "source",
    "dcterms:language": "language", "dcterms:subject": "subject", "dcterms:description": "description",
    "dcterms:license": "licence", "dcterms:conformsTo": "conforms to", "dcterms:created": "created",
    "oa:hasSource": "source document", "oa:hasSelector": "selector", "oa:start": "start offset", "oa:end": "end offset",
    "oa:exact": "exact text", "oa:prefix": "text before", "oa:suffix": "text after",
    "oa:TextPositionSelector": "text position selector", "oa:TextQuoteSelector": "text quote selector",
    "oa:SpecificResource": "specific resource",
    "nif:beginIndex": "begin index", "nif:endIndex": "end index", "nif:anchorOf": "text (normalised)",
    "nif:referenceContext": "reference context", "nif:Sentence": "sentence (NIF)",
    "prov:wasDerivedFrom": "derived from", "prov:wasGeneratedBy": "generated by", "prov:used": "used",
    "prov:wasAssociatedWith": "associated with", "prov:Entity": "entity (PROV)", "prov:Activity": "activity (PROV)",
    "prov:Agent": "agent (PROV)",
    "skos:altLabel": "also known as", "skos:prefLabel": "preferred label", "skos:inScheme": "in scheme",
    "skos:Concept": "concept", "skos:ConceptScheme": "concept scheme", "skos:broader": "broader", "skos:notation": "notation",
    "owl:sameAs": "same as", "owl:Class": "class", "owl:ObjectProperty": "object property",
    "owl:DatatypeProperty": "datatype property", "owl:NamedIndividual": "named individual", "owl:Ontology": "ontology",
    "owl:versionInfo": "version", "owl:versionIRI": "version IRI",
    "foaf:Person": "person (FOAF)", "foaf:Organization": "organisation (FOAF)", "foaf:Document": "document (FOAF)",
    "foaf:name": "name (FOAF)",
    "vann:preferredNamespacePrefix": "preferred prefix", "vann:preferredNamespaceUri": "namespace",
}
#: which vocabulary a namespace is, for type badges
VOCABULARY_NAMES = {"schema": "schema.org", "org": "W3C ORG", "foaf": "FOAF", "prov": "PROV-O", "skos": "SKOS",
                    "oa": "Web Annotation", "nif": "NIF", "rdf": "RDF", "rdfs": "RDFS", "owl": "OWL",
                    "dcterms": "Dublin Core", "kg": "Kemensos KG"}


@dataclass(frozen=True)
class TermLabel:
    iri: str
    en: str
    id: str = ""
    vocabulary: str = ""

    @property
    def prefixed(self) -> str:
        return compact(self.iri)


def _humanise(local: str) -> str:
    return re.sub(r"(?<=[a-z])(?=[A-Z])", " ", local).replace("_", " ").lower()


@dataclass
class Vocabulary:
    """Labels, comments and class hierarchy of the ontology's terms (from the ontology graph)."""

    labels: dict[str, dict[str, str]]
    superclasses: dict[str, set[str]]

    def label(self, iri: str) -> TermLabel:
        prefixed = compact(iri)
        prefix = prefixed.split(":", 1)[0] if prefixed != iri else ""
        vocabulary = VOCABULARY_NAMES.get(prefix, prefix)
        own = self.labels.get(iri, {})
        if own.get("en") or own.get("id"):
            return TermLabel(iri, own.get("en") or own.get("id", ""), own.get("id", ""), vocabulary)
        if prefixed in STANDARD_LABELS:
            return TermLabel(iri, STANDARD_LABELS[prefixed], "", vocabulary)
        local = re.split(r"[/#:]", iri.rstrip("/#"))[-1]
        return TermLabel(iri, _humanise(local) or iri, "", vocabulary)

    def ancestors(self, cls: str) -> set[str]:
        seen: set[str] = set()
        todo = list(self.superclasses.get(cls, ()))
        while todo:
            current = todo.pop()
            if current not in seen:
                seen.add(current)
                todo.extend(self.superclasses.get(current, ()))
        return seen

    def most_specific(self, types: Iterable[str]) -> list[str]:
        """The ontology's own classes among `types` that no other of them specialises."""
        own = [t for t in types if t.startswith(str(KG))]
        covered: set[str] = set()
        for t in own:
            covered |= self.ancestors(t)
        return sorted((t for t in own if t not in covered), key=lambda t: self.label(t).en)


def vocabulary() -> Vocabulary:
    def load() -> Vocabulary:
        rows = select(f"""SELECT ?t ?p ?l WHERE {{ GRAPH {iri_ref(str(ONTOLOGY_GRAPH))} {{
            ?t ?p ?l VALUES ?p {{ <{RDFS_LABEL}> <{SKOS_PREF}> <http://www.w3.org/2000/01/rdf-schema#subClassOf> }}
        }} }}""")
        labels: dict[str, dict[str, str]] = {}
        supers: dict[str, set[str]] = {}
        # rdfs:label wins over skos:prefLabel (the ontology's individuals only have the latter)
        for row in sorted(rows, key=lambda r: r["p"].value != SKOS_PREF):
            term, predicate, value = row["t"].value, row["p"].value, row["l"]
            if predicate in (RDFS_LABEL, SKOS_PREF) and value.is_literal:
                labels.setdefault(term, {})[(value.lang or "en").split("-")[0]] = value.value
            elif value.is_iri:
                supers.setdefault(term, set()).add(value.value)
        return Vocabulary(labels, supers)

    return cached("vocabulary", load)


# -- documents --------------------------------------------------------------------------------------

def raw_texts(docs: Iterable[str]) -> dict[str, str]:
    """The raw file text (schema:text), which every offset points into, of each press release in `docs`, read
    once per generation, those not read yet in one query (every release's text is 40 MB at 20,000 releases)."""
    known: dict[str, str] = cached("raw_texts", dict)  # filled as releases are asked for
    wanted = set(docs)
    missing = " ".join(iri_ref(d) for d in sorted(wanted - known.keys()))
    if missing:
        rows = select(f"""SELECT ?doc ?text WHERE {{ VALUES ?doc {{ {missing} }}
                             ?doc a {iri_ref(str(KG) + 'PressRelease')} ; <{PREFIXES['schema']}text> ?text }}""")
        known.update((r["doc"].value, r["text"].value) for r in rows)
    return {d: known[d] for d in wanted if d in known}


def raw_text(doc_iri: str) -> str:  # "" for an IRI that is no press release
    return raw_texts([doc_iri]).get(doc_iri, "")


def documents() -> list[dict[str, Any]]:
    """Every press release with its title and date, newest first."""
    def load() -> list[dict[str, Any]]:
        rows = select(f"""SELECT ?doc (SAMPLE(?t) AS ?title) (SAMPLE(?d) AS ?issued) WHERE {{
            ?doc a {iri_ref(str(KG) + 'PressRelease')} .
            OPTIONAL {{ ?doc <{DCT_TITLE}> ?t }} OPTIONAL {{ ?doc <{PREFIXES['dcterms']}issued> ?d }}
        }} GROUP BY ?doc ORDER BY DESC(?issued) ?doc""")
        return [{"iri": r["doc"].value, "title": r["title"].value if "title" in r else fallback_label(r["doc"].value),
                 "issued": r["issued"].value if "issued" in r else "", "href": href(r["doc"].value)} for r in rows]

    return cached("documents", load)


GRAPH_KINDS = {str(ONTOLOGY_GRAPH): "ontology", str(REFERENCE_GRAPH): "reference", str(DERIVED_GRAPH): "derived"}


def graph_source(graph: str) -> str:
    """What a named graph is, in a word: ontology, reference, derived or a document."""
    return GRAPH_KINDS.get(graph, "document" if graph.startswith(str(DOC)) else "other")


def graph_names() -> frozenset[str]:
    """The named graphs of the store. Their sizes are counted one graph at a time (`graph_size`): counting
    every graph's reads every quad (24 s at 20,200 releases, for a page that shows one graph's size)."""
    def load() -> frozenset[str]:
        return frozenset(r["g"].value for r in select("SELECT DISTINCT ?g WHERE { GRAPH ?g { } }"))

    return cached("graph_names", load)


def graph_size(graph: str) -> int:
    """Triples in the named graph `graph` (0 when there is none), counted once per generation."""
    def load() -> int:
        rows = select(f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH {iri_ref(graph)} {{ ?s ?p ?o }} }}")
        return rows[0]["n"].as_int() if rows else 0

    return cached(f"graph_size {graph}", load)

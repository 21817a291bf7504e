"""Server-rendered pages for people who explore the graph without writing SPARQL.

`/` (search box, counts, lists, the press releases), `/browse/<list>` (people, organisations,
programmes, places, visits, documents, …), the page of every minted IRI (rendered here, served by
`server.linked_data` at the IRI's own path), the document page of a press release with every
mention marked, and the query editor that a browser gets at `/sparql`. The search and the relation
explorer are in `server.search` and `server.explorer`, the lists of the home page in `server.lists`.

Every page is a Jinja template (`server/templates/`) extending `base.html`, and embeds its own data
as JSON-LD (`<script type="application/ld+json">`). Data come from small bounded queries through
the evaluator pool (`server.graph_data`).
"""

from __future__ import annotations

import re
from collections import defaultdict
from typing import Any

from flask import Blueprint, Response, abort, request
from markupsafe import Markup

from kg.graph.records import minted_under_a_release, release_of
from kg.graph.vocab import BASE, DERIVED_GRAPH, KG, OA, PREFIXES
from server.graph_data import (
    DCT_TITLE,
    NAME_PREDICATES,
    OWL_SAMEAS,
    RDF_TYPE,
    SCHEMA_SAMEAS,
    SKOS_ALT,
    Names,
    Term,
    compact,
    documents,
    fallback_label,
    graph_names,
    graph_size,
    graph_source,
    href,
    iri_ref,
    is_entity_iri,
    kind_of,
    local_path,
    names_of,
    raw_text,
    select,
    vocabulary,
)
from server.lists import (
    class_counts,
    list_members,
    list_page,
    visit_items,
    visits_by_release,
)
from server.page_language import number_html
from server.provenance import (
    SentenceEvidence,
    document_spans,
    evidence_for,
    highlight_sentence,
    render_document_text,
)
from server.rdf_views import describe_triples, to_jsonld
from server.rendering import LISTS, render

bp = Blueprint("pages", __name__)
#: releases (and releases' visits) the home page shows, newest first
HOME_RELEASES = 20
#: graphs named beside a value on a page; the rest are counted
SOURCE_CHIPS = 10


@bp.app_template_filter("number")
def _number(value: int | float) -> Markup:
    return number_html(value)


@bp.after_app_request
def _vary_by_language(response: Response) -> Response:
    """A page's numbers follow the reader's language (`server.page_language`): a cache keeps one per language."""
    if response.mimetype == "text/html":
        response.vary.add("Accept-Language")
    return response

#: predicates pointing at a node that only say where a span or assertion is: shown as provenance instead
PROVENANCE_INCOMING = (PREFIXES["rdf"] + "subject", PREFIXES["rdf"] + "object", str(KG.refersTo),
                       PREFIXES["oa"] + "hasSource", PREFIXES["nif"] + "referenceContext", PREFIXES["prov"] + "used")
NAME_SECTION = (*NAME_PREDICATES, SKOS_ALT, DCT_TITLE)
IDENTIFIER_SECTION = (OWL_SAMEAS, SCHEMA_SAMEAS, PREFIXES["dcterms"] + "source", PREFIXES["schema"] + "url",
                      str(KG.sha256))
TEXT_PREDICATE = PREFIXES["schema"] + "text"
XSD = PREFIXES["xsd"]


# -- shared ----------------------------------------------------------------------------------------

def _context() -> dict[str, str]:
    return dict(PREFIXES)


def external_label(iri: str) -> str:
    """A readable name for an identifier elsewhere: "Wikidata Q17", "DBpedia: Japan", else the IRI."""
    match = re.match(r"https?://(?:www\.)?wikidata\.org/(?:entity|wiki)/(Q\d+)$", iri)
    if match:
        return f"Wikidata {match.group(1)}"
    match = re.match(r"https?://dbpedia\.org/resource/(.+)$", iri)
    if match:
        return "DBpedia: " + match.group(1).replace("_", " ")
    return iri


def source_chip(graph: str, doc_titles: dict[str, dict[str, Any]]) -> dict[str, str]:
    kind = graph_source(graph)
    if kind == "document":
        doc = doc_titles.get(graph)
        label = f"release {doc['issued']}" if doc and doc["issued"] else "release"
        return {"kind": kind, "label": label, "href": href(graph), "title": doc["title"] if doc else graph}
    titles = {"reference": "curated reference data (lexicons)", "derived": "derived from the ontology's axioms",
              "ontology": "the ontology"}
    return {"kind": kind, "label": kind, "href": href(graph), "title": titles.get(kind, graph)}


def format_literal(term: Term) -> dict[str, Any]:
    datatype = term.datatype
    text = term.value
    note = ""
    if datatype and datatype.startswith(XSD):
        note = datatype[len(XSD):]
        if note in ("string",):
            note = ""
    elif datatype and datatype != PREFIXES["rdf"] + "langString":
        note = compact(datatype)
    return {"kind": "literal", "text": text, "lang": term.lang, "datatype": note, "long": len(text) > 300}


def value_view(term: Term, names: dict[str, Names], current: str = "") -> dict[str, Any]:
    if term.is_iri:
        minted = local_path(term.value) is not None
        if minted:
            n = names.get(term.value) or Names(term.value)
            return {"kind": "iri", "text": n.best, "lang": n.best_lang, "en": n.english, "href": href(term.value),
                    "iri": term.value, "entity_kind": kind_of(term.value), "external": False,
                    "self": term.value == current}
        vocab = vocabulary()
        if term.value.startswith(tuple(PREFIXES[p] for p in ("schema", "org", "foaf", "prov", "skos", "oa", "nif",
                                                               "rdf", "rdfs", "owl", "dcterms"))):
            label = vocab.label(term.value)
            return {"kind": "iri", "text": label.en, "lang": "en", "en": "", "href": term.value, "iri": term.value,
                    "entity_kind": "vocabulary", "external": True, "prefixed": label.prefixed}
        return {"kind": "iri", "text": external_label(term.value), "lang": "", "en": "", "href": term.value,
                "iri": term.value, "entity_kind": "external", "external": True}
    if term.kind == "bnode":
        return {"kind": "literal", "text": f"_:{term.value}", "lang": "", "datatype": "blank node", "long": False}
    return format_literal(term)


def property_view(predicate: str) -> dict[str, Any]:
    label = vocabulary().label(predicate)
    target = predicate
    if predicate.startswith(str(KG)):
        target = "/ontology#" + predicate[len(str(KG)):]
    return {"iri": predicate, "label": label.en, "label_id": label.id, "prefixed": label.prefixed, "href": target,
            "vocabulary": label.vocabulary}


def type_views(types: list[str]) -> tuple[list[dict[str, str]], list[dict[str, str]]]:
    """(the ontology's most specific classes, every other class), each with labels."""
    vocab = vocabulary()
    specific = vocab.most_specific(types)
    main = [{"iri": t, "label": vocab.label(t).en, "label_id": vocab.label(t).id,
             "href": "/ontology#" + t[len(str(KG)):]} for t in specific]
    others = [{"iri": t, "label": vocab.label(t).en, "vocabulary": vocab.label(t).vocabulary, "prefixed": compact(t),
               "href": ("/ontology#" + t[len(str(KG)):]) if t.startswith(str(KG)) else t}
              for t in sorted(set(types) - set(specific), key=lambda t: (not t.startswith(str(KG)), compact(t)))]
    return main, others


# -- entity pages ------------------------------------------------------------------------------------

def _sentence_view(evidence: SentenceEvidence, names: dict[str, Names], docs: dict[str, dict[str, Any]],
                   current: str) -> dict[str, Any]:
    raw = raw_text(evidence.document)
    doc = docs.get(evidence.document, {"title": fallback_label(evidence.document), "issued": ""})
    facts = []
    for fact in evidence.facts:
        facts.append({"subject": value_view(fact.subject, names, current), "predicate": property_view(fact.predicate),
                      "object": value_view(fact.object, names, current), "rule": fact.rule,
                      "assertion": href(fact.assertion)})
    return {"html": highlight_sentence(raw, evidence.start, evidence.end, evidence.evidence, current),
            "href": evidence.href, "iri": evidence.iri, "start": evidence.start, "end": evidence.end,
            "document": {"title": doc["title"], "issued": doc["issued"], "href": href(evidence.document)},
            "facts": facts, "main": evidence.main}


def _sources(graphs: set[str], docs: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """The chips of the first `SOURCE_CHIPS` graphs stating a value, and how many more do (a name that 5,000
    releases state gets ten chips and "5,000 releases"; a chip each made a page of megabytes)."""
    ordered = sorted(graphs)
    return {"sources": [source_chip(g, docs) for g in ordered[:SOURCE_CHIPS]],
            "more_sources": max(0, len(ordered) - SOURCE_CHIPS)}


def _rows_of_values(by_predicate: dict[str, dict[tuple[str, str, str, str], dict[str, Any]]],
                    names: dict[str, Names], docs: dict[str, dict[str, Any]], current: str) -> list[dict[str, Any]]:
    """One row per set of properties, each value once with every source that states it.

    A name is usually stated as `schema:name` and `rdfs:label` by the same releases: one row "label · name"
    holds it, rather than a row per property repeating the value and its sources."""
    stated: dict[tuple[str, str, str, str], dict[str, Any]] = {}
    for p, entries in by_predicate.items():
        for key, entry in entries.items():
            value = stated.setdefault(key, {"term": entry["term"], "graphs": set(), "properties": []})
            value["graphs"] |= entry["graphs"]
            value["properties"].append(p)
    groups: dict[tuple[str, ...], list[dict[str, Any]]] = defaultdict(list)
    for value in stated.values():
        groups[tuple(sorted(value["properties"], key=lambda p: property_view(p)["label"].lower()))].append(value)
    rows = []
    for properties, group in groups.items():
        vals = []
        for value in sorted(group, key=lambda v: (v["term"].lang != "id", v["term"].value)):
            view = value_view(value["term"], names, current)
            view.update(_sources(value["graphs"], docs))
            vals.append(view)
        rows.append({"property": property_view(properties[0]), "also": [property_view(p) for p in properties[1:]],
                     "vals": vals})
    return sorted(rows, key=lambda r: r["property"]["label"].lower())


def resource_page(iri: str) -> str:
    """The page of any minted node: names, types, properties, incoming links, identifiers, and the
    sentence behind every extracted fact with its words highlighted."""
    ref = iri_ref(iri)
    if minted_under_a_release(iri):  # a node of a release's record: in the default graph alone, from that release
        source = f"BIND({iri_ref(release_of(iri))} AS ?g)"
        out_pattern, in_pattern = f"{ref} ?p ?o {source}", f"?s ?p {ref} {source}"
    else:
        out_pattern, in_pattern = f"GRAPH ?g {{ {ref} ?p ?o }}", f"GRAPH ?g {{ ?s ?p {ref} }}"
    outgoing = select(f"SELECT ?p ?o ?g WHERE {{ {out_pattern} }} LIMIT 3000")
    excluded = ", ".join(f"<{p}>" for p in PROVENANCE_INCOMING)
    incoming = select(f"SELECT ?s ?p ?g WHERE {{ {in_pattern} FILTER(?p NOT IN ({excluded})) }} LIMIT 2000")
    mentioned = select(f"""SELECT ?doc (COUNT(DISTINCT ?m) AS ?n) WHERE {{
        ?m <{KG}refersTo> {ref} ; <{PREFIXES['oa']}hasSource> ?doc }} GROUP BY ?doc ORDER BY ?doc LIMIT 500""")
    is_assertion = any(r["p"].value == RDF_TYPE and r["o"].value == str(KG.Assertion) for r in outgoing)
    evidence, evidence_capped = evidence_for(iri, "assertion" if is_assertion else "entity")

    linked: set[str] = {iri}
    linked |= {r["o"].value for r in outgoing if r["o"].is_iri}
    linked |= {r["s"].value for r in incoming if r["s"].is_iri}
    for sentence in evidence:
        for fact in sentence.facts:
            linked |= {t.value for t in (fact.subject, fact.object) if t.is_iri}
        linked |= {s.refers_to for s in sentence.evidence if s.refers_to}
    names = names_of([i for i in linked if local_path(i)])
    own = names_of([iri], with_aliases=True)[iri]
    docs = {d["iri"]: d for d in documents()}

    # outgoing, grouped by predicate, with the graphs that state each value
    values: dict[str, dict[tuple[str, str, str, str], dict[str, Any]]] = defaultdict(dict)
    types: list[str] = []
    for row in outgoing:
        p, o, g = row["p"].value, row["o"], row["g"].value
        if p == RDF_TYPE and o.is_iri:
            if o.value not in types:
                types.append(o.value)
            continue
        key = (o.kind, o.value, o.lang, o.datatype)
        entry = values[p].setdefault(key, {"term": o, "graphs": set()})
        entry["graphs"].add(g)
    in_section: dict[str, dict[str, dict[tuple[str, str, str, str], dict[str, Any]]]] = defaultdict(dict)
    for p, entries in values.items():
        graphs_of_p = set().union(*(e["graphs"] for e in entries.values()))
        if p in NAME_SECTION:
            section = "names"
        elif p in IDENTIFIER_SECTION:
            section = "identifiers"
        elif p == TEXT_PREDICATE and iri in docs:
            section = "text"
        elif graphs_of_p <= {str(DERIVED_GRAPH)}:
            section = "aligned"
        else:
            section = "facts"
        in_section[section][p] = entries
    sections: dict[str, list[dict[str, Any]]] = {name: [] for name in ("names", "facts", "identifiers", "aligned", "text")}
    for section, by_predicate in in_section.items():
        sections[section] = _rows_of_values(by_predicate, names, docs, iri)

    # incoming, grouped by predicate
    incoming_groups: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    for row in incoming:
        if row["s"].is_iri:
            incoming_groups[row["p"].value][row["s"].value].add(row["g"].value)
    incoming_view, incoming_aligned = [], []
    for p, subjects in sorted(incoming_groups.items(), key=lambda kv: property_view(kv[0])["label"]):
        rows = []
        for s, graphs in sorted(subjects.items(), key=lambda kv: (names.get(kv[0]) or Names(kv[0])).best.lower()):
            view = value_view(Term("uri", s), names, iri)
            view.update(_sources(graphs, docs))
            rows.append(view)
        group = {"property": property_view(p), "vals": rows}
        all_graphs = set().union(*subjects.values())
        (incoming_aligned if all_graphs <= {str(DERIVED_GRAPH)} else incoming_view).append(group)

    main_types, other_types = type_views(types)
    sentences = [_sentence_view(s, names, docs, iri) for s in evidence]
    mentions = [{"document": docs.get(r["doc"].value, {"title": fallback_label(r["doc"].value), "issued": ""}),
                 "href": href(r["doc"].value), "count": r["n"].as_int()} for r in mentioned]
    jsonld = to_jsonld(describe_triples(iri, core=True), first=iri)
    return render("entity.html", title=own.best, jsonld=jsonld, iri=iri, names=own, main_types=main_types,
                  other_types=other_types, sections=sections, incoming=incoming_view, incoming_aligned=incoming_aligned,
                  sentences=sentences, mentions=mentions, kind=kind_of(iri), explorable=is_entity_iri(iri),
                  evidence_capped=evidence_capped,
                  is_assertion=is_assertion, fact_count=sum(len(s["facts"]) for s in sentences))


# -- document pages ----------------------------------------------------------------------------------

def document_page(iri: str) -> str:
    """A press release: metadata, and its text with every recognised mention marked and linked."""
    ref = iri_ref(iri)
    meta_rows = select(f"""SELECT ?p ?o WHERE {{ {ref} ?p ?o FILTER(?p != <{TEXT_PREDICATE}>) }} LIMIT 500""")
    meta: dict[str, list[Term]] = defaultdict(list)
    for row in meta_rows:
        if row["o"] not in meta[row["p"].value]:
            meta[row["p"].value].append(row["o"])
    sentences, mentions = document_spans(iri)
    refs = {m.refers_to for m in mentions if m.refers_to}
    linked = refs | {t.value for values in meta.values() for t in values if t.is_iri and local_path(t.value)}
    names = names_of(linked)
    for m in mentions:
        if m.refers_to:
            m.label = f"{names[m.refers_to].best} ({kind_of(m.refers_to)})"
    counts = select(f"""SELECT (COUNT(DISTINCT ?a) AS ?n) WHERE {{
        ?a a <{KG}Assertion> ; <{KG}sentence>/<{OA}hasSource> {ref} }}""")

    def first(predicate: str) -> Term | None:
        found = meta.get(predicate) or []
        return sorted(found, key=lambda t: t.lang != "id")[0] if found else None

    def linked_view(predicate: str) -> list[dict[str, Any]]:
        return [value_view(t, names) for t in meta.get(predicate, [])]

    title = first(DCT_TITLE) or first(PREFIXES["schema"] + "name")
    issued = first(PREFIXES["dcterms"] + "issued")
    by_kind: dict[str, list[dict[str, Any]]] = defaultdict(list)
    counted: dict[str, int] = defaultdict(int)
    for m in mentions:
        if m.refers_to:
            counted[m.refers_to] += 1
    for entity, count in counted.items():
        by_kind[kind_of(entity)].append({"href": href(entity), "text": names[entity].best, "count": count,
                                         "en": names[entity].english})
    for rows in by_kind.values():
        rows.sort(key=lambda r: r["text"].lower())
    kind_titles = {"person": "People", "org": "Organisations", "place": "Places", "program": "Programmes"}
    mentioned = [{"kind": k, "title": kind_titles.get(k, k), "entities": by_kind[k]}
                 for k in ("person", "org", "place", "program") if by_kind.get(k)]
    mentioned += [{"kind": k, "title": k, "entities": v} for k, v in by_kind.items() if k not in kind_titles]
    jsonld = to_jsonld(describe_triples(iri, core=True), first=iri)
    return render("document.html", title=title.value if title else fallback_label(iri), jsonld=jsonld, iri=iri,
                  doc_title=title, issued=issued.value if issued else "",
                  dateline=linked_view(str(KG.dateline)), publisher=linked_view(PREFIXES["dcterms"] + "publisher"),
                  sources=[t.value for t in meta.get(PREFIXES["dcterms"] + "source", [])],
                  language=(first(PREFIXES["dcterms"] + "language") or Term("literal", "")).value,
                  text=render_document_text(iri, sentences, mentions), mention_count=len(mentions),
                  sentence_count=len(sentences), assertion_count=counts[0]["n"].as_int() if counts else 0,
                  mentioned=mentioned, graph_size=graph_size(iri))


# -- named graphs ------------------------------------------------------------------------------------

def graph_page(iri: str) -> str:
    ref = iri_ref(iri)
    predicates = select(f"""SELECT ?p (COUNT(*) AS ?n) WHERE {{ GRAPH {ref} {{ ?s ?p ?o }} }}
                            GROUP BY ?p ORDER BY DESC(?n) ?p LIMIT 200""")
    classes = select(f"""SELECT ?c (COUNT(DISTINCT ?s) AS ?n) WHERE {{ GRAPH {ref} {{ ?s a ?c }} }}
                         GROUP BY ?c ORDER BY DESC(?n) ?c LIMIT 200""")
    # the first 2,000 subjects as the store yields them, sorted here: ordering all of a graph's subjects before the
    # LIMIT took 28 s for the derived graph at 20,200 releases
    subjects = select(f"""SELECT DISTINCT ?s WHERE {{ GRAPH {ref} {{ ?s ?p ?o }} FILTER(isIRI(?s)) }} LIMIT 2000""")
    entities = sorted(r["s"].value for r in subjects if is_entity_iri(r["s"].value))[:400]
    names = names_of(entities)
    size = graph_size(iri)
    descriptions = {"reference": "Curated reference data from the lexicons: places with containment and Wikidata / "
                                 "DBpedia identifiers, known organisations, titles and programmes.",
                    "derived": "Triples materialised from the ontology's axioms (the schema.org, ORG, FOAF and PROV "
                               "view) and findings about inconsistent figures.",
                    "ontology": "The ontology: classes and properties with their labels and alignments."}
    kind = graph_source(iri)
    jsonld = {"@context": {**_context(), "sd": "http://www.w3.org/ns/sparql-service-description#",
                           "void": "http://rdfs.org/ns/void#"},
              "@id": iri, "@type": ["sd:NamedGraph", "void:Dataset"],
              "void:triples": {"@value": str(size), "@type": "xsd:integer"},
              "schema:description": descriptions.get(kind, "")}
    return render("graph.html", title=f"Graph {fallback_label(iri)}", jsonld=jsonld, iri=iri, size=size, kind=kind,
                  description=descriptions.get(kind, ""),
                  predicates=[{"property": property_view(r["p"].value), "count": r["n"].as_int()} for r in predicates],
                  classes=[{"label": vocabulary().label(r["c"].value).en, "prefixed": compact(r["c"].value),
                            "href": href(r["c"].value) if not r["c"].value.startswith(str(KG))
                            else "/ontology#" + r["c"].value[len(str(KG)):], "count": r["n"].as_int()} for r in classes],
                  entities=[{"href": href(e), "text": names[e].best, "kind": kind_of(e)} for e in entities])


# -- home and lists ----------------------------------------------------------------------------------

@bp.get("/")
def home() -> str:
    """Counts, the newest releases and the visits they report: a page of the same size for 20 releases or
    20,000 (the whole lists are under /browse)."""
    counts = class_counts()
    docs = documents()
    newest = docs[:HOME_RELEASES]
    visits = visits_by_release()[:HOME_RELEASES]
    stats = [{"name": name, "title": LISTS[name][0], "title_id": LISTS[name][1], "count": counts.get(LISTS[name][2], 0),
              "description": LISTS[name][3]} for name in LISTS]
    jsonld = {"@context": _context(), "@type": "schema:WebSite", "@id": request.url_root,
              "schema:name": "Kemensos press release knowledge graph",
              "schema:potentialAction": {"@type": "schema:SearchAction",
                                         "schema:target": request.url_root + "search?q={query}",
                                         "schema:query-input": "required name=query"},
              "schema:about": {"@id": BASE + "ontology"},
              "schema:hasPart": [{"@id": d["iri"], "@type": "schema:NewsArticle", "schema:headline": d["title"],
                                  "schema:datePublished": d["issued"]} for d in newest]}
    return render("home.html", title="Kemensos knowledge graph", jsonld=jsonld, stats=stats, documents=newest,
                  graph_count=len(graph_names()), document_count=len(docs), visits=visits)


@bp.get("/browse/<name>")
def browse(name: str) -> str:
    if name == "documents":
        docs = documents()
        items = [{"iri": d["iri"], "href": d["href"], "text": d["title"], "lang": "id", "en": "",
                  "types": ["press release"], "issued": d["issued"], "kind": "document"} for d in docs]
        return list_page(name, "Press releases", "Siaran pers", "the releases the graph was extracted from, newest first",
                          items)
    if name not in LISTS:
        abort(404, f"there is no list called {name!r}; lists: {', '.join([*LISTS, 'documents'])}")
    title, title_id, cls, description = LISTS[name]
    return list_page(name, title, title_id, description, visit_items() if name == "visits" else list_members(cls))


# -- the query editor --------------------------------------------------------------------------------

__all__ = ["bp", "resource_page", "document_page", "graph_page", "value_view", "property_view"]

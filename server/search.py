"""`/search?q=`: entities by any of their labels, in Indonesian or English.

Labels are `rdfs:label`, `schema:name`, `skos:prefLabel`, `skos:altLabel` and (for press releases)
`dcterms:title` of every minted entity and document but the nodes of one release's statements (figures, posts
held on a day, quotations, …; `STATEMENT_KINDS`). Matching ignores case, accents and punctuation
("Kemensós" finds "Kemensos", "PT. Sun Aqua Toto" and "pt sun aqua toto" are the same), and results are
ranked: the whole label (exact) before a label starting with the query (prefix), before a word of the
label starting with it, before the query anywhere in a label, before a label holding every word of
the query. The index of labels is read once per store generation.

`/search?q=…&format=json` (or `Accept: application/json`) answers the same as JSON.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Any

from flask import Blueprint, Response, jsonify, request

from kg.graph.vocab import DOC, ID, KG
from server.graph_data import SEARCH_PREDICATES, cached, href, iri_ref, kind_of, select, vocabulary
from server.rendering import render

bp = Blueprint("search", __name__)

TIERS = ("exact", "prefix", "word", "contains", "words")
MAX_RESULTS = 50


def normalise(text: str) -> str:
    """Lower case, no accents, punctuation as spaces, single spaces."""
    decomposed = unicodedata.normalize("NFKD", text)
    bare = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    bare = re.sub(r"[^\w]+", " ", bare.casefold(), flags=re.UNICODE).replace("_", " ")
    return " ".join(bare.split())


@dataclass(frozen=True)
class Label:
    iri: str
    text: str
    lang: str
    predicate: str
    norm: str


@dataclass
class Entry:
    iri: str
    names: dict[str, str]  # "id" / "en" / "" → the name shown
    labels: list[Label]

    @property
    def name(self) -> str:
        return self.names.get("id") or self.names.get("en") or self.names.get("") or self.labels[0].text


#: nodes minted for one statement of one release (a figure, a post held on a day, a quotation, …): reached from
#: their release's and their entities' pages, not searched (at 20,200 releases they are 180,000 of 213,000
#: labelled nodes, and a bounded index of everything had left Harry Hikmat out)
STATEMENT_KINDS = ("statistic", "membership", "quote", "cooperation", "directive", "finding")
#: labels read for the index at most (a bound on a worker's memory)
MAX_LABELS = 300_000


#: the nodes indexed: minted entities and documents, not one release's statements
_INDEXED = (f'(STRSTARTS(STR(?s), "{ID}") || STRSTARTS(STR(?s), "{DOC}")) && '
            + " && ".join(f'!STRSTARTS(STR(?s), "{ID}{kind}/")' for kind in STATEMENT_KINDS))
#: a release or a release's visit: read after the other entities
_PER_RELEASE = f'(STRSTARTS(STR(?s), "{DOC}") || STRSTARTS(STR(?s), "{ID}visit/"))'


def index() -> dict[str, Entry]:
    """Every labelled entity and document, once per store generation; the entities that are not a release's own
    (people, organisations, places, posts, programmes, …) are read first, so a bound on the labels could only cut
    releases and their visits."""
    def load() -> dict[str, Entry]:
        predicates = " ".join(f"<{p}>" for p in SEARCH_PREDICATES)
        rows = [row for part in (f"!{_PER_RELEASE}", _PER_RELEASE) for row in select(f"""SELECT DISTINCT ?s ?p ?l WHERE {{
            VALUES ?p {{ {predicates} }} ?s ?p ?l FILTER(isIRI(?s) && isLiteral(?l) && {_INDEXED} && {part})
        }} LIMIT {MAX_LABELS}""")]
        entries: dict[str, Entry] = {}
        name_rank = {p: i for i, p in enumerate(SEARCH_PREDICATES)}
        chosen: dict[tuple[str, str], int] = {}
        for row in rows:
            iri = row["s"].value
            if kind_of(iri) in ("span", "assertion", "extraction", "selector"):
                continue
            literal, predicate = row["l"], row["p"].value
            lang = (literal.lang or "").split("-")[0]
            entry = entries.get(iri)
            if entry is None:
                entry = entries[iri] = Entry(iri, {}, [])
            entry.labels.append(Label(iri, literal.value, lang, predicate, normalise(literal.value)))
            if predicate.endswith("altLabel"):
                continue
            slot = lang if lang in ("id", "en") else ""
            rank = name_rank[predicate]
            if (iri, slot) not in chosen or rank < chosen[(iri, slot)]:
                chosen[(iri, slot)] = rank
                entry.names[slot] = literal.value
        return entries

    return cached("search_index", load)


def _tier(query: str, words: list[str], label: str) -> int | None:
    if label == query:
        return 0
    if label.startswith(query):
        return 1
    if f" {query}" in f" {label}":
        return 2
    if query in label:
        return 3
    if len(words) > 1 and all(w in label for w in words):
        return 4
    return None


def search(text: str, limit: int = MAX_RESULTS) -> list[dict[str, Any]]:
    """Ranked matches of `text` against every label: exact > prefix > word prefix > contains > all words."""
    query = normalise(text)
    if not query:
        return []
    words = query.split()
    results = []
    for entry in index().values():
        best: tuple[int, int, str] | None = None
        matched: Label | None = None
        for label in entry.labels:
            tier = _tier(query, words, label.norm)
            if tier is None:
                continue
            key = (tier, len(label.norm), label.norm)
            if best is None or key < best:
                best, matched = key, label
        if best is None or matched is None:
            continue
        results.append((best, normalise(entry.name), entry, matched))
    results.sort(key=lambda r: (r[0][0], r[0][1], r[1]))
    shown = results[:limit]
    types = _types([entry.iri for _, _, entry, _ in shown])
    out = []
    for (tier, _, _), _, entry, label in shown:
        out.append({"iri": entry.iri, "href": href(entry.iri), "name": entry.name,
                    "nameId": entry.names.get("id", ""), "nameEn": entry.names.get("en", ""),
                    "matched": label.text, "matchedLang": label.lang, "matchedBy": label.predicate,
                    "rank": TIERS[tier], "types": types.get(entry.iri, []), "kind": kind_of(entry.iri)})
    return out


def _types(iris: list[str]) -> dict[str, list[str]]:
    """The most specific ontology types of the results shown, read for them alone (typing every node of the index
    read millions of type triples at 20,200 releases)."""
    if not iris:
        return {}
    rows = select(f"""SELECT DISTINCT ?s ?t WHERE {{ VALUES ?s {{ {" ".join(iri_ref(i) for i in iris)} }}
        ?s a ?t FILTER(STRSTARTS(STR(?t), "{KG}")) }}""")
    found: dict[str, list[str]] = {}
    for row in rows:
        found.setdefault(row["s"].value, []).append(row["t"].value)
    vocab = vocabulary()
    return {iri: [vocab.label(t).en for t in vocab.most_specific(ts)] for iri, ts in found.items()}


def _wants_json() -> bool:
    """`format=json`, or an Accept naming JSON and not HTML (negotiation maps application/json to
    SPARQL results, so the header is read directly)."""
    fmt = (request.args.get("format") or "").lower()
    if fmt:
        return fmt == "json"
    accept = request.headers.get("Accept") or ""
    return "json" in accept and "text/html" not in accept


@bp.get("/search")
def search_page() -> Response | str:

    q = request.args.get("q", "").strip()[:200]
    results = search(q) if q else []
    if _wants_json():
        response = jsonify({"query": q, "count": len(results), "results": results})
        response.headers["Vary"] = "Accept"
        return response
    jsonld = {"@context": {"schema": "http://schema.org/"}, "@type": "schema:SearchResultsPage",
              "schema:name": f"Search: {q}" if q else "Search",
              "schema:mainEntity": {"@type": "schema:ItemList", "schema:numberOfItems": len(results),
                                    "schema:itemListElement": [
                                        {"@type": "schema:ListItem", "schema:position": i + 1,
                                         "schema:item": {"@id": r["iri"], "schema:name": r["name"]}}
                                        for i, r in enumerate(results)]}}
    html = render("search.html", title=f"Search: {q}" if q else "Search", jsonld=jsonld, q=q, results=results)
    return Response(html, mimetype="text/html", headers={"Vary": "Accept"})


__all__ = ["bp", "search", "normalise", "index"]

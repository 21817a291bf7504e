"""The lists of the home page and of `/browse/<list>`: every member of a class with its names and most
specific type, the visits under the releases that report them, and a list as a schema.org ItemList, shown
a page at a time."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from flask import abort, request

from kg.graph.vocab import KG, PREFIXES
from server.graph_data import (
    cached,
    documents,
    href,
    iri_ref,
    kind_of,
    names_of,
    select,
    vocabulary,
)
from server.rendering import LISTS, render
from server.search import normalise

#: rows of a list page (/browse/…)
LIST_PAGE = 500


def class_counts() -> dict[str, int]:
    def load() -> dict[str, int]:
        values = " ".join(f"<{c}>" for _, _, c, _ in LISTS.values()) + f" <{KG.PressRelease}>"
        rows = select(f"SELECT ?c (COUNT(DISTINCT ?s) AS ?n) WHERE {{ VALUES ?c {{ {values} }} ?s a ?c }} GROUP BY ?c")
        return {r["c"].value: r["n"].as_int() for r in rows}

    return cached("class_counts", load)


def list_members(cls: str) -> list[dict[str, Any]]:
    """Every member of a class with its names and most specific type, sorted by name."""
    def load() -> list[dict[str, Any]]:
        rows = select(f"""SELECT DISTINCT ?s ?t WHERE {{ ?s a {iri_ref(cls)} ; a ?t
                                                         FILTER(STRSTARTS(STR(?t), "{KG}")) }} LIMIT 5000""")
        types: dict[str, list[str]] = defaultdict(list)
        for r in rows:
            types[r["s"].value].append(r["t"].value)
        names = names_of(types)
        vocab = vocabulary()
        members = []
        for iri, ts in types.items():
            specific = vocab.most_specific(ts)
            members.append({"iri": iri, "href": href(iri), "text": names[iri].best, "lang": names[iri].best_lang,
                            "en": names[iri].english, "types": [vocab.label(t).en for t in specific],
                            "kind": kind_of(iri)})
        members.sort(key=lambda m: normalise(m["text"]))
        return members

    return cached(f"list:{cls}", load)


def visits_by_release() -> list[dict[str, Any]]:
    """The visits, each under the release that reports it (its title and date), newest release first.

    A reader knows a release by its title and date, so the visit a release reports as a whole is shown by
    the release's title, and the visits to each host ("Kunjungan ke PT Sun Aqua Toto") below it."""
    def load() -> list[dict[str, Any]]:
        rows = select(f"SELECT DISTINCT ?v ?g WHERE {{ GRAPH ?g {{ ?v a <{KG.Visit}> }} }}")
        release_of = {r["v"].value: r["g"].value for r in rows}
        members = list_members(str(KG.Visit))
        groups = {d["iri"]: {**d, "visit": None, "hosts": []} for d in documents()}
        for member in members:
            group = groups.get(release_of.get(member["iri"], ""))
            if group is None:
                continue
            if member["iri"].endswith("/visit/" + group["iri"].rsplit("/", 1)[-1]):  # the release's own visit
                group["visit"] = member
            else:
                group["hosts"].append(member)
        return [g for g in groups.values() if g["visit"] or g["hosts"]]  # documents() is newest first

    return cached("visits_by_release", load)


def visit_items() -> list[dict[str, Any]]:
    """The members of /browse/visits with a release's own visit named by the release's title and date."""
    items = []
    for group in visits_by_release():
        if group["visit"]:
            dated = f"{group['title']} ({group['issued']})" if group["issued"] else group["title"]
            items.append({**group["visit"], "text": dated})
        items += group["hosts"]
    return sorted(items, key=lambda m: normalise(m["text"]))


def item_list(name: str, items: list[dict[str, Any]], first: int = 0, total: int | None = None) -> dict[str, Any]:
    """A schema:ItemList of `items`, the first at position `first` + 1, of `total` items (a page of a longer list)."""
    return {"@context": dict(PREFIXES), "@type": "schema:ItemList", "schema:name": name,
            "schema:numberOfItems": len(items) if total is None else total,
            "schema:itemListElement": [{"@type": "schema:ListItem", "schema:position": first + i + 1,
                                        "schema:item": {"@id": item["iri"], "schema:name": item["text"]}}
                                       for i, item in enumerate(items)]}


def list_page(name: str, title: str, title_id: str, description: str, items: list[dict[str, Any]]) -> str:
    """One page of a list (`?page=N`, `LIST_PAGE` items each), with links to the pages before and after."""
    pages = max(1, -(-len(items) // LIST_PAGE))
    number = request.args.get("page", "1")
    if not number.isdigit() or not 1 <= int(number) <= pages:
        abort(404, f"{title} has pages 1 to {pages}, not {number!r}")
    first = (int(number) - 1) * LIST_PAGE
    shown = items[first:first + LIST_PAGE]
    return render("list.html", title=title if pages == 1 else f"{title} ({number}/{pages})",
                  jsonld=item_list(title, shown, first, len(items)),
                  items=shown, total=len(items), first=first, page=int(number), pages=pages, list_name=name,
                  list_title=title, list_title_id=title_id, description=description)


__all__ = ["class_counts", "item_list", "list_members", "list_page", "visit_items", "visits_by_release"]

"""The HTML pages, through the Flask test client: home, lists, entity pages (names, types, grouped
properties, incoming links, external identifiers, the source sentence of every fact with its words
marked), document pages (every mention marked and linked), search (ranking, accents), the relation
explorer's JSON, the query editor at /sparql, and the JSON-LD every page embeds.

Pages are parsed into a small tree (`parse_html`) that also checks the markup is well nested.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from rdflib import Graph, Literal, URIRef

from server.app import create_app
from server.config import ServerConfig
from server.search import normalise

BASE = "https://w3id.org/kemensos-kg/"
HARRY = BASE + "id/person/harry-hikmat"
FOUNDING = "doc/2022-11-09-delegasi-kemensos-fukuoka"
BROWSER = {"Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"}
VOID_ELEMENTS = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}
#: elements whose end tag HTML lets an author leave out; the templates close them anyway
PAGES = ["/", "/browse/people", "/browse/organisations", "/browse/programmes", "/browse/places", "/browse/visits",
         "/browse/documents", "/id/person/harry-hikmat", "/id/place/jepang", f"/{FOUNDING}", "/search?q=harry",
         "/explore", f"/explore?iri={HARRY}", "/sparql", "/ontology", "/graph/reference"]


# -- a small HTML tree ---------------------------------------------------------------------------------

@dataclass
class Element:
    tag: str
    attrs: dict[str, str]
    children: list[Any] = field(default_factory=list)  # Element or str

    def text(self) -> str:
        return "".join(c if isinstance(c, str) else c.text() for c in self.children)

    def words(self) -> str:
        return " ".join(self.text().split())

    def iter(self) -> Iterator[Element]:
        yield self
        for child in self.children:
            if isinstance(child, Element):
                yield from child.iter()

    def find_all(self, tag: str | None = None, **attrs: str) -> list[Element]:
        def matches(e: Element) -> bool:
            if tag and e.tag != tag:
                return False
            for name, value in attrs.items():
                name = name.rstrip("_").replace("_", "-")
                actual = e.attrs.get(name)
                if actual is None:
                    return False
                if name == "class":
                    if value not in actual.split():
                        return False
                elif actual != value:
                    return False
            return True
        return [e for e in self.iter() if matches(e)]

    def find(self, tag: str | None = None, **attrs: str) -> Element:
        found = self.find_all(tag, **attrs)
        assert found, f"no <{tag} {attrs}>"
        return found[0]

    def by_id(self, ident: str) -> Element:
        return self.find(id=ident)


class _TreeBuilder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = Element("#document", {})
        self.stack = [self.root]
        self.errors: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        element = Element(tag, {k: v or "" for k, v in attrs})
        self.stack[-1].children.append(element)
        if tag not in VOID_ELEMENTS:
            self.stack.append(element)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.stack[-1].children.append(Element(tag, {k: v or "" for k, v in attrs}))

    def handle_endtag(self, tag: str) -> None:
        if tag in VOID_ELEMENTS:
            return
        if self.stack[-1].tag != tag:
            self.errors.append(f"</{tag}> closes <{self.stack[-1].tag}>")
            while len(self.stack) > 1 and self.stack[-1].tag != tag:
                self.stack.pop()
        if len(self.stack) > 1:
            self.stack.pop()

    def handle_data(self, data: str) -> None:
        self.stack[-1].children.append(data)


def parse_html(html: str) -> Element:
    builder = _TreeBuilder()
    builder.feed(html)
    builder.close()
    assert not builder.errors, builder.errors[:5]
    assert [e.tag for e in builder.stack] == ["#document"], "unclosed elements: " + str([e.tag for e in builder.stack])
    return builder.root


def jsonld_of(page: Element) -> Any:
    scripts = page.find_all("script", type="application/ld+json")
    assert len(scripts) == 1
    return json.loads(scripts[0].text())


# -- fixtures ------------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def client(store_dir: Path) -> Iterator[Any]:
    app = create_app(ServerConfig(store_dir=store_dir, threads=2))
    yield app.test_client()
    app.extensions["kg_runner"].close()


def page(client: Any, path: str) -> Element:
    response = client.get(path, headers=BROWSER)
    assert response.status_code == 200, f"{path}: {response.status_code} {response.get_data(as_text=True)[:500]}"
    assert response.mimetype == "text/html"
    return parse_html(response.get_data(as_text=True))


@pytest.fixture(scope="module")
def harry(client: Any) -> Element:
    return page(client, "/id/person/harry-hikmat")


# -- every page ----------------------------------------------------------------------------------------

@pytest.mark.parametrize("path", PAGES)
def test_every_page_is_well_formed_accessible_and_embeds_its_data(client: Any, path: str) -> None:
    root = page(client, path)
    html = root.find("html")
    assert html.attrs.get("lang") == "en"
    assert root.find("meta", name="viewport")
    assert len(root.find_all("main")) == 1
    assert len(root.find_all("h1")) == 1
    skip = root.find("a", class_="skip-link")
    assert skip.attrs["href"] == "#main" and root.by_id("main").tag == "main"
    assert root.find("nav").attrs.get("aria-label")
    for element in root.iter():  # every form control has a label
        if element.tag == "input" and element.attrs.get("type") not in ("hidden", "checkbox", "submit"):
            ident = element.attrs.get("id")
            assert ident and root.find_all("label", for_=ident), f"input without a label on {path}"
    for script in root.find_all("script"):
        src = script.attrs.get("src", "")
        assert not src.startswith(("http:", "https:", "//")), f"{path} loads {src} from elsewhere"
    data = jsonld_of(root)
    assert "@context" in data


@pytest.mark.parametrize("path", ["/", "/id/person/harry-hikmat", f"/{FOUNDING}", "/ontology", "/graph/reference"])
def test_embedded_jsonld_is_rdf(client: Any, path: str) -> None:
    data = jsonld_of(page(client, path))
    graph = Graph().parse(data=json.dumps(data), format="json-ld")
    assert len(graph) > 0


# -- home and lists ------------------------------------------------------------------------------------

def test_home_has_search_counts_lists_and_documents(client: Any) -> None:
    root = page(client, "/")
    form = root.find("form", role="search", action="/search")
    assert form.find("input", name="q")
    links = {a.attrs.get("href") for a in root.find_all("a")}
    for name in ("people", "organisations", "programmes", "places", "visits", "documents"):
        assert f"/browse/{name}" in links
    assert f"/{FOUNDING}" in links
    cards = {c.find("span", class_="card-title").text(): int(c.find("span", class_="count").find("data").attrs["value"])
             for c in root.find_all("li", class_="card")}
    assert cards["People"] >= 15 and cards["Documents"] == 7


def test_home_shows_the_newest_releases_and_links_to_all(client: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    """The home page stays one page's worth at any number of releases: the newest, then a link to all."""
    monkeypatch.setattr("server.pages.HOME_RELEASES", 2)
    root = page(client, "/")
    dates = [li.find("time").attrs["datetime"] for li in root.find("ol", class_="doc-list").find_all("li")]
    assert len(dates) == 2 and dates == sorted(dates, reverse=True)
    assert len(root.find_all("li", class_="visit-release")) <= 2
    more = root.find("p", class_="more").find("a")
    assert more.attrs["href"] == "/browse/documents" and "7" in more.words()
    assert len(jsonld_of(root)["schema:hasPart"]) == 2


def test_a_long_list_comes_in_pages(client: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("server.lists.LIST_PAGE", 3)
    pages = [page(client, f"/browse/documents?page={n}") for n in (1, 2, 3)]
    rows = [[tr.find("a").attrs["href"] for tr in p.find("tbody").find_all("tr")] for p in pages]
    assert [len(r) for r in rows] == [3, 3, 1] and len({h for r in rows for h in r}) == 7
    assert page(client, "/browse/documents").find("tbody").find_all("tr")[0].find("a").attrs["href"] == rows[0][0]
    nav = [{a.attrs["rel"]: a.attrs["href"] for a in p.find("nav", class_="pager").find_all("a")} for p in pages]
    assert nav == [{"next": "?page=2"}, {"prev": "?page=1", "next": "?page=3"}, {"prev": "?page=2"}]
    listed = jsonld_of(pages[1])
    assert listed["schema:numberOfItems"] == 7
    assert [e["schema:position"] for e in listed["schema:itemListElement"]] == [4, 5, 6]
    for bad in ("0", "4", "two"):
        assert client.get(f"/browse/documents?page={bad}", headers=BROWSER).status_code == 404


def test_lists_show_names_and_types(client: Any) -> None:
    people = page(client, "/browse/people")
    rows = {tr.find("a").text(): tr for tr in people.find("tbody").find_all("tr")}
    assert "Harry Hikmat" in rows
    assert rows["Harry Hikmat"].find("a").attrs["href"] == "/id/person/harry-hikmat"
    rows, path = [], "/browse/places"
    while path:  # every page of the list, following its "next" links
        places = page(client, path)
        rows += places.find("tbody").find_all("tr")
        after = [a for nav in places.find_all("nav", class_="pager") for a in nav.find_all("a", rel="next")]
        path = "/browse/places" + after[0].attrs["href"] if after else ""
    japan = next(tr for tr in rows if tr.find("a").text() == "Jepang")
    assert "Japan" in japan.text() and "country" in japan.text()
    assert client.get("/browse/unicorns").status_code == 404


# -- entity pages --------------------------------------------------------------------------------------

def test_entity_page_names_types_and_grouped_properties(harry: Element) -> None:
    assert harry.find("h1").text() == "Harry Hikmat"
    badges = [b.words() for b in harry.find_all(class_="type-badge")]
    assert any(b.startswith("person") for b in badges), badges
    assert not any("http" in b for b in badges)
    facts = harry.by_id("facts")
    rows = {th.find("a").text(): th for th in facts.find("tbody").find_all("th")}
    assert {"holds post", "job title"} <= set(rows)
    text = facts.words()
    assert "Sekretaris Jenderal" in text
    assert "Sekretaris Jenderal, Kementerian Sosial Republik Indonesia" in text
    post_links = {a.attrs["href"] for a in facts.find_all("a", class_="ent")}
    assert "/id/post/kementerian-sosial--sekretaris-jenderal" in post_links
    # the English name of a linked post, and where each value is stated
    assert "Secretary General, Ministry of Social Affairs of the Republic of Indonesia" in text
    assert any(a.attrs["href"] == f"/{FOUNDING}" for a in facts.find_all("a", class_="src"))


def test_entity_page_source_sentence_with_highlighted_words(harry: Element) -> None:
    provenance = harry.by_id("provenance")
    marks = [m.words() for m in provenance.find_all("mark")]
    assert "Sekretaris Jenderal Harry Hikmat" in marks, marks
    quote = next(b for b in provenance.find_all("blockquote")
                 if b.attrs["cite"] == f"{BASE}{FOUNDING}#char=387,452")
    assert quote.words() == "Delegasi Kemensos dipimpin oleh Sekretaris Jenderal Harry Hikmat."
    item = next(li for li in provenance.find_all("li", class_="evidence-item") if quote in li.iter())
    hrefs = {a.attrs["href"] for a in item.find_all("a")}
    assert f"/{FOUNDING}#char=387,452" in hrefs  # the document page, at that sentence
    assert "holds post" in item.words() and "rule: title-before-name" in item.words()


def test_entity_page_of_a_much_named_node_shows_the_first_facts_and_says_so(client: Any, harry: Element,
                                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    assert "The first" not in harry.by_id("provenance").find("p", class_="hint").words()
    monkeypatch.setattr("server.provenance.EVIDENCE_LIMIT", 4)
    capped = page(client, "/id/person/harry-hikmat").by_id("provenance")
    facts = capped.find("ol", class_="evidence-list").find_all("li", class_="evidence-item")
    assert 1 <= len(facts) <= 4 and len(facts) < len(harry.by_id("provenance").find_all("li", class_="evidence-item"))
    assert "The first" in capped.find("p", class_="hint").words()
    assert all(item.find_all("mark") for item in facts)  # the words of each sentence shown are marked


def test_a_value_stated_by_many_graphs_names_the_first_and_counts_the_rest(client: Any,
                                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("server.pages.SOURCE_CHIPS", 1)
    root = page(client, "/id/person/harry-hikmat")
    counted = [s for s in root.by_id("names").find_all("span", class_="sources")
               if s.find_all("span", class_="more-sources")]
    assert counted  # his name is stated by three releases: one chip and "and 2 more"
    for sources in counted:
        assert len(sources.find_all("a")) == 1 and sources.find("span", class_="more-sources").words().startswith("and ")


def test_highlights_are_words_of_the_raw_text(harry: Element, store: Any) -> None:
    """Every mark is a piece of a release's raw text (offsets are code points, sliced in Python)."""
    rows = store.query("SELECT ?text WHERE { ?doc <http://schema.org/text> ?text }", use_default_graph_as_union=True)
    texts = [" ".join(row["text"].value.split()) for row in rows]
    raw = next(t for t in texts if "Delegasi Kemensos dipimpin oleh" in t)
    assert "Delegasi Kemensos dipimpin oleh Sekretaris Jenderal Harry Hikmat." in raw
    marks = [m for q in harry.by_id("provenance").find_all("blockquote") for m in q.find_all("mark")]
    assert len(marks) >= 5
    for mark in marks:
        assert any(mark.words() in text for text in texts), mark.words()


def test_entity_page_incoming_links(harry: Element) -> None:
    incoming = harry.by_id("incoming")
    groups = {th.find("a").text(): th for th in incoming.find("tbody").find_all("th")}
    assert "leader" in groups
    hrefs = {a.attrs["href"] for a in incoming.find_all("a", class_="ent")}
    assert "/id/visit/2022-11-09-delegasi-kemensos-fukuoka" in hrefs


def test_entity_page_external_identifiers(client: Any) -> None:
    japan = page(client, "/id/place/jepang")
    assert japan.find("h1").text() == "Jepang"
    assert "Japan" in japan.find("p", class_="name-en").text()
    identifiers = japan.by_id("identifiers")
    wikidata = [a for a in identifiers.find_all("a") if a.attrs.get("href") == "http://www.wikidata.org/entity/Q17"]
    assert wikidata and wikidata[0].text() == "Wikidata Q17"
    assert "external" in wikidata[0].attrs.get("rel", "")
    assert any(a.attrs.get("href") == "http://dbpedia.org/resource/Japan" for a in identifiers.find_all("a"))


def test_entity_page_aliases_and_english_name(client: Any) -> None:
    ministry = page(client, "/id/org/kementerian-sosial")
    assert ministry.find("h1").text() == "Kementerian Sosial Republik Indonesia"
    assert ministry.find("p", class_="name-en").words() == "In English: Ministry of Social Affairs of the Republic of Indonesia"
    assert "Kemensos" in ministry.find("p", class_="aliases").text()


def test_entity_page_embeds_its_description(harry: Element) -> None:
    graph = Graph().parse(data=json.dumps(jsonld_of(harry)), format="json-ld")
    assert (URIRef(HARRY), URIRef("http://schema.org/name"), Literal("Harry Hikmat", lang="id")) in graph
    post = URIRef(BASE + "id/post/kementerian-sosial--sekretaris-jenderal")
    assert (URIRef(HARRY), URIRef("http://www.w3.org/ns/org#holds"), post) in graph
    assert any(graph.objects(post, URIRef("http://www.w3.org/2000/01/rdf-schema#label")))


# -- document pages ------------------------------------------------------------------------------------

def test_document_page_marks_and_links_mentions(client: Any) -> None:
    doc = page(client, f"/{FOUNDING}")
    assert doc.find("h1").words().startswith("Delegasi Kemensos juga menjajaki")
    text = doc.find("div", class_="release-text")
    mentions = text.find_all("a", class_="mention")
    assert len(mentions) >= 40
    harry = [a for a in mentions if a.attrs["href"] == "/id/person/harry-hikmat"]
    assert harry and {a.text() for a in harry} >= {"Harry Hikmat", "Harry"}
    assert "m-person" in harry[0].attrs["class"]
    assert any(a.attrs["href"] == "/id/place/jepang" and a.text() == "Jepang" for a in mentions)
    assert text.find_all("mark", class_="mention")  # stated words that name no entity
    sentence = text.by_id("char=387,452")
    assert sentence.words() == "Delegasi Kemensos dipimpin oleh Sekretaris Jenderal Harry Hikmat."


def test_document_page_text_is_the_raw_text(client: Any, store: Any) -> None:
    rows = list(store.query(f"""SELECT ?text WHERE {{ <{BASE}{FOUNDING}> <http://schema.org/text> ?text }}""",
                            use_default_graph_as_union=True))
    raw = rows[0]["text"].value
    text = page(client, f"/{FOUNDING}").find("div", class_="release-text")
    assert text.words() == " ".join(raw.split())


def test_document_page_metadata(client: Any) -> None:
    doc = page(client, f"/{FOUNDING}")
    meta = {div.find("dt").text(): div.find("dd") for div in doc.find("dl", class_="meta").find_all("div")}
    assert meta["Issued"].words() == "2022-11-09"
    assert meta["Dateline"].find("a").attrs["href"] == "/id/place/fukuoka"
    assert "Biro Hubungan Masyarakat" in meta["Publisher"].words()
    dev = page(client, "/doc/2022-11-11-kbri-jepang-siap-beli-dan-pasarkan")
    source = {div.find("dt").text(): div.find("dd") for div in dev.find("dl", class_="meta").find_all("div")}["Source"]
    assert source.find("a").attrs["href"].startswith("https://www.tagar.id/")


# -- search --------------------------------------------------------------------------------------------

def search(client: Any, q: str) -> list[dict[str, Any]]:
    response = client.get("/search", query_string={"q": q, "format": "json"})
    assert response.status_code == 200
    data = response.get_json()
    assert data["query"] == q
    return data["results"]


@pytest.mark.parametrize("q, iri, rank", [
    ("harry", "id/person/harry-hikmat", "prefix"),
    ("Harry Hikmat", "id/person/harry-hikmat", "exact"),
    ("kemensos", "id/org/kementerian-sosial", "exact"),
    ("sentra kartini", "id/org/sentra-kartini", "exact"),
    ("Japan", "id/place/jepang", "exact"),
    ("Kemensós", "id/org/kementerian-sosial", "exact"),
    ("KEMENTERIAN SOSIAL", "id/org/kementerian-sosial", "exact"),
    ("hikmat", "id/person/harry-hikmat", "word"),
])
def test_search_finds_by_any_label(client: Any, q: str, iri: str, rank: str) -> None:
    results = search(client, q)
    assert results, q
    assert results[0]["iri"] == BASE + iri, [r["iri"] for r in results[:5]]
    assert results[0]["rank"] == rank


def test_search_leaves_out_the_nodes_of_one_releases_statements(client: Any, store: Any) -> None:
    """Figures, posts held on a day, quotations …: thousands per thousand releases, reached from their pages."""
    from kg.store.merged import plain_dataset
    from server.search import STATEMENT_KINDS

    rows = list(store.query(f"""SELECT ?s ?l WHERE {{ ?s <http://www.w3.org/2000/01/rdf-schema#label> ?l
        FILTER(STRSTARTS(STR(?s), "{BASE}id/statistic/") && STRLEN(STR(?l)) > 2) }} LIMIT 1""", **plain_dataset(store)))
    assert rows  # a figure has a label a reader could type
    found = search(client, rows[0]["l"].value)
    assert not [r for r in found if r["kind"] in STATEMENT_KINDS], found[:5]
    assert search(client, "harry")[0]["iri"] == HARRY


def test_search_ranks_exact_before_prefix_before_contains(client: Any) -> None:
    order = ["exact", "prefix", "word", "contains", "words"]
    for q in ("sentra", "kementerian sosial", "jakarta", "atensi"):
        ranks = [order.index(r["rank"]) for r in search(client, q)]
        assert ranks == sorted(ranks), (q, ranks)
    ranks = {r["rank"] for r in search(client, "sentra")}
    assert {"prefix", "contains"} <= ranks or {"prefix", "word"} <= ranks


def test_search_is_accent_and_case_insensitive() -> None:
    assert normalise("Kemensós") == normalise("KEMENSOS") == "kemensos"
    assert normalise("PT. Sun  Aqua-Toto") == "pt sun aqua toto"


def test_search_page_html(client: Any) -> None:
    root = page(client, "/search?q=Kemens%C3%B3s")
    results = root.find("ol", class_="results").find_all("li")
    first = results[0]
    assert first.find("a").attrs["href"] == "/id/org/kementerian-sosial"
    assert "ministry" in first.words() and "Kemensos" in first.words()
    assert root.find("input", name="q").attrs["value"] == "Kemensós"
    empty = page(client, "/search?q=zzzzqqq")
    assert not empty.find_all("ol", class_="results")


# -- explorer ------------------------------------------------------------------------------------------

def test_neighbourhood_api(client: Any) -> None:
    response = client.get("/api/neighbourhood", query_string={"iri": HARRY})
    assert response.status_code == 200
    data = response.get_json()
    nodes = {n["id"]: n for n in data["nodes"]}
    assert nodes[HARRY]["label"] == "Harry Hikmat" and nodes[HARRY]["href"] == "/id/person/harry-hikmat"
    post = BASE + "id/post/kementerian-sosial--sekretaris-jenderal"
    assert nodes[post]["type"] == "post"
    edges = {(e["source"], e["label"], e["target"]) for e in data["edges"]}
    assert (HARRY, "holds post", post) in edges
    assert (BASE + "id/visit/2022-11-09-delegasi-kemensos-fukuoka", "leader", HARRY) in edges
    assert all(e["source"] in nodes and e["target"] in nodes for e in data["edges"])
    assert len({(e["source"], e["predicate"], e["target"]) for e in data["edges"]}) == len(data["edges"])
    labels = {r["label"] for r in data["relations"]}
    assert {"holds post", "leader"} <= labels
    # derived copies of a relation are not drawn twice
    assert "held by" not in labels and "organiser" not in labels


def test_neighbourhood_api_refuses_what_it_does_not_know(client: Any) -> None:
    assert client.get("/api/neighbourhood").status_code == 400
    assert client.get("/api/neighbourhood", query_string={"iri": "http://example.org/x"}).status_code == 404
    assert client.get("/api/neighbourhood", query_string={"iri": "x> } DROP ALL {"}).status_code == 400


def test_explorer_page_lists_nodes_with_expand_buttons(client: Any) -> None:
    root = page(client, f"/explore?iri={HARRY}")
    explorer = root.by_id("explorer")
    assert explorer.attrs["data-iri"] == HARRY
    buttons = explorer.find_all("button", class_="expand")
    assert len(buttons) >= 5 and all(b.attrs.get("aria-label", "").startswith("Expand ") for b in buttons)
    boxes = root.by_id("relation-filter").find_all("input", type="checkbox")
    assert {b.attrs["value"] for b in boxes} >= {"http://www.w3.org/ns/org#holds"}
    scripts = [s.attrs.get("src", "") for s in root.find_all("script")]
    assert "/static/vendor/cytoscape/cytoscape.min.js" in scripts


# -- the query editor ----------------------------------------------------------------------------------

def test_sparql_editor_for_browsers(client: Any) -> None:
    root = page(client, "/sparql")
    scripts = [s.attrs.get("src", "") for s in root.find_all("script")]
    assert "/static/vendor/yasgui/yasgui.min.js" in scripts
    assert any(link.attrs.get("href") == "/static/vendor/yasgui/yasgui.min.css" for link in root.find_all("link"))
    questions = root.find_all("button", class_="cq")
    files = sorted(Path(__file__).resolve().parent.parent.joinpath("queries").glob("*.rq"))
    assert len(questions) == len(files) >= 20
    assert questions[0].text() == "Who led the Kemensos delegation to Japan?"
    config = json.loads(root.by_id("editor-config").text())
    assert set(config["queries"]) == {f.stem for f in files}
    assert config["queries"]["01-delegation-leader"] == files[0].read_text(encoding="utf-8")
    for prefix in ("kg", "kgr", "doc", "schema", "org"):
        assert f"PREFIX {prefix}: <" in config["defaultQuery"]


def test_sparql_still_describes_itself_to_rdf_clients(client: Any) -> None:
    for accept in (None, "*/*", "text/turtle", "application/ld+json"):
        response = client.get("/sparql", headers={"Accept": accept} if accept else {})
        assert response.status_code == 200
        assert response.mimetype != "text/html", accept
        assert "Accept" in response.headers.get("Vary", "")
    html = client.get("/sparql", headers=BROWSER)
    assert "Accept" in html.headers.get("Vary", "")


@pytest.mark.parametrize("path", ["/static/vendor/yasgui/yasgui.min.js", "/static/vendor/yasgui/yasgui.min.css",
                                  "/static/vendor/cytoscape/cytoscape.min.js", "/static/explore.js",
                                  "/static/sparql.js", "/static/style.css"])
def test_static_files_are_served(client: Any, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 200 and len(response.get_data()) > 100
    response.close()


# -- the ontology's documentation ----------------------------------------------------------------------

def test_ontology_documentation(client: Any) -> None:
    root = page(client, "/ontology")
    person = root.by_id("Person")
    assert "person" in person.find("h3").words() and "orang" in person.find("h3").words()
    assert "A person named in a press release" in person.words()
    assert "schema:Person" in person.words()
    leader = root.by_id("leader")
    rel = {div.find("dt").text(): div.find("dd").words() for div in leader.find("dl").find_all("div")}
    assert rel["domain"] == "kg:Visit" and rel["range"] == "kg:Person"
    assert "schema:organizer" in rel["subproperty of"]
    assert re.search(r"\d+ in the graph", person.words())


def test_errors_are_pages_for_browsers_and_plain_text_for_clients(store_dir) -> None:  # type: ignore[no-untyped-def]
    from server import create_app
    from server.config import ServerConfig

    app = create_app(ServerConfig(store_dir=store_dir, threads=1))
    client = app.test_client()
    browser = client.get("/id/person/nobody", headers={"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"})
    assert browser.status_code == 404 and browser.mimetype == "text/html"
    assert b"<h1>404 Not Found</h1>" in browser.data
    curl = client.get("/id/person/nobody", headers={"Accept": "*/*"})
    assert curl.status_code == 404 and curl.mimetype == "text/plain"
    app.extensions["kg_runner"].close()


# -- answers a reader can use --------------------------------------------------------------------------

def test_home_names_visits_by_their_release_title_and_date(client: Any) -> None:
    root = page(client, "/")
    releases = root.by_id("visits-h")
    visits = [li for li in root.find_all("li", class_="visit-release")]
    assert visits
    texts = " ".join(li.words() for li in visits)
    assert "Kunjungan delegasi (" not in texts  # no file name shown as a name
    founding = next(li for li in visits if li.find("time").attrs["datetime"] == "2022-11-09")
    main_visit = founding.find("a")
    assert main_visit.attrs["href"] == "/id/visit/2022-11-09-delegasi-kemensos-fukuoka"
    assert main_visit.words().startswith("Delegasi Kemensos juga menjajaki")  # the release's title
    hosts = {a.words() for a in founding.find("ul").find_all("a") if a.words() != "explore"}
    assert "Kunjungan ke PT Sun Aqua Toto" in hosts
    dates = [li.find("time").attrs["datetime"] for li in visits]
    assert dates == sorted(dates, reverse=True)
    assert releases.tag == "h2"


def test_visit_list_shows_release_titles_not_file_names(client: Any) -> None:
    rows = page(client, "/browse/visits").find("tbody").find_all("tr")
    names = [tr.find("a").words() for tr in rows]
    assert not [n for n in names if n.startswith("Kunjungan delegasi (")]
    assert any(n.startswith("Delegasi Kemensos juga menjajaki") and n.endswith("(2022-11-09)") for n in names)


def test_numbers_are_written_for_the_reader_language(client: Any) -> None:
    def triples(language: str | None) -> Element:
        headers = {**BROWSER, **({"Accept-Language": language} if language else {})}
        response = client.get("/", headers=headers)
        assert "Accept-Language" in response.headers.get("Vary", "")
        counts = parse_html(response.get_data(as_text=True)).find_all("data")
        return max(counts, key=lambda d: int(d.attrs["value"]))  # the places, in their thousands

    english, indonesian, unasked = triples("en-GB,en;q=0.9"), triples("id-ID,id;q=0.9,en;q=0.5"), triples(None)
    value = int(english.attrs["value"])
    assert value > 1000
    assert english.text() == f"{value:,}" and "lang" not in english.attrs
    assert indonesian.text() == f"{value:,}".replace(",", ".") and indonesian.attrs["lang"] == "id"
    assert unasked.text() == english.text()


def test_a_page_per_language_under_one_etag_each(client: Any) -> None:
    english = client.get("/", headers={**BROWSER, "Accept-Language": "en"})
    indonesian = client.get("/", headers={**BROWSER, "Accept-Language": "id"})
    assert english.headers["ETag"] != indonesian.headers["ETag"]
    again = client.get("/", headers={**BROWSER, "Accept-Language": "id", "If-None-Match": english.headers["ETag"]})
    assert again.status_code == 200  # the English page's tag does not stand for the Indonesian page


def test_format_number() -> None:
    from server.page_language import format_number

    assert format_number(26200, "en") == "26,200" and format_number(26200, "id") == "26.200"
    assert format_number(1234567.5, "en") == "1,234,567.5" and format_number(1234567.5, "id") == "1.234.567,5"
    assert format_number(999, "id") == "999"


def test_entity_page_shows_each_name_once_with_its_sources(harry: Element) -> None:
    names = harry.by_id("names")
    values = [li for li in names.find_all("li") if li.find_all("span", class_="lit")]
    shown = [li.find("span", class_="lit").text() for li in values]
    assert shown.count("Harry Hikmat") == 1, shown
    row = next(tr for tr in names.find("tbody").find_all("tr") if "Harry Hikmat" in tr.words())
    header = row.find("th").words()
    assert "rdfs:label" in header and "schema:name" in header  # one row for both properties
    sources = {a.attrs["href"] for a in row.find_all("a", class_="src")}
    assert f"/{FOUNDING}" in sources and len(sources) >= 2


def test_entity_page_lists_no_value_twice_in_a_section(client: Any) -> None:
    for path in ("/id/person/harry-hikmat", "/id/person/tri-rismaharini", "/id/place/jepang", "/id/org/kementerian-sosial"):
        root = page(client, path)
        for section in ("facts", "names", "identifiers"):
            found = root.find_all(id=section)
            if not found:
                continue
            values = [(li.find_all(class_="lit")[0].text(), li.find_all(class_="lit")[0].attrs.get("lang"))
                      if li.find_all(class_="lit") else li.find("a").attrs["href"]
                      for li in found[0].find_all("li") if li.find_all(class_="lit") or li.find_all("a")]
            assert len(values) == len(set(values)), (path, section, values)

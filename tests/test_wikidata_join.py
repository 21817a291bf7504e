"""Joining Wikidata on the Kemendagri area code, end to end on 127.0.0.1.

Every Indonesian administrative place of the reference graph carries its official code as
`kg:kemendagriCode`; Wikidata keeps the same codes as `wdt:P2588`. The two federated queries of
`queries/federated/` run here as written, with their endpoint addresses replaced by local ones:

* ``standin``: a second `kemensos-kg serve` over a few stand-in items with `wdt:P2588` (IRIs of
  example.org, not Wikidata's), playing Wikidata's query service; it allows our endpoint as a
  SERVICE target and runs `wikidata-joins-kemensos.rq` (through the Flask test client of the same
  configuration, and through the real process);
* ``ours``: the built corpus, the SERVICE target of that query;
* ``federating``: the built corpus allowing the stand-in, running `kemensos-joins-wikidata.rq`
  (through the Flask test client and the real process).

Each answer must equal the same query evaluated on one local store holding both datasets.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests
from pyoxigraph import Quad, RdfFormat, Store, parse
from server_process import ServerHandle, running_server

from kg.reference.lexicon import load_lexicon
from kg.store.generations import load_files
from server.app import create_app
from server.config import ServerConfig

ROOT = Path(__file__).resolve().parent.parent
FEDERATED = ROOT / "queries" / "federated"
OUR_PUBLIC_ENDPOINT = "https://w3id.org/kemensos-kg/sparql"
WIKIDATA_ENDPOINT = "https://query.wikidata.org/sparql"
ITEM = "http://example.org/wikidata-stand-in/"
BASE = "https://w3id.org/kemensos-kg/"
#: stand-in item → its P2588 code; 99.99 is a code no area has
STAND_IN = {"temanggung": "33.23", "cimahi": "32.77", "jakarta": "31", "sukabumi": "32.72", "jawa-tengah": "33",
            "nowhere": "99.99"}
HTTP_TIMEOUT = 120

pytestmark = pytest.mark.usefixtures("no_proxy")


def stand_in_turtle() -> str:
    lines = ["@prefix wdt: <http://www.wikidata.org/prop/direct/> ."]
    lines += [f'<{ITEM}{key}> wdt:P2588 "{code}" .' for key, code in STAND_IN.items()]
    return "\n".join(lines) + "\n"


@pytest.fixture(scope="module")
def standin_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("wikidata-stand-in")
    data = folder / "items.ttl"
    data.write_text(stand_in_turtle(), encoding="utf-8")
    assert load_files(folder / "store", [data]).quads == len(STAND_IN)
    return folder / "store"


@pytest.fixture(scope="module")
def ours(store_dir: Path) -> Iterator[ServerHandle]:
    with running_server(store_dir) as handle:
        yield handle


@pytest.fixture(scope="module")
def standin(standin_store: Path, ours: ServerHandle) -> Iterator[ServerHandle]:
    with running_server(standin_store, "--service-allow", ours.base_url + "/sparql") as handle:
        yield handle


@pytest.fixture(scope="module")
def federating(store_dir: Path, standin: ServerHandle) -> Iterator[ServerHandle]:
    with running_server(store_dir, "--service-allow", standin.base_url + "/sparql") as handle:
        yield handle


@pytest.fixture(scope="module")
def union(store: Store) -> Store:
    """Both datasets in one local store: what each federated query must answer."""
    local = Store()
    local.extend(store.quads_for_pattern(None, None, None, None))
    local.extend(Quad(t.subject, t.predicate, t.object) for t in parse(stand_in_turtle(), format=RdfFormat.TURTLE))
    return local


def query_text(name: str, **endpoints: str) -> str:
    text = (FEDERATED / name).read_text(encoding="utf-8")
    for public, local in endpoints.items():
        assert public in text
        text = text.replace(public, local)
    return text


def without_service(text: str) -> str:
    return re.sub(r"SERVICE\s+<[^>]+>\s*", "", text)


def post(target: Any, text: str) -> list[dict[str, str]]:
    """Run `text` at a Flask test client or a real server; rows of values."""
    headers = {"Content-Type": "application/sparql-query", "Accept": "application/sparql-results+json"}
    if isinstance(target, ServerHandle):
        response = requests.post(target.base_url + "/sparql", data=text.encode(), headers=headers, timeout=HTTP_TIMEOUT)
        status, body = response.status_code, response.text
    else:
        reply = target.post("/sparql", data=text.encode(), headers=headers)
        status, body = reply.status_code, reply.get_data(as_text=True)
    assert status == 200, body
    return [{k: v["value"] for k, v in row.items()} for row in json.loads(body)["results"]["bindings"]]


def local_rows(union: Store, text: str) -> list[dict[str, str]]:
    solutions = union.query(without_service(text), use_default_graph_as_union=True)
    names = [v.value for v in solutions.variables]
    return [{n: row[n].value for n in names if row[n] is not None} for row in solutions]


def as_set(rows: list[dict[str, str]]) -> set[tuple[tuple[str, str], ...]]:
    return {tuple(sorted(row.items())) for row in rows}


@pytest.fixture(params=["flask", "http"])
def wikidata_side(request: pytest.FixtureRequest, standin_store: Path, ours: ServerHandle) -> Iterator[Any]:
    """The stand-in for Wikidata's query service, allowing our endpoint as a SERVICE target."""
    if request.param == "http":
        yield request.getfixturevalue("standin")
        return
    app = create_app(ServerConfig(store_dir=standin_store, threads=1, service_allow=(ours.base_url + "/sparql",)))
    yield app.test_client()
    app.extensions["kg_runner"].close()


@pytest.fixture(params=["flask", "http"])
def kemensos_side(request: pytest.FixtureRequest, store_dir: Path, standin: ServerHandle) -> Iterator[Any]:
    """Our endpoint, allowing the stand-in as a SERVICE target."""
    if request.param == "http":
        yield request.getfixturevalue("federating")
        return
    app = create_app(ServerConfig(store_dir=store_dir, threads=1, service_allow=(standin.base_url + "/sparql",)))
    yield app.test_client()
    app.extensions["kg_runner"].close()


# -- the key ----------------------------------------------------------------------------------------

def test_every_indonesian_administrative_place_has_its_code(store: Store) -> None:
    lexicon = load_lexicon()
    by_key = {p.key: p for p in lexicon.places}

    def in_indonesia(key: str) -> bool:
        seen = set()
        while key and key not in seen:
            seen.add(key)
            if key == "indonesia":
                return True
            key = by_key[key].parent if key in by_key else ""
        return False

    areas = [p for p in lexicon.places if p.key != "indonesia" and in_indonesia(p.key)]
    assert len(areas) >= 38 + 514  # every province, regency and city of the decree, and the curated places
    rows = store.query(f"""SELECT ?place ?code WHERE {{ GRAPH <{BASE}graph/reference> {{
                             ?place <{BASE}ontology#kemendagriCode> ?code }} }}""")
    codes = {row["place"].value[len(BASE + "id/place/"):]: row["code"].value for row in rows}
    missing = sorted(p.key for p in areas if p.key not in codes)
    assert not missing, f"Indonesian places without a Kemendagri code: {missing}"
    assert all(re.fullmatch(r"\d{2}(\.\d{2}(\.\d{2}(\.\d{4})?)?)?", code) for code in codes.values())
    assert {k: codes[k] for k in ("jawa-tengah", "temanggung", "cibinong", "cibubur")} == {
        "jawa-tengah": "33", "temanggung": "33.23", "cibinong": "32.01.01", "cibubur": "31.75.09.1002"}
    for place in areas:  # a code's prefix is its parent's code
        parent = by_key.get(place.parent)
        if parent is not None and parent.key in codes:
            assert codes[place.key].startswith(codes[parent.key]), place.key


def test_the_code_is_an_identifier_by_derivation(store: Store) -> None:
    temanggung = f"<{BASE}id/place/temanggung>"
    for prop in ("http://purl.org/dc/terms/identifier", "http://schema.org/identifier"):
        assert store.query(f'ASK {{ {temanggung} <{prop}> "33.23" }}', use_default_graph_as_union=True)


def test_wikidata_links_are_only_the_sourced_ones(store: Store) -> None:
    rows = store.query("""SELECT DISTINCT ?place ?item WHERE { ?place <http://www.w3.org/2002/07/owl#sameAs> ?item
                          FILTER(STRSTARTS(STR(?item), "http://www.wikidata.org/entity/")) }""",
                       use_default_graph_as_union=True)
    linked = {row["place"].value[len(BASE + "id/"):]: row["item"].value.rsplit("/", 1)[1] for row in rows}
    sourced = {f"place/{p.key}": p.wikidata for p in load_lexicon().places if p.wikidata}
    assert linked == sourced
    assert linked["place/jakarta"] == "Q3630"


# -- the federated queries --------------------------------------------------------------------------

def test_wikidata_joins_our_endpoint(wikidata_side: Any, ours: ServerHandle, union: Store) -> None:
    text = query_text("wikidata-joins-kemensos.rq", **{OUR_PUBLIC_ENDPOINT: ours.base_url + "/sparql"})
    rows = post(wikidata_side, text)
    assert as_set(rows) == as_set(local_rows(union, text))
    joined = {(row["item"][len(ITEM):], row["place"][len(BASE + "id/place/"):]) for row in rows}
    assert joined == {("temanggung", "temanggung"), ("cimahi", "cimahi"), ("jakarta", "dki-jakarta"),
                      ("jakarta", "jakarta"), ("sukabumi", "sukabumi"), ("jawa-tengah", "jawa-tengah")}
    assert sum(int(row["releases"]) for row in rows) > 0


def test_our_endpoint_joins_wikidata(kemensos_side: Any, standin: ServerHandle, union: Store) -> None:
    text = query_text("kemensos-joins-wikidata.rq", **{WIKIDATA_ENDPOINT: standin.base_url + "/sparql"})
    rows = post(kemensos_side, text)
    assert as_set(rows) == as_set(local_rows(union, text))
    found = {(row["sentra"], row["code"], row["item"][len(ITEM):]) for row in rows}
    assert ("Sentra Terpadu Kartini", "33.23", "temanggung") in found
    assert not any(code == "99.99" for _, code, _ in found)


def test_the_readme_shows_the_query_as_the_file_has_it() -> None:
    query = "\n".join(line for line in (FEDERATED / "wikidata-joins-kemensos.rq").read_text(encoding="utf-8").splitlines()
                      if not line.startswith("#")).strip()
    body = query[:query.rindex("}") + 1]  # up to the end of WHERE (the README leaves out ORDER BY)
    assert body in (ROOT / "README.md").read_text(encoding="utf-8")

"""The competency queries written for scale (queries/README.md, "Queries that scale": 13, 19 and 23 look a
shared node up once per distinct node, 14 reads the releases' dates and titles from the merge) answer exactly
what their plain forms answer, on the disk store and on the in-memory copy the server reads."""

from __future__ import annotations

from pathlib import Path

import pytest
from pyoxigraph import Store

from kg.graph.vocab import PREFIXES
from kg.store.merged import folded_dataset, plain_dataset
from kg.store.snapshot import generation_name, load_snapshot

QUERIES = Path(__file__).resolve().parent.parent / "queries"

# The forms the files had before: each shared node's description looked up once per row, each release's
# date and title in the release's own graph.
PLAIN = {
    "13-harry-hikmat-posts.rq": """
        SELECT DISTINCT ?post ?issued ?release WHERE {
          GRAPH ?release { ?release a kg:PressRelease ; dcterms:issued ?issued . ?person org:holds ?p . }
          ?person schema:name "Harry Hikmat"@id .
          ?p rdfs:label ?post . FILTER (lang(?post) = "id")
        }""",
    "14-releases-mentioning-risma.rq": """
        SELECT ?release ?issued ?title (COUNT(DISTINCT ?mention) AS ?mentions) WHERE {
          ?person schema:name "Tri Rismaharini"@id .
          ?mention a kg:Mention ; kg:refersTo ?person ; oa:hasSource ?release .
          GRAPH ?release { ?release dcterms:issued ?issued ; dcterms:title ?title . }
        } GROUP BY ?release ?issued ?title""",
    "19-visits-led-by-harry.rq": """
        SELECT DISTINCT ?place ?date ?issued ?release WHERE {
          GRAPH ?release {
            ?release a kg:PressRelease ; dcterms:issued ?issued .
            ?visit a kg:Visit ; kg:leader ?leader ; schema:location ?where .
            OPTIONAL { ?visit schema:startDate ?date }
          }
          ?leader schema:name "Harry Hikmat"@id .
          ?where schema:name ?place . FILTER (lang(?place) = "id")
        }""",
    "23-dirjen-rehsos-2021.rq": """
        SELECT DISTINCT ?name ?date WHERE {
          ?membership a org:Membership ; org:member ?person ;
            org:organization <https://w3id.org/kemensos-kg/id/org/direktorat-jenderal-rehabilitasi-sosial> ;
            org:role <https://w3id.org/kemensos-kg/id/role/direktur-jenderal> ;
            org:memberDuring/time:inside/time:inXSDDate ?date .
          ?person schema:name ?name . FILTER (YEAR(?date) = 2021)
        }""",
}

ONCE_PER_NODE = {"13-harry-hikmat-posts.rq", "19-visits-led-by-harry.rq", "23-dirjen-rehsos-2021.rq"}


def _rows(store: Store, query: str, dataset: dict) -> list[tuple[str, ...]]:
    solutions = store.query(query, prefixes=PREFIXES, **dataset)
    names = [v.value for v in solutions.variables]
    return sorted(tuple(str(row[n]) if row[n] is not None else "" for n in names) for row in solutions)


@pytest.fixture(scope="module")
def copy(store_dir: Path) -> Store:
    """The server's in-memory copy of the built corpus (the merge folded into its default graph)."""
    return load_snapshot(store_dir, generation_name(store_dir)).store


@pytest.mark.parametrize("name", sorted(PLAIN))
def test_the_scaling_form_answers_as_the_plain_form(name: str, store: Store, copy: Store) -> None:
    shipped = (QUERIES / name).read_text(encoding="utf-8")
    if name in ONCE_PER_NODE:
        assert "SELECT DISTINCT" in shipped.split("WHERE", 1)[1]
    on_disk = _rows(store, shipped, plain_dataset(store))
    assert on_disk, name
    assert on_disk == _rows(store, PLAIN[name], plain_dataset(store))
    assert _rows(copy, shipped, folded_dataset()) == on_disk
    assert _rows(copy, PLAIN[name], folded_dataset()) == on_disk

"""The hand-made gold annotations (bench/gold/*.json) are well-formed, and bench/extraction_quality.py
scores what it should: these tests check the gold files' structure independently of the pipeline, and the
scorer on small examples whose precision and recall are worked out by hand."""

from __future__ import annotations

import importlib.util
import json
import re
import sys
from decimal import Decimal
from pathlib import Path
from types import SimpleNamespace

import pytest

ROOT = Path(__file__).resolve().parent.parent
GOLD_DIR = ROOT / "bench" / "gold"
CORPUS = ROOT / "corpus"
GOLD_FILES = sorted(GOLD_DIR.glob("*.json"))

ENTITY_KEY = re.compile(r"^(person|org|place|program)/[a-z0-9]+(?:-[a-z0-9]+)*$")
PREFIX = {"Person": "person", "Organisation": "org", "Place": "place", "Program": "program"}
SUBTYPES = {
    "Organisation": {"Ministry", "OrganisationalUnit", "Sentra", "Company", "LocalGovernment", "NationalGovernment",
                     "Embassy", "EducationalInstitution", "ServiceCentre"},
    "Place": {"Country", "Province", "City", "Regency", "District", "Village"},
    "Person": set(),
    "Program": set(),
}
# relation → (subject kind, object kind); "visit" is the document's visit, "text" a free string,
# "anchor" a verbatim snippet of the document instead of a subject
RELATIONS = {
    "leader": ("visit", "person"), "member": ("visit", "person"), "delegation_of": ("visit", "org"),
    "visited": ("visit", "org"), "host": ("visit", "person"), "host_at": ("person", "org"),
    "based_in": ("org", "place"), "unit_of": ("org", "org"), "partner": ("org", "org"),
    "cooperation_topic": ("org", "text"), "provider": ("program", "org"), "approach": ("program", "text"),
    "directive_issued_by": ("anchor", "person"), "quote_speaker": ("anchor", "person"),
}
NUMBER_FIELDS = {"id", "text", "context", "value", "unit", "counts", "counts_alternatives", "qualifier", "reference_year",
                 "period", "describes", "rupiah", "optional", "optional_facets", "notes"}
FACETS = {"value", "unit", "counts", "qualifier", "reference_year", "period", "describes", "rupiah"}
UNITS = {"percent", "IDR", "MYR"}
WORD_NUMBERS = {"satu": 1, "dua": 2, "tiga": 3, "empat": 4, "lima": 5, "enam": 6, "tujuh": 7, "delapan": 8,
                "sembilan": 9, "sepuluh": 10}


def _load_module():
    spec = importlib.util.spec_from_file_location("extraction_quality", ROOT / "bench" / "extraction_quality.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules["extraction_quality"] = module
    spec.loader.exec_module(module)
    return module


eq = _load_module()


def load(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def raw_text(data: dict) -> str:
    return (ROOT / data["document"]).read_text(encoding="utf-8-sig")


def spans(raw: str, snippet: str) -> list[tuple[int, int]]:
    """Whitespace-insensitive occurrences, found independently of the scorer's own `locate`."""
    pattern = r"\s+".join(re.escape(t) for t in snippet.split())
    return [(m.start(), m.end()) for m in re.finditer(pattern, raw)]


def indonesian_number(text: str) -> Decimal:
    """The value of a figure as written: "3.000", "2,3", "Rp 20.000,-", "tiga", "Tujuh"."""
    cleaned = re.sub(r"^Rp\.?\s*", "", text.strip()).rstrip("-").rstrip(",")
    if cleaned.casefold() in WORD_NUMBERS:
        return Decimal(WORD_NUMBERS[cleaned.casefold()])
    assert re.fullmatch(r"\d{1,3}(?:\.\d{3})*(?:,\d+)?|\d+(?:,\d+)?", cleaned), text
    return Decimal(cleaned.replace(".", "").replace(",", "."))


# -- which files ---------------------------------------------------------------------------------------------


def test_every_annotated_release_has_a_gold_file() -> None:
    wanted = {"2022-11-09-delegasi-kemensos-fukuoka"} | {
        p.stem for folder in ("dev", "dev2") for p in (CORPUS / folder).glob("*.txt")}
    assert {p.stem for p in GOLD_FILES} == wanted


@pytest.mark.parametrize("path", GOLD_FILES, ids=lambda p: p.stem)
def test_file_names_its_document(path: Path) -> None:
    data = load(path)
    assert data["format"] == "kemensos-kg-gold/1"
    document = ROOT / data["document"]
    assert document.is_file(), data["document"]
    assert document.stem == path.stem
    for key in ("entities", "posts", "relations", "numbers", "notes", "method"):
        assert key in data, f"{path.name}: no {key!r}"
    assert isinstance(data["notes"], list) and all(isinstance(n, str) and n for n in data["notes"])


# -- entities ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("path", GOLD_FILES, ids=lambda p: p.stem)
def test_entities_have_slug_keys_and_valid_types(path: Path) -> None:
    entities = load(path)["entities"]
    assert entities, "a release names at least one entity"
    keys = [e["key"] for e in entities]
    assert len(keys) == len(set(keys)), "duplicate entity keys"
    for e in entities:
        assert set(e) <= {"key", "name", "type", "subtype", "mentions", "optional", "notes"}, e
        assert ENTITY_KEY.match(e["key"]), f"not a slug key: {e['key']!r}"
        assert e["type"] in PREFIX, e
        assert e["key"].split("/", 1)[0] == PREFIX[e["type"]], f"{e['key']} is not a {e['type']}"
        if SUBTYPES[e["type"]]:
            assert e.get("subtype") in SUBTYPES[e["type"]], f"{e['key']}: subtype {e.get('subtype')!r}"
        else:
            assert "subtype" not in e, e
        assert isinstance(e["name"], str) and e["name"].strip()
        assert isinstance(e.get("optional", False), bool)
        assert all(isinstance(m, str) and m for m in e.get("mentions", []))


@pytest.mark.parametrize("path", GOLD_FILES, ids=lambda p: p.stem)
def test_person_keys_are_the_slug_of_their_name(path: Path) -> None:
    for e in load(path)["entities"]:
        if e["type"] == "Person":
            slug = "-".join(re.findall(r"[a-z0-9]+", e["name"].lower()))
            assert e["key"] == f"person/{slug}", e


# -- posts and relations -------------------------------------------------------------------------------------


def _kinds(data: dict) -> dict[str, str]:
    return {e["key"]: e["key"].split("/", 1)[0] for e in data["entities"]}


@pytest.mark.parametrize("path", GOLD_FILES, ids=lambda p: p.stem)
def test_posts_refer_to_declared_people_and_organisations(path: Path) -> None:
    data = load(path)
    kinds = _kinds(data)
    seen = set()
    for post in data["posts"]:
        assert set(post) <= {"person", "role", "role_equivalents", "organisation", "optional", "notes"}, post
        assert kinds.get(post["person"]) == "person", post
        assert kinds.get(post["organisation"]) == "org", post
        assert isinstance(post["role"], str) and post["role"].strip() and post["role"] == " ".join(post["role"].split())
        assert all(isinstance(r, str) and r.strip() for r in post.get("role_equivalents", []))
        triple = (post["person"], post["role"].casefold(), post["organisation"])
        assert triple not in seen, f"duplicate post {triple}"
        seen.add(triple)


@pytest.mark.parametrize("path", GOLD_FILES, ids=lambda p: p.stem)
def test_relations_have_known_names_and_well_typed_ends(path: Path) -> None:
    data = load(path)
    kinds = _kinds(data)
    raw = raw_text(data)
    seen = set()
    for rel in data["relations"]:
        assert rel["relation"] in RELATIONS, rel
        subject_kind, object_kind = RELATIONS[rel["relation"]]
        assert set(rel) <= {"relation", "subject", "object", "anchor", "status", "optional", "notes"}, rel
        if subject_kind == "anchor":
            assert "subject" not in rel and len(spans(raw, rel["anchor"])) == 1, f"anchor not unique: {rel}"
        elif subject_kind == "visit":
            assert rel["subject"] == "visit", rel
        else:
            assert kinds.get(rel["subject"]) == subject_kind, f"{rel}: subject is not a declared {subject_kind}"
        if object_kind == "text":
            assert isinstance(rel["object"], str) and rel["object"].strip() and "/" not in rel["object"], rel
        else:
            assert kinds.get(rel["object"]) == object_kind, f"{rel}: object is not a declared {object_kind}"
        if rel["relation"] == "partner":
            assert rel["subject"] != rel["object"]
        if "status" in rel:
            assert rel["status"] in {"established", "hoped", "explored"}
        assert isinstance(rel.get("optional", False), bool)
        ident = (rel["relation"], rel.get("subject", rel.get("anchor")), rel["object"])
        assert ident not in seen, f"duplicate relation {ident}"
        seen.add(ident)


@pytest.mark.parametrize("path", GOLD_FILES, ids=lambda p: p.stem)
def test_anchors_of_one_kind_do_not_overlap(path: Path) -> None:
    data = load(path)
    raw = raw_text(data)
    by_kind: dict[str, list[tuple[int, int]]] = {}
    for rel in data["relations"]:
        if "anchor" in rel:
            by_kind.setdefault(rel["relation"], []).extend(spans(raw, rel["anchor"]))
    by_kind["numbers"] = [s for n in data["numbers"] for s in spans(raw, n["context"])]
    for kind, found in by_kind.items():
        found.sort()
        for (_, end), (start, _) in zip(found, found[1:]):
            assert end <= start, f"{kind}: overlapping anchors"


# -- numbers -------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("path", GOLD_FILES, ids=lambda p: p.stem)
def test_numbers_are_numbers_found_where_the_text_says(path: Path) -> None:
    data = load(path)
    kinds = _kinds(data)
    raw = raw_text(data)
    ids = [n["id"] for n in data["numbers"]]
    assert len(ids) == len(set(ids)), "duplicate figure ids"
    for n in data["numbers"]:
        assert set(n) <= NUMBER_FIELDS, n
        assert re.fullmatch(r"n\d+", n["id"]), n
        assert isinstance(n["value"], (int, float)) and not isinstance(n["value"], bool), n
        assert len(spans(raw, n["context"])) == 1, f"{n['id']}: context not unique in the text"
        assert n["text"] in n["context"], n
        assert indonesian_number(n["text"]) == Decimal(str(n["value"])), f"{n['id']}: {n['text']!r} is not {n['value']}"
        if "unit" in n:
            assert n["unit"] in UNITS, n
        if n.get("unit") == "IDR":
            assert Decimal(str(n["rupiah"])) == Decimal(str(n["value"])), n
        else:
            assert "rupiah" not in n, n
        if "reference_year" in n:
            assert isinstance(n["reference_year"], int) and 1945 <= n["reference_year"] <= 2100
        if "period" in n:
            assert re.fullmatch(r"P\d+[YMWD]", n["period"]), n
        if "describes" in n:
            assert n["describes"] in kinds, f"{n['id']}: describes an undeclared entity"
        for name in ("counts", "qualifier"):
            if name in n:
                assert isinstance(n[name], str) and n[name].strip()
        assert set(n.get("optional_facets", [])) <= FACETS
        assert all(facet in n for facet in n.get("optional_facets", [])), "an optional facet needs a value"
        assert isinstance(n.get("optional", False), bool)


@pytest.mark.parametrize("path", GOLD_FILES, ids=lambda p: p.stem)
def test_the_scorer_loads_every_gold_file(path: Path) -> None:
    gold = eq.load_gold(path)
    required = sum(len(v) for v in gold.required.values())
    assert required > 0


# -- the scorer ----------------------------------------------------------------------------------------------


def test_two_of_three_found_and_one_spurious() -> None:
    score = eq.score_facts(predicted={("a",), ("b",), ("x",)}, gold={("a",), ("b",), ("c",)})
    assert (score.tp, score.fp, score.fn) == (2, 1, 1)
    assert score.precision == pytest.approx(2 / 3)
    assert score.recall == pytest.approx(2 / 3)
    assert score.f1 == pytest.approx(2 / 3)
    assert score.false_positives == [("x",)] and score.false_negatives == [("c",)]


def test_optional_gold_facts_neither_reward_nor_penalise() -> None:
    score = eq.score_facts(predicted={("a",), ("o1",)}, gold={("a",), ("b",)}, optional={("o1",), ("o2",)})
    assert (score.tp, score.fp, score.fn) == (1, 0, 1)
    assert score.precision == 1.0 and score.recall == 0.5


def test_nothing_predicted_and_nothing_expected_is_undefined_not_perfect() -> None:
    score = eq.score_facts(predicted=set(), gold=set())
    assert score.precision is None and score.recall is None and score.f1 is None
    nothing_found = eq.score_facts(predicted=set(), gold={("a",)})
    assert nothing_found.precision is None and nothing_found.recall == 0.0


def test_micro_average_sums_counts_before_dividing() -> None:
    one = eq.score_facts({("a",)}, {("a",)})                       # P 1, R 1
    two = eq.score_facts({("x",), ("y",), ("b",)}, {("b",), ("c",)})  # P 1/3, R 1/2
    both = eq.total([one, two])
    assert (both.tp, both.fp, both.fn) == (2, 2, 1)
    assert both.precision == pytest.approx(0.5) and both.recall == pytest.approx(2 / 3)


def test_whitespace_in_anchors_matches_hard_line_wraps() -> None:
    assert eq.locate("terjadi lebih dari\n3.000 kejadian.", "lebih dari 3.000 kejadian") == [(8, 33)]
    assert eq.norm("  Sekretaris\nJENDERAL ") == "sekretaris jenderal"


# -- the mapping from the pipeline's facts, on a hand-made analysis -------------------------------------------

TEXT = ("JAKARTA (1 Mei 2022) - Delegasi dipimpin oleh Sekjen Harry Hikmat. Turut dalam rombongan A Satu dan B Dua.\n"
        "\"Kami melayani lebih dari\n3.000 orang,\" kata Harry. Kantor itu mempekerjakan 12 pegawai.\n")


def _gold(tmp_path: Path, relations: list[dict], numbers: list[dict] | None = None, posts: list[dict] | None = None):
    document = tmp_path / "tiny.txt"
    document.write_text(TEXT, encoding="utf-8")
    data = {
        "format": "kemensos-kg-gold/1", "document": str(document), "notes": ["test"], "method": "test",
        "entities": [
            {"key": "person/harry-hikmat", "name": "Harry Hikmat", "type": "Person"},
            {"key": "person/a-satu", "name": "A Satu", "type": "Person"},
            {"key": "person/b-dua", "name": "B Dua", "type": "Person"},
            {"key": "org/kementerian-sosial", "name": "Kementerian Sosial", "type": "Organisation", "subtype": "Ministry"},
        ],
        "posts": posts or [], "relations": relations, "numbers": numbers or [],
    }
    path = tmp_path / "tiny.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    return eq.load_gold(path)


def _analysis(triples: list[tuple], entities: dict[str, tuple[str, str]] | None = None):
    from kg.graph import iri

    def term(x):
        return iri.entity(x) if isinstance(x, str) and "/" in x and not x.startswith("http") else x

    facts = [SimpleNamespace(s=term(s), p=p, o=term(o), rule="test") for s, p, o in triples]
    table = {k: SimpleNamespace(key=k, kind=kind, label=label) for k, (kind, label) in (entities or {}).items()}
    return SimpleNamespace(facts=facts, entities=table)


def test_relations_two_of_three_found_and_one_spurious(tmp_path: Path) -> None:
    from kg.graph.vocab import KG
    gold = _gold(tmp_path, [
        {"relation": "leader", "subject": "visit", "object": "person/harry-hikmat"},
        {"relation": "member", "subject": "visit", "object": "person/a-satu"},
        {"relation": "member", "subject": "visit", "object": "person/b-dua"},
    ])
    analysis = _analysis([
        ("visit/tiny", KG.leader, "person/harry-hikmat"),
        ("visit/tiny", KG.member, "person/a-satu"),
        ("visit/tiny", KG.member, "person/c-tiga"),      # spurious
    ])
    result = eq.score_document(gold, analysis)
    relations = eq.total(result.scores[t] for t in eq.RELATION_TYPES)
    assert (relations.tp, relations.fp, relations.fn) == (2, 1, 1)
    assert round(relations.precision, 3) == 0.667 and round(relations.recall, 3) == 0.667
    assert result.scores["member"].false_negatives == [("visit", "person/b-dua")]
    assert result.scores["member"].false_positives == [("visit", "person/c-tiga")]


def test_figures_are_matched_by_position_and_compared_by_value(tmp_path: Path) -> None:
    from rdflib import Literal
    from rdflib.namespace import XSD

    from kg.graph.vocab import KG, RDF, SDO
    gold = _gold(tmp_path, [], numbers=[
        {"id": "n1", "text": "3.000", "context": "lebih dari 3.000 orang", "value": 3000, "counts": "orang", "qualifier": "lebih dari"},
        {"id": "n2", "text": "12", "context": "12 pegawai", "value": 12, "counts": "pegawai"},
    ])
    at_3000 = TEXT.index("lebih dari")
    at_12 = TEXT.index("12 pegawai")
    analysis = _analysis([
        (f"statistic/tiny/c{at_3000}", RDF.type, KG.Statistic),
        (f"statistic/tiny/c{at_3000}", SDO.value, Literal(3000, datatype=XSD.integer)),
        (f"statistic/tiny/c{at_3000}", KG.counts, Literal("Orang", lang="id")),
        (f"statistic/tiny/c{at_3000}", KG.qualifier, Literal("lebih dari", lang="id")),
        (f"statistic/tiny/c{at_12}", RDF.type, KG.Statistic),
        (f"statistic/tiny/c{at_12}", SDO.value, Literal("1.2", datatype=XSD.decimal)),   # misread
        (f"statistic/tiny/c{TEXT.index('1 Mei')}", RDF.type, KG.Statistic),               # not a figure
        (f"statistic/tiny/c{TEXT.index('1 Mei')}", SDO.value, Literal(1, datatype=XSD.integer)),
    ])
    scores = eq.score_document(gold, analysis).scores
    number = scores["number"]
    assert (number.tp, number.fp, number.fn) == (1, 2, 1)
    assert ("n2", Decimal(12)) in number.false_negatives
    assert ("n2", Decimal("1.2")) in number.false_positives
    assert (scores["number_counts"].tp, scores["number_counts"].fn) == (1, 1)
    assert scores["number_qualifier"].tp == 1


def test_posts_compare_titles_case_insensitively_and_through_listed_equivalents(tmp_path: Path) -> None:
    from rdflib import Literal

    from kg.graph.vocab import ORG, RDFS
    gold = _gold(tmp_path, [], posts=[
        {"person": "person/harry-hikmat", "role": "Sekjen", "role_equivalents": ["Sekretaris Jenderal"],
         "organisation": "org/kementerian-sosial"},
        {"person": "person/a-satu", "role": "Kepala", "organisation": "org/kementerian-sosial"},
    ])
    post1, post2 = "post/kementerian-sosial--sekretaris-jenderal", "post/kementerian-sosial--kepala"
    analysis = _analysis([
        ("person/harry-hikmat", ORG.holds, post1),
        (post1, ORG.postIn, "org/kementerian-sosial"),
        (post1, RDFS.label, Literal("SEKRETARIS JENDERAL, Kementerian Sosial", lang="id")),
        ("person/a-satu", ORG.holds, post2),
        (post2, ORG.postIn, "org/kementerian-sosial"),
        (post2, RDFS.label, Literal("Wakil Kepala, Kementerian Sosial", lang="id")),   # another title
    ], entities={"org/kementerian-sosial": ("Ministry", "Kementerian Sosial")})
    post = eq.score_document(gold, analysis).scores["post"]
    assert (post.tp, post.fp, post.fn) == (1, 1, 1)
    assert post.false_positives == [("person/a-satu", "wakil kepala", "org/kementerian-sosial")]


# -- the real run ---------------------------------------------------------------------------------------------


def test_the_evaluation_runs_over_the_whole_gold_and_its_counts_add_up() -> None:
    golds = [eq.load_gold(p) for p in GOLD_FILES]
    results = eq.evaluate(golds)
    assert [r.stem for r in results] == [p.stem for p in GOLD_FILES]
    for r in results:
        for fact_type, s in r.scores.items():
            assert s.tp + s.fn == s.gold, (r.stem, fact_type)
            assert s.tp + s.fp <= s.predicted, (r.stem, fact_type)
    corpus = eq.corpus_scores(results)
    assert corpus["[ALL]"].gold == sum(eq.document_scores(r).gold for r in results)

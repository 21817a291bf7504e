"""The competency queries in `queries/*.rq`, run against the built corpus.

Each query file starts with a machine-readable header::

    # Question (en): ...
    # Pertanyaan (id): ...
    # Expected answer: ...
    # expect-rows: 4            (an exact count, or ">=N")
    # expect-values: a=x ; b=y  (zero or more; all pairs must appear together in one row)
    # expect-ask: true          (for ASK queries)

The queries are run exactly as written, without the CLI's pre-declared prefixes, so a query that
forgets a PREFIX declaration fails here as it would in any other SPARQL engine.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from pyoxigraph import QueryBoolean, QuerySolutions, Store

ROOT = Path(__file__).resolve().parent.parent
QUERIES = ROOT / "queries"
QUERY_FILES = sorted(QUERIES.glob("*.rq"))
FOUNDING = ROOT / "corpus" / "2022-11-09-delegasi-kemensos-fukuoka.txt"

NAME = re.compile(r"^\d{2}-[a-z0-9]+(?:-[a-z0-9]+)*\.rq$")
HEADER_LINE = re.compile(r"^#\s*([^:]+?)\s*:\s?(.*)$")
ROWS = re.compile(r"^(>=)?\s*(\d+)$")


@dataclass
class Header:
    """The expectations written at the top of one query file."""

    question_en: str | None = None
    question_id: str | None = None
    expected_answer: str | None = None
    rows: tuple[str, int] | None = None  # ("==" | ">=", n)
    values: list[dict[str, str]] = field(default_factory=list)
    ask: bool | None = None
    order: list[str] = field(default_factory=list)  # keys in the order they appear

    @property
    def has_expectation(self) -> bool:
        return self.rows is not None or bool(self.values) or self.ask is not None


def parse_header(text: str) -> Header:
    """Read the leading `#` lines of a query file; anything after the first other line is query."""
    header = Header()
    for line in text.splitlines():
        stripped = line.strip()
        if not stripped.startswith("#"):
            break
        match = HEADER_LINE.match(stripped)
        if not match:
            continue
        key, value = match.group(1), match.group(2).strip()
        if key == "Question (en)":
            header.question_en = value
        elif key == "Pertanyaan (id)":
            header.question_id = value
        elif key == "Expected answer":
            header.expected_answer = value
        elif key == "expect-rows":
            rows = ROWS.match(value)
            if not rows:
                raise ValueError(f"bad expect-rows: {value!r}")
            header.rows = (">=" if rows.group(1) else "==", int(rows.group(2)))
        elif key == "expect-values":
            pairs: dict[str, str] = {}
            for part in value.split(" ; "):
                name, sep, wanted = part.partition("=")
                if not sep or not name.strip():
                    raise ValueError(f"bad expect-values pair: {part!r}")
                pairs[name.strip().lstrip("?")] = wanted.strip()
            header.values.append(pairs)
        elif key == "expect-ask":
            if value.lower() not in ("true", "false"):
                raise ValueError(f"bad expect-ask: {value!r}")
            header.ask = value.lower() == "true"
        else:
            continue
        header.order.append(key)
    return header


def _number(text: str) -> float | None:
    try:
        number = float(text)
    except ValueError:
        return None
    return number if math.isfinite(number) else None


def matches(term: object, wanted: str) -> bool:
    """A term's lexical form (or IRI) equals `wanted`; numbers compare numerically."""
    if term is None:
        return False
    actual = term.value  # type: ignore[attr-defined]
    if actual == wanted:
        return True
    a, w = _number(actual), _number(wanted)
    return a is not None and w is not None and math.isclose(a, w, rel_tol=1e-9, abs_tol=1e-12)


def run(store: Store, path: Path) -> QuerySolutions | QueryBoolean:
    return store.query(path.read_text(encoding="utf-8"), use_default_graph_as_union=True)


def test_there_are_enough_queries() -> None:
    assert len(QUERY_FILES) >= 15, [p.name for p in QUERY_FILES]


def test_query_files_are_numbered_without_gaps() -> None:
    assert all(NAME.match(p.name) for p in QUERY_FILES), [p.name for p in QUERY_FILES]
    numbers = [int(p.name[:2]) for p in QUERY_FILES]
    assert numbers == list(range(1, len(QUERY_FILES) + 1))


@pytest.mark.parametrize("path", QUERY_FILES, ids=lambda p: p.stem)
def test_header(path: Path) -> None:
    """The four header lines are present, non-empty and in the documented order."""
    header = parse_header(path.read_text(encoding="utf-8"))
    assert header.question_en, "missing '# Question (en):'"
    assert header.question_id, "missing '# Pertanyaan (id):'"
    assert header.expected_answer, "missing '# Expected answer:'"
    assert header.has_expectation, "missing an '# expect-...:' line"
    assert header.order[:3] == ["Question (en)", "Pertanyaan (id)", "Expected answer"]
    first = path.read_text(encoding="utf-8").splitlines()[0]
    assert first.startswith("# Question (en): ")


@pytest.mark.parametrize("path", QUERY_FILES, ids=lambda p: p.stem)
def test_query_answers(store: Store, path: Path) -> None:
    header = parse_header(path.read_text(encoding="utf-8"))
    result = run(store, path)

    if isinstance(result, QueryBoolean):
        assert header.ask is not None, "ASK query without '# expect-ask:'"
        assert not header.values and header.rows is None, "ASK queries take only expect-ask"
        assert bool(result) is header.ask
        return

    assert isinstance(result, QuerySolutions), f"{path.name} is not a SELECT or ASK query"
    assert header.ask is None, "expect-ask on a SELECT query"
    variables = [v.value for v in result.variables]
    rows = list(result)
    shown = [{v: (row[v].value if row[v] is not None else None) for v in variables} for row in rows]

    if header.rows is not None:
        op, n = header.rows
        if op == "==":
            assert len(rows) == n, f"expected {n} rows, got {len(rows)}: {shown}"
        else:
            assert len(rows) >= n, f"expected at least {n} rows, got {len(rows)}: {shown}"

    for wanted in header.values:
        unknown = set(wanted) - set(variables)
        assert not unknown, f"expect-values names unknown variables {sorted(unknown)}; have {variables}"
        assert any(all(matches(row[v], value) for v, value in wanted.items()) for row in rows), (
            f"no row has {wanted}; rows: {shown}"
        )


def test_leader_sentence_offsets_point_into_the_raw_file(store: Store) -> None:
    """Query 08's offsets slice the original file to exactly the quoted sentence."""
    path = next(p for p in QUERY_FILES if p.name.startswith("08-"))
    rows = list(run(store, path))
    assert len(rows) == 1
    row = rows[0]
    start, end = int(row["start"].value), int(row["end"].value)
    raw = FOUNDING.read_text(encoding="utf-8")
    assert raw[start:end] == row["exact"].value
    assert " ".join(raw[start:end].split()) == row["sentence"].value


def test_readme_lists_every_query() -> None:
    """queries/README.md has one list line per query file, naming it and giving its English question."""
    readme = (QUERIES / "README.md").read_text(encoding="utf-8")
    for path in QUERY_FILES:
        question = parse_header(path.read_text(encoding="utf-8")).question_en
        lines = [line for line in readme.splitlines() if line.startswith(f"- `{path.name}`")]
        assert len(lines) == 1, f"queries/README.md should have one '- `{path.name}`: ...' line"
        assert question and question in lines[0], f"{path.name}: README line lacks its question"


# --- the header parser itself ---------------------------------------------------------------------


def test_parse_header_reads_all_keys() -> None:
    header = parse_header(
        "# Question (en): Q?\n"
        "# Pertanyaan (id): P?\n"
        "# Expected answer: A.\n"
        "# expect-rows: >=3\n"
        "# expect-values: a=1 ; b=x = y\n"
        "# expect-values: c=Sekretaris Jenderal, Kementerian Sosial\n"
        "#\n"
        "# free text: is ignored\n"
        "SELECT * WHERE { ?s ?p ?o }\n"
        "# expect-rows: 99\n"
    )
    assert (header.question_en, header.question_id, header.expected_answer) == ("Q?", "P?", "A.")
    assert header.rows == (">=", 3)
    assert header.values == [{"a": "1", "b": "x = y"}, {"c": "Sekretaris Jenderal, Kementerian Sosial"}]
    assert header.ask is None


def test_parse_header_reads_ask_and_exact_rows() -> None:
    header = parse_header("# expect-ask: true\n# expect-rows: 2\nASK {}\n")
    assert header.ask is True and header.rows == ("==", 2)
    with pytest.raises(ValueError):
        parse_header("# expect-rows: many\n")
    with pytest.raises(ValueError):
        parse_header("# expect-values: novalue\n")


def test_matches_compares_numbers_numerically() -> None:
    store = Store()
    (row,) = list(store.query('SELECT ?d ?s WHERE { BIND (56.250 AS ?d) BIND ("2022-11-09" AS ?s) }'))
    assert matches(row["d"], "56.25")
    assert not matches(row["d"], "65")
    assert matches(row["s"], "2022-11-09")
    assert not matches(None, "x")

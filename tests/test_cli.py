"""The CLI, in-process through `main(argv)`, plus one real subprocess run of the console script.

The build and the validator are replaced by fakes: these tests are about the CLI's wiring
(store handling, formats, exit codes, messages), not about extraction or the shapes.
"""

from __future__ import annotations

import importlib
import json
import os
import re
import subprocess
import sys
import types
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph
import pytest
from rdflib import Dataset, Graph, Literal
from rdflib.namespace import RDFS

import kg
from kg.build.builder import BuildResult
from kg.cli import main
from kg.errors import ValidationError
from kg.graph.vocab import DERIVED_GRAPH, DOC, ID, KG, ONTOLOGY_GRAPH, SDO
from kg.store import generations as store

SELECT_NAMES = "SELECT ?n WHERE { ?s schema:name ?n } ORDER BY ?n"


def fake_dataset(label: str = "v1") -> Dataset:
    """Ontology, two document graphs, derived: 5 quads in 4 graphs from 2 documents."""
    dataset = Dataset()
    dataset.graph(ONTOLOGY_GRAPH).add((KG.Program, RDFS.label, Literal(label)))
    dataset.graph(DOC["rilis-1"]).add((ID["kemensos"], SDO.name, Literal("Kementerian Sosial")))
    doc2 = dataset.graph(DOC["rilis-2"])
    doc2.add((ID["risma"], SDO.name, Literal("Tri Rismaharini")))
    doc2.add((ID["risma"], SDO.memberOf, ID["kemensos"]))
    dataset.graph(DERIVED_GRAPH).add((ID["kemensos"], RDFS.label, Literal("Kemensos")))
    return dataset


@dataclass
class FakeReport:
    conforms: bool = True
    violations: int = 0
    text: str = "Conforms: True"


def module_to_patch(monkeypatch: pytest.MonkeyPatch, name: str) -> types.ModuleType:
    """The real kg.<name> (a dotted module path below kg) if it imports, else an empty stand-in."""
    try:
        return importlib.import_module(f"kg.{name}")
    except ImportError:
        module = types.ModuleType(f"kg.{name}")
        monkeypatch.setitem(sys.modules, f"kg.{name}", module)
        monkeypatch.setattr(kg, name, module, raising=False)
        return module


class FakeBuild:
    """Stands in for build.build_store: writes the next fake dataset into a new generation; after
    `fail`, raises from inside the generation the ValidationError a non-conforming build raises."""

    def __init__(self) -> None:
        self.calls: list[list[str]] = []
        self.jobs: list[int | None] = []
        self.datasets = iter([fake_dataset("v1"), fake_dataset("v2"), fake_dataset("v3")])
        self.error: ValidationError | None = None

    def __call__(self, inputs, store_dir, sources_dir, cache, jobs=None, max_input_bytes=None) -> BuildResult:  # type: ignore[no-untyped-def]
        self.calls.append(list(inputs))
        self.jobs.append(jobs)
        dataset = next(self.datasets)

        def fill(target: pyoxigraph.Store) -> None:
            store.load_dataset(target, dataset)
            if self.error is not None:
                raise self.error

        summary, _ = store.fill_store(store_dir, fill)
        return BuildResult(documents=2, extracted=1, unchanged=1, store=summary)

    def fail(self, text: str = "Constraint Violation in MinCountConstraintComponent") -> None:
        self.error = ValidationError("the built graph does not conform to the shapes: 3 violation(s)", text)


@pytest.fixture
def build_calls(monkeypatch: pytest.MonkeyPatch) -> FakeBuild:
    """Fake build.build_store; `.calls` lists the inputs it was called with."""
    fake = FakeBuild()
    monkeypatch.setattr(module_to_patch(monkeypatch, "build.builder"), "build_store", fake, raising=False)
    return fake


class FakeValidator:
    """Stands in for validate.validate_graph: records the graphs, answers with `report`."""

    def __init__(self) -> None:
        self.graphs: list[Graph] = []
        self.report = FakeReport()

    def __call__(self, data: Graph) -> FakeReport:
        self.graphs.append(data)
        return self.report

    def fail(self, text: str = "Constraint Violation in MinCountConstraintComponent") -> None:
        self.report = FakeReport(conforms=False, violations=3, text=text)


@pytest.fixture
def validator(monkeypatch: pytest.MonkeyPatch) -> FakeValidator:
    fake = FakeValidator()
    monkeypatch.setattr(module_to_patch(monkeypatch, "validate.shacl"), "validate_graph", fake, raising=False)
    return fake


@pytest.fixture
def built(tmp_path: Path, build_calls, capsys: pytest.CaptureFixture[str]) -> Path:
    store_dir = tmp_path / "store"
    assert main(["build", "--store", str(store_dir)]) == 0
    capsys.readouterr()
    return store_dir


def test_build_prints_summary(tmp_path: Path, build_calls, capsys) -> None:
    store_dir = tmp_path / "store"
    assert main(["build", "--store", str(store_dir)]) == 0

    out = capsys.readouterr().out
    assert re.fullmatch(
        rf"built 5 quads in 4 graphs from 2 documents \(1 extracted, 1 unchanged\) into {re.escape(str(store_dir))} "
        rf"\(\d+\.\d s\)\n", out
    )
    assert build_calls.calls == [[]]  # no inputs: the pipeline's bundled corpus
    assert build_calls.jobs == [None]  # one worker per core
    assert store.count_quads(store.open_store(store_dir)) == 5


def test_build_passes_inputs_and_rejects_missing_ones(tmp_path: Path, build_calls, capsys) -> None:
    doc = tmp_path / "rilis.txt"
    doc.write_text("Jakarta - Kementerian Sosial ...", encoding="utf-8")
    assert main(["build", str(doc), str(tmp_path), "--store", str(tmp_path / "s")]) == 0
    assert build_calls.calls == [[str(doc), str(tmp_path)]]

    missing = tmp_path / "nope.txt"
    assert main(["build", str(doc), str(missing), "--store", str(tmp_path / "s")]) == 1
    assert f"kemensos-kg: error: input not found: {missing}" in capsys.readouterr().err
    assert len(build_calls.calls) == 1  # the pipeline did not run


def test_build_reads_store_from_environment(tmp_path: Path, build_calls, monkeypatch, capsys) -> None:
    monkeypatch.setenv("KEMENSOS_KG_STORE", str(tmp_path / "from-env"))
    assert main(["build"]) == 0
    assert (tmp_path / "from-env" / store.CURRENT).is_symlink()


def test_build_jobs_from_option_or_environment(tmp_path: Path, build_calls, monkeypatch, capsys) -> None:
    assert main(["build", "--store", str(tmp_path / "s"), "--jobs", "2"]) == 0
    monkeypatch.setenv("KEMENSOS_KG_JOBS", "3")
    assert main(["build", "--store", str(tmp_path / "s")]) == 0
    assert build_calls.jobs == [2, 3]
    assert main(["build", "--store", str(tmp_path / "s"), "--jobs", "0"]) == 2
    assert "not a positive whole number: '0'" in capsys.readouterr().err
    assert len(build_calls.calls) == 2


def test_non_conforming_build_exits_1_and_keeps_previous_store(built: Path, build_calls, capsys) -> None:
    generations = os.listdir(built / store.GENERATIONS)
    build_calls.fail()
    assert main(["build", "--store", str(built)]) == 1

    err = capsys.readouterr().err
    assert "Constraint Violation in MinCountConstraintComponent" in err
    assert "kemensos-kg: error: the built graph does not conform to the shapes: 3 violation(s)" in err
    assert os.listdir(built / store.GENERATIONS) == generations
    assert main(["query", "--store", str(built), "SELECT ?l WHERE { kg:Program rdfs:label ?l }"]) == 0
    rows = json.loads(capsys.readouterr().out)["results"]["bindings"]
    assert [r["l"]["value"] for r in rows] == ["v1"]


def test_query_returns_rows_as_json_by_default(built: Path, capsys) -> None:
    assert main(["query", "--store", str(built), SELECT_NAMES]) == 0
    rows = json.loads(capsys.readouterr().out)["results"]["bindings"]
    assert [r["n"]["value"] for r in rows] == ["Kementerian Sosial", "Tri Rismaharini"]


def test_query_from_file_with_format(built: Path, tmp_path: Path, capsys) -> None:
    query_file = tmp_path / "names.rq"
    query_file.write_text(SELECT_NAMES, encoding="utf-8")
    assert main(["query", "--store", str(built), str(query_file), "--format", "csv"]) == 0
    assert capsys.readouterr().out.splitlines() == ["n", "Kementerian Sosial", "Tri Rismaharini"]


def test_construct_query_defaults_to_turtle(built: Path, capsys) -> None:
    assert main(["query", "--store", str(built), "CONSTRUCT WHERE { ?s schema:memberOf ?o }"]) == 0
    graph = Graph().parse(data=capsys.readouterr().out, format="turtle")
    assert list(graph) == [(ID["risma"], SDO.memberOf, ID["kemensos"])]


def test_bad_query_exits_2_without_traceback(built: Path, capsys) -> None:
    assert main(["query", "--store", str(built), "SELECT * WHERE { ?s ?p }"]) == 2
    captured = capsys.readouterr()
    assert captured.err.startswith("kemensos-kg: error: invalid SPARQL query")
    assert "Traceback" not in captured.err
    assert captured.out == ""


def test_format_not_fitting_the_query_exits_2(built: Path, capsys) -> None:
    assert main(["query", "--store", str(built), SELECT_NAMES, "--format", "ttl"]) == 2
    assert "does not fit a SELECT/ASK query" in capsys.readouterr().err


def test_query_on_missing_store_exits_1(tmp_path: Path, capsys) -> None:
    missing = tmp_path / "no-store"
    assert main(["query", "--store", str(missing), SELECT_NAMES]) == 1
    err = capsys.readouterr().err
    assert err == f"kemensos-kg: error: no store at {missing}: run `kemensos-kg build --store {missing}` first\n"


def test_export_to_file(built: Path, tmp_path: Path, capsys) -> None:
    target = tmp_path / "kg.nq"
    assert main(["export", "--store", str(built), "--format", "nq", "-o", str(target)]) == 0
    assert capsys.readouterr().out == f"exported 5 quads as nq to {target}\n"
    assert len(list(Dataset().parse(target, format="nquads").quads())) == 5


def test_export_to_stdout_reports_on_stderr(built: Path, capsys) -> None:
    assert main(["export", "--store", str(built), "--format", "nt"]) == 0
    captured = capsys.readouterr()
    assert len(Graph().parse(data=captured.out, format="nt")) == 5
    assert captured.err == "exported 5 triples as nt\n"


def test_validate_store(built: Path, validator, capsys) -> None:
    assert main(["validate", "--store", str(built)]) == 0
    assert capsys.readouterr().out == "conforms: 5 quads, 0 violations\n"
    assert len(validator.graphs[-1]) == 5  # the stored graphs, merged

    validator.fail("Results (3): ...")
    assert main(["validate", "--store", str(built)]) == 1
    err = capsys.readouterr().err
    assert "Results (3): ..." in err
    assert f"kemensos-kg: error: the store at {built} does not conform to the shapes: 3 violation(s)" in err


def test_usage_errors_exit_2(built: Path, monkeypatch, capsys) -> None:
    assert main([]) == 2
    monkeypatch.setenv("KEMENSOS_KG_EXPORT_FORMAT", "yaml")
    assert main(["export", "--store", str(built)]) == 2
    assert "invalid choice: 'yaml'" in capsys.readouterr().err


def test_console_script_runs_query(tmp_path: Path) -> None:
    store_dir = tmp_path / "store"
    store.write_store(store_dir, fake_dataset())
    script = Path(sys.executable).with_name("kemensos-kg")
    command = [str(script)] if script.exists() else [sys.executable, "-m", "kg.cli"]

    result = subprocess.run(
        [*command, "query", "--store", str(store_dir), "--format", "tsv", SELECT_NAMES],
        capture_output=True, text=True, cwd=tmp_path, timeout=120,
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == ["?n", '"Kementerian Sosial"', '"Tri Rismaharini"']

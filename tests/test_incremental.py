"""Incremental builds: only new or changed documents are extracted again; when all that changed is new
documents, only they are written, into a copy of the current generation; the result is the same graph as a
build from scratch, quad for quad."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from kg.build.inputs import DEFAULT_CORPUS
from kg.cli import build
from kg.store import generations as kg_store


def counts(summary: str) -> tuple[int, int]:
    match = re.search(r"\((\d+) extracted, (\d+) unchanged(?:; \d+ kept from the previous generation)?\)", summary)
    assert match, summary
    return int(match.group(1)), int(match.group(2))


def kept(summary: str) -> int:
    match = re.search(r"; (\d+) kept from the previous generation\)", summary)
    return int(match.group(1)) if match else 0


def nquads(store_dir: Path) -> list[str]:
    out = store_dir.parent / f"{store_dir.name}.nq"
    with out.open("wb") as handle:
        kg_store.export(kg_store.open_store(store_dir), "nq", handle)
    return sorted(out.read_text(encoding="utf-8").splitlines())


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    folder = tmp_path / "corpus"
    shutil.copytree(DEFAULT_CORPUS / "dev", folder)
    return folder


def test_unchanged_documents_are_not_extracted_again_and_the_graph_is_identical(corpus: Path, tmp_path: Path) -> None:
    store_dir = tmp_path / "store"
    assert counts(build([str(corpus)], store_dir)) == (6, 0)
    first = nquads(store_dir)
    again = build([str(corpus)], store_dir)
    assert counts(again) == (0, 6) and kept(again) == 6
    assert nquads(store_dir) == first


def test_a_changed_added_or_removed_document_is_the_only_work(corpus: Path, tmp_path: Path) -> None:
    store_dir = tmp_path / "store"
    build([str(corpus)], store_dir)
    changed = corpus / "03.txt"
    changed.write_text(changed.read_text(encoding="utf-8").replace("Romal Sinaga", "Romal P. Sinaga"), encoding="utf-8")
    summary = build([str(corpus)], store_dir)
    assert counts(summary) == (1, 5) and kept(summary) == 0  # a changed document: from scratch

    (corpus / "10.txt").unlink()
    summary = build([str(corpus)], store_dir)
    assert counts(summary) == (0, 5) and kept(summary) == 0  # a removed one too
    assert not any("kemensos-kg/doc/2023-04-29-sebagai-wakil-kemensos" in line for line in nquads(store_dir))
    assert len(list((store_dir / "cache" / "analyses").glob("*.pickle"))) == 5  # the removed one is gone

    shutil.copy(DEFAULT_CORPUS / "2022-11-09-delegasi-kemensos-fukuoka.txt", corpus)
    assert counts(build([str(corpus)], store_dir)) == (1, 5)

    fresh = tmp_path / "fresh"
    assert counts(build([str(corpus)], fresh)) == (6, 0)  # from scratch: nothing cached
    assert nquads(store_dir) == nquads(fresh)


def test_added_documents_are_written_into_a_copy_of_the_current_generation(corpus: Path, tmp_path: Path) -> None:
    added = tmp_path / "10.txt"
    shutil.move(corpus / "10.txt", added)
    store_dir = tmp_path / "store"
    build([str(corpus)], store_dir)
    shutil.move(added, corpus / "10.txt")
    summary = build([str(corpus)], store_dir)
    assert counts(summary) == (1, 5) and kept(summary) == 5
    fresh = tmp_path / "fresh"
    scratch = build([str(corpus)], fresh)
    assert nquads(store_dir) == nquads(fresh)
    size = re.compile(r"built (\d+) quads in (\d+) graphs")
    assert size.search(summary).groups() == size.search(scratch).groups()  # counted, not read from the store


def test_a_new_document_that_merges_a_person_of_an_old_one_rebuilds_from_scratch(corpus: Path, tmp_path: Path) -> None:
    store_dir = tmp_path / "store"
    build([str(corpus)], store_dir)  # dev/03.txt names "Romal Sinaga"
    shutil.copy(DEFAULT_CORPUS / "2022-11-09-delegasi-kemensos-fukuoka.txt", corpus)  # "Romal Uli Jaya Sinaga", same post
    summary = build([str(corpus)], store_dir)
    assert counts(summary) == (1, 6) and kept(summary) == 0
    assert any("romal-uli-jaya-sinaga" in line and "altLabel" in line and "Romal Sinaga" in line
               for line in nquads(store_dir))
    fresh = tmp_path / "fresh"
    build([str(corpus)], fresh)
    assert nquads(store_dir) == nquads(fresh)


def test_a_store_written_since_the_last_build_is_built_from_scratch(corpus: Path, tmp_path: Path) -> None:
    store_dir = tmp_path / "store"
    build([str(corpus)], store_dir)
    kg_store.modify_store(store_dir, lambda s: s.update("INSERT DATA { <http://ex/a> <http://ex/p> 1 }"))
    summary = build([str(corpus)], store_dir)
    assert kept(summary) == 0 and not any("http://ex/a" in line for line in nquads(store_dir))


def test_a_shared_node_an_added_document_breaks_fails_the_build_as_from_scratch(corpus: Path, tmp_path: Path,
                                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    """dev/04.txt names a third provider of ATENSI, which the other releases give two: a shape allowing a program two
    passes without it and fails once it is added, though the two are only in the generation kept."""
    from test_build import stricter_shapes

    from kg.build import builder
    from kg.errors import ValidationError
    from kg.validate import conformance

    extra = ("kgsh:TwoProviders a sh:NodeShape ; sh:targetClass kg:Program ; "
             "sh:property [ sh:path schema:provider ; sh:maxCount 2 ; sh:message \"more than two providers\" ] .")
    monkeypatch.setattr(conformance, "load_shapes", lambda: stricter_shapes(extra))
    added = tmp_path / "04.txt"
    shutil.move(corpus / "04.txt", added)
    store_dir = tmp_path / "store"
    build([str(corpus)], store_dir)
    before = nquads(store_dir)
    shutil.move(added, corpus / "04.txt")

    def no_scratch(*args: object) -> None:
        raise AssertionError("adding a document rebuilt the generation from scratch")

    monkeypatch.setattr(builder, "fill_store", no_scratch)
    with pytest.raises(ValidationError) as failed:
        build([str(corpus)], store_dir)
    assert "more than two providers" in failed.value.report_text and "atensi" in failed.value.report_text
    assert nquads(store_dir) == before

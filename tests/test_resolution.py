"""Resolution across documents: merge only names that agree AND share a post."""

from __future__ import annotations

from pathlib import Path

from kg.extract.document import read_document
from kg.extract.pipeline import analyse
from kg.graph.vocab import ID, ORG, RDFS, SKOS
from kg.rdf.resolution import apply_merges, people, person_merges

LONG = "JAKARTA (9 November 2022) - Kepala Sentra \"Handayani\" di Jakarta Romal Uli Jaya Sinaga menerima tamu.\n"
SHORT = "JAKARTA (22 Oktober 2022) - Kepala Sentra Handayani Jakarta Romal Sinaga memerintahkan tim.\n"
OTHER_POST = "CIMAHI (1 Mei 2021) - Kepala Sentra Abiyoso Romal Sinaga membuka acara.\n"


def _analyses(tmp_path: Path, *texts: str):  # type: ignore[no-untyped-def]
    analyses = []
    for i, text in enumerate(texts):
        path = tmp_path / f"release-{i}.txt"
        path.write_text(text, encoding="utf-8")
        analyses.append(analyse(read_document(path)))
    return analyses


def test_shorter_name_with_the_same_post_is_merged(tmp_path: Path) -> None:
    analyses = _analyses(tmp_path, LONG, SHORT)
    merges = person_merges(people(a) for a in analyses)
    assert merges == {"person/romal-sinaga": "person/romal-uli-jaya-sinaga"}
    apply_merges(analyses, merges)
    short_facts = analyses[1].facts
    holders = {f.s for f in short_facts if f.p == ORG.holds}
    assert holders == {ID["person/romal-uli-jaya-sinaga"]}
    assert any(f.p == SKOS.altLabel and str(f.o) == "Romal Sinaga" for f in short_facts)
    # the merged-away name is no longer a label of the surviving IRI in that release
    assert not any(f.p == RDFS.label and str(f.o) == "Romal Sinaga" for f in short_facts)
    assert "person/romal-sinaga" not in analyses[1].entities


def test_same_name_with_a_different_post_is_not_merged(tmp_path: Path) -> None:
    assert person_merges(people(a) for a in _analyses(tmp_path, LONG, OTHER_POST)) == {}


def test_the_bundled_corpus_merges_romal_sinaga(dataset) -> None:  # type: ignore[no-untyped-def]
    romal = ID["person/romal-uli-jaya-sinaga"]
    assert (ID["person/romal-sinaga"], None, None) not in dataset
    assert any(True for _ in dataset.quads((romal, SKOS.altLabel, None, None)))

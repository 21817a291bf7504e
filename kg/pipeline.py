"""The whole pipeline: files → documents → normalised text → sentences → mentions → entities →
facts → RDF, for a corpus, into one Dataset with its named graphs kept apart:

- the ontology (`graph/ontology`),
- curated reference data from the lexicons (`graph/reference`),
- each document's extracted facts and their provenance (graph = the document's IRI), after
  people named differently in different documents are resolved to one IRI (`kg/resolution.py`),
- derived triples: the standard-vocabulary view and checks of figures (`graph/derived`).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path

from rdflib import Dataset

from kg import entities, iri
from kg.derive import derive
from kg.document import Document, read_document
from kg.errors import DocumentError
from kg.facts import Analysis, extract_facts
from kg.lexicon import load_lexicon
from kg.mentions import MentionFinder
from kg.rdf import DocumentWriter
from kg.reference import reference_graph
from kg.resolution import apply_merges, person_merges
from kg.text import normalise, split_sentences
from kg.validate import load_ontology
from kg.vocab import DERIVED_GRAPH, ONTOLOGY_GRAPH, PREFIXES, REFERENCE_GRAPH

DEFAULT_CORPUS = Path(__file__).resolve().parent.parent / "corpus"
TEXT_SUFFIXES = {".txt"}

_finder: MentionFinder | None = None


def finder() -> MentionFinder:
    """The mention finder compiles its lexicon patterns once per process."""
    global _finder
    if _finder is None:
        _finder = MentionFinder()
    return _finder


def collect_inputs(inputs: Sequence[Path]) -> list[Path]:
    """Files as given, folders searched recursively for text files; sorted for a stable order."""
    paths = list(inputs) or [DEFAULT_CORPUS]
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            found.extend(sorted(p for p in path.rglob("*") if p.suffix in TEXT_SUFFIXES and p.is_file()))
        elif path.is_file():
            found.append(path)
        else:
            raise DocumentError(f"no such file or folder: {path}")
    if not found:
        raise DocumentError(f"no text documents (*.txt) in {', '.join(map(str, paths))}")
    return found


def analyse(doc: Document) -> Analysis:
    """Run the stages up to facts on one document."""
    norm = normalise(doc.raw, doc.body_start)
    sentences = split_sentences(norm)
    if not sentences:
        raise DocumentError(f"{doc.path}: no sentences found")
    mentions = entities.resolve(finder().find(norm.text), norm.text)
    table = entities.entity_table(mentions)
    analysis = Analysis(doc, norm, sentences, mentions, table, load_lexicon())
    extract_facts(analysis)
    return analysis


def analyse_paths(paths: Iterable[Path]) -> list[Analysis]:
    analyses: list[Analysis] = []
    slugs: dict[str, Path] = {}
    for path in paths:
        doc = read_document(path)
        if doc.slug in slugs:
            raise DocumentError(f"{path} and {slugs[doc.slug]} would both be {iri.document(doc.slug)}")
        slugs[doc.slug] = path
        analyses.append(analyse(doc))
    return analyses


def build_dataset(inputs: Sequence[Path]) -> Dataset:
    """Everything the store holds, built from the given files and folders (default: the bundled corpus)."""
    dataset = Dataset()
    for prefix, namespace in PREFIXES.items():
        dataset.bind(prefix, namespace)
    ontology = load_ontology()
    onto_graph = dataset.graph(ONTOLOGY_GRAPH)
    for triple in ontology:
        onto_graph.add(triple)
    reference_graph(dataset.graph(REFERENCE_GRAPH))
    analyses = analyse_paths(collect_inputs(inputs))
    apply_merges(analyses, person_merges(analyses))
    for analysis in analyses:
        DocumentWriter(dataset, analysis).write()
    derived = dataset.graph(DERIVED_GRAPH)
    extracted = [(s, p, o) for s, p, o, g in dataset.quads((None, None, None, None)) if g not in (ONTOLOGY_GRAPH, DERIVED_GRAPH)]
    derive(extracted, ontology, derived)
    return dataset

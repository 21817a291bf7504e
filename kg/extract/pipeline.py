"""The whole pipeline: files → documents → normalised text → sentences → mentions → entities →
facts → RDF, for a corpus, into one Dataset with its named graphs kept apart:

- the ontology (`graph/ontology`),
- curated reference data from the lexicons (`graph/reference`),
- each document's extracted facts and their provenance (graph = the document's IRI), after
  people named differently in different documents are resolved to one IRI (`kg/resolution.py`),
- derived triples: the standard-vocabulary view and checks of figures (`graph/derived`).

`kemensos-kg build` writes the same graphs into the store a document at a time (`kg/build.py`);
`build_dataset` builds them in memory, for tests and tools that want an rdflib Dataset.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path

from rdflib import Dataset, Graph

from kg import entities, ingest, iri
from kg.cache import AnalysisCache
from kg.derive import derive
from kg.document import Document, read_document
from kg.errors import DocumentError
from kg.facts import Analysis, extract_facts
from kg.lexicon import load_lexicon
from kg.mentions import MentionFinder
from kg.ntriples import nquads, term
from kg.rdf import render
from kg.reference import reference_graph
from kg.resolution import apply_merges, people, person_merges
from kg.text import normalise, split_sentences
from kg.validate import load_ontology
from kg.vocab import DERIVED_GRAPH, ONTOLOGY_GRAPH, PREFIXES, REFERENCE_GRAPH

DEFAULT_CORPUS = Path(__file__).resolve().parent.parent / "corpus"
HTML_SUFFIXES = {".html", ".htm"}
INPUT_SUFFIXES = {".txt"} | HTML_SUFFIXES

_finder: MentionFinder | None = None


def finder() -> MentionFinder:
    """The mention finder compiles its lexicon patterns once per process."""
    global _finder
    if _finder is None:
        _finder = MentionFinder()
    return _finder


def collect_inputs(inputs: Sequence[str | Path], sources_dir: Path | None = None) -> list[Path]:
    """Text files as given; folders searched recursively for .txt and .html files; HTML files and
    http(s) URLs turned into text documents (kept, with the page, in `sources_dir`). Sorted per folder."""
    items = list(inputs) or [DEFAULT_CORPUS]
    found: list[Path] = []
    for item in items:
        if isinstance(item, str) and ingest.is_url(item):
            found.append(ingest.materialise(ingest.fetch(item), _sources(sources_dir)))
            continue
        path = Path(item)
        if path.is_dir():
            for child in sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in INPUT_SUFFIXES):
                found.append(_as_text(child, sources_dir))
        elif path.is_file():
            found.append(_as_text(path, sources_dir))
        else:
            raise DocumentError(f"no such file, folder or URL: {item}")
    if not found:
        raise DocumentError(f"no documents (*.txt, *.html) in {', '.join(map(str, items))}")
    return found


def _sources(sources_dir: Path | None) -> Path:
    if sources_dir is None:
        raise DocumentError("HTML pages and URLs need a folder to keep their text in (a store to build into)")
    return sources_dir


def _as_text(path: Path, sources_dir: Path | None) -> Path:
    return ingest.html_file_to_text(path, _sources(sources_dir)) if path.suffix.lower() in HTML_SUFFIXES else path


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


def analyse_paths(paths: Iterable[Path], cache: AnalysisCache | None = None) -> list[Analysis]:
    """Analyse each document, reusing the cached analysis of a document whose bytes are unchanged."""
    analyses: list[Analysis] = []
    slugs: dict[str, Path] = {}
    for path in paths:
        doc = read_document(path)
        if doc.slug in slugs:
            raise DocumentError(f"{path} and {slugs[doc.slug]} would both be {iri.document(doc.slug)}")
        slugs[doc.slug] = path
        raw = doc.raw.encode("utf-8")
        analysis = cache.get(raw) if cache else None
        if analysis is None:
            analysis = analyse(doc)
            if cache:
                cache.put(raw, analysis)
        analyses.append(analysis)
    if cache:
        cache.prune()
    return analyses


def build_dataset(inputs: Sequence[str | Path], sources_dir: Path | None = None,
                  cache: AnalysisCache | None = None) -> Dataset:
    """Everything the store holds, built in memory from the given files, folders and URLs (default:
    the bundled corpus); fetched pages are kept in `sources_dir`, analyses in `cache`.

    The whole corpus at once, derived over the union of its graphs: what `kg.build.build_store`
    writes a document at a time, for tests and tools that want an rdflib Dataset of a small corpus.
    """
    ontology = load_ontology()
    reference = [(term(s), term(p), term(o)) for s, p, o in reference_graph(Graph())]
    analyses = analyse_paths(collect_inputs(inputs, sources_dir), cache)
    apply_merges(analyses, person_merges(people(a) for a in analyses))
    parts = [nquads(((term(s), term(p), term(o)) for s, p, o in ontology), term(ONTOLOGY_GRAPH)),
             nquads(reference, term(REFERENCE_GRAPH))]
    extracted, derived = list(reference), set()
    for analysis in analyses:
        doc = render(analysis)
        parts.append(nquads(doc.triples, doc.graph))
        extracted.extend(doc.triples)
        derived |= doc.derived
    parts.append(nquads(derived | derive(extracted, ontology), term(DERIVED_GRAPH)))
    dataset = Dataset()
    for prefix, namespace in PREFIXES.items():
        dataset.bind(prefix, namespace)
    dataset.parse(data="".join(parts), format="nquads")
    return dataset

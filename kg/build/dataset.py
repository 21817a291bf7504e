"""A whole corpus built in memory into one rdflib Dataset, its named graphs kept apart:

- the ontology (`graph/ontology`),
- curated reference data from the lexicons (`graph/reference`),
- each document's extracted facts (graph = the document's IRI), after
  people named differently in different documents are resolved to one IRI (`kg.rdf.resolution`),
- derived triples: the standard-vocabulary view and checks of figures (`graph/derived`),
- every document's provenance record: assertions, sentences, mentions, selectors (the default graph,
  `kg.graph.records`).

`kemensos-kg build` writes the same graphs into the store a document at a time
(`kg.build.builder`); this is for tests and tools that want an rdflib Dataset of a small corpus.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path

from rdflib import Dataset, Graph

from kg.build.cache import AnalysisCache
from kg.build.inputs import collect_inputs
from kg.errors import DocumentError
from kg.extract.document import read_document
from kg.extract.facts import Analysis
from kg.extract.pipeline import analyse
from kg.graph import iri, records
from kg.graph.ntriples import nquads, term
from kg.graph.vocab import DERIVED_GRAPH, ONTOLOGY_GRAPH, PREFIXES, REFERENCE_GRAPH
from kg.rdf.derive import derive
from kg.rdf.render import render
from kg.rdf.resolution import apply_merges, people, person_merges
from kg.reference.graph import reference_graph
from kg.validate.shacl import load_ontology


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
    extracted, derived, record = list(reference), set(), []
    for analysis in analyses:
        doc = render(analysis)
        facts, own = records.split(doc.triples)
        parts.append(nquads(facts, doc.graph))
        record.extend(own)
        extracted.extend(doc.triples)
        derived |= doc.derived
    derived_facts, derived_record = records.split(derived | derive(extracted, ontology))
    parts.append(nquads(derived_facts, term(DERIVED_GRAPH)))
    dataset = Dataset()
    for prefix, namespace in PREFIXES.items():
        dataset.bind(prefix, namespace)
    dataset.parse(data="".join(parts), format="nquads")
    dataset.default_graph.parse(data=nquads([*record, *derived_record], None), format="nt")  # the records
    return dataset

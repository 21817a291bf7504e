#!/usr/bin/env python3
"""Extraction quality of the rule-based pipeline against hand-made gold annotations.

    .venv/bin/python bench/extraction_quality.py [--json] [--errors] [--no-merge] [--gold DIR] [STEM…]

For every gold file `bench/gold/<stem>.json` the named document is run through the pipeline
(`kg.extract.pipeline.analyse`), all gold documents together and, as `build_dataset` does, followed by the
cross-document person merges of `kg.rdf.resolution` (`--no-merge` skips them). The pipeline's facts are
mapped to the gold's fact types, both sides become sets of plain tuples, and every fact type is scored
with precision, recall and F1 per document and micro-averaged over the corpus.

Fact types and how the pipeline's triples map to them (document-local nodes — visits, quotes, figures,
directives, cooperations — are identified as described below, every other node by its entity key):

| fact type            | tuple                          | from the pipeline                                                |
|----------------------|--------------------------------|------------------------------------------------------------------|
| entity               | (key, class)                   | the document's entity table (`Analysis.entities`); class is the   |
|                      |                                | most specific one (Person, Ministry, Sentra, City, Program, …)    |
| entity_key (*)       | (key,)                         | the same, ignoring the class                                      |
| post                 | (person, role title, org)      | `P org:holds POST` + `POST org:postIn ORG`; the title is the      |
|                      |                                | post's `rdfs:label@id` less ", <organisation label>"; a title     |
|                      |                                | with no organisation (`schema:jobTitle`, rule                      |
|                      |                                | title-without-organisation) is (person, title, None)              |
| leader               | (visit, person)                | `kg:leader`                                                       |
| member               | (visit, person)                | `kg:member`                                                       |
| delegation_of        | (visit, org)                   | `kg:delegationOf`                                                 |
| visited              | (visit, org)                   | `kg:visited` (on any part of the document's visit)                |
| host                 | (visit, person)                | `kg:host`                                                         |
| host_at              | (person, org)                  | `V kg:host P` + `V kg:visited O`                                  |
| based_in             | (org, place)                   | `kg:basedIn`                                                      |
| unit_of              | (org, parent org)              | `org:unitOf`, `org:subOrganizationOf`                             |
| partner              | {org, org} (unordered)         | the `kg:partner`s of one `kg:Cooperation`, in the order stated:   |
|                      |                                | the first with each of the others ("X bekerja sama dengan Y, Z")  |
| cooperation_topic    | (org, topic)                   | `kg:topic` of a cooperation, once per partner                     |
| provider             | (programme, org)               | `schema:provider`                                                 |
| approach             | (programme, approach slug)     | `kg:approach` (the last segment of the approach's key)            |
| directive_issued_by  | (directive, person)            | `kg:issuedBy`                                                     |
| quote_speaker        | (quote, person)                | `kg:speaker`                                                      |
| number               | (figure, value)                | `schema:value` of a `kg:Statistic`                                |
| number_unit          | (figure, unit)                 | `schema:unitCode` (P1 → percent, IDR)                              |
| number_counts        | (figure, counted thing)        | `kg:counts`                                                       |
| number_qualifier     | (figure, qualifier)            | `kg:qualifier`                                                    |
| number_year          | (figure, year)                 | `kg:referenceYear`                                                |
| number_period        | (figure, period)               | `kg:period` (P1Y, P1D)                                            |
| number_of            | (figure, entity)               | `kg:statisticOf`                                                  |
| number_rupiah        | (figure, amount)               | `schema:value` of a figure whose unit code is IDR                 |

(*) diagnostic only, left out of the group and ALL rows.

Matching rules (strict):

- entity keys must be equal; so must classes for `entity`;
- "visit" stands for the document's visit or any part of it (a release reports at most one delegation);
- a document-local node (figure, quote, directive) is the gold item whose `context`/`anchor` — a verbatim
  snippet of the file, matched with any run of whitespace standing for any other (the files keep their
  hard line wraps), unique in the file — contains the node's character offset (the `c<offset>` of its
  key, an offset into the file as published); a node in no gold snippet is a false positive on every
  fact it has;
- numbers: equal as decimals (2,3 → 2.3; 3.000 → 3000); qualifiers, counted things, topics and role
  titles: equal after case-folding and collapsing whitespace; a role title or counted thing may also
  equal one of the `role_equivalents` / `counts_alternatives` that the gold file lists for that very
  post or figure (abbreviations such as Sekjen = Sekretaris Jenderal), never anything else;
- a gold item marked `"optional": true` (or a figure's facet listed in `optional_facets`) is a case the
  annotator found ambiguous: finding it is not rewarded, and not finding it is not penalised.

Precision = TP / (TP + FP), recall = TP / (TP + FN), F1 their harmonic mean; "—" where undefined.
Micro-averaging sums TP, FP and FN over documents (and over types in the group rows) before dividing.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import re
import sys
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.provenance import git_state, machine  # noqa: E402

GOLD_DIR = Path(__file__).resolve().parent / "gold"

ENTITY_TYPES = ("entity", "entity_key")
POST_TYPES = ("post",)
RELATION_TYPES = (
    "leader", "member", "delegation_of", "visited", "host", "host_at", "based_in", "unit_of", "partner",
    "cooperation_topic", "provider", "approach", "directive_issued_by", "quote_speaker",
)
NUMBER_TYPES = (
    "number", "number_unit", "number_counts", "number_qualifier", "number_year", "number_period", "number_of",
    "number_rupiah",
)
FACT_TYPES = ENTITY_TYPES + POST_TYPES + RELATION_TYPES + NUMBER_TYPES
DIAGNOSTIC = {"entity_key"}
GROUPS = {
    "entities": ("entity",),
    "posts": POST_TYPES,
    "relations": RELATION_TYPES,
    "numbers": NUMBER_TYPES,
}
VISIT_RELATIONS = ("leader", "member", "delegation_of", "visited", "host")
ANCHORED_RELATIONS = {"directive_issued_by": "d", "quote_speaker": "q"}
NUMBER_FACETS = {
    # gold field → fact type
    "value": "number", "unit": "number_unit", "counts": "number_counts", "qualifier": "number_qualifier",
    "reference_year": "number_year", "period": "number_period", "describes": "number_of", "rupiah": "number_rupiah",
}
UNIT_CODES = {"P1": "percent", "IDR": "IDR", "MYR": "MYR"}
ENTITY_PREFIXES = ("person", "org", "place", "program")

Fact = tuple[Any, ...]


# -- scoring -----------------------------------------------------------------------------------------------


@dataclass
class Score:
    """Counts of one comparison, with the facts behind them."""

    tp: int = 0
    fp: int = 0
    fn: int = 0
    gold: int = 0
    predicted: int = 0
    false_positives: list[Fact] = field(default_factory=list)
    false_negatives: list[Fact] = field(default_factory=list)

    @property
    def precision(self) -> float | None:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else None

    @property
    def recall(self) -> float | None:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else None

    @property
    def f1(self) -> float | None:
        p, r = self.precision, self.recall
        if p is None or r is None:
            return None
        return 2 * p * r / (p + r) if p + r else 0.0

    def __iadd__(self, other: "Score") -> "Score":
        self.tp += other.tp
        self.fp += other.fp
        self.fn += other.fn
        self.gold += other.gold
        self.predicted += other.predicted
        self.false_positives += other.false_positives
        self.false_negatives += other.false_negatives
        return self

    def as_dict(self, errors: bool = False) -> dict[str, Any]:
        out: dict[str, Any] = {
            "tp": self.tp, "fp": self.fp, "fn": self.fn, "gold": self.gold, "predicted": self.predicted,
            "precision": _round(self.precision), "recall": _round(self.recall), "f1": _round(self.f1),
        }
        if errors:
            out["false_positives"] = [_render(f) for f in self.false_positives]
            out["false_negatives"] = [_render(f) for f in self.false_negatives]
        return out


def score_facts(predicted: Iterable[Fact], gold: Iterable[Fact], optional: Iterable[Fact] = (),
                ignore: Callable[[Fact], bool] | None = None) -> Score:
    """Compare two sets of facts. A predicted fact equal to a required gold fact is a true positive; a
    required gold fact not predicted a false negative; any other predicted fact a false positive unless it
    equals an optional gold fact or `ignore` says it concerns an optional gold item."""
    pred, required, opt = set(predicted), set(gold), set(optional) - set(gold)
    tp = pred & required
    fn = required - pred
    fp = {f for f in pred - required - opt if not (ignore and ignore(f))}
    return Score(len(tp), len(fp), len(fn), len(required), len(pred),
                 sorted(fp, key=_sort_key), sorted(fn, key=_sort_key))


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 4)


def _sort_key(fact: Fact) -> str:
    return json.dumps(_render(fact), ensure_ascii=False)


def _render(fact: Fact) -> list[Any]:
    return [str(x) if isinstance(x, Decimal) else x for x in fact]


# -- text ---------------------------------------------------------------------------------------------------


def norm(text: str) -> str:
    """Case-folded, whitespace collapsed: how titles, counted things, topics and qualifiers are compared."""
    return " ".join(str(text).split()).casefold()


def locate(raw: str, snippet: str) -> list[tuple[int, int]]:
    """Spans of `snippet` in `raw`, where any run of whitespace matches any other."""
    tokens = snippet.split()
    if not tokens:
        return []
    pattern = r"\s+".join(re.escape(t) for t in tokens)
    return [(m.start(), m.end()) for m in re.finditer(pattern, raw)]


def number(value: Any) -> Decimal:
    return Decimal(str(value))


# -- gold ---------------------------------------------------------------------------------------------------


@dataclass
class Gold:
    """One gold file as sets of facts per type, with what is optional and the anchors of local nodes."""

    stem: str
    path: Path
    document: Path
    data: dict[str, Any]
    required: dict[str, set[Fact]] = field(default_factory=lambda: defaultdict(set))
    optional: dict[str, set[Fact]] = field(default_factory=lambda: defaultdict(set))
    optional_keys: set[str] = field(default_factory=set)          # entities
    optional_ids: set[str] = field(default_factory=set)           # whole figures, quotes, directives
    optional_facets: set[tuple[str, str]] = field(default_factory=set)  # (fact type, figure id)
    anchors: dict[str, list[tuple[str, int, int]]] = field(default_factory=lambda: defaultdict(list))  # kind → (id, start, end)
    posts: list[dict[str, Any]] = field(default_factory=list)
    counts_alternatives: dict[str, dict[str, str]] = field(default_factory=dict)  # figure id → {alt: canonical}

    def node_id(self, kind: str, offset: int, key: str) -> str:
        """The gold id of a document-local node at `offset`, or a unique id that no gold fact has."""
        for gold_id, start, end in self.anchors.get(kind, []):
            if start <= offset < end:
                return gold_id
        return f"unmatched:{key}"

    def ignore(self, fact_type: str) -> Callable[[Fact], bool]:
        def ignored(fact: Fact) -> bool:
            if fact_type in ENTITY_TYPES:
                return fact[0] in self.optional_keys
            if fact_type in NUMBER_TYPES or fact_type in ANCHORED_RELATIONS:
                return fact[0] in self.optional_ids or (fact_type, fact[0]) in self.optional_facets
            return False
        return ignored


class GoldError(ValueError):
    pass


def load_gold(path: Path) -> Gold:
    data = json.loads(path.read_text(encoding="utf-8"))
    document = ROOT / data["document"]
    raw = document.read_text(encoding="utf-8-sig")
    gold = Gold(path.stem, path, document, data)
    _gold_entities(gold)
    _gold_posts(gold)
    _gold_relations(gold, raw)
    _gold_numbers(gold, raw)
    return gold


def _put(gold: Gold, fact_type: str, fact: Fact, optional: bool) -> None:
    (gold.optional if optional else gold.required)[fact_type].add(fact)


def _gold_entities(gold: Gold) -> None:
    for item in gold.data.get("entities", []):
        cls = item.get("subtype") or item["type"]
        optional = bool(item.get("optional"))
        if optional:
            gold.optional_keys.add(item["key"])
        _put(gold, "entity", (item["key"], cls), optional)
        _put(gold, "entity_key", (item["key"],), optional)


def _gold_posts(gold: Gold) -> None:
    for item in gold.data.get("posts", []):
        gold.posts.append(item)
        _put(gold, "post", (item["person"], norm(item["role"]), item["organisation"]), bool(item.get("optional")))


def _anchor(gold: Gold, raw: str, kind: str, gold_id: str, snippet: str) -> None:
    spans = locate(raw, snippet)
    if len(spans) != 1:
        raise GoldError(f"{gold.path.name}: {kind} {gold_id}: {snippet!r} occurs {len(spans)} times in {gold.document.name}, not once")
    gold.anchors[kind].append((gold_id, *spans[0]))


def _gold_relations(gold: Gold, raw: str) -> None:
    counters: dict[str, int] = defaultdict(int)
    for item in gold.data.get("relations", []):
        rel = item["relation"]
        optional = bool(item.get("optional"))
        if rel in ANCHORED_RELATIONS:
            counters[rel] += 1
            gold_id = f"{ANCHORED_RELATIONS[rel]}{counters[rel]}"
            _anchor(gold, raw, "quote" if rel == "quote_speaker" else "directive", gold_id, item["anchor"])
            if optional:
                gold.optional_ids.add(gold_id)
            _put(gold, rel, (gold_id, item["object"]), optional)
        elif rel == "partner":
            _put(gold, rel, tuple(sorted((item["subject"], item["object"]))), optional)
        elif rel == "cooperation_topic":
            _put(gold, rel, (item["subject"], norm(item["object"])), optional)
        elif rel == "approach":
            from kg.graph.iri import slugify
            _put(gold, rel, (item["subject"], slugify(item["object"])), optional)
        elif rel in RELATION_TYPES:
            _put(gold, rel, (item["subject"], item["object"]), optional)
        else:
            raise GoldError(f"{gold.path.name}: unknown relation {rel!r}")


def _gold_numbers(gold: Gold, raw: str) -> None:
    for item in gold.data.get("numbers", []):
        gold_id = item["id"]
        _anchor(gold, raw, "statistic", gold_id, item["context"])
        optional = bool(item.get("optional"))
        if optional:
            gold.optional_ids.add(gold_id)
        facets = set(item.get("optional_facets", []))
        for facet in facets:
            gold.optional_facets.add((NUMBER_FACETS[facet], gold_id))
        alternatives = {norm(a): norm(item["counts"]) for a in item.get("counts_alternatives", [])}
        gold.counts_alternatives[gold_id] = alternatives
        for name, fact_type in NUMBER_FACETS.items():
            value = item.get(name)
            if value is None:
                continue
            if name in ("value", "rupiah"):
                value = number(value)
            elif name == "reference_year":
                value = int(value)
            elif name in ("counts", "qualifier"):
                value = norm(value)
            _put(gold, fact_type, (gold_id, value), optional or name in facets)


# -- pipeline -----------------------------------------------------------------------------------------------


def analyse_documents(paths: list[Path], merge: bool = True) -> dict[Path, Any]:
    """Run the pipeline as the build does: every document, then the cross-document person merges."""
    from kg.build.dataset import analyse_paths
    analyses = analyse_paths(paths)
    if merge:
        from kg.rdf.resolution import apply_merges, people, person_merges
        apply_merges(analyses, person_merges(people(a) for a in analyses))
    return {a.doc.path: a for a in analyses}


def reference_facts() -> list[tuple[Any, Any, Any]]:
    """The curated reference graph (lexicons), as the build writes it into `graph/reference`."""
    from rdflib import Graph

    from kg.reference.graph import reference_graph
    return list(reference_graph(Graph()))


def pipeline_facts(analysis: Any, gold: Gold, reference: list[tuple[Any, Any, Any]] | None = None
                   ) -> tuple[dict[str, set[Fact]], dict[tuple[str, Fact], set[str]]]:
    """The analysis' facts as tuples of the gold's fact types, and the rules that gave each one.

    With `reference`, the reference graph's org:unitOf / org:subOrganizationOf / kg:basedIn /
    schema:provider triples about entities of this document count as predicted too (rule
    "reference-graph"): what a query over the built graph sees, although no sentence states them."""
    from kg.graph.vocab import ID, KG, ORG, RDF, RDFS, SDO

    base = str(ID)
    out: dict[str, set[Fact]] = defaultdict(set)
    rules: dict[tuple[str, Fact], set[str]] = defaultdict(set)

    def key(term: Any) -> str:
        text = str(term)
        return text[len(base):] if text.startswith(base) else text

    def add(fact_type: str, fact: Fact, rule: str) -> None:
        out[fact_type].add(fact)
        rules[(fact_type, fact)].add(rule)

    def offset(node_key: str) -> int:
        match = re.search(r"/c(\d+)$", node_key)
        return int(match.group(1)) if match else -1

    facts = analysis.facts
    by_sp: dict[tuple[str, Any], list[Any]] = defaultdict(list)
    for f in facts:
        by_sp[(key(f.s), f.p)].append(f)

    def objects(subject: str, predicate: Any) -> list[Any]:
        return [f.o for f in by_sp.get((subject, predicate), [])]

    # entities: the release's entity table, and anything the release's facts type as a person,
    # organisation, place or programme (the entity table already holds them all today)
    kinds: dict[str, str] = {}
    for k, entity in analysis.entities.items():
        if k.split("/", 1)[0] in ENTITY_PREFIXES:
            kinds[k] = entity.kind
    for f in facts:
        s = key(f.s)
        if f.p == RDF.type and s.split("/", 1)[0] in ENTITY_PREFIXES and str(f.o).startswith(str(KG)):
            kinds.setdefault(s, str(f.o)[len(str(KG)):])
    for k, kind in kinds.items():
        add("entity", (k, kind), "entity-table")
        add("entity_key", (k,), "entity-table")

    # posts
    labels = {}
    for f in facts:
        if f.p == RDFS.label and getattr(f.o, "language", None) == "id":
            labels.setdefault(key(f.s), []).append(str(f.o))
    for f in facts:
        if f.p == ORG.holds:
            person, post = key(f.s), key(f.o)
            for org in {key(o) for o in objects(post, ORG.postIn)}:
                org_label = analysis.entities[org].label if org in analysis.entities else org.split("/", 1)[1]
                for label in labels.get(post, []):
                    title = label[: -len(", " + org_label)] if label.endswith(", " + org_label) else label.rsplit(", ", 1)[0]
                    add("post", (person, _canonical_role(gold, person, title, org), org), f.rule)
        elif f.p == SDO.jobTitle and f.rule == "title-without-organisation":
            person = key(f.s)
            add("post", (person, _canonical_role(gold, person, str(f.o), None), None), f.rule)

    # visits
    predicates = {"leader": KG.leader, "member": KG.member, "delegation_of": KG.delegationOf, "visited": KG.visited, "host": KG.host}
    for name, predicate in predicates.items():
        for f in facts:
            if f.p == predicate and key(f.s).startswith("visit/"):
                add(name, ("visit", key(f.o)), f.rule)
    for f in facts:
        if f.p == KG.host:
            for org in objects(key(f.s), KG.visited):
                add("host_at", (key(f.o), key(org)), f.rule)

    # organisations
    for f in facts:
        if f.p == KG.basedIn:
            add("based_in", (key(f.s), key(f.o)), f.rule)
        elif f.p in (ORG.unitOf, ORG.subOrganizationOf):
            add("unit_of", (key(f.s), key(f.o)), f.rule)

    if reference is not None:
        mentioned = set(kinds)
        for s, p, o in reference:
            if key(s) not in mentioned:
                continue
            if p == KG.basedIn:
                add("based_in", (key(s), key(o)), "reference-graph")
            elif p in (ORG.unitOf, ORG.subOrganizationOf):
                add("unit_of", (key(s), key(o)), "reference-graph")
            elif p == SDO.provider:
                add("provider", (key(s), key(o)), "reference-graph")

    # cooperation
    partners: dict[str, list[str]] = defaultdict(list)
    topics: dict[str, list[str]] = defaultdict(list)
    for f in facts:
        if f.p == KG.partner and key(f.o) not in partners[key(f.s)]:
            partners[key(f.s)].append(key(f.o))
        elif f.p == KG.topic:
            topics[key(f.s)].append(str(f.o))
    for node, orgs in partners.items():
        for other in orgs[1:]:
            add("partner", tuple(sorted((orgs[0], other))), "cooperation-partner")
        for topic in topics.get(node, []):
            for org in orgs:
                add("cooperation_topic", (org, norm(topic)), "cooperation-topic")

    # programmes
    for f in facts:
        if f.p == SDO.provider:
            add("provider", (key(f.s), key(f.o)), f.rule)
        elif f.p == KG.approach:
            add("approach", (key(f.s), key(f.o).rsplit("/", 1)[-1]), f.rule)
        elif f.p == KG.issuedBy:
            node = key(f.s)
            add("directive_issued_by", (gold.node_id("directive", offset(node), node), key(f.o)), f.rule)
        elif f.p == KG.speaker:
            node = key(f.s)
            add("quote_speaker", (gold.node_id("quote", offset(node), node), key(f.o)), f.rule)

    # figures
    statistics = {key(f.s) for f in facts if f.p == RDF.type and f.o == KG.Statistic}
    for node in sorted(statistics):
        gid = gold.node_id("statistic", offset(node), node)
        units = [UNIT_CODES.get(str(o), str(o)) for o in objects(node, SDO.unitCode)]
        for f in by_sp.get((node, SDO.value), []):
            add("number", (gid, number(f.o)), f.rule)
            if "IDR" in units:
                add("number_rupiah", (gid, number(f.o)), f.rule)
        for unit in units:
            add("number_unit", (gid, unit), "figure-unit-code")
        for f in by_sp.get((node, KG.counts), []):
            counted = norm(str(f.o))
            counted = gold.counts_alternatives.get(gid, {}).get(counted, counted)
            add("number_counts", (gid, counted), f.rule)
        for f in by_sp.get((node, KG.qualifier), []):
            add("number_qualifier", (gid, norm(str(f.o))), f.rule)
        for f in by_sp.get((node, KG.referenceYear), []):
            add("number_year", (gid, int(str(f.o))), f.rule)
        for f in by_sp.get((node, KG.period), []):
            add("number_period", (gid, str(f.o)), f.rule)
        for f in by_sp.get((node, KG.statisticOf), []):
            add("number_of", (gid, key(f.o)), f.rule)
    return out, rules


def _canonical_role(gold: Gold, person: str, title: str, org: str | None) -> str:
    """A title the gold lists as equivalent for this person's post in this organisation is that post's title."""
    title_n = norm(title)
    for post in gold.posts:
        if post["person"] == person and post["organisation"] == org:
            forms = {norm(post["role"])} | {norm(e) for e in post.get("role_equivalents", [])}
            if title_n in forms:
                return norm(post["role"])
    return title_n


# -- evaluation ---------------------------------------------------------------------------------------------


@dataclass
class DocumentResult:
    stem: str
    document: str
    scores: dict[str, Score]
    rules: dict[tuple[str, Fact], set[str]]


def score_document(gold: Gold, analysis: Any, reference: list[tuple[Any, Any, Any]] | None = None) -> DocumentResult:
    """Score one analysis (anything with `.facts` and `.entities`) against its gold file."""
    predicted, rules = pipeline_facts(analysis, gold, reference)
    scores = {t: score_facts(predicted.get(t, set()), gold.required.get(t, set()), gold.optional.get(t, set()), gold.ignore(t))
              for t in FACT_TYPES}
    try:
        document = str(gold.document.relative_to(ROOT))
    except ValueError:
        document = str(gold.document)
    return DocumentResult(gold.stem, document, scores, rules)


def evaluate(golds: list[Gold], merge: bool = True, reference: bool = False) -> list[DocumentResult]:
    analyses = analyse_documents([g.document for g in golds], merge=merge)
    ref = reference_facts() if reference else None
    return [score_document(gold, analyses[gold.document], ref) for gold in golds]


def total(scores: Iterable[Score]) -> Score:
    out = Score()
    for s in scores:
        out += s
    return out


def corpus_scores(results: list[DocumentResult]) -> dict[str, Score]:
    per_type = {t: total(r.scores[t] for r in results) for t in FACT_TYPES}
    groups = {name: total(per_type[t] for t in types) for name, types in GROUPS.items()}
    groups["ALL"] = total(per_type[t] for t in FACT_TYPES if t not in DIAGNOSTIC)
    return {**per_type, **{f"[{k}]": v for k, v in groups.items()}}


#: releases whose gold was written before any rule was changed for them (corpus/dev2): the rest shaped the rules
UNSEEN_FOLDER = "corpus/dev2/"


def split_of(result: DocumentResult) -> str:
    return "unseen (dev2)" if result.document.startswith(UNSEEN_FOLDER) else "shaped the rules"


def split_scores(results: list[DocumentResult]) -> dict[str, dict[str, Score]]:
    """Per split, the corpus scores of its releases: the spread between them is what rules tuned to
    their releases cost on new text."""
    splits: dict[str, list[DocumentResult]] = defaultdict(list)
    for r in results:
        splits[split_of(r)].append(r)
    return {name: corpus_scores(rs) for name, rs in sorted(splits.items())}


def document_scores(result: DocumentResult) -> Score:
    return total(s for t, s in result.scores.items() if t not in DIAGNOSTIC)


# -- output -------------------------------------------------------------------------------------------------


def _minus(a: float | None, b: float | None) -> float | None:
    return None if a is None or b is None else a - b


def _fmt(value: float | None) -> str:
    return "—" if value is None else f"{value:.3f}"


def table(rows: list[tuple[str, Score]], head: str) -> str:
    width = max(len(head), *(len(name) for name, _ in rows))
    lines = [f"{head:<{width}}  {'gold':>5} {'pred':>5} {'TP':>4} {'FP':>4} {'FN':>4}  {'P':>6} {'R':>6} {'F1':>6}"]
    lines.append("-" * len(lines[0]))
    for name, s in rows:
        if name.startswith("[") and not lines[-1].startswith("-"):
            lines.append("-" * len(lines[0]))
        lines.append(f"{name:<{width}}  {s.gold:>5} {s.predicted:>5} {s.tp:>4} {s.fp:>4} {s.fn:>4}  "
                     f"{_fmt(s.precision):>6} {_fmt(s.recall):>6} {_fmt(s.f1):>6}")
    return "\n".join(lines)


def errors_text(results: list[DocumentResult]) -> str:
    out = []
    for r in results:
        out.append(f"== {r.document}")
        for t in FACT_TYPES:
            if t in DIAGNOSTIC:
                continue
            s = r.scores[t]
            for fact in s.false_negatives:
                out.append(f"  FN {t:<20} {_render(fact)}")
            for fact in s.false_positives:
                rules = ", ".join(sorted(r.rules.get((t, fact), set())))
                out.append(f"  FP {t:<20} {_render(fact)}  [rule: {rules}]")
    return "\n".join(out)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("stems", nargs="*", help="gold files to use (file stems); default: all")
    parser.add_argument("--gold", type=Path, default=GOLD_DIR, help="folder of gold files (default: bench/gold)")
    parser.add_argument("--json", action="store_true", help="print JSON instead of tables")
    parser.add_argument("--errors", action="store_true", help="list false positives and false negatives")
    parser.add_argument("--no-merge", action="store_true", help="skip the cross-document person merges of the build")
    parser.add_argument("--reference", action="store_true",
                        help="count the reference graph's unitOf/basedIn/provider triples about the document's entities as predicted")
    args = parser.parse_args(argv)

    paths = sorted(args.gold.glob("*.json"))
    if args.stems:
        paths = [p for p in paths if p.stem in set(args.stems)]
        missing = set(args.stems) - {p.stem for p in paths}
        if missing:
            parser.error(f"no gold file for {', '.join(sorted(missing))}")
    if not paths:
        parser.error(f"no gold files in {args.gold}")
    golds = [load_gold(p) for p in paths]
    results = evaluate(golds, merge=not args.no_merge, reference=args.reference)
    corpus = corpus_scores(results)
    stamp = {"date": dt.date.today().isoformat(), "machine": machine(), "git": git_state(), "merge": not args.no_merge,
             "reference": args.reference}

    if args.json:
        payload = {
            **stamp,
            "corpus": {t: s.as_dict(args.errors) for t, s in corpus.items()},
            "splits": {name: {g: s.as_dict() for g, s in scores.items() if g.startswith("[")}
                       for name, scores in split_scores(results).items()},
            "documents": {
                r.stem: {"document": r.document, "all": document_scores(r).as_dict(),
                         "types": {t: s.as_dict(args.errors) for t, s in r.scores.items()}}
                for r in results
            },
        }
        print(json.dumps(payload, ensure_ascii=False, indent=2))
        return 0

    print(f"Extraction quality, {stamp['date']}, {stamp['machine']}, code at {stamp['git']}; {len(results)} gold documents; "
          f"cross-document merges {'on' if stamp['merge'] else 'off'}; "
          f"reference-graph facts {'counted' if stamp['reference'] else 'not counted'}\n")
    rows = [(t, corpus[t]) for t in FACT_TYPES] + [(f"[{g}]", corpus[f"[{g}]"]) for g in (*GROUPS, "ALL")]
    print(table(rows, "fact type (corpus micro)"))
    print()
    print(table([(r.stem, document_scores(r)) for r in results] + [("[ALL]", corpus["[ALL]"])], "document (all types micro)"))
    print()
    splits = split_scores(results)
    rows = [(f"{name} {g}", scores[f"[{g}]"]) for name, scores in splits.items() for g in (*GROUPS, "ALL")]
    print(table(rows, "split × group (micro)"))
    if len(splits) == 2:
        (_, a), (_, b) = sorted(splits.items())
        spread = [(g, a[f"[{g}]"], b[f"[{g}]"]) for g in (*GROUPS, "ALL")]
        print("spread (shaped − unseen):  " + "  ".join(
            f"{g} P {_fmt(_minus(x.precision, y.precision))} R {_fmt(_minus(x.recall, y.recall))}" for g, x, y in spread))
    print()
    group_rows = []
    for r in results:
        cells = []
        for g, types in GROUPS.items():
            cells.append(_fmt(total(r.scores[t] for t in types).f1))
        group_rows.append((r.stem, cells))
    width = max(len("document F1 by group"), *(len(n) for n, _ in group_rows))
    print(f"{'document F1 by group':<{width}}  " + " ".join(f"{g:>9}" for g in GROUPS))
    for name, cells in group_rows:
        print(f"{name:<{width}}  " + " ".join(f"{c:>9}" for c in cells))
    if args.errors:
        print()
        print(errors_text(results))
    return 0


if __name__ == "__main__":
    sys.exit(main())

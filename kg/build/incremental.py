"""What a build may keep of the current generation: when all that changed is new releases, the new
generation is a copy of the current one (RocksDB hard links) with the new releases' quads added, and only
they are rendered, validated and written.

A release's quads depend on its analysis and on what the releases say together: the people merged across
releases, the organisation of each post, the shared graphs (ontology, reference data and what is derived
from them). So each build leaves a `BuildState` beside the store: the generation it wrote, the code that
wrote it, each release's analysis key and survey, and that context. The next build extends the generation
when (1) it is still current and the code is the same, (2) every release it holds is given again with the
same bytes, (3) the shared graphs and the shapes are the same and (4) the merges and the posts'
organisations are the same for every person and post those releases name; otherwise it builds from scratch. Adding removes nothing:
a release's graph is its own, and the derived, records and merged graphs are unions, so the copy plus the
new quads is what a build from scratch writes (`tests/test_incremental.py` compares them quad by quad).
The releases kept need no survey either: theirs is read back from the state, not from their analyses.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pyoxigraph import NamedNode, Store

from kg.build.survey import Survey
from kg.graph.ntriples import Triple
from kg.rdf.resolution import People
from kg.store.leftovers import temporary_file
from kg.store.merged import MERGED_GRAPH

STATE_FILE = "build-state.json"


def shared_digest(shared_quads: bytes, shapes: str) -> str:
    """A digest of the shared graphs' N-Quads (in any order) and of the shapes (`shapes`, their digest): what
    validated every document besides its own quads."""
    return hashlib.sha256(b"\n".join([shapes.encode("ascii"), *sorted(shared_quads.splitlines())])).hexdigest()


@dataclass(frozen=True)
class Kept:
    """A release of the current generation as the state remembers it."""

    key: str
    people: People
    posts: tuple[tuple[str, str], ...]
    organisations: tuple[str, ...]

    def survey(self, path: Path, slug: str) -> Survey:
        return Survey(path, slug, self.key, False, self.people, self.posts, self.organisations)


@dataclass(frozen=True)
class BuildState:
    generation: str  # what `current` pointed at once the build was done
    pipeline: str  # `kg.build.cache.pipeline_fingerprint` of the code that built it
    shared: str  # `shared_digest` of its shared graphs and shapes
    merges: dict[str, str]
    post_org: dict[str, str]
    releases: dict[str, Kept]  # slug → what it was built from
    quads: int  # in the generation's dataset (`kg.store.generations.StoreSummary`)
    graphs: int

    def surveys_by_key(self) -> dict[str, Kept]:
        return {kept.key: kept for kept in self.releases.values()}

    def additions(self, surveys: list[Survey], merges: dict[str, str], post_org: dict[str, str],
                  shared: str, pipeline: str, generation: str) -> list[Survey] | None:
        """The surveys this generation lacks, if a copy of it plus them is what a build from scratch writes;
        None if the build must start from scratch."""
        if generation != self.generation or pipeline != self.pipeline or shared != self.shared:
            return None
        given = {s.slug: s for s in surveys}
        if any(slug not in given or given[slug].key != kept.key for slug, kept in self.releases.items()):
            return None  # a release removed or changed
        people = {key for kept in self.releases.values() for key, _ in kept.people.names}
        if any(merges.get(key) != self.merges.get(key) for key in people):
            return None
        posts = {f"<{post}>" for kept in self.releases.values() for _, post in kept.people.posts}
        posts.update(post for kept in self.releases.values() for post, _ in kept.posts)
        if any(post_org.get(post) != self.post_org.get(post) for post in posts):
            return None
        return [s for s in surveys if s.slug not in self.releases]

    def save(self, folder: Path) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        data = {"generation": self.generation, "pipeline": self.pipeline, "shared": self.shared,
                "merges": self.merges, "post_org": self.post_org, "quads": self.quads, "graphs": self.graphs,
                "releases": {slug: [k.key, k.people.names, k.people.posts, k.posts, k.organisations]
                             for slug, k in self.releases.items()}}
        with temporary_file(folder / STATE_FILE) as handle:
            handle.write(json.dumps(data, separators=(",", ":")).encode("utf-8"))

    @staticmethod
    def load(folder: Path) -> BuildState | None:
        """The state the last build left, or None (none, or unreadable: the next build starts from scratch)."""
        try:
            data: dict[str, Any] = json.loads((folder / STATE_FILE).read_text(encoding="utf-8"))
            releases = {slug: Kept(key, People(_pairs(names), _pairs(held)), _pairs(posts), tuple(orgs))
                        for slug, (key, names, held, posts, orgs) in data["releases"].items()}
            return BuildState(data["generation"], data["pipeline"], data["shared"], data["merges"], data["post_org"],
                              releases, int(data["quads"]), int(data["graphs"]))
        except (OSError, ValueError, KeyError, TypeError):
            return None

    @staticmethod
    def clear(folder: Path) -> None:
        """Forget the state (before a build that does not leave one, so no later build trusts a stale one)."""
        (folder / STATE_FILE).unlink(missing_ok=True)


def _pairs(items: Iterable[list[str]]) -> tuple[tuple[str, str], ...]:
    return tuple((a, b) for a, b in items)


def described(store: Store, nodes: Iterable[str], predicates: frozenset[str]) -> list[Triple]:
    """What the merged default graph of `store` says about `nodes` (N-Triples IRIs) and about the nodes they
    point to, with the predicates the shapes read: the shared nodes new releases describe are checked against
    this and what the new releases say, as a build from scratch checks them against every release."""
    found: list[Triple] = []
    seen: set[str] = set()
    frontier = [n for n in nodes if n.startswith("<")]
    for hop in range(2):
        following: list[str] = []
        for node in frontier:
            if node in seen:
                continue
            seen.add(node)
            for quad in store.quads_for_pattern(NamedNode(node[1:-1]), None, None, MERGED_GRAPH):
                p, o = str(quad.predicate), str(quad.object)
                if p in predicates:
                    found.append((node, p, o))
                    if hop == 0 and isinstance(quad.object, NamedNode):
                        following.append(o)
        frontier = following
    return found


__all__ = ["BuildState", "Kept", "STATE_FILE", "described", "shared_digest"]

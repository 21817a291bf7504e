"""Triples by subject and predicate: the data side of the build's shape evaluator.

Why it exists: a build checks one release at a time, each over the same ontology and reference
graphs; those are indexed once and every release's index reads through to them instead of copying
them, and the rdfs:subClassOf closure that sh:class needs is computed once for the whole build.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from rdflib.namespace import RDF, RDFS

from kg.graph.ntriples import Triple, term

TYPE, SUBCLASS = term(RDF.type), term(RDFS.subClassOf)

_NONE: tuple[str, ...] = ()


class TripleIndex:
    """Triples by subject and predicate, over an optional shared base (the ontology and reference
    graphs, indexed once) that is read through, never copied. `predicates`, when given, keeps only
    the triples the shapes read."""

    def __init__(self, triples: Iterable[Triple], base: TripleIndex | None = None,
                 predicates: frozenset[str] | None = None) -> None:
        if base is not None and base.base is not None:
            raise ValueError("a base cannot itself have a base")
        self.base = base
        spo: dict[str, dict[str, list[str]]] = {}
        for s, p, o in triples:
            if predicates is not None and p not in predicates:
                continue
            by_p = spo.get(s)
            if by_p is None:
                spo[s] = {p: [o]}
            else:
                values = by_p.get(p)
                if values is None:
                    by_p[p] = [o]
                elif o not in values:
                    values.append(o)
        self.spo = spo
        self._supers: dict[str, frozenset[str]] = {}
        self._instances: dict[tuple[str, str], bool] = {}

    def objects(self, s: str, p: str) -> Sequence[str]:
        """The objects of (s, p): read-only."""
        by_p = self.spo.get(s)
        mine = by_p.get(p, _NONE) if by_p is not None else _NONE
        if self.base is None:
            return mine
        by_p = self.base.spo.get(s)
        theirs = by_p.get(p, _NONE) if by_p is not None else _NONE
        if not theirs:
            return mine
        if not mine:
            return theirs
        return list(dict.fromkeys([*theirs, *mine]))

    def superclasses(self, cls: str) -> frozenset[str]:
        """`cls` and every class it is an rdfs:subClassOf of, transitively. The class hierarchy is the
        base's (the ontology), so a view over a base shares its cache."""
        if self.base is not None:
            return self.base.superclasses(cls)
        found = self._supers.get(cls)
        if found is None:
            seen, stack = {cls}, [cls]
            while stack:
                for sup in self.objects(stack.pop(), SUBCLASS):
                    if sup not in seen:
                        seen.add(sup)
                        stack.append(sup)
            found = self._supers[cls] = frozenset(seen)
        return found

    def is_instance(self, node: str, cls: str) -> bool:
        """Whether `node` is a SHACL instance of `cls` (asked of the same sentence by many assertions)."""
        found = self._instances.get((node, cls))
        if found is None:
            found = self._instances[node, cls] = any(cls in self.superclasses(t) for t in self.objects(node, TYPE))
        return found

"""Whether a query can read the provenance records the in-memory copy leaves out, from its text.

The records (`kg.graph.records`, the default graph) are five sixths of a built store, and only queries
about where a fact comes from read most of it. The serving copy (`kg.store.snapshot`) holds every other graph and the
records' links; a query that may read another record triple is answered from the disk store.

A triple pattern can match a record triple left out only if its predicate is one of theirs (for `rdf:type`:
a class of theirs), or a variable, or a negated property set; `?x a ?class` may type a record node; a path
that can take zero steps between two variables reaches every node, record nodes too, unless a pattern of
the same group needs one of its ends in a fact triple; `GRAPH ?g {}` lists every graph; an IRI minted under
a release names a record node; DESCRIBE describes whatever it is given. The walk below follows the triple
patterns of the query (`{}` groups, `;` and `,` lists, `[]` and `()` nodes, property paths, FILTER/BIND
expressions with their EXISTS groups, VALUES, subqueries) and answers True on any of those, and on anything
it does not follow: a wrong True only costs speed.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from kg.graph.records import RecordTerms
from kg.graph.vocab import RDF
from kg.query.sparql_scan import Token, expand, iri_of, tokens

_TYPE = str(RDF.type)
_TERMS = frozenset({"iri", "pname", "var", "bnode", "string", "long_string", "number"})
_LITERAL_TAIL = frozenset({"langtag"})
_GROUP_WORDS = frozenset({"optional", "minus", "union", "silent"})
_EXPRESSION_WORDS = frozenset({"filter", "bind"})
_MODIFIERS = frozenset({"*", "+", "?"})


class _Reaches(Exception):
    """Raised as soon as the walk finds a way into the records."""


@dataclass
class _Frame:
    kind: str  # pattern, node ([ ]), list (( )), expression, clause, values
    state: str = "S"  # in a pattern or node: S subject, V verb, O object, A after an object
    depth: int = 0  # parentheses of an expression, braces of a VALUES block
    subject_open: bool = False  # the subject is a variable or a blank node
    subject_var: str = ""  # its name, when it is a variable
    verb_type: bool = False  # the verb is rdf:type alone
    verb_zeroable: bool = False  # the verb is a path that may take zero steps
    after: str = ""  # the parent's state once this node or list closes
    empty: bool = True  # a pattern frame in which no triple was read yet
    named_by_var: bool = False  # a pattern frame that GRAPH ?g opened
    anchored: set[str] = field(default_factory=set)  # variables a pattern of the group needs in a fact triple
    zero_steps: list[tuple[str, str]] = field(default_factory=list)  # ends of zero-step paths ("": not a variable)


@dataclass
class _Walk:
    terms: RecordTerms
    prefixes: dict[str, str]
    base: str | None
    frames: list[_Frame] = field(default_factory=lambda: [_Frame("clause")])
    pending_graph: bool = False  # GRAPH or SERVICE read: its name comes next
    pending_var_graph: bool = False

    # -- terms ---------------------------------------------------------------------------------

    def iri(self, token: Token) -> str | None:
        if token.kind == "iri":
            return iri_of(token, self.base)
        if token.kind == "pname":
            return expand(token.text, self.prefixes)
        return None

    def check(self, token: Token) -> None:
        """Any IRI of the query that names a record term or node reaches the records, wherever it is."""
        if token.kind in ("iri", "pname"):
            iri = self.iri(token)
            if iri is None or self.terms.names_a_record(iri):
                raise _Reaches

    # -- the walk ------------------------------------------------------------------------------

    def run(self, found: list[Token]) -> None:
        i = 0
        while i < len(found):
            token = found[i]
            word = token.text.lower() if token.kind == "word" else ""
            if word in ("prefix", "base") and self.frames[-1].kind == "clause":
                i = self.declaration(found, i, word)
                continue
            self.check(token)
            if word == "describe":
                raise _Reaches
            i = self.step(found, i, token, word)

    def declaration(self, found: list[Token], i: int, word: str) -> int:
        if word == "prefix":
            if i + 2 >= len(found) or found[i + 1].kind != "pname" or found[i + 2].kind != "iri":
                raise _Reaches
            self.prefixes[found[i + 1].text[:-1]] = iri_of(found[i + 2], self.base)
            return i + 3
        if i + 1 >= len(found) or found[i + 1].kind != "iri":
            raise _Reaches
        self.base = iri_of(found[i + 1], self.base)
        return i + 2

    def step(self, found: list[Token], i: int, token: Token, word: str) -> int:
        frame = self.frames[-1]
        if frame.kind == "values":
            self.values(frame, token)
            return i + 1
        if frame.kind in ("clause", "expression"):
            self.outside_patterns(frame, token, word)
            return i + 1
        return self.in_pattern(found, i, frame, token, word)

    def values(self, frame: _Frame, token: Token) -> None:
        if token.text == "{":
            frame.depth += 1
        elif token.text == "}":
            frame.depth -= 1
            if frame.depth == 0:
                self.close()

    def outside_patterns(self, frame: _Frame, token: Token, word: str) -> None:
        """A query's clauses (SELECT, FROM, ORDER BY …) and expressions: only groups matter."""
        text = token.text
        if text == "{":
            self.frames.append(_Frame("pattern"))
        elif text == "(":
            if frame.kind == "clause":
                self.frames.append(_Frame("expression", depth=1))
            else:
                frame.depth += 1
        elif text == ")":
            frame.depth -= 1
            if frame.kind == "expression" and frame.depth == 0:
                self.close()
        elif text == "}":
            if frame.kind != "clause" or len(self.frames) == 1:
                raise _Reaches
            self.close()  # a subquery's clauses end with the group around it
            self.close_pattern()
        elif word == "values" and frame.kind == "clause":
            self.frames.append(_Frame("values"))

    def close(self) -> _Frame:
        frame = self.frames.pop()
        if not self.frames:
            raise _Reaches
        return frame

    def close_pattern(self) -> None:
        frame = self.frames[-1]
        if frame.kind != "pattern":
            raise _Reaches
        if frame.named_by_var and frame.empty:
            raise _Reaches  # GRAPH ?g {}: every graph
        for ends in frame.zero_steps:  # every node, unless a pattern joined to the path needs a fact's node
            if not frame.anchored.intersection(ends):
                raise _Reaches
        self.close()
        parent = self.frames[-1]
        if parent.kind == "pattern":
            parent.state = "S"
        elif parent.kind == "expression" and parent.depth == 0:
            self.close()  # FILTER EXISTS { … }
            self.frames[-1].state = "S"

    def in_pattern(self, found: list[Token], i: int, frame: _Frame, token: Token, word: str) -> int:
        text, kind = token.text, token.kind
        if frame.state == "V":
            if kind == "var":
                raise _Reaches  # any predicate
            if kind in ("iri", "pname") or word == "a" or text in ("^", "(", "!"):
                return self.verb(found, i, frame)
        if frame.state == "O":
            return self.object(found, i, frame, token)
        if text == "}":
            if frame.kind != "pattern":
                raise _Reaches
            self.close_pattern()
            return i + 1
        if text == "]" and frame.kind == "node" and frame.state in ("V", "A"):
            self.close()
            self.frames[-1].state = frame.after
            return i + 1
        if text == ")" and frame.kind == "list":
            self.close()
            self.frames[-1].state = frame.after
            return i + 1
        if frame.kind == "list":
            return self.node(found, i, frame, token, frame.state)
        if frame.state == "A":
            if text == ",":
                frame.state = "O"
                return i + 1
            if text == ";":
                frame.state = "V"
                return i + 1
        if text == "." and frame.kind == "pattern" and frame.state in ("S", "V", "A"):
            frame.state = "S"
            return i + 1
        if text == ";" and frame.state == "V":
            return i + 1
        if frame.kind == "pattern" and frame.state in ("S", "V", "A"):
            handled = self.keyword(frame, token, word)
            if handled:
                return i + 1
        if frame.kind == "pattern" and frame.state == "S":
            return self.subject(found, i, frame, token)
        raise _Reaches

    def keyword(self, frame: _Frame, token: Token, word: str) -> bool:
        """OPTIONAL, MINUS, UNION, GRAPH, SERVICE, FILTER, BIND, VALUES, a subquery or a nested group."""
        if token.text == "{":
            child = _Frame("pattern", named_by_var=self.pending_var_graph)
            self.pending_graph = self.pending_var_graph = False
            self.frames.append(child)
            return True
        if word in _GROUP_WORDS:
            frame.state = "S"
            return True
        if self.pending_graph:
            if token.kind == "var":
                self.pending_var_graph = True
            elif token.kind not in ("iri", "pname"):
                raise _Reaches
            self.pending_graph = False
            return True
        if word in ("graph", "service"):
            frame.state, self.pending_graph = "S", True
            return True
        if word in _EXPRESSION_WORDS:
            frame.state = "S"
            self.frames.append(_Frame("expression"))
            return True
        if word == "values":
            frame.state = "S"
            self.frames.append(_Frame("values"))
            return True
        if word == "select" and frame.empty and frame.state == "S":
            self.frames.append(_Frame("clause"))
            return True
        return False

    def subject(self, found: list[Token], i: int, frame: _Frame, token: Token) -> int:
        frame.empty = False
        frame.subject_open = _open(token)
        frame.subject_var = _variable(token)
        return self.node(found, i, frame, token, "V")

    def node(self, found: list[Token], i: int, frame: _Frame, token: Token, after: str) -> int:
        """A subject, object or list item: a term, `[ … ]` or `( … )`; then `frame` is in state `after`."""
        if token.text == "[":
            return self.open_node(found, i, frame, after)
        if token.text == "(":
            self.frames.append(_Frame("list", after=after))
            return i + 1
        if not self.is_term(token):
            raise _Reaches
        frame.state = after
        return self.skip_literal_tail(found, i + 1)

    def open_node(self, found: list[Token], i: int, frame: _Frame, after: str) -> int:
        if i + 1 < len(found) and found[i + 1].text == "]":  # [] is a blank node
            frame.state = after
            return i + 2
        self.frames.append(_Frame("node", state="V", subject_open=True, after=after))
        return i + 1

    def verb(self, found: list[Token], i: int, frame: _Frame) -> int:
        """A predicate or a property path; where it ends, the object begins."""
        start, depth, expect = i, 0, True
        zeroable = False
        while i < len(found):
            token = found[i]
            text = token.text
            if expect:
                if token.kind in ("iri", "pname") or (token.kind == "word" and text == "a"):
                    expect = False
                elif text == "^":
                    pass
                elif text == "(":
                    depth += 1
                elif text == "!":
                    raise _Reaches  # a negated property set: any other predicate
                else:
                    raise _Reaches
            elif text in ("/", "|"):
                expect = True
            elif text in _MODIFIERS:
                zeroable = zeroable or text != "+"
            elif text == ")" and depth > 0:
                depth -= 1
            else:
                break
            i += 1
        if expect or depth:
            raise _Reaches
        path = found[start:i]
        single = len(path) == 1
        if any(t.kind == "word" or self.iri(t) == _TYPE for t in path) and not single:
            raise _Reaches  # rdf:type inside a path: a record node's class may lead anywhere
        frame.verb_type = single and (path[0].kind == "word" or self.iri(path[0]) == _TYPE)
        frame.verb_zeroable = zeroable
        frame.state = "O"
        return i

    def object(self, found: list[Token], i: int, frame: _Frame, token: Token) -> int:
        is_open = _open(token)
        if frame.verb_type and is_open:
            raise _Reaches  # ?x a ?class
        if frame.verb_zeroable and frame.subject_open and is_open:
            if frame.kind != "pattern":
                raise _Reaches  # zero steps between two open ends: every node
            frame.zero_steps.append((frame.subject_var, _variable(token)))
        elif not frame.verb_zeroable:  # each end is a node of a triple with the path's (fact) predicates
            frame.anchored.update(v for v in (frame.subject_var, _variable(token)) if v)
        return self.node(found, i, frame, token, "A")

    @staticmethod
    def is_term(token: Token) -> bool:
        return token.kind in _TERMS or (token.kind == "word" and token.text.lower() in ("true", "false"))

    def skip_literal_tail(self, found: list[Token], i: int) -> int:
        """A literal's language tag or `^^datatype`."""
        if i < len(found) and found[i].kind in _LITERAL_TAIL:
            return i + 1
        if i + 2 < len(found) and found[i].text == "^" and found[i + 1].text == "^":
            self.check(found[i + 2])
            return i + 3
        return i


def _open(token: Token) -> bool:
    """The node is a variable, a blank node or a collection: any node may stand there."""
    return token.kind in ("var", "bnode") or token.text in ("[", "(")


def _variable(token: Token) -> str:
    return token.text[1:] if token.kind == "var" else ""


def reaches_records(query: str, terms: RecordTerms, prefixes: Mapping[str, str] | None = None,
                    base: str | None = None) -> bool:
    """Whether `query` may read a triple of the records (True when in doubt). `prefixes` are those the
    evaluator predeclares, `base` its base IRI."""
    walk = _Walk(terms, dict(prefixes or {}), base)
    try:
        walk.run(tokens(query))
    except _Reaches:
        return True
    return len(walk.frames) != 1 or walk.pending_graph


__all__ = ["reaches_records"]

"""How deeply a SPARQL query or update nests, read from its text before any parser sees it.

Why: pyoxigraph parses and plans a query by recursion, one native stack frame (or several) per level,
and a query nested deeply enough overflows the thread's stack, which ends the whole process — every
other request it was serving with it. Measured with pyoxigraph 0.5 on an 8 MiB thread stack, a 4.5 kB
query of 2,226 nested groups crashes it, and so do 956 nested function calls (``STR(STR(…))``), 1,190
nested sub-SELECTs, 4,687 nested parentheses, 9,375 ``!``, 2,617 ``MINUS`` or ``BIND`` in one group, and
6,562 ``UNION`` or 6,953 ``+`` in a row. Nothing can catch that crash, so the depth has to be decided
from the text alone, by this scan, before pyoxigraph is called.

Two measures, each with its own limit, because a level costs the parser very different amounts of
stack (up to ~9 kB for a nested function call, ~1–3 kB for a link in a chain):

* *nesting*: open ``{``, ``(`` and ``[`` plus the prefix operators (``!``, ``^``, unary ``+``/``-``)
  standing before an operand; the default limit (128) is a seventh of the shallowest crash;
* *chain*: operators the parser folds into a left-deep tree — ``|| && + - * / |``, ``UNION``,
  ``OPTIONAL``, ``MINUS``, ``BIND``, ``FILTER``, ``GRAPH``, ``SERVICE``, ``VALUES`` and group after
  group — summed along the deepest path through the nested brackets; the default limit (500) is a
  fifth of the shallowest crash.

The scan errs towards counting: brackets inside something that looks like an IRI but holds a bracket
are counted (the parser may try it as an expression), and so is everything after an unterminated
string. It is linear in the text and recursion-free, so it cannot itself be the thing that overflows.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from kg.errors import QueryError

DEFAULT_MAX_NESTING = 128
DEFAULT_MAX_CHAIN = 500

_CHAIN_WORDS = frozenset({"union", "optional", "minus", "bind", "filter", "graph", "service", "values"})
_CHAIN_OPERATORS = frozenset({"||", "&&", "*", "/", "|"})
_PREFIX_OPERATORS = frozenset({"!", "^"})
_SIGNS = frozenset({"+", "-"})
_OPEN = frozenset("{([")
_CLOSE = frozenset("})]")

_TOKEN = re.compile("|".join([
    r"(?P<skip>[ \t\r\n]+|#[^\r\n]*)",
    r"(?P<operand>'''(?:[^'\\]|\\[\s\S]|'(?!''))*'''"
    r'|"""(?:[^"\\]|\\[\s\S]|"(?!""))*"""'
    r"""|'(?:[^'\\\r\n]|\\[^\r\n])*'|"(?:[^"\\\r\n]|\\[^\r\n])*\""""
    # an IRI holds no bracket here: `<(((…)))>` is scanned as brackets, since it may parse as an expression
    r'|<[^<>"{}|^`\\\x00-\x20()\[\]]*>'
    r"|[?$][\w\u00B7\u0300-\u036F\u203F-\u2040]+"
    r"|[0-9]*\.?[0-9]+(?:[eE][+-]?[0-9]+)?"
    r"|@[A-Za-z]+(?:-[A-Za-z0-9]+)*)",
    r"(?P<word>[^\W\d][\w\-.:%\\\u00B7]*|:[\w\-.:%\\\u00B7]*|_:[\w\-.\u00B7]*)",
    r"(?P<operator>\|\||&&|!=|<=|>=|\^\^|[\s\S])",
]))


class QueryTooDeep(QueryError):
    """The query or update nests past a limit; evaluating it could crash the process."""


@dataclass(frozen=True)
class Depth:
    """The deepest nesting and the longest chain of a text, and where the nesting peaked."""

    nesting: int
    chain: int
    nesting_at: int  # offset of the token at which the nesting peaked


@dataclass
class _Level:
    nesting: int  # nesting of what stands inside this bracket
    chain: int = 0  # chained operators at this level
    deepest_child: int = 0  # the longest chain below this level


def measure(text: str, stop_at_nesting: int | None = None) -> Depth:
    """Scan `text` once; with `stop_at_nesting`, stop as soon as the nesting passes it."""
    levels = [_Level(0)]
    prefixes = 0  # prefix operators waiting for their operand
    after_operand = False  # whether the previous token ends an operand (so + and - are binary)
    previous = ""  # the previous token, for a group standing as a group's element
    deepest, deepest_at = 0, 0
    for match in _TOKEN.finditer(text):
        kind, token = match.lastgroup, match.group()
        if kind == "skip":
            continue
        level = levels[-1]
        if token in _OPEN:
            if token == "{" and previous in ("{", "}", "."):
                level.chain += 1  # { A } { B } joins group after group
            levels.append(_Level(level.nesting + prefixes + 1))
            prefixes, after_operand = 0, False
            if levels[-1].nesting > deepest:
                deepest, deepest_at = levels[-1].nesting, match.start()
                if stop_at_nesting is not None and deepest > stop_at_nesting:
                    break
        elif token in _CLOSE:
            if len(levels) > 1:
                _close(levels)
            prefixes, after_operand = 0, True
        elif kind in ("operand", "word"):
            if kind == "word" and token.lower() in _CHAIN_WORDS:
                level.chain += 1
                after_operand = False
            else:
                after_operand = True
            prefixes = 0
        elif token in _CHAIN_OPERATORS or (token in _SIGNS and after_operand):
            level.chain += 1
            after_operand = False
        elif token == "^^" and after_operand:  # a literal's datatype follows
            after_operand = False
        elif token in _PREFIX_OPERATORS or token in _SIGNS or token == "^^":
            prefixes += len(token)
            if level.nesting + prefixes > deepest:
                deepest, deepest_at = level.nesting + prefixes, match.start()
                if stop_at_nesting is not None and deepest > stop_at_nesting:
                    break
        else:
            after_operand = False
        previous = token
    while len(levels) > 1:
        _close(levels)
    return Depth(deepest, levels[0].chain + levels[0].deepest_child, deepest_at)


def _close(levels: list[_Level]) -> None:
    closed = levels.pop()
    levels[-1].deepest_child = max(levels[-1].deepest_child, closed.chain + closed.deepest_child)


def _line_column(text: str, offset: int) -> str:
    line = text.count("\n", 0, offset) + 1
    column = offset - (text.rfind("\n", 0, offset) + 1) + 1
    return f"line {line}, column {column}"


def check_depth(text: str, max_nesting: int = DEFAULT_MAX_NESTING, max_chain: int = DEFAULT_MAX_CHAIN,
                what: str = "query") -> Depth:
    """Raise QueryTooDeep naming the limit `text` passes; otherwise return its depth."""
    depth = measure(text, stop_at_nesting=max_nesting)
    if depth.nesting > max_nesting:
        raise QueryTooDeep(
            f"the {what} nests more than {max_nesting} levels deep (brackets {{ ( [ and prefix operators "
            f"! ^ + - count one level each; passed at {_line_column(text, depth.nesting_at)}): this server "
            f"evaluates {max_nesting} at most (--max-nesting)")
    if depth.chain > max_chain:
        raise QueryTooDeep(
            f"the {what} chains {depth.chain:,} operators into one nested expression (UNION, OPTIONAL, MINUS, "
            f"BIND, FILTER, GRAPH, SERVICE, VALUES, group after group, || && + - * / | each count one): this "
            f"server evaluates {max_chain} at most (--max-chain)")
    return depth


__all__ = ["DEFAULT_MAX_CHAIN", "DEFAULT_MAX_NESTING", "Depth", "QueryTooDeep", "check_depth", "measure"]

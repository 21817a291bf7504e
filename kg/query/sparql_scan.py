"""Find every ``SERVICE`` and ``LOAD`` target of a SPARQL query or update from its text alone.

Why a tokenizer and not a regular expression: the word ``SERVICE`` inside a string, an IRI, a
comment, a prefixed name or a variable is not a keyword, and a target may be written as a prefixed
name or as an IRI relative to ``BASE``. The tokenizer follows what pyoxigraph's parser actually
accepts where it is laxer than the grammar: keywords need no separator after them, so
``SERVICE:x {}``, ``SERVICESILENT<…>{}`` and ``1SERVICE <…> {}`` are federated queries too, and
``SERVICE silent:x {}`` reads as ``SERVICE SILENT :x`` when ``:`` is declared. Where the text is
ambiguous it errs towards seeing a ``SERVICE`` (a refused odd query is the safe mistake).

Why not a library's parser: the parser that decides what is fetched is pyoxigraph's, and
pyoxigraph 0.5 offers Python no way to parse a query without evaluating it. rdflib's SPARQL parser
(7.6) would catch the grammar's spellings (``SERVICE <iri>``, ``SERVICE ?var``, ``SERVICE:x``,
``SERVICE silent:x``, ``LOAD<iri>``) but not those only pyoxigraph accepts: it rejects
``SERVICEex:y {}``, ``SERVICESILENT<…>{}``, ``?s ?p 1SERVICE <…> {}``, ``LOADSILENT<…>`` and
``… ;LOADex:y`` as syntax errors, while pyoxigraph evaluates them and sends the request. A guard
built on it would have to refuse every query rdflib cannot parse (and it fails on some that
pyoxigraph runs, see tests/test_federation_inbound.py) or let those fetches through. It is also
slow for a check made before every query (8 s for a 144 kB query, ``RecursionError`` on a
1.3 MB one), and it leaves prefixed names unexpanded, knowing none of the store's predeclared
prefixes.

What holds this scan to the engine's own parser, in tests/test_federation_guard.py:
``test_reads_keywords_as_pyoxigraph_does`` and ``test_reads_load_as_pyoxigraph_does`` let
pyoxigraph evaluate each odd spelling against a host-less ``urn:`` target and check that it
tries to fetch exactly the target found here (and nothing when none is found);
``test_expansion_matches_pyoxigraph`` compares prefixed-name and ``BASE`` expansion with
pyoxigraph's; ``test_check_is_fast`` keeps the scan linear on adversarial input.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

from kg.query.outbound import FederationRefused, ServiceTarget, TargetKind, where
from kg.query.rfc3986 import SCHEME, resolve_iri

_PN_CHARS_BASE = ("A-Za-z\u00C0-\u00D6\u00D8-\u00F6\u00F8-\u02FF\u0370-\u037D\u037F-\u1FFF"
                  "\u200C-\u200D\u2070-\u218F\u2C00-\u2FEF\u3001-\uD7FF\uF900-\uFDCF\uFDF0-\uFFFD"
                  "\U00010000-\U000EFFFF")
_PN_CHARS_U = _PN_CHARS_BASE + "_"
_PN_CHARS = _PN_CHARS_U + r"\-0-9\u00B7\u0300-\u036F\u203F-\u2040"
_PLX = r"%[0-9A-Fa-f]{2}|\\[_~.\-!$&'()*+,;=/?#@%]"
_PN_PREFIX = f"[{_PN_CHARS_BASE}](?:[{_PN_CHARS}.]*[{_PN_CHARS}])?"
_PN_LOCAL = f"(?:[{_PN_CHARS_U}:0-9]|{_PLX})(?:(?:[{_PN_CHARS}.:]|{_PLX})*(?:[{_PN_CHARS}:]|{_PLX}))?"
_VARNAME = f"[{_PN_CHARS_U}0-9][{_PN_CHARS_U}0-9\u00B7\u0300-\u036F\u203F-\u2040]*"
_IRIREF = r'<((?:[^<>"{}|^`\\\x00-\x20]|\\u[0-9A-Fa-f]{4}|\\U[0-9A-Fa-f]{8})*)>'

# One token at a time; every alternative is linear (no nested ambiguous repetition), and the
# string alternatives always match (an unterminated string runs to the end of the line or text).
_TOKEN = re.compile("|".join([
    r"(?P<ws>[ \t\r\n]+)",
    r"(?P<comment>#[^\r\n]*)",
    r"(?P<long_string>'''(?:[^'\\]|\\[\s\S]?|'(?!''))*(?:'''|\Z)"
    r'|"""(?:[^"\\]|\\[\s\S]?|"(?!""))*(?:"""|\Z))',
    r"""(?P<string>'(?:[^'\\\r\n]|\\[^\r\n]?)*'?|"(?:[^"\\\r\n]|\\[^\r\n]?)*"?)""",
    f"(?P<iri>{_IRIREF})",
    f"(?P<var>[?$]{_VARNAME})",
    r"(?P<number>[0-9]+\.[0-9]*[eE][+-]?[0-9]+|\.[0-9]+[eE][+-]?[0-9]+|[0-9]+[eE][+-]?[0-9]+"
    r"|[0-9]*\.[0-9]+|[0-9]+)",
    r"(?P<langtag>@[a-zA-Z]+(?:-[a-zA-Z0-9]+)*)",
    f"(?P<name>[{_PN_CHARS_U}:])",  # a blank node, prefixed name or word: read by _Scanner.name
    r"(?P<other>[\s\S])",
]))
_BNODE = re.compile(f"_:[{_PN_CHARS_U}0-9](?:[{_PN_CHARS}.]*[{_PN_CHARS}])?")
_WORD = re.compile(f"[{_PN_CHARS_U}][{_PN_CHARS}]*")
# A prefix (PN_PREFIX) is a run of these characters; only a run that ends in ':' can start a
# prefixed name. Knowing where each run ends keeps the scan linear on text like `a.a.a.a…`,
# where trying the prefixed-name pattern at every word would re-read the rest of the run.
_NAME_RUN = re.compile(f"[{_PN_CHARS}.]+")
_PN_CHARS_BASE_AT = re.compile(f"[{_PN_CHARS_BASE}]")
_SKIP = re.compile(r"(?:[ \t\r\n]|#[^\r\n]*)*")  # the grammar's whitespace and comments, nothing else
_IRI_AT = re.compile(_IRIREF)
_VAR_AT = re.compile(f"[?$]({_VARNAME})")
_PNAME_AT = re.compile(f"({_PN_PREFIX})?:({_PN_LOCAL})?")
_PNAME_NS_AT = re.compile(f"({_PN_PREFIX})?:")
_UCHAR = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")
_LOCAL_ESCAPE = re.compile(r"\\([_~.\-!$&'()*+,;=/?#@%])")

# A word that starts with one of these may hide the keyword (pyoxigraph's parser needs no
# separator after a keyword); the previous token says where it cannot be one.
_NOT_SERVICE_AFTER = frozenset({"graph", "from", "named", "prefix"})


def _decode_uchar(raw: str) -> str:
    return _UCHAR.sub(lambda m: chr(int(m.group(1) or m.group(2), 16)), raw)


@dataclass
class _Read:
    """A target read after the keyword: a variable, an IRI, or a prefixed name."""

    end: int
    variable: str | None = None
    iri: str | None = None
    error: str | None = None  # why the target cannot be used
    suspicious: bool = False  # the error is an ambiguous declaration, not a plain mistake


class _Scanner:
    """One pass over the tokens of a query: its prologue (``PREFIX``/``BASE``) as it goes, and
    each ``SERVICE``/``LOAD`` target, expanded as pyoxigraph would expand it."""

    def __init__(self, text: str, prefixes: Mapping[str, str] | None, base: str | None) -> None:
        self.text = text
        self.prefixes: dict[str, str] = dict(prefixes or {})
        self.base = base
        self.base_poisoned = False
        # prefixes that a declaration-like text outside the prologue may have redefined: a
        # SERVICE written with one of them is refused rather than guessed
        self.poisoned: set[str] = set()
        self.targets: list[ServiceTarget] = []
        self.prev: tuple[str, str] | None = None  # (token kind, lower-cased text) of the last token
        self.depth = 0  # of (), [] and {} together
        runs = [(m.start(), m.end()) for m in _NAME_RUN.finditer(text)]
        self.run_starts = [start for start, _ in runs]
        self.run_ends = [end for _, end in runs]

    # --- helpers ---------------------------------------------------------------------------

    def skip(self, pos: int) -> int:
        return _SKIP.match(self.text, pos).end()  # type: ignore[union-attr]

    def pname_possible(self, pos: int) -> bool:
        """Whether a prefixed name can start at ``pos`` (cheap: no pattern is tried)."""
        text = self.text
        if text.startswith(":", pos):
            return True
        if not _PN_CHARS_BASE_AT.match(text, pos):
            return False
        i = bisect.bisect_right(self.run_starts, pos) - 1
        end = self.run_ends[i]  # pos is a name character, so it lies in run i
        return text.startswith(":", end) and text[end - 1] != "."

    def name(self, pos: int) -> tuple[str, int]:
        """Kind and end of the blank node, prefixed name or plain word at ``pos``."""
        text = self.text
        if text.startswith("_:", pos) and (m := _BNODE.match(text, pos)):
            return "bnode", m.end()
        if self.pname_possible(pos) and (m := _PNAME_AT.match(text, pos)):
            return "pname", m.end()
        m = _WORD.match(text, pos)
        return ("word", m.end()) if m else ("other", pos + 1)

    def at_operation_start(self) -> bool:
        """Where a prologue (PREFIX/BASE) or an update operation (LOAD) may begin."""
        if self.prev is None or self.prev[0] == "prologue":
            return True
        return self.prev == ("other", ";") and self.depth == 0

    def resolve(self, raw: str) -> tuple[str, str | None]:
        iri = _decode_uchar(raw)
        if not SCHEME.match(iri) and self.base_poisoned:
            return iri, "relative IRI after an ambiguous BASE declaration"
        return resolve_iri(iri, self.base), None

    def read_target(self, pos: int, allow_var: bool) -> _Read | None:
        text = self.text
        if allow_var and (m := _VAR_AT.match(text, pos)):
            return _Read(m.end(), variable=m.group(1))
        if m := _IRI_AT.match(text, pos):
            iri, error = self.resolve(m.group(1))
            return _Read(m.end(), iri=iri, error=error, suspicious=error is not None)
        if self.pname_possible(pos) and (m := _PNAME_AT.match(text, pos)):
            ns = m.group(1) or ""
            if ns in self.poisoned:
                return _Read(m.end(), error=f"prefix '{ns}:' is declared ambiguously", suspicious=True)
            if ns not in self.prefixes:
                return _Read(m.end(), error=f"unknown prefix '{ns}:' in {m.group(0)}")
            return _Read(m.end(), iri=expand(m.group(0), self.prefixes))
        return None

    # --- the keywords ----------------------------------------------------------------------

    def outbound(self, start: int, keyword: TargetKind, exact: bool) -> tuple[ServiceTarget, int] | None:
        """Read ``SERVICE [SILENT] target`` or ``LOAD [SILENT] iri`` starting at ``start``.

        Tries the SILENT reading first, then the plain one, as pyoxigraph's parser does. For a
        word that only starts with the keyword (``SERVICE:x``, ``LOADSILENT<…>``), the reading
        must also be followed by what the grammar needs (``{`` after a SERVICE target), or it is
        no keyword at all; the bare keyword is always an outbound target, and one that cannot be
        read is an error.
        """
        text = self.text
        after = start + len(keyword)
        first = self.skip(after)
        readings: list[tuple[int, bool]] = []
        if text[first:first + 6].lower() == "silent":
            readings.append((first + 6, True))
        readings.append((after, False))
        candidates: list[tuple[_Read, bool, bool]] = []  # (read, silent, complete)
        for pos, silent in readings:
            read = self.read_target(self.skip(pos), allow_var=keyword == "service")
            if read is None:
                continue
            follow = self.skip(read.end)
            if keyword == "service":
                complete = text.startswith("{", follow)
            else:
                complete = (follow == len(text) or text.startswith(";", follow)
                            or text[follow:follow + 4].lower() == "into")
            candidates.append((read, silent, complete))
        chosen = next((c for c in candidates if c[2] and c[0].error is None), None)
        if chosen is None and not exact:
            # pyoxigraph fails the same reading unless a suspicious prefix is involved
            chosen = next((c for c in candidates if c[2] and c[0].suspicious), None)
            if chosen is None:
                return None
        if chosen is None:
            chosen = next((c for c in candidates if c[0].error is None), candidates[0] if candidates else None)
        name = keyword.upper()
        if chosen is None:
            what = "an endpoint IRI or variable" if keyword == "service" else "a source IRI"
            raise FederationRefused(f"{name} refused: it is not followed by {what} ({where(text, start)})")
        read, silent, _ = chosen
        if read.error is not None:
            raise FederationRefused(f"{name} refused: {read.error} ({where(text, start)})")
        target = ServiceTarget(read.iri, read.variable, silent, start, keyword)
        return target, read.end

    def declaration(self, start: int, keyword: Literal["prefix", "base"]) -> tuple[str | None, str, int] | None:
        """Read ``PREFIX ns: <iri>`` / ``BASE <iri>`` from ``start``: (ns, raw iri, end)."""
        pos = self.skip(start + len(keyword))
        ns: str | None = None
        if keyword == "prefix":
            m = _PNAME_NS_AT.match(self.text, pos) if self.pname_possible(pos) else None
            if m is None:
                return None
            ns = m.group(1) or ""
            pos = self.skip(m.end())
        m = _IRI_AT.match(self.text, pos)
        if m is None:
            return None
        return ns, m.group(1), m.end()

    # --- the loop --------------------------------------------------------------------------

    def token(self, pos: int) -> tuple[str, int, int]:
        """Kind, start and end of the token at ``pos`` (whitespace and comments are tokens here)."""
        m = _TOKEN.match(self.text, pos)
        assert m is not None and m.lastgroup is not None  # "other" matches any character
        kind, start, end = m.lastgroup, m.start(), m.end()
        if kind == "name":
            kind, end = self.name(start)
        return kind, start, end

    def run(self) -> list[ServiceTarget]:
        text, pos, n = self.text, 0, len(self.text)
        while pos < n:
            kind, start, pos = self.token(pos)
            if kind in ("ws", "comment"):
                continue
            value = text[start:pos]
            lower = value.lower()
            if kind in ("word", "pname"):
                exact = kind == "word"
                if lower.startswith("service") and (lower == "service" and exact or
                                                    (self.prev or ("", ""))[1] not in _NOT_SERVICE_AFTER):
                    found = self.outbound(start, "service", exact and lower == "service")
                    if found is not None:
                        self.targets.append(found[0])
                        pos, self.prev = found[1], ("target", "")
                        continue
                elif lower.startswith("load") and (exact and lower == "load" or self.at_operation_start()):
                    found = self.outbound(start, "load", exact and lower == "load")
                    if found is not None:
                        self.targets.append(found[0])
                        pos, self.prev = found[1], ("target", "")
                        continue
                elif lower.startswith("prefix") or lower == "base":
                    keyword: Literal["prefix", "base"] = "prefix" if lower.startswith("prefix") else "base"
                    decl = self.declaration(start, keyword)
                    if decl is not None:
                        ns, raw, end = decl
                        if self.at_operation_start():
                            iri, error = self.resolve(raw)
                            if keyword == "base":
                                self.base = iri
                                self.base_poisoned = error is not None
                            else:
                                assert ns is not None
                                self.prefixes[ns] = iri
                                if error is not None:
                                    self.poisoned.add(ns)
                            pos, self.prev = end, ("prologue", "")
                            continue
                        # not where a prologue can be: pyoxigraph rejects it or reads something
                        # else, but a later SERVICE written with that prefix is not guessed at
                        if keyword == "base":
                            self.base_poisoned = True
                        else:
                            assert ns is not None
                            self.poisoned.add(ns)
            elif kind == "other":
                if value in "({[":
                    self.depth += 1
                elif value in ")}]":
                    self.depth -= 1
            self.prev = (kind, lower)
        return self.targets


@dataclass(frozen=True)
class Token:
    """A token of a query: kind (iri, var, pname, bnode, word, string, long_string, number, langtag or
    other, a single character) and its text."""

    kind: str
    text: str


def tokens(query: str) -> list[Token]:
    """The tokens of `query` (whitespace and comments left out), read as `service_targets` reads them."""
    scanner = _Scanner(query, None, None)
    found: list[Token] = []
    pos = 0
    while pos < len(query):
        kind, start, pos = scanner.token(pos)
        if kind not in ("ws", "comment"):
            found.append(Token(kind, query[start:pos]))
    return found


def expand(pname: str, prefixes: Mapping[str, str]) -> str | None:
    """The IRI a prefixed name stands for (None when its prefix is not declared)."""
    ns, _, local = pname.partition(":")
    return prefixes[ns] + _LOCAL_ESCAPE.sub(r"\1", local) if ns in prefixes else None


def iri_of(token: Token, base: str | None) -> str:
    """The IRI an `iri` token stands for, escapes decoded and resolved against `base`."""
    return resolve_iri(_decode_uchar(token.text[1:-1]), base)


def service_targets(query: str, prefixes: Mapping[str, str] | None = None,
                    base: str | None = None) -> list[ServiceTarget]:
    """Every ``SERVICE`` and ``LOAD`` target of a SPARQL query or update, in text order.

    ``prefixes`` are the prefixes the evaluator predeclares (pyoxigraph's ``prefixes=``; the
    query's own ``PREFIX`` lines override them) and ``base`` its ``base_iri``. Raises
    ``FederationRefused`` when a target cannot be read, e.g. a prefixed name whose prefix is not
    declared.
    """
    lowered = query.lower()
    if "service" not in lowered and "load" not in lowered:
        # pyoxigraph reads keywords only as written (ASCII, any case, no escapes): without
        # these letters there is no outbound target, and a long query costs one pass in C
        return []
    return _Scanner(query, prefixes, base).run()

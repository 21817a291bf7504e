"""Refuse federated queries (``SERVICE``) and ``LOAD`` to endpoints that are not allow-listed.

Why this module exists: pyoxigraph's ``Store.query()`` evaluates ``SERVICE <iri> { … }`` by sending
an HTTP request to whatever address the IRI names — loopback, the private network, the cloud
metadata service at 169.254.169.254 — and ``Store.update()`` does the same for ``LOAD <iri>``.
There is no switch to turn this off from Python. On a public SPARQL endpoint that is a textbook
server-side request forgery: anyone who can send a query can make the server fetch internal URLs
and read the answers back as solutions. So every query and update is checked *before* it is
evaluated: each ``SERVICE`` and ``LOAD`` target must be on an allow-list (empty by default, so no
federation at all). ``SERVICE ?var`` is always refused (its target is only known during
evaluation), and so is ``SERVICE SILENT`` to an unlisted endpoint (silence hides the error, not the
request).

Finding the targets takes a small SPARQL tokenizer, not a regular expression over the text: the
word ``SERVICE`` inside a string, an IRI, a comment, a prefixed name or a variable is not a
keyword, and a target may be written as a prefixed name or as an IRI relative to ``BASE``. The
tokenizer follows what pyoxigraph's parser actually accepts where it is laxer than the grammar
(checked against pyoxigraph 0.5 in the tests): keywords need no separator after them, so
``SERVICE:x {}``, ``SERVICESILENT<…>{}`` and ``1SERVICE <…> {}`` are federated queries too, and
``SERVICE silent:x {}`` reads as ``SERVICE SILENT :x`` when ``:`` is declared. Where the text is
ambiguous the tokenizer errs towards seeing a ``SERVICE`` (a refused odd query is the safe
mistake).

Redirects are not a way around the allow-list: pyoxigraph's HTTP client is built with a
redirection limit of 0 (oxigraph's default ``http_redirection_limit``), so an allow-listed
endpoint that answers ``302 Location: http://169.254.169.254/`` makes the ``SERVICE`` call fail
instead of following it. Nothing here needs to re-check redirect targets.

This module never touches the network: host names are classified from their spelling only and are
never resolved (resolving an attacker-chosen name would itself be an outbound request).
"""

from __future__ import annotations

import bisect
import ipaddress
import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from enum import Enum
from typing import Literal

from kg.errors import KGError
from kg.graph.vocab import PREFIXES


class FederationRefused(KGError):
    """A ``SERVICE`` or ``LOAD`` target is not allowed; the query is not evaluated.

    Exit status 2 (a usage error, like an invalid query); the HTTP server answers 403.
    """

    exit_code = 2

    def __init__(self, message: str, target: ServiceTarget | None = None) -> None:
        super().__init__(message)
        self.target = target


# --------------------------------------------------------------------------------------------
# Tokenizer
# --------------------------------------------------------------------------------------------

TargetKind = Literal["service", "load"]


@dataclass(frozen=True)
class ServiceTarget:
    """One outbound fetch a query or update asks for.

    ``iri`` is the absolute target (prefixed names expanded, relative IRIs resolved against
    ``BASE``; left relative when there is no base), or ``None`` for a variable target, whose name
    (without ``?``/``$``) is in ``variable``. ``position`` is the character offset of the
    ``SERVICE``/``LOAD`` keyword in the text.
    """

    iri: str | None
    variable: str | None
    silent: bool
    position: int
    kind: TargetKind = "service"

    def describe(self) -> str:
        """The target as it would be written: ``SERVICE SILENT <http://…>``, ``SERVICE ?ep``."""
        words = ["SERVICE" if self.kind == "service" else "LOAD"]
        if self.silent:
            words.append("SILENT")
        words.append(f"?{self.variable}" if self.iri is None else f"<{self.iri}>")
        return " ".join(words)


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
_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.\-]*:")
_RFC3986 = re.compile(r"^(?:([^:/?#]+):)?(?://([^/?#]*))?([^?#]*)(?:\?([^#]*))?(?:#(.*))?$", re.DOTALL)

# A word that starts with one of these may hide the keyword (pyoxigraph's parser needs no
# separator after a keyword); the previous token says where it cannot be one.
_NOT_SERVICE_AFTER = frozenset({"graph", "from", "named", "prefix"})


def _decode_uchar(raw: str) -> str:
    return _UCHAR.sub(lambda m: chr(int(m.group(1) or m.group(2), 16)), raw)


def _remove_dot_segments(path: str) -> str:
    """RFC 3986 §5.2.4."""
    output: list[str] = []
    while path:
        if path.startswith("../"):
            path = path[3:]
        elif path.startswith("./"):
            path = path[2:]
        elif path.startswith("/./"):
            path = path[2:]
        elif path == "/.":
            path = "/"
        elif path.startswith("/../"):
            path = path[3:]
            if output:
                output.pop()
        elif path == "/..":
            path = "/"
            if output:
                output.pop()
        elif path in (".", ".."):
            path = ""
        else:
            start = 1 if path.startswith("/") else 0
            cut = path.find("/", start)
            cut = len(path) if cut < 0 else cut
            output.append(path[:cut])
            path = path[cut:]
    return "".join(output)


def resolve_iri(reference: str, base: str | None) -> str:
    """Resolve ``reference`` against ``base`` as RFC 3986 §5.2 does (and as pyoxigraph does).

    An absolute reference is returned as it is; a relative one without a base too.
    """
    if _SCHEME.match(reference) or base is None:
        return reference
    b_scheme, b_auth, b_path, b_query, _ = _RFC3986.match(base).groups()  # type: ignore[union-attr]
    _, r_auth, r_path, r_query, r_frag = _RFC3986.match(reference).groups()  # type: ignore[union-attr]
    if r_auth is not None:
        auth, path, query = r_auth, _remove_dot_segments(r_path), r_query
    elif r_path == "":
        auth, path, query = b_auth, b_path, (r_query if r_query is not None else b_query)
    else:
        if r_path.startswith("/"):
            path = _remove_dot_segments(r_path)
        elif b_auth is not None and b_path == "":
            path = _remove_dot_segments("/" + r_path)
        else:
            path = _remove_dot_segments(b_path[: b_path.rfind("/") + 1] + r_path)
        auth, query = b_auth, r_query
    out = f"{b_scheme}:" if b_scheme is not None else ""
    if auth is not None:
        out += "//" + auth
    out += path
    if query is not None:
        out += "?" + query
    if r_frag is not None:
        out += "#" + r_frag
    return out


@dataclass
class _Read:
    """A target read after the keyword: a variable, an IRI, or a prefixed name."""

    end: int
    variable: str | None = None
    iri: str | None = None
    error: str | None = None  # why the target cannot be used
    suspicious: bool = False  # the error is an ambiguous declaration, not a plain mistake


class _Scanner:
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
        if not _SCHEME.match(iri) and self.base_poisoned:
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
            ns, local = m.group(1) or "", m.group(2) or ""
            if ns in self.poisoned:
                return _Read(m.end(), error=f"prefix '{ns}:' is declared ambiguously", suspicious=True)
            if ns not in self.prefixes:
                return _Read(m.end(), error=f"unknown prefix '{ns}:' in {m.group(0)}")
            return _Read(m.end(), iri=self.prefixes[ns] + _LOCAL_ESCAPE.sub(r"\1", local))
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

    def run(self) -> list[ServiceTarget]:
        text, pos, n = self.text, 0, len(self.text)
        while pos < n:
            m = _TOKEN.match(text, pos)
            assert m is not None and m.lastgroup is not None  # "other" matches any character
            kind, start, pos = m.lastgroup, m.start(), m.end()
            if kind in ("ws", "comment"):
                continue
            if kind == "name":
                kind, pos = self.name(start)
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


def where(text: str, position: int) -> str:
    """``at line L, column C`` (both from 1) for a character offset."""
    line = text.count("\n", 0, position) + 1
    column = position - (text.rfind("\n", 0, position) + 1) + 1
    return f"at line {line}, column {column}"


# --------------------------------------------------------------------------------------------
# Addresses
# --------------------------------------------------------------------------------------------


class AddressClass(Enum):
    """What kind of address a host names, judged from its spelling alone."""

    PUBLIC = "public address"
    LOOPBACK = "loopback address"
    PRIVATE = "private-network address"
    LINK_LOCAL = "link-local address"
    METADATA = "cloud metadata address"
    UNSPECIFIED = "unspecified address"
    MULTICAST = "multicast address"
    RESERVED = "reserved address"
    HOSTNAME = "host name"

    @property
    def description(self) -> str:
        return self.value


_IP = ipaddress.IPv4Address | ipaddress.IPv6Address

_METADATA: frozenset[_IP] = frozenset({
    ipaddress.ip_address("169.254.169.254"),  # AWS, GCP, Azure, OpenStack, DigitalOcean, Oracle…
    ipaddress.ip_address("169.254.170.2"),  # AWS ECS task metadata
    ipaddress.ip_address("100.100.100.200"),  # Alibaba Cloud
    ipaddress.ip_address("fd00:ec2::254"),  # AWS IMDS over IPv6
})


def _v4(*nets: str) -> tuple[ipaddress.IPv4Network, ...]:
    return tuple(ipaddress.IPv4Network(n) for n in nets)


def _v6(*nets: str) -> tuple[ipaddress.IPv6Network, ...]:
    return tuple(ipaddress.IPv6Network(n) for n in nets)


# First match wins; anything left over is PUBLIC. Explicit tables rather than ipaddress's
# is_private/is_global, whose answers changed between Python releases.
_V4_TABLE: tuple[tuple[tuple[ipaddress.IPv4Network, ...], AddressClass], ...] = (
    (_v4("0.0.0.0/32"), AddressClass.UNSPECIFIED),
    (_v4("0.0.0.0/8"), AddressClass.RESERVED),  # "this network"
    (_v4("127.0.0.0/8"), AddressClass.LOOPBACK),
    (_v4("169.254.0.0/16"), AddressClass.LINK_LOCAL),
    (_v4("10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "100.64.0.0/10", "198.18.0.0/15"),
     AddressClass.PRIVATE),  # RFC 1918, carrier-grade NAT, benchmarking
    (_v4("224.0.0.0/4"), AddressClass.MULTICAST),
    (_v4("240.0.0.0/4", "192.0.0.0/24", "192.0.2.0/24", "198.51.100.0/24", "203.0.113.0/24",
         "192.88.99.0/24"), AddressClass.RESERVED),  # incl. broadcast, documentation
)
_V6_TABLE: tuple[tuple[tuple[ipaddress.IPv6Network, ...], AddressClass], ...] = (
    (_v6("::/128"), AddressClass.UNSPECIFIED),
    (_v6("::1/128"), AddressClass.LOOPBACK),
    (_v6("fe80::/10"), AddressClass.LINK_LOCAL),
    (_v6("fc00::/7", "fec0::/10", "64:ff9b:1::/48"), AddressClass.PRIVATE),  # unique-local, site-local, local NAT64
    (_v6("ff00::/8"), AddressClass.MULTICAST),
    (_v6("::/8", "100::/64", "2001::/23", "2001:db8::/32", "3fff::/20"), AddressClass.RESERVED),
    (_v6("2000::/3"), AddressClass.PUBLIC),
)
_NAT64 = ipaddress.IPv6Network("64:ff9b::/96")
_SIIT = ipaddress.IPv6Network("::ffff:0:0:0/96")
_V4_COMPATIBLE = ipaddress.IPv6Network("::/96")
_LOOPBACK_NAMES = frozenset({"localhost", "localhost.localdomain", "ip6-localhost", "ip6-loopback"})


_DIGITS = {8: frozenset("01234567"), 10: frozenset("0123456789"), 16: frozenset("0123456789abcdefABCDEF")}


def _legacy_ipv4(host: str) -> ipaddress.IPv4Address | None:
    """IPv4 as ``inet_aton`` and WHATWG URL parsers read it: 1 to 4 parts, each decimal, octal
    (leading 0) or hex (0x); the last part fills the remaining bytes (``127.1``, ``2130706433``)."""
    if host.endswith("."):
        host = host[:-1]
    parts = host.split(".")
    if not 1 <= len(parts) <= 4:
        return None
    numbers: list[int] = []
    for part in parts:
        if part[:2] in ("0x", "0X"):
            digits, radix = part[2:], 16
        elif len(part) > 1 and part.startswith("0"):
            digits, radix = part[1:], 8
        else:
            digits, radix = part, 10
        if radix == 16 and digits == "":
            numbers.append(0)  # WHATWG reads a bare "0x" as 0
            continue
        if not digits or not set(digits) <= _DIGITS[radix]:
            return None
        numbers.append(int(digits, radix))
    *head, last = numbers
    if any(n > 255 for n in head) or last >= 256 ** (4 - len(head)):
        return None
    value = last
    for i, n in enumerate(head):
        value += n << (8 * (3 - i))
    return ipaddress.IPv4Address(value)


def parse_ip(host: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    """The IP address a URL host spells, or ``None`` for a host name."""
    h = unicodedata.normalize("NFKC", host.strip()).lower()
    for dot in ("\u3002", "\uff0e", "\uff61"):  # ideographic and full-width full stops
        h = h.replace(dot, ".")
    if h.startswith("[") and h.endswith("]"):
        h = h[1:-1].replace("%25", "%")
        if ":" not in h:
            return None
    if ":" in h:
        try:
            return ipaddress.IPv6Address(h)
        except ValueError:
            return None
    return _legacy_ipv4(h)


def _classify_ip(ip: ipaddress.IPv4Address | ipaddress.IPv6Address) -> AddressClass:
    if ip in _METADATA:
        return AddressClass.METADATA
    if isinstance(ip, ipaddress.IPv4Address):
        return next((cls for nets, cls in _V4_TABLE if any(ip in net for net in nets)), AddressClass.PUBLIC)
    if ip.scope_id is not None:
        ip = ipaddress.IPv6Address(str(ip).split("%", 1)[0])
        if ip in _METADATA:
            return AddressClass.METADATA
    embedded = _embedded_ipv4(ip)
    if embedded is not None:
        return _classify_ip(embedded)
    return next((cls for nets, cls in _V6_TABLE if any(ip in net for net in nets)), AddressClass.RESERVED)


def _embedded_ipv4(ip: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    """The IPv4 address an IPv6 one carries: mapped, compatible, SIIT, NAT64 /96, 6to4."""
    if ip.ipv4_mapped is not None:
        return ip.ipv4_mapped
    if ip.sixtofour is not None:
        return ip.sixtofour
    low = ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
    if ip in _NAT64 or ip in _SIIT:
        return low
    if ip in _V4_COMPATIBLE and int(ip) > 1:
        return low
    return None


def classify_address(host: str) -> AddressClass:
    """Classify a URL host (``127.0.0.1``, ``[::1]``, ``0x7f.1``, ``example.org``) by spelling.

    Pure: host names other than the ``localhost`` family are ``HOSTNAME`` and never resolved.
    """
    if not host.strip():
        raise ValueError("empty host")
    ip = parse_ip(host)
    if ip is not None:
        return _classify_ip(ip)
    name = unicodedata.normalize("NFKC", host.strip()).lower().rstrip(".")
    if name in _LOOPBACK_NAMES or name.endswith(".localhost"):
        return AddressClass.LOOPBACK
    return AddressClass.HOSTNAME


# --------------------------------------------------------------------------------------------
# Policy
# --------------------------------------------------------------------------------------------

_DEFAULT_PORTS = {"http": 80, "https": 443}


@dataclass(frozen=True)
class _Url:
    scheme: str  # lower case
    userinfo: str | None
    host: str  # lower case, brackets kept for IPv6
    port: int | None  # None for the scheme's default port
    rest: str  # path (dot segments removed, "/" if empty) and "?query"
    fragment: str | None


class _BadUrl(ValueError):
    pass


def _normal_path(path: str) -> str:
    """Dot segments removed the way an HTTP client does, %2e counting as a dot."""
    segments = path.split("/")
    dotted = ["." if s.lower() == "%2e" else ".." if s.lower() in (".%2e", "%2e.", "%2e%2e") else s
              for s in segments]
    return _remove_dot_segments("/".join(dotted))


def _parse_url(iri: str, *, stem: bool = False) -> _Url:
    """Split an absolute http(s)-like IRI; ``stem`` keeps an empty path empty (prefix entries)."""
    m = _RFC3986.match(iri)
    if m is None or m.group(1) is None:
        raise _BadUrl("not an absolute IRI")
    scheme, authority, path, query, fragment = m.groups()
    if authority is None:
        raise _BadUrl("no host")
    userinfo, at, hostport = authority.rpartition("@")
    if hostport.startswith("["):
        close = hostport.find("]")
        if close < 0:
            raise _BadUrl("unclosed '[' in the host")
        host, port_text = hostport[: close + 1], hostport[close + 1:]
        if port_text and not port_text.startswith(":"):
            raise _BadUrl("junk after the IPv6 host")
        port_text = port_text[1:]
    else:
        host, _, port_text = hostport.partition(":")
    if not host:
        raise _BadUrl("no host")
    port: int | None = None
    if port_text:
        if not port_text.isascii() or not port_text.isdigit() or int(port_text) > 65535:
            raise _BadUrl(f"invalid port {port_text!r}")
        port = int(port_text)
    scheme = scheme.lower()
    if port == _DEFAULT_PORTS.get(scheme):
        port = None
    path = _normal_path(path) if path else ("" if stem else "/")
    rest = path + (f"?{query}" if query is not None else "")
    return _Url(scheme, userinfo if at else None, host.lower(), port, rest, fragment)


@dataclass(frozen=True)
class _Rule:
    url: _Url
    prefix: bool

    def matches(self, target: _Url) -> bool:
        same_origin = (target.scheme, target.host, target.port) == (self.url.scheme, self.url.host, self.url.port)
        if not same_origin or target.userinfo is not None:
            return False
        return target.rest.startswith(self.url.rest) if self.prefix else target.rest == self.url.rest


@dataclass(frozen=True)
class FederationPolicy:
    """Which ``SERVICE``/``LOAD`` targets a query may name: the ``allow`` list, nothing else.

    An entry matches a target exactly after normalisation (scheme and host lower-cased, default
    port dropped, dot segments removed, fragment ignored), or — when the entry ends with ``*`` —
    any target on the same scheme, host and port whose path and query start with the entry's.
    Only http and https targets are ever allowed, whatever the list says. A listed endpoint is
    allowed whatever its address (the operator chose it); an unlisted one is always refused.
    """

    allow: tuple[str, ...] = ()
    _rules: tuple[_Rule, ...] = field(init=False, repr=False, compare=False, default=())

    def __post_init__(self) -> None:
        rules: list[_Rule] = []
        for entry in self.allow:
            prefix = entry.endswith("*")
            try:
                rules.append(_Rule(_parse_url(entry[:-1] if prefix else entry, stem=prefix), prefix))
            except _BadUrl:
                continue  # an entry that is no URL matches nothing; from_strings reports it
        object.__setattr__(self, "_rules", tuple(rules))

    @classmethod
    def from_strings(cls, values: Iterable[str]) -> FederationPolicy:
        """A policy from configuration strings; ``ValueError`` names the first bad entry."""
        entries: list[str] = []
        for value in values:
            entry = value.strip()
            problem = _entry_problem(entry)
            if problem is not None:
                raise ValueError(f"invalid SERVICE allow-list entry {value!r}: {problem}")
            entries.append(entry)
        return cls(tuple(entries))

    def allows(self, iri: str) -> bool:
        """Whether an absolute http(s) IRI is on the list."""
        return self._refusal_of_iri(iri) is None

    def check(self, query: str, prefixes: Mapping[str, str] | None = PREFIXES,
              base: str | None = None) -> list[ServiceTarget]:
        """Raise ``FederationRefused`` for the first target of ``query`` that is not allowed;
        otherwise return the (allowed) targets, empty for a query that fetches nothing.

        ``prefixes`` defaults to the prefixes the store predeclares (``kg.graph.vocab.PREFIXES``), so a
        target written as ``wd:…`` is expanded as the evaluator will expand it.
        """
        targets = service_targets(query, prefixes, base)
        for target in targets:
            reason = self.refusal(target)
            if reason is not None:
                raise FederationRefused(f"{target.describe()} refused: {reason} ({where(query, target.position)})",
                                        target)
        return targets

    def refusal(self, target: ServiceTarget) -> str | None:
        """Why ``target`` is refused, or ``None`` when it is allowed."""
        if target.iri is None:
            return "a variable endpoint cannot be checked before evaluation"
        return self._refusal_of_iri(target.iri)

    def _refusal_of_iri(self, iri: str) -> str | None:
        scheme = _SCHEME.match(iri)
        if scheme is None:
            return "endpoints must be http(s) IRIs, and this one is relative (the query has no BASE)"
        if scheme.group(0)[:-1].lower() not in _DEFAULT_PORTS:
            return f"endpoints must be http(s), not {scheme.group(0)}"
        try:
            url = _parse_url(iri)
        except _BadUrl as exc:
            return f"endpoints must be http(s) URLs with a host: {exc}"
        if url.userinfo is not None:
            return "endpoints must not carry user information (user@host)"
        if any(rule.matches(url) for rule in self._rules):
            return None
        host = _percent_decode(url.host)
        ip = parse_ip(host)
        shown = host if ip is None or str(ip) == host.strip("[]") else f"{host} = {ip}"
        empty = ", which is empty" if not self.allow else ""
        try:
            cls = classify_address(host)
        except ValueError:
            cls = AddressClass.HOSTNAME
        return f"{cls.description} ({shown}) — not on the allow-list{empty}"


def _percent_decode(host: str) -> str:
    return re.sub(r"%([0-9A-Fa-f]{2})", lambda m: chr(int(m.group(1), 16)), host)


def _entry_problem(entry: str) -> str | None:
    if not entry:
        return "empty"
    if any(c.isspace() or ord(c) < 0x20 for c in entry):
        return "contains whitespace or control characters"
    if "*" in entry[:-1]:
        return "'*' may only end an entry (a path prefix), e.g. https://example.org/sparql/*"
    prefix = entry.endswith("*")
    stem = entry[:-1] if prefix else entry
    scheme = _SCHEME.match(stem)
    if scheme is None or scheme.group(0)[:-1].lower() not in _DEFAULT_PORTS:
        return "only http:// and https:// endpoints can be allowed"
    try:
        url = _parse_url(stem, stem=prefix)
    except _BadUrl as exc:
        return str(exc)
    if url.userinfo is not None:
        return "user information (user:password@) is not allowed in an endpoint"
    if url.fragment is not None:
        return "a fragment (#…) is not allowed in an endpoint"
    if prefix and not _RFC3986.match(stem).group(3):  # type: ignore[union-attr]
        return "a '*' entry must end in a path (https://host/path*): a host prefix would match other hosts"
    return None


__all__ = [
    "AddressClass", "FederationPolicy", "FederationRefused", "ServiceTarget", "TargetKind",
    "classify_address", "parse_ip", "resolve_iri", "service_targets", "where",
]

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

The pieces: `kg.query.sparql_scan` finds the targets in the text (a small SPARQL tokenizer that
reads keywords as pyoxigraph's parser does), `kg.query.addresses` names what an address is
(loopback, private, cloud metadata…) for the refusal message, `kg.query.outbound` holds the target
and the error, and `kg.query.rfc3986` resolves relative IRIs. This module is the policy over them:
the allow-list, how its entries match a target, and the check run before evaluation.

Redirects are not a way around the allow-list: pyoxigraph's HTTP client is built with a
redirection limit of 0 (oxigraph's default ``http_redirection_limit``), so an allow-listed
endpoint that answers ``302 Location: http://169.254.169.254/`` makes the ``SERVICE`` call fail
instead of following it. Nothing here needs to re-check redirect targets.

None of these modules touches the network: host names are classified from their spelling only and
are never resolved (resolving an attacker-chosen name would itself be an outbound request).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from kg.graph.vocab import PREFIXES
from kg.query.addresses import AddressClass, classify_address, parse_ip
from kg.query.outbound import FederationRefused, ServiceTarget, where
from kg.query.rfc3986 import SCHEME, URI_REFERENCE, remove_dot_segments, resolve_iri
from kg.query.sparql_scan import service_targets

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
    return remove_dot_segments("/".join(dotted))


def _parse_url(iri: str, *, stem: bool = False) -> _Url:
    """Split an absolute http(s)-like IRI; ``stem`` keeps an empty path empty (prefix entries)."""
    m = URI_REFERENCE.match(iri)
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
        scheme = SCHEME.match(iri)
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
    scheme = SCHEME.match(stem)
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
    if prefix and not URI_REFERENCE.match(stem).group(3):  # type: ignore[union-attr]
        return "a '*' entry must end in a path (https://host/path*): a host prefix would match other hosts"
    return None


__all__ = [
    "AddressClass", "FederationPolicy", "FederationRefused", "ServiceTarget", "classify_address", "resolve_iri",
    "service_targets", "where",
]

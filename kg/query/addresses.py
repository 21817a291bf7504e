"""Classify a URL host (loopback, private network, cloud metadata, …) from its spelling alone.

Why it exists: a refused ``SERVICE`` says what its target would have reached (``loopback address
(0x7f.1 = 127.0.0.1)``), so that an operator reading the log sees an attempted request forgery for
what it is. It decides nothing: the allow-list does (`kg.query.federation`). Host names are never
resolved (resolving an attacker-chosen name would itself be an outbound request); IP spellings are
read as permissively as HTTP clients read them (legacy IPv4 forms, IPv4 inside IPv6) and looked up
in explicit tables rather than in ``ipaddress``'s ``is_private``/``is_global``, whose answers
changed between Python releases.
"""

from __future__ import annotations

import ipaddress
import unicodedata
from enum import Enum


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

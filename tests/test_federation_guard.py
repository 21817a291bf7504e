"""The SERVICE / LOAD guard: tokenizer, address classes, allow-list policy.

No test here sends a request or opens a socket. The few tests that let pyoxigraph evaluate a
SERVICE (to check that the tokenizer reads the text as pyoxigraph's parser does) only use
``urn:`` targets: they have no host, so pyoxigraph fails while building the HTTP request
(checked with ``strace -f -e trace=socket,connect``: no socket call at all).
"""

from __future__ import annotations

import ast
import re
import time
from pathlib import Path

import pyoxigraph
import pytest

from kg.errors import KGError
from kg.graph.vocab import PREFIXES
from kg.query import federation
from kg.query.federation import (
    AddressClass,
    FederationPolicy,
    FederationRefused,
    ServiceTarget,
    classify_address,
    resolve_iri,
    service_targets,
)

EX = "PREFIX ex: <http://example.org/ns#>\n"


def brief(query: str, **kwargs: object) -> list[tuple[str, str | None, str | None, bool]]:
    return [(t.kind, t.iri, t.variable, t.silent) for t in service_targets(query, **kwargs)]  # type: ignore[arg-type]


def svc(iri: str | None = None, var: str | None = None, silent: bool = False, kind: str = "service"):
    return (kind, iri, var, silent)


# --------------------------------------------------------------------------------------------
# Tokenizer: what is a SERVICE
# --------------------------------------------------------------------------------------------

FOUND = [
    pytest.param("SELECT * WHERE { SERVICE <http://a.example/sparql> { ?s ?p ?o } }",
                 [svc("http://a.example/sparql")], id="iri"),
    pytest.param(EX + "SELECT * WHERE { SERVICE ex:endpoint { ?s ?p ?o } }",
                 [svc("http://example.org/ns#endpoint")], id="prefixed-name"),
    pytest.param("SELECT * WHERE { SERVICE ?ep { ?s ?p ?o } }", [svc(var="ep")], id="variable-?"),
    pytest.param("SELECT * WHERE { SERVICE $ep { ?s ?p ?o } }", [svc(var="ep")], id="variable-$"),
    pytest.param("SELECT * WHERE { SERVICE SILENT <http://a.example/> { } }",
                 [svc("http://a.example/", silent=True)], id="silent"),
    pytest.param("SELECT * WHERE { SERVICE SILENT ?x { } }", [svc(var="x", silent=True)], id="silent-variable"),
    pytest.param("select * where { service silent <http://a.example/> { } }",
                 [svc("http://a.example/", silent=True)], id="lower-case"),
    pytest.param("SeLeCt * WhErE { sErViCe SiLeNt <http://a.example/> { } }",
                 [svc("http://a.example/", silent=True)], id="mixed-case"),
    pytest.param("SELECT * WHERE { SERVICE<http://a.example/>{} }", [svc("http://a.example/")], id="no-spaces"),
    pytest.param("SELECT * WHERE { SERVICE # why not\n  <http://a.example/> {} }",
                 [svc("http://a.example/")], id="comment-between"),
    pytest.param("SELECT * WHERE { SERVICE\n\tSILENT\r\n<http://a.example/> {} }",
                 [svc("http://a.example/", silent=True)], id="newlines-between"),
    pytest.param("SELECT * WHERE { ?s ?p ?o OPTIONAL { SERVICE <http://a.example/> { ?s ?q ?r } } }",
                 [svc("http://a.example/")], id="in-optional"),
    pytest.param("SELECT * WHERE { { ?s ?p ?o } UNION { SERVICE <http://b.example/> { ?s ?p ?o } } }",
                 [svc("http://b.example/")], id="in-union"),
    pytest.param("SELECT * WHERE { { SELECT ?s WHERE { SERVICE <http://c.example/> { ?s ?p ?o } } LIMIT 1 } }",
                 [svc("http://c.example/")], id="in-subquery"),
    pytest.param("SELECT * WHERE { FILTER EXISTS { SERVICE <http://d.example/> { ?s ?p ?o } } }",
                 [svc("http://d.example/")], id="in-filter-exists"),
    pytest.param("SELECT * WHERE { MINUS { SERVICE ?e { } } }", [svc(var="e")], id="in-minus"),
    pytest.param("SELECT * WHERE { SERVICE <http://a.example/> { SERVICE <http://b.example/> { } } }",
                 [svc("http://a.example/"), svc("http://b.example/")], id="nested-services"),
    pytest.param(EX + "SELECT * WHERE { SERVICE <http://a.example/> { } SERVICE SILENT ex:b { } SERVICE $c { } }",
                 [svc("http://a.example/"), svc("http://example.org/ns#b", silent=True), svc(var="c")],
                 id="three-services"),
    pytest.param("DELETE { ?s ?p ?o } INSERT { ?s ?p 1 } WHERE { SERVICE <http://a.example/> { ?s ?p ?o } }",
                 [svc("http://a.example/")], id="update-where"),
    pytest.param("INSERT { ?s ?p ?o } WHERE { SERVICE SILENT ?x { ?s ?p ?o } }",
                 [svc(var="x", silent=True)], id="update-where-variable"),
    pytest.param("LOAD <http://a.example/data.ttl>", [svc("http://a.example/data.ttl", kind="load")], id="load"),
    pytest.param("LOAD SILENT <http://a.example/d.ttl> INTO GRAPH <http://g.example/>",
                 [svc("http://a.example/d.ttl", silent=True, kind="load")], id="load-silent-into"),
    pytest.param(EX + "INSERT DATA { ex:a ex:b ex:c } ;\nload ex:data ;\nCLEAR ALL",
                 [svc("http://example.org/ns#data", kind="load")], id="load-second-operation"),
    pytest.param("BASE <http://base.example/a/b/>\nSELECT * WHERE { SERVICE <../sparql> { } }",
                 [svc("http://base.example/a/sparql")], id="relative-iri-with-base"),
    pytest.param("BASE <http://base.example/dir/>\nPREFIX rel: <sub/>\nSELECT * { SERVICE rel:q { } }",
                 [svc("http://base.example/dir/sub/q")], id="relative-prefix-with-base"),
    pytest.param("SELECT * WHERE { SERVICE <relative> { } }", [svc("relative")], id="relative-without-base"),
    pytest.param(r"SELECT * WHERE { SERVICE <http://169.254.169.254\u002Flatest> { } }",
                 [svc("http://169.254.169.254/latest")], id="iri-with-unicode-escape"),
    pytest.param(EX + r"SELECT * WHERE { SERVICE ex:a\/b\?c { } }",
                 [svc("http://example.org/ns#a/b?c")], id="local-name-escapes"),
    pytest.param("PREFIX ex: <http://one.example/>\nPREFIX ex: <http://two.example/>\nSELECT * { SERVICE ex:x {} }",
                 [svc("http://two.example/x")], id="prefix-redeclared"),
    pytest.param("PREFIX ex: <http://one.example/>\nCLEAR ALL ;\nPREFIX ex: <http://two.example/>\nLOAD ex:d",
                 [svc("http://two.example/d", kind="load")], id="prefix-between-update-operations"),
    pytest.param("SELECT * WHERE { ?s ?p ?o SERVICE <http://a.example/> { } }",
                 [svc("http://a.example/")], id="after-triple-without-dot"),
    pytest.param('SELECT * WHERE { ?s ?p "SERVICE <http://x>" . SERVICE <http://a.example/> { } }',
                 [svc("http://a.example/")], id="real-one-after-string"),
]


@pytest.mark.parametrize(("query", "expected"), FOUND)
def test_service_targets_found(query: str, expected: list[tuple]) -> None:
    assert brief(query) == expected


NOT_FOUND = [
    pytest.param('SELECT * WHERE { ?s ?p "SERVICE <http://x>" }', id="double-quoted-string"),
    pytest.param("SELECT * WHERE { ?s ?p 'SERVICE <http://x> {}' }", id="single-quoted-string"),
    pytest.param('SELECT * WHERE { ?s ?p """a " b "" SERVICE <http://x> {} \n still "" in """ }', id="long-string-quotes"),
    pytest.param("SELECT * WHERE { ?s ?p '''it's '' SERVICE <http://x> {} ''' }", id="long-single-quoted"),
    pytest.param(r'SELECT * WHERE { ?s ?p "a \" SERVICE <http://x> {} \"" }', id="escaped-quote"),
    pytest.param(r'SELECT * WHERE { ?s ?p """a \""" SERVICE <http://x> {} """ }', id="long-string-escaped-quote"),
    pytest.param(r"SELECT * WHERE { ?s ?p '''\''' SERVICE <http://x> {} ''' }", id="long-single-escaped"),
    pytest.param('SELECT * WHERE { ?s ?p "x"@en, "SERVICE"^^<http://x/SERVICE> }', id="datatyped-string"),
    pytest.param("SELECT * WHERE { ?s ?p <http://example.org/SERVICE> }", id="iri"),
    pytest.param("SELECT * WHERE { ?s <http://example.org/SERVICE/LOAD> ?o }", id="iri-with-load"),
    pytest.param("SELECT * WHERE { ?s ?p ?o } # SERVICE <http://x> { }", id="comment"),
    pytest.param("# SERVICE <http://x> {}\nSELECT * WHERE { ?s ?p ?o }", id="comment-first-line"),
    pytest.param("SELECT * WHERE { ?s ?p ?o # LOAD <http://x>\r}", id="comment-load-cr"),
    pytest.param(EX + "SELECT * WHERE { ?s ex:SERVICE ?o . ?o ex:service <http://x> }", id="local-name"),
    pytest.param("PREFIX service: <http://example.org/s#>\nSELECT * WHERE { service:x service:p ?o }",
                 id="prefix-named-service"),
    pytest.param("PREFIX load: <http://example.org/l#>\nSELECT * WHERE { ?s load:p load:o }", id="prefix-named-load"),
    pytest.param("SELECT ?service WHERE { ?service ?p ?o . BIND(?service AS $SERVICE) }", id="variables"),
    pytest.param("SELECT * WHERE { ?s ?p ?o FILTER(?o < 3 && ?o > 1) }", id="less-than-is-not-an-iri"),
    pytest.param('SELECT * WHERE { ?s ?p "x"@service }', id="language-tag"),
    pytest.param("SELECT * WHERE { ?s ?p _:service }", id="blank-node"),
    pytest.param("SELECT (COUNT(*) AS ?n) WHERE { ?s a <http://schema.org/Service> }", id="class-iri"),
    pytest.param("PREFIX : <http://example.org/>\nSELECT * WHERE { GRAPH :serviceGraph { ?s ?p ?o } }", id="graph-name"),
    pytest.param("", id="empty"),
    pytest.param("SELECT * WHERE { ?s ?p ?o } LIMIT 10", id="plain-select"),
]


@pytest.mark.parametrize("query", NOT_FOUND)
def test_service_targets_not_found(query: str) -> None:
    assert service_targets(query) == []


def test_position_is_the_keyword() -> None:
    query = 'SELECT * WHERE {\n  ?s ?p "SERVICE" .\n  service ?x {}\n}'
    (target,) = service_targets(query)
    assert query[target.position:target.position + 7] == "service"
    assert federation.where(query, target.position) == "at line 3, column 3"


def test_target_is_a_frozen_dataclass() -> None:
    target = ServiceTarget("http://a.example/", None, False, 0)
    assert target.kind == "service"
    with pytest.raises(AttributeError):
        target.iri = "http://b.example/"  # type: ignore[misc]


@pytest.mark.parametrize("query", [
    "SELECT * WHERE { SERVICE nope:x { } }",
    "SELECT * WHERE { SERVICE SILENT nope:x { } }",
    "LOAD nope:data",
])
def test_unknown_prefix_is_refused(query: str) -> None:
    with pytest.raises(FederationRefused, match=r"unknown prefix 'nope:'"):
        service_targets(query)


def test_service_without_a_target_is_refused() -> None:
    with pytest.raises(FederationRefused, match="not followed by an endpoint"):
        service_targets('SELECT * WHERE { SERVICE "http://x" { } }')


def test_predeclared_prefixes_are_used_and_can_be_overridden() -> None:
    query = "SELECT * WHERE { SERVICE wd:Q1 { } }"
    assert brief(query, prefixes=PREFIXES) == [svc("http://www.wikidata.org/entity/Q1")]
    with pytest.raises(FederationRefused, match="unknown prefix 'wd:'"):
        service_targets(query)
    assert brief("PREFIX wd: <http://other.example/>\n" + query, prefixes=PREFIXES) == [svc("http://other.example/Q1")]


def test_prefix_declared_outside_the_prologue_is_not_trusted() -> None:
    # `?s prefixex: <…>` is a triple to the grammar, but reads like a declaration; a SERVICE
    # spelled with that prefix afterwards is refused rather than expanded by guesswork
    query = EX + "SELECT * WHERE { ?s prefixex: <http://allowed.example/> . SERVICE ex:sparql { } }"
    with pytest.raises(FederationRefused, match="declared ambiguously"):
        service_targets(query)


# --- what pyoxigraph's parser accepts: keywords need no separator after them ----------------

QUIRKS = [
    pytest.param("PREFIX : <urn:p>\nSELECT * WHERE { SERVICE:x {} }", [svc("urn:px")], id="SERVICE:x"),
    pytest.param("PREFIX ex: <urn:p>\nSELECT * WHERE { SERVICEex:y {} }", [svc("urn:py")], id="SERVICEex:y"),
    pytest.param("SELECT * WHERE { SERVICESILENT<urn:q>{} }", [svc("urn:q", silent=True)], id="SERVICESILENT<iri>"),
    pytest.param("SELECT * WHERE { ?s ?p 1SERVICE <urn:q> {} }", [svc("urn:q")], id="1SERVICE"),
    pytest.param("SELECT * WHERE { ?s ?p 1.SERVICE <urn:q> {} }", [svc("urn:q")], id="1.SERVICE"),
    pytest.param("PREFIX : <urn:p>\nPREFIX service: <urn:s>\nSELECT * WHERE { service:x {} }", [svc("urn:px")],
                 id="service:x-before-brace"),
    pytest.param("PREFIX : <urn:p>\nSELECT * WHERE { SERVICE silent:x {} }", [svc("urn:px", silent=True)],
                 id="silent:x-reads-as-SILENT"),
    pytest.param("PREFIX silent: <urn:b>\nSELECT * WHERE { SERVICE silent:x {} }", [svc("urn:bx")],
                 id="silent:x-as-a-name"),
    pytest.param("PREFIX : <urn:p>\nPREFIX service: <urn:s>\nSELECT * WHERE { service:x ?p ?o }", [],
                 id="service:x-as-subject"),
    pytest.param("PREFIX : <urn:p>\nPREFIX service: <urn:s>\nSELECT * WHERE { GRAPH service:x {} }", [],
                 id="service:x-as-graph"),
    pytest.param("PREFIX ex: <urn:e:>\nSELECT * WHERE { ?s ?p ex:o.SERVICE <urn:q> {} }", [],
                 id="dot-inside-local-name"),
    pytest.param("PREFIX:<urn:p>SELECT * WHERE { SERVICE:z {} }", [svc("urn:pz")], id="PREFIX:"),
    pytest.param("SELECT * WHERE { #c\u2028SERVICE <urn:q> {} \n}", [], id="comment-ends-only-at-newline"),
]


@pytest.mark.parametrize(("query", "expected"), QUIRKS)
def test_reads_keywords_as_pyoxigraph_does(query: str, expected: list[tuple]) -> None:
    assert brief(query) == expected
    # pyoxigraph agrees: a non-SILENT SERVICE to a host-less urn: IRI fails with that IRI in the
    # message (before any connection), and a query without one does not fail that way
    store = pyoxigraph.Store()  # in memory; one triple so that `?s ?p 1` has a solution to join with
    store.add(pyoxigraph.Quad(pyoxigraph.NamedNode("urn:s"), pyoxigraph.NamedNode("urn:p"), pyoxigraph.Literal(1)))
    try:
        list(store.query(query))
    except SyntaxError:
        assert expected == []
        return
    except OSError as exc:
        assert expected, f"pyoxigraph evaluated a SERVICE the tokenizer missed: {exc}"
        found = re.search(r"found (\S+)$", str(exc))
        if found is not None:
            assert found.group(1) == expected[0][1]
        return
    assert not expected or expected[0][3], "a non-SILENT SERVICE to urn: should have failed"


LOAD_QUIRKS = [
    pytest.param("LOAD<urn:q>", [svc("urn:q", kind="load")], id="LOAD<iri>"),
    pytest.param("LOADSILENT<urn:q>", [svc("urn:q", silent=True, kind="load")], id="LOADSILENT<iri>"),
    pytest.param("PREFIX : <urn:p> LOAD:x", [svc("urn:px", kind="load")], id="LOAD:x"),
    pytest.param("PREFIX : <urn:p> LOADSILENT:x INTO GRAPH <urn:g>", [svc("urn:px", silent=True, kind="load")],
                 id="LOADSILENT:x"),
    pytest.param("PREFIX ex: <urn:p> INSERT DATA { <urn:s> <urn:p> 1 } ;LOADex:y", [svc("urn:py", kind="load")],
                 id="LOADex:y-second-operation"),
    pytest.param("PREFIX load: <urn:l> LOAD load:x", [svc("urn:lx", kind="load")], id="load:x-as-a-name"),
    pytest.param("CLEAR ALL ; load <urn:q>", [svc("urn:q", kind="load")], id="lower-case-after-clear"),
    pytest.param("PREFIX load: <urn:l> INSERT DATA { load:s load:p load:o }", [], id="load-prefix-in-data"),
]


@pytest.mark.parametrize(("update", "expected"), LOAD_QUIRKS)
def test_reads_load_as_pyoxigraph_does(update: str, expected: list[tuple]) -> None:
    assert brief(update) == expected
    try:
        pyoxigraph.Store().update(update)
    except OSError as exc:
        assert expected, f"pyoxigraph ran a LOAD the tokenizer missed: {exc}"
        found = re.search(r"found (\S+)$", str(exc))
        if found is not None:
            assert found.group(1) == expected[0][1]
        return
    assert not expected or expected[0][3], "a non-SILENT LOAD of urn: should have failed"


def test_keyword_then_non_sparql_whitespace_is_refused() -> None:
    # SPARQL whitespace is space, tab, CR and LF only: pyoxigraph rejects `SERVICE\u00a0<…>` as a
    # syntax error; the guard refuses it (it cannot read an endpoint after the keyword)
    query = "SELECT * WHERE { SERVICE\u00a0<urn:q> {} }"
    with pytest.raises(FederationRefused, match="not followed by an endpoint"):
        service_targets(query)
    with pytest.raises(SyntaxError):
        pyoxigraph.Store().query(query)


# --- IRI expansion agrees with pyoxigraph (compared on a BIND, which evaluates nothing) -------

EXPANSION = [
    ("BASE <http://h.example/a/b/c>", "<../d?q#f>"),
    ("BASE <http://h.example/a/b/c>", "<//other.example/x>"),
    ("BASE <http://h.example/a/b/c> BASE <x/>", "<y>"),
    ("BASE <http://h.example>", "<c>"),
    ("BASE <http://h.example/a?q>", "<?r>"),
    ("BASE <http://h.example/a?q>", "<#f>"),
    ("BASE <http://h.example/a/b>", "<.%2e/c>"),
    ("BASE <http://h.example/a/b>", "<./././c/../d>"),
    ("BASE <urn:a:b>", "<c>"),
    ("", r"<http://h.example/a\u0062\U00000063>"),
    ("PREFIX ex: <http://h.example/ns/>", r"ex:a\/b\?c\#d%41"),
    ("PREFIX ex: <http://h.example/ns/>", "ex:a.b:c"),
    ("PREFIX ex: <http://h.example/ns/>", "ex:"),
    ("BASE <http://h.example/x/> PREFIX ex: <a/>", "ex:b"),
    ("PREFIX ex: <http://one.example/> PREFIX ex: <http://two.example/>", "ex:c"),
]


@pytest.mark.parametrize(("prologue", "term"), EXPANSION)
def test_expansion_matches_pyoxigraph(prologue: str, term: str) -> None:
    (solution,) = pyoxigraph.Store().query(f"{prologue} SELECT ({term} AS ?x) {{}}")
    expected = solution["x"].value
    (target,) = service_targets(f"{prologue} SELECT * WHERE {{ SERVICE {term} {{ }} }}")
    assert target.iri == expected


def test_resolve_iri_keeps_absolute_and_baseless_references() -> None:
    assert resolve_iri("HTTP://X.example/a", "http://base.example/") == "HTTP://X.example/a"
    assert resolve_iri("rel/path", None) == "rel/path"


# --------------------------------------------------------------------------------------------
# Addresses
# --------------------------------------------------------------------------------------------

A = AddressClass
ADDRESSES = [
    # IPv4
    ("8.8.8.8", A.PUBLIC),
    ("93.184.216.34", A.PUBLIC),
    ("127.0.0.1", A.LOOPBACK),
    ("127.255.255.254", A.LOOPBACK),
    ("10.1.2.3", A.PRIVATE),
    ("172.16.0.1", A.PRIVATE),
    ("172.31.255.255", A.PRIVATE),
    ("172.32.0.1", A.PUBLIC),
    ("192.168.1.1", A.PRIVATE),
    ("100.64.0.1", A.PRIVATE),
    ("100.127.255.254", A.PRIVATE),
    ("169.254.1.1", A.LINK_LOCAL),
    ("169.254.169.254", A.METADATA),
    ("169.254.170.2", A.METADATA),
    ("100.100.100.200", A.METADATA),
    ("0.0.0.0", A.UNSPECIFIED),
    ("0.1.2.3", A.RESERVED),
    ("224.0.0.1", A.MULTICAST),
    ("239.255.255.250", A.MULTICAST),
    ("255.255.255.255", A.RESERVED),
    ("240.0.0.1", A.RESERVED),
    ("192.0.2.10", A.RESERVED),
    # legacy numeric IPv4 spellings (inet_aton, WHATWG URL)
    ("2130706433", A.LOOPBACK),
    ("0x7f000001", A.LOOPBACK),
    ("0x7f.0.0.1", A.LOOPBACK),
    ("0177.0.0.1", A.LOOPBACK),
    ("0177.1", A.LOOPBACK),
    ("127.1", A.LOOPBACK),
    ("127.0.1", A.LOOPBACK),
    ("0", A.UNSPECIFIED),
    ("2852039166", A.METADATA),  # 169.254.169.254
    ("0xa9.0xfe.0xa9.0xfe", A.METADATA),
    ("0251.0376.0251.0376", A.METADATA),
    ("10.1", A.PRIVATE),
    ("127.0.0.1.", A.LOOPBACK),
    ("\uff11\uff12\uff17.0.0.1", A.LOOPBACK),  # full-width digits, as IDNA maps them
    ("08.0.0.1", A.HOSTNAME),  # 8 is no octal digit: not an address
    ("256.0.0.1", A.HOSTNAME),
    ("1.2.3.4.5", A.HOSTNAME),
    # IPv6
    ("::1", A.LOOPBACK),
    ("[::1]", A.LOOPBACK),
    ("0:0:0:0:0:0:0:1", A.LOOPBACK),
    ("::", A.UNSPECIFIED),
    ("[::]", A.UNSPECIFIED),
    ("::ffff:127.0.0.1", A.LOOPBACK),
    ("[::ffff:7f00:1]", A.LOOPBACK),
    ("::ffff:169.254.169.254", A.METADATA),
    ("::ffff:10.0.0.1", A.PRIVATE),
    ("::ffff:8.8.8.8", A.PUBLIC),
    ("::127.0.0.1", A.LOOPBACK),  # IPv4-compatible (deprecated)
    ("::ffff:0:7f00:1", A.LOOPBACK),  # SIIT-translated
    ("64:ff9b::7f00:1", A.LOOPBACK),  # NAT64
    ("64:ff9b::a9fe:a9fe", A.METADATA),
    ("2002:7f00:1::", A.LOOPBACK),  # 6to4 of 127.0.0.1
    ("2002:a9fe:a9fe::1", A.METADATA),
    ("2002:808:808::1", A.PUBLIC),
    ("fd00::1", A.PRIVATE),
    ("fc00::1", A.PRIVATE),
    ("fd00:ec2::254", A.METADATA),
    ("[fd00:ec2::254]", A.METADATA),
    ("fe80::1", A.LINK_LOCAL),
    ("[fe80::1%25eth0]", A.LINK_LOCAL),
    ("fe80::1%eth0", A.LINK_LOCAL),
    ("febf::1", A.LINK_LOCAL),
    ("ff02::1", A.MULTICAST),
    ("2001:db8::1", A.RESERVED),
    ("100::1", A.RESERVED),
    ("2606:4700:4700::1111", A.PUBLIC),
    ("[2001:4860:4860::8888]", A.PUBLIC),
    # names
    ("localhost", A.LOOPBACK),
    ("LOCALHOST", A.LOOPBACK),
    ("localhost.", A.LOOPBACK),
    ("api.localhost", A.LOOPBACK),
    ("localhost.localdomain", A.LOOPBACK),
    ("example.org", A.HOSTNAME),
    ("localhost.example.org", A.HOSTNAME),
    ("metadata.google.internal", A.HOSTNAME),
    ("[not-an-address]", A.HOSTNAME),
]


@pytest.mark.parametrize(("host", "expected"), ADDRESSES)
def test_classify_address(host: str, expected: AddressClass) -> None:
    assert classify_address(host) is expected


def test_classify_address_rejects_an_empty_host() -> None:
    with pytest.raises(ValueError):
        classify_address("  ")


# --------------------------------------------------------------------------------------------
# Policy
# --------------------------------------------------------------------------------------------

OPEN_NOTHING = FederationPolicy()


@pytest.mark.parametrize(("endpoint", "message"), [
    ("http://169.254.169.254/latest",
     "SERVICE <http://169.254.169.254/latest> refused: cloud metadata address (169.254.169.254) — not on the allow-list"),
    ("http://127.0.0.1:7878/query", "loopback address (127.0.0.1)"),
    ("http://[::1]/sparql", "loopback address ([::1])"),
    ("http://2130706433/", "loopback address (2130706433 = 127.0.0.1)"),
    ("http://0x7f.1/", "loopback address (0x7f.1 = 127.0.0.1)"),
    ("http://[::ffff:169.254.169.254]/", "cloud metadata address"),
    ("http://10.0.0.5/sparql", "private-network address (10.0.0.5)"),
    ("http://100.64.1.1/sparql", "private-network address (100.64.1.1)"),
    ("http://[fd12::1]/sparql", "private-network address ([fd12::1])"),
    ("http://169.254.10.1/", "link-local address (169.254.10.1)"),
    ("http://0.0.0.0:8080/", "unspecified address (0.0.0.0)"),
    ("http://localhost/sparql", "loopback address (localhost)"),
    ("https://query.wikidata.org/sparql", "host name (query.wikidata.org) — not on the allow-list, which is empty"),
    ("http://8.8.8.8/", "public address (8.8.8.8)"),
    ("http://%31%32%37.0.0.1/", "loopback address (127.0.0.1)"),
])
def test_empty_allow_list_refuses_with_the_address_class(endpoint: str, message: str) -> None:
    with pytest.raises(FederationRefused) as caught:
        OPEN_NOTHING.check(f"SELECT * WHERE {{ SERVICE <{endpoint}> {{ ?s ?p ?o }} }}")
    assert message in str(caught.value)
    assert "at line 1, column 18" in str(caught.value)
    assert caught.value.target is not None and caught.value.target.iri == endpoint


def test_refusal_is_a_kg_error_with_exit_status_2() -> None:
    assert issubclass(FederationRefused, KGError)
    assert FederationRefused.exit_code == 2


def test_variable_is_refused_even_with_an_allow_list() -> None:
    policy = FederationPolicy.from_strings(["http://127.0.0.1:7878/query"])
    with pytest.raises(FederationRefused, match=r"^SERVICE \?ep refused: a variable endpoint cannot be checked "
                                                r"before evaluation \(at line 1, column 39\)$"):
        policy.check("SELECT * WHERE { BIND(<x:y> AS ?ep) . SERVICE ?ep { } }")


def test_silent_does_not_help() -> None:
    with pytest.raises(FederationRefused, match=r"^SERVICE SILENT <http://10\.1\.1\.1/> refused: private"):
        OPEN_NOTHING.check("SELECT * WHERE { SERVICE SILENT <http://10.1.1.1/> { } }")


def test_load_is_checked_too() -> None:
    with pytest.raises(FederationRefused, match=r"^LOAD <http://169\.254\.169\.254/x> refused: cloud metadata"):
        OPEN_NOTHING.check("LOAD <http://169.254.169.254/x> INTO GRAPH <http://g.example/>")
    with pytest.raises(FederationRefused, match=r"^LOAD <file:///etc/passwd> refused: endpoints must be http\(s\)"):
        FederationPolicy(allow=("file:///etc/passwd",)).check("LOAD <file:///etc/passwd>")


LISTED = "http://127.0.0.1:7878/query"


@pytest.mark.parametrize(("target", "allowed"), [
    ("http://127.0.0.1:7878/query", True),
    ("HTTP://127.0.0.1:7878/query", True),
    ("http://127.0.0.1:7878/query#fragment", True),
    ("http://127.0.0.1:7878/other/../query", True),
    ("http://127.0.0.1:7878/Query", False),
    ("http://127.0.0.1:7878/query/", False),
    ("http://127.0.0.1:7878/query?x=1", False),
    ("http://127.0.0.1:7879/query", False),
    ("https://127.0.0.1:7878/query", False),
    ("http://localhost:7878/query", False),
    ("http://user@127.0.0.1:7878/query", False),
])
def test_listed_loopback_endpoint(target: str, allowed: bool) -> None:
    policy = FederationPolicy.from_strings([LISTED])
    query = f"SELECT * WHERE {{ SERVICE <{target}> {{ }} }}"
    if allowed:
        policy.check(query)
    else:
        with pytest.raises(FederationRefused, match="refused"):
            policy.check(query)


@pytest.mark.parametrize(("target", "allowed"), [
    ("https://Query.Wikidata.ORG/sparql", True),
    ("https://query.wikidata.org:443/sparql", True),
    ("HTTPS://query.wikidata.org:443/sparql", True),
    ("https://query.wikidata.org/sparql", True),
    ("http://query.wikidata.org/sparql", False),
    ("https://query.wikidata.org:8443/sparql", False),
    ("https://query.wikidata.org/bigdata/sparql", False),
])
def test_host_case_and_default_port_are_normalised(target: str, allowed: bool) -> None:
    policy = FederationPolicy.from_strings(["https://query.wikidata.org/sparql"])
    assert policy.allows(target) is allowed


def test_entry_with_explicit_default_port_matches_a_target_without() -> None:
    policy = FederationPolicy.from_strings(["http://EXAMPLE.org:80/sparql"])
    policy.check("SELECT * WHERE { SERVICE <http://example.org/sparql> { } }")


@pytest.mark.parametrize(("target", "allowed"), [
    ("https://data.example.org/sparql/", True),
    ("https://data.example.org/sparql/dataset1", True),
    ("https://data.example.org/sparql/a/b?x=1", True),
    ("https://DATA.example.org:443/sparql/x", True),
    ("https://data.example.org/sparql", False),
    ("https://data.example.org/sparqlx", False),
    ("https://data.example.org/sparql/../admin", False),
    ("https://data.example.org/sparql/%2e%2e/admin", False),
    ("https://data.example.org.evil.example/sparql/", False),
    ("http://data.example.org/sparql/x", False),
])
def test_prefix_entry(target: str, allowed: bool) -> None:
    policy = FederationPolicy.from_strings(["https://data.example.org/sparql/*"])
    assert policy.allows(target) is allowed


def test_allowed_endpoint_written_as_prefixed_name_or_relative_iri() -> None:
    policy = FederationPolicy.from_strings([LISTED])
    policy.check("PREFIX ep: <http://127.0.0.1:7878/>\nSELECT * WHERE { SERVICE ep:query { } }")
    policy.check("BASE <http://127.0.0.1:7878/x/y>\nSELECT * WHERE { SERVICE <../query> { } }")


def test_every_target_must_pass() -> None:
    policy = FederationPolicy.from_strings([LISTED])
    with pytest.raises(FederationRefused, match=r"SERVICE <http://10\.0\.0\.1/> refused.*line 3, column 3"):
        policy.check(f"SELECT * WHERE {{\n  SERVICE <{LISTED}> {{ }}\n  SERVICE <http://10.0.0.1/> {{ }}\n}}")


@pytest.mark.parametrize("endpoint", ["file:///etc/passwd", "ftp://127.0.0.1/x", "gopher://127.0.0.1:6379/_x",
                                      "urn:x:y", "jar:http://x.example/!/"])
def test_non_http_schemes_are_refused_even_if_listed(endpoint: str) -> None:
    policy = FederationPolicy(allow=(endpoint,))
    with pytest.raises(FederationRefused, match=r"endpoints must be http\(s\), not "):
        policy.check(f"SELECT * WHERE {{ SERVICE <{endpoint}> {{ }} }}")


def test_relative_target_without_base_is_refused() -> None:
    with pytest.raises(FederationRefused, match=r"endpoints must be http\(s\) IRIs, and this one is relative"):
        FederationPolicy.from_strings([LISTED]).check("SELECT * WHERE { SERVICE <query> { } }")


def test_unknown_prefix_is_refused_by_check() -> None:
    with pytest.raises(FederationRefused, match=r"^SERVICE refused: unknown prefix 'nope:' in nope:x \(at line 1"):
        OPEN_NOTHING.check("SELECT * WHERE { SERVICE nope:x { } }")


@pytest.mark.parametrize("query", [
    "SELECT * WHERE { ?s ?p ?o }",
    EX + 'SELECT ?service WHERE { ?service ex:SERVICE "SERVICE <http://169.254.169.254/>" } # SERVICE ?x',
    "INSERT DATA { <http://a.example/s> <http://a.example/p> 'LOAD <http://169.254.169.254/>' }",
    "CLEAR GRAPH <http://a.example/g> ; DROP SILENT ALL",
])
def test_queries_without_outbound_targets_pass(query: str) -> None:
    assert service_targets(query, PREFIXES) == []
    OPEN_NOTHING.check(query)


@pytest.mark.parametrize(("entry", "problem"), [
    ("ftp://x", "only http:// and https://"),
    ("file:///etc/passwd", "only http:// and https://"),
    ("example.org/sparql", "only http:// and https://"),
    ("http://user:pw@host/", "user information"),
    ("http://user@host/", "user information"),
    ("http://host/#frag", "fragment"),
    ("http://host/sparql#", "fragment"),
    ("http://host:99999/", "invalid port"),
    ("http://host:x/", "invalid port"),
    ("http:///nohost", "no host"),
    ("http://host*", "must end in a path"),
    ("http://*.example.org/", "'*' may only end an entry"),
    ("http://host/a b", "whitespace"),
    ("", "empty"),
])
def test_from_strings_rejects_bad_entries(entry: str, problem: str) -> None:
    with pytest.raises(ValueError, match=re.escape(problem)) as caught:
        FederationPolicy.from_strings(["http://fine.example/sparql", entry])
    assert repr(entry) in str(caught.value)


def test_from_strings_accepts_and_strips() -> None:
    policy = FederationPolicy.from_strings([" https://a.example/sparql ", "http://[::1]:7878/query", "https://b.example/x/*"])
    assert policy.allow == ("https://a.example/sparql", "http://[::1]:7878/query", "https://b.example/x/*")
    assert policy.allows("http://[::1]:7878/query")
    assert FederationPolicy.from_strings([]) == FederationPolicy()


# --------------------------------------------------------------------------------------------
# Cost and isolation
# --------------------------------------------------------------------------------------------

@pytest.mark.parametrize("query", [
    pytest.param("SELECT * WHERE {\n" + "  ?s <http://example.org/p> \"a long 'string' with SERVICE\" . # c\n" * 20000
                 + "}", id="long-query"),
    pytest.param("SELECT * WHERE { FILTER(" + "?a <" * 50000 + "?b) }", id="many-less-than"),
    pytest.param("SELECT * WHERE { ?s ?p '''" + "\\'" * 100000 + " }", id="unterminated-long-string"),
    pytest.param("SELECT * WHERE { ?s ?p \"" + "a" * 300000, id="unterminated-string"),
    pytest.param("PREFIX ex: <http://e/> SELECT * { ?s ex:" + "a." * 100000 + " ?o }", id="dotted-local-name"),
    pytest.param("SELECT * { ?s ?p <" + "a" * 300000 + " }", id="unclosed-iri"),
    pytest.param("SELECT * { " + "servicex " * 20000 + "}", id="many-service-like-words"),
    pytest.param("SELECT * { " + "a." * 50000 + " } # service", id="dotted-words"),
    pytest.param("SELECT * { " + "servicea." * 20000 + " }", id="dotted-service-words"),
    pytest.param("SELECT * { " + "prefixa." * 20000 + " } # service", id="dotted-prefix-words"),
    pytest.param("SELECT * WHERE {\n" + "  ?s <http://example.org/p> ?o . FILTER(?o > 3)\n" * 30000 + "}",
                 id="long-query-without-service"),
])
def test_check_is_fast(query: str) -> None:
    started = time.perf_counter()
    OPEN_NOTHING.check(query)
    assert time.perf_counter() - started < 2.0


@pytest.mark.parametrize("module", ["federation", "sparql_scan", "addresses", "outbound", "rfc3986"])
def test_module_has_no_network_imports(module: str) -> None:
    tree = ast.parse((Path(federation.__file__).parent / f"{module}.py").read_text(encoding="utf-8"))
    imported = {alias.name.split(".")[0] for node in ast.walk(tree) if isinstance(node, ast.Import)
                for alias in node.names}
    imported |= {(node.module or "").split(".")[0] for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)}
    assert not imported & {"socket", "http", "urllib", "requests", "ssl", "asyncio", "pyoxigraph"}

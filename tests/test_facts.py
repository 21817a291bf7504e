"""Stage 4, facts of the founding release: posts, the visit, figures, quotes, cooperation,
programmes — each with the sentence that states it and the words that are its evidence."""

from __future__ import annotations

from decimal import Decimal

import pytest
from rdflib import Literal, URIRef
from rdflib.namespace import XSD

from kg.extract.facts import Analysis, Fact
from kg.graph import iri
from kg.graph.vocab import DCTERMS, KG, ORG, RDF, SDO

SLUG = "2022-11-09-delegasi-kemensos-fukuoka"
VISIT = iri.entity(f"visit/{SLUG}")


def E(key: str) -> URIRef:
    return iri.entity(key)


@pytest.fixture(scope="module")
def facts(founding: Analysis) -> list[Fact]:
    return founding.facts


@pytest.fixture(scope="module")
def triples(facts: list[Fact]) -> set[tuple]:
    return {(f.s, f.p, f.o) for f in facts}


def objects(triples: set[tuple], s, p) -> set:
    return {o for s2, p2, o in triples if s2 == s and p2 == p}


def subjects(triples: set[tuple], p, o) -> set:
    return {s for s, p2, o2 in triples if p2 == p and o2 == o}


def facts_about(facts: list[Fact], s, p, o) -> list[Fact]:
    return [f for f in facts if f.s == s and f.p == p and f.o == o]


# -- posts ------------------------------------------------------------------------------------------


def test_harry_hikmat_is_sekretaris_jenderal_of_kementerian_sosial(facts: list[Fact], triples: set[tuple]) -> None:
    posts = objects(triples, E("person/harry-hikmat"), ORG.holds)
    assert posts == {E("post/kementerian-sosial--sekretaris-jenderal")}
    [post] = posts
    assert objects(triples, post, ORG.postIn) == {E("org/kementerian-sosial")}
    assert objects(triples, post, ORG.role) == {E("role/sekretaris-jenderal")}
    assert (post, RDF.type, KG.Post) in triples
    [fact] = facts_about(facts, E("person/harry-hikmat"), ORG.holds, post)
    assert fact.sentence.text == "Delegasi Kemensos dipimpin oleh Sekretaris Jenderal Harry Hikmat."
    assert {m.text for m in fact.evidence} == {"Sekretaris Jenderal", "Harry Hikmat"}


@pytest.mark.parametrize(
    ("person", "sentra", "place"),
    [
        ("rachmad-koesnadi", "sentra-kartini", "temanggung"),
        ("agung-hendrawan", "sentra-abiyoso", "cimahi"),
        ("romal-uli-jaya-sinaga", "sentra-handayani", "jakarta"),
        ("cup-santo", "sentra-phalamartha", "sukabumi"),
    ],
)
def test_kepala_sentra_posts(facts: list[Fact], triples: set[tuple], person: str, sentra: str, place: str) -> None:
    post = E(f"post/{sentra}--kepala-sentra")
    assert objects(triples, E(f"person/{person}"), ORG.holds) == {post}
    assert objects(triples, post, ORG.postIn) == {E(f"org/{sentra}")}
    assert objects(triples, post, ORG.role) == {E("role/kepala-sentra")}
    assert objects(triples, E(f"person/{person}"), ORG.headOf) == {E(f"org/{sentra}")}
    assert objects(triples, E(f"org/{sentra}"), KG.basedIn) == {E(f"place/{place}")}
    assert objects(triples, E(f"org/{sentra}"), ORG.unitOf) == {E("org/kementerian-sosial")}
    assert (E(f"org/{sentra}"), RDF.type, KG.Sentra) in triples
    [based] = [f for f in facts if f.s == E(f"org/{sentra}") and f.p == KG.basedIn]
    assert based.rule == "organisation-di-place"


def test_exactly_four_kepala_sentra_posts(triples: set[tuple]) -> None:
    posts = {s for s in subjects(triples, ORG.role, E("role/kepala-sentra")) if (s, RDF.type, KG.Post) in triples}
    assert len(posts) == 4


def test_emi_tanaka_is_presiden_and_ceo_of_pt_sun_aqua_toto(triples: set[tuple]) -> None:
    posts = objects(triples, E("person/emi-tanaka"), ORG.holds)
    assert posts == {E("post/pt-sun-aqua-toto--presiden"), E("post/pt-sun-aqua-toto--ceo")}
    for post, role in [(E("post/pt-sun-aqua-toto--presiden"), "presiden"), (E("post/pt-sun-aqua-toto--ceo"), "ceo")]:
        assert objects(triples, post, ORG.postIn) == {E("org/pt-sun-aqua-toto")}
        assert objects(triples, post, ORG.role) == {E(f"role/{role}")}
    assert (E("org/pt-sun-aqua-toto"), RDF.type, KG.Company) in triples
    assert not [t for t in triples if "emi-tanaka" in str(t[0]) and "/org/" in str(t[0])]


def test_pt_sun_aqua_toto_is_part_of_toto(facts: list[Fact], triples: set[tuple]) -> None:
    assert objects(triples, E("org/pt-sun-aqua-toto"), ORG.subOrganizationOf) == {E("org/toto")}
    [fact] = facts_about(facts, E("org/pt-sun-aqua-toto"), ORG.subOrganizationOf, E("org/toto"))
    assert "anak perusahaan produk Toto" in fact.sentence.text


# -- the visit --------------------------------------------------------------------------------------


def test_visit_leader(facts: list[Fact], triples: set[tuple]) -> None:
    assert (VISIT, RDF.type, KG.Visit) in triples
    assert objects(triples, VISIT, KG.leader) == {E("person/harry-hikmat")}
    assert objects(triples, VISIT, KG.delegationOf) == {E("org/kementerian-sosial")}
    [fact] = facts_about(facts, VISIT, KG.leader, E("person/harry-hikmat"))
    assert fact.sentence.raw_start == 387


def test_visit_members(triples: set[tuple]) -> None:
    members = {
        E(f"person/{key}")
        for key in ("suhadi-lili", "rachmad-koesnadi", "agung-hendrawan", "romal-uli-jaya-sinaga", "cup-santo", "rabiah")
    }
    assert objects(triples, VISIT, KG.member) == members
    assert objects(triples, VISIT, SDO.attendee) == members
    assert E("person/harry-hikmat") not in objects(triples, VISIT, KG.member)


def test_visit_date_and_place_from_the_dateline(triples: set[tuple]) -> None:
    assert objects(triples, VISIT, SDO.startDate) == {Literal("2022-11-09", datatype=XSD.date)}
    assert objects(triples, VISIT, SDO.location) == {E("place/fukuoka")}


@pytest.mark.parametrize(
    ("org", "host"),
    [("pt-sun-aqua-toto", "emi-tanaka"), ("pusat-rehabilitasi-anak-kitakyushu", "yuko-tomoguchi")],
)
def test_hosts_of_the_sub_visits(triples: set[tuple], org: str, host: str) -> None:
    part = E(f"visit/{SLUG}/{org}")
    assert objects(triples, part, KG.visited) == {E(f"org/{org}")}
    assert objects(triples, part, KG.host) == {E(f"person/{host}")}
    assert part in objects(triples, VISIT, SDO.subEvent)
    assert objects(triples, part, SDO.superEvent) == {VISIT}


def test_exactly_two_sub_visits(triples: set[tuple]) -> None:
    assert len(objects(triples, VISIT, SDO.subEvent)) == 2


# -- figures ------------------------------------------------------------------------------------------


def _statistic(triples: set[tuple], value: Literal) -> URIRef:
    found = subjects(triples, SDO.value, value)
    assert len(found) == 1, found
    return next(iter(found))


def test_250000_beneficiaries(facts: list[Fact], triples: set[tuple]) -> None:
    stat = _statistic(triples, Literal(250000, datatype=XSD.integer))
    assert (stat, RDF.type, KG.Statistic) in triples
    [value] = objects(triples, stat, SDO.value)
    assert value.datatype == XSD.integer and value.toPython() == 250000
    [minimum] = objects(triples, stat, SDO.minValue)
    assert minimum.datatype == XSD.integer and minimum.toPython() == 250000
    assert objects(triples, stat, SDO.maxValue) == set()
    assert objects(triples, stat, KG.qualifier) == {Literal("lebih dari", lang="id")}
    assert objects(triples, stat, KG.referenceYear) == {Literal("2022", datatype=XSD.gYear)}
    assert objects(triples, stat, KG.statisticOf) == {E("program/atensi")}
    assert objects(triples, stat, KG.counts) == {Literal("penerima manfaat", lang="id")}
    [fact] = facts_about(facts, stat, SDO.value, value)
    assert "250.000" in fact.sentence.text


def test_3000_events_have_a_lower_bound_and_no_reference_year(triples: set[tuple]) -> None:
    stat = _statistic(triples, Literal(3000, datatype=XSD.integer))
    assert objects(triples, stat, SDO.minValue) == {Literal(3000, datatype=XSD.integer)}
    assert objects(triples, stat, KG.qualifier) == {Literal("lebih dari", lang="id")}
    assert objects(triples, stat, KG.referenceYear) == set()


def test_2_3_percent_is_a_decimal(triples: set[tuple]) -> None:
    decimals = [o for s, p, o in triples if p == SDO.value and isinstance(o, Literal) and o.datatype == XSD.decimal]
    assert [d.toPython() for d in decimals] == [Decimal("2.3")]
    stat = _statistic(triples, decimals[0])
    assert objects(triples, stat, SDO.unitCode) == {Literal("P1")}


def test_years_are_not_statistics(triples: set[tuple]) -> None:
    values = {o.toPython() for s, p, o in triples if p == SDO.value and isinstance(o, Literal)}
    assert values == {3000, 90, 160, 65, Decimal("2.3"), 3, 250000, 31}
    assert 2022 not in values and 9 not in values


def test_share_inconsistency(facts: list[Fact], triples: set[tuple]) -> None:
    findings = subjects(triples, RDF.type, KG.Inconsistency)
    assert len(findings) == 1
    [finding] = findings
    assert objects(triples, finding, KG.statedValue) == {Literal("65", datatype=XSD.decimal)}
    [computed] = objects(triples, finding, KG.computedValue)
    assert computed.datatype == XSD.decimal and computed.toPython() == Decimal("56.25")
    share = _statistic(triples, Literal(65, datatype=XSD.integer))
    part = _statistic(triples, Literal(90, datatype=XSD.integer))
    whole = _statistic(triples, Literal(160, datatype=XSD.integer))
    assert objects(triples, finding, KG.concerns) == {share}
    assert objects(triples, finding, KG.basedOn) == {part, whole}
    assert (part, KG.partOf, whole) in triples
    assert (share, KG.statedShareOf, part) in triples
    about_finding = [f for f in facts if f.s == finding]
    assert about_finding and all(f.derived for f in about_finding)
    # stated figures are not derived
    assert not [f for f in facts if f.s in (share, part, whole) and f.derived]


def test_65_percent_exceeds_the_2_3_percent_quota(triples: set[tuple]) -> None:
    share = _statistic(triples, Literal(65, datatype=XSD.integer))
    quota = _statistic(triples, Literal("2.3", datatype=XSD.decimal))
    assert (share, KG.exceeds, quota) in triples


# -- quotes -------------------------------------------------------------------------------------------


def test_quotes_are_attributed_to_harry(facts: list[Fact], triples: set[tuple]) -> None:
    quotes = subjects(triples, RDF.type, KG.Quote)
    assert len(quotes) == 5
    for quote in quotes:
        assert objects(triples, quote, KG.speaker) == {E("person/harry-hikmat")}
    texts = {str(o) for q in quotes for o in objects(triples, q, SDO.text)}
    assert "Atas arahan Menteri Sosial Tri Rismaharini, kami mengembangkan lumbung sosial untuk mendekatkan " \
           "bantuan logistik ke lokasi bencana" in texts
    rules = {str(o): f.rule for f in facts if f.p == KG.speaker for o in objects(triples, f.s, SDO.text)}
    katanya = {text for text, rule in rules.items() if rule == "speech-verb-nya-last-speaker"}
    assert len(katanya) == 3
    assert any(text.startswith("Kami berharap, dapat menjalin kerjasama") for text in katanya)
    assert any(text.startswith("Tahun 2022, program ini") for text in katanya)
    assert any(text.startswith("Kami ikut menghadirkan beberapa kepala sentra") for text in katanya)


# -- cooperation ------------------------------------------------------------------------------------------


def _cooperations_with(triples: set[tuple], partner: str) -> set:
    return {s for s in subjects(triples, KG.partner, E(partner)) if (s, RDF.type, KG.Cooperation) in triples}


def test_established_cooperation_with_chiba_institute_of_science(triples: set[tuple]) -> None:
    [coop] = _cooperations_with(triples, "org/chiba-institute-of-science")
    assert objects(triples, coop, KG.topic) == {Literal("pengelolaan resiko bencana", lang="id")}
    assert objects(triples, coop, KG.cooperationStatus) == {KG.Established}
    assert E("org/kementerian-sosial") in objects(triples, coop, KG.partner)
    assert not _cooperations_with(triples, "org/chiba-institute-of-technology")


def test_hoped_cooperation_with_fukuoka_and_kitakyushu(triples: set[tuple]) -> None:
    [coop] = _cooperations_with(triples, "org/pemerintah-provinsi-fukuoka")
    partners = objects(triples, coop, KG.partner)
    assert {E("org/pemerintah-provinsi-fukuoka"), E("org/pemerintah-kota-kitakyushu"),
            E("org/kementerian-sosial")} <= partners
    assert objects(triples, coop, KG.cooperationStatus) == {KG.Hoped}


# -- programmes -----------------------------------------------------------------------------------------


def test_atensi_has_three_approaches(triples: set[tuple]) -> None:
    approaches = objects(triples, E("program/atensi"), KG.approach)
    assert approaches == {E(f"approach/atensi/{name}") for name in ("keluarga", "komunitas", "residential")}
    for approach in approaches:
        assert (approach, RDF.type, KG.Approach) in triples
    assert objects(triples, E("program/atensi"), SDO.provider) == {E("org/kementerian-sosial")}


def test_directive_of_tri_rismaharini_concerns_lumbung_sosial(triples: set[tuple]) -> None:
    directives = subjects(triples, KG.issuedBy, E("person/tri-rismaharini"))
    assert len(directives) == 1
    [directive] = directives
    assert (directive, RDF.type, KG.Directive) in triples
    assert objects(triples, directive, KG.concerns) == {E("program/lumbung-sosial")}
    assert objects(triples, E("program/lumbung-sosial"), KG.purpose) == {
        Literal("mendekatkan bantuan logistik ke lokasi bencana", lang="id")
    }


def test_tri_rismaharini_is_menteri_sosial(triples: set[tuple]) -> None:
    assert objects(triples, E("person/tri-rismaharini"), ORG.holds) == {E("post/kementerian-sosial--menteri-sosial")}
    assert objects(triples, E("person/tri-rismaharini"), ORG.headOf) == {E("org/kementerian-sosial")}


# -- the document -------------------------------------------------------------------------------------


def test_document_date_place_and_publisher(triples: set[tuple]) -> None:
    doc = iri.document(SLUG)
    assert objects(triples, doc, DCTERMS.issued) == {Literal("2022-11-09", datatype=XSD.date)}
    assert objects(triples, doc, KG.dateline) == {E("place/fukuoka")}
    assert objects(triples, doc, DCTERMS.publisher) == {E("org/biro-hubungan-masyarakat-kemensos")}


# -- provenance of every fact ------------------------------------------------------------------------------


def test_every_fact_has_a_rule_and_a_sentence(founding: Analysis, facts: list[Fact]) -> None:
    assert facts
    for fact in facts:
        assert fact.rule
        assert fact.sentence in founding.sentences


def test_evidence_lies_in_the_stated_sentence_or_one_before_it(facts: list[Fact]) -> None:
    """Rules may cite earlier words ("program ini", "Hal ini", "hari ini" → the dateline), never later ones."""
    later = [
        (f.rule, f.sentence.text[:40], m.text)
        for f in facts
        for m in f.evidence
        if m.end > f.sentence.end
    ]
    assert later == []


def test_evidence_outside_the_sentence_is_only_cross_sentence_rules(facts: list[Fact]) -> None:
    rules = {f.rule for f in facts for m in f.evidence if m.start < f.sentence.start}
    assert rules <= {"visit-today-is-dateline-date", "anak-perusahaan", "figure-of-ini-reference",
                     "hal-ini-melebihi", "received-by", "visit-place-of-organisation", "visit-date-from-dateline",
                     "visit-place-from-dateline", "approaches-list", "figure-of-previous-sentence-topic"}

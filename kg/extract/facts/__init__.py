"""Stage 4: facts. Each module holds the rules for one kind of fact and is run in this order,
because later rules read what earlier ones found (posts tell whose organisation "kami" is)."""

from kg.extract.facts import cooperation, document_meta, named, posts, programs, quotes, statistics, visits
from kg.extract.facts.base import Analysis, Fact

RULES = (document_meta, named, posts, quotes, visits, cooperation, programs, statistics)


def extract_facts(analysis: Analysis) -> list[Fact]:
    for module in RULES:
        module.extract(analysis)
    return analysis.facts


__all__ = ["Analysis", "Fact", "extract_facts", "RULES"]

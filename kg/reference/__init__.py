"""Curated reference data, kept apart from extracted facts, each row with its source: the lexicons
(`lexicon`) and the reference graph built from them (`graph`). May import `kg.graph` only."""

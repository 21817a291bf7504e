"""Places abroad: countries with their Indonesian names, large cities and capitals, and city names
that are Indonesian words kept out."""

from __future__ import annotations

from kg.reference.lexicon import load_lexicon


def test_capitals_abroad_are_places_and_city_names_that_are_indonesian_words_are_not() -> None:
    lexicon = load_lexicon()
    assert lexicon.place_by_name("New Delhi").kind == "City"  # a capital of fewer than 500,000 people
    assert all(lexicon.place_by_name(word) is None for word in ("Lima", "Surat", "Kasur", "Bursa", "Asmara"))

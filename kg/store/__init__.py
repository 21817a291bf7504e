"""The persistent pyoxigraph store: generations behind an atomically swapped `current` link
(`generations`), bulk loading (`loader`), the default graph as a set (`merged`), the in-memory copy served by the workers (`snapshot`) and
publishing to another SPARQL store (`publish`, over `gsp`, remembering what was sent in `published`).
May import `kg.graph` only."""

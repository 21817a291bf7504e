"""The persistent pyoxigraph store: generations behind an atomically swapped `current` link
(`generations`), bulk loading (`loader`), the default graph as a set (`merged`) and the in-memory copy served by the workers (`snapshot`).
May import `kg.graph` only."""

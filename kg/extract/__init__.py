"""Text to facts: document → normalised text and sentences → mentions → entities → facts, one module a
stage (`pipeline` runs them on one document). May import `kg.reference` and `kg.graph`; never the
store, the build or the query side."""

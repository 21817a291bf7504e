"""Facts to RDF: one release's graph with its provenance (`render`), people resolved across releases
(`resolution`) and the triples the ontology's axioms entail (`derive`). May import `kg.extract`,
`kg.reference` and `kg.graph`."""

"""Validation against the ontology's SHACL shapes: pySHACL over a whole graph (`shacl`), a fast
evaluator of the SHACL Core the shapes use (`shapes`, built from `shape_compiler`, `constraints`,
`triple_index` and `report`), and a build's running verdict (`conformance`). May import `kg.graph`
only."""

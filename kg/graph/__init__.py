"""The terms of the graph: namespaces (`vocab`), where every IRI and entity key is minted (`iri`),
N-Triples text (`ntriples`), and which triples are a release's provenance record (`records`).
The bottom layer: imports nothing of `kg` but `kg.errors`."""

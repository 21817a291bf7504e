"""The terms of the graph: namespaces (`vocab`), where every IRI and entity key is minted (`iri`),
and N-Triples text (`ntriples`). The bottom layer: imports nothing of `kg` but `kg.errors`."""

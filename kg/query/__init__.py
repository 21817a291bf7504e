"""Answering queries: evaluation with time limits (`evaluator`), result formats and row caps
(`results`), the result cache (`result_cache`), which queries the in-memory copy can answer without the
records it leaves on disk (`records_reach`, on the tokens of `sparql_scan`) and the SERVICE policy (`federation`, with its
SPARQL scan `sparql_scan`, IRI resolution `rfc3986`, address classes `addresses` and refused targets
`outbound`). Reads the store through `kg.store`; may import `kg.store` and `kg.graph`, never the
extractor or the build."""

"""Answering queries: evaluation with time limits (`evaluator`), result formats and row caps
(`results`), the result cache (`result_cache`) and the SERVICE policy (`federation`). Reads the store
through `kg.store`; may import `kg.store` and `kg.graph`, never the extractor or the build."""

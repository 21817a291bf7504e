"""Orchestrating a build: inputs (`inputs`), per-release surveys and cached analyses (`survey`,
`cache`), worker processes (`workers`), one release's quads (`emit`), the streaming build into a new
store generation (`builder`) and the in-memory equivalent (`dataset`). May import every layer below
it (`extract`, `rdf`, `reference`, `validate`, `store`, `graph`); nothing but `kg.cli` imports it."""

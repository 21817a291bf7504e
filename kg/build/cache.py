"""Incremental builds: the analysis of a document is kept, keyed by its bytes and by the code and
lexicons that analysed it, so a rebuild re-extracts only documents that are new or changed.

Everything after extraction (resolution across documents, RDF, derived triples, validation) depends
on all documents together: a build reads each analysis back from here for it, rather than keeping them all
in memory, unless all that changed is new documents (`kg.build.incremental`). Entries no build asks
for are removed at the end of a build, so a removed document leaves nothing behind.
"""

from __future__ import annotations

import hashlib
import pickle
from functools import lru_cache
from pathlib import Path

from kg.extract.facts import Analysis
from kg.reference.lexicon import load_lexicon
from kg.store.leftovers import temporary_file

PACKAGE = Path(__file__).resolve().parent.parent


@lru_cache(maxsize=1)
def pipeline_fingerprint() -> str:
    """Hash of every source file and lexicon of the package: a change to either invalidates the cache."""
    digest = hashlib.sha256()
    for path in sorted(p for p in PACKAGE.rglob("*") if p.suffix in (".py", ".csv", ".txt") and p.is_file()):
        digest.update(path.relative_to(PACKAGE).as_posix().encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


class AnalysisCache:
    """Pickled analyses in one folder; `hits` and `misses` count what a build reused.

    `get` and `put` keep count themselves. Worker processes use `load` and `save`, which do not,
    and the process owning the cache counts their work with `record`.
    """

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.hits = 0
        self.misses = 0
        self._used: set[str] = set()

    def key(self, raw: bytes) -> str:
        return f"{hashlib.sha256(raw).hexdigest()[:32]}-{pipeline_fingerprint()}"

    def record(self, key: str, hit: bool) -> None:
        """Count one document's lookup and keep its entry from `prune`."""
        self._used.add(key)
        if hit:
            self.hits += 1
        else:
            self.misses += 1

    def load(self, key: str) -> Analysis | None:
        path = self.folder / f"{key}.pickle"
        try:
            with path.open("rb") as handle:
                analysis: Analysis = pickle.load(handle)
        except (OSError, pickle.UnpicklingError, EOFError, AttributeError):
            return None
        analysis.lexicon = load_lexicon()
        return analysis

    def save(self, key: str, analysis: Analysis) -> None:
        """Store before anything mutates the analysis (resolution across documents does)."""
        self.folder.mkdir(parents=True, exist_ok=True)
        lexicon, analysis.lexicon = analysis.lexicon, None  # type: ignore[assignment]
        try:  # a locked temporary file: a killed build's is swept (kg.store.leftovers), a live one's is not
            with temporary_file(self.folder / f"{key}.pickle") as handle:
                pickle.dump(analysis, handle, protocol=pickle.HIGHEST_PROTOCOL)
        finally:
            analysis.lexicon = lexicon

    def get(self, raw: bytes) -> Analysis | None:
        key = self.key(raw)
        analysis = self.load(key)
        self.record(key, analysis is not None)
        return analysis

    def put(self, raw: bytes, analysis: Analysis) -> None:
        self.save(self.key(raw), analysis)

    def prune(self) -> None:
        """Drop entries this build did not use (removed or changed documents, older code)."""
        if self.folder.exists():
            for path in self.folder.glob("*.pickle"):
                if path.stem not in self._used:
                    path.unlink(missing_ok=True)

"""What a build reads: files as given, folders searched for .txt and .html, pages and URLs turned into
text documents first (`kg.extract.ingest`). The bundled corpus is the default.

Every input, whatever its kind, is held to one size limit before it is read, and an input whose bytes
are those of an earlier one is left out and counted: the analysis cache is keyed by a document's bytes,
so a copy under another name would otherwise be built as its original, silently."""

from __future__ import annotations

import codecs
import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from kg.errors import DocumentError
from kg.extract import ingest
from kg.extract.document import MAX_BYTES

DEFAULT_CORPUS = Path(__file__).resolve().parent.parent.parent / "corpus"
HTML_SUFFIXES = {".html", ".htm"}
INPUT_SUFFIXES = {".txt"} | HTML_SUFFIXES


@dataclass
class Inputs:
    """The text documents to build, one per distinct input, and what was left out as a copy."""

    documents: list[Path] = field(default_factory=list)
    duplicates: list[tuple[str, str]] = field(default_factory=list)  # (input, the earlier input with its bytes)
    kept: set[Path] = field(default_factory=set)  # what this build read or wrote in the sources folder
    _seen: dict[str, str] = field(default_factory=dict)  # digest of an input's bytes -> its name

    @property
    def given(self) -> int:
        return len(self.documents) + len(self.duplicates)

    def is_copy(self, name: str, data: bytes) -> bool:
        """Whether `data` are the bytes of an earlier input (then counted as its duplicate)."""
        digest = hashlib.sha256(data).hexdigest()
        if digest in self._seen:
            self.duplicates.append((name, self._seen[digest]))
            return True
        self._seen[digest] = name
        return False


def gather_inputs(inputs: Sequence[str | Path], sources_dir: Path | None = None,
                  max_bytes: int = MAX_BYTES) -> Inputs:
    """Text files as given; folders searched recursively for .txt and .html files; HTML files and
    http(s) URLs turned into text documents (kept, with the page, in `sources_dir`). Sorted per folder.
    An input larger than `max_bytes` is an error naming it; a copy of an earlier input is left out."""
    items = list(inputs) or [DEFAULT_CORPUS]
    gathered = Inputs()
    for item in items:
        if isinstance(item, str) and ingest.is_url(item):
            page = ingest.fetch(item, max_bytes=max_bytes)
            if not gathered.is_copy(item, page.html.encode("utf-8")):
                _add(gathered, ingest.materialise(page, _sources(sources_dir)))
            continue
        path = Path(item)
        if path.is_dir():
            for child in sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in INPUT_SUFFIXES):
                _add_file(gathered, child, sources_dir, max_bytes)
        elif path.is_file():
            _add_file(gathered, path, sources_dir, max_bytes)
        else:
            raise DocumentError(f"no such file, folder or URL: {item}")
    if not gathered.documents:
        raise DocumentError(f"no documents (*.txt, *.html) in {', '.join(map(str, items))}")
    return gathered


def collect_inputs(inputs: Sequence[str | Path], sources_dir: Path | None = None) -> list[Path]:
    """The text documents of `gather_inputs`, under the default size limit."""
    return gather_inputs(inputs, sources_dir).documents


def prune_sources(sources_dir: Path, gathered: Inputs) -> int:
    """Remove the pages and text documents an earlier build kept in `sources_dir` for releases this
    build no longer has; returns how many files went."""
    if not sources_dir.is_dir():
        return 0
    removed = 0
    for path in sources_dir.iterdir():
        if path.suffix.lower() in INPUT_SUFFIXES and path.is_file() and path.resolve() not in gathered.kept:
            path.unlink(missing_ok=True)
            removed += 1
    return removed


def _sources(sources_dir: Path | None) -> Path:
    if sources_dir is None:
        raise DocumentError("HTML pages and URLs need a folder to keep their text in (a store to build into)")
    return sources_dir


def _add(gathered: Inputs, document: Path, resolved: Path | None = None) -> None:
    """A text document to build (`resolved`: its resolved path, if known); a page's text keeps the page beside
    it (`ingest.materialise`)."""
    resolved = resolved or document.resolve()
    gathered.documents.append(document)
    gathered.kept.update({resolved, resolved.with_suffix(".html")})


def _add_file(gathered: Inputs, path: Path, sources_dir: Path | None, max_bytes: int) -> None:
    resolved = path.resolve()  # once: resolving is a tenth of a rebuild's fixed cost at 20,000 releases
    gathered.kept.add(resolved)  # an input given from inside the sources folder is the user's
    try:
        size = path.stat().st_size
        if size > max_bytes:
            raise DocumentError(ingest.too_large(str(path), size, max_bytes))
        data = path.read_bytes()
    except OSError as exc:
        raise DocumentError(f"cannot read {path}: {exc.strerror or exc}") from exc
    is_html = path.suffix.lower() in HTML_SUFFIXES
    # a text document is keyed by its text (a byte-order mark is no part of it); a page by its bytes
    if gathered.is_copy(str(path), data if is_html else data.removeprefix(codecs.BOM_UTF8)):
        return
    if is_html:
        _add(gathered, ingest.html_file_to_text(path, _sources(sources_dir), max_bytes))
    else:
        _add(gathered, path, resolved)

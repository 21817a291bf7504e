"""What a build reads: files as given, folders searched for .txt and .html, pages and URLs turned into
text documents first (`kg.extract.ingest`). The bundled corpus is the default."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from kg.errors import DocumentError
from kg.extract import ingest

DEFAULT_CORPUS = Path(__file__).resolve().parent.parent.parent / "corpus"
HTML_SUFFIXES = {".html", ".htm"}
INPUT_SUFFIXES = {".txt"} | HTML_SUFFIXES


def collect_inputs(inputs: Sequence[str | Path], sources_dir: Path | None = None) -> list[Path]:
    """Text files as given; folders searched recursively for .txt and .html files; HTML files and
    http(s) URLs turned into text documents (kept, with the page, in `sources_dir`). Sorted per folder."""
    items = list(inputs) or [DEFAULT_CORPUS]
    found: list[Path] = []
    for item in items:
        if isinstance(item, str) and ingest.is_url(item):
            found.append(ingest.materialise(ingest.fetch(item), _sources(sources_dir)))
            continue
        path = Path(item)
        if path.is_dir():
            for child in sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in INPUT_SUFFIXES):
                found.append(_as_text(child, sources_dir))
        elif path.is_file():
            found.append(_as_text(path, sources_dir))
        else:
            raise DocumentError(f"no such file, folder or URL: {item}")
    if not found:
        raise DocumentError(f"no documents (*.txt, *.html) in {', '.join(map(str, items))}")
    return found


def _sources(sources_dir: Path | None) -> Path:
    if sources_dir is None:
        raise DocumentError("HTML pages and URLs need a folder to keep their text in (a store to build into)")
    return sources_dir


def _as_text(path: Path, sources_dir: Path | None) -> Path:
    return ingest.html_file_to_text(path, _sources(sources_dir)) if path.suffix.lower() in HTML_SUFFIXES else path

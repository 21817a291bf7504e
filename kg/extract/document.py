"""Reading a press release file: its header block, its raw text and a stable slug.

The raw text (UTF-8 decoded, nothing else changed) is the reference for every character
offset in the graph, so it is kept exactly as read.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path

from kg.errors import DocumentError
from kg.graph.iri import slugify

#: a header line: one word (letters, digits, "-" or "_") as its key, as `source2:`, `extent:`, `note:`
HEADER_LINE = re.compile(r"^([A-Za-z][A-Za-z0-9_-]*):[ \t]*(.*)$")
#: the size limit of every input (text file, HTML file, fetched page) unless a build is told another
MAX_BYTES = 2_000_000


@dataclass(frozen=True)
class Document:
    """One press release: where it came from, its text and the part of it that is the article."""

    slug: str
    path: Path
    raw: str
    body_start: int
    header: dict[str, str] = field(default_factory=dict)

    @property
    def body(self) -> str:
        return self.raw[self.body_start :]

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.raw.encode("utf-8")).hexdigest()



def parse_header(raw: str) -> tuple[dict[str, str], int]:
    """A leading block of `key: value` lines ended by a blank line, as in the dev corpus."""
    header: dict[str, str] = {}
    pos = 0
    for line in raw.splitlines(keepends=True):
        match = HEADER_LINE.match(line.rstrip("\r\n"))
        if match:
            header[match.group(1).lower()] = match.group(2).strip()
            pos += len(line)
            continue
        if header and not line.strip():
            pos += len(line)
        break
    if not header:
        return {}, 0
    return header, pos


def document_slug(path: Path, header: dict[str, str]) -> str:
    """Date plus title words when the header gives them, otherwise the file name."""
    if header.get("date") and header.get("title"):
        return f"{header['date']}-{slugify(header['title'], 6)}"
    return slugify(path.stem, 12) or "document"


def read_document(path: Path, max_bytes: int = MAX_BYTES) -> Document:
    """Read and decode one file; a file that is not UTF-8 text, or larger than `max_bytes`, is refused with its name."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise DocumentError(f"cannot read {path}: {exc.strerror or exc}") from exc
    if len(data) > max_bytes:
        raise DocumentError(f"{path}: {len(data):,} bytes, over the limit of {max_bytes:,} bytes an input may have")
    try:
        raw = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise DocumentError(f"{path}: not UTF-8 text (byte {exc.start}: {exc.reason})") from exc
    if "\x00" in raw:
        raise DocumentError(f"{path}: binary content (NUL byte) in what should be text")
    header, body_start = parse_header(raw)
    if not raw[body_start:].strip():
        raise DocumentError(f"{path}: no article text")
    return Document(document_slug(path, header), path, raw, body_start, header)

"""Ingesting press releases that are not plain text: HTML files and http(s) URLs.

The main text of a news page is found by trafilatura (a maintained extractor, not hand-written
scraping). The result is written as a plain-text document with the same header block as the bundled
corpus (`source:`, `title:`, `date:`, `retrieved:`), so every later stage — and every character
offset in the graph — refers to that text file. The fetched page is kept beside it, so the
provenance (URL, retrieval time, the bytes received) can be checked later.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import requests
from requests.adapters import HTTPAdapter
from urllib3.util.retry import Retry

from kg.errors import DocumentError
from kg.extract.document import MAX_BYTES
from kg.graph.iri import slugify

TIMEOUT = (5, 20)  # connect, read (seconds)
MIN_TEXT_CHARS = 80  # less than a sentence or two is navigation, not a press release
USER_AGENT = "kemensos-kg/0.1 (+https://w3id.org/kemensos-kg/)"


@dataclass(frozen=True)
class Page:
    """A news page as received: where from, when, and its HTML."""

    url: str
    retrieved: str  # ISO 8601, UTC
    html: str


def is_url(value: str) -> bool:
    return bool(re.match(r"^https?://", value, re.IGNORECASE))


def _session() -> requests.Session:
    session = requests.Session()
    retry = Retry(total=3, backoff_factor=0.5, status_forcelist=(429, 500, 502, 503, 504), allowed_methods=("GET",))
    session.mount("http://", HTTPAdapter(max_retries=retry))
    session.mount("https://", HTTPAdapter(max_retries=retry))
    session.headers["User-Agent"] = USER_AGENT
    return session


def too_large(name: str, size: int | None, max_bytes: int) -> str:
    """The message for an input past the size limit (`size` None: more than the limit, by how much unknown)."""
    stated = f"{size:,} bytes" if size is not None else f"more than {max_bytes:,} bytes"
    return f"{name}: {stated}, over the limit of {max_bytes:,} bytes an input may have (--max-input-bytes)"


def _stated_size(response: requests.Response) -> int | None:
    """The body's size as the server states it, when that is the size of the page itself (not compressed)."""
    length = response.headers.get("Content-Length", "")
    return int(length) if length.isdigit() and not response.headers.get("Content-Encoding") else None


def fetch(url: str, session: requests.Session | None = None, max_bytes: int = MAX_BYTES) -> Page:
    """GET a page with timeouts and retries; any failure, and a page over `max_bytes`, is a DocumentError
    naming the URL. No more than `max_bytes` + 1 bytes are read."""
    try:
        response = (session or _session()).get(url, timeout=TIMEOUT, stream=True)
        response.raise_for_status()
        stated = _stated_size(response)
        if stated is not None and stated > max_bytes:
            response.close()
            raise DocumentError(too_large(url, stated, max_bytes))
        body = response.raw.read(max_bytes + 1, decode_content=True)
    except requests.RequestException as exc:
        raise DocumentError(f"cannot fetch {url}: {exc}") from exc
    if len(body) > max_bytes:
        response.close()
        raise DocumentError(too_large(url, None, max_bytes))
    encoding = response.encoding or response.apparent_encoding or "utf-8"
    html = body.decode(encoding, errors="replace")
    return Page(response.url, datetime.now(UTC).replace(microsecond=0).isoformat(), html)


def page_to_text(page: Page) -> str:
    """The page's main text behind a header block; a page without article text is an error."""
    import trafilatura

    extracted = trafilatura.bare_extraction(page.html, url=page.url, with_metadata=True, include_comments=False,
                                            include_tables=False, favor_precision=True)
    text = (getattr(extracted, "text", None) or "").strip() if extracted is not None else ""
    if len(text) < MIN_TEXT_CHARS:
        raise DocumentError(f"{page.url}: no article text found in the page")
    title = (getattr(extracted, "title", None) or "").strip()
    date = (getattr(extracted, "date", None) or "").strip()
    lines = [f"source: {page.url}", f"retrieved: {page.retrieved}"]
    if title:
        lines.append(f"title: {title}")
        if text.startswith(title):
            text = text[len(title):].lstrip()
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", date):
        lines.append(f"date: {date}")
    return "\n".join(lines) + "\n\n" + text + "\n"


def materialise(page: Page, folder: Path) -> Path:
    """Write the page (as received) and its text document into `folder`; returns the text file."""
    folder.mkdir(parents=True, exist_ok=True)
    text = page_to_text(page)
    title = re.search(r"^title: (.*)$", text, re.MULTILINE)
    stem = slugify(title.group(1) if title else page.url, 8) or hashlib.sha256(page.url.encode()).hexdigest()[:12]
    (folder / f"{stem}.html").write_text(page.html, encoding="utf-8")
    target = folder / f"{stem}.txt"
    target.write_text(text, encoding="utf-8")
    return target


def html_file_to_text(path: Path, folder: Path, max_bytes: int = MAX_BYTES) -> Path:
    """An HTML file on disk, ingested like a fetched page (its `file:` URL as source)."""
    try:
        size = path.stat().st_size
        if size > max_bytes:
            raise DocumentError(too_large(str(path), size, max_bytes))
        html = path.read_text(encoding="utf-8", errors="replace")
    except OSError as exc:
        raise DocumentError(f"cannot read {path}: {exc.strerror or exc}") from exc
    retrieved = datetime.fromtimestamp(path.stat().st_mtime, UTC).replace(microsecond=0).isoformat()
    return materialise(Page(path.resolve().as_uri(), retrieved, html), folder)

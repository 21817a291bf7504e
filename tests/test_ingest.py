"""HTML pages and URLs become text documents with a header block; the page is kept."""

from __future__ import annotations

import http.server
import threading
from pathlib import Path

import pytest

from kg.build.dataset import build_dataset
from kg.errors import DocumentError
from kg.extract import ingest
from kg.graph.vocab import DCTERMS, ID, ORG, PROV

PAGE = """<!doctype html><html lang="id"><head><title>Dipimpin Sekjen, Delegasi Kemensos ke Jepang</title>
<meta property="article:published_time" content="2022-11-09"></head>
<body><nav><a href="/">Beranda</a> | <a href="/berita">Berita</a></nav>
<article><h1>Dipimpin Sekjen, Delegasi Kemensos ke Jepang</h1>
<p>FUKUOKA (9 November 2022) - Pemerintah Indonesia melalui Kementerian Sosial meningkatkan kerja sama
dengan berbagai pihak di Jepang dalam penguatan agenda kesejahteraan sosial.</p>
<p>Delegasi Kemensos dipimpin oleh Sekretaris Jenderal Harry Hikmat. Dalam kesempatan tersebut, Harry
menyatakan Indonesia merupakan negara dengan frekuensi bencana cukup tinggi.</p></article>
<footer>Hak cipta Kementerian Sosial</footer></body></html>"""


@pytest.fixture
def site():  # type: ignore[no-untyped-def]
    """A loopback web server: /rilis answers the page, /kosong a page without text, /hilang 404."""

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 - the stdlib's name
            pages = {"/rilis": PAGE, "/kosong": "<html><body><nav>menu</nav></body></html>"}
            if self.path not in pages:
                self.send_error(404)
                return
            body = pages[self.path].encode("utf-8")
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


def test_a_url_becomes_a_text_document_with_its_source_and_the_page_is_kept(site: str, tmp_path: Path) -> None:
    text_file = ingest.materialise(ingest.fetch(f"{site}/rilis"), tmp_path)
    text = text_file.read_text(encoding="utf-8")
    assert text.startswith(f"source: {site}/rilis\nretrieved: ")
    assert "title: Dipimpin Sekjen, Delegasi Kemensos ke Jepang\n" in text
    assert "date: 2022-11-09\n" in text
    assert "Delegasi Kemensos dipimpin oleh Sekretaris Jenderal Harry Hikmat." in text
    assert "Beranda" not in text and "Hak cipta" not in text  # navigation and footer are not article text
    assert text_file.with_suffix(".html").read_text(encoding="utf-8") == PAGE


def test_a_fetched_release_is_extracted_with_its_provenance(site: str, tmp_path: Path) -> None:
    dataset = build_dataset([f"{site}/rilis"], tmp_path / "sources")
    harry = ID["person/harry-hikmat"]
    assert any(True for _ in dataset.quads((harry, ORG.holds, None, None)))
    sources = {o for _, _, o, _ in dataset.quads((None, DCTERMS.source, None, None)) if str(o).startswith(site)}
    assert {str(s) for s in sources} == {f"{site}/rilis"}
    assert any(True for _ in dataset.quads((None, PROV.generatedAtTime, None, None)))


def test_an_html_file_is_ingested_like_a_page(tmp_path: Path) -> None:
    page = tmp_path / "rilis.html"
    page.write_text(PAGE, encoding="utf-8")
    text = ingest.html_file_to_text(page, tmp_path / "sources").read_text(encoding="utf-8")
    assert text.startswith(f"source: {page.resolve().as_uri()}\n")


@pytest.mark.parametrize("path, message", [("/hilang", "404"), ("/kosong", "no article text")])
def test_bad_pages_are_clear_errors(site: str, tmp_path: Path, path: str, message: str) -> None:
    with pytest.raises(DocumentError, match=message):
        ingest.materialise(ingest.fetch(f"{site}{path}"), tmp_path)


def test_an_unreachable_host_is_a_clear_error() -> None:
    with pytest.raises(DocumentError, match="cannot fetch http://127.0.0.1:9/"):
        ingest.fetch("http://127.0.0.1:9/", session=None)

"""What a build takes in: copies of an earlier input are left out and counted, one size limit holds
for every kind of input (text file, HTML file, fetched page), and pages kept for releases no longer
built leave the store's sources folder."""

from __future__ import annotations

import http.server
import re
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from kg.build.inputs import DEFAULT_CORPUS, gather_inputs
from kg.cli import build, main
from kg.errors import DocumentError
from kg.extract.document import MAX_BYTES, read_document
from kg.store import generations as kg_store

PAGE = """<!doctype html><html lang="id"><head><title>Mensos Kunjungi Sentra Kartini di Temanggung</title>
<meta property="article:published_time" content="2022-11-20"></head>
<body><nav><a href="/">Beranda</a></nav>
<article><h1>Mensos Kunjungi Sentra Kartini di Temanggung</h1>
<p>TEMANGGUNG (20 November 2022) - Kementerian Sosial melalui Sentra Kartini di Temanggung melayani
penerima manfaat dari berbagai daerah di Jawa Tengah dengan layanan rehabilitasi sosial.</p>
<p>Sekretaris Jenderal Harry Hikmat menyatakan layanan terpadu terus diperkuat bersama pemerintah daerah.</p>
</article></body></html>"""


def release(folder: Path, name: str, source: str, prefix: bytes = b"") -> Path:
    """A bundled dev release without its title line, so its IRI comes from the file's name."""
    text = "".join(line for line in (DEFAULT_CORPUS / "dev" / source).read_text(encoding="utf-8").splitlines(True)
                   if not line.startswith("title:"))
    path = folder / name
    path.write_bytes(prefix + text.encode("utf-8"))
    return path


def document_graphs(store_dir: Path) -> set[str]:
    opened = kg_store.open_store(store_dir)
    return {str(g.value) for g in opened.named_graphs() if "/doc/" in g.value}


@pytest.fixture
def site() -> Iterator[str]:
    """Loopback pages: /a and /b the same page, /large 3,000 bytes with its length, /chunked without."""

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 - the stdlib's name
            body = (PAGE if self.path in ("/a", "/b") else "<p>" + "x" * 2993 + "</p>").encode("utf-8")
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            if self.path != "/chunked":  # HTTP/1.0 without a length: the body runs to the connection's end
                self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


# --- copies ---------------------------------------------------------------------------------


def test_copies_under_other_names_are_left_out_and_the_summary_says_of_what(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    release(folder, "a.txt", "01.txt")
    release(folder, "b.txt", "01.txt")  # the same bytes
    release(folder, "c.txt", "01.txt", prefix=b"\xef\xbb\xbf")  # the same text behind a byte-order mark
    release(folder, "d.txt", "03.txt")
    summary = build([str(folder)], tmp_path / "store", 1)
    assert "from 2 documents (2 extracted, 0 unchanged)" in summary
    assert summary.endswith(f"; 4 inputs, 2 of them copies of an earlier one, left out "
                            f"(first: {folder / 'b.txt'} = {folder / 'a.txt'})")
    assert document_graphs(tmp_path / "store") == {"https://w3id.org/kemensos-kg/doc/a",
                                                   "https://w3id.org/kemensos-kg/doc/d"}


def test_a_build_without_copies_says_nothing_of_them(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    release(folder, "a.txt", "01.txt")
    summary = build([str(folder)], tmp_path / "store", 1)
    assert re.fullmatch(r"built \d+ quads in \d+ graphs from 1 documents \(1 extracted, 0 unchanged\) into \S+ "
                        r"\(\d+\.\d s\)", summary)


def test_copies_of_pages_on_disk_and_on_the_web_are_found_by_their_bytes(tmp_path: Path, site: str) -> None:
    (tmp_path / "one.html").write_text(PAGE, encoding="utf-8")
    (tmp_path / "two.html").write_text(PAGE, encoding="utf-8")
    gathered = gather_inputs([str(tmp_path / "one.html"), str(tmp_path / "two.html"), f"{site}/a", f"{site}/b"],
                             tmp_path / "sources")
    one = str(tmp_path / "one.html")
    assert len(gathered.documents) == 1 and gathered.given == 4
    assert gathered.duplicates == [(str(tmp_path / "two.html"), one), (f"{site}/a", one), (f"{site}/b", one)]


# --- one size limit -------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["big.txt", "big.html"])
def test_a_file_over_the_limit_is_refused_naming_it_its_size_and_the_limit(tmp_path: Path, name: str) -> None:
    path = tmp_path / name
    path.write_text("<p>" + "kata " * 400 + "</p>", encoding="utf-8")  # 2,007 bytes
    with pytest.raises(DocumentError) as caught:
        gather_inputs([str(tmp_path)], tmp_path / "sources", max_bytes=2_000)
    assert str(caught.value) == (f"{path}: 2,007 bytes, over the limit of 2,000 bytes an input may have "
                                 "(--max-input-bytes)")
    assert not (tmp_path / "sources").exists()  # refused before it was converted


def test_a_fetched_page_over_the_limit_is_refused_by_its_stated_size(site: str, tmp_path: Path) -> None:
    with pytest.raises(DocumentError) as caught:
        gather_inputs([f"{site}/large"], tmp_path / "sources", max_bytes=1_000)
    assert str(caught.value) == (f"{site}/large: 3,000 bytes, over the limit of 1,000 bytes an input may have "
                                 "(--max-input-bytes)")


def test_a_fetched_page_without_a_stated_size_is_read_only_up_to_the_limit(site: str, tmp_path: Path) -> None:
    with pytest.raises(DocumentError) as caught:
        gather_inputs([f"{site}/chunked"], tmp_path / "sources", max_bytes=1_000)
    assert str(caught.value) == (f"{site}/chunked: more than 1,000 bytes, over the limit of 1,000 bytes an input "
                                 "may have (--max-input-bytes)")


def test_a_larger_limit_lets_a_larger_text_through(tmp_path: Path) -> None:
    path = tmp_path / "long.txt"
    path.write_text("date: 2022-11-20\n\n" + "Kementerian Sosial hadir. " * 100_000, encoding="utf-8")
    assert path.stat().st_size > MAX_BYTES
    with pytest.raises(DocumentError, match="over the limit of 2,000,000 bytes"):
        gather_inputs([str(path)])
    assert gather_inputs([str(path)], max_bytes=3_000_000).documents == [path]
    assert read_document(path, 3_000_000).body.startswith("Kementerian Sosial hadir.")


def test_the_limit_is_a_flag_with_an_environment_fallback(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                          capsys: pytest.CaptureFixture[str]) -> None:
    path = release(tmp_path, "a.txt", "01.txt")
    size = path.stat().st_size
    monkeypatch.setenv("KEMENSOS_KG_MAX_INPUT_BYTES", "100")
    assert main(["build", str(path), "--store", str(tmp_path / "store")]) == 1
    assert capsys.readouterr().err == (f"kemensos-kg: error: {path}: {size:,} bytes, over the limit of 100 bytes "
                                       "an input may have (--max-input-bytes)\n")
    assert main(["build", str(path), "--store", str(tmp_path / "store"), "--max-input-bytes", "200"]) == 1
    assert "over the limit of 200 bytes" in capsys.readouterr().err
    monkeypatch.setenv("KEMENSOS_KG_MAX_INPUT_BYTES", "lots")
    assert main(["build", str(path), "--store", str(tmp_path / "store")]) == 2
    assert "--max-input-bytes: not a positive whole number: 'lots'" in capsys.readouterr().err
    assert not (tmp_path / "store" / "current").exists()


# --- the sources folder ---------------------------------------------------------------------


def test_a_page_kept_for_a_release_no_longer_built_is_removed(tmp_path: Path) -> None:
    page = tmp_path / "page.html"
    page.write_text(PAGE, encoding="utf-8")
    texts = tmp_path / "in"
    texts.mkdir()
    release(texts, "a.txt", "01.txt")
    store_dir = tmp_path / "store"
    build([str(page), str(texts)], store_dir, 1)
    kept = sorted(p.name for p in (store_dir / "sources").iterdir())
    assert kept == ["mensos-kunjungi-sentra-kartini-di-temanggung.html", "mensos-kunjungi-sentra-kartini-di-temanggung.txt"]
    build([str(page), str(texts)], store_dir, 1)  # still built: still kept
    assert sorted(p.name for p in (store_dir / "sources").iterdir()) == kept
    (store_dir / "sources" / "notes.md").write_text("not a page", encoding="utf-8")
    build([str(texts)], store_dir, 1)
    assert sorted(p.name for p in (store_dir / "sources").iterdir()) == ["notes.md"]
    assert document_graphs(store_dir) == {"https://w3id.org/kemensos-kg/doc/a"}


def test_a_failed_build_keeps_the_pages_of_the_store_it_leaves_in_place(tmp_path: Path) -> None:
    page = tmp_path / "page.html"
    page.write_text(PAGE, encoding="utf-8")
    store_dir = tmp_path / "store"
    build([str(page)], store_dir, 1)
    before = sorted(p.name for p in (store_dir / "sources").iterdir())
    bad = tmp_path / "bad.txt"
    bad.write_bytes(b"\xff\xfe not text")
    with pytest.raises(DocumentError, match="not UTF-8"):
        build([str(bad)], store_dir, 1)
    assert sorted(p.name for p in (store_dir / "sources").iterdir()) == before


def test_an_input_given_from_inside_the_sources_folder_stays(tmp_path: Path) -> None:
    sources = tmp_path / "store" / "sources"
    sources.mkdir(parents=True)
    mine = release(sources, "mine.txt", "01.txt")
    build([str(mine)], tmp_path / "store", 1)
    assert mine.exists()

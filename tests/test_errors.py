"""Errors that say what happened: a malformed query shows its line with a caret under pyoxigraph's
column (CLI, Flask test client and a real server process), a query file that is not there is "not
found", `serve` on a busy port stops at once and on a missing store says it builds one, `kemensos-kg`
alone lists the commands, and `serve --help` names every default."""

from __future__ import annotations

import os
import socket
import subprocess
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from rdflib import Dataset, Literal
from server_process import free_port, running_server, serve_command

from kg.errors import KGError, caret_line
from kg.graph.vocab import DOC, ID, SDO
from kg.store import generations as kg_store
from server import cli as server_cli
from server.app import create_app
from server.config import ServerConfig

MALFORMED = "SELECT ?name WHERE {\n  ?p schema:name ?name .\n  ?p schema:jobTitle\n}\n"
#: pyoxigraph stops at line 4, column 1, the brace where the object of jobTitle should stand
MALFORMED_POINTER = "  4 | }\n    | ^"
TOKEN = "secret-token-for-the-error-tests"


# -- the caret line ------------------------------------------------------------------------------------

def test_caret_stands_under_the_column_of_the_named_line() -> None:
    text = "SELECT * WHERE {\n  ?s ?p ?o ?x\n}"
    assert caret_line(text, 2, 12) == "  2 |   ?s ?p ?o ?x\n    |            ^"


def test_caret_keeps_tabs_and_counts_wide_characters_twice() -> None:
    assert caret_line("\t?s ?p ?o", 1, 3) == "  1 | \t?s ?p ?o\n    | \t ^"
    assert caret_line('"日本" ?x', 1, 6) == '  1 | "日本" ?x\n    | ' + ' ' * 7 + '^'  # under the "?"


def test_caret_after_the_last_character_says_the_text_ends_there() -> None:
    assert caret_line("SELEC", 1, 6) == "  1 | SELEC\n    |      ^ (the text ends here)"
    assert caret_line("SELECT * WHERE {\n", 2, 1) == "  2 | \n    | ^ (the text ends here)"


def test_a_long_line_is_cut_around_the_column() -> None:
    line = "x" * 300 + "!" + "y" * 300
    shown, caret = caret_line(line, 1, 301).split("\n")
    assert shown.startswith("  1 | …x") and shown.endswith("y…")
    assert len(shown) < 120
    assert shown[caret.index("^")] == "!"


def test_no_caret_for_a_position_outside_the_text() -> None:
    assert caret_line("ASK {}", 3, 1) == ""
    assert caret_line("ASK {}", 1, 0) == ""


# -- the query command ---------------------------------------------------------------------------------

def test_cli_malformed_query_shows_the_line_and_a_caret(store_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert server_cli.main(["query", "--store", str(store_dir), MALFORMED]) == 2
    err = capsys.readouterr().err
    assert err.startswith("kemensos-kg: error: invalid SPARQL query: error at 4:1: ")
    assert err.endswith(MALFORMED_POINTER + "\n")


def test_cli_missing_query_file_is_not_found(store_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    for name in ("missing.rq", "queries/missing.sparql", "MISSING.RQ"):
        missing = tmp_path / name
        assert server_cli.main(["query", "--store", str(store_dir), str(missing)]) == 2
        assert capsys.readouterr().err == f"kemensos-kg: error: query file not found: {missing}\n"


def test_cli_directory_is_no_query_file(store_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = tmp_path / "queries.rq"
    folder.mkdir()
    for path in (tmp_path, folder):
        assert server_cli.main(["query", "--store", str(store_dir), str(path)]) == 2
        assert capsys.readouterr().err == f"kemensos-kg: error: {path} is a directory, not a query file\n"


def test_cli_reads_an_existing_file_of_any_name(store_dir: Path, tmp_path: Path,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    query = tmp_path / "ask-harry.txt"
    query.write_text("ASK { <https://w3id.org/kemensos-kg/id/person/harry-hikmat> schema:name ?n }", encoding="utf-8")
    assert server_cli.main(["query", "--store", str(store_dir), str(query)]) == 0
    assert '"boolean":true' in capsys.readouterr().out.replace(" ", "")


def test_cli_query_on_a_missing_store_names_the_build(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    missing = tmp_path / "no-store"
    assert server_cli.main(["query", "--store", str(missing), "ASK {}"]) == 1
    assert capsys.readouterr().err == (f"kemensos-kg: error: no store at {missing}: "
                                       f"run `kemensos-kg build --store {missing}` first\n")


# -- the endpoint --------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def flask_client(store_dir: Path) -> Iterator[Any]:
    app = create_app(ServerConfig(store_dir=store_dir, threads=1))
    yield app.test_client()
    app.extensions["kg_runner"].close()


@pytest.fixture(scope="module")
def server(store_dir: Path) -> Iterator[Any]:
    with running_server(store_dir) as handle:
        yield handle


def _http_get(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=30) as response:
            return response.status, response.read().decode("utf-8")
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode("utf-8")


def test_malformed_query_over_flask_is_400_with_the_line_and_a_caret(flask_client: Any) -> None:
    response = flask_client.get("/sparql", query_string={"query": MALFORMED})
    body = response.get_data(as_text=True)
    assert response.status_code == 400
    assert response.mimetype == "text/plain"
    assert body.startswith("invalid SPARQL query: error at 4:1: ")
    assert MALFORMED_POINTER in body


def test_malformed_query_over_http_is_400_with_the_line_and_a_caret(server: Any, no_proxy: None) -> None:
    status, body = _http_get(server.base_url + "/sparql?" + urllib.parse.urlencode({"query": MALFORMED}))
    assert status == 400
    assert body.startswith("invalid SPARQL query: error at 4:1: ")
    assert MALFORMED_POINTER in body


def test_malformed_update_is_400_with_the_line_and_a_caret(tmp_path: Path) -> None:
    dataset = Dataset()
    dataset.graph(DOC["rilis-1"]).add((ID["kemensos"], SDO.name, Literal("Kementerian Sosial")))
    kg_store.write_store(tmp_path / "store", dataset)
    app = create_app(ServerConfig(store_dir=tmp_path / "store", threads=1, update_token=TOKEN))
    try:
        response = app.test_client().post("/sparql", data={"update": "INSERT DATA {\n  <a:s> <a:p> \n}"},
                                          headers={"Authorization": f"Bearer {TOKEN}"})
    finally:
        app.extensions["kg_runner"].close()
    body = response.get_data(as_text=True)
    assert response.status_code == 400
    assert body.startswith("invalid SPARQL update: error at ")
    assert "  3 | }\n    | ^" in body


# -- serve ---------------------------------------------------------------------------------------------

@pytest.fixture
def busy_port() -> Iterator[int]:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        yield int(listener.getsockname()[1])


def test_serve_on_a_busy_port_stops_before_anything_starts(store_dir: Path, busy_port: int, tmp_path: Path) -> None:
    missing_store = tmp_path / "never-built"
    started = time.monotonic()
    result = subprocess.run([*serve_command(), "serve", "--store", str(missing_store), "--host", "127.0.0.1",
                             "--port", str(busy_port)], capture_output=True, text=True, timeout=60)
    elapsed = time.monotonic() - started
    assert result.returncode == 1
    assert result.stderr == f"kemensos-kg: error: port {busy_port} is in use; choose another with --port\n"
    assert not missing_store.exists()  # checked before the store is built
    assert elapsed < 5.0  # gunicorn would have retried for five seconds


def test_serve_on_a_missing_store_says_it_builds_one_first(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                           capsys: pytest.CaptureFixture[str]) -> None:
    missing = tmp_path / "does-not-exist"
    said_before_building: list[str] = []

    def build(command: list[str], **_: Any) -> subprocess.CompletedProcess[str]:
        said_before_building.append(capsys.readouterr().err)
        assert command[-3:] == ["build", "--store", str(missing)]
        return subprocess.CompletedProcess(command, 1)

    monkeypatch.setattr(server_cli.subprocess, "run", build)
    assert server_cli.main(["serve", "--store", str(missing), "--port", str(free_port())]) == 1
    assert said_before_building == [f"the store at {missing} does not exist: building it from the bundled corpus "
                                    "before serving\n"]
    missing.mkdir()
    assert server_cli.main(["serve", "--store", str(missing), "--port", str(free_port())]) == 1
    assert said_before_building[-1].startswith(f"the store at {missing} is empty: building it")


def test_no_command_lists_the_commands(capsys: pytest.CaptureFixture[str]) -> None:
    assert server_cli.main([]) == 2
    err = capsys.readouterr().err
    for command, help_text in (("build", "extract the press releases"), ("query", "run a SPARQL query"),
                               ("export", "dump the store"), ("validate", "check the stored graph"),
                               ("load", "bulk-load RDF"), ("clean", "remove what killed builds"),
                               ("serve", "serve the store over SPARQL")):
        assert any(line.split()[:1] == [command] and help_text in line for line in err.splitlines()), command
    assert err.rstrip().endswith("no command given; 'kemensos-kg COMMAND --help' tells what one does")


def test_console_script_without_a_command_lists_them() -> None:
    result = subprocess.run(serve_command(), capture_output=True, text=True, timeout=60)
    assert result.returncode == 2
    assert "commands:" in result.stderr and "serve" in result.stderr and "build" in result.stderr


def _help_of(option: str, text: str) -> str:
    """The help of `option` in argparse's output, on one line."""
    lines = text.splitlines()
    start = next(i for i, line in enumerate(lines) if line.lstrip().startswith(option + " ")
                 or line.strip() == option or line.lstrip().startswith(option + ","))
    block = [lines[start]]
    for line in lines[start + 1:]:
        if line.lstrip().startswith("-"):
            break
        block.append(line)
    return " ".join(" ".join(block).split())


def test_serve_help_names_every_default(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("HOST", "PORT", "TIMEOUT", "MAX_ROWS", "WORKERS", "CACHE_MB", "THREADS", "MAX_BODY", "IN_MEMORY"):
        monkeypatch.delenv(f"KEMENSOS_KG_{name}", raising=False)
    assert server_cli.main(["serve", "--help"]) == 0
    text = capsys.readouterr().out
    expected = {"--host": "default 127.0.0.1", "--port": "default 8000", "--timeout": "default 30",
                "--max-rows": "default 100000", "--max-body": "default 1048576",
                "--workers": f"default {os.cpu_count() or 2}", "--threads": "default 4", "--cache-mb": "default 16",
                "--in-memory": "default on", "--store": "default data/store"}
    for option, default in expected.items():
        assert default in _help_of(option, text), (option, _help_of(option, text))


def test_serve_help_shows_the_default_an_environment_sets(capsys: pytest.CaptureFixture[str],
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KEMENSOS_KG_PORT", "9123")
    monkeypatch.setenv("KEMENSOS_KG_CACHE_MB", "0")
    assert server_cli.main(["serve", "--help"]) == 0
    text = capsys.readouterr().out
    assert "default 9123" in _help_of("--port", text)
    assert "default 0" in _help_of("--cache-mb", text)


def test_serve_refuses_a_port_out_of_range(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    assert server_cli.main(["serve", "--store", str(tmp_path), "--port", "70000"]) == 2
    assert "not a port number (1-65535): '70000'" in capsys.readouterr().err


def test_check_port_passes_a_free_port_and_names_a_busy_one(busy_port: int) -> None:
    server_cli.check_port("127.0.0.1", free_port())
    with pytest.raises(KGError, match=f"^port {busy_port} is in use; choose another with --port$"):
        server_cli.check_port("127.0.0.1", busy_port)


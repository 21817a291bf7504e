"""The pages in a real browser: headless Chromium (Debian's `/usr/bin/chromium`, driven by Playwright's
Python API; Playwright never downloads a browser here) against the real `kemensos-kg serve` process.

An analyst's path: the home page, a search for "harry", his page with his post and the sentence it
comes from, the relation explorer (expanding a node adds nodes), and a competency query run in the
SPARQL editor with its rows in the results table. Each page is saved as a screenshot at desktop and
phone width (375 px) in `tests/artifacts/` (git-ignored), to look at.

Without Chromium (or the playwright package) the tests FAIL, saying what to install.
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from server_process import running_server

CHROMIUM = os.environ.get("KEMENSOS_KG_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 375, "height": 812}
TIMEOUT_MS = 20_000


@pytest.fixture(scope="module")
def server(store_dir: Path) -> Iterator[Any]:
    with running_server(store_dir) as handle:
        yield handle


@pytest.fixture(scope="module")
def browser_context() -> Iterator[Any]:
    """A fresh persistent profile in a temporary directory; only 127.0.0.1 is reachable from it."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.fail("the browser tests need the 'playwright' Python package: pip install -e '.[test]' "
                    "(browsers are not downloaded: Debian's chromium is used)")
    if not (Path(CHROMIUM).exists() and os.access(CHROMIUM, os.X_OK)):
        pytest.fail(f"the browser tests need Chromium at {CHROMIUM}: apt-get install -y chromium "
                    "(or set KEMENSOS_KG_CHROMIUM to a Chromium binary)")
    profile = tempfile.mkdtemp(prefix="kemensos-kg-chromium-")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    try:
        with sync_playwright() as playwright:
            context = playwright.chromium.launch_persistent_context(
                profile, executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS, viewport=DESKTOP,
                service_workers="block")
            context.set_default_timeout(TIMEOUT_MS)
            # nothing leaves the machine: any request not to the test server is refused
            context.route(lambda url: not url.startswith("http://127.0.0.1:"), lambda route: route.abort())
            try:
                yield context
            finally:
                context.close()
    finally:
        shutil.rmtree(profile, ignore_errors=True)


@pytest.fixture
def page(browser_context: Any) -> Iterator[Any]:
    page = browser_context.new_page()
    problems: list[str] = []
    page.on("pageerror", lambda error: problems.append(f"page error: {error}"))
    page.on("console", lambda message: problems.append(f"console {message.type}: {message.text}")
            if message.type == "error" else None)
    page.problems = problems  # type: ignore[attr-defined]
    yield page
    page.close()


def shoot(page: Any, name: str) -> None:
    """Screenshots at desktop and phone width: tests/artifacts/<name>-desktop.png and -phone.png."""
    page.set_viewport_size(DESKTOP)
    page.screenshot(path=str(ARTIFACTS / f"{name}-desktop.png"), full_page=True)
    page.set_viewport_size(PHONE)
    page.wait_for_timeout(150)
    page.screenshot(path=str(ARTIFACTS / f"{name}-phone.png"), full_page=True)
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"] + 1, f"{name} scrolls sideways at phone width ({width} px)"
    page.set_viewport_size(DESKTOP)


def test_home_search_and_entity_page(page: Any, server: Any) -> None:
    page.goto(server.base_url + "/")
    assert page.title().startswith("Kemensos knowledge graph")
    assert page.locator(".card").count() >= 6
    shoot(page, "01-home")

    page.fill("#home-q", "harry")
    page.press("#home-q", "Enter")
    page.wait_for_url(re.compile(r"/search\?q=harry$"))
    first = page.locator("ol.results > li").first
    assert first.locator("a").first.inner_text() == "Harry Hikmat"
    shoot(page, "02-search-harry")

    first.locator("a").first.click()
    page.wait_for_url("**/id/person/harry-hikmat")
    assert page.locator("h1").inner_text() == "Harry Hikmat"
    facts = page.locator("#facts")
    assert "Sekretaris Jenderal" in facts.inner_text()
    assert facts.locator("a[href='/id/post/kementerian-sosial--sekretaris-jenderal']").count() == 1
    quote = page.locator("#provenance blockquote", has_text="Delegasi Kemensos dipimpin oleh")
    assert quote.count() == 1
    mark = quote.locator("mark")
    assert " ".join(mark.inner_text().split()) == "Sekretaris Jenderal Harry Hikmat"
    background = mark.evaluate("m => getComputedStyle(m).backgroundColor")
    assert background not in ("rgba(0, 0, 0, 0)", "transparent")
    shoot(page, "03-harry-hikmat")

    # the sentence's link opens the release at that sentence
    page.locator("#provenance figcaption a[href$='#char=387,452']").first.click()
    page.wait_for_url("**/doc/2022-11-09-delegasi-kemensos-fukuoka#char=387,452")
    target = page.locator(":target")
    assert " ".join(target.inner_text().split()) == "Delegasi Kemensos dipimpin oleh Sekretaris Jenderal Harry Hikmat."
    assert page.locator(".release-text a.mention").count() >= 40
    shoot(page, "04-document")
    assert not page.problems, page.problems  # type: ignore[attr-defined]


def test_explorer_expands_a_node(page: Any, server: Any) -> None:
    page.goto(server.base_url + "/id/person/harry-hikmat")
    page.get_by_role("link", name="Explore relations").click()
    page.wait_for_url(re.compile(r"/explore\?iri="))
    page.wait_for_function("window.kgExplorer && window.kgExplorer.cy.nodes().length > 1")
    page.wait_for_function("document.querySelector('#explorer-status').textContent.startsWith('Expanded')")
    before = page.evaluate("window.kgExplorer.cy.nodes().length")
    listed = page.locator("#node-list li").count()
    assert listed == before
    # expand the visit he led, with the keyboard-usable button in the node list
    button = page.locator("#node-list button.expand[data-iri$='/id/visit/2022-11-09-delegasi-kemensos-fukuoka']")
    button.focus()
    page.keyboard.press("Enter")
    page.wait_for_function(f"window.kgExplorer.cy.nodes().length > {before}")
    after = page.evaluate("window.kgExplorer.cy.nodes().length")
    assert after > before
    assert page.locator("#node-list li").count() == after
    assert page.locator("#node-count").inner_text() == str(after)
    # a click on a node in the drawing expands it too
    post = "https://w3id.org/kemensos-kg/id/post/kementerian-sosial--sekretaris-jenderal"
    page.evaluate("iri => { window.kgExplorer.cy.getElementById(iri).emit('tap'); }", post)
    page.wait_for_function(f"window.kgExplorer.expanded['{post}'] === true")
    grown = page.evaluate("window.kgExplorer.cy.nodes().length")
    assert grown >= after
    # filtering a relation type hides its edges
    box = page.locator("#relation-options input[value='https://w3id.org/kemensos-kg/ontology#member']")
    box.uncheck()
    hidden = page.evaluate("window.kgExplorer.cy.edges('.hidden-relation').length")
    assert hidden > 0
    box.check()
    assert page.evaluate("window.kgExplorer.cy.edges('.hidden-relation').length") == 0
    shoot(page, "05-explorer")
    assert not page.problems, page.problems  # type: ignore[attr-defined]


def test_competency_query_in_the_editor(page: Any, server: Any) -> None:
    page.goto(server.base_url + "/sparql")
    page.wait_for_selector(".yasgui .CodeMirror")
    assert page.locator("button.cq").count() >= 20
    page.locator("button.cq", has_text="Who led the Kemensos delegation to Japan?").click()
    page.wait_for_selector(".yasr table tbody tr td")
    rows = page.locator(".yasr table tbody tr")
    assert rows.count() == 1
    text = rows.first.inner_text()
    assert "Harry Hikmat" in text and "Sekretaris Jenderal" in text
    # a second question replaces the query and its results
    page.locator("button.cq", has_text="Which posts has Harry Hikmat held").click()
    page.wait_for_function("document.querySelectorAll('.yasr table tbody tr').length === 3")
    assert "Direktur Jenderal" in page.locator(".yasr table tbody").inner_text()
    shoot(page, "06-sparql-editor")
    assert not page.problems, page.problems  # type: ignore[attr-defined]


def test_ontology_anchor_lands_on_the_term(page: Any, server: Any) -> None:
    page.goto(server.base_url + "/ontology#Person")
    term = page.locator(":target")
    assert term.get_attribute("id") == "Person"
    assert term.is_visible()
    box = term.bounding_box()
    assert box is not None and box["y"] < 200
    shoot(page, "07-ontology")


def test_malformed_query_in_the_editor_shows_the_caret_and_throws_nothing(page: Any, server: Any) -> None:
    """The endpoint's 400 names the line with a caret; the editor shows it, and no promise is left rejected."""
    page.goto(server.base_url + "/sparql")
    page.wait_for_selector(".yasgui .CodeMirror")
    malformed = "SELECT ?name WHERE {\n  ?p schema:name ?name .\n  ?p schema:jobTitle\n}\n"
    # as a competency question's button runs a query, and as the editor's own run button does
    page.evaluate("text => { window.kgEditor.run(text); }", malformed)
    error = page.locator(".yasr .errorResult pre")
    error.wait_for()
    assert error.inner_text().startswith("invalid SPARQL query: error at 4:1")
    assert "  4 | }\n    | ^" in error.inner_text()
    page.evaluate("text => { window.kgYasgui.getTab().setQuery(text); }", "ASK { ?s ?p }")
    page.locator(".yasqe_queryButton").click()
    page.wait_for_function("document.querySelector('.yasr .errorResult pre').textContent.includes('1 | ASK { ?s ?p }')")
    page.wait_for_timeout(300)  # an unhandled rejection is reported after the response is handled
    shoot(page, "08-sparql-malformed")
    # Chromium logs each 400 response itself; anything else (a page error above all) is a fault
    problems = [p for p in page.problems if "status of 400" not in p]  # type: ignore[attr-defined]
    assert not problems, problems
    assert sum("status of 400" in p for p in page.problems) == 2  # type: ignore[attr-defined]

"""The SPARQL editor says its answers and errors to screen readers (explore12 browser
D2, D6, D7, D8), in Chromium against a real server.

D2: YASR drew an error (or "3 results") outside any live region: a blind user heard
nothing after Ctrl+Enter. D6: the editor showed no focus outline. D7: a query run from
the page (an example, the URL's query) that the server refused left an uncaught promise
rejection. D8: a "✖" button, named "✖", cleared an endpoint field the page hides.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any
from urllib.parse import quote

import pytest
from playwright.sync_api import expect

from tests.conftest_web import Site, sample_paths
from tests.test_sparql_editor import open_editor

pytestmark = pytest.mark.browser
BAD_QUERY = "SELECT * WHERE { ?x }"


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory, sparql_site: Any) -> Iterator[Site]:
    the_site, server = sparql_site(tmp_path_factory.mktemp("web12-sparql"), [], sample_paths())
    yield the_site
    server.shutdown()


def test_live_regions_are_there_when_the_page_loads(browser: Any, site: Site) -> None:
    page, _ = open_editor(browser, site)
    assert page.locator("#ldpub-sparql-status[role=status]").count() == 1
    assert page.locator("#ldpub-sparql-alert[role=alert]").count() == 1
    page.close()


def test_a_refused_query_is_announced_as_an_alert(browser: Any, site: Site) -> None:
    page, _ = open_editor(browser, site)
    page.locator(".yasqe .CodeMirror-code").click()
    page.keyboard.press("Control+a")
    page.keyboard.type(BAD_QUERY)
    page.keyboard.press("Control+Enter")
    alert = page.locator("#ldpub-sparql-alert")
    expect(alert).to_contain_text("Error: 400 Bad Request: SPARQL syntax error")
    expect(page.locator("#ldpub-sparql-status")).to_have_text("")
    page.close()


def test_results_are_announced_in_the_status_region(browser: Any, site: Site) -> None:
    page, _ = open_editor(browser, site)
    page.click("button[data-example]")
    rows = page.locator(".yasr tbody tr")
    expect(rows.first).to_be_visible()
    count = rows.count()
    expect(page.locator("#ldpub-sparql-status")).to_have_text(
        f"{count} result" + ("" if count == 1 else "s"))
    expect(page.locator("#ldpub-sparql-alert")).to_have_text("")
    page.close()


def test_a_refused_query_run_by_the_page_is_no_uncaught_error(browser: Any, site: Site
                                                              ) -> None:
    errors: list[str] = []
    page = browser.new_page()
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(f"{site.url}/sparql#query={quote(BAD_QUERY)}", wait_until="networkidle")
    expect(page.locator("#ldpub-sparql-alert")).to_contain_text("Error: 400")
    assert errors == []
    page.close()


def test_the_editor_shows_focus(browser: Any, site: Site) -> None:
    page, _ = open_editor(browser, site)
    page.get_by_role("textbox", name="SPARQL query").focus()
    outline = page.evaluate("""() => { const s = getComputedStyle(
        document.querySelector('.yasqe .CodeMirror-focused'));
        return [s.outlineStyle, s.outlineWidth]; }""")
    assert outline == ["solid", "2px"]
    page.close()


def test_no_button_clears_a_hidden_endpoint(browser: Any, site: Site) -> None:
    page, _ = open_editor(browser, site)
    assert page.get_by_role("button", name="✖").count() == 0
    page.close()

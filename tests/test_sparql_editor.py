"""The query editor in a real browser: Debian's chromium, headless, via Playwright.

The page must work offline (every request it makes goes to our server; any
other is recorded and aborted), run an example query, show result IRIs that
link to our record pages, and tell the user when the row cap cut a result.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from tests.conftest_web import Site, generated_records, sample_paths

pytestmark = pytest.mark.browser
@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory, sparql_site: Any) -> Iterator[Site]:
    """Sample + generated records; a row cap of 200 so a cut result is easy to make."""
    the_site, server = sparql_site(tmp_path_factory.mktemp("sparql-editor"),
                                   generated_records(), sample_paths(), max_rows=200)
    yield the_site
    server.shutdown()


def open_editor(browser: Any, site: Site) -> tuple[Any, list[str]]:
    page = browser.new_page()
    elsewhere: list[str] = []

    def only_ours(route: Any) -> None:
        if route.request.url.startswith(site.url + "/"):
            route.continue_()
        else:
            elsewhere.append(route.request.url)
            route.abort()

    page.route("**/*", only_ours)
    page.goto(site.url + "/sparql", wait_until="networkidle")
    page.wait_for_selector(".yasqe .CodeMirror")
    return page, elsewhere


def test_example_query_links_to_record_pages(browser: Any, site: Site) -> None:
    page, elsewhere = open_editor(browser, site)
    editor_text = page.locator(".yasqe .CodeMirror").inner_text()
    assert "PREFIX bibo: <http://purl.org/ontology/bibo/>" in editor_text  # prefilled
    page.click("button[data-example='no-doi']")
    link = page.wait_for_selector(f"a.iri[href^='{site.url}/id/record/']", timeout=20_000)
    assert page.locator("#ldpub-sparql-truncated").is_hidden()
    href = link.get_attribute("href")
    with page.expect_popup() as opened:  # a new tab: the results stay in the editor
        link.click()
    record_page = opened.value
    record_page.wait_for_load_state()
    assert record_page.url == href.replace("/id/record/", "/doc/record/")  # 303 to the doc
    assert record_page.locator("h1").count() == 1
    record_page.close()
    assert elsewhere == []
    page.close()


def test_cut_results_are_announced(browser: Any, site: Site) -> None:
    page, elsewhere = open_editor(browser, site)
    page.evaluate("""() => {
        const tab = window.ldpubYasgui.getTab();
        tab.setQuery('SELECT ?s ?p ?o WHERE { ?s ?p ?o }');
        tab.query();
    }""")
    note = page.wait_for_selector("#ldpub-sparql-truncated:not([hidden])", timeout=20_000)
    assert "cut after 200 rows" in note.inner_text()
    assert page.locator(".yasr").inner_text().count("200") >= 1  # "Showing ... of 200 entries"
    assert elsewhere == []
    page.close()

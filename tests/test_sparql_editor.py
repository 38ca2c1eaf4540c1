"""The query editor in a real browser: Debian's chromium, headless, via Playwright.

The page must work offline (every request it makes goes to our server; any
other is recorded and aborted), run an example query, show result IRIs that
link to our record pages, and tell the user when the row cap cut a result.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any
from urllib.parse import parse_qs, urlencode

import pytest
import requests

from tests.conftest_web import Site, generated_records, sample_paths

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory, sparql_site: Any) -> Iterator[Site]:
    """Sample + generated records; a row cap of 200 so a cut result is easy to make."""
    the_site, server = sparql_site(tmp_path_factory.mktemp("sparql-editor"),
                                   generated_records(), sample_paths(), max_rows=200)
    yield the_site
    server.shutdown()


def open_editor(browser: Any, site: Site, path: str = "/sparql", status: int = 200
                ) -> tuple[Any, list[str]]:
    """A page of the editor (``browser``: a browser or a context); requests elsewhere
    are recorded and aborted."""
    page = browser.new_page()
    elsewhere: list[str] = []

    def only_ours(route: Any) -> None:
        if route.request.url.startswith(site.url + "/"):
            route.continue_()
        else:
            elsewhere.append(route.request.url)
            route.abort()

    page.route("**/*", only_ours)
    response = page.goto(site.url + path, wait_until="networkidle")
    assert response.status == status
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


def test_a_shared_link_opens_its_query_and_a_reload_keeps_it(browser: Any, site: Site) -> None:
    """Regression: the editor ignored YASGUI's Share link (/sparql#query=...&endpoint=...)
    and a reload went back to the starter query."""
    page, elsewhere = open_editor(browser, site)
    query = 'SELECT (COUNT(*) AS ?n) WHERE { ?s ?p "a+b c" }'
    page.evaluate("q => { window.ldpubYasgui.getTab().setQuery(q); }", query)
    page.click(".yasqe_share")
    link = page.locator(".yasqe_sharePopup input").input_value()
    assert link.startswith(site.url + "/sparql#query=")
    shared, _ = open_editor(browser, site, link.replace(site.url, "")
                            + "&endpoint=http%3A%2F%2Felsewhere.example%2Fsparql")
    assert shared.evaluate("() => window.ldpubYasgui.getTab().getQuery()") == query
    shared.wait_for_selector(".yasr .dataTable", timeout=20_000)  # it ran, here
    shared.reload(wait_until="networkidle")
    assert shared.evaluate("() => window.ldpubYasgui.getTab().getQuery()") == query
    assert elsewhere == []
    page.close()
    shared.close()


def test_the_dataset_in_the_pages_url_goes_with_every_query(browser: Any, site: Site) -> None:
    """Regression: /sparql?query=...&default-graph-uri=G ran on the whole dataset:
    the editor's POST carried only query=."""
    graph = site.url + "/doc/record/pubmed-6839263"
    query = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
    direct = requests.post(site.url + "/sparql", timeout=30,
                           data={"query": query, "default-graph-uri": graph}).json()
    expected = direct["results"]["bindings"][0]["n"]["value"]
    page, elsewhere = open_editor(browser, site, "/sparql?" + urlencode(
        {"query": query, "default-graph-uri": graph}))
    with page.expect_request(lambda r: r.method == "POST") as sent:
        page.click(".yasqe_queryButton")
    assert parse_qs(sent.value.post_data)["default-graph-uri"] == [graph]
    page.wait_for_selector(".yasr .dataTable", timeout=20_000)
    assert page.locator(".yasr tbody td").last.inner_text().strip() == expected
    note = page.locator("#ldpub-sparql-dataset")
    assert note.is_visible() and graph in note.inner_text()
    assert elsewhere == []
    page.close()


def test_the_editor_on_a_phone(browser: Any, site: Site) -> None:
    """Regression: on a 390 px phone the share and run buttons covered the query
    text, the row-cap note sat ~450 px above the results, a result IRI needed two
    taps (YASR's Ellipse mode), and /favicon.ico was a 404 (a console error)."""
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True,
                                  has_touch=True)
    page, elsewhere = open_editor(context, site)
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.evaluate("""() => {
        const tab = window.ldpubYasgui.getTab();
        tab.setQuery('SELECT ?s ?p ?o WHERE { ?s ?p ?o } # ' + 'long words '.repeat(20));
        tab.query();
    }""")
    page.wait_for_selector("#ldpub-sparql-truncated:not([hidden])", timeout=20_000)
    link = page.wait_for_selector(f"a.iri[href^='{site.url}/']", timeout=20_000)
    buttons = page.locator(".yasqe_buttons").bounding_box()
    for text in page.locator(".CodeMirror-line > span").all():
        assert not _overlap(text.bounding_box(), buttons)
    note = page.locator("#ldpub-sparql-truncated").bounding_box()
    results = page.locator(".yasr").bounding_box()
    assert 0 <= results["y"] - (note["y"] + note["height"]) < 40  # right above the results
    with page.expect_popup() as opened:
        link.click()  # one tap
    assert opened.value.url.startswith(site.url + "/doc/")
    assert page.locator("link[rel=icon]").count() == 1
    assert errors == [] and elsewhere == []
    context.close()


def _overlap(a: dict[str, float], b: dict[str, float]) -> bool:
    return (a["x"] < b["x"] + b["width"] and b["x"] < a["x"] + a["width"]
            and a["y"] < b["y"] + b["height"] and b["y"] < a["y"] + a["height"])


def test_a_refused_query_opens_in_the_editor(browser: Any, site: Site) -> None:
    """Regression: a link to a refused query (SERVICE) gave a 403 error page, where
    a syntax error opens the editor with the query and shows the error there."""
    query = "SELECT * WHERE { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }"
    page, elsewhere = open_editor(browser, site, "/sparql?" + urlencode({"query": query}),
                                  status=403)
    assert page.evaluate("() => window.ldpubYasgui.getTab().getQuery()") == query
    page.wait_for_selector(".yasr :text('SERVICE is not allowed')", timeout=20_000)
    assert elsewhere == []
    page.close()

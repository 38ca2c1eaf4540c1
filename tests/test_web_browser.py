"""A real browser (Debian's chromium, headless, driven by Playwright) on the live site."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from rdflib import Graph, URIRef

from tests.web_records import XSS_TITLE

pytestmark = pytest.mark.browser

@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    context = browser.new_context(accept_downloads=True)
    pg = context.new_page()
    yield pg
    context.close()


def test_read_a_record_follow_an_author_and_download_turtle(site, page: Any,
                                                            tmp_path: Path) -> None:
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.goto(site.url + "/id/record/pubmed-6839263")  # the thing URI: 303 to the page
    assert page.url == site.url + "/doc/record/pubmed-6839263"
    title = page.locator("h1#title").inner_text()
    assert title.startswith("Partnering with patients in quality improvement")
    page.screenshot(path=str(tmp_path / "record.png"), full_page=True)

    page.get_by_role("link", name="Clavel, Nathalie").first.click()
    page.wait_for_load_state()
    assert page.url == site.url + "/doc/person/clavel-nathalie"
    assert page.locator("h1#title").inner_text() == "Clavel, Nathalie"
    listed = page.locator("ul.records li a").all_inner_texts()
    assert title in listed
    page.screenshot(path=str(tmp_path / "person.png"), full_page=True)

    page.get_by_role("link", name=title).click()
    page.wait_for_load_state()
    with page.expect_download() as info:
        page.locator("ul.downloads a", has_text="Turtle").click()
    saved = tmp_path / "record.ttl"
    info.value.save_as(saved)
    graph = Graph().parse(saved, format="turtle")
    record = URIRef(site.settings.base_uri + "id/record/pubmed-6839263")
    assert str(graph.value(record, URIRef("http://purl.org/dc/terms/title"))) == title
    assert dialogs == []
    assert (tmp_path / "record.png").stat().st_size > 1000


def test_hostile_title_runs_nothing(site, page: Any, tmp_path: Path) -> None:
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.goto(site.url + "/doc/record/test-xss")
    page.wait_for_load_state("load")
    assert page.locator("h1#title").inner_text() == XSS_TITLE
    assert page.locator("b").count() == 0 and page.locator("img").count() == 0
    assert page.evaluate("document.querySelectorAll('script:not([type])').length") == 0
    page.screenshot(path=str(tmp_path / "xss.png"))
    assert dialogs == []


def test_page_is_readable_on_a_phone_without_javascript(site, browser: Any,
                                                        tmp_path: Path) -> None:
    context = browser.new_context(java_script_enabled=False,
                                  viewport={"width": 375, "height": 740})
    pg = context.new_page()
    try:
        pg.goto(site.url + "/doc/record/test-article")
        assert pg.locator("h1#title").inner_text() == "Kinetics of tea {brewing}"
        width = pg.evaluate("document.documentElement.scrollWidth")
        assert width <= 375 + 1  # no sideways scrolling
        pg.screenshot(path=str(tmp_path / "phone.png"), full_page=True)
    finally:
        context.close()


@pytest.mark.parametrize("path", ["/", "/dataset", "/search?q=tea", "/browse/subject",
                                  "/doc/person/prolific-pat", "/sparql"])
def test_every_kind_of_page_fits_a_phone(site, browser: Any, path: str) -> None:
    """Regression: the dataset page's table of classes (long class IRIs) scrolled sideways
    on a phone."""
    context = browser.new_context(viewport={"width": 375, "height": 740})
    pg = context.new_page()
    try:
        pg.goto(site.url + path, wait_until="networkidle")
        assert pg.evaluate("document.documentElement.scrollWidth") <= 375 + 1
    finally:
        context.close()


def test_a_long_unbroken_value_wraps_on_a_phone(site, browser: Any) -> None:
    """Regression: a record whose subject or link text is one long word (a mojibake title
    of a broken MARC file) made its page 336,722 px wide on a phone."""
    context = browser.new_context(viewport={"width": 375, "height": 740})
    pg = context.new_page()
    try:
        pg.goto(site.url + "/doc/record/test-article", wait_until="networkidle")
        pg.evaluate("""() => {
            const word = 'x'.repeat(3000);
            const list = document.querySelector('main ul') || document.createElement('ul');
            const item = document.createElement('li');
            item.innerHTML = '<a href="#">' + word + '</a>';
            list.appendChild(item);
            document.querySelector('main').appendChild(list);
            const para = document.createElement('p');
            para.textContent = word;
            document.querySelector('main').appendChild(para);
        }""")
        assert pg.evaluate("document.documentElement.scrollWidth") <= 375 + 1
    finally:
        context.close()

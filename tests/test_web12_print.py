"""A printed record page (explore12 browser D9): ldpub.css had no print rules, so paper
got the navigation bar, the footer, the download list and the validation badges, and
its links (authors, subjects, publisher) lost their targets. In Chromium, printing."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from tests.conftest_web import Site, sample_paths, start_site

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    the_site, server = start_site(tmp_path_factory.mktemp("web12-print"), [], sample_paths())
    yield the_site
    server.shutdown()


def _first_record(page: Any, site: Site) -> None:
    page.goto(f"{site.url}/search?q=a", wait_until="networkidle")
    page.goto(site.url + page.locator("main a[href*='/id/record/']").first.get_attribute("href"))


def test_print_shows_the_record_without_the_site_around_it(browser: Any, site: Site) -> None:
    page = browser.new_page()
    _first_record(page, site)
    assert page.locator("header.site").is_visible()  # on screen
    page.emulate_media(media="print")
    for hidden in ("header.site", "footer.site", "ul.downloads", "p.validation"):
        assert not page.locator(hidden).is_visible(), hidden
    assert page.locator("h1#title").is_visible()
    link = page.locator("article.record .subjects a[href]").first
    after = link.evaluate("a => getComputedStyle(a, '::after').content")
    assert link.get_attribute("href") in after
    page.close()

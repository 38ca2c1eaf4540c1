"""A search page past the last one (explore12 browser D13) said "start from the first
page: http://…/search?q=python" with that address as plain text: the page now links
it, under the message. Only addresses of ours become links: the message repeats what
the visitor typed."""

from __future__ import annotations

import urllib.error
import urllib.request
from collections.abc import Iterator
from urllib.parse import quote_plus

import pytest
from lxml import html

from tests.conftest_web import Site, sample_paths, start_site


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    the_site, server = start_site(tmp_path_factory.mktemp("web12-search"), [], sample_paths())
    yield the_site
    server.shutdown()


def _error_page(site: Site, path: str) -> html.HtmlElement:
    request = urllib.request.Request(site.url + path, headers={"Accept": "text/html"})
    with pytest.raises(urllib.error.HTTPError) as raised:
        urllib.request.urlopen(request)
    assert raised.value.code == 404
    return html.fromstring(raised.value.read())


def test_the_first_page_of_results_is_a_link(site: Site) -> None:
    page = _error_page(site, "/search?q=python+cookbook&page=500")
    assert page.xpath("//p[@class='error-link']/a/@href") == ["/search?q=python+cookbook"]
    assert page.xpath("//p[@class='error-link']/a/text()") == [
        f"{site.url}/search?q=python+cookbook"]


def test_only_our_own_addresses_become_links(site: Site) -> None:
    typed = "https://elsewhere.example/x javascript:alert(1)"
    page = _error_page(site, f"/search?q={quote_plus(typed)}&page=500")
    assert page.xpath("//main//a[not(@href='/')]/@href") == [f"/search?q={quote_plus(typed)}"]
    assert typed in page.xpath("//p[@class='error']")[0].text_content()

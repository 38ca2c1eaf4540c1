"""HTML the Nu checker refused (explore10/web finding 7), checked on the live site.

Every page's favicon is a ``data:`` URL, which must be a valid URL (a space
or a quote in it is an error); /shapes showed the title shape's
``sh:pattern "^[^\\u0080-\\u009F]*$"`` with the two C1 controls raw, which
HTML forbids and nobody can see (the pattern read ``^[^-]*$``). html5lib is
not a dependency of the suite: the forbidden code points are the HTML
standard's list, checked on the text as served.
"""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from urllib.parse import unquote

import pytest
import requests
from rdflib import Graph
from rdflib.compare import isomorphic

from tests.conftest_web import Site

HTML = {"Accept": "text/html"}
# HTML's forbidden code points in text: controls other than ASCII whitespace
FORBIDDEN = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f-\x9f]")
# what a URL may hold unescaped (WHATWG URL code points, ASCII part, and "%")
URL_CHARS = re.compile(r"[A-Za-z0-9!$&()*+,\-./:;=?@_~%#]+")
PAGES = ["/", "/shapes", "/vocab", "/doc/record/test-article", "/search?q=tea", "/sparql"]


class _Collect(HTMLParser):
    """The start tags of a page, with their attributes; and the ld+json text."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.ld_json: list[str] = []
        self._in_ld = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        self._in_ld = tag == "script" and dict(attrs).get("type") == "application/ld+json"

    def handle_data(self, data: str) -> None:
        if self._in_ld:
            self.ld_json.append(data)

    def handle_endtag(self, tag: str) -> None:
        self._in_ld = False


def parsed(site: Site, path: str) -> tuple[str, _Collect]:
    response = requests.get(site.url + path, headers=HTML, timeout=30)
    assert response.status_code == 200, path
    collect = _Collect()
    collect.feed(response.text)
    return response.text, collect


@pytest.mark.parametrize("path", PAGES)
def test_no_page_holds_a_forbidden_code_point(site: Site, path: str) -> None:
    text, _ = parsed(site, path)
    assert [f"U+{ord(c):04X}" for c in FORBIDDEN.findall(text)] == []


def test_the_favicon_is_a_valid_data_url_of_an_svg(site: Site) -> None:
    _, page = parsed(site, "/")
    icons = [a["href"] for tag, a in page.tags if tag == "link" and a.get("rel") == "icon"]
    assert len(icons) == 1
    scheme, _, payload = icons[0].partition(",")
    assert scheme == "data:image/svg+xml"
    assert URL_CHARS.fullmatch(payload), "a space or a quote in the URL"
    svg = ET.fromstring(unquote(payload))
    assert svg.tag == "{http://www.w3.org/2000/svg}svg"


def test_control_characters_of_a_term_are_shown_escaped() -> None:
    """A value holding control characters (the title shape's pattern held C1 ones until
    the mapping dropped them, session 12) is shown escaped, as Turtle would write it:
    raw, they made the page invalid HTML."""
    from ld.termdocs import escape_controls

    assert escape_controls("^[^\u0080-\u009F]*$") == "^[^\\u0080-\\u009F]*$"
    assert escape_controls("a\tb") == "a\\u0009b"


def test_the_shapes_page_data_is_the_shapes_turtle(site: Site) -> None:
    """The page's embedded JSON-LD is the shapes graph the Turtle download gives."""
    _, page = parsed(site, "/shapes")
    embedded = json.loads("".join(page.ld_json))
    embedded["@context"] = requests.get(embedded["@context"], timeout=30).json()["@context"]
    turtle = requests.get(site.url + "/shapes.ttl", timeout=30).text
    assert isomorphic(Graph().parse(data=json.dumps(embedded), format="json-ld"),
                      Graph().parse(data=turtle, format="turtle"))

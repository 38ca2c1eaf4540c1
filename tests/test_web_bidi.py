"""Bidi controls in one value stay in that value (explore10/web finding 4).

The readers keep U+202A-U+202E and U+2066-U+2069 (they are text); a value
with an unterminated RIGHT-TO-LEFT OVERRIDE reversed every value after it in
its line: the record page read "ateB ,dnoceS ;ahplA ,tsriF", the search
result's year "0202". Each value is now a bidi isolate (links and .meta
spans by the stylesheet, bare text in <bdi>). Checked in Chromium, where
the layout is what a reader sees (the characters of a later value must run
left to right on the screen), and by the markup: a control character's
text must end where its value ends.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import lxml.html
import pytest
import requests

from ld.model import Agent, Container, Record, Source, Subject
from tests.conftest_web import Site, start_site

RLO = "\u202e"
BIDI = re.compile("[\u202a-\u202e\u2066-\u2069]")


def records() -> list[Record]:
    src = Source("bidi", "record 1", "test")
    book = Record(id="bidi-book", source=src, formats=["Book"], title=f"Invoice {RLO}gpj.exe",
                  creators=[Agent(f"{RLO}First, Alpha"), Agent("Second, Beta")],
                  subjects=[Subject(f"{RLO}Topic one"), Subject("Topic two")],
                  # short literals come in byte order (Oxigraph keeps up to 15 bytes
                  # inline): the override's value first; publishers come in any order
                  publishers=[f"A{RLO}One Press", "B Press"],
                  buildings=[f"A{RLO}East wing", "B West wing"], issued="2020",
                  languages=["eng"])
    article = Record(id="bidi-article", source=src, formats=["Article"], title="Plain title",
                     creators=[Agent("Second, Beta")], issued="2021", languages=["eng"],
                     container=Container(title=f"{RLO}Evil journal", issn=["0028-0836"],
                                         volume=f"{RLO}12", issue="Suppl"))
    return [book, article]


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    the_site, server = start_site(tmp_path_factory.mktemp("bidi"), records(), [])
    yield the_site
    server.shutdown()


def person_page(site: Site) -> str:
    """The page of "Second, Beta", as the record page links it."""
    page = lxml.html.fromstring(html(site, "/doc/record/bidi-book"))
    return page.xpath("//a[text()='Second, Beta']/@href")[0].replace("/id/", "/doc/")


def html(site: Site, path: str) -> str:
    response = requests.get(site.url + path, headers={"Accept": "text/html"}, timeout=30)
    assert response.status_code == 200, path
    return response.text


# (page, a value with an override, the text of a later value that must read left to right)
LATER_VALUES = [
    ("/doc/record/bidi-book", "First, Alpha", "Second, Beta"),  # the second author
    ("/doc/record/bidi-book", "East wing", "West wing"),  # a statement's second value
    ("/doc/record/bidi-article", "12", "Suppl"),  # the issue after the journal, volume
    ("/search?q=invoice", "gpj.exe", "2020"),  # the year after the title, first author
    ("/search?q=invoice", "First, Alpha", "et al"),
    ("person", "gpj.exe", "2020"),  # a thing's records: title, then year
]

# each occurrence of ``needle`` in the page's main text: does its first character
# stand left of its last one on the screen (read left to right)?
READS_LTR = """(needle) => {
  const walker = document.createTreeWalker(document.querySelector("main"), NodeFilter.SHOW_TEXT);
  const found = [];
  const left = (node, i) => {
    const range = document.createRange();
    range.setStart(node, i);
    range.setEnd(node, i + 1);
    return range.getBoundingClientRect().left;
  };
  while (walker.nextNode()) {
    const node = walker.currentNode;
    const at = node.data.indexOf(needle);
    if (at >= 0) found.push(left(node, at) < left(node, at + needle.length - 1));
  }
  return found;
}"""


@pytest.fixture(scope="module")
def page(browser: Any) -> Iterator[Any]:
    tab = browser.new_page(viewport={"width": 1000, "height": 800})
    yield tab
    tab.close()


@pytest.mark.browser
@pytest.mark.parametrize(("path", "override", "needle"), LATER_VALUES)
def test_a_later_value_is_not_reversed_on_screen(site: Site, page: Any, path: str,
                                                 override: str, needle: str) -> None:
    page.goto(site.url + (person_page(site) if path == "person" else path))
    main = page.inner_html("main")
    assert re.search(f"{RLO}[^<]*{re.escape(override)}.*{re.escape(needle)}", main, re.S)
    found = page.evaluate(READS_LTR, needle)
    assert found and all(found), needle


@pytest.mark.browser
def test_the_authors_keep_their_order_on_screen(site: Site, page: Any) -> None:
    page.goto(site.url + "/doc/record/bidi-book")
    first, second = (page.locator("p.authors a").nth(i).bounding_box() for i in (0, 1))
    assert first["x"] < second["x"]


# what isolates its content from what follows (the stylesheet's rule, see below; bdi and
# any element with dir= by HTML's own), and the blocks that end a bidi paragraph
ISOLATES = {"a", "bdi"}
BLOCKS = {"p", "li", "dd", "dt", "td", "th", "h1", "h2", "h3", "div", "section", "article"}


def isolating(element: Any) -> bool:
    return (element.tag in ISOLATES or element.get("dir") is not None
            or "meta" in element.get("class", "").split())


def after(element: Any) -> list:
    """What follows ``element`` in its parent: its tail, the later siblings, their tails."""
    return [element.tail, *(x for s in element.itersiblings() for x in (s, s.tail))]


def runs_on(container: Any, following: list) -> bool:
    """Does a text in ``container``, ``following`` coming after it there, run on into
    another value of the same bidi paragraph (a block ends one, a <br> may not)?"""
    while True:
        if any(x.strip() if isinstance(x, str) else x.tag == "br" or x.text_content().strip()
               for x in following if x is not None):
            return True
        if isolating(container) or container.tag in BLOCKS:
            return False
        container, following = container.getparent(), after(container)


def leaking(page: str) -> list[str]:
    """The texts with a bidi control that do not end where their value ends."""
    body = lxml.html.fromstring(page).find("body")
    found = []
    for element in body.iter():
        if not isinstance(element.tag, str) or element.tag in ("script", "style"):
            continue
        inside = [x for c in element for x in (c, c.tail)]
        if BIDI.search(element.text or "") and runs_on(element, inside):
            found.append(element.text)
        if BIDI.search(element.tail or "") and runs_on(element.getparent(), after(element)[1:]):
            found.append(element.tail)
    return found


def test_the_stylesheet_isolates_links_and_meta_spans(site: Site) -> None:
    css = re.sub(r"/\*.*?\*/", "", requests.get(site.url + "/static/ldpub.css", timeout=30).text,
                 flags=re.S)
    rules = re.findall(r"([^{}]+)\{([^}]*unicode-bidi:\s*isolate[^}]*)\}", css)
    selectors = {s.strip() for sel, _ in rules for s in sel.split(",")}
    assert {"main a", ".meta"} <= selectors


@pytest.mark.parametrize("path", ["/doc/record/bidi-book", "/doc/record/bidi-article",
                                  "/search?q=invoice", "person"])
def test_each_bidi_control_ends_with_its_value_in_the_markup(site: Site, path: str) -> None:
    page = html(site, person_page(site) if path == "person" else path)
    assert BIDI.search(page.split("<body>", 1)[1])  # the values are there
    assert leaking(page) == []

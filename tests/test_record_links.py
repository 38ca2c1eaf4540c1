"""The record page's links and lists as a reader meets them; regressions a tester found:

- MARC 856 $3/$y ("Table of contents") were dropped: two bare URLs, both "Link";
- "Contributors" over one contributor, "Publisher" over several (fixed strings);
- a journal without a title was "Part of: http://HOST/id/journal/1566-5283" (its own
  page calls it "1566-5283"), a record owl:sameAs another record named that record
  by its IRI although the store has its title.

One small site (tests/conftest_web.py ``start_site``) for the module.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
import requests

from ld.model import Agent, Container, Record, Source, Subject
from tests.conftest_web import Site, start_site
from tests.test_web_pages import HTML, Page

TOC = "http://www.loc.gov/catdir/toc/uchi051/00025311.html"
DESCRIPTION = "http://www.loc.gov/catdir/description/uchi051/00025311.html"
PLAIN = "https://example.org/plain.pdf"
OTHER_TITLE = "Tutki ja kirjoita"


def _record(record_id: str, **fields: Any) -> Record:
    fields.setdefault("title", f"Record {record_id}")
    fields.setdefault("creators", [Agent("Doe, Jane")])
    fields.setdefault("issued", "2020")
    return Record(id=record_id, source=Source("t.json", record_id, "test"), formats=["Book"],
                  **fields)


RECORDS = [
    _record("links", urls=[DESCRIPTION, TOC, PLAIN],
            link_labels={DESCRIPTION: "Publisher description", TOC: "Table of contents"}),
    _record("one-each", contributors=[Agent("Roe, Richard")], publishers=["Press A", "Press B"],
            subjects=[Subject("Birds")], languages=["eng"]),
    _record("two-each", contributors=[Agent("Roe, Richard"), Agent("Poe, Edgar")],
            publishers=["Press A"], subjects=[Subject("Birds"), Subject("Bees")],
            languages=["eng", "fin"]),
    _record("in-journal", container=Container(issn=["1566-5283"], volume="3")),
    _record("123", title=OTHER_TITLE),
    _record("same"),
]


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    from ld.store import open_store

    the_site, server = start_site(tmp_path_factory.mktemp("record-links"), RECORDS, [])
    base = the_site.settings.base_uri
    with open_store(the_site.settings) as store:  # as an identity link makes it
        store.update(f"INSERT DATA {{ GRAPH <{base}doc/record/same> {{ <{base}id/record/same> "
                     f"<http://www.w3.org/2002/07/owl#sameAs> <{base}id/record/123> }} }}")
        store.publish()
    yield the_site
    server.shutdown()


def html(site: Site, record_id: str) -> str:
    r = requests.get(f"{site.url}/doc/record/{record_id}", headers=HTML, timeout=10)
    assert r.status_code == 200, r.text[:300]
    return r.text


def rows(page: str) -> list[tuple[str, str]]:
    """(term, visible text) of every <dt>/<dd> pair of the page."""
    return [(dt, " ".join(Page(dd).text))
            for dt, dd in re.findall(r"<dt>(.*?)</dt>\s*<dd>(.*?)</dd>", page, re.S)]


def anchors(page: str) -> dict[str, str]:
    """href -> the link's text."""
    return {href: text for text, href in Page(page).links}


# --- 4. a link says what it is ------------------------------------------------


def test_a_labelled_link_shows_its_label_and_its_url(site: Site) -> None:
    page = html(site, "links")
    links = anchors(page)
    assert links[TOC] == "Table of contents"
    assert links[DESCRIPTION] == "Publisher description"
    assert links[PLAIN] == PLAIN  # no label: the URL, as before
    assert {("Link", f"Table of contents {TOC}"), ("Link", PLAIN),
            ("Link", f"Publisher description {DESCRIPTION}")} <= set(rows(page))
    assert Page(page).metas("citation_pdf_url") == [PLAIN]


def test_facts_carry_each_link_with_its_label(site: Site) -> None:
    from ld.describe import load

    with site.reader() as store:
        facts = load(store, site.settings.base_uri, "record", "links").facts
    assert facts is not None
    assert sorted(facts.urls) == [(DESCRIPTION, "Publisher description"),
                                  (TOC, "Table of contents"), (PLAIN, None)]


# --- 5. a list's heading says one or many ---------------------------------------


def headings(page: str) -> set[str]:
    return {term for term, _ in rows(page)} | set(re.findall(r"<h2>(.*?)</h2>", page))


def test_list_headings_follow_the_count(site: Site) -> None:
    one, two = headings(html(site, "one-each")), headings(html(site, "two-each"))
    assert {"Contributor", "Publishers", "Language", "Subject"} <= one
    assert not {"Contributors", "Publisher", "Languages", "Subjects"} & one
    assert {"Contributors", "Publisher", "Languages", "Subjects"} <= two
    assert not {"Contributor", "Publishers", "Language", "Subject"} & two

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


# --- 6. linked things by name, not by IRI ----------------------------------------


def test_an_untitled_journal_is_shown_by_its_issn(site: Site) -> None:
    page = html(site, "in-journal")
    base = site.settings.base_uri
    found = dict(rows(page))
    assert found["Journal"].startswith("1566-5283") and found["Part of"] == "1566-5283"
    assert f"{base}id/journal/1566-5283" not in Page(page).text
    assert anchors(page)["/id/journal/1566-5283"] == "1566-5283"


def test_a_record_it_is_the_same_as_is_shown_by_its_stored_title(site: Site) -> None:
    """At most one look-up per linked thing without a label (none for the rest),
    and the page's table reads the label the facts found."""
    from ld.describe import load
    from ld.facts import read
    from ld.facts_links import stored_titles

    base = site.settings.base_uri
    asked: list[str] = []
    with site.reader() as store:
        lookup = stored_titles(store, base)

        def titles(iri: str) -> str | None:
            asked.append(iri)
            return lookup(iri)

        doc = load(store, base, "record", "same")
        facts = read(doc.index, doc.thing, doc.doc, base, titles=titles)
        read(doc.index, doc.thing, doc.doc, base, titles=titles)  # labelled already: no look-up
        doc.__dict__["facts"] = facts  # what the page reads (ld.describe.Document.facts)
        assert asked == [f"{base}id/record/123"]
        assert ("Same as", [(OTHER_TITLE, f"{base}id/record/123")]) in _rows(doc)
        other = load(store, base, "record", "in-journal")
        read(other.index, other.thing, other.doc, base, titles=titles)
        assert asked == [f"{base}id/record/123"]  # its journal is named by its ISSN


def test_without_a_look_up_another_record_is_shown_by_its_key(site: Site) -> None:
    from ld.describe import load
    from ld.facts import read

    base = site.settings.base_uri
    with site.reader() as store:
        doc = load(store, base, "record", "same")
        doc.__dict__["facts"] = read(doc.index, doc.thing, doc.doc, base)  # no look-up
    assert ("Same as", [("123", f"{base}id/record/123")]) in _rows(doc)


def test_the_page_shows_a_same_as_record_by_its_title(site: Site) -> None:
    assert ("Same as", OTHER_TITLE) in rows(html(site, "same"))


def _rows(doc) -> list[tuple]:  # type: ignore[no-untyped-def]
    from ld.web.pages import statement_rows

    return [(row.label, row.values) for row in statement_rows(doc)]

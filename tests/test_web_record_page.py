"""The record page as a reader meets it: people with their roles, each link once,
the remaining statements in a stable order. Live server of tests/conftest_web.py."""

from __future__ import annotations

import re

from tests.test_web_pages import HTML, Page, get
from tests.web_records import ILLUSTRATOR, PRINTER, PUBLISHER


def _section(html: str, term: str) -> str:
    """The visible text of the <dd> after <dt>{term}</dt>, or "" when there is none."""
    found = re.search(rf"<dt>{re.escape(term)}</dt><dd>(.*?)</dd>", html, re.S)
    return " ".join(Page(found[1]).text) if found else ""


def test_people_are_listed_once_with_their_roles_in_words(site) -> None:
    """Regression (D2): relator roles showed as codes in rows of their own ("Ill
    Hazenplug, Frank", "Pbl Herbert S. Stone & Company", "Aut ..." repeating the author
    line), and everyone there was listed again under Contributors."""
    import requests

    html = requests.get(site.url + "/doc/record/test-roles", headers=HTML, timeout=10).text
    page = Page(html)
    authors = re.search(r'<p class="authors">(.*?)</p>', html, re.S)[1]
    assert " ".join(Page(authors).text) == "Sharts, Joseph (illustrator, thesis advisor)"
    assert _section(html, "Contributors") == (
        f"{ILLUSTRATOR} (binding designer, illustrator); {PRINTER} (printer)")
    assert _section(html, "Publisher") == PUBLISHER
    shown = [text for text, _ in page.links]
    assert shown.count("Sharts, Joseph") == 1 and shown.count(ILLUSTRATOR) == 1
    assert not {"Ill", "Bdd", "Pbl", "Prt", "Aut", "Ths", "Illustrator"} & set(page.text)
    assert get(site, "/doc/record/test-roles").metas("citation_author") == ["Sharts, Joseph"]


def test_each_link_once_a_short_title_only_when_shorter_and_fields_by_label(site) -> None:
    """Regression (D16): the seed record linked its PMC, PubMed and DOI targets up to three
    times (identifier, "Link", "See also"/"Same as"), repeated its title as "Short title",
    and "More about this record" listed its fields in the store's order."""
    import requests

    html = requests.get(site.url + "/doc/record/pubmed-6839263", headers=HTML, timeout=10).text
    hrefs = [href.lower() for _, href in Page(html).links]
    for target in ("pmc6839263", "31703678", "10.1186/s12913-019-4618-8"):
        assert len([h for h in hrefs if target in h]) == 1, target
    assert "Short title" not in Page(html).text
    more = html.split('<dl class="props statements">', 1)[1].split("</dl>", 1)[0]
    fields = re.findall(r"<dt>(.*?)</dt>", more)
    assert len(fields) > 3 and fields == sorted(fields, key=str.casefold)
    text = get(site, "/doc/record/test-corporate").text
    assert text[text.index("Short title") + 1] == "Shared cataloguing"


def test_a_date_shown_as_published_is_not_listed_again() -> None:
    """Regression: a record whose date has no readable year ("17--?", kept as
    dcterms:date) showed it as "Published 17--?" and again as "Date 17--?"."""
    import pyoxigraph as ox

    from ld.describe import Document
    from ld.mapping import map_record
    from ld.model import Record, Source
    from ld.nquads import serialize
    from ld.web.pages import statement_rows

    record = Record(id="d1", source=Source("t.json", "record 1", "test"), title="T",
                    issued="17--?", formats=["Book"])
    graph = map_record(record, "http://x.org/")
    quads = list(ox.parse(serialize(graph, "http://x.org/doc/record/d1"),
                          ox.RdfFormat.N_QUADS))
    doc = Document("record", "d1", "http://x.org/id/record/d1", "http://x.org/doc/record/d1",
                   quads)
    assert doc.facts is not None and doc.facts.issued == "17--?"
    assert "Date" not in [row.label for row in statement_rows(doc)]

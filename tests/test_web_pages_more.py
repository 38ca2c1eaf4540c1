"""Home, dataset, vocabulary and SPARQL pages; skip link; CORS and static files.

Regressions found with every real record loaded: class tables without
thousands separators; two classes both labelled "Document"; "Audio Visual
Document" beside "Audio document"; a home row ("Collection") with no browse
link; no way to skip the site navigation (WCAG 2.4.1); the vocabulary's
ontology section with an empty heading and ``id=""``; the SPARQL page naming
the endpoint by the request's Host; a CORS preflight default that left out
If-Match and If-Unmodified-Since; /static/ answered conditional requests by
werkzeug's rules instead of RFC 9110's.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
import requests

from ld import labels
from tests.conftest_web import Site
from tests.real_people import people_named, people_records, people_site
from tests.test_conditional_requests import BY_NAME
from tests.test_web_pages import HTML, Page
from tests.web_records import BOOK_TITLE

FOAF, BIBO = "http://xmlns.com/foaf/0.1/", "http://purl.org/ontology/bibo/"
DCMITYPE = "http://purl.org/dc/dcmitype/"


def fetch(site, path: str, **headers: str) -> requests.Response:
    return requests.get(site.url + path, headers={**HTML, **headers}, timeout=30)


# --- 5. figures, labels and links of the home and dataset pages -----------------------

@pytest.fixture(scope="module")
def counted(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Site, int, int]]:
    """A site of its own whose figures run to four digits: (site, records, people)."""
    records = people_records(2345, per_record=2, prefix="counted")
    with people_site(tmp_path_factory.mktemp("counted"), records) as counted_site:
        yield counted_site, len(records), people_named(records)


def test_home_counts_have_thousands_separators(counted: tuple[Site, int, int]) -> None:
    site, records, people = counted
    assert records >= 1000 and people >= 1000, "figures of four digits"
    html = fetch(site, "/").text
    cells = re.findall(r'<td class="num">([^<]*)</td>', html)
    assert cells == [f"{records:,}", f"{people:,}"]  # books; people
    assert f'<p class="total">{records:,} records' in html


def test_dataset_class_counts_have_thousands_separators(counted: tuple[Site, int, int]
                                                        ) -> None:
    site, records, people = counted
    html = fetch(site, "/dataset").text
    rows = dict(re.findall(r'<tr id="class-\d+"><td><a href="([^"]*)">.*?'
                           r'<td class="num">([^<]*)</td>', html))
    assert rows[FOAF + "Person"] == f"{people:,}"
    assert rows[BIBO + "Book"] == f"{records:,}"
    assert all(re.fullmatch(r"\d{1,3}(,\d{3})*", cell) for cell in rows.values()), rows


@pytest.mark.parametrize(("iri", "label"), [
    (BIBO + "AudioVisualDocument", "Audio-visual document"),
    (BIBO + "AudioDocument", "Audio document"),
    (FOAF + "Document", "Document (FOAF)"),
    (BIBO + "Document", "Document"),
    (BIBO + "Collection", "Collection (BIBO)"),
    (DCMITYPE + "StillImage", "Still image"),
    (DCMITYPE + "PhysicalObject", "Physical object"),
    (DCMITYPE + "InteractiveResource", "Interactive resource"),
])
def test_class_labels(iri: str, label: str) -> None:
    assert labels.label(iri) == label


def test_every_class_and_type_the_mapping_states_has_a_written_label() -> None:
    """The fallback splits a local name ("Audio Visual Document"): readable, but not
    the sentence case of every written label beside it."""
    from ld.mapping_terms import FORMATS

    stated = {str(term) for pair in FORMATS.values() for term in pair if term is not None}
    assert sorted(iri for iri in stated if labels.known(iri) is None) == []


def test_no_two_classes_of_the_dataset_page_share_a_label(site) -> None:
    html = fetch(site, "/dataset").text
    table = html[html.index('<h2 id="classes">'):]
    shown = re.findall(r'<td><a href="[^"]*">([^<]*)</a>', table)
    assert "Document (FOAF)" in shown
    assert len(shown) == len(set(shown)), shown


def test_every_row_of_what_the_records_link_to_is_a_browse_link(site) -> None:
    html = fetch(site, "/").text
    table = html[html.index("What the records link to"):]
    table = table[:table.index("</table>")]
    rows = re.findall(r"<tr><td>(.*?)</td>", table)
    assert rows and all(row.startswith('<a href="/browse/') for row in rows), rows
    assert ("Collections", "/browse/collection") in Page(html).links


def test_collections_can_be_browsed(site) -> None:
    page = Page(fetch(site, "/browse/collection").text)
    assert (BOOK_TITLE, "/id/collection/handbook-of-tea") in page.links
    assert "Collections" in page.text
    listing = Page(fetch(site, "/doc/collection/handbook-of-tea").text)
    assert "A book chapter" in dict(listing.links)


# --- 6. a skip link to the content, first on every page ------------------------------

@pytest.mark.parametrize("path", ["/", "/search?q=tea", "/browse/person",
                                  "/doc/record/pubmed-6839263", "/doc/person/prolific-pat",
                                  "/dataset", "/vocab", "/sparql", "/dumps/",
                                  "/doc/record/no-such-record"])
def test_every_page_starts_with_a_skip_link(site, path: str) -> None:
    html = fetch(site, path).text
    body = html[html.index("<body"):]
    first = re.search(r"<a [^>]*>[^<]*</a>", body).group(0)
    assert 'href="#content"' in first and "skip" in first.lower(), first
    assert '<main id="content"' in html


def test_the_skip_link_is_hidden_until_focused(site) -> None:
    css = requests.get(site.url + "/static/ldpub.css", timeout=10).text
    assert re.search(r"\.skip-link:focus[^{]*\{[^}]*position:\s*static", css), css[-500:]


@pytest.mark.browser
def test_tab_shows_the_skip_link_and_enter_skips_to_content(site, browser: Any) -> None:
    context = browser.new_context()
    page = context.new_page()
    try:
        page.goto(site.url + "/doc/person/prolific-pat")
        link = page.locator("a.skip-link")
        assert link.bounding_box()["width"] <= 1  # out of sight
        page.keyboard.press("Tab")
        assert page.evaluate("document.activeElement.className") == "skip-link"
        assert link.bounding_box()["width"] > 20  # shown while focused
        page.keyboard.press("Enter")
        assert page.url.endswith("#content")
    finally:
        context.close()


# --- 7. the vocabulary's own section -------------------------------------------------

@pytest.mark.parametrize("path", ["/vocab", "/shapes"])
def test_every_term_section_has_a_heading_and_an_anchor(site, path: str) -> None:
    html = fetch(site, path).text
    assert 'id=""' not in html and 'href="#"' not in html
    assert not re.search(r"<h2>\s*</h2>", html)
    ids = set(re.findall(r'id="([^"]+)"', html))
    targets = re.findall(r'href="#([^"]+)"', html)
    assert targets and not set(targets) - ids


def test_the_vocabulary_page_describes_the_ontology(site) -> None:
    from ld import termdocs

    title = labels.expand("dcterms:title")
    description = labels.expand("dcterms:description")
    about = {t.predicate.value: t.object.value for t in termdocs.triples("vocab")
             if t.subject.value == "https://w3id.org/ldpub/vocab#"}
    html = fetch(site, "/vocab").text
    section = re.search(r'<section id="([^"]+)">\s*<h2>([^<]+)</h2>\s*<p><code>'
                        r"https://w3id.org/ldpub/vocab#</code></p>\s*<p>([^<]+)</p>", html)
    assert section, "a section about the ontology itself"
    anchor, heading, text = section.groups()
    assert heading == about[title] and " ".join(text.split()) == " ".join(
        about[description].split())
    assert f'<a href="#{anchor}">{about[title]}</a>' in html  # in the page's index


# --- 8. the SPARQL page names the configured endpoint --------------------------------

def test_the_sparql_page_names_the_endpoint_by_the_base_uri(site) -> None:
    r = fetch(site, "/sparql", Host="internal.example:8080")
    assert r.status_code == 200
    assert f"<code>{site.settings.base_uri}sparql</code>" in r.text
    assert "internal.example" not in r.text


def test_the_service_description_names_the_endpoint_by_the_base_uri(site) -> None:
    """Regression: sd:endpoint was built from the request's Host header too."""
    from rdflib import Graph, URIRef
    from rdflib.namespace import Namespace

    r = fetch(site, "/sparql", Host="internal.example:8080", Accept="text/turtle")
    assert r.status_code == 200
    graph = Graph().parse(data=r.text, format="turtle")
    sd = Namespace("http://www.w3.org/ns/sparql-service-description#")
    assert set(graph.objects(None, sd.endpoint)) == {URIRef(f"{site.settings.base_uri}sparql")}


# --- 9. CORS preflight defaults and static files' conditional requests --------------

@pytest.mark.parametrize("header", ["If-None-Match", "If-Modified-Since", "If-Match",
                                    "If-Unmodified-Since", "Accept"])
@pytest.mark.parametrize("path", ["/doc/record/pubmed-6839263", "/dataset", "/context.jsonld"])
def test_a_preflight_without_requested_headers_allows_every_conditional(site, path: str,
                                                                         header: str) -> None:
    r = requests.options(site.url + path, timeout=10, headers={
        "Origin": "https://example.org", "Access-Control-Request-Method": "GET"})
    allowed = [h.strip().lower() for h in r.headers["Access-Control-Allow-Headers"].split(",")]
    assert header.lower() in allowed


@pytest.mark.parametrize(("case", "expected"), [
    ("no-conditions", 200), ("if-match-star", 200), ("if-match-current", 200),
    ("if-match-other", 412), ("ius-before", 412), ("ius-at-last-modified", 200),
    ("inm-current", 304), ("ims-at-last-modified", 304), ("ius-before-inm", 412),
    ("if-match-then-inm", 304)])
def test_static_files_answer_conditional_requests_as_documents_do(site, case: str,
                                                                  expected: int) -> None:
    url = site.url + "/static/ldpub.css"
    current = requests.get(url, timeout=10)
    assert current.status_code == 200 and current.headers["Last-Modified"]
    values = {"etag": current.headers["ETag"], "last": current.headers["Last-Modified"]}
    headers = {k: v.format(**values) for k, v in BY_NAME[case][0].items()}
    answer = requests.get(url, headers=headers, timeout=10)
    assert answer.status_code == expected, answer.text[:200]
    if expected == 200:
        assert answer.content == current.content


def test_a_static_file_that_is_not_there_is_a_404(site) -> None:
    for path in ("/static/nothing.css", "/static/../templates/base.html",
                 "/static/%2e%2e/templates/base.html"):
        assert requests.get(site.url + path, timeout=10).status_code == 404, path


def test_the_sparql_page_says_how_to_leave_the_editor_by_keyboard(site) -> None:
    """Regression (WCAG 2.1.2): Tab indents inside the query editor and only Esc, then Tab,
    leaves it; the page did not say so, so a keyboard user was trapped."""
    r = fetch(site, "/sparql")
    assert r.status_code == 200 and "press Esc, then Tab" in r.text

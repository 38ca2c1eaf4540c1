"""The record, browse and search pages as a librarian and a screen-reader user meet them
(explore12 browser D10, D11, D12, D13, D15, D16), and the licence of a record's document
(its RDF said none, while the documents of people and subjects did).

Real records through the real pipeline into an embedded store, served by the real app
through Flask's test client (the fast path included: it wraps the app); the pages are
parsed with lxml and compared with the record's own triples.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from lxml import html
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, SKOS

from ld.config import load_settings
from ld.labels import expand
from ld.model import Agent, Record, Source, Subject
from tests.conftest_web import load_records

BASE = "http://example.org/"
LICENSE = "https://creativecommons.org/licenses/by/4.0/"
HTML = {"Accept": "text/html"}
SRC = Source("t.json", "record 1", "test")
BOOK = Record(id="book-1", source=SRC, formats=["Book"], title="Perl in practice",
              creators=[Agent("Wall, Larry")], issued="2000", languages=["eng"],
              contributors=[Agent("Editor, Eddie", roles=["edt"])], copyrighted=["©1999"],
              subjects=[Subject("Perl (Computer program language)", scheme="lcsh")],
              classifications=[Subject("005.133", scheme="ddc"),
                               Subject("QA76.73.P22", scheme="lcc")], edition="2nd ed.",
              publication_places=["Sebastopol"])
MANY = [Record(id=f"many-{n:03d}", source=SRC, formats=["Book"], title=f"Volume {n}",
               creators=[Agent(f"Person {n:03d}, A")], issued="2001") for n in range(60)]


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    from ld.web import create_app

    settings = load_settings(env={}, store=str(tmp_path_factory.mktemp("web13") / "store"),
                             base_uri=BASE, license=LICENSE)
    load_records(settings, [BOOK, *MANY])
    yield create_app(settings).test_client()


def _page(client: Any, path: str) -> Any:
    response = client.get(path, headers=HTML)
    assert response.status_code == 200, (path, response.status_code)
    return html.fromstring(response.get_data(as_text=True))


def _graph(client: Any, path: str, fmt: str = "turtle") -> Graph:
    response = client.get(path)
    assert response.status_code == 200, (path, response.status_code)
    return Graph().parse(data=response.get_data(), format=fmt)


def _modified(client: Any, key: str) -> datetime:
    graph = _graph(client, f"/doc/record/{key}.ttl")
    value = graph.value(URIRef(f"{BASE}doc/record/{key}"), DCTERMS.modified)
    assert isinstance(value, Literal)
    return value.toPython()


def test_d10_the_record_page_dates_the_record_and_the_home_page_says_what_its_dates_are(
        client: Any) -> None:
    page = _page(client, "/doc/record/book-1")
    (when,) = page.xpath("//dt[.='Record updated']/following-sibling::dd[1]/time/@datetime")
    assert datetime.fromisoformat(when) == _modified(client, "book-1")
    home = _page(client, "/")
    item = home.xpath("//ul[@class='records']/li")[0]
    assert "record updated" in item.text_content()
    (stamp,) = item.xpath(".//time/@datetime")
    key = item.xpath("a/@href")[0].removeprefix("/id/record/")
    assert datetime.fromisoformat(stamp) == _modified(client, key)


def test_d11_authors_are_labelled_and_no_row_repeats_what_is_shown_above(client: Any) -> None:
    page = _page(client, "/doc/record/book-1")
    (label,) = page.xpath("//span[@id='authors-label']")
    assert label.getnext().get("class") == "authors" and label.text == "Author:"
    graph = _graph(client, "/doc/record/book-1.ttl")
    thing = URIRef(f"{BASE}id/record/book-1")
    repeats = {expand(c) for c in ("ldpub:formatLabel", "dcterms:identifier",
                                   "bibo:editorList")}
    assert repeats <= {str(p) for p in graph.predicates(thing)}  # said in the RDF ...
    shown = set(page.xpath("//dl[contains(@class,'statements')]/dd[@class='term']/a/text()"))
    assert not {"ldpub:formatLabel", "dcterms:identifier", "bibo:editorList"} & shown
    labels = page.xpath("//dl[contains(@class,'statements')]/dt/text()")
    assert "Date copyrighted" in labels and "Date Copyrighted" not in labels


def test_d12_class_numbers_are_shown_with_their_scheme_apart_from_headings(client: Any
                                                                            ) -> None:
    graph = _graph(client, "/doc/record/book-1.ttl")
    numbers = {str(graph.value(s, SKOS.notation)): s for s in graph.subjects(SKOS.notation)}
    assert set(numbers) == {"005.133", "QA76.73.P22"}
    page = _page(client, "/doc/record/book-1")
    classes = {" ".join(li.text_content().split()): li.xpath("a/@href")[0]
               for li in page.xpath("//ul[contains(@class,'classes')]/li")}
    assert classes == {f"{scheme} {n}": "/" + str(numbers[n])[len(BASE):]
                       for scheme, n in (("DDC", "005.133"), ("LCC", "QA76.73.P22"))}
    headings = page.xpath("//ul[@class='inline subjects']/li/a/text()")
    assert headings == ["Perl (Computer program language)"]
    browse = _page(client, "/browse/subject")
    rows = {a.get("href"): a.text for a in browse.xpath("//table//a")}
    assert rows["/" + str(numbers["005.133"])[len(BASE):]] == "DDC 005.133"


def test_d13_results_have_a_heading_and_none_found_says_what_search_covers(client: Any
                                                                           ) -> None:
    found = _page(client, "/search?q=perl")
    assert found.xpath("//h2[@class='results']/text()")[0].startswith("1 result for")
    none = _page(client, "/search?q=zzzqqq")
    assert none.xpath("//h2[@class='results']/text()") == ["0 results for “zzzqqq”"]
    (prompt,) = none.xpath("//p[@class='prompt']")
    assert "titles" in prompt.text_content() and prompt.xpath("a/@href") == ["/browse"]
    past = client.get("/search?q=perl&page=5", headers=HTML)
    assert past.status_code == 404
    page = html.fromstring(past.get_data(as_text=True))
    assert page.xpath("//p[@class='error-link']/a/@href") == ["/search?q=perl"]
    assert page.xpath("//form[@role='search']//input[@name='q']/@value") == ["perl"]


def test_d15_browse_pages_have_a_pager_above_the_table_too(client: Any) -> None:
    page = _page(client, "/browse/person")
    navs = page.xpath("//nav[@class='pager']")
    assert len(navs) == 2 and navs[0].getnext().tag == "table"
    assert len({n.get("aria-label") for n in navs}) == 2  # unique landmark names
    for nav in navs:
        assert nav.xpath("a[@rel='next']/@href") == ["?page=2"]
    assert page.xpath("//a[@aria-current='page']/@href") == ["/browse/person"]


def test_d16_each_row_names_its_rdf_property(client: Any) -> None:
    page = _page(client, "/doc/record/book-1")
    graph = _graph(client, "/doc/record/book-1.ttl")
    said = {str(p) for p in graph.predicates(URIRef(f"{BASE}id/record/book-1"))}
    rows = page.xpath("//dl[contains(@class,'statements')]/dd[@class='term']/a")
    assert rows
    for a in rows:
        assert expand(a.text) in said, a.text
        assert a.get("href") in (expand(a.text), "/vocab#" + a.text.removeprefix("ldpub:"))
    terms = {a.text for a in rows}
    assert {"bibo:edition", "dcterms:dateCopyrighted", "ldpub:publicationPlace"} <= terms
    vocab = _page(client, "/vocab")  # our terms' links land on their definitions
    for a in rows:
        if a.get("href").startswith("/vocab#"):
            assert vocab.xpath(f"//*[@id='{a.get('href')[len('/vocab#'):]}']"), a.text


@pytest.mark.parametrize(("path", "fmt"), [
    ("/doc/record/book-1.ttl", "turtle"), ("/doc/record/book-1.nt", "nt"),
    ("/doc/record/book-1.rdf", "xml"), ("/doc/record/book-1.jsonld", "json-ld"),
    ("/doc/record/book-1?format=ttl", "turtle"), ("/doc/record/book-1?format=nt", "nt")])
def test_a_record_document_says_the_dataset_licence(client: Any, path: str, fmt: str,
                                                    tmp_path: Path) -> None:
    """Through the fast path (a suffix, no query) and Flask (``?format=``) alike."""
    if fmt == "json-ld":  # our context, served by the app, not fetched from the web
        context = client.get("/context.jsonld").get_data(as_text=True)
        body = client.get(path).get_data(as_text=True).replace(
            f'"{BASE}context.jsonld"', context)
        graph = Graph().parse(data=body, format="json-ld")
    else:
        graph = _graph(client, path, fmt)
    doc = URIRef(f"{BASE}doc/record/book-1")
    assert (doc, DCTERMS.license, URIRef(LICENSE)) in graph
    assert set(graph.objects(doc, DCTERMS.license)) == {URIRef(LICENSE)}

"""The record page for readers of other languages and scripts, and its links (explore12
browser D1, D3, D4, D5), against a real server over a real store.

D4: the publisher (dcterms:publisher, an organisation of ours) was text, the one thing
the page named without linking it. D5: the original-script names (skos:altLabel of the
record's people and publisher) were on their own pages only, the original-script title
in the table at the bottom. D1: only abstracts got a lang attribute; a title, an other
title or a note whose literal is language-tagged was read in the page's English. D3: C1
control characters (mojibake) were stored and written raw into the page, which HTML
forbids; they are dropped now, and the title's are counted so the shapes still warn.
"""

from __future__ import annotations

import urllib.request
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from lxml import html
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS

from ld.mapping import map_record
from ld.model import Record, Source, Subject, Text
from ld.namespaces import LDPUB
from ld.validation import Validator
from tests.conftest_web import Site, start_site

SHARED = Path(__file__).resolve().parents[1].parent / "shared" / "data"
ALT_SCRIPT = SHARED / "marc" / "recordmanager" / "marc_alt_script.xml"
PUBMED_SPANISH = SHARED / "pubmed" / "metapub-efetch" / "30776274.xml"
BASE = "http://example.org/"
WHEN = datetime(2024, 5, 6, tzinfo=UTC)
MOJIBAKE = "MetsÃ\u0083Â\u0083Ã\u0082Â¤ ja puu"  # UTF-8 read as Latin-1, twice


def _record(record_id: str, **fields: Any) -> Record:
    fields.setdefault("issued", "2020")
    return Record(id=record_id, source=Source("t.json", "record 1", "test"), **fields)


SYNTHETIC = [
    _record("tagged", title=Text("Le petit prince", "fre"),
            alternative_titles=[Text("Der kleine Prinz", "ger")], notes=["A plain note"]),
    _record("broken", title=MOJIBAKE, subjects=[Subject("Caf\u0085 society")]),
]


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    if not (ALT_SCRIPT.exists() and PUBMED_SPANISH.exists()):
        pytest.skip(f"the shared MARC and PubMed records are not there ({SHARED})")
    the_site, server = start_site(tmp_path_factory.mktemp("web12-record"), SYNTHETIC,
                                  [str(ALT_SCRIPT), str(PUBMED_SPANISH)])
    yield the_site
    server.shutdown()


def _page(site: Site, key: str) -> Any:
    request = urllib.request.Request(f"{site.url}/doc/record/{key}",
                                     headers={"Accept": "text/html"})
    return html.fromstring(urllib.request.urlopen(request).read())


def _row(page: Any, label: str) -> Any:
    (dd,) = page.xpath(f"//article//dt[.='{label}']/following-sibling::dd[1]")
    return dd


def test_the_publisher_links_to_its_page(site: Site) -> None:
    publisher = _row(_page(site, "9933385663506253"), "Publisher")
    assert publisher.xpath("a/@href") == ["/id/organization/sanseido"]
    assert publisher.xpath("a/text()") == ["Sanseidō"]


def test_original_script_names_are_beside_the_romanised_ones(site: Site) -> None:
    page = _page(site, "9933385663506253")
    assert _row(page, "Publisher").xpath("bdi[@class='alt-name']/text()") == ["三省堂"]
    contributor = _row(page, "Contributor")
    assert contributor.xpath("a/text()") == ["Kageyama, Terukuni"]
    assert contributor.xpath("bdi[@class='alt-name']/text()") == ["影山, 輝国"]


def test_the_original_script_title_is_under_the_title(site: Site) -> None:
    page = _page(site, "9933385663506253")
    (title,) = page.xpath("//h1[@id='title']")
    assert title.getnext().get("class") == "original-title"
    assert title.getnext().text == "漢字源 : 上級漢和辞典"
    table = page.xpath("//dl[contains(@class, 'statements')]//text()")
    assert "漢字源 : 上級漢和辞典" not in table  # said once, up there


def test_language_tagged_values_have_a_lang_attribute(site: Site) -> None:
    page = _page(site, "tagged")
    assert page.xpath("//h1[@id='title']/@lang") == ["fr"]
    assert _row(page, "Other title").xpath("bdi/@lang") == ["de"]
    assert _row(page, "Note").xpath("bdi/@lang") == []  # the source says nothing


def test_a_pubmed_vernacular_title_is_in_the_articles_language(site: Site) -> None:
    other = _row(_page(site, "pmid-30776274"), "Other title")
    assert other.xpath("bdi[@lang='es']/text()") == ["Autismo. Aspectos genéticos y biológicos"]


def test_no_c1_control_character_reaches_the_page(site: Site) -> None:
    request = urllib.request.Request(f"{site.url}/doc/record/broken",
                                     headers={"Accept": "text/html"})
    text = urllib.request.urlopen(request).read().decode()
    assert [c for c in text if "\x7f" <= c <= "\x9f"] == []
    assert "MetsÃÂÃÂ¤ ja puu" in text
    assert "mojibake" in text  # the warning is shown


def test_the_vernacular_title_is_tagged_in_the_rdf() -> None:
    if not PUBMED_SPANISH.exists():
        pytest.skip(f"the shared PubMed record is not there ({PUBMED_SPANISH})")
    from ld.readers import read_path

    (record,) = list(read_path(str(PUBMED_SPANISH)))
    thing = URIRef(BASE + "id/record/pmid-30776274")
    assert set(_graph(record).objects(thing, DCTERMS.alternative)) == {
        Literal("Autismo. Aspectos genéticos y biológicos", lang="es")}


def _graph(record: Record) -> Graph:
    graph = Graph()
    for triple in map_record(record, BASE, modified=WHEN):
        graph.add(triple)
    return graph


def test_c1_controls_are_dropped_and_counted_on_the_title() -> None:
    graph = _graph(_record("r1", title=MOJIBAKE, subjects=[Subject("Caf\u0085 society")]))
    thing = URIRef(BASE + "id/record/r1")
    assert set(graph.objects(thing, DCTERMS.title)) == {Literal("MetsÃÂÃÂ¤ ja puu")}
    assert set(graph.objects(thing, LDPUB.droppedControlCharacters)) == {Literal(3)}
    labels = {o for o in graph.objects() if isinstance(o, Literal)}
    assert Literal("Caf society") in labels
    assert [o for o in labels if any("\x7f" <= c <= "\x9f" for c in o)] == []


@pytest.mark.parametrize(("title", "warned"), [
    (MOJIBAKE, True), ("Caf\u0085 society", True), ("Café society", False)])
def test_the_mojibake_warning_still_fires(title: str, warned: bool) -> None:
    (report,) = Validator().validate([("r1", map_record(_record("r1", title=title), BASE,
                                                        modified=WHEN))])
    messages = [r.message for r in report.results if "mojibake" in r.message]
    assert bool(messages) is warned
    assert report.conforms


def test_a_tagged_label_link_and_statement_get_lang(site: Site) -> None:
    """Generic: a linked label (a subject's skos:prefLabel) and a table value, whatever
    their property, carry the lang of their literal (here as the pages pass them)."""
    from flask import render_template_string

    from ld.web import create_app

    app = create_app(site.settings)
    with app.test_request_context("/"):
        page = html.fromstring(render_template_string(
            '{% from "_macros.html" import link_to, statement_values with context %}'
            "<div>{{ link_to(iri, label) }}{{ statement_values(values) }}</div>",
            iri=BASE + "id/subject/x", label=Text("Kirjastot", "fi"),
            values=[(Text("Bibliotheken", "de"), None), ("plain", None)]))
    assert page.xpath("a/@lang") == ["fi"]
    assert [(b.text, b.get("lang")) for b in page.xpath("bdi")] == [
        ("Bibliotheken", "de"), ("plain", None)]

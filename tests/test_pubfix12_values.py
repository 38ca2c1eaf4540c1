"""review12 L12: an ISBN URN with a failing check digit is an ISBN set apart (with the
shapes' warning), not a URN published as valid; an invalid language is read with the
record's languages, not listed with its identifiers."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
from rdflib import Graph, Literal, URIRef

from ld.facts import Facts, Index, read
from ld.mapping import map_record
from ld.model import Record, Source
from ld.namespaces import BIBO, LDPUB
from ld.readers import read_path
from tests.test_pubmed12_oai_dc import _PAGE as OAI_DC_PAGE

BASE = "http://example.org/"
S = URIRef(f"{BASE}id/record/oai:repo:1")
_PAGE = OAI_DC_PAGE  # one oai_dc page with {elements}, shared


def _graph(tmp_path: Path, identifiers: list[str]) -> Graph:
    elements = "".join(f"<dc:identifier>{v}</dc:identifier>" for v in identifiers)
    path = tmp_path / "page.xml"
    path.write_text(_PAGE.format(elements=elements), encoding="utf-8")
    [record] = list(read_path(str(path)))
    assert isinstance(record, Record), record
    return map_record(record, BASE)


def test_an_isbn_urn_failing_its_check_is_an_invalid_isbn(tmp_path: Path) -> None:
    graph = _graph(tmp_path, ["urn:isbn:9780306406150", "urn:isbn:9780306406157",
                              "urn:nbn:de:0001-12345"])
    assert set(graph.objects(S, LDPUB.invalidIsbn)) == {Literal("9780306406150")}
    assert set(graph.objects(S, BIBO.isbn)) == {Literal("9780306406157")}
    assert set(graph.objects(S, BIBO.uri)) == {Literal("urn:nbn:de:0001-12345")}


def _facts(record: Record) -> Facts:
    graph = map_record(record, BASE)
    triples = [q.triple for q in ox.parse(graph.serialize(format="nt").encode(),
                                          format=ox.RdfFormat.N_TRIPLES)]
    return read(Index(triples), f"{BASE}id/record/r1", f"{BASE}doc/record/r1", BASE)


def test_an_invalid_language_is_read_with_the_languages() -> None:
    f = _facts(Record(id="r1", source=Source("t.json", "record 1", "test"), title="T",
                      languages=["English", "Deutsch"]))
    assert (f.languages, f.invalid_languages) == (["English"], ["Deutsch"])
    assert [what for what, _ in f.invalid] == []


def test_the_page_lists_an_invalid_language_under_languages(tmp_path: Path) -> None:
    """On the record page: under "Languages", marked invalid; not under "Identifiers"."""
    from lxml import html

    from ld.config import load_settings
    from ld.web import create_app
    from tests.conftest_web import load_records

    settings = load_settings(env={}, store=str(tmp_path / "store"), base_uri=BASE)
    load_records(settings, [Record(id="r1", source=Source("t.json", "record 1", "test"),
                                   title="T", issued="2020", languages=["English", "Deutsch"])],
                 [])
    client = create_app(settings).test_client()
    page = html.fromstring(client.get("/doc/record/r1", headers={"Accept": "text/html"}).data)
    (languages,) = page.xpath("//dt[.='Languages']/following-sibling::dd[1]")
    assert " ".join(languages.text_content().split()) == "English, invalid Deutsch"
    assert "Deutsch" not in page.xpath("string(//dl[contains(@class, 'identifiers')])")

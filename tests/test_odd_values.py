"""Odd values a catalogue holds: what the mapping publishes, what the shapes say,
what the record page shows. Regressions found by an independent review with
Apache Jena and a browser:

- a ``javascript:`` link was published as foaf:page and made a live link on the
  record page (stored XSS);
- a link with a lone "%", "[" or a second "#" got the whole record rejected by
  the store's IRI parser, where the README promises a warning;
- identifiers and dates written with non-ASCII digits were taken by Python's
  ``\\d``: a DOI "10.١٢٣٤/abc" was minted into a doi.org IRI and then rejected,
  a year "١٤٢٠" was published as an ill-typed xsd:gYear that ldpub's validator
  (like pySHACL) passed;
- a title with a control character made the record's RDF/XML unreadable.
"""

from __future__ import annotations

import urllib.request
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from lxml import etree
from pyoxigraph import NamedNode
from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, FOAF

from ld import mapping_terms as t
from ld.mapping import map_record
from ld.model import Record, Source
from ld.namespaces import BIBO, LDPUB
from ld.validation import Validator
from tests.conftest_web import start_site

BASE = "http://example.org/"
WHEN = datetime(2024, 5, 6, tzinfo=UTC)
RECORD = URIRef(BASE + "id/record/r1")
XSD = Namespace("http://www.w3.org/2001/XMLSchema#")  # not rdflib's XSD: pytest trips on it


@pytest.fixture(scope="module")
def validator() -> Validator:
    return Validator()


def _record(**fields: Any) -> Record:
    fields.setdefault("title", "A title")
    return Record(id="r1", source=Source("t.json", "record 1", "test"), **fields)


def _graph(record: Record) -> Graph:
    graph = Graph()
    for triple in map_record(record, BASE, modified=WHEN):
        graph.add(triple)
    return graph


def _severities(validator: Validator, record: Record) -> set[str]:
    (report,) = validator.validate([(record.id, map_record(record, BASE, modified=WHEN))])
    return {str(result.severity).rsplit("#", 1)[-1] for result in report.results}


@pytest.mark.parametrize("url", ["javascript:alert(1)", "data:text/html,<b>x</b>",
                                 "vbscript:msgbox(1)", "mailto:someone@example.org"])
def test_a_link_no_reader_should_follow_is_set_apart(validator: Validator, url: str) -> None:
    record = _record(urls=[url])
    graph = _graph(record)
    assert not list(graph.objects(RECORD, FOAF.page))
    assert list(graph.objects(RECORD, LDPUB.invalidLink)) == [Literal(url)]
    assert _severities(validator, record) <= {"Warning"}  # published, with a warning


@pytest.mark.parametrize(("url", "iri"), [
    ("http://example.org/100%", "http://example.org/100%25"),
    ("http://example.org/a[1]#x#y", "http://example.org/a%5B1%5D#x%23y"),
    ("https://example.org/a b?q=1%2", "https://example.org/a%20b?q=1%252"),
    ("http://[::1]:8080/p", "http://[::1]:8080/p"),  # an IPv6 host keeps its brackets
    ("https://example.org/%7Euser", "https://example.org/%7Euser"),
])
def test_an_odd_web_link_is_encoded_not_rejected(validator: Validator, url: str,
                                                 iri: str) -> None:
    record = _record(urls=[url])
    assert list(_graph(record).objects(RECORD, FOAF.page)) == [URIRef(iri)]
    NamedNode(iri)  # the store's own parser takes it
    assert _severities(validator, record) <= {"Warning"}


def test_a_doi_in_other_digits_is_set_apart_with_a_warning(validator: Validator) -> None:
    record = _record(doi=["10.١٢٣٤/abc"], urls=["https://pubmed.ncbi.nlm.nih.gov/١٢٣/"])
    graph = _graph(record)
    assert list(graph.objects(RECORD, LDPUB.invalidDoi)) == [Literal("10.١٢٣٤/abc")]
    assert not list(graph.objects(RECORD, BIBO.doi))
    assert not list(graph.objects(RECORD, BIBO.pmid))  # no PubMed id read from that link
    assert _severities(validator, record) <= {"Warning"}


@pytest.mark.parametrize(("value", "expected"), [
    ("２０２０年", Literal("2020", datatype=XSD.gYear)),  # fullwidth digits, CJK catalogues
    ("c１９９２", Literal("1992", datatype=XSD.gYear)),
    ("١٤٢٠", None),  # Arabic-Indic: often a Hijri year, and XSD knows ASCII digits only
    ("۱۳۹۹", None),
    ("२०१९", None),
    ("١٤٢٠-٠٣", None),
    ("9999", None),  # MARC's "unknown" year, also written so in VuFind exports
    ("9999-01", None),
    ("1922-9999", Literal("1922", datatype=XSD.gYear)),  # a run of years: the first
    ("9999-2008", Literal("2008", datatype=XSD.gYear)),
    ("c1999, 9999 copies", Literal("1999", datatype=XSD.gYear)),
    ("1999", Literal("1999", datatype=XSD.gYear)),
])
def test_dates_in_other_digits(value: str, expected: Literal | None) -> None:
    assert t.issued_literal(value) == expected


@pytest.mark.parametrize(("lexical", "datatype"), [
    ("99", XSD.gYear), ("+2020", XSD.gYear), ("٢٠٢٠", XSD.gYear),
    ("2020-13", XSD.gYearMonth), ("2020-1", XSD.gYearMonth),
])
def test_an_ill_typed_date_is_a_violation(validator: Validator, lexical: str,
                                          datatype: URIRef) -> None:
    """SHACL's sh:datatype needs a well-formed lexical form (Jena checks it; pySHACL
    and rdflib do not for these two types)."""
    graph = _graph(_record(issued="2020"))
    graph.remove((RECORD, DCTERMS.issued, None))
    graph.add((RECORD, DCTERMS.issued, Literal(lexical, datatype=datatype)))
    (report,) = validator.validate([("r1", graph)])
    assert not report.conforms
    assert any("issued" in str(result.path) for result in report.results)


@pytest.mark.parametrize(("lexical", "datatype"), [
    ("2020", XSD.gYear), ("0999", XSD.gYear), ("2020Z", XSD.gYear),
    ("2020-01", XSD.gYearMonth), ("2020-12+05:00", XSD.gYearMonth),
])
def test_well_formed_dates_still_conform(validator: Validator, lexical: str,
                                         datatype: URIRef) -> None:
    graph = _graph(_record(issued="2020"))
    graph.remove((RECORD, DCTERMS.issued, None))
    graph.add((RECORD, DCTERMS.issued, Literal(lexical, datatype=datatype)))
    (report,) = validator.validate([("r1", graph)])
    assert report.conforms, [r.message for r in report.results]


def test_control_characters_do_not_break_rdf_xml() -> None:
    graph = _graph(_record(title="Control \u0007 char \u0000 end\ttab"))
    data = graph.serialize(format="xml").encode()
    etree.fromstring(data)  # well-formed XML 1.0
    assert Literal("Control  char  end\ttab") in set(graph.objects(RECORD, DCTERMS.title))


def test_a_script_link_is_never_a_link_on_the_page(tmp_path: Path) -> None:
    """Loaded by ldpub it is set apart; stored by anything else (another tool, an older
    ldpub), the page still shows it as text, never as a live href."""
    from ld.store import open_store

    site, server = start_site(tmp_path, [_record(urls=["javascript:alert(1)"], issued="2020")],
                              [])
    try:
        with open_store(site.settings) as store:  # as a load beside the server would
            store.update(f"INSERT DATA {{ GRAPH <{site.settings.base_uri}doc/record/r1> {{ "
                         f"<{site.settings.base_uri}id/record/r1> <{FOAF.page}> "
                         "<javascript:alert(2)> } }")
            store.publish()
        page = urllib.request.urlopen(urllib.request.Request(
            f"{site.url}/doc/record/r1", headers={"Accept": "text/html"})).read().decode()
    finally:
        server.shutdown()
    assert 'href="javascript:' not in page
    assert "javascript:alert(1)" in page and "javascript:alert(2)" in page


@pytest.mark.parametrize(("title", "warned"), [
    ("MetsÃ\u0083Â\u0083Ã\u0082Â¤ ja puu", True),  # UTF-8 read as Latin-1, twice
    ("Caf\u0085 society", True),
    ("SÃO PAULO: a history", False),  # a real capital A with tilde
    ("Café society", False),
])
def test_a_wrongly_decoded_title_is_warned_about(validator: Validator, title: str,
                                                 warned: bool) -> None:
    """Regression: a MARC record of runaway double-encoding (an 8,220-character title of
    "ÃÂÃÂ..." and C1 control characters) was published as conforming, no warning."""
    (report,) = validator.validate([("r1", map_record(_record(title=title, issued="2020"),
                                                      BASE, modified=WHEN))])
    messages = [r.message for r in report.results if "mojibake" in r.message]
    assert bool(messages) is warned, [r.message for r in report.results]
    assert report.conforms  # a warning: the record is still published


def test_one_journal_one_uri_whichever_issn_comes_first() -> None:
    """Regression: the journal was keyed by the first valid ISSN, and PubMed lists the print
    ISSN first for some articles, the electronic one for others: "The Biochemical journal"
    had two URIs. The ISSN-L (PubMed ISSNLinking, MEDLINE "(Linking)") keys it now."""
    from ld.model import Container

    def journal(issns: list[str], linking: str | None) -> set[URIRef]:
        record = _record(issued="2020", container=Container(
            title="The Biochemical journal", issn=issns, issn_l=linking))
        return set(_graph(record).objects(RECORD, DCTERMS.isPartOf))

    print_first = journal(["0264-6021", "0264-6021"], "0264-6021")
    electronic_first = journal(["1470-8728", "0264-6021"], "0264-6021")
    assert print_first == electronic_first == {URIRef(BASE + "id/journal/0264-6021")}
    assert journal(["1470-8728"], None) == {URIRef(BASE + "id/journal/1470-8728")}


def test_the_real_pubmed_records_meet_on_one_journal() -> None:
    shared = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "pubmed"
    files = [shared / "metapub-efetch" / f"{pmid}.xml" for pmid in ("1000", "39302109")]
    if not all(f.exists() for f in files):
        pytest.skip(f"the shared PubMed records are not there ({shared})")
    from ld.readers import read_path

    journals = set()
    for path in files:
        [record] = list(read_path(str(path)))
        assert isinstance(record, Record)
        journals |= set(_graph(record).objects(URIRef(f"{BASE}id/record/{record.id}"),
                                               DCTERMS.isPartOf))
    assert journals == {URIRef(BASE + "id/journal/0264-6021")}


def test_a_runaway_title_does_not_become_the_tab_text(tmp_path: Path) -> None:
    """Regression: a record of 8,220 characters of mojibake put all of them in <title>;
    the page keeps the whole title in its heading, marked dir="auto" for right-to-left
    scripts."""
    import re

    title = "كتاب " * 1000
    site, server = start_site(tmp_path, [_record(title=title, issued="2020")], [])
    try:
        page = urllib.request.urlopen(urllib.request.Request(
            f"{site.url}/doc/record/r1", headers={"Accept": "text/html"})).read().decode()
    finally:
        server.shutdown()
    tab = re.search(r"<title>(.*?)</title>", page, re.S)[1]
    assert len(tab) < 300 and tab.startswith("كتاب")
    heading = re.search(r'<h1 id="title" dir="auto">(.*?)</h1>', page, re.S)[1]
    assert heading == title.strip()


def test_digits_that_int_refuses_are_no_digits(validator: Validator) -> None:
    """Regression: "²" passes str.isdigit() but not int(): an ISBN ending in it crashed
    the mapping of its record, as it crashed the identity key and the ISBN-13 form."""
    from ld.identity import isbn13, normalise

    record = _record(isbn=["030640615²"], issued="2020")
    graph = _graph(record)
    assert list(graph.objects(RECORD, LDPUB.invalidIsbn)) == [Literal("030640615²")]
    assert _severities(validator, record) <= {"Warning"}
    assert isbn13("030640615²") is None
    assert normalise(BIBO.pmid, "12²") is None

"""Electronic ISSNs (explore10/catalog 18): where the source says an ISSN is the electronic
one (PubMed IssnType="Electronic", MEDLINE "(Electronic)", JATS pub-type="epub" or
publication-format="electronic", DOAJ eissn) the journal has it as bibo:eissn, the print one
as bibo:issn; both were bibo:issn. The journal's URI does not change: still the ISSN-L, else
the first valid ISSN as the source lists them, electronic or not.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import requests
from rdflib import Graph, Literal, Namespace, URIRef

from ld.mapping import map_record
from ld.model import Agent, Container, Record, Source
from ld.readers import jats, read_path
from ld.validation import Validator
from tests.conftest_web import Site, start_site
from tests.test_record_links import html, rows
from tests.test_web_pages import HTML, Page

BASE = "http://example.org/"
BIBO = Namespace("http://purl.org/ontology/bibo/")
LDPUB = Namespace("https://w3id.org/ldpub/vocab#")
LDSH = Namespace("https://w3id.org/ldpub/shapes#")
WHEN = datetime(2024, 5, 6, tzinfo=UTC)
ISSN_PROPS = (BIBO.issn, BIBO.eissn, LDPUB.invalidIssn)


def _journal(key: str) -> URIRef:
    return URIRef(f"{BASE}id/journal/{key}")


def _issns(graph: Graph) -> set[tuple]:
    """The ISSN statements of the graph, on whatever node (journal or record)."""
    return {(s, p, o) for p in ISSN_PROPS for s, o in graph.subject_objects(p)}


def _read(path: Path, record_id: str | None = None) -> Record:
    records = [r for r in read_path(str(path)) if isinstance(r, Record)]
    return next(r for r in records if record_id is None or r.id == record_id)


def _mapped(record: Record) -> Graph:
    return map_record(record, BASE, modified=WHEN)


def _expected(key: str, print_: list[str], electronic: list[str]) -> set[tuple]:
    node = _journal(key)
    return {(node, BIBO.issn, Literal(v)) for v in print_} | {
        (node, BIBO.eissn, Literal(v)) for v in electronic}


# --- each reader that knows which is which --------------------------------------------

@pytest.mark.parametrize(("path", "record_id", "key", "print_", "electronic"), [
    ("pubmed/metapub-efetch/38147649.xml", None, "0027-8424", ["0027-8424"], ["1091-6490"]),
    ("pubmed/biopython-medline/pubmed_result2.txt", "pmid-16403221", "1471-2105", [],
     ["1471-2105"]),
    ("pubmed/pmc-jats/ehp-116-1694.nxml", None, "0091-6765", ["0091-6765"], ["1552-9924"]),
    ("pubmed/pmc-jats/1472-6831-8-11.nxml", None, "1472-6831", [], ["1472-6831"]),
    ("oai-pmh/vufindharvest/oai_doaj.xml", "oai:doaj.org/article:019227dd42d64d44bf894b776d228316",
     "0210-5462", ["0210-5462"], ["2340-0129"]),
])
def test_electronic_issn_is_bibo_eissn_and_the_journal_keeps_its_key(
        shared_data: Path, path: str, record_id: str | None, key: str, print_: list[str],
        electronic: list[str]) -> None:
    graph = _mapped(_read(shared_data / path, record_id))
    assert _issns(graph) == _expected(key, print_, electronic)
    assert (None, None, _journal(key)) in graph  # the record is part of it


JATS = """<article><front><journal-meta><journal-title>J</journal-title>{issns}</journal-meta>
<article-meta><article-id pub-id-type="doi">10.1234/x</article-id><title-group><article-title>T
</article-title></title-group></article-meta></front></article>"""


@pytest.mark.parametrize(("issns", "key", "print_", "electronic"), [
    ('<issn publication-format="electronic">1552-9924</issn>'
     '<issn publication-format="print">0091-6765</issn>', "1552-9924", ["0091-6765"],
     ["1552-9924"]),
    ('<issn pub-type="ppub">0091-6765</issn><issn pub-type="epub">1552-9924</issn>',
     "0091-6765", ["0091-6765"], ["1552-9924"]),
    ('<issn>0091-6765</issn><issn>1552-9924</issn>', "0091-6765", ["0091-6765", "1552-9924"],
     []),  # not said: both as before
])
def test_jats_issn_kinds(issns: str, key: str, print_: list[str], electronic: list[str]) -> None:
    (record,) = jats.read(io.BytesIO(JATS.format(issns=issns).encode()), "t.nxml")
    assert isinstance(record, Record)
    assert _issns(_mapped(record)) == _expected(key, print_, electronic)


# --- the mapping: key, invalid values, one kind per value ---------------------------------

def _article(container: Container, **fields: Any) -> Record:
    return Record(id="a", source=Source("t", "1", "test"), formats=["Article"], title="T",
                  creators=[Agent("Doe, Jane")], issued="2020", languages=["eng"],
                  container=container, **fields)


@pytest.mark.parametrize(("container", "key", "expected"), [
    # only an eISSN: keyed by it, as it was when it was published as bibo:issn
    (Container(issn=["1091-6490"], eissn=["1091-6490"]), "1091-6490",
     {(BIBO.eissn, "1091-6490")}),
    # electronic first, no ISSN-L: still keyed by the first as listed
    (Container(issn=["1091-6490", "0027-8424"], eissn=["1091-6490"]), "1091-6490",
     {(BIBO.eissn, "1091-6490"), (BIBO.issn, "0027-8424")}),
    # the ISSN-L keys it; the ISSN-L the electronic ISSN too: published once, as eISSN
    (Container(issn=["1091-6490", "1091-6490"], eissn=["1091-6490"], issn_l="0027-8424"),
     "0027-8424", {(BIBO.eissn, "1091-6490")}),
    # an eISSN failing its check digit is set apart as any invalid ISSN (the shapes warn)
    (Container(title="J", issn=["1091-6491"], eissn=["1091-6491"]), "j",
     {(LDPUB.invalidIssn, "1091-6491")}),
])
def test_journal_key_and_issn_kinds(container: Container, key: str, expected: set) -> None:
    graph = _mapped(_article(container))
    assert _issns(graph) == {(_journal(key), p, Literal(v)) for p, v in expected}


# --- the shape ---------------------------------------------------------------------------

@pytest.mark.parametrize("engine", ["fast", "pyshacl"])
@pytest.mark.parametrize(("value", "ok"), [
    (Literal("1091-6490"), True), (Literal("10916490"), False),
    (Literal("1091-6490", lang="en"), False), (URIRef("urn:issn:1091-6490"), False)])
def test_eissn_shape(engine: str, value: Any, ok: bool) -> None:
    graph = _mapped(_article(Container(title="J", issn=["0027-8424"])))
    graph.add((_journal("0027-8424"), BIBO.eissn, value))
    (report,) = Validator(engine=engine).validate([("a", graph)])
    found = {(r.shape, r.severity) for r in report.results}
    assert found == (set() if ok else {(str(LDSH.EissnSyntax), "Violation")})


def test_an_invalid_eissn_warns_as_an_invalid_issn() -> None:
    graph = _mapped(_article(Container(title="J", issn=["1091-6491"], eissn=["1091-6491"])))
    (report,) = Validator().validate([("a", graph)])
    assert {(r.shape, r.severity) for r in report.results} == {
        (str(LDSH.IssnInvalid), "Warning")}


# --- the pages ---------------------------------------------------------------------------

RECORDS = [
    _article(Container(title="PNAS", issn=["1091-6490", "0027-8424"], eissn=["1091-6490"],
                       issn_l="0027-8424")),
    Record(id="e-only", source=Source("t", "2", "test"), formats=["Article"], title="E",
           creators=[Agent("Doe, Jane")],
           container=Container(issn=["1472-6831"], eissn=["1472-6831"], volume="8")),
]


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    the_site, server = start_site(tmp_path_factory.mktemp("eissn"), RECORDS, [])
    yield the_site
    server.shutdown()


def _rows(page: str) -> set[tuple[str, str]]:
    """(term, value) of every <dt>/<dd> pair, a term's own markup (a link) aside."""
    return {(re.sub("<[^>]+>", "", dt).strip(), text) for dt, text in rows(page)}


def test_journal_page_labels_the_eissn(site: Site) -> None:
    response = requests.get(f"{site.url}/doc/journal/0027-8424", headers=HTML, timeout=10)
    assert response.status_code == 200
    page = response.text
    assert {("eISSN", "1091-6490"), ("ISSN", "0027-8424")} <= _rows(page)


def test_a_journal_known_by_its_eissn_only_is_shown_and_cited_by_it(site: Site) -> None:
    page = html(site, "e-only")
    assert ("Part of", "1472-6831") in _rows(page)
    assert Page(page).metas("citation_issn") == ["1472-6831"]

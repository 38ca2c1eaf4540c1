"""Every representation, read back by a parser that is not ours.

RDF bodies are parsed by rapper (raptor2) and PyLD and compared with the
store's own triples by graph isomorphism; citations by bibtexparser and
citeproc-py. All requests go to the live server of tests/conftest_web.py.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from html.parser import HTMLParser

import pytest
import requests
from rdflib import Graph, URIRef
from rdflib.namespace import DCTERMS

from ld.uris import record_graph
from tests.web_rdf import pyld_graph as _pyld_graph
from tests.web_rdf import same as _same

RECORDS = ["pubmed-6839263", "test-article", "test-xss"]
RAPPER_SYNTAX = {"ttl": "turtle", "rdf": "rdfxml", "nt": "ntriples"}


def _store_graph(site, record_id: str) -> Graph:
    reader = site.reader()
    try:
        graph = reader.graph(record_graph(site.settings.base_uri, record_id))
    finally:
        reader.close()
    assert graph is not None and len(graph) > 5
    doc = URIRef(record_graph(site.settings.base_uri, record_id))  # what a document adds:
    graph.add((doc, DCTERMS.license, URIRef(site.settings.license)))  # the dataset's licence
    return graph


def _rapper(body: bytes, syntax: str, base: str) -> Graph:
    if shutil.which("rapper") is None:
        pytest.skip("rapper (raptor2-utils) is not installed: scripts/install-system-deps.sh")
    done = subprocess.run(["rapper", "-q", "-i", syntax, "-o", "ntriples", "-", base],
                          input=body, capture_output=True, check=True, timeout=30)
    return Graph().parse(data=done.stdout.decode("utf-8"), format="nt")


@pytest.mark.parametrize("record_id", RECORDS)
@pytest.mark.parametrize("ext", ["ttl", "rdf", "nt"])
def test_rdf_bodies_parse_with_rapper_and_match_the_store(site, record_id: str,
                                                          ext: str) -> None:
    r = requests.get(f"{site.url}/doc/record/{record_id}.{ext}", timeout=10)
    assert r.status_code == 200
    parsed = _rapper(r.content, RAPPER_SYNTAX[ext], site.url + "/")
    assert _same(parsed, _store_graph(site, record_id))


@pytest.mark.parametrize("record_id", RECORDS)
def test_jsonld_expands_with_pyld_to_the_store_triples(site, record_id: str) -> None:
    r = requests.get(f"{site.url}/doc/record/{record_id}",
                     headers={"Accept": "application/ld+json"}, timeout=10)
    doc = r.json()
    assert doc["@context"] == site.url + "/context.jsonld"  # published, compact
    assert any("title" in node for node in doc["@graph"])  # terms, not full IRIs
    assert _same(_pyld_graph(doc, site), _store_graph(site, record_id))


def test_jsonld_gives_the_author_list_as_a_list_in_order(site) -> None:
    """A chain of rdf:first/rdf:rest blank nodes left every consumer to untangle the
    authors' order by hand; a JSON-LD @list says it (and expands to the same triples,
    checked above with pyld)."""
    doc = requests.get(f"{site.url}/doc/record/test-article",
                       headers={"Accept": "application/ld+json"}, timeout=10).json()
    (record,) = [n for n in doc["@graph"] if n["@id"].endswith("/id/record/test-article")]
    names = {n["@id"]: n.get("name") for n in doc["@graph"]}
    listed = record["authorList"]["@list"]  # the context's term, its IRIs as strings
    assert [names[a] for a in listed] == ["Smith, Ann", "Jones, Bob"]
    assert not any("rdf:first" in n for n in doc["@graph"])


class _Scripts(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.inside, self.blocks = False, []

    def handle_starttag(self, tag: str, attrs: list) -> None:
        self.inside = tag == "script" and ("type", "application/ld+json") in attrs
        if self.inside:
            self.blocks.append("")

    def handle_endtag(self, tag: str) -> None:
        self.inside = False

    def handle_data(self, data: str) -> None:
        if self.inside:
            self.blocks[-1] += data


@pytest.mark.parametrize("record_id", RECORDS)
def test_html_embeds_its_data_as_json_ld(site, record_id: str) -> None:
    r = requests.get(f"{site.url}/doc/record/{record_id}.html", timeout=10)
    scripts = _Scripts()
    scripts.feed(r.text)
    assert len(scripts.blocks) == 1
    assert "</" not in scripts.blocks[0]
    assert _same(_pyld_graph(json.loads(scripts.blocks[0]), site),
                 _store_graph(site, record_id))


def test_bibtex_parses_with_bibtexparser(site) -> None:
    import bibtexparser

    text = requests.get(f"{site.url}/doc/record/test-article.bib", timeout=10).text
    library = bibtexparser.parse_string(text)
    assert not library.failed_blocks
    (entry,) = library.entries
    fields = {f.key: f.value for f in entry.fields}
    assert entry.entry_type == "article"
    assert fields["title"] == r"Kinetics of tea \{brewing\}"
    assert fields["author"] == "Smith, Ann and Jones, Bob"
    assert fields["journal"] == "Journal of Beverages"
    assert (fields["year"], fields["volume"], fields["number"]) == ("2021", "7", "2")
    assert fields["pages"] == "101--110"  # BibTeX's range dash
    assert fields["doi"] == "10.1234/tea.5678"


def test_a_forename_heading_is_one_name_in_every_citation(site) -> None:
    """Regression: citations split every author at the comma, so "John Paul II, Pope"
    (a MARC forename heading, a given name alone) became family "John Paul II", given
    "Pope"."""
    import bibtexparser
    from bibtexparser.middlewares import SeparateCoAuthors, SplitNameParts

    from ld.uris import encode_key
    from tests.web_records import FORENAME

    url = f"{site.url}/doc/record/{encode_key('test/odd key é')}"
    bib = bibtexparser.parse_string(requests.get(url + ".bib", timeout=10).text,
                                    append_middleware=[SeparateCoAuthors(), SplitNameParts()])
    names = bib.entries[0].fields_dict["author"].value
    braced = "{" + FORENAME + "}"  # one name part, which BibTeX does not split
    assert [(n.first, n.last) for n in names] == [(["Ann"], ["Smith"]), ([], [braced])]
    csl = requests.get(url + ".csljson", timeout=10).json()[0]["author"]
    assert csl == [{"family": "Smith", "given": "Ann"}, {"literal": FORENAME}]
    ris = requests.get(url + ".ris", timeout=10).text
    assert f"AU  - {FORENAME}\r\n" in ris and "AU  - Smith, Ann\r\n" in ris


def test_bibtex_of_a_hostile_title_still_parses(site) -> None:
    import bibtexparser

    text = requests.get(f"{site.url}/doc/record/test-xss.bib", timeout=10).text
    library = bibtexparser.parse_string(text)
    assert not library.failed_blocks and len(library.entries) == 1


def test_csl_json_renders_with_citeproc(site) -> None:
    from citeproc import (
        Citation,
        CitationItem,
        CitationStylesBibliography,
        CitationStylesStyle,
        formatter,
    )
    from citeproc.source.json import CiteProcJSON

    items = requests.get(f"{site.url}/doc/record/test-article",
                         headers={"Accept": "application/vnd.citationstyles.csl+json"},
                         timeout=10).json()
    source = CiteProcJSON(items)
    style = CitationStylesStyle("harvard-cite-them-right", validate=False)
    bibliography = CitationStylesBibliography(style, source, formatter.plain)
    bibliography.register(Citation([CitationItem("test-article")]))
    text = str(bibliography.bibliography()[0])
    assert "Smith, A." in text and "Jones, B." in text
    assert "2021" in text and "Journal of Beverages" in text and "101" in text


def test_ris_is_well_formed_and_complete(site) -> None:
    text = requests.get(f"{site.url}/doc/record/test-article.ris", timeout=10).text
    lines = text.rstrip("\r\n").split("\r\n")
    assert all(re.fullmatch(r"[A-Z][A-Z0-9]  - .*", line) for line in lines), lines
    tags = [(line[:2], line[6:]) for line in lines]
    assert tags[0] == ("TY", "JOUR") and tags[-1] == ("ER", "")
    assert ("AU", "Smith, Ann") in tags and ("AU", "Jones, Bob") in tags
    assert ("DO", "10.1234/tea.5678") in tags and ("JO", "Journal of Beverages") not in tags
    assert ("T2", "Journal of Beverages") in tags and ("SP", "101") in tags


def test_void_counts_match_the_store(site) -> None:
    r = requests.get(site.url + "/.well-known/void", headers={"Accept": "text/turtle"},
                     timeout=10)
    graph = _rapper(r.content, "turtle", site.url + "/")
    void = "http://rdfs.org/ns/void#"
    dataset = f"{site.url}/dataset"
    reader = site.reader()
    try:
        triples, records = reader.count_triples(), reader.record_count()
    finally:
        reader.close()
    assert graph.value(URIRef(dataset), URIRef(void + "triples")).toPython() == triples
    assert graph.value(URIRef(dataset), URIRef(void + "documents")).toPython() == records
    for prop in ("sparqlEndpoint", "dataDump", "uriSpace", "exampleResource", "vocabulary",
                 "classPartition", "entities"):
        assert graph.value(URIRef(dataset), URIRef(void + prop)) is not None, prop


@pytest.mark.parametrize("folder", ["vocab", "shapes"])
@pytest.mark.parametrize("ext", ["ttl", "rdf", "nt"])
def test_vocabulary_and_shapes_dereference(site, folder: str, ext: str) -> None:
    from ld.config import data_dir

    r = requests.get(f"{site.url}/{folder}.{ext}", timeout=10)
    served = _rapper(r.content, RAPPER_SYNTAX[ext], site.url + "/")
    source = Graph()
    for path in sorted(data_dir(folder).glob("*.ttl")):
        source.parse(path, format="turtle")
    assert _same(served, source)
    html = requests.get(f"{site.url}/{folder}", headers={"Accept": "text/html"}, timeout=10)
    assert html.headers["Content-Type"].startswith("text/html")
    anchor = "pmcid" if folder == "vocab" else "RecordShape"
    assert f'id="{anchor}"' in html.text


def test_a_book_cites_its_place_and_edition(site) -> None:
    """BibTeX address/edition, RIS CY/ET and CSL-JSON publisher-place/edition, as
    reference managers expect of a book (the sample's ldpub-b001: Helsinki, 2nd ed.)."""
    import bibtexparser

    url = f"{site.url}/doc/record/ldpub-b001"
    (entry,) = bibtexparser.parse_string(requests.get(url + ".bib", timeout=10).text).entries
    fields = {f.key: f.value for f in entry.fields}
    assert (entry.entry_type, fields["address"], fields["edition"]) == (
        "book", "Helsinki", "2nd ed.")
    ris = requests.get(url + ".ris", timeout=10).text.splitlines()
    assert "CY  - Helsinki" in ris and "ET  - 2nd ed." in ris
    (item,) = requests.get(url + ".csljson", timeout=10).json()
    assert (item["publisher-place"], item["edition"]) == ("Helsinki", "2nd ed.")

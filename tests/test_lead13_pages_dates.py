"""The record page and the citations give every page range and the date as written
(explore12 pubmed M1 and L4, the parts left after the mapping kept them in the RDF).

An article on pages "1199-201, 1205" of an issue dated "1998 Dec-1999 Jan" was
cited as pages 1199-1201 of 1998-12: the page and the citations read only
bibo:pageStart/pageEnd and dcterms:issued, not bibo:pages and ldpub:dateAsWritten.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import lxml.html
import pytest
import requests

from tests.conftest_web import Site

_ARTICLE = """<?xml version="1.0" ?>
<PubmedArticleSet><PubmedArticle><MedlineCitation Status="MEDLINE" Owner="NLM">
<PMID Version="1">90000013</PMID>
<Article PubModel="Print"><Journal><ISSN IssnType="Print">0028-4793</ISSN>
<JournalIssue CitedMedium="Print"><Volume>12</Volume><Issue>4</Issue>
<PubDate><MedlineDate>1998 Dec-1999 Jan</MedlineDate></PubDate></JournalIssue>
<Title>A journal</Title></Journal>
<ArticleTitle>Pages in two runs.</ArticleTitle>
<Pagination><MedlinePgn>1199-201, 1205</MedlinePgn></Pagination>
<AuthorList CompleteYN="Y"><Author ValidYN="Y"><LastName>Solo</LastName>
<ForeName>Han</ForeName></Author></AuthorList>
<Language>eng</Language>
</Article></MedlineCitation>
<PubmedData><ArticleIdList><ArticleId IdType="pubmed">90000013</ArticleId></ArticleIdList>
</PubmedData></PubmedArticle></PubmedArticleSet>
"""


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory, sparql_site: Any) -> Iterator[Site]:
    root = tmp_path_factory.mktemp("lead13-pages")
    path = root / "article.xml"
    path.write_text(_ARTICLE, encoding="utf-8")
    the_site, server = sparql_site(root, [], [str(path)])
    yield the_site
    server.shutdown()


def _get(site: Site, suffix: str) -> str:
    response = requests.get(f"{site.url}/doc/record/pmid-90000013.{suffix}", timeout=10)
    assert response.status_code == 200, response.text
    return response.text


def test_the_page_gives_every_page_and_the_date_as_written(site: Site) -> None:
    page = lxml.html.fromstring(_get(site, "html"))
    facts = {dt.text_content().strip(): dt.getnext().text_content()
             for dt in page.xpath("//dl[@class='props']/dt")}
    assert facts["Published"] == "1998-12 (as written: 1998 Dec-1999 Jan)"
    assert facts["Journal"].endswith("pp. 1199–1201, 1205")  # the page's dash (mend13 L2)


def test_the_table_does_not_repeat_them(site: Site) -> None:
    page = lxml.html.fromstring(_get(site, "html"))
    table = " ".join(page.xpath("//dl[contains(@class, 'statements')]//text()"))
    assert "Dcterms:identifier" not in table and "pmid-90000013" in table  # the table is read
    assert "1998 Dec-1999 Jan" not in table and "1205" not in table


def test_citations_give_every_page(site: Site) -> None:
    assert "pages = {1199--1201, 1205}" in _get(site, "bib")
    ris = _get(site, "ris").splitlines()
    assert "SP  - 1199-1201, 1205" in ris and not any(x.startswith("EP") for x in ris)
    [item] = json.loads(_get(site, "csljson"))
    assert item["page"] == "1199-1201, 1205"


def test_a_single_range_is_cited_as_before(tmp_path: Path) -> None:
    from ld.citation import _pages
    from ld.facts import Facts

    facts = Facts("t", "d", page_start="12", page_end="19")
    assert (_pages(facts, "--"), _pages(facts)) == ("12--19", "12-19")

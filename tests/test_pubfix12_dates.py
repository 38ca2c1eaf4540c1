"""review12 M3: a PubMed or MEDLINE date as written is published (ldpub:dateAsWritten)
only when it says more than dcterms:issued can: a range, a season, an odd day."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS

from ld.mapping import map_record
from ld.model import Record
from ld.namespaces import LDPUB
from ld.readers import read_path

BASE = "http://example.org/"
S = URIRef(f"{BASE}id/record/pmid-90000002")

_XML = """<?xml version="1.0" ?>
<PubmedArticleSet><PubmedArticle><MedlineCitation Status="MEDLINE" Owner="NLM">
<PMID Version="1">90000002</PMID>
<Article PubModel="Print"><Journal><ISSN IssnType="Print">0028-4793</ISSN>
<JournalIssue CitedMedium="Print"><Volume>12</Volume><PubDate>{date}</PubDate>
</JournalIssue><Title>A journal</Title></Journal>
<ArticleTitle>A test article.</ArticleTitle><Language>eng</Language>
</Article></MedlineCitation></PubmedArticle></PubmedArticleSet>
"""
_MEDLINE = "PMID- 90000002\nTI  - A test article.\nDP  - {date}\nJT  - A journal\n"


def _dates(tmp_path: Path, name: str, text: str) -> tuple[set[str], set[Literal]]:
    """(dcterms:issued as text, ldpub:dateAsWritten) of the one record in ``text``."""
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    [record] = list(read_path(str(path)))
    assert isinstance(record, Record), record
    graph: Graph = map_record(record, BASE)
    issued = set(map(str, graph.objects(S, DCTERMS.issued)))
    return issued, set(graph.objects(S, LDPUB.dateAsWritten))


@pytest.mark.parametrize(("date", "issued", "written"), [
    ("<Year>2020</Year><Month>Jan</Month><Day>05</Day>", "2020-01-05", None),
    ("<Year>2020</Year><Month>Jan</Month>", "2020-01", None),
    ("<Year>2020</Year><Month>01</Month>", "2020-01", None),
    ("<Year>2020</Year>", "2020", None),
    ("<Year>1990</Year><Season>Spring</Season>", "1990", "1990 Spring"),
    ("<MedlineDate>1998 Dec-1999 Jan</MedlineDate>", "1998-12", "1998 Dec-1999 Jan"),
    ("<MedlineDate>2020 Jan-Feb</MedlineDate>", "2020-01", "2020 Jan-Feb"),
    ("<MedlineDate>2020 Jan</MedlineDate>", "2020-01", None),
])
def test_pubmed_xml_date_as_written_only_when_it_says_more(
        tmp_path: Path, date: str, issued: str, written: str | None) -> None:
    got = _dates(tmp_path, "a.xml", _XML.format(date=date))
    assert got == ({issued}, {Literal(written)} if written else set())


@pytest.mark.parametrize(("date", "issued", "written"), [
    ("2020 Jan 05", "2020-01-05", None),
    ("2020 Jan", "2020-01", None),
    ("2020", "2020", None),
    ("2000 Spring", "2000", "2000 Spring"),
    ("1998 Dec-1999 Jan", "1998-12", "1998 Dec-1999 Jan"),
    ("2020 Jan-Feb", "2020-01", "2020 Jan-Feb"),
])
def test_medline_date_as_written_only_when_it_says_more(
        tmp_path: Path, date: str, issued: str, written: str | None) -> None:
    got = _dates(tmp_path, "a.txt", _MEDLINE.format(date=date))
    assert got == ({issued}, {Literal(written)} if written else set())

"""review12 L8: the MEDLINE text reader reads what the XML reader reads of the same
article: its comments and corrections (RIN, EIN, CIN, UOF ...: a note and the link to the
other article), its copyright (CI, as dcterms:rights) and its article number (LID [pii])."""

from __future__ import annotations

from pathlib import Path

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, SKOS

from ld.mapping import map_record
from ld.model import Record
from ld.namespaces import BIBO, LDPUB
from ld.readers import read_path

BASE = "http://example.org/"
S = URIRef(f"{BASE}id/record/pmid-90000001")
PUBMED = "https://pubmed.ncbi.nlm.nih.gov/{}/"

_MEDLINE = """PMID- 90000001
TI  - A test article.
DP  - 2020
JT  - A journal
VI  - 12
{lines}
"""
_XML = """<?xml version="1.0" ?>
<PubmedArticleSet><PubmedArticle><MedlineCitation Status="MEDLINE" Owner="NLM">
<PMID Version="1">90000001</PMID>
<Article PubModel="Print"><Journal><JournalIssue CitedMedium="Print"><Volume>12</Volume>
<PubDate><Year>2020</Year></PubDate></JournalIssue><Title>A journal</Title></Journal>
<ArticleTitle>A test article.</ArticleTitle>
<ELocationID EIdType="pii" ValidYN="Y">e154225</ELocationID>
<Abstract><AbstractText>Text.</AbstractText>
<CopyrightInformation>(c) 2020 The Authors.</CopyrightInformation></Abstract>
</Article>
<CommentsCorrectionsList>
<CommentsCorrections RefType="RetractionIn"><RefSource>N Engl J Med. 2021;5:1</RefSource>
<PMID>90000002</PMID></CommentsCorrections>
<CommentsCorrections RefType="ErratumIn"><RefSource>N Engl J Med. 2020;3:4</RefSource>
<PMID>90000003</PMID></CommentsCorrections>
<CommentsCorrections RefType="CommentOn"><RefSource>Lancet. 2019;1:2</RefSource>
<PMID>90000004</PMID></CommentsCorrections>
<CommentsCorrections RefType="UpdateOf"><RefSource>BMJ. 2018;2:3</RefSource>
</CommentsCorrections>
</CommentsCorrectionsList></MedlineCitation></PubmedArticle></PubmedArticleSet>
"""
_LINES = """AB  - Text.
CI  - (c) 2020 The Authors.
LID - e154225 [pii]
RIN - N Engl J Med. 2021;5:1. PMID: 90000002
EIN - N Engl J Med. 2020;3:4. PMID:
      90000003
CON - Lancet. 2019;1:2. PMID: 90000004
UOF - BMJ. 2018;2:3"""


def _graph(tmp_path: Path, name: str, text: str) -> Graph:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    [record] = list(read_path(str(path)))
    assert isinstance(record, Record), record
    return map_record(record, BASE)


def _read(graph: Graph) -> set:
    props = (LDPUB.retractedBy, DCTERMS.isReferencedBy, DCTERMS.references,
             DCTERMS.replaces, SKOS.note, DCTERMS.rights, BIBO.pageStart)
    return {(p, o) for p in props for o in graph.objects(S, p)}


def test_medline_reads_corrections_rights_and_article_number_as_the_xml(
        tmp_path: Path) -> None:
    medline = _read(_graph(tmp_path, "a.txt", _MEDLINE.format(lines=_LINES)))
    assert medline == _read(_graph(tmp_path, "a.xml", _XML))
    assert medline == {
        (LDPUB.retractedBy, URIRef(PUBMED.format(90000002))),
        (DCTERMS.isReferencedBy, URIRef(PUBMED.format(90000003))),
        (DCTERMS.references, URIRef(PUBMED.format(90000004))),
        (SKOS.note, Literal("Retraction in: N Engl J Med. 2021;5:1 PMID: 90000002")),
        (SKOS.note, Literal("Erratum in: N Engl J Med. 2020;3:4 PMID: 90000003")),
        (SKOS.note, Literal("Comment on: Lancet. 2019;1:2 PMID: 90000004")),
        (SKOS.note, Literal("Update of: BMJ. 2018;2:3")),
        (DCTERMS.rights, Literal("(c) 2020 The Authors.")),
        (BIBO.pageStart, Literal("e154225")),
    }


def test_an_unpunctuated_pii_in_lid_is_no_article_number(tmp_path: Path) -> None:
    graph = _graph(tmp_path, "a.txt", _MEDLINE.format(lines="LID - S0002929724002573 [pii]"))
    assert not set(graph.objects(S, BIBO.pageStart))

"""explore12 "pubmed" defects of PubMed (and DOAJ) records, each on a small record
written here and compared as triples of the mapped graph."""

from __future__ import annotations

from pathlib import Path

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, OWL, SKOS

from ld.mapping import map_record
from ld.model import Record
from ld.namespaces import BIBO, LDPUB
from ld.readers import read_path

BASE = "http://example.org/"
PERSON = f"{BASE}id/person/"
S = URIRef(f"{BASE}id/record/pmid-90000001")

_ARTICLE = """<?xml version="1.0" ?>
<PubmedArticleSet><PubmedArticle><MedlineCitation Status="MEDLINE" Owner="NLM">
<PMID Version="1">90000001</PMID>
<Article PubModel="Print"><Journal><ISSN IssnType="Print">0028-4793</ISSN>
<JournalIssue CitedMedium="Print"><Volume>12</Volume><PubDate><Year>2020</Year></PubDate>
</JournalIssue><Title>A journal</Title></Journal>
<ArticleTitle>A test article.</ArticleTitle>
{article}
<AuthorList CompleteYN="Y">{authors}</AuthorList>
<Language>eng</Language>
</Article></MedlineCitation>
<PubmedData><ArticleIdList><ArticleId IdType="pubmed">90000001</ArticleId></ArticleIdList>
</PubmedData></PubmedArticle></PubmedArticleSet>
"""
_AUTHOR = ('<Author ValidYN="Y"><LastName>Solo</LastName><ForeName>Han</ForeName>'
           "</Author>")


def _pubmed(tmp_path: Path, article: str = "", authors: str = _AUTHOR) -> Record:
    path = tmp_path / "article.xml"
    path.write_text(_ARTICLE.format(article=article, authors=authors), encoding="utf-8")
    [record] = list(read_path(str(path)))
    assert isinstance(record, Record), record
    return record


def _graph(record: Record) -> Graph:
    return map_record(record, BASE)


def _orcid_author(last: str, orcid: str) -> str:
    return (f'<Author ValidYN="Y"><LastName>{last}</LastName><ForeName>A</ForeName>'
            f'<Identifier Source="ORCID">{orcid}</Identifier></Author>')


def test_m3_a_spaced_orcid_is_read_and_a_failing_one_set_apart(tmp_path: Path) -> None:
    authors = _orcid_author("Spaces", "0000 0001 5000 0007") + _orcid_author("Short", "0000-12")
    graph = _graph(_pubmed(tmp_path, authors=authors))
    spaced = URIRef(f"{PERSON}0000-0001-5000-0007")
    assert (spaced, OWL.sameAs, URIRef("https://orcid.org/0000-0001-5000-0007")) in graph
    assert set(graph.subject_objects(LDPUB.invalidOrcid)) == {
        (URIRef(f"{PERSON}short-a"), Literal("0000-12"))}


_DOAJ = """<?xml version='1.0' encoding='UTF-8'?>
<OAI-PMH xmlns="http://www.openarchives.org/OAI/2.0/"><responseDate>2017-04-06T19:23:56Z
</responseDate><request verb="ListRecords" metadataPrefix="oai_doaj">http://doaj.org/oai</request>
<ListRecords><record><header><identifier>oai:doaj.org/article:1</identifier>
<datestamp>2017-04-06T18:22:55Z</datestamp></header><metadata>
<oai_doaj:doajArticle xmlns:oai_doaj="http://doaj.org/features/oai_doaj/1.0/">
<oai_doaj:journalTitle>A journal</oai_doaj:journalTitle><oai_doaj:issn>2529-850X</oai_doaj:issn>
<oai_doaj:publicationDate>2017-04-01</oai_doaj:publicationDate>
<oai_doaj:title>A DOAJ article</oai_doaj:title><oai_doaj:language>eng</oai_doaj:language>
<oai_doaj:authors><oai_doaj:author><oai_doaj:name>Javier Sanz</oai_doaj:name>
<oai_doaj:orcid_id>0000 0001 5000 0007</oai_doaj:orcid_id></oai_doaj:author></oai_doaj:authors>
</oai_doaj:doajArticle></metadata></record></ListRecords></OAI-PMH>
"""


def test_m3_a_spaced_orcid_in_doaj_is_valid(tmp_path: Path) -> None:
    path = tmp_path / "doaj.xml"
    path.write_text(_DOAJ, encoding="utf-8")
    [record] = list(read_path(str(path)))
    graph = _graph(record)
    assert (URIRef(f"{PERSON}0000-0001-5000-0007"), OWL.sameAs,
            URIRef("https://orcid.org/0000-0001-5000-0007")) in graph
    assert not set(graph.objects(None, LDPUB.invalidOrcid))


def test_m2_the_abstracts_copyright_is_published_as_rights(tmp_path: Path) -> None:
    abstract = ("<Abstract><AbstractText>Text.</AbstractText><CopyrightInformation>"
                "Copyright 2001 Elsevier Science.</CopyrightInformation></Abstract>")
    graph = _graph(_pubmed(tmp_path, abstract))
    assert set(graph.objects(S, DCTERMS.rights)) == {Literal("Copyright 2001 Elsevier Science.")}


def test_m9_the_article_number_is_the_locator_without_pages(tmp_path: Path) -> None:
    ids = ('<ELocationID EIdType="pii" ValidYN="Y">e154225</ELocationID>'
           '<ELocationID EIdType="doi" ValidYN="Y">10.1172/JCI154225</ELocationID>')
    graph = _graph(_pubmed(tmp_path, ids))
    assert set(graph.objects(S, BIBO.pageStart)) == {Literal("e154225")}
    paged = _graph(_pubmed(tmp_path, "<Pagination><MedlinePgn>123-9</MedlinePgn></Pagination>"
                           + ids))
    assert set(paged.objects(S, BIBO.pageStart)) == {Literal("123")}
    elsevier = '<ELocationID EIdType="pii" ValidYN="Y">S0002-9297(24)00257-X</ELocationID>'
    assert not set(_graph(_pubmed(tmp_path, elsevier)).objects(S, BIBO.pageStart))


def test_m4_a_retraction_and_an_erratum_are_published(tmp_path: Path) -> None:
    corrections = ('<CommentsCorrectionsList><CommentsCorrections RefType="RetractionIn">'
                   "<RefSource>N Engl J Med. 2000;5:1</RefSource><PMID>90000002</PMID>"
                   '</CommentsCorrections><CommentsCorrections RefType="ErratumIn"><RefSource>'
                   "N Engl J Med. 1999;1:2</RefSource><PMID>90000003</PMID>"
                   '</CommentsCorrections><CommentsCorrections RefType="Cites"><RefSource>'
                   "A cited paper</RefSource><PMID>123</PMID></CommentsCorrections>"
                   "</CommentsCorrectionsList>")
    path = tmp_path / "article.xml"
    path.write_text(_ARTICLE.format(article="", authors=_AUTHOR).replace(
        "</Article></MedlineCitation>", f"</Article>{corrections}</MedlineCitation>"),
        encoding="utf-8")
    [record] = list(read_path(str(path)))
    graph = _graph(record)
    assert (S, LDPUB.retractedBy, URIRef("https://pubmed.ncbi.nlm.nih.gov/90000002/")) in graph
    assert (S, DCTERMS.isReferencedBy, URIRef("https://pubmed.ncbi.nlm.nih.gov/90000003/")) \
        in graph
    assert not set(graph.objects(S, DCTERMS.references))  # the reference list is no note
    assert set(graph.objects(S, SKOS.note)) == {
        Literal("Retraction in: N Engl J Med. 2000;5:1 PMID: 90000002"),
        Literal("Erratum in: N Engl J Med. 1999;1:2 PMID: 90000003")}

"""explore12 "pubmed" low defects of PubMed, MEDLINE text, JATS and oai_dc records (L1-L6,
L11, L12), each on a small record written here, compared as triples of the mapped graph."""

from __future__ import annotations

from pathlib import Path

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, SKOS, XSD

from ld.mapping import map_record
from ld.model import Record, Source
from ld.namespaces import BIBO, LDPUB
from ld.readers import read_path

BASE = "http://example.org/"
S = URIRef(f"{BASE}id/record/pmid-90000001")
SUBJECT = f"{BASE}id/subject/"

_ARTICLE = """<?xml version="1.0" ?>
<PubmedArticleSet><PubmedArticle><MedlineCitation Status="MEDLINE" Owner="NLM">
<PMID Version="1">90000001</PMID>
<Article PubModel="Print"><Journal><ISSN IssnType="Print">0028-4793</ISSN>
<JournalIssue CitedMedium="Print"><Volume>12</Volume><PubDate><Year>2020</Year></PubDate>
</JournalIssue><Title>A journal</Title></Journal>
<ArticleTitle>{title}</ArticleTitle>
{article}
<AuthorList CompleteYN="Y">{authors}</AuthorList>
<Language>{language}</Language>
</Article>{citation}</MedlineCitation>
<PubmedData><ArticleIdList><ArticleId IdType="pubmed">90000001</ArticleId></ArticleIdList>
</PubmedData></PubmedArticle></PubmedArticleSet>
"""
_AUTHOR = '<Author ValidYN="Y"><LastName>Solo</LastName><ForeName>Han</ForeName></Author>'


def _read(tmp_path: Path, text: str, name: str = "article.xml") -> Record:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    [record] = list(read_path(str(path)))
    assert isinstance(record, Record), record
    return record


def _pubmed(tmp_path: Path, article: str = "", citation: str = "", authors: str = _AUTHOR,
            title: str = "A test article.", language: str = "eng") -> Graph:
    return map_record(_read(tmp_path, _ARTICLE.format(
        article=article, citation=citation, authors=authors, title=title,
        language=language)), BASE)


# --- L1: MeSH major topics and descriptor/qualifier pairs ---------------------------------

_MESH = ('<MeshHeadingList><MeshHeading><DescriptorName UI="D006801" MajorTopicYN="N">Humans'
         '</DescriptorName><QualifierName UI="Q000032" MajorTopicYN="Y">analysis</QualifierName>'
         '</MeshHeading><MeshHeading><DescriptorName UI="D001943" MajorTopicYN="Y">Breast '
         'Neoplasms</DescriptorName></MeshHeading><MeshHeading><DescriptorName UI="D008297" '
         'MajorTopicYN="N">Male</DescriptorName></MeshHeading></MeshHeadingList>')


def test_l1_major_topics_and_the_pairs_broader_descriptor(tmp_path: Path) -> None:
    graph = _pubmed(tmp_path, citation=_MESH)
    assert set(graph.objects(S, LDPUB.majorSubject)) == {
        URIRef(f"{SUBJECT}mesh-humans-analysis"), URIRef(f"{SUBJECT}mesh-breast-neoplasms")}
    assert set(graph.subject_objects(SKOS.broader)) == {
        (URIRef(f"{SUBJECT}mesh-humans-analysis"), URIRef(f"{SUBJECT}mesh-humans"))}
    assert (S, DCTERMS.subject, URIRef(f"{SUBJECT}mesh-male")) in graph


_MEDLINE = """PMID- 90000002
TI  - A MEDLINE article.
LA  - eng
AD  - tacg Informatics, Irvine, CA 92612, USA.
FAU - Mangalam, Harry
AU  - Mangalam H
FAU - Other, Ann
AU  - Other A
MH  - *Choroid/diagnostic imaging/*blood supply
MH  - Humans
"""


def test_l1_the_medline_stars_are_major_topics(tmp_path: Path) -> None:
    graph = map_record(_read(tmp_path, _MEDLINE, "m.txt"), BASE)
    s = URIRef(f"{BASE}id/record/pmid-90000002")
    assert set(graph.objects(s, LDPUB.majorSubject)) == {
        URIRef(f"{SUBJECT}mesh-choroid"), URIRef(f"{SUBJECT}mesh-choroid-blood-supply")}
    assert (URIRef(f"{SUBJECT}mesh-choroid-diagnostic-imaging"), SKOS.broader,
            URIRef(f"{SUBJECT}mesh-choroid")) in graph


# --- L2 (EqualContrib), L3, L4, L5 ---------------------------------------------------------

def test_l2_equal_contributors_say_so(tmp_path: Path) -> None:
    authors = ('<Author ValidYN="Y" EqualContrib="Y"><LastName>Carberry</LastName>'
               '<ForeName>Josiah</ForeName></Author>' + _AUTHOR)
    graph = _pubmed(tmp_path, authors=authors)
    [(node, who)] = graph.subject_objects(LDPUB.agent)
    assert who == URIRef(f"{BASE}id/person/carberry-josiah")
    assert (S, LDPUB.contribution, node) in graph
    assert set(graph.objects(node, LDPUB.role)) == {Literal("equal contributor")}


def test_l3_a_new_taxons_nov_keeps_its_period(tmp_path: Path) -> None:
    graph = _pubmed(tmp_path, title="Streptomyces foobarensis gen. nov., sp. nov.")
    assert set(graph.objects(S, DCTERMS.title)) == {
        Literal("Streptomyces foobarensis gen. nov., sp. nov.")}


def test_l4_every_page_range_is_kept(tmp_path: Path) -> None:
    graph = _pubmed(tmp_path, "<Pagination><MedlinePgn>1199-201, 1205</MedlinePgn></Pagination>")
    assert set(graph.objects(S, BIBO.pages)) == {Literal("1199-1201, 1205")}
    assert set(graph.objects(S, BIBO.pageStart)) == {Literal("1199")}
    assert set(graph.objects(S, BIBO.pageEnd)) == {Literal("1201")}
    one = _pubmed(tmp_path, "<Pagination><MedlinePgn>123-9</MedlinePgn></Pagination>")
    assert not set(one.objects(S, BIBO.pages))


def test_l5_the_nlm_other_id_gives_the_pmc_id(tmp_path: Path) -> None:
    graph = _pubmed(tmp_path, citation='<OtherID Source="NLM">PMC123456 [Available on '
                                       "09/01/10]</OtherID>")
    assert set(graph.objects(S, LDPUB.pmcid)) == {Literal("PMC123456")}


# --- L6: MEDLINE text AD before the first author ------------------------------------------

def test_l6_an_address_before_the_authors_is_the_first_authors(tmp_path: Path) -> None:
    graph = map_record(_read(tmp_path, _MEDLINE, "m.txt"), BASE)
    assert set(graph.subject_objects(LDPUB.affiliation)) == {
        (URIRef(f"{BASE}id/person/mangalam-harry"),
         Literal("tacg Informatics, Irvine, CA 92612, USA."))}


# --- L11: dc:date edge values -------------------------------------------------------------

def _dated(issued: str) -> set[tuple[URIRef, Literal]]:
    record = Record(id="d", source=Source("t", "1", "oai"), title="Dated", issued=issued)
    s = URIRef(f"{BASE}id/record/d")
    graph = map_record(record, BASE)
    return {(p, o) for p, o in graph.predicate_objects(s) if p in (DCTERMS.issued, DCTERMS.date)}


def test_l11_a_bce_year_no_year_zero_and_an_intervals_start() -> None:
    assert _dated("-0500") == {(DCTERMS.issued, Literal("-0500", datatype=XSD.gYear))}
    assert _dated("0000") == {(DCTERMS.date, Literal("0000"))}
    assert _dated("2019-07-15/2019-08-01") == {
        (DCTERMS.issued, Literal("2019-07-15", datatype=XSD.date))}
    assert _dated("2018/2019") == {(DCTERMS.date, Literal("2018/2019"))}  # as before


# --- L12: titles in the language their source states ----------------------------------------

def test_l12_nlms_translated_title_is_english(tmp_path: Path) -> None:
    graph = _pubmed(tmp_path, title="[Takotsubo cardiomyopathy: prognosis].", language="cze",
                    article="<VernacularTitle>Takotsubo syndrom.</VernacularTitle>")
    assert set(graph.objects(S, DCTERMS.title)) == {
        Literal("Takotsubo cardiomyopathy: prognosis", lang="en")}
    assert set(graph.objects(S, DCTERMS.alternative)) == {Literal("Takotsubo syndrom", lang="cs")}
    plain = _pubmed(tmp_path, title="An English title.")
    assert set(plain.objects(S, DCTERMS.title)) == {Literal("An English title")}


_DC = """<?xml version="1.0"?><OAI-PMH xmlns="http://www.openarchives.org/OAI/2.0/">
<responseDate>2024-01-01T00:00:00Z</responseDate><request verb="ListRecords">x</request>
<ListRecords><record><header><identifier>oai:t:1</identifier><datestamp>2024-01-01</datestamp>
</header><metadata><oai_dc:dc xmlns:oai_dc="http://www.openarchives.org/OAI/2.0/oai_dc/"
 xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:title xml:lang="de">Ein Titel</dc:title>
<dc:title>Another title</dc:title><dc:date>2020</dc:date></oai_dc:dc></metadata></record>
</ListRecords></OAI-PMH>"""

_JATS = """<?xml version="1.0"?><article xml:lang="en"><front><article-meta>
<article-id pub-id-type="pmc">123</article-id><title-group><article-title>A JATS title
</article-title><subtitle xml:lang="fr">Un sous-titre</subtitle></title-group>
<pub-date><year>2020</year></pub-date></article-meta></front></article>"""


def test_l12_oai_and_jats_titles_keep_their_xml_lang(tmp_path: Path) -> None:
    graph = map_record(_read(tmp_path, _DC, "dc.xml"), BASE)
    s = URIRef(f"{BASE}id/record/oai:t:1")
    assert set(graph.objects(s, DCTERMS.title)) == {Literal("Ein Titel", lang="de")}
    assert set(graph.objects(s, DCTERMS.alternative)) == {Literal("Another title")}
    jats = map_record(_read(tmp_path, _JATS, "a.nxml"), BASE)
    s = URIRef(f"{BASE}id/record/pmc-123")
    assert set(jats.objects(s, DCTERMS.title)) == {Literal("A JATS title", lang="en")}
    assert set(jats.objects(s, DCTERMS.alternative)) == {Literal("Un sous-titre", lang="fr")}

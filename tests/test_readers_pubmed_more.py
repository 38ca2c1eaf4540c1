"""PubMed XML read and mapped end to end: crafted articles written to tmp_path, read by
the reader the registry picks, mapped by ld.mapping and checked as graphs."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, FOAF, OWL, RDF, SKOS

from ld.errors import RecordError
from ld.mapping import map_record
from ld.model import Record
from ld.namespaces import BIBO
from ld.readers import read_path

BASE = "http://example.org/"
WHEN = datetime(2024, 1, 1, tzinfo=UTC)
XSD = Namespace("http://www.w3.org/2001/XMLSchema#")  # not rdflib's XSD: pytest trips on it


def article(pmid: str = "1", *, title: str = "A title.", article_extra: str = "",
            citation_extra: str = "", ids: str = "", pub_date: str = "<Year>2001</Year>",
            pages: str = "") -> str:
    """One <PubmedArticle> with the parts a test needs; the rest is a plain journal article."""
    return (
        f'<PubmedArticle><MedlineCitation Status="MEDLINE" Owner="NLM"><PMID Version="1">{pmid}'
        '</PMID><Article PubModel="Print"><Journal><ISSN IssnType="Print">0028-0836</ISSN>'
        f'<JournalIssue CitedMedium="Print"><Volume>5</Volume><PubDate>{pub_date}</PubDate>'
        "</JournalIssue><Title>Nature</Title></Journal>"
        f"<ArticleTitle>{title}</ArticleTitle><Pagination><MedlinePgn>{pages}</MedlinePgn>"
        f"</Pagination>{article_extra}<Language>eng</Language></Article>{citation_extra}"
        f'</MedlineCitation><PubmedData><ArticleIdList><ArticleId IdType="pubmed">{pmid}'
        f"</ArticleId>{ids}</ArticleIdList></PubmedData></PubmedArticle>")


def read(tmp_path: Path, *articles: str) -> list[Record | RecordError]:
    path = tmp_path / "pubmed.xml"
    path.write_text('<?xml version="1.0"?>\n<PubmedArticleSet>'
                    + "".join(articles) + "</PubmedArticleSet>", encoding="utf-8")
    return list(read_path(str(path)))


def graph_of(tmp_path: Path, *articles: str) -> tuple[Graph, URIRef]:
    """The graph of the first article, and its record IRI."""
    record = read(tmp_path, *articles)[0]
    assert isinstance(record, Record), record
    return map_record(record, BASE, modified=WHEN), URIRef(f"{BASE}id/record/{record.id}")


def test_a_doi_nlm_flagged_invalid_is_neither_published_nor_linked(tmp_path: Path) -> None:
    bad = ('<ELocationID EIdType="doi" ValidYN="N">10.9999/INVALID</ELocationID>'
           '<ELocationID EIdType="doi" ValidYN="Y">10.1000/good</ELocationID>')
    graph, rec = graph_of(tmp_path, article(
        article_extra=bad, ids='<ArticleId IdType="doi">10.9999/invalid</ArticleId>'))
    assert set(graph.objects(rec, BIBO.doi)) == {Literal("10.1000/good")}
    assert set(graph.objects(rec, OWL.sameAs)) == {URIRef("https://doi.org/10.1000/good")}
    assert not any("INVALID" in str(o).upper() for o in graph.objects(rec, None))
    assert (rec, DCTERMS.title, None) in graph


def test_superscripts_and_subscripts_keep_their_meaning(tmp_path: Path) -> None:
    abstract = ('<Abstract><AbstractText Label="RESULTS">We have 10<sup>6</sup> cells, '
                "Ca<sup>2+</sup>, an IC<sub>50</sub>, a P<sub>trend</sub> and "
                "10<sup>-6.5</sup> M.</AbstractText></Abstract>")
    graph, rec = graph_of(tmp_path, article(
        title="<i>In vivo</i> study of H<sub>2</sub>O and 10<sup>6</sup> cells",
        article_extra=abstract))
    assert set(graph.objects(rec, DCTERMS.title)) == {
        Literal("In vivo study of H₂O and 10⁶ cells")}
    assert set(graph.objects(rec, DCTERMS.abstract)) == {Literal(
        "RESULTS: We have 10⁶ cells, Ca²⁺, an IC₅₀, a P_(trend) and 10^(-6.5) M.")}


def test_nlm_title_brackets_and_final_period_are_undone(tmp_path: Path) -> None:
    vernacular = "<VernacularTitle>Pronóstico de la miocardiopatía de Takotsubo.</VernacularTitle>"
    titles = {"1": ("[Takotsubo cardiomyopathy: short and long-term prognosis].", vernacular),
              "2": ("Results of the trial by Smith et al.", ""),
              "3": ("A new Streptomyces sp.", ""), "4": ("Vaccines against hepatitis B.", ""),
              "5": ("[Heart] versus [brain].", ""), "6": ("Is it over?", "")}
    records = read(tmp_path, *(article(pmid, title=title, article_extra=extra)
                               for pmid, (title, extra) in titles.items()))
    graphs = {r.pmid: map_record(r, BASE, modified=WHEN) for r in records}

    def title(pmid: str, prop: URIRef = DCTERMS.title) -> set[str]:
        return {str(o) for o in graphs[pmid].objects(
            URIRef(f"{BASE}id/record/pmid-{pmid}"), prop)}

    assert title("1") == {"Takotsubo cardiomyopathy: short and long-term prognosis"}
    assert title("1", DCTERMS.alternative) == {"Pronóstico de la miocardiopatía de Takotsubo"}
    assert title("2") == {"Results of the trial by Smith et al."}
    assert title("3") == {"A new Streptomyces sp."}
    assert title("4") == {"Vaccines against hepatitis B"}
    assert title("5") == {"[Heart] versus [brain]"}
    assert title("6") == {"Is it over?"}


def test_a_bookshelf_chapter_is_dated_and_linked_as_a_chapter(shared_data: Path) -> None:
    path = shared_data / "pubmed/metapub-efetch/20301546.xml"
    [record] = list(read_path(str(path)))
    graph = map_record(record, BASE, modified=WHEN)
    rec = URIRef(f"{BASE}id/record/pmid-20301546")
    assert (rec, RDF.type, BIBO.Chapter) in graph
    assert not list(graph.subjects(RDF.type, BIBO.Journal))
    [book] = graph.objects(rec, DCTERMS.isPartOf)
    assert set(graph.objects(book, DCTERMS.title)) == {Literal("GeneReviews®")}
    assert (book, RDF.type, BIBO.Collection) in graph
    assert set(graph.objects(rec, DCTERMS.issued)) == {Literal("2006-02-02", datatype=XSD.date)}
    assert (rec, FOAF.page, URIRef("https://www.ncbi.nlm.nih.gov/books/NBK1372/")) in graph


def test_medline_dates_name_a_month_only_with_a_month_word(tmp_path: Path) -> None:
    written = {"1": ("2010 1st Quarter", Literal("2010", datatype=XSD.gYear)),
               "2": ("2010 4th Qtr", Literal("2010", datatype=XSD.gYear)),
               "3": ("2000 Fall-Winter", Literal("2000", datatype=XSD.gYear)),
               "4": ("2001 Mar 5th", Literal("2001-03", datatype=XSD.gYearMonth)),
               "5": ("2001 Jul-Aug", Literal("2001-07", datatype=XSD.gYearMonth)),
               "6": ("1999 Dec 15-2000 Jan 15", Literal("1999-12-15", datatype=XSD.date))}
    records = read(tmp_path, *(article(pmid, pub_date=f"<MedlineDate>{date}</MedlineDate>")
                               for pmid, (date, _) in written.items()))
    for record in records:
        graph = map_record(record, BASE, modified=WHEN)
        issued = set(graph.objects(URIRef(f"{BASE}id/record/{record.id}"), DCTERMS.issued))
        assert issued == {written[record.pmid][1]}, written[record.pmid][0]


def test_keywords_supplementary_concepts_and_roman_pages(tmp_path: Path) -> None:
    citation = ('<SupplMeshList><SupplMeshName Type="Disease" UI="C536409">Rare syndrome'
                '</SupplMeshName></SupplMeshList><MeshHeadingList><MeshHeading>'
                '<DescriptorName UI="D006801">Humans</DescriptorName></MeshHeading>'
                '</MeshHeadingList><KeywordList Owner="NOTNLM"><Keyword>humans</Keyword>'
                "<Keyword>Humans</Keyword><Keyword>rare disease</Keyword></KeywordList>")
    graph, rec = graph_of(tmp_path, article(citation_extra=citation, pages="iii-v"))
    labels = sorted(str(graph.value(s, SKOS.prefLabel))
                    for s in graph.objects(rec, DCTERMS.subject))
    assert labels == ["Humans", "Rare syndrome", "rare disease"]
    [rare] = graph.subjects(SKOS.prefLabel, Literal("Rare syndrome"))
    assert (rare, SKOS.exactMatch, URIRef("http://id.nlm.nih.gov/mesh/C536409")) in graph
    assert (graph.value(rec, BIBO.pageStart), graph.value(rec, BIBO.pageEnd)) == (
        Literal("iii"), Literal("v"))


def test_incomplete_articles_are_named_and_explained(tmp_path: Path) -> None:
    no_citation = ('<PubmedArticle><PubmedData><ArticleIdList><ArticleId IdType="pubmed">123'
                   "</ArticleId></ArticleIdList></PubmedData></PubmedArticle>")
    no_article = ("<PubmedArticle><MedlineCitation><PMID>124</PMID></MedlineCitation>"
                  "</PubmedArticle>")
    first, second = read(tmp_path, no_citation, no_article)
    assert isinstance(first, RecordError) and isinstance(second, RecordError)
    assert first.location.record_id == "pmid-123" and "PMID" not in first.message
    assert first.message == "<PubmedArticle> has no <MedlineCitation>" and first.hint
    assert second.location.record_id == "pmid-124" and "<Article>" in second.message
    assert "title, journal and authors" in second.hint


def test_entities_utf16_and_long_prologues(tmp_path: Path) -> None:
    body = "<PubmedArticleSet>" + article("7", title="Caf&#233; &leak; study") + \
        "</PubmedArticleSet>"
    dtd = '<!DOCTYPE PubmedArticleSet SYSTEM "pubmed.dtd">\n'
    leaky = tmp_path / "leaky.xml"
    leaky.write_text(f'<?xml version="1.0"?>\n{dtd}{body}', encoding="utf-8")
    [error] = read_path(str(leaky))
    assert isinstance(error, RecordError) and "&leak;" in error.message
    assert error.location.record_id == "pmid-7"
    fine = article("8", title="Caf&#233; study.")
    utf16 = tmp_path / "utf16.xml"
    utf16.write_bytes(f'<?xml version="1.0" encoding="UTF-16"?>\n<PubmedArticleSet>{fine}'
                      "</PubmedArticleSet>".encode("utf-16"))
    long = tmp_path / "long.xml"
    long.write_text(f'<?xml version="1.0"?>\n<!--{"x" * 70_000}-->\n{dtd}<PubmedArticleSet>'
                    f"{fine}</PubmedArticleSet>", encoding="utf-8")
    for path, fmt in ((utf16, None), (utf16, "pubmed"), (long, "pubmed")):
        [record] = read_path(str(path), format=fmt)
        assert isinstance(record, Record) and record.title == "Café study", (path, fmt)

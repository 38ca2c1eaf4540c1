"""A PubMed journal article: <MedlineCitation> (+ <PubmedData>) -> Record.

Apart from the reader (:mod:`ld.readers.pubmed`: the file, its roots and
its errors) and from book chapters (:mod:`ld.readers.pubmed_book`) because
this is the element walk of one kind of record: title, journal and issue,
dates, pages, grants. Subjects are read by :mod:`ld.readers.pubmed_subjects`,
identifiers by :mod:`ld.readers.pubmed_ids`.
"""

from __future__ import annotations

from lxml import etree

from ld.errors import Location, RecordError
from ld.model import Container, Record, Source
from ld.readers import pubmed_subjects as subjects
from ld.readers.pubmed_fields import (
    abstracts,
    add_all,
    all_pages,
    authors,
    is_article_number,
    languages,
    page_range,
    pub_date,
    says_more,
)
from ld.readers.pubmed_ids import (
    ID_PREFIX,
    comments_corrections,
    identifiers,
    nlm_pmcid,
    pmid,
)
from ld.readers.pubmed_text import PLACEHOLDER_TITLES, marked_text, nlm_title, vernacular_title
from ld.readers.xml_text import children, text_of


def map_article(citation: etree._Element | None, data: etree._Element | None,
                source: Source) -> Record:
    """A journal article: MedlineCitation (+ PubmedData) -> Record."""
    number = pmid(citation, source)
    record = Record(id=ID_PREFIX + number, source=source, pmid=number,
                    record_format="MEDLINE/PubMed", formats=["Article"])
    cite = children(citation)
    article = _article(cite, record.id, source)
    art = children(article)
    record.languages = languages(article.iterchildren("Language"))
    _titles(record, art, record.languages)
    abstracts(record, art.get("Abstract"), citation.iterchildren("OtherAbstract"))
    authors(record, art.get("AuthorList"))
    _journal(record, art, cite)
    _subjects(record, art, cite, citation)
    _grants(record, art.get("GrantList"))
    _article_ids(record, article, data)
    nlm_pmcid(record, citation)
    _article_number(record, article)
    comments_corrections(record, cite.get("CommentsCorrectionsList"))
    return record


def _article(cite: dict[str, etree._Element], record_id: str, source: Source) -> etree._Element:
    article = cite.get("Article")
    if article is None:
        raise RecordError("the MedlineCitation has no <Article> element",
                          Location(source.file, source.position, record_id, "Article"),
                          hint="the <Article> holds the title, journal and authors; the file "
                               "is incomplete: fetch the record from PubMed again")
    return article


def _titles(record: Record, art: dict[str, etree._Element], langs: list[str]) -> None:
    """The ArticleTitle; the VernacularTitle replaces it when it is only a placeholder.

    PubMed writes "[Not Available]." as the title of an article that has
    only a non-English one; otherwise the vernacular title is an alternative.
    Both without NLM's final period and translation brackets (:func:`nlm_title`).
    The vernacular title is in the article's language by definition: tagged
    with it when the article has one <Language> other than English ("spa"),
    so it is published "…"@es, as the abstracts are.
    """
    title = marked_text(art.get("ArticleTitle"))
    vernacular = vernacular_title(nlm_title(marked_text(art.get("VernacularTitle"))), langs)
    if title in PLACEHOLDER_TITLES:
        record.title = vernacular or title
    else:
        record.title = nlm_title(title) or None
        add_all(record.alternative_titles, [vernacular])


def _subjects(record: Record, art: dict[str, etree._Element],
              cite: dict[str, etree._Element], citation: etree._Element) -> None:
    """Publication types (genres), MeSH headings and substances, then the other keywords."""
    subjects.publication_types(record, art.get("PublicationTypeList"))
    subjects.mesh(record, cite.get("MeshHeadingList"), cite.get("ChemicalList"),
                  cite.get("SupplMeshList"))
    subjects.keywords(record, citation)


def _article_ids(record: Record, article: etree._Element, data: etree._Element | None) -> None:
    """The article's ELocationIDs, then PubmedData's ArticleIdList."""
    identifiers(record, article.iterchildren("ELocationID"), "EIdType")
    if data is not None:
        identifiers(record, data.iterfind("ArticleIdList/ArticleId"), "IdType")


def _article_number(record: Record, article: etree._Element) -> None:
    """An article without pages is located by its article number, which NLM gives as the
    ELocationID of type "pii" and cites in the pages' place ("2022;132(10):e154225"):
    the first page (bibo:pageStart), as a MedlinePgn "e0092424" is, so citations have it."""
    container = record.container
    if container is None or container.page_start:
        return
    for element in article.iterchildren("ELocationID"):
        value = (element.text or "").strip()
        if element.get("EIdType") == "pii" and element.get("ValidYN") != "N" \
                and is_article_number(value):
            container.page_start = value
            return


def _journal(record: Record, art: dict[str, etree._Element],
             cite: dict[str, etree._Element]) -> None:
    """The host journal and issue as the container; the issue's date is the record's."""
    journal = art.get("Journal")
    if journal is None:
        return
    jour = children(journal)
    issue = children(jour.get("JournalIssue"))
    container = Container(
        title=text_of(jour.get("Title")) or None,
        iso_abbreviation=text_of(jour.get("ISOAbbreviation")) or None,
        volume=text_of(issue.get("Volume")) or None,
        issue=text_of(issue.get("Issue")) or None,
    )
    issns = list(journal.iterchildren("ISSN"))  # print and electronic, then the ISSN-L
    container.issn_l = text_of(children(cite.get("MedlineJournalInfo")).get("ISSNLinking")) or None
    add_all(container.issn, [t for t in (*map(text_of, issns), container.issn_l) if t])
    add_all(container.eissn, [text_of(e) for e in issns if e.get("IssnType") == "Electronic"])
    pagination = children(art.get("Pagination"))
    container.page_start, container.page_end = _pages(pagination)
    container.pages = all_pages(text_of(pagination.get("MedlinePgn")))
    _issued(record, issue.get("PubDate"), art.get("ArticleDate"))
    record.container = container


def _pages(pages: dict[str, etree._Element]) -> tuple[str | None, str | None]:
    """StartPage/EndPage; without a StartPage, MedlinePgn with its end page spelled out."""
    start, end = text_of(pages.get("StartPage")), text_of(pages.get("EndPage"))
    if not start:
        start, end = page_range(text_of(pages.get("MedlinePgn")))
    return start or None, end or None


def _issued(record: Record, pub: etree._Element | None,
            article_date: etree._Element | None) -> None:
    """The issue's PubDate, else the ArticleDate (electronic publication).

    The date as written ("1998 Dec-1999 Jan", "1990 Spring") is kept when it says
    more than the ISO date made of it (:func:`says_more`): the range or season the ISO
    date cannot say is published as written (ldpub:dateAsWritten); "2020 Jan 05" is not.
    """
    issued, written = pub_date(pub)
    if issued is None:
        issued, written = pub_date(article_date)
    record.issued = issued or written
    if written and says_more(written):
        record.dates_as_written = [written]


def _grants(record: Record, grant_list: etree._Element | None) -> None:
    if grant_list is None:
        return
    for grant in grant_list.iterfind("Grant"):
        parts = [text_of(grant.find(t)) for t in ("GrantID", "Agency", "Country")]
        grant_id, agency, country = parts
        label = ", ".join(p for p in (agency, country) if p)
        add_all(record.grants, [f"{grant_id} ({label})" if grant_id and label else
                                grant_id or label])

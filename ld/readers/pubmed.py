"""MEDLINE/PubMed XML reader (PubmedArticleSet, and the older MedlineCitationSet).

Streamed with lxml iterparse through :mod:`ld.readers.xmlsafe`: each
<PubmedArticle>/<PubmedBookArticle> is mapped and freed before the next one
is parsed, so a 1 GB baseline file (gzip is undone by the registry) stays in
constant memory. <DeleteCitation> PMIDs become Deletions.

Record id: ``pmid-{PMID}``. NOT ``pubmed-{n}``: VuFind's PubMed records
(e.g. the seed ``pubmed-6839263``) number by the PMC id (PMC6839263, whose
PMID is 31703678), so ``pubmed-{PMID}`` would give an unrelated article the
seed's id whenever a PMID equals some PMC number. The same article from
both sources is linked by its identifiers instead (:mod:`ld.identity`).

MeSH: each descriptor is a subject with its MeSH IRI
(http://id.nlm.nih.gov/mesh/D000577); each descriptor/qualifier pair is one
more subject "Amides/analysis" with the pair's own MeSH RDF IRI
(http://id.nlm.nih.gov/mesh/D000577Q000032), so nothing is lost and every
subject has a real IRI. Publication types are genre subjects (MeSH too). The
subjects are read by :mod:`ld.readers.pubmed_subjects`.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import BinaryIO

from lxml import etree

from ld.errors import Location, ParseError, RecordError
from ld.model import Container, Deletion, Record, Source
from ld.readers import pubmed_subjects as subjects
from ld.readers import xmlsafe
from ld.readers.pubmed_fields import abstract_text, agent_from_author, page_range, pub_date
from ld.readers.xmlsafe import children, text_of

NAME = "pubmed"
DESCRIPTION = "MEDLINE/PubMed XML (PubmedArticleSet, MedlineCitationSet), gzip or not"

ID_PREFIX = "pmid-"
ROOTS = {
    "PubmedArticleSet": ("PubmedArticle", "PubmedBookArticle", "DeleteCitation"),
    "MedlineCitationSet": ("MedlineCitation", "DeleteCitation"),
    "PubmedBookArticleSet": ("PubmedBookArticle", "DeleteCitation"),
}
_PLACEHOLDER_TITLES = ("[Not Available].", "[Not Available]", "[In Process Citation]")
_JATS_ROOTS = ("article", "pmc-articleset")

Item = Record | Deletion | RecordError


def sniff(head: bytes, filename: str) -> int:
    root = xmlsafe.root_name(head)
    if root in ROOTS:
        return 95
    return 0


def read(stream: BinaryIO, filename: str) -> Iterator[Item]:
    """Records (and Deletions) in file order; a bad article is a RecordError."""
    root, stream = xmlsafe.open_document(stream, filename)
    tags = ROOTS.get(root or "")
    if tags is None:
        raise _wrong_root(root, filename)
    number = 0
    for _event, element in xmlsafe.iterparse(stream, filename, tags=tags):
        if element.tag == "MedlineCitation" and element.getparent().tag != "MedlineCitationSet":
            continue  # the citation inside a PubmedArticle: handled with its article
        number += 1
        source = Source(filename, f"article {number} (line {element.sourceline})", NAME)
        if element.tag == "DeleteCitation":
            yield from (Deletion(ID_PREFIX + p.strip(), source)
                        for p in element.itertext() if p.strip())
        else:
            yield _safe_map(element, source)
        xmlsafe.release(element)


def _wrong_root(root: str | None, filename: str) -> ParseError:
    if root in _JATS_ROOTS:
        message = (f"this is PMC JATS (<{root}>), not PubMed XML (<PubmedArticleSet>)")
        hint = "load it without --format pubmed so the JATS reader takes it"
    else:
        message = f"not PubMed XML: the root element is <{root}>, expected <PubmedArticleSet>"
        hint = "check the file, or pass the right --format"
    return ParseError(message, Location(file=filename, position="line 1"), hint=hint)


def _safe_map(element: etree._Element, source: Source) -> Record | RecordError:
    try:
        if element.tag == "PubmedBookArticle":
            return map_book_article(element, source)
        citation = element if element.tag == "MedlineCitation" else element.find("MedlineCitation")
        return map_article(citation, element.find("PubmedData"), source)
    except RecordError as exc:
        return exc


def _pmid(container: etree._Element | None, source: Source) -> str:
    pmid = (container.findtext("PMID") if container is not None else "") or ""
    if not pmid.strip().isdigit():
        raise RecordError(
            f"no usable PMID ({pmid.strip()!r})",
            Location(file=source.file, position=source.position, field="PMID"),
            hint="every PubMed record needs a numeric <PMID>; the record was skipped",
        )
    return pmid.strip()


def map_article(citation: etree._Element | None, data: etree._Element | None,
                source: Source) -> Record:
    """A journal article: MedlineCitation (+ PubmedData) -> Record."""
    pmid = _pmid(citation, source)
    record = Record(id=ID_PREFIX + pmid, source=source, pmid=pmid,
                    record_format="MEDLINE/PubMed", formats=["Article"])
    cite = children(citation)
    article = _article(cite, record.id, source)
    art = children(article)
    _titles(record, art)
    _abstracts(record, art.get("Abstract"), citation.iterchildren("OtherAbstract"))
    _authors(record, art.get("AuthorList"))
    _journal(record, art, cite)
    record.languages = _languages(article.iterchildren("Language"))
    _subjects(record, art, cite, citation)
    _grants(record, art.get("GrantList"))
    _article_ids(record, article, data)
    return record


def _article(cite: dict[str, etree._Element], record_id: str, source: Source) -> etree._Element:
    article = cite.get("Article")
    if article is None:
        raise RecordError("no <Article> element",
                          Location(source.file, source.position, record_id, "Article"))
    return article


def _titles(record: Record, art: dict[str, etree._Element]) -> None:
    """The ArticleTitle; the VernacularTitle replaces it when it is only a placeholder.

    PubMed writes "[Not Available]." as the title of an article that has
    only a non-English one; otherwise the vernacular title is an alternative.
    """
    record.title = text_of(art.get("ArticleTitle")) or None
    vernacular = text_of(art.get("VernacularTitle"))
    if record.title in _PLACEHOLDER_TITLES and vernacular:
        record.title = vernacular
    else:
        _add_all(record.alternative_titles, [vernacular])


def _abstracts(record: Record, abstract: etree._Element | None,
               others: Iterable[etree._Element] = ()) -> None:
    """The abstract, then each OtherAbstract (e.g. a translation) not already given."""
    record.abstracts = [a for a in [abstract_text(abstract)] if a]
    for other in others:
        _add_all(record.abstracts, [abstract_text(other)])


def _languages(elements: Iterable[etree._Element]) -> list[str]:
    return [t.strip() for t in (e.text for e in elements) if t]


def _subjects(record: Record, art: dict[str, etree._Element],
              cite: dict[str, etree._Element], citation: etree._Element) -> None:
    """Publication types (genres), MeSH headings and substances, then the other keywords."""
    subjects.publication_types(record, art.get("PublicationTypeList"))
    subjects.mesh(record, cite.get("MeshHeadingList"), cite.get("ChemicalList"))
    subjects.keywords(record, citation)


def _article_ids(record: Record, article: etree._Element, data: etree._Element | None) -> None:
    """The article's ELocationIDs, then PubmedData's ArticleIdList."""
    _ids(record, article.iterchildren("ELocationID"), "EIdType")
    if data is not None:
        _ids(record, data.iterfind("ArticleIdList/ArticleId"), "IdType")


def map_book_article(element: etree._Element, source: Source) -> Record:
    """A PubmedBookArticle (NCBI Bookshelf): a chapter of a book, or a whole book."""
    document = element.find("BookDocument")
    pmid = _pmid(document, source)
    record = Record(id=ID_PREFIX + pmid, source=source, pmid=pmid,
                    record_format="MEDLINE/PubMed")
    book = document.find("Book")
    _book_titles(record, document, book)
    if book is not None:
        _book(record, book)
    _abstracts(record, document.find("Abstract"))
    _authors(record, document.find("AuthorList"))
    record.languages = _languages(document.iterfind("Language"))
    subjects.publication_types(record, document)  # BookDocument holds PublicationType directly
    subjects.keywords(record, document)
    _ids(record, document.iterfind("ArticleIdList/ArticleId"), "IdType")
    return record


def _book_titles(record: Record, document: etree._Element, book: etree._Element | None) -> None:
    """A chapter has its own ArticleTitle and its book as container; a whole book has neither."""
    book_title = text_of(book.find("BookTitle")) if book is not None else ""
    chapter = text_of(document.find("ArticleTitle"))
    record.title = chapter or book_title or None
    record.formats = ["Book Chapter"] if chapter else ["Book"]
    if chapter and book_title:
        record.container = Container(title=book_title)


def _book(record: Record, book: etree._Element) -> None:
    """The book's publication (publisher, place, date, edition, ISBNs) and its authors."""
    _add_all(record.publishers, [text_of(book.find("Publisher/PublisherName"))])
    _add_all(record.publication_places, [text_of(book.find("Publisher/PublisherLocation"))])
    record.issued = pub_date(book.find("PubDate"))[0]
    record.edition = text_of(book.find("Edition")) or None
    _add_all(record.isbn, [(i.text or "").replace("-", "") for i in book.iterfind("Isbn")])
    _authors(record, book.find("AuthorList"))


def _add_all(target: list[str], values: list[str | None]) -> None:
    for value in values:
        if value and value not in target:
            target.append(value)


def _authors(record: Record, author_list: etree._Element | None) -> None:
    if author_list is None:
        return
    editors = author_list.get("Type") == "editors"
    for author in author_list.iterfind("Author"):
        if author.get("ValidYN") == "N":
            continue
        agent = agent_from_author(author)
        if agent is None:
            continue
        if editors:
            agent.roles.append("editor")
            record.contributors.append(agent)
        else:
            record.creators.append(agent)


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
    _add_all(container.issn, _issns(journal, cite))
    container.page_start, container.page_end = _pages(children(art.get("Pagination")))
    _issued(record, issue.get("PubDate"), art.get("ArticleDate"))
    record.container = container


def _issns(journal: etree._Element, cite: dict[str, etree._Element]) -> list[str]:
    """The journal's ISSNs (print, electronic), then the ISSN-L linking its media."""
    issns = [e.text for e in journal.iterchildren("ISSN")]
    linking = children(cite.get("MedlineJournalInfo")).get("ISSNLinking")
    issns.append(linking.text if linking is not None else None)
    return [i.strip() for i in issns if i and i.strip()]


def _pages(pages: dict[str, etree._Element]) -> tuple[str | None, str | None]:
    """StartPage/EndPage; without a StartPage, MedlinePgn with its end page spelled out."""
    start, end = text_of(pages.get("StartPage")), text_of(pages.get("EndPage"))
    if not start:
        start, end = page_range(text_of(pages.get("MedlinePgn")))
    return start or None, end or None


def _issued(record: Record, pub: etree._Element | None,
            article_date: etree._Element | None) -> None:
    """The issue's PubDate, else the ArticleDate (electronic publication).

    The date as written ("1975 Sep", "1998 Dec-1999 Jan") is kept in extra
    whenever it differs from the ISO date made of it.
    """
    issued, written = pub_date(pub)
    if issued is None:
        issued, written = pub_date(article_date)
    record.issued = issued or written
    if written and written != issued:
        record.extra["date_as_written"] = [written]


def _grants(record: Record, grant_list: etree._Element | None) -> None:
    if grant_list is None:
        return
    for grant in grant_list.iterfind("Grant"):
        parts = [text_of(grant.find(t)) for t in ("GrantID", "Agency", "Country")]
        grant_id, agency, country = parts
        label = ", ".join(p for p in (agency, country) if p)
        _add_all(record.grants, [f"{grant_id} ({label})" if grant_id and label else
                                 grant_id or label])


def _ids(record: Record, elements: Iterator[etree._Element], attr: str) -> None:
    for element in elements:
        kind, value = element.get(attr), (element.text or "").strip()
        if not value:
            continue
        if kind == "doi":
            _add_all(record.doi, [value])
        elif kind == "pmc":
            record.pmcid = record.pmcid or (value if value.startswith("PMC") else f"PMC{value}")
        elif kind not in ("pubmed", None):
            record.extra.setdefault(f"id:{kind}", []).append(value)

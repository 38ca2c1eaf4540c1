"""A PubmedBookArticle (NCBI Bookshelf, e.g. a GeneReviews chapter) -> Record.

Apart from journal articles (:mod:`ld.readers.pubmed_article`) because a
book document is laid out differently (<BookDocument> with its <Book>, no
MedlineCitation) and means something else: the host is a book, not a journal.

The record model's host (:class:`ld.model.Container`) is mapped as a
journal (bibo:Journal), which a book is not; so a chapter's book is the
collection it is dcterms:isPartOf (``Record.collections``: bibo:Collection,
dcmitype:Collection, with the book's title). A chapter is dated by its own
ContributionDate: the book's PubDate is when the book began (GeneReviews:
1993, for every chapter). Its NCBI Bookshelf page is a link of the record.
"""

from __future__ import annotations

from lxml import etree

from ld.model import Record, Source
from ld.readers import pubmed_subjects as subjects
from ld.readers.pubmed_fields import abstracts, add_all, authors, languages, pub_date
from ld.readers.pubmed_ids import ID_PREFIX, identifiers, pmid
from ld.readers.pubmed_text import marked_text
from ld.readers.xml_text import text_of


def map_book_article(element: etree._Element, source: Source) -> Record:
    """A PubmedBookArticle (NCBI Bookshelf): a chapter of a book, or a whole book."""
    document = element.find("BookDocument")
    number = pmid(document, source)
    record = Record(id=ID_PREFIX + number, source=source, pmid=number,
                    record_format="MEDLINE/PubMed")
    book = document.find("Book")
    _book_titles(record, document, book)
    if book is not None:
        _book(record, book)
    _dates(record, document)
    abstracts(record, document.find("Abstract"))
    authors(record, document.find("AuthorList"))
    record.languages = languages(document.iterfind("Language"))
    subjects.publication_types(record, document)  # BookDocument holds PublicationType directly
    subjects.keywords(record, document)
    identifiers(record, document.iterfind("ArticleIdList/ArticleId"), "IdType")
    identifiers(record, element.iterfind("PubmedBookData/ArticleIdList/ArticleId"), "IdType")
    return record


def _book_titles(record: Record, document: etree._Element, book: etree._Element | None) -> None:
    """A chapter has its own ArticleTitle and its book as collection; a whole book has neither."""
    book_title = marked_text(book.find("BookTitle")) if book is not None else ""
    chapter = marked_text(document.find("ArticleTitle"))
    record.title = chapter or book_title or None
    record.formats = ["Book Chapter"] if chapter else ["Book"]
    if chapter and book_title:
        add_all(record.collections, [book_title])


def _dates(record: Record, document: etree._Element) -> None:
    """The chapter's ContributionDate, else the book's date; DateRevised kept (unpublished)."""
    record.issued = pub_date(document.find("ContributionDate"))[0] or record.issued
    revised = pub_date(document.find("DateRevised"))[0]
    if revised:
        record.extra["date_revised"] = [revised]


def _book(record: Record, book: etree._Element) -> None:
    """The book's publication (publisher, place, date, edition, ISBNs) and its authors."""
    add_all(record.publishers, [text_of(book.find("Publisher/PublisherName"))])
    add_all(record.publication_places, [text_of(book.find("Publisher/PublisherLocation"))])
    record.issued = pub_date(book.find("PubDate"))[0]
    record.edition = text_of(book.find("Edition")) or None
    add_all(record.isbn, [(i.text or "").replace("-", "") for i in book.iterfind("Isbn")])
    authors(record, book.find("AuthorList"))

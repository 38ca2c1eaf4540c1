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

This module is the reader: the file, its root and its items, and what goes
wrong with them. Each item is mapped by :mod:`ld.readers.pubmed_article`
(journal articles) or :mod:`ld.readers.pubmed_book` (NCBI Bookshelf).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import BinaryIO

from lxml import etree

from ld.errors import Location, ParseError, RecordError
from ld.model import Deletion, Record, Source
from ld.readers import xmlsafe
from ld.readers.pubmed_article import map_article
from ld.readers.pubmed_book import map_book_article
from ld.readers.pubmed_ids import ID_PREFIX, listed_id, missing_part

NAME = "pubmed"
DESCRIPTION = "MEDLINE/PubMed XML (PubmedArticleSet, MedlineCitationSet), gzip or not"

__all__ = ["ID_PREFIX", "NAME", "ROOTS", "map_article", "map_book_article", "read", "sniff"]

ROOTS = {
    "PubmedArticleSet": ("PubmedArticle", "PubmedBookArticle", "DeleteCitation"),
    "MedlineCitationSet": ("MedlineCitation", "DeleteCitation"),
    "PubmedBookArticleSet": ("PubmedBookArticle", "DeleteCitation"),
}
_JATS_ROOTS = ("article", "pmc-articleset")

Item = Record | Deletion | RecordError


def sniff(head: bytes, filename: str) -> int:
    root = xmlsafe.root_name(head)
    if root in ROOTS:
        return 95
    return 0


def read(stream: BinaryIO, filename: str) -> Iterator[Item]:
    """Records (and Deletions) in file order; a bad article is a RecordError.

    The root is read from the file's first 64 KB; when a longer prolog (a
    long comment, a DTD) hides it there, the parser finds it, and it is
    checked at the first element found, before that element is looked at (a
    <MedlineCitation> may be the root itself, with no parent).
    """
    root, stream = xmlsafe.open_document(stream, filename)
    if root is not None and root not in ROOTS:
        raise _wrong_root(root, filename)
    number = 0
    for _event, element in xmlsafe.iterparse(stream, filename, tags=ROOTS.get(root, _ITEMS)):
        if root is None:  # checked before anything else: the element may be the root itself
            root = etree.QName(element.getroottree().getroot()).localname
            _check_root(root, filename)
        if element.tag == "MedlineCitation" and element.getparent().tag != "MedlineCitationSet":
            continue  # the citation inside a PubmedArticle: handled with its article
        number += 1
        yield from _items(element, Source(
            filename, f"article {number} (line {element.sourceline})", NAME))
        xmlsafe.release(element)
    if number == 0 and root is None:
        raise _wrong_root(None, filename)


_ITEMS = tuple(dict.fromkeys(tag for tags in ROOTS.values() for tag in tags))


def _items(element: etree._Element, source: Source) -> Iterator[Item]:
    if element.tag == "DeleteCitation":
        yield from (Deletion(ID_PREFIX + p.strip(), source)
                    for p in element.itertext() if p.strip())
    else:
        yield _safe_map(element, source)


def _check_root(root: object, filename: str) -> None:
    if root not in ROOTS:
        raise _wrong_root(str(root), filename)


def _wrong_root(root: str | None, filename: str) -> ParseError:
    if root in _JATS_ROOTS:
        message = (f"this is PMC JATS (<{root}>), not PubMed XML (<PubmedArticleSet>)")
        hint = "load it without --format pubmed so the JATS reader takes it"
    else:
        found = f"the root element is <{root}>" if root else "no PubMed article was found"
        message = f"not PubMed XML: {found}, expected <PubmedArticleSet>"
        hint = "check the file, or pass the right --format"
    return ParseError(message, Location(file=filename, position="line 1"), hint=hint)


def _safe_map(element: etree._Element, source: Source) -> Record | RecordError:
    try:
        xmlsafe.refuse_unresolved(element, Location(source.file, source.position,
                                                    record_id=listed_id(element)))
        return _map(element, source)
    except RecordError as exc:
        return exc
    except ValueError as exc:  # a reader bug costs this article, not the whole load
        return RecordError(f"cannot read this article ({type(exc).__name__}: {exc})",
                           Location(source.file, source.position, listed_id(element)),
                           hint="this is a bug in ldpub's PubMed reader; please report it")


def _map(element: etree._Element, source: Source) -> Record:
    """The article, book chapter or (MedlineCitationSet) citation; one without its main part
    is refused naming the part and the PMID that PubmedData lists."""
    if element.tag == "MedlineCitation":
        return map_article(element, None, source)
    part = "BookDocument" if element.tag == "PubmedBookArticle" else "MedlineCitation"
    if element.find(part) is None:
        raise missing_part(element, part, source)
    if part == "BookDocument":
        return map_book_article(element, source)
    return map_article(element.find(part), element.find("PubmedData"), source)

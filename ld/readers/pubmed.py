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
from ld.readers.pubmed_ids import ID_PREFIX

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

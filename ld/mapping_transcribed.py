"""What a catalogue transcribes or notes about a record, published as written.

A reader keeps values the mapper cannot turn into a normalised identifier,
date or thing, but a reader of the record needs: the statement of
responsibility ("by Kenneth Grahame; illustrated by Maxfield Parrish", MARC
245 $c), where the illustrators, translators and editors without an added
entry are named; the dates as written ("[between 1880 and 1893]", PubMed
"1998 Dec-1999 Jan", "1990 Spring"), which the single normalised
dcterms:issued cannot carry; the audience (MARC 521) and provenance (561)
notes, which DCMI has properties for; and identifiers the catalogue itself
marks cancelled or invalid (MARC 020 $z, 022 $y/$z), set apart (ldpub:cancelledIsbn,
cancelledIssn) so they are never taken for the work's own.

Also the host a record is part of when it is no serial (a MARC 773 on a
monograph: an LC collection, the book a chapter is in): a collection, not a
bibo:Journal the catalogue never named.

Apart from :mod:`ld.mapping` to keep that module's size in bounds; it writes
through the record's mapper (:class:`ld.mapping_things.Writer`).
"""

from __future__ import annotations

import re

from rdflib import URIRef
from rdflib import namespace as rdf_ns

from ld import mapping_identifiers as ids
from ld import namespaces as ns
from ld.mapping_things import Writer, collection
from ld.model import Container

DCTERMS = ns.Terms(rdf_ns.DCTERMS)
BIBO, LDPUB = ns.Terms(ns.BIBO), ns.Terms(ns.LDPUB)
# an EDTF interval of years, "1880/1893" or "1880/..": MARC 008/06 q, earliest and latest
_RANGE = re.compile(r"[0-9]{4}/(?:[0-9]{4}|\.\.)")


def is_range(value: str) -> bool:
    """Whether a record's date is a range of years (the reader found no date of issue,
    only the earliest and latest it can be): published as dcterms:date, not issued."""
    return bool(_RANGE.fullmatch(value.strip()))


def transcribed(m: Writer) -> None:
    """The record's statement of responsibility, its edition in another script, dates as
    written, audience and provenance notes, and the identifiers its source marks
    cancelled or invalid."""
    r = m.r
    m.lit(LDPUB.responsibilityStatement, r.responsibility)
    m.lit(BIBO.edition, r.alt_editions)  # the edition statement in its original script
    issued = (r.issued or "").strip()
    m.lit(LDPUB.dateAsWritten, [d for d in dict.fromkeys(map(str.strip, r.dates_as_written))
                                if d != issued])  # "2015" beside issued "2015" says nothing
    m.lit(DCTERMS.audience, r.audience)
    m.lit(DCTERMS.provenance, r.provenance)
    # a number the catalogue rightly marks cancelled is no error: no warning, unlike a
    # failing check digit (ldpub:invalidIsbn), else good records warned (review12 M4)
    m.lit(LDPUB.cancelledIsbn, list(dict.fromkeys(map(ids.clean_isbn, r.cancelled_isbn))))
    m.lit(LDPUB.cancelledIssn, list(dict.fromkeys(map(ids.clean_issn, r.cancelled_issn))))


def host(m: Writer, container: Container) -> URIRef | None:
    """A host that is no serial, as the collection it names (one name is one collection,
    :func:`ld.mapping_things.collection`); None without a title, as nothing then names it."""
    title = (container.title or "").strip()
    return collection(m, title) if title else None

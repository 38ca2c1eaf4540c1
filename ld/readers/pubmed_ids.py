"""Identifiers of a PubMed record: its PMID (the record id) and the ids NLM lists for it.

Apart from the element walk (:mod:`ld.readers.pubmed_article`,
:mod:`ld.readers.pubmed_book`) because both journal articles and book
chapters carry them the same way (ELocationID, ArticleIdList), and because
which of them are published, and as what, is one decision: a DOI becomes the
record's DOI (and its owl:sameAs doi.org link, used for identity across
sources), so whatever NLM doubts must stop here.
"""

from __future__ import annotations

from collections.abc import Iterator

from lxml import etree

from ld.errors import Location, RecordError
from ld.model import Record, Source

ID_PREFIX = "pmid-"


def pmid(container: etree._Element | None, source: Source) -> str:
    """The numeric <PMID> of a MedlineCitation or BookDocument; a RecordError without one."""
    value = (container.findtext("PMID") if container is not None else "") or ""
    if not value.strip().isdigit():
        raise RecordError(
            f"no usable PMID ({value.strip()!r})",
            Location(file=source.file, position=source.position, field="PMID"),
            hint="every PubMed record needs a numeric <PMID>; the record was skipped",
        )
    return value.strip()


def identifiers(record: Record, elements: Iterator[etree._Element], attr: str) -> None:
    """DOIs and the PMC id into their fields; other ids kept (unpublished) in ``extra``."""
    for element in elements:
        kind, value = element.get(attr), (element.text or "").strip()
        if not value:
            continue
        if kind == "doi":
            if value not in record.doi:
                record.doi.append(value)
        elif kind == "pmc":
            record.pmcid = record.pmcid or (value if value.startswith("PMC") else f"PMC{value}")
        elif kind not in ("pubmed", None):
            record.extra.setdefault(f"id:{kind}", []).append(value)

"""Metadata formats found inside OAI-PMH records, each turned into a Record.

A converter takes the root element of an OAI-PMH ``<metadata>`` block and
returns a :class:`~ld.model.Record` in the source's own words. Converters
are chosen by the metadata element's qualified name, not by the
``metadataPrefix``: the prefix is a name each repository picks ("marc21",
"marcxml", "MARC21" all occur) while the namespace names the format itself.

Dublin Core has no slots for ISBN/ISSN/DOI: they hide in ``dc:identifier``
next to URLs and local numbers, so identifiers are recognised by shape (and
check digit) and the rest kept in ``extra``; those rules, and the ones for
``dc:type``, ``dc:language``, ``dc:format`` and ``dc:rights``, are
:mod:`ld.readers.oai_dc_values`.
"""

from __future__ import annotations

from collections.abc import Callable

from lxml import etree

from ld.errors import Location, RecordError
from ld.mapping_identifiers import clean_doi
from ld.model import Agent, Container, Record, Source, Subject, Text
from ld.readers.oai_dc_values import DOI, sort_values, unique
from ld.readers.pubmed_fields import orcid_identifier
from ld.readers.xml_text import stated_language

NS_OAI_DC = "http://www.openarchives.org/OAI/2.0/oai_dc/"
NS_DC = "http://purl.org/dc/elements/1.1/"
NS_MARC = "http://www.loc.gov/MARC21/slim"
NS_DOAJ = "http://doaj.org/features/oai_doaj/1.0/"
_DC_ANY, _DC_CUT = f"{{{NS_DC}}}*", len(NS_DC) + 2

Converter = Callable[[etree._Element, str, Source], Record]


def clean(text: str | None) -> str:
    """Collapse the layout whitespace that XML pretty-printing puts into values."""
    return " ".join(text.split()) if text else ""


def person(name: str, *, roles: list[str] | None = None) -> Agent:
    """An agent from a name as written; "Family, Given" is split, anything else kept whole."""
    family, sep, given = name.partition(",")
    if sep and family.strip() and given.strip():
        return Agent(name=name, family=family.strip(), given=given.strip(), roles=roles or [])
    return Agent(name=name, roles=roles or [])


# --- oai_dc ------------------------------------------------------------------

def dc_record(elem: etree._Element, record_id: str, source: Source) -> Record:
    """Simple Dublin Core (``oai_dc:dc``): every element is optional and repeatable."""
    values = _dc_values(elem)
    rec = Record(id=record_id, source=source, record_format="oai_dc")
    _dc_described(rec, values)
    dates = unique(values.get("date", []))
    rec.issued = dates[0] if dates else None
    sort_values(rec, values)
    _dc_extra(rec, values, dates[1:])
    return rec


def _dc_values(elem: etree._Element) -> dict[str, list[str]]:
    """The non-empty values of each DC element, by local name, in document order; a
    description (the abstract) or title with the language its xml:lang states."""
    values: dict[str, list[str]] = {}
    for child in elem.iterchildren(_DC_ANY):
        if text := clean(child.text):
            name = child.tag[_DC_CUT:]  # tag minus "{ns}"
            if name in ("description", "title"):
                text = Text(text, stated_language(child))
            values.setdefault(name, []).append(text)
    return values


def _dc_described(rec: Record, values: dict[str, list[str]]) -> None:
    """Titles, creators, contributors, subjects, abstracts and publishers, as written."""
    titles = unique(values.get("title", []))
    rec.title = titles[0] if titles else None
    rec.alternative_titles = titles[1:]
    rec.creators = [person(n) for n in unique(values.get("creator", []))]
    rec.contributors = [person(n) for n in unique(values.get("contributor", []))]
    rec.subjects = [Subject(label=s) for s in unique(values.get("subject", []))]
    rec.abstracts = unique(values.get("description", []))
    rec.publishers = unique(values.get("publisher", []))


def _dc_extra(rec: Record, values: dict[str, list[str]], more_dates: list[str]) -> None:
    """What has no slot of its own (source, relation, coverage, later dates)."""
    for name in ("source", "relation", "coverage"):
        if name in values:
            rec.extra[name] = unique(values[name])
    if more_dates:
        rec.extra["date"] = more_dates


# --- oai_doaj ----------------------------------------------------------------

def _doaj(elem: etree._Element, name: str) -> list[str]:
    return [t for c in elem.iterfind(f".//{{{NS_DOAJ}}}{name}") if (t := clean(c.text))]


def _doaj_one(elem: etree._Element, name: str) -> str | None:
    found = _doaj(elem, name)
    return found[0] if found else None


def doaj_record(elem: etree._Element, record_id: str, source: Source) -> Record:
    """A DOAJ article (``oai_doaj:doajArticle``): an article in a journal, always."""
    rec = Record(id=record_id, source=source, formats=["Article"], record_format="oai_doaj")
    rec.title = _doaj_one(elem, "title")
    rec.creators = _doaj_authors(elem)
    rec.abstracts = _doaj(elem, "abstract")
    rec.publishers = _doaj(elem, "publisher")
    rec.issued = _doaj_one(elem, "publicationDate")
    rec.languages = _doaj(elem, "language")
    rec.doi = [clean_doi(d) for d in _doaj(elem, "doi") if DOI.match(d)]
    rec.urls = unique(_doaj(elem, "fullTextUrl"))
    rec.issn = unique(_doaj(elem, "issn") + _doaj(elem, "eissn"))
    keywords = (k.strip(" ;,") for k in _doaj(elem, "keyword"))
    rec.subjects = [Subject(label=k, scheme="keyword") for k in unique(list(keywords))]
    rec.container = Container(
        title=_doaj_one(elem, "journalTitle"), issn=list(rec.issn),
        eissn=unique(_doaj(elem, "eissn")),
        volume=_doaj_one(elem, "volume"), issue=_doaj_one(elem, "issue"),
        page_start=_doaj_one(elem, "startPage"), page_end=_doaj_one(elem, "endPage"),
    )
    return rec


def _doaj_authors(elem: etree._Element) -> list[Agent]:
    """Authors in order; affiliations are listed apart and joined by affiliationId."""
    names = {
        a.get("affiliationId"): t
        for a in elem.iterfind(f".//{{{NS_DOAJ}}}affiliationName")
        if (t := clean(a.text))
    }
    authors = []
    for author in elem.iterfind(f".//{{{NS_DOAJ}}}author"):
        name = _doaj_one(author, "name")
        if not name:
            continue
        agent = person(name)
        agent.affiliations = [names[i] for i in _doaj(author, "affiliationId") if i in names]
        agent.identifiers = [i for o in _doaj(author, "orcid_id") if (i := orcid_identifier(o))]
        authors.append(agent)
    return authors


# --- marc21 (MARCXML) --------------------------------------------------------

def marc_record(elem: etree._Element, record_id: str, source: Source) -> Record:
    """MARCXML goes through the MARC readers' own mapping, so it looks the same in RDF.

    The record keeps the OAI identifier as its id: deletions arrive with
    nothing else to name the record by. For the same reason a record without
    a 001 is not refused here: the OAI identifier stands in for it.
    """
    rec = _read_marcxml(elem, record_id, source)
    if rec.id != record_id:
        rec.extra.setdefault("marc_id", []).append(rec.id)
    rec.id = record_id
    rec.source = source
    return rec


def _read_marcxml(elem: etree._Element, record_id: str, source: Source) -> Record:
    """The MARC readers' Record, any error located at the OAI record."""
    where = Location(file=source.file, position=source.position, record_id=record_id)
    try:
        return _marc_crosswalk(elem, record_id, source)
    except RecordError as exc:
        raise RecordError(exc.message, Location(where.file, where.position, record_id,
                                                exc.location.field), exc.hint) from exc
    except (ValueError, IndexError, KeyError) as exc:
        raise RecordError(f"MARCXML record cannot be read: {exc}", where) from exc


def _marc_crosswalk(elem: etree._Element, record_id: str, source: Source) -> Record:
    """MARCXML to pymarc (the OAI identifier as 001 when it has none), then crosswalked."""
    import pymarc

    from ld.readers.marc import from_pymarc  # the MARC readers own the crosswalk
    from ld.readers.marcxml import to_pymarc

    marc = to_pymarc(elem)
    if not any((f.data or "").strip() for f in marc.get_fields("001")):
        marc.add_field(pymarc.Field(tag="001", data=record_id))
    return from_pymarc(marc, source)


CONVERTERS: dict[str, Converter] = {
    f"{{{NS_OAI_DC}}}dc": dc_record,
    f"{{{NS_MARC}}}record": marc_record,
    f"{{{NS_DOAJ}}}doajArticle": doaj_record,
}

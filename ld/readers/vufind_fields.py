"""VuFind biblio-schema fields -> ld.model.Record, shared by both VuFind readers.

The Solr JSON reader and the staff-view text reader see the same field names
(VuFind's ``solr/vufind/biblio/conf/schema.xml``), so one table maps them.
A document is a ``dict[str, value]`` where a value is a string, a number or
a list of those (VuFind writes single-valued fields as strings and
multi-valued ones as lists, but older indexes and RecordManager mix both).

Fields fall in three groups:
* mapped: copied into a Record slot (see :func:`doc_to_record`);
* Solr-only (spelling, *_sort, *_facet, *_str_mv, fullrecord, ...): index
  machinery, dropped, never reaches the model;
* anything else: kept in ``Record.extra`` (never published, useful to debug).

Clean-up done here is limited to catalogue punctuation that is not part of
the value (ISBD separators " /", " :", trailing commas, the period closing a
MARC heading) and to splitting a heading's dates; everything else stays as
written for the mapper to interpret.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any

from ld.errors import Location, RecordError
from ld.mapping_identifiers import DOI_SYNTAX, clean_doi, doi_from_url
from ld.model import Agent, Container, Record, Source, Subject
from ld.readers.vufind_classes import classifications
from ld.readers.vufind_names import parse_agent, trim_heading, trim_isbd
from ld.readers.vufind_schema import MAPPED, is_known_field, is_solr_only

__all__ = ["doc_to_record", "is_known_field", "is_solr_only", "parse_agent"]


_SCALARS = (str, int, float, Decimal)


def values(doc: Mapping[str, Any], name: str, where: Location) -> list[str]:
    """The field's values as a list of non-empty stripped strings.

    A value must be a string/number or a list of those; anything else (an
    object, a nested list, a boolean) is a RecordError naming the field.
    """
    raw = doc.get(name)
    if raw is None:
        return []
    if type(raw) is str:  # the common cases first: this runs ~40 times per record
        raw = raw.strip()
        return [raw] if raw else []
    if type(raw) is list and all(type(item) is str for item in raw):
        return [text for text in (item.strip() for item in raw) if text]
    items = raw if isinstance(raw, list) else [raw]
    out = []
    for item in items:
        if item is None:
            continue
        if isinstance(item, bool) or not isinstance(item, _SCALARS):
            raise RecordError(
                f"expected a string or a list of strings, found {_kind(item)}",
                _at(where, name),
                hint="fix the field's value in the source and load again",
            )
        text = str(item).strip()
        if text:
            out.append(text)
    return out


def _kind(value: Any) -> str:
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, dict):
        return "an object"
    if isinstance(value, list):
        return "a nested list"
    return f"a {type(value).__name__}"


def _at(where: Location, field: str) -> Location:
    return Location(file=where.file, position=where.position, record_id=where.record_id,
                    field=field)


def first(doc: Mapping[str, Any], name: str, where: Location) -> str | None:
    found = values(doc, name, where)
    return found[0] if found else None


def record_id(doc: Mapping[str, Any], where: Location) -> str:
    """The doc's id; a missing or empty id is a RecordError on field 'id'."""
    found = values(doc, "id", where)
    if not found:
        raise RecordError("the record has no id", _at(where, "id"),
                          hint="every VuFind document needs a non-empty 'id'")
    if len(found) > 1:
        raise RecordError(f"the record has {len(found)} ids; expected one", _at(where, "id"))
    if not found[0].isascii() and _LOST.search(found[0]):
        raise RecordError(
            f"the record id {found[0]!a} holds a character lost in an earlier conversion "
            "(U+FFFD, or half of a UTF-16 surrogate pair)", _at(where, "id"),
            hint="records are told apart by their exact id: fix it in the source and load again")
    return found[0]


_LOST = re.compile("[\ufffd\ud800-\udfff]")


def _agents(doc: Mapping[str, Any], field: str, roles_field: str, kind: str,
            where: Location) -> list[Agent]:
    names = values(doc, field, where)
    roles = values(doc, roles_field, where)
    # VuFind keeps author_role parallel to author; "-" marks "no role".
    return [
        parse_agent(name, kind, roles[i] if i < len(roles) and roles[i] != "-" else None)
        for i, name in enumerate(names)
    ]


# -- identifiers in URLs ----------------------------------------------------------------

_PMID_URL = re.compile(
    r"^https?://(?:www\.)?(?:ncbi\.nlm\.nih\.gov/pubmed/|pubmed\.ncbi\.nlm\.nih\.gov/)([0-9]+)/?$",
    re.I,
)
_PMC_URL = re.compile(
    r"^https?://(?:www\.)?(?:ncbi\.nlm\.nih\.gov/pmc|pmc\.ncbi\.nlm\.nih\.gov)"
    r"/articles/(PMC[0-9]+)/?$",
    re.I,
)
_ISN_TOKEN = re.compile(r"^([0-9Xx][0-9Xx-]{7,16})(?=$|[\s(:;])")


def _isn(text: str) -> str:
    """The ISBN/ISSN itself, without the qualifier MARC appends ("(pbk. : alk. paper)")."""
    match = _ISN_TOKEN.match(text.strip())
    return match.group(1) if match else text.strip()


def _identifiers_from_urls(record: Record) -> None:
    for url in record.urls:
        if (doi := doi_from_url(url)) and DOI_SYNTAX.fullmatch(doi):
            _add(record.doi, doi)
        elif match := _PMID_URL.match(url):
            record.pmid = record.pmid or match.group(1)
        elif match := _PMC_URL.match(url):
            record.pmcid = record.pmcid or match.group(1).upper()


def _add(target: list[str], value: str) -> None:
    if value and value not in target:
        target.append(value)


def _unique(items: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(items))


# -- subjects ---------------------------------------------------------------------------

# the tail only, searched: a pattern for the label too ("^(.*?)[.\s]*\s(lcsh|...)$")
# backtracked in quadratic time on a run of dots (80,000 of them: 19 s for one value)
_SCHEME_TAIL = re.compile(r"\s(lcsh|lcgft|gsafd|fast|aat|mesh|rbgenr|local)$")


def _subject(text: str, kind: str) -> Subject:
    """ "Domestic fiction. lcsh" -> Subject("Domestic fiction", scheme "lcsh")."""
    match = _SCHEME_TAIL.search(text)
    if match:
        label = _cut_dots(text[: match.start()]).strip()
        return Subject(label=label, kind=kind, scheme=match.group(1))  # type: ignore[arg-type]
    return Subject(label=trim_heading(text), kind=kind)  # type: ignore[arg-type]


def _cut_dots(text: str) -> str:
    """``text`` without the dots and white space it ends with, in one pass from the end."""
    end = len(text)
    while end and (text[end - 1] == "." or text[end - 1].isspace()):
        end -= 1
    return text[:end]


# -- the mapping ------------------------------------------------------------------------


def doc_to_record(doc: Mapping[str, Any], source: Source) -> Record:
    """Map one VuFind document to a Record; RecordError (located) on a bad field.

    The helpers read the fields in a fixed order, so that of two bad fields
    the same one is always reported.
    """
    where = Location(file=source.file, position=source.position)
    rid = record_id(doc, where)
    where = Location(file=source.file, position=source.position, record_id=rid)
    record = Record(id=rid, source=source)
    record.formats = _unique(values(doc, "format", where))
    _titles(record, doc, where)
    _people(record, doc, where)
    _publication(record, doc, where)
    _contents(record, doc, where)
    _identifiers(record, doc, where)
    _container(record, doc, where)
    _edition_and_series(record, doc, where)
    _holdings(record, doc, where)
    record.extra = _extra(doc, where)
    return record


def _people(record: Record, doc: Mapping[str, Any], where: Location) -> None:
    """Main authors (persons, then corporate bodies) are creators; the rest contributors."""
    record.creators = _agents(doc, "author", "author_role", "person", where)
    record.creators += _agents(doc, "author_corporate", "author_corporate_role",
                               "organization", where)
    record.contributors = _agents(doc, "author2", "author2_role", "person", where)
    record.contributors += [parse_agent(a) for a in values(doc, "author_additional", where)]


def _publication(record: Record, doc: Mapping[str, Any], where: Location) -> None:
    record.publishers = _unique(trim_isbd(p) for p in values(doc, "publisher", where))
    record.publication_places = _unique(
        trim_isbd(p) for p in values(doc, "publication_place", where))
    record.issued = first(doc, "publishDate", where)
    record.languages = _unique(values(doc, "language", where))


def _contents(record: Record, doc: Mapping[str, Any], where: Location) -> None:
    """What the work is about: subjects (topic, place, period, then genre), class numbers
    (:mod:`ld.readers.vufind_classes`), abstract, contents."""
    def v(name: str) -> list[str]:
        return values(doc, name, where)

    record.subjects = [_subject(t, "topic") for t in v("topic") + v("geographic") + v("era")]
    record.subjects += [_subject(g, "genre") for g in v("genre")]
    record.classifications = classifications(v("callnumber-a"), v("dewey-full") or v("dewey-raw"))
    record.abstracts = v("description")
    record.notes = v("contents")


def _identifiers(record: Record, doc: Mapping[str, Any], where: Location) -> None:
    """Links and identifier fields; a DOI, PMID or PMC id found only in a link counts too."""
    record.urls = _unique(values(doc, "url", where))
    record.isbn = _unique(_isn(i) for i in values(doc, "isbn", where))
    record.doi = _unique(clean_doi(d) for d in values(doc, "doi_str_mv", where))
    record.oclc = _unique(values(doc, "oclc_num", where))
    record.lccn = _unique(values(doc, "lccn", where))
    _identifiers_from_urls(record)


def _edition_and_series(record: Record, doc: Mapping[str, Any], where: Location) -> None:
    series = values(doc, "series", where) + values(doc, "series2", where)
    record.series = _unique(trim_isbd(s) for s in series)
    record.extent = values(doc, "physical", where)
    record.edition = first(doc, "edition", where)


def _holdings(record: Record, doc: Mapping[str, Any], where: Location) -> None:
    """Who holds the record and where it came from (VuFind's source record format)."""
    record.institutions = _unique(values(doc, "institution", where))
    record.buildings = _unique(values(doc, "building", where))
    record.collections = _unique(values(doc, "collection", where))
    record.record_format = first(doc, "record_format", where)


def _titles(record: Record, doc: Mapping[str, Any], where: Location) -> None:
    def t(name: str) -> str | None:
        text = first(doc, name, where)
        return trim_isbd(text) if text else None

    record.title = t("title")
    record.title_full = t("title_full")
    record.title_short = t("title_short")
    record.title_sub = t("title_sub")
    alternatives = values(doc, "title_alt", where) + values(doc, "title_old", where)
    alternatives += values(doc, "title_new", where)
    record.alternative_titles = _unique(trim_isbd(a) for a in alternatives)


def _container(record: Record, doc: Mapping[str, Any], where: Location) -> None:
    """Container fields describe the host journal; an article's ISSN is the journal's."""
    issn = _unique(_isn(i) for i in values(doc, "issn", where))
    parts = {name: first(doc, name, where) for name in (
        "container_title", "container_volume", "container_issue", "container_start_page")}
    if not any(parts.values()):
        record.issn = issn
        return
    record.container = Container(
        title=parts["container_title"], issn=issn, volume=parts["container_volume"],
        issue=parts["container_issue"], page_start=parts["container_start_page"],
    )


def _extra(doc: Mapping[str, Any], where: Location) -> dict[str, list[str]]:
    """Recognised fields without a model slot; Solr-only ones are dropped."""
    extra: dict[str, list[str]] = {}
    for name, raw in doc.items():
        if name in MAPPED or is_solr_only(name):
            continue
        items = raw if isinstance(raw, list) else [raw]
        if all(isinstance(i, _SCALARS) and not isinstance(i, bool) for i in items):
            kept = values(doc, name, where)
            if kept:
                extra[name] = kept
    return extra

"""OAI-PMH response files (ListRecords, GetRecord) read as a stream of records.

The OAI-PMH envelope is read here; what is inside each ``<metadata>`` is
handed to a converter from :mod:`ld.readers.oai_metadata` chosen by the
metadata element (oai_dc, MARCXML, oai_doaj). The harvester
(:mod:`ld.harvest`) reads every page it fetches through
:func:`read_response`, so a harvested record and a record loaded from a
saved response are the same record.

Record ids are the OAI identifiers as they are (``oai:repo:123``); the URI
scheme percent-encodes them into one path segment. The OAI identifier is the
only name a deleted record arrives with, so it has to be the record's id
whatever the metadata format.

A file that is an OAI-PMH error response, or a response without records
(Identify, ListSets, ...), raises :class:`OAIError` / InputError: a load of
such a file is a mistake worth telling, not an empty success.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import BinaryIO

from lxml import etree

from ld.errors import InputError, Location, RecordError, clipped
from ld.model import Deletion, Record, Source
from ld.readers import xmlsafe
from ld.readers.oai_metadata import CONVERTERS, Converter, clean

NAME = "oai"
DESCRIPTION = "OAI-PMH 2.0 ListRecords/GetRecord responses (oai_dc, marc21, oai_doaj)"

NS_OAI = "http://www.openarchives.org/OAI/2.0/"
_O = f"{{{NS_OAI}}}"
RECORD_VERBS = ("ListRecords", "GetRecord")
OTHER_VERBS = ("Identify", "ListSets", "ListMetadataFormats", "ListIdentifiers", "GetMetadata")

Item = Record | Deletion | RecordError


class OAIError(InputError):
    """An OAI-PMH error response (``<error code="...">``); ``code`` is the OAI code."""

    def __init__(self, code: str, text: str, location: Location, hint: str = "") -> None:
        self.code = code
        self.text = text
        detail = f": {clipped(text)}" if text else ""  # the repository's words, not all of them
        super().__init__(f"OAI-PMH error {code}{detail}", location, hint)


@dataclass
class ResponseInfo:
    """What the envelope said, for the harvester's bookkeeping."""

    response_date: str | None = None
    verb: str | None = None
    request: dict[str, str] = field(default_factory=dict)
    resumption_token: str | None = None
    complete_list_size: str | None = None
    max_datestamp: str | None = None
    records: int = 0


def sniff(head: bytes, filename: str) -> int:
    """An OAI-PMH envelope is unmistakable; a bare oai_dc record is only a guess."""
    if b"<OAI-PMH" in head and NS_OAI.encode() in head:
        return 95
    if b"http://www.openarchives.org/OAI/2.0/oai_dc/" in head and b":dc" in head:
        return 30
    return 0


def read(stream: BinaryIO, filename: str) -> Iterator[Item]:
    """Items of one response file; error and record-less responses raise InputError."""
    yield from read_response(stream, filename)


def read_response(
    stream: BinaryIO,
    filename: str,
    *,
    info: ResponseInfo | None = None,
    converters: Mapping[str, Converter] | None = None,
) -> Iterator[Item]:
    """Stream the records of one OAI-PMH response, filling ``info`` as the envelope goes by.

    Only the envelope elements reach Python (lxml filters the rest in C):
    the elements inside a record are looked at once, when the record ends.
    """
    info = info if info is not None else ResponseInfo()
    table = {**CONVERTERS, **(converters or {})}
    head, stream = xmlsafe.peek_head(stream)
    root_seen = _check_root(head, filename)
    for _event, elem in xmlsafe.iterparse(stream, filename, tags=_TAGS, records=_RECORD):
        if xmlsafe.inside(elem, _RECORD):  # an envelope tag inside a record: not the envelope's
            xmlsafe.detach(elem)
            continue
        if not root_seen:  # a prolog longer than the head hid it; the element may be it
            _check_parsed_root(elem.getroottree().getroot(), filename)
            root_seen = True
        item = _handle(elem, filename, info, table)
        if item is not None:
            yield item
    if info.verb is None:
        raise InputError("OAI-PMH response without a verb element", Location(file=filename))


_VERB_TAGS = {f"{_O}{verb}": verb for verb in (*RECORD_VERBS, *OTHER_VERBS)}
_RECORD = frozenset({f"{_O}record"})
_TAGS = (f"{_O}record", f"{_O}responseDate", f"{_O}request", f"{_O}resumptionToken",
         f"{_O}error", *_VERB_TAGS)


def _handle(elem: etree._Element, filename: str, info: ResponseInfo,
            table: Mapping[str, Converter]) -> Item | None:
    """React to the end of one envelope element; returns an item for a record."""
    tag = elem.tag
    if tag == f"{_O}record":
        if info.verb is None:
            _check_verb(_VERB_TAGS.get(elem.getparent().tag, ""), filename, info)
        info.records += 1
        item = _record_item(elem, filename, info, table)
        xmlsafe.release(elem)
        return item
    if tag in _VERB_TAGS:
        _check_verb(_VERB_TAGS[tag], filename, info)
    elif tag == f"{_O}responseDate":
        info.response_date = clean(elem.text)
    elif tag == f"{_O}request":
        info.request = dict(elem.attrib)
    elif tag == f"{_O}resumptionToken":
        info.resumption_token = clean(elem.text) or None
        info.complete_list_size = elem.get("completeListSize")
    elif tag == f"{_O}error":
        raise OAIError(elem.get("code", "unknown"), clean(elem.text), Location(file=filename),
                       hint=_ERROR_HINTS.get(elem.get("code", ""), ""))
    return None


_ERROR_HINTS = {
    "noRecordsMatch": "no records for these arguments (from/until/set)",
    "badResumptionToken": "the resumption token expired or is invalid: start the harvest again",
    "cannotDisseminateFormat": "the repository does not offer this metadataPrefix",
    "badArgument": "check the from/until dates, the set and the metadataPrefix",
}


def _check_root(head: bytes, filename: str) -> bool:
    """Refuse another document before parsing it; what is not XML is left to the parser.
    False when the head does not show the root (a long prolog)."""
    root = xmlsafe.root_name(head)
    if root is not None and (root != "OAI-PMH" or NS_OAI.encode() not in head):
        raise _not_oai(root, filename)
    return root is not None


def _check_parsed_root(root: etree._Element, filename: str) -> None:
    if root.tag != f"{_O}OAI-PMH":
        raise _not_oai(etree.QName(root).localname, filename)


def _not_oai(root: str, filename: str) -> InputError:
    return InputError(
        f"not an OAI-PMH 2.0 response: the root element is <{root}>",
        Location(file=filename),
        hint="give a ListRecords or GetRecord response, or harvest with `ldpub harvest URL`",
    )


def _check_verb(name: str, filename: str, info: ResponseInfo) -> None:
    """The element after <request> names the verb: only two of them carry records."""
    if name in RECORD_VERBS:
        info.verb = name
    elif name in OTHER_VERBS:
        raise InputError(
            f"an OAI-PMH {name} response carries no records",
            Location(file=filename),
            hint="load a ListRecords or GetRecord response, or harvest with `ldpub harvest URL`",
        )


def _record_item(
    elem: etree._Element, filename: str, info: ResponseInfo, table: Mapping[str, Converter],
) -> Item:
    """One ``<record>``: a Deletion, a Record, or a RecordError saying why not."""
    position = f"record {info.records}"
    header = elem.find(f"{_O}header")
    identifier = clean(header.findtext(f"{_O}identifier")) if header is not None else ""
    where = Location(file=filename, position=position, record_id=identifier or None)
    if not identifier:
        return RecordError("OAI-PMH record without a header identifier", where,
                           hint="the repository sent a malformed record")
    stamp = clean(header.findtext(f"{_O}datestamp")) or None
    if stamp and (info.max_datestamp is None or stamp > info.max_datestamp):
        info.max_datestamp = stamp
    source = Source(file=filename, position=position, format=NAME)
    if header.get("status") == "deleted":
        return Deletion(id=identifier, source=source)
    return _convert(elem, identifier, source, where, table)


def _convert(
    elem: etree._Element, identifier: str, source: Source, where: Location,
    table: Mapping[str, Converter],
) -> Record | RecordError:
    """Hand the metadata to the converter its root element names; unknown ones are refused."""
    metadata = elem.find(f"{_O}metadata")
    content = [c for c in metadata if isinstance(c.tag, str)] if metadata is not None else []
    if not content:
        return RecordError("OAI-PMH record has no metadata and is not marked deleted", where)
    converter = table.get(content[0].tag)
    if converter is None:
        known = ", ".join(sorted(table))
        return RecordError(
            f"metadata format {content[0].tag} is not supported",
            Location(where.file, where.position, where.record_id, "metadata"),
            hint=f"supported: {known}; harvest with --metadata-prefix oai_dc or marc21",
        )
    try:
        xmlsafe.refuse_unresolved(content[0], where)
        record = converter(content[0], identifier, source)
    except RecordError as exc:
        return exc
    _keep_header(record, elem)
    return record


def _keep_header(record: Record, elem: etree._Element) -> None:
    """Sets and the datestamp are worth keeping for debugging; the model has no slot."""
    header = elem.find(f"{_O}header")
    sets = [clean(s.text) for s in header.iterfind(f"{_O}setSpec") if clean(s.text)]
    if sets:
        record.extra["oai_set"] = list(dict.fromkeys(sets))
    if stamp := clean(header.findtext(f"{_O}datestamp")):
        record.extra["oai_datestamp"] = [stamp]

"""MARCXML reader: a <collection> of records or a single <record>, streamed.

Each <record> element is turned into a ``pymarc.Record`` and mapped by the
same crosswalk as binary MARC (:func:`ld.readers.marc.from_pymarc`), then
freed, so memory stays flat however long the collection is. Parsing goes
through :mod:`ld.readers.xmlsafe` (no DTD, no entities, no network).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import BinaryIO

import pymarc
from lxml import etree
from pymarc import Indicators, Subfield

from ld.errors import Location, ParseError, RecordError
from ld.model import Record, Source
from ld.readers import xmlsafe
from ld.readers.marc import from_pymarc
from ld.readers.marc_fields import WrongForm, control_tag, field
from ld.readers.xml_text import local

NAME = "marcxml"
DESCRIPTION = "MARCXML (MARC 21 slim), a <collection> or a single <record>"

MARC_NS = "http://www.loc.gov/MARC21/slim"
RECORD_TAGS = (f"{{{MARC_NS}}}record", "record")


def sniff(head: bytes, filename: str) -> int:
    """Sure when the root is a MARC collection/record in the MARC21 slim namespace."""
    root = xmlsafe.root_name(head)
    if root not in ("collection", "record"):
        return 0
    if MARC_NS.encode() in head:
        return 95
    return 70 if b"<leader" in head and b"<controlfield" in head else 10


def read(stream: BinaryIO, filename: str) -> Iterator[Record | RecordError]:
    """One Record or RecordError per <record>; a syntax error raises ParseError."""
    root, stream = xmlsafe.open_document(stream, filename)
    if root not in ("collection", "record"):
        raise _wrong_root(root, filename)
    head, stream = xmlsafe.peek_head(stream)
    _check_namespace(head, filename)
    number = 0
    for _event, element in xmlsafe.iterparse(stream, filename, tags=RECORD_TAGS):
        parent = element.getparent()
        if parent is not None and local(parent.tag) == "record":
            continue  # a <record> nested inside a record is not a MARC record
        number += 1
        position = f"record {number} (line {element.sourceline})"
        yield _map(element, Source(file=filename, position=position, format=NAME))
        xmlsafe.release(element)


def _wrong_root(root: str | None, filename: str) -> ParseError:
    return ParseError(
        f"not MARCXML: the root element is <{root}>, expected <collection> or <record>",
        Location(file=filename, position="line 1"),
        hint="pass the right --format, or check the file",
    )


def _check_namespace(head: bytes, filename: str) -> None:
    """Refuse a root outside the MARC 21 slim namespace (or none).

    Records are matched by their namespaced tag, so a collection in another
    namespace ("slimX", a typo) or with an undeclared prefix would otherwise
    read as zero records and "all valid": a file error says what is wrong.
    """
    tag, line = _root_tag(head)
    problem = _namespace_problem(tag) if tag else None
    if problem:
        raise ParseError(
            f"not MARCXML: {problem}; MARCXML is in the namespace {MARC_NS!r} (or in none)",
            Location(file=filename, position=f"line {line}"),
            hint=f'declare xmlns="{MARC_NS}" on the root element, or pass the right --format',
        )


def _namespace_problem(tag: str) -> str | None:
    """What is wrong with the root's Clark-notation tag, or None when it is MARCXML's."""
    namespace, _, local = tag[1:].partition("}") if tag.startswith("{") else ("", "", tag)
    if namespace == MARC_NS or (not namespace and ":" not in local):
        return None
    if not namespace:  # lxml keeps an undeclared "prefix:name" as the name
        prefix = local.partition(":")[0]
        return f"the root element <{local}> uses the prefix {prefix!r} without declaring it"
    return f"the root element <{local}> is in the namespace {namespace!r}"


def _root_tag(head: bytes) -> tuple[str | None, int]:
    """(Clark-notation tag, line) of the root element, from the file's first bytes."""
    parser = etree.XMLPullParser(events=("start",), **xmlsafe.PARSER_OPTIONS)
    try:
        parser.feed(head)
    except etree.XMLSyntaxError:
        return None, 0  # the streaming parse reports it, located
    for _event, element in parser.read_events():
        return str(element.tag), element.sourceline or 1
    return None, 0


def _map(element: etree._Element, source: Source) -> Record | RecordError:
    try:
        if xmlsafe.entity_references(element):  # rare: the error, located (no Location else)
            xmlsafe.refuse_unresolved(element, Location(file=source.file, position=source.position))
        return from_pymarc(to_pymarc(element), source)
    except RecordError as exc:
        return exc
    except WrongForm as exc:
        return RecordError(str(exc), Location(file=source.file, position=source.position,
                                              field=exc.field),
                           hint=f"the record was skipped; {exc.hint}, and load the file again")
    except ValueError as exc:
        return RecordError(
            f"unusable MARCXML record: {exc}",
            Location(file=source.file, position=source.position),
            hint="the record was skipped; fix it and load the file again",
        )
    except (TypeError, AttributeError, IndexError, KeyError) as exc:  # costs this record only
        return RecordError(
            f"cannot read this record ({type(exc).__name__}: {exc}); this is a bug in "
            "ldpub's MARC reader, please report it",
            Location(file=source.file, position=source.position),
            hint="the record was skipped; the file's other records were read",
        )


_NAMES = {f"{{{MARC_NS}}}{n}": n for n in ("leader", "controlfield", "datafield", "subfield")}
_NAMES.update({n: n for n in ("leader", "controlfield", "datafield", "subfield")})
_SUBFIELD = frozenset((f"{{{MARC_NS}}}subfield", "subfield"))
_tuple = tuple.__new__


def to_pymarc(element: etree._Element) -> pymarc.Record:
    """A pymarc.Record from a MARCXML <record> element (namespaced or not); its fields
    made by :func:`ld.readers.marc_fields.field`, as ``pymarc.Field`` makes them."""
    record = pymarc.Record()
    fields = record.fields
    for child in element:
        name = _NAMES.get(child.tag)
        if name == "datafield":
            fields.append(_datafield(child))
        elif name == "controlfield":
            fields.append(field(_formed_tag(child, control=True), data=child.text or ""))
        elif name == "leader":
            record.leader = pymarc.Leader((child.text or "").ljust(24)[:24])
    return record


def _tag(element: etree._Element) -> str:
    tag = (element.get("tag") or "").strip()
    if len(tag) != 3:
        raise ValueError(f"line {element.sourceline}: field tag {tag!r} is not 3 characters")
    return tag


def _formed_tag(element: etree._Element, control: bool) -> str:
    """The element's tag, refused (:class:`WrongForm`) when it is numeric and its element
    is the other form: tags of letters ("FMT", "CAT") are local and free."""
    tag = _tag(element)
    if not tag.isdigit() or control_tag(tag) == control:
        return tag
    line = element.sourceline
    if control:
        raise WrongForm(f"field {tag} is a data field (indicators and subfields) but is "
                        f"written as a <controlfield> (line {line}): its text would be lost",
                        tag, f'write it as <datafield tag="{tag}"> with its subfields')
    raise WrongForm(f"field {tag} is a control field (text at fixed positions) but is written "
                    f"as a <datafield> with indicators and subfields (line {line})",
                    tag, f'write it as <controlfield tag="{tag}">, its text without subfields')


def _datafield(element: etree._Element) -> pymarc.Field:
    # Subfields and Indicators made as marc_fields.subfield makes them and as pymarc makes
    # Indicators, without a call each: this runs for every subfield of every record
    subfields = [_tuple(Subfield, ((sub.get("code") or " ")[:1], sub.text or ""))
                 for sub in element if sub.tag in _SUBFIELD]
    marks = _tuple(Indicators, ((element.get("ind1") or " ")[:1], (element.get("ind2") or " ")[:1]))
    return field(_formed_tag(element, control=False), marks, subfields)

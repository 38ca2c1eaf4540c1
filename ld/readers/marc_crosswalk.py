"""MARC 21 bibliographic -> Record: the Library of Congress MARC to Dublin Core
crosswalk, extended with BIBO-level detail where MARC has more.

One function, :func:`from_pymarc`, used by the binary MARC reader, the
MARCXML reader and the OAI-PMH harvester (``marc21`` metadata), so a record
reads the same whichever way it arrived.

Record id: the 001 control number, trimmed (VuFind indexes 001 as its Solr
``id``, so a record loaded from MARC and from VuFind JSON meets on one id);
when 001 is missing, the first 035 system number as written
("(OCoLC)12345"); with neither, the record is rejected.
"""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict

import pymarc

from ld.errors import Location, RecordError
from ld.model import Record, Source, Subject
from ld.readers.marc_agents import agents
from ld.readers.marc_classes import classifications
from ld.readers.marc_codes import (
    OBSOLETE_LANGUAGES,
    authority_iri,
    formats,
    host_item,
    ids_from_url,
    subject_scheme,
)
from ld.readers.marc_fields import subfield
from ld.readers.marc_identifiers import identifiers, series_issn, subfield_values
from ld.readers.marc_imprint import imprint
from ld.readers.marc_linkage import (
    Scripts,
    in_original_script,
    in_original_scripts,
    original_scripts,
    with_original_scripts,
)
from ld.readers.marc_notes import notes, series
from ld.readers.marc_relations import linking_entries
from ld.readers.marc_text import WORK_PARTS, add_new, clean
from ld.readers.marc_titles import titles

__all__ = ["clean", "from_pymarc"]


def from_pymarc(rec: pymarc.Record, source: Source) -> Record:
    """Map one pymarc Record; raises RecordError when it has no usable id."""
    tags = _by_tag(rec)
    record = Record(id=_record_id(tags, source), source=source, record_format="marc")
    f008 = (tags["008"][0].data or "") if tags.get("008") else ""  # None: a 008 with subfields
    leader = str(rec.leader)
    scripts = original_scripts(tags)  # the 880s, once: names and imprints pair with them
    identifiers(record, tags)
    titles(record, tags)
    agents(record, tags, scripts)
    _imprint(record, tags, f008, scripts)
    _description(record, tags, scripts)
    _series(record, tags, scripts, leader)
    _subjects(record, tags, scripts)
    classifications(record, tags)
    _host(record, tags, leader)
    linking_entries(record, tags)  # 760-787 but 773: other editions, forms, relations
    _languages(record, tags, f008)
    record.formats = _formats(leader, f008, tags)
    return record


def _by_tag(rec: pymarc.Record) -> dict[str, list[pymarc.Field]]:
    """The record's fields by tag, in order, data fields' subfields in NFC (loops, no
    generator or call per field: this runs for every field of every record)."""
    tags: dict[str, list[pymarc.Field]] = defaultdict(list)
    for fld in rec.fields:
        for _code, value in [] if fld.control_field else fld.subfields:
            if not value.isascii() and not unicodedata.is_normalized("NFC", value):
                _to_nfc(fld)  # ASCII is NFC: most subfields need no look
                break
        tags[fld.tag].append(fld)
    return tags


def _host(record: Record, tags: dict[str, list[pymarc.Field]], leader: str) -> None:
    """773 (host item entry): the container, its related parts ($g) kept in ``extra``.
    A journal only when the host is a serial: the record is a serial component part
    (Leader/07 b), or the 773 gives the host's ISSN ($x) or says its bibliographic level
    is serial ($7/3 s). Otherwise (a monograph in an LC collection, a chapter in a book:
    Leader/07 a is a monographic component part) it is a host that is no journal."""
    host = tags.get("773", [])
    if host:
        record.container, related = host_item(host[0])
        record.container.serial = (leader[7:8] == "b" or bool(host[0].get_subfields("x"))
                                   or (host[0].get("7") or "")[3:4] == "s")
        if related:
            record.extra["773g"] = [related]


def _formats(leader: str, f008: str, tags: dict[str, list[pymarc.Field]]) -> list[str]:
    """Format labels from the Leader and 008, told of thesis notes, conferences and 245 $h."""
    return formats(leader, f008, has_thesis_note="502" in tags,
                   has_conference="111" in tags or "711" in tags,
                   gmd=" ".join(f.get("h", "") for f in tags.get("245", [])))


def _to_nfc(fld: pymarc.Field) -> None:
    """Compose decomposed accents (UTF-8 MARC often has e + U+0301): RDF literals want NFC,
    and the same name must compare equal across sources."""
    fld.subfields = [subfield(code, unicodedata.normalize("NFC", value))
                     for code, value in fld.subfields]


def _record_id(tags: dict[str, list[pymarc.Field]], source: Source) -> str:
    for fld in tags.get("001", []):
        if fld.data and fld.data.strip():
            return fld.data.strip()
    for fld in tags.get("035", []):
        value = (fld.get("a") or "").strip()
        if value:
            return value
    raise RecordError(
        "no record id: neither a 001 control number nor a 035 $a system number",
        Location(file=source.file, position=source.position, field="001"),
        hint="give the record a 001 control number",
    )


def _imprint(record: Record, tags: dict[str, list[pymarc.Field]], f008: str,
             scripts: Scripts) -> None:
    """Imprint, then the first 250 with its remainder $b in ISBD form ("2nd ed. /
    revised by Paul Martin"; a final period kept where it may end "ed.", not after a
    bracket: "[et al.]."), and 300s."""
    imprint(record, tags, f008, scripts)
    for fld in tags.get("250", [])[:1]:
        record.edition = _edition(fld)
        original = in_original_script(fld, scripts)
        add_new(record.alt_editions, _edition(original) if original else None)
    for fld in tags.get("300", []):
        add_new(record.extent, fld.value().strip())


def _edition(fld: pymarc.Field) -> str | None:
    edition = clean(" ".join(fld.get_subfields("a", "b")), keep_dot=True)
    return edition.removesuffix(".") if edition.endswith("].") else edition or None


def _description(record: Record, tags: dict[str, list[pymarc.Field]],
                 scripts: Scripts) -> None:
    notes(record, with_original_scripts(tags, scripts, "5"))
    for fld in tags.get("856", []):
        label = _link_label(fld)
        for url in fld.get_subfields("u"):
            add_new(record.urls, url.strip())
            if label and url.strip():
                record.link_labels.setdefault(url.strip(), label)
            doi, pmcid, pmid = ids_from_url(url.strip())
            add_new(record.doi, doi)
            record.pmcid, record.pmid = record.pmcid or pmcid, record.pmid or pmid
    for value in subfield_values(tags.get("856", []), "x"):
        record.extra.setdefault("856x", []).append(value)


def _series(record: Record, tags: dict[str, list[pymarc.Field]], scripts: Scripts,
            leader: str) -> None:
    """Series statements, a monograph's 022 ISSNs put in them, then the statements in their
    original scripts (880): an ISSN goes into a statement, never into its 880 copy, the
    same series again (review12 L11)."""
    series(record, tags)
    series_issn(record, leader)
    series(record, in_original_scripts(tags, scripts, "48"))


def _link_label(fld: pymarc.Field) -> str | None:
    """What an 856 links to, in words: its materials specified ($3, "Table of contents",
    "Vol. 1") and link text ($y, "PDF"), "Vol. 1: PDF" when both say something."""
    parts = [clean(fld.get(code) or "") for code in ("3", "y")]
    return ": ".join(dict.fromkeys(p for p in parts if p)) or None


def _subjects(record: Record, tags: dict[str, list[pymarc.Field]], scripts: Scripts) -> None:
    for tag in ("600", "610", "611", "630", "648", "650", "651", "653", "655"):
        for fld in tags.get(tag, []):
            _subject(record, fld, in_original_script(fld, scripts))


def _subject(record: Record, fld: pymarc.Field, original: pymarc.Field | None) -> None:
    """One heading, once per scheme and label; the same heading in its original script
    (its 880) is that subject's other label (explore12 marc M4)."""
    tag = fld.tag
    label = _heading(fld, tag)
    if not label:
        return
    scheme = "keyword" if tag == "653" else subject_scheme(fld.indicator2, fld.get("2"))
    subject = next((s for s in record.subjects if s.label == label and s.scheme == scheme), None)
    if subject is None:
        iri = next((i for i in map(authority_iri, fld.get_subfields("0", "1")) if i), None)
        kind = "genre" if tag == "655" else "topic"
        subject = Subject(label=label, kind=kind, scheme=scheme, iri=iri)
        record.subjects.append(subject)
    if original is not None and (other := _heading(original, tag)) != label:
        add_new(subject.alt_labels, other)


def _heading(fld: pymarc.Field, tag: str) -> str:
    """A heading as one label, its subdivisions after " -- "; ``tag`` is the 6XX's (an
    880 gives it again)."""
    return " -- ".join(clean(" ".join(group)) for group in _heading_groups(fld, tag)).strip(" -")


# main-heading subfields beyond a-d, q, t: a work's part, form, language, medium, arrangement,
# key and version (a name-title heading's $f $k $l $m $o $r $s: "Shakespeare, William,
# 1564-1616. Hamlet. French", explore12 marc L9), a meeting's part and its subordinate unit
# ($e, a relator term in 600/610, as $j is in 611)
_MAIN = "abcdqt"
_HEADING_CODES = {"600": _MAIN + WORK_PARTS, "610": _MAIN + WORK_PARTS,
                  "611": _MAIN + "efklnps", "630": _MAIN + WORK_PARTS}


def _heading_groups(fld: pymarc.Field, tag: str) -> list[list[str]]:
    """Main heading (a-t) then each subdivision (v, x, y, z) as its own group."""
    groups: list[list[str]] = [[]]
    main = _HEADING_CODES.get(tag, _MAIN)
    for sub in fld.subfields:
        if sub.code in "vxyz":
            groups.append([sub.value])
        elif sub.code in main:
            groups[0].append(sub.value)
    return [g for g in groups if g]


_LANGUAGE_CODE = re.compile(r"[a-z]{3}")


def _languages(record: Record, tags: dict[str, list[pymarc.Field]], f008: str) -> None:
    """008/35-37, then every 041 $a/$d code (041 may run codes together: "engfre")."""
    codes = [f008[35:38]] if len(f008) >= 38 else []
    for fld in tags.get("041", []):
        if fld.get("2"):
            continue  # a non-MARC code list: kept out rather than misread
        for value in fld.get_subfields("a", "d"):
            value = value.strip()
            codes += [value[i:i + 3] for i in range(0, len(value) - 2, 3)]
    for code in (c.strip().lower() for c in codes):
        if _LANGUAGE_CODE.fullmatch(code):
            if code in OBSOLETE_LANGUAGES:
                record.extra.setdefault("language_as_written", []).append(code)
            add_new(record.languages, OBSOLETE_LANGUAGES.get(code, code))

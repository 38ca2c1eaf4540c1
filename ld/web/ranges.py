"""Which part of a file a Range request gets (RFC 9110 §14): dumps, sitemaps, static files.

werkzeug's own reading of ``Range`` answered 416 for requests RFC 9110 says
to ignore or to serve: a unit other than bytes (``items=0-5``, which a
server MUST ignore, §14.2), several ranges (``bytes=0-1,5-9``, which it may
serve whole) and any range-set it could not parse; and it matched If-Range
with a weak entity tag (§13.1.5 compares strongly). Here the request is
judged first; werkzeug is then shown at most one plain byte range, which it
serves as a 206 (its file wrapper seeks instead of reading the skipped part).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from werkzeug.exceptions import RequestedRangeNotSatisfiable
from werkzeug.http import parse_date

_SPEC = re.compile(r"([0-9]*)-([0-9]*)")
Span = tuple[int, int]  # [start, stop) in bytes


def requested(environ: Mapping[str, Any], etag: str | None, weak: bool,
              modified: datetime | None, length: int | None) -> Span | None:
    """The one byte range to send (a 206), or None to send the whole (a 200): no Range,
    an If-Range that does not hold, another unit, an invalid range-set, or several
    ranges (served whole: §14.2 allows it, and one part needs no multipart body).
    Raises :class:`RequestedRangeNotSatisfiable` (416, ``Content-Range: bytes */N``)
    when no range overlaps the file."""
    raw = environ.get("HTTP_RANGE")
    if not raw or not length or not _if_range_holds(environ.get("HTTP_IF_RANGE"), etag,
                                                    weak, modified):
        return None
    spans = _byte_ranges(raw)
    if spans is None:
        return None
    satisfiable = [s for s in (_within(span, length) for span in spans) if s is not None]
    if not satisfiable:
        raise RequestedRangeNotSatisfiable(length=length, units="bytes")
    return satisfiable[0] if len(satisfiable) == 1 else None


def _if_range_holds(value: str | None, etag: str | None, weak: bool,
                    modified: datetime | None) -> bool:
    """If-Range (§13.1.5): absent, or a strong entity tag equal to the current (strong)
    one, or exactly the Last-Modified date (``modified``, in whole seconds); a weak
    tag never holds."""
    if value is None:
        return True
    value = value.strip()
    if value.startswith(("W/", '"')):
        return not weak and etag is not None and value == f'"{etag}"'
    since = parse_date(value)
    return since is not None and modified is not None and since == modified


def _byte_ranges(value: str) -> list[tuple[int | None, int | None]] | None:
    """``bytes=a-b, c-, -n`` as (first, last) pairs (None where left out), or None when
    the unit is not bytes or the range-set is invalid (both are ignored, §14.2)."""
    unit, equals, ranges = value.partition("=")
    if not equals or unit.strip().lower() != "bytes":
        return None
    found: list[tuple[int | None, int | None]] = []
    for item in (i.strip(" \t") for i in ranges.split(",")):
        if not item:
            continue  # an empty element of a list (RFC 9110 §5.6.1)
        match = _SPEC.fullmatch(item)
        if match is None or not any(match.groups()):
            return None
        first, last = (int(g) if g else None for g in match.groups())
        if first is not None and last is not None and last < first:
            return None
        found.append((first, last))
    return found or None


def _within(spec: tuple[int | None, int | None], length: int) -> Span | None:
    """The bytes ``spec`` names in a file of ``length`` bytes; None if it names none."""
    first, last = spec
    if first is None:  # a suffix: the last ``last`` bytes
        return (max(0, length - last), length) if last else None
    if first >= length:
        return None
    return first, length if last is None else min(last + 1, length)


"""What a JSON byte stream must not hold when ijson's C backend parses it.

ijson (yajl2_c) fails in three ways that nothing can catch afterwards, so the
bytes are looked at before it sees them:

* nesting: every event carries its whole prefix ("item.item.item..."), so
  memory grows with the square of the depth (a 200 KB file of ``[`` took
  23 GB). No record nests more than a few levels (a Solr response with its
  documents' lists: 4): deeper than :data:`MAX_DEPTH` stops the file;
* numbers, read exactly (``use_float=False``: a 20-digit OCLC number is an
  int, not an "integer overflow"): an integer longer than Python converts
  (:data:`MAX_DIGITS`) segfaults the backend, which does not check the
  failed conversion; such a number stops the file too;
* lone UTF-16 surrogates (``"\\udfff"``): yajl writes them as bytes that are
  not UTF-8 (ijson then raises mid-stream) or as "?" (a title silently
  changed). They are rewritten in place as ``\\ufffd``, the replacement
  character the mapping also puts for a lone surrogate that ``json`` reads;
  the escape has the same length, so byte offsets do not move.

The scan costs a few C passes per chunk (``translate``, ``replace``, two
regular expressions with a literal start), about 2 ms a MB (reading a Solr
response costs some 28); only a chunk that may break a limit is walked byte
by byte, to name the exact byte. An
escape sequence cut by the chunk's end waits for the next chunk, so every
chunk starts outside any escape.
"""

from __future__ import annotations

import re
import sys
from itertools import accumulate

MAX_DEPTH = 256
MAX_DIGITS = sys.get_int_max_str_digits() or 4300

_QUOTING = re.compile(rb'\\[\\"]')  # the escapes that decide where a string ends
_SURROGATE_HINT = re.compile(rb"\\u[dD][89a-fA-F]")
_SURROGATE = re.compile(
    rb"(\\*)\\u[dD](?:[89abAB][0-9a-fA-F]{2}(?:\\u[dD][c-fC-F][0-9a-fA-F]{2})?"
    rb"|[c-fC-F][0-9a-fA-F]{2})")
_HIGH = re.compile(rb"\\u[dD][89abAB][0-9a-fA-F]{2}")
_REPLACEMENT = b"\\ufffd"
_MARKS = (bytes.maketrans(b"{}", b"[]"), bytes(c for c in range(256) if c not in b'"[]{}'))
_DIGIT_RUNS = bytes.maketrans(b"0123456789", b"0" * 10)
_TOO_LONG = b"0" * (MAX_DIGITS + 1)
_PASSES = 16
_KEEP = 12  # the longest escape that may change with what follows: a surrogate pair


class Limit(Exception):
    """A limit broken at ``index`` of the bytes handed back (negative: the number began
    in an earlier chunk)."""

    def __init__(self, index: int, message: str) -> None:
        super().__init__(message)
        self.index = index
        self.message = message


class Guard:
    """Follows one JSON stream chunk by chunk: in a string or not, depth, digit run."""

    def __init__(self) -> None:
        self.in_string = False
        self.depth = 0
        self.digits = 0  # the digit run (outside strings) the last chunk ended with
        self._held = b""

    def check(self, data: bytes, final: bool = False) -> tuple[bytes, Limit | None]:
        """The bytes that may go to ijson now, and the limit they break, if any.

        With a Limit, only the bytes before it are handed back. Without one,
        an unfinished escape at the end waits for the next call (``final``:
        none will come, hand back everything).
        """
        data = self._held + data
        cut = len(data) if final else _escape_start(data)
        data, self._held = mend_surrogates(data[:cut]), data[cut:]
        start = (self.in_string, self.depth, self.digits)
        if self._may_break(data):
            limit = _walk(data, *start)
            if limit is not None:
                self._held = b""
                return data[:max(0, limit.index)], limit
        return data, None

    def _may_break(self, data: bytes) -> bool:
        """Move the state past ``data``; True when a limit may be broken inside it."""
        start, carried = self.depth, self.digits
        brackets = self._brackets(data)
        opens = brackets.count(b"[")
        self.depth = max(0, start + 2 * opens - len(brackets))
        deep = start + opens > MAX_DEPTH and start + _peak(brackets) > MAX_DEPTH
        runs = data.translate(_DIGIT_RUNS)
        lead = len(runs) - len(runs.lstrip(b"0"))
        trailing = len(runs) - len(runs.rstrip(b"0"))
        if self.in_string:
            self.digits = 0
        else:
            self.digits = carried + trailing if trailing == len(runs) else trailing
        return deep or carried + lead > MAX_DIGITS or _TOO_LONG in runs

    def _brackets(self, data: bytes) -> bytes:
        """The brackets of ``data`` outside strings, in order, braces as "[" and "]"."""
        if b"\\" in data:
            data = _QUOTING.sub(b"", data)
        marks = data.translate(*_MARKS)
        if self.in_string:
            end = marks.find(b'"')
            if end < 0:
                return b""
            marks, self.in_string = marks[end + 1:], False
        while b'""' in marks:  # a string without brackets; removing a pair keeps the parity
            marks = marks.replace(b'""', b"")
        if b'"' in marks:
            parts = marks.split(b'"')
            marks, self.in_string = b"".join(parts[::2]), len(parts) % 2 == 0
        return marks


def _escape_start(data: bytes) -> int:
    """Where an escape sequence that may go on in the next chunk starts, else
    ``len(data)``: the first escape in the last few bytes, or the high surrogate
    right before it (its low may be that escape)."""
    pos = max(0, len(data) - _KEEP)
    while (found := data.find(b"\\", pos)) >= 0 and not _escapes(data, found):
        pos = found + 1
    cut = len(data) if found < 0 else found
    high = cut - len(_REPLACEMENT)
    if high >= 0 and _HIGH.fullmatch(data, high, cut) and _escapes(data, high):
        return high
    return cut


def _escapes(data: bytes, index: int) -> bool:
    """True when the backslash at ``index`` starts an escape: the backslashes right
    before it (escaping each other in pairs) are even in number."""
    return (index - len(data[:index].rstrip(b"\\"))) % 2 == 0


def mend_surrogates(data: bytes) -> bytes:
    """``data`` with every lone surrogate escape written as ``\\ufffd`` (same length)."""
    if _SURROGATE_HINT.search(data) is None:  # nearly always
        return data
    mended: bytearray | None = None
    pos = 0
    while (match := _SURROGATE.search(data, pos)) is not None:
        start = match.start() + len(match.group(1))
        if len(match.group(1)) % 2:  # "\\ud800" is a backslash, then text
            pos = start + 1
        elif match.end() - start == 2 * len(_REPLACEMENT):  # a high and a low: one character
            pos = match.end()
        else:
            mended = mended if mended is not None else bytearray(data)
            mended[start:start + len(_REPLACEMENT)] = _REPLACEMENT
            pos = start + len(_REPLACEMENT)
    return bytes(mended) if mended is not None else data


def _peak(brackets: bytes) -> int:
    """The most brackets open at once, from above. Innermost pairs go first, a level a
    pass (records nest a few levels: a few passes); past ``_PASSES``, what is left is
    counted out, so a deep document costs linear time, not a pass per level."""
    for passes in range(_PASSES):
        if b"[]" not in brackets:
            return brackets.count(b"[") + passes
        brackets = brackets.replace(b"[]", b"")
    return _PASSES + max(accumulate(1 if byte == 0x5B else -1 for byte in brackets), default=0)


def _walk(data: bytes, in_string: bool, depth: int, digits: int) -> Limit | None:
    """The first limit ``data`` breaks, byte by byte (only for a chunk that may)."""
    escaped = False
    for index, byte in enumerate(data):
        if in_string:
            if escaped:
                escaped = False
            elif byte == 0x5C:
                escaped = True
            elif byte == 0x22:
                in_string = False
            continue
        if 0x30 <= byte <= 0x39:
            digits += 1
            if digits > MAX_DIGITS:
                return Limit(index - digits + 1, f"a number with more than {MAX_DIGITS:,} "
                             "digits (more than Python reads; no record holds one)")
            continue
        digits = 0
        if byte == 0x22:
            in_string = True
        elif byte in b"[{":
            depth += 1
            if depth > MAX_DEPTH:
                return Limit(index, f"JSON nested more than {MAX_DEPTH} levels deep "
                             "(no record nests so deep)")
        elif byte in b"]}":
            depth = max(0, depth - 1)
    return None

"""The reader registry: pick a reader by content, open files, stream items.

Every reader module ``ld/readers/<name>.py`` exposes ``NAME``,
``DESCRIPTION``, ``sniff(head, filename) -> int`` (0-100) and
``read(stream, filename) -> Iterator[Item]``. Modules are listed by name in
:data:`READER_MODULES` and imported lazily, so a reader whose optional
dependency is missing does not break the others, and adding a reader is a
one-line edit here.

The format is chosen by CONTENT: each reader scores the first
:data:`HEAD_SIZE` bytes (already gunzipped); the file name only breaks a tie
(readers may add a few points for a matching extension, and on an exact tie
the reader whose extension matches wins; a module may declare its own
``EXTENSIONS`` tuple). ``format=`` overrides detection.
"""

from __future__ import annotations

import gzip
import importlib
import io
import logging
import sys
import zlib
from collections.abc import Iterator
from types import ModuleType
from typing import BinaryIO

from ld.errors import InputError, Location, ParseError, RecordError, UnknownFormatError
from ld.model import Deletion, Record

Item = Record | Deletion | RecordError

READER_MODULES: tuple[str, ...] = (
    "vufind_json",
    "vufind_text",
    "marc",
    "marcxml",
    "pubmed",
    "jats", "medline", "marcjson",
    "oai",
)

LOG = logging.getLogger("ldpub.readers")
HEAD_SIZE = 64 * 1024
# One record's bytes at most, in every JSON and XML reader: no catalogue record comes near
# (a MARC record cannot pass 99,999 bytes); a larger one is a broken or hostile file (a
# 0.5 MB gzip of one 512 MB value held the loader for minutes). Read when a file is read.
MAX_RECORD_BYTES = 64 * 1024 * 1024
MIN_CONFIDENCE = 20  # below this a reader is only guessing
GZIP_MAGIC = b"\x1f\x8b"

_EXTENSIONS: dict[str, tuple[str, ...]] = {
    "vufind-json": (".json", ".jsonl", ".ndjson", ".http"),
    "vufind-text": (".txt",),
    "marc": (".mrc", ".marc"),
    "marcxml": (".xml", ".marcxml"),
    "pubmed": (".xml",),
    "oai": (".xml",),
}


def _modules() -> list[ModuleType]:
    """Import the reader modules that exist; a missing one is simply absent."""
    found = []
    for name in READER_MODULES:
        try:
            found.append(importlib.import_module(f"{__name__}.{name}"))
        except ModuleNotFoundError as exc:
            if exc.name != f"{__name__}.{name}":
                raise  # the module exists but one of its imports is missing: say so
    return found


def readers() -> dict[str, ModuleType]:
    """Reader NAME -> module, in registry order."""
    return {mod.NAME: mod for mod in _modules()}


def reader_names() -> list[str]:
    return list(readers())


def _strip_suffixes(filename: str) -> str:
    name = filename.lower()
    return name[:-3] if name.endswith(".gz") else name


def detect_format(head: bytes, filename: str) -> str:
    """The NAME of the reader most confident about ``head``.

    Raises UnknownFormatError naming the file and listing the formats when
    no reader is at least :data:`MIN_CONFIDENCE` sure.
    """
    if not head.strip() and len(head) < HEAD_SIZE:  # a full head of white space: read on
        raise UnknownFormatError("the file is empty", Location(file=filename),
                                 hint="nothing to read")
    name = _strip_suffixes(filename)
    scored = []
    for mod in _modules():
        score = int(mod.sniff(head, filename))
        extensions = getattr(mod, "EXTENSIONS", None) or _EXTENSIONS.get(mod.NAME, ())
        ext_match = name.endswith(tuple(extensions))
        scored.append((score, ext_match, mod.NAME))
    scored.sort(key=lambda s: (s[0], s[1]), reverse=True)
    if not scored or scored[0][0] < MIN_CONFIDENCE:
        raise UnknownFormatError(
            "no reader recognises this content",
            Location(file=filename),
            hint=f"formats: {', '.join(reader_names())}; pass --format to choose one",
        )
    return scored[0][2]


def _reader(fmt: str, filename: str) -> ModuleType:
    table = readers()
    if fmt not in table:
        raise UnknownFormatError(
            f"unknown format {fmt!r}",
            Location(file=filename),
            hint=f"formats: {', '.join(table)}",
        )
    return table[fmt]


def peekable(stream: BinaryIO, filename: str = "-") -> io.BufferedReader:
    """A buffered view of ``stream`` whose first HEAD_SIZE bytes can be peeked.

    Every raw read fills the whole buffer (or reaches the end), so peek()
    sees a full head even on pipes and gzip streams that return short reads.
    """
    if isinstance(stream, io.BufferedReader) and isinstance(stream.raw, _FillingRaw):
        return stream
    return io.BufferedReader(_FillingRaw(stream, filename), buffer_size=HEAD_SIZE)


class _FillingRaw(io.RawIOBase):
    """A raw stream over anything with ``read(n)``; reads until the buffer is full.

    For a gzip layer, corrupt or truncated data becomes a located ParseError,
    raised only once the bytes decompressed before it have been handed out,
    so the records before the cut are kept: GzipFile.read(n) would drop what
    it had decompressed in that call (read1 returns it), and so would
    BufferedReader.read(n), which calls readinto until it has n bytes or an
    end: after those bytes comes one end (0), then the error.
    """

    def __init__(self, stream: BinaryIO, filename: str, compressed: bool = False) -> None:
        self._stream = stream
        self._filename = filename
        self._compressed = compressed
        self._done = 0
        self._error: ParseError | None = None
        self._end_first = False  # the bytes before the error went out: one end, then it

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:  # type: ignore[no-untyped-def]
        if self._error is not None:
            if self._end_first:
                self._end_first = False
                return 0
            raise self._error
        view = memoryview(buffer).cast("B")
        total = 0
        while total < len(view) and self._error is None:
            try:
                data = self._read(len(view) - total)
            except ParseError as exc:
                self._error = exc
                break
            if not data:
                break
            view[total : total + len(data)] = data
            total += len(data)
            self._done += len(data)
        if self._error is not None:
            if not total:
                raise self._error
            self._end_first = True
        return total

    def _read(self, size: int) -> bytes:
        if not self._compressed:
            return self._stream.read(size) or b""
        try:
            return self._stream.read1(size) or b""  # type: ignore[attr-defined]
        except (OSError, EOFError, zlib.error) as exc:
            raise ParseError(
                f"the gzip data is corrupt or truncated ({exc})",
                Location(file=self._filename, position=f"uncompressed byte {self._done}"),
                hint="records before this point were read; check the file and load it again",
            ) from None


def peek(stream: io.BufferedReader, size: int) -> bytes:
    """Up to ``size`` (<= HEAD_SIZE) bytes from the front of a :func:`peekable` stream.

    BufferedReader.peek returns what one raw read gave; _FillingRaw makes
    that a full buffer, so a fresh stream shows its whole head.
    """
    return stream.peek(size)[:size]


def read_stream(stream: BinaryIO, filename: str, format: str | None = None) -> Iterator[Item]:
    """Stream items from an open binary stream; gzip is undone transparently."""
    buffered = peekable(stream, filename)
    if peek(buffered, 2) == GZIP_MAGIC:
        unzipped = gzip.GzipFile(fileobj=buffered, mode="rb")
        buffered = io.BufferedReader(_FillingRaw(unzipped, filename, compressed=True),  # type: ignore[arg-type]
                                     buffer_size=HEAD_SIZE)
    head = peek(buffered, HEAD_SIZE)
    if not head.strip():
        past = _past_white_space(buffered, filename)
        if past is None:
            _say_empty(filename)
            return
        buffered, head = past, peek(past, HEAD_SIZE)
    fmt = format or detect_format(head, filename)
    yield from _reader(fmt, filename).read(buffered, filename)
    if isinstance(buffered.raw, _FillingRaw):  # type: ignore[attr-defined]
        # a reader that stopped at the first end (a line iterator does): the held error of
        # a cut gzip file comes now, not lost (never for a plain stream: a terminal on
        # standard input would wait for more after its end)
        buffered.read(1)


def _past_white_space(buffered: io.BufferedReader, filename: str) -> io.BufferedReader | None:
    """The stream from its first byte that is not white space; None when there is none.

    A head of white space alone is not yet an empty file: JSON and XML allow any amount
    before the content, and calling 64 KiB of it "empty" dropped every record after it
    with exit 0. The white space is skipped a buffer at a time, never held (100 MB of it
    costs 64 KiB), so positions a reader reports count from the first other byte. The
    rest is handed out through a fresh buffer, whose peek shows the reader a full head.
    """
    while head := peek(buffered, HEAD_SIZE):
        rest = head.lstrip()
        buffered.read(len(head) - len(rest))
        if rest:
            return io.BufferedReader(_FillingRaw(buffered, filename), buffer_size=HEAD_SIZE)  # type: ignore[arg-type]
    return None


def _say_empty(filename: str) -> None:
    """An empty file (0 bytes or white space, gzipped or not) holds no records, in any
    format, as an empty JSON array does: a nightly export of no changes is such a file,
    and exiting 2 for it made the cron job fail. Said on standard error all the same."""
    message = f"{filename}: the file is empty: no records read from it"
    # Python's last-resort handler (the command line) prints the message alone
    LOG.warning(message if LOG.hasHandlers() else f"ldpub: WARNING: {message}")


def read_path(path: str, format: str | None = None) -> Iterator[Item]:
    """Stream items from a file path, or from standard input when ``path`` is "-"."""
    if path == "-":
        yield from read_stream(sys.stdin.buffer, "-", format)
        return
    try:
        handle = open(path, "rb")  # noqa: SIM115 - closed in finally, generator-scoped
    except OSError as exc:
        raise InputError(
            f"cannot open: {exc.strerror}", Location(file=path), hint="check the path"
        ) from exc
    try:
        yield from read_stream(handle, path, format)
    finally:
        handle.close()

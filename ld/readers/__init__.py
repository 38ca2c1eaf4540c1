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
the reader whose extension matches wins). ``format=`` overrides detection.
"""

from __future__ import annotations

import gzip
import importlib
import io
import sys
from collections.abc import Iterator
from types import ModuleType
from typing import BinaryIO

from ld.errors import Location, RecordError, UnknownFormatError
from ld.model import Deletion, Record

Item = Record | Deletion | RecordError

READER_MODULES: tuple[str, ...] = (
    "vufind_json",
    "vufind_text",
    "marc",
    "marcxml",
    "pubmed",
    "oai",
)

HEAD_SIZE = 64 * 1024
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
    name = _strip_suffixes(filename)
    scored = []
    for mod in _modules():
        score = int(mod.sniff(head, filename))
        ext_match = name.endswith(_EXTENSIONS.get(mod.NAME, ()))
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


def _peekable(stream: BinaryIO) -> io.BufferedReader:
    """A buffered view of ``stream`` whose first bytes can be peeked without consuming."""
    if isinstance(stream, io.BufferedReader):
        return stream
    raw = stream if hasattr(stream, "readinto") else _ReadIntoAdapter(stream)
    return io.BufferedReader(raw, buffer_size=HEAD_SIZE)  # type: ignore[arg-type]


class _ReadIntoAdapter(io.RawIOBase):
    """Wrap any object with ``read(n)`` as a raw stream (e.g. generator-backed streams)."""

    def __init__(self, stream: BinaryIO) -> None:
        self._stream = stream

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:  # type: ignore[no-untyped-def]
        data = self._stream.read(len(buffer))
        buffer[: len(data)] = data
        return len(data)


def _peek(stream: io.BufferedReader, size: int) -> bytes:
    """Up to ``size`` bytes from the front of ``stream`` without consuming them.

    BufferedReader.peek returns at most one buffer and may return fewer bytes
    than asked, so fill the buffer by peeking again until it stops growing.
    """
    head = stream.peek(size)
    while len(head) < size:
        more = stream.peek(size)
        if len(more) <= len(head):
            break
        head = more
    return head[:size]


def read_stream(stream: BinaryIO, filename: str, format: str | None = None) -> Iterator[Item]:
    """Stream items from an open binary stream; gzip is undone transparently."""
    buffered = _peekable(stream)
    if _peek(buffered, 2) == GZIP_MAGIC:
        buffered = io.BufferedReader(
            gzip.GzipFile(fileobj=buffered, mode="rb"), buffer_size=HEAD_SIZE  # type: ignore[arg-type]
        )
    fmt = format or detect_format(_peek(buffered, HEAD_SIZE), filename)
    yield from _reader(fmt, filename).read(buffered, filename)


def read_path(path: str, format: str | None = None) -> Iterator[Item]:
    """Stream items from a file path, or from standard input when ``path`` is "-"."""
    if path == "-":
        yield from read_stream(sys.stdin.buffer, "-", format)
        return
    try:
        handle = open(path, "rb")  # noqa: SIM115 - closed in finally, generator-scoped
    except OSError as exc:
        from ld.errors import InputError

        raise InputError(
            f"cannot open: {exc.strerror}", Location(file=path), hint="check the path"
        ) from exc
    try:
        yield from read_stream(handle, path, format)
    finally:
        handle.close()

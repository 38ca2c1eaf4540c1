"""The one-graph dumps (N-Triples, Turtle): every distinct triple once, in bounded memory.

A statement about a person, an organisation, a subject or a journal is repeated
in every record graph that names it, and the one-graph dumps must hold it once.
A ``CONSTRUCT { ?s ?p ?o }`` did that with a hash set of every triple written
(Oxigraph's), so a dump's memory grew with the catalogue: ~400 bytes a triple,
gigabytes at a million records, inside a serving worker too.

Here the store's quads are read once, flat, as the N-Quads dump reads them;
each triple goes to one of K bucket files by a hash of its subject, in a
temporary folder, with K chosen so that a bucket holds about
:data:`BUCKET_LINES` statements. Then bucket by bucket: read, de-duplicate,
sort (a subject's triples together, which Turtle groups and the JSON-LD dump
makes one node of), write, delete. A triple repeated across graphs has the same
subject, so it lands in one bucket and is written once; memory is one bucket's,
whatever the store's size. The temporary folder takes about the size of the
N-Triples dump on disk, and is removed when the dump ends or fails.
"""

from __future__ import annotations

import math
import shutil
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import BinaryIO

import pyoxigraph as ox

from ld.namespaces import PREFIXES

BUCKET_LINES = 100_000  # statements per bucket, about: ~20 MB of Python bytes when read back
MAX_BUCKETS = 500  # files open at once, below the usual limit of 1,024 (then buckets grow)
FLUSH_BYTES = 1 << 20  # what the partition holds before writing to the bucket files
SEEN_LINES = 50_000  # recent triples remembered while partitioning (~10 MB), then forgotten
WRITE_BYTES = 1 << 16  # the blocks of N-Triples written to the output
TEMPORARY_PREFIX = ".partial-dump-"  # a name ld.dumps.prune recognises as its own


def write_triples(write_quads: Callable[[BinaryIO], object], quads: int, out: BinaryIO,
                  fmt: ox.RdfFormat, scratch: Path | None = None) -> None:
    """The distinct triples of ``write_quads(sink)`` (an N-Quads dump by Oxigraph's writer,
    ``quads`` statements about) written to ``out`` in ``fmt``, a triples format.

    ``scratch`` is where the temporary folder goes (None: the system's temporary
    directory); a dump beside its output keeps it on the output's disk.
    """
    count = max(1, min(MAX_BUCKETS, math.ceil(quads / BUCKET_LINES)))
    folder = Path(tempfile.mkdtemp(prefix=TEMPORARY_PREFIX, dir=scratch))
    try:
        buckets = _partition(write_quads, folder, count)
        if fmt == ox.RdfFormat.N_TRIPLES:  # the lines are Oxigraph's N-Triples already
            for lines in _distinct_lines(buckets):
                _write_all(out, _statements(lines))
        else:
            ox.serialize(_distinct_triples(buckets), out, fmt, prefixes=PREFIXES)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _partition(write_quads: Callable[[BinaryIO], object], folder: Path,
               count: int) -> list[Path]:
    """The bucket files, written from one N-Quads dump."""
    paths = [folder / f"{n}.nt" for n in range(count)]
    partition = _Partition(paths)
    try:
        write_quads(partition)  # type: ignore[arg-type]  # a writable sink is all it needs
        partition.finish()
    finally:
        partition.close()
    return paths


class _Partition:
    """A writable sink for an N-Quads dump: each line's triple (its graph name dropped)
    is appended to the bucket of its subject's hash. Subjects are IRIs or blank
    nodes, so a line's subject is everything before its first space. The triples
    seen last are skipped at once (a journal or a subject heading named by every
    other record), which keeps such a subject's bucket from growing with the
    catalogue; the buckets drop the other repeats."""

    def __init__(self, paths: list[Path]) -> None:
        self.files: list[BinaryIO] = []
        for path in paths:  # opened one by one so that close() sees each opened one
            self.files.append(path.open("wb"))
        self.pending: list[list[bytes]] = [[] for _ in paths]
        self.seen: set[bytes] = set()
        self.rest, self.held = b"", 0

    def write(self, data: bytes) -> int:
        lines = (self.rest + bytes(data)).split(b"\n")
        self.rest = lines.pop()  # an unfinished line waits for the next write
        pending, count, seen = self.pending, len(self.pending), self.seen
        for triple in map(triple_of, lines):
            if triple not in seen:
                if len(seen) >= SEEN_LINES:
                    seen.clear()
                seen.add(triple)
                pending[hash(triple[:triple.find(b" ")]) % count].append(triple)
        self.held += len(data)
        if self.held >= FLUSH_BYTES:
            self.flush()
        return len(data)

    def flush(self) -> None:
        """Write what is held to the bucket files (Oxigraph also calls it at the end)."""
        for file, lines in zip(self.files, self.pending, strict=True):
            if lines:
                file.write(b"\n".join(lines) + b"\n")
                lines.clear()
        self.held = 0

    def finish(self) -> None:
        if self.rest.strip():
            self.write(b"\n")
        self.flush()

    def close(self) -> None:
        for file in self.files:
            file.close()


def triple_of(line: bytes) -> bytes:
    """An N-Quads line of Oxigraph's writer (terms one space apart, `` .`` at the end)
    as its triple, without the graph name and the final `` .``.

    A line has a graph name unless its statement is in the default graph. The
    last term is a graph name when it is an IRI or a blank node (no quote: a
    literal's last piece has one) and not the object of ``<s> <p> <o> .``,
    which has three terms, so one space before the last.
    """
    cut = line.rfind(b" ", 0, -2)
    if (line.startswith((b"<", b"_:"), cut + 1) and line.find(b'"', cut) < 0
            and line.count(b" ", 0, cut) >= 2):
        return line[:cut]
    return line[:-2]


def _distinct_lines(buckets: list[Path]) -> Iterator[list[bytes]]:
    """Each bucket's lines, once each and sorted, the bucket deleted once read."""
    for path in buckets:
        with path.open("rb") as file:
            lines = sorted(set(file.read().split(b"\n")))
        path.unlink()
        if lines and not lines[0]:
            del lines[0]  # the empty piece after the final newline
        if lines:
            yield lines


def _statements(lines: list[bytes]) -> bytes:
    return b" .\n".join(lines) + b" .\n"


def _write_all(out: BinaryIO, data: bytes) -> None:
    """All of ``data``, a block at a time: given a large block, a buffered writer may
    write a part, keep the error (a reader that went away) and answer how much it wrote."""
    view = memoryview(data)
    while view:
        view = view[out.write(view[:WRITE_BYTES]):]


def _distinct_triples(buckets: list[Path]) -> Iterator[ox.Triple]:
    for lines in _distinct_lines(buckets):
        yield from ox.parse(_statements(lines), ox.RdfFormat.N_TRIPLES)

"""Which identifiers the store may hold: a Bloom filter that spares the linker its look-ups.

Why: :class:`ld.identity.IdentityLinker` asks the store, batch by batch, which
stored records hold the batch's DOIs, PMIDs, PMC ids and ISBNs. In a large
load almost every answer is "none", and each question is an index seek
through every file RocksDB has not merged yet: 0.16 ms a record at 100,000
records, 0.24 at 300,000, the largest cost of the loading process after the
store write (docs/benchmarks.md, "Ingest", fifteenth session). A Bloom
filter of every (predicate, object) form a stored record holds answers
"certainly not held" in microseconds; only the other identifiers are asked.

What it holds: the same strings :func:`ld.identity_queries.patterns` asks the
store for (``<predicate> term``), taken from the N-Quads of each batch as it
is stored (:func:`stored_patterns`) and, when the filter has to be made
again, from the whole store (:func:`build`). A false "may hold" costs one
look-up, as without the filter; a false "not held" would lose a link, so
the filter must hold every stored form. Hence its life cycle:

* It lives in the store's directory for derived state
  (:meth:`ld.store.base.Store.derived_path`; the remote store has none and
  keeps asking). The embedded store deletes that state before any write a
  load does not make (SPARQL Update), so a filter on disk is never behind.
* A load that uses it removes the file first and writes it back when it
  ends (:meth:`KeyFilter.save`): a load killed mid-way leaves no file, and
  the next load makes it again from the store (about 1 s per 100,000
  records), as it does for a store made by an older ldpub.
* When the store holds more forms than the filter was sized for, the next
  load makes a larger one, so false "may hold" answers stay near 1%.
"""

from __future__ import annotations

import hashlib
import logging
import os
import re
from collections.abc import Iterable, Iterator
from pathlib import Path

from rdflib.namespace import OWL

from ld.identity_queries import Key, patterns
from ld.namespaces import BIBO, LDPUB
from ld.store.base import Store

LOG = logging.getLogger("ldpub.identity")
FILE = "identity.filter"
MAGIC = b"ldpub-identity-filter 1\n"
HASHES = 7  # with 10 bits an entry: about 1% false "may hold"
BITS_PER_ENTRY = 10
SMALLEST = 1 << 20  # entries: 1.25 MB, enough for ~400,000 records

_PREDICATES = (OWL.sameAs, BIBO.pmid, LDPUB.pmcid, BIBO.isbn)
_NEEDLES = tuple(f"> <{p}> ".encode() for p in _PREDICATES)
_OBJECT = re.compile(rb'(<https://doi\.org/[^>]*>|"[^"\\\n]*")(?: <[^>]*>)? \.\n')


class KeyFilter:
    """A Bloom filter of ``<predicate> term`` strings (bytes), sized for ``capacity``."""

    def __init__(self, capacity: int, bits: bytearray | None = None, entries: int = 0) -> None:
        self.capacity = capacity
        self.size = capacity * BITS_PER_ENTRY
        self.bits = bits if bits is not None else bytearray((self.size + 7) // 8)
        self.entries = entries  # forms added, repeats included: an upper bound

    def _positions(self, item: bytes) -> Iterator[int]:
        digest = hashlib.blake2b(item, digest_size=16).digest()
        first, step = int.from_bytes(digest[:8], "little"), int.from_bytes(digest[8:], "little") | 1
        return ((first + i * step) % self.size for i in range(HASHES))

    def add(self, items: Iterable[bytes]) -> None:
        for item in items:
            for pos in self._positions(item):
                self.bits[pos >> 3] |= 1 << (pos & 7)
            self.entries += 1

    def __contains__(self, item: bytes) -> bool:
        return all(self.bits[pos >> 3] & (1 << (pos & 7)) for pos in self._positions(item))

    def may_hold(self, key: Key) -> bool:
        """False only when no stored record holds ``key`` in any form the linker asks."""
        return any(f"{p} {t}".encode() in self for p, t in patterns(*key))

    def save(self, path: Path) -> None:
        """Write the filter (temporary file, fsync, rename): a torn file is never read."""
        tmp = path.with_suffix(".tmp")
        with open(tmp, "wb") as f:
            f.write(MAGIC + f"{self.capacity} {self.entries}\n".encode() + self.bits)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)


def stored_patterns(nquads: bytes) -> Iterator[bytes]:
    """The ``<predicate> term`` forms in N-Quads or N-Triples text that the linker
    may ask about: records' (IRI subjects') DOI IRIs, PMIDs, PMC ids and ISBNs.

    Found by looking for each predicate (``bytes.find``), not by a regular
    expression over every line: 0.016 ms a record against 0.053."""
    for needle in _NEEDLES:
        at = nquads.find(needle)
        while at >= 0:
            start = at + len(needle)
            if nquads[nquads.rfind(b"\n", 0, at) + 1] == 0x3C:  # "<": an IRI subject
                m = _OBJECT.match(nquads, start)
                if m:
                    yield needle[2:] + m[1]
            at = nquads.find(needle, start)


def take(store: Store) -> KeyFilter | None:
    """The store's filter for one load, its file removed until :meth:`KeyFilter.save`
    (see the module docstring); made from the store when missing, too full or
    unreadable. None for a store without derived state (asks the store instead)."""
    path = store.derived_path(FILE)
    if path is None:
        return None
    found = _read(path)
    path.unlink(missing_ok=True)
    if found is not None and found.entries <= found.capacity:
        return found
    return build(store, 2 * (found.entries if found else 0))


def build(store: Store, at_least: int = 0) -> KeyFilter:
    """A filter of every form the store holds, read as N-Triples in bounded memory.

    Sized for eight forms a record (records hold one to four) or ``at_least``:
    a store that holds more makes a larger one at the next load (:func:`take`).
    """
    values = " ".join(f"<{p}>" for p in _PREDICATES)
    query = (f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ VALUES ?p {{ {values} }}"
             " GRAPH ?g { ?s ?p ?o FILTER(isIRI(?s)) } }")
    found = KeyFilter(max(SMALLEST, at_least, 8 * store.record_count()))
    for chunk in _lines(store.query(query, "application/n-triples").chunks):
        found.add(stored_patterns(chunk))
    LOG.info("made the identity filter from %d stored identifier forms", found.entries)
    return found


def _lines(chunks: Iterable[bytes]) -> Iterator[bytes]:
    """Chunks cut at line ends, so that no line is split between two of them."""
    rest = b""
    for chunk in chunks:
        text = rest + chunk
        cut = text.rfind(b"\n") + 1
        rest = text[cut:]
        yield text[:cut]
    yield rest


def _read(path: Path) -> KeyFilter | None:
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return None
    head, _, rest = data.partition(b"\n")
    size, _, bits = rest.partition(b"\n")
    try:
        capacity, entries = map(int, size.split())
    except ValueError:
        capacity = entries = -1
    if head + b"\n" != MAGIC or capacity <= 0 or len(bits) != (capacity * BITS_PER_ENTRY + 7) // 8:
        LOG.warning("the identity filter %s is unreadable; making it again", path)
        return None
    return KeyFilter(capacity, bytearray(bits), entries)

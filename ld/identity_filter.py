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
  keeps asking). The embedded store deletes that state before any write
  (a load's batch, a SPARQL Update, a direct ``write_records``), so a filter
  on disk is never behind.
* A load reads the file before its first write and writes it back, with
  what it stored, when it ends (:meth:`KeyFilter.save`): a load killed after
  its first write leaves no file, and the next load makes it again from the
  store (2.7 s for 100,000 stored records), as it does for a store made by
  an older ldpub.
* When the store holds more forms than the filter was sized for, the next
  load makes a larger one, so false "may hold" answers stay near 1%. A form
  counts once however often its record is loaded again.
* A program that writes ``primary/`` without ldpub's store (an older
  ldpub, a restore of ``primary/`` alone) must delete ``derived/`` too: a
  cheap sign of such a write was not found (counting the records costs
  0.2-0.4 s per 100,000 records, twice a load; RocksDB's own files change
  with every background compaction).
"""

from __future__ import annotations

import hashlib
import logging
import os
import re
from collections.abc import Iterable, Iterator
from pathlib import Path

from rdflib.namespace import OWL

from ld.atomic import fsync_dir
from ld.identity_queries import Key, patterns
from ld.namespaces import BIBO, LDPUB
from ld.store.base import Store

LOG = logging.getLogger("ldpub.identity")
FILE = "identity.filter"
MAGIC = b"ldpub-identity-filter 2\n"
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
        # forms added that set a new bit: distinct forms, give or take the rare
        # false match, so re-loading the same records does not grow the count
        self.entries = entries

    def _positions(self, item: bytes) -> Iterator[int]:
        digest = hashlib.blake2b(item, digest_size=16).digest()
        first, step = int.from_bytes(digest[:8], "little"), int.from_bytes(digest[8:], "little") | 1
        return ((first + i * step) % self.size for i in range(HASHES))

    def add(self, items: Iterable[bytes]) -> None:
        bits = self.bits
        for item in items:
            new = False
            for pos in self._positions(item):
                byte, bit = pos >> 3, 1 << (pos & 7)
                if not bits[byte] & bit:
                    bits[byte] |= bit
                    new = True
            self.entries += new

    def __contains__(self, item: bytes) -> bool:
        return all(self.bits[pos >> 3] & (1 << (pos & 7)) for pos in self._positions(item))

    def may_hold(self, key: Key) -> bool:
        """False only when no stored record holds ``key`` in any form the linker asks."""
        return any(f"{p} {t}".encode() in self for p, t in patterns(*key))

    def save(self, path: Path) -> None:
        """Write the filter (temporary file, fsync, rename): a torn file is never read."""
        tmp = path.with_suffix(".tmp")
        try:
            with open(tmp, "wb") as f:
                f.write(MAGIC + f"{self.capacity} {self.entries}\n".encode())
                f.write(self.bits)
                f.flush()
                os.fsync(f.fileno())
            os.replace(tmp, path)
        finally:
            tmp.unlink(missing_ok=True)
        fsync_dir(path.parent)


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
    """The store's filter for one load (the store deletes its file before the load's
    first write, and :meth:`KeyFilter.save` writes it again at the end: see the
    module docstring); made from the store when missing, unreadable or too full.
    None for a store without derived state (the linker then asks the store about
    every identifier)."""
    path = store.derived_path(FILE)
    if path is None:
        return None
    found = _read(path)
    if found is not None and found.entries <= found.capacity:
        return found
    return build(store)


def build(store: Store) -> KeyFilter:
    """A filter of every form the store holds, read as N-Triples in bounded memory.

    Sized for eight forms a record (records hold one to four); a store that
    holds more (records with many ISBNs) is read once more into one twice the
    size of what it holds.
    """
    found = _filled(store, max(SMALLEST, 8 * store.record_count()))
    if found.entries > found.capacity:
        found = _filled(store, 2 * found.entries)
    LOG.info("made the identity filter from %d stored identifier forms", found.entries)
    return found


def stored_forms(store: Store) -> Iterator[bytes]:
    """Every ``<predicate> term`` form the store's records hold, streamed."""
    values = " ".join(f"<{p}>" for p in _PREDICATES)
    query = (f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ VALUES ?p {{ {values} }}"
             " GRAPH ?g { ?s ?p ?o FILTER(isIRI(?s)) } }")
    for chunk in _lines(store.query(query, "application/n-triples").chunks):
        yield from stored_patterns(chunk)


def _filled(store: Store, capacity: int) -> KeyFilter:
    found = KeyFilter(capacity)
    found.add(stored_forms(store))
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
    """The saved filter, or None when there is none or it cannot be read whole."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return None
    head, _, rest = data.partition(b"\n")
    sizes, _, bits = rest.partition(b"\n")
    try:
        capacity, entries = map(int, sizes.split())
    except ValueError:
        capacity = entries = -1
    if head + b"\n" != MAGIC or capacity <= 0 or len(bits) != (capacity * BITS_PER_ENTRY + 7) // 8:
        LOG.warning("the identity filter %s is unreadable; making it again", path)
        path.unlink(missing_ok=True)
        return None
    return KeyFilter(capacity, bytearray(bits), entries)

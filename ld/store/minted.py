"""The base URI a store's records were minted under, and the refusal of any other.

Every URI in the store starts with the base it was loaded with
(``{base}id/record/...``). Served, rendered or loaded again under another
base, the store looked empty: every URI answered 404, search found nothing,
``ldpub render`` removed every rendered record, and a second load mixed two
URI spaces, all without a word.

An embedded store: the first command that writes records notes the base in
``<store>/base-uri``, and every command that writes, renders or serves
checks it first (reading a small file: ``ldpub serve`` must not open RocksDB
in the process that forks its workers). A store made before this file
existed gets it from its first record graph's IRI when a writer opens it;
``ldpub serve`` and ``ldpub render`` read that IRI in a child process
(:func:`_records_base`) and note nothing, so that an upgrade whose first
command is ``serve`` is refused too, not served as a site of 404s. The same
checks note and report the version of the URI rules the records were minted
under (:mod:`ld.store.mapping_version`).

A remote SPARQL store has nothing of ours beside it, and a graph of notes
would be published with the data (the SPARQL endpoint sees every graph), so
its base is the one its record graphs' IRIs (``{base}doc/record/{id}``) were
minted under (:func:`in_store`): the base given when the server holds a
record graph under it, whatever else it holds (a SPARQL server is often
shared with other catalogues, whose graphs are none of ours: only
``{base}doc/record/`` graphs are, :func:`in_records`), else the base of any
record graph it holds (a mistyped base looks exactly like that). The remote
store checks every batch it writes or deletes against it (:meth:`RemoteStore
._guard_base`), and ``ldpub serve`` checks it at start and, in every serving
process, at the server's first answer (:meth:`RemoteStore.check_base`). A
server that holds no record takes any base.
"""

from __future__ import annotations

import logging
import multiprocessing
import threading
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

from ld.config import Settings
from ld.errors import ConfigError, StoreError
from ld.store import mapping_version

BASE_FILE = "base-uri"
_DOCUMENT = "doc/record/"
_FIRST_RECORD_GRAPH = ('SELECT ?g WHERE { GRAPH ?g { ?s ?p ?o } '
                       f'FILTER(CONTAINS(STR(?g), "/{_DOCUMENT}")) }} LIMIT 1')
ANY_BASE = f'CONTAINS(STR(?g), "/{_DOCUMENT}")'
LOG = logging.getLogger("ldpub.store")


def records_prefix(base: str | None) -> str:
    """What the IRIs of the record graphs minted under ``base`` start with ("" for None)."""
    return f"{base}{_DOCUMENT}" if base is not None else ""


def in_records(base: str | None) -> str:
    """The SPARQL pattern of the statements of the record graphs under ``base`` (None:
    under any base), ``?s ?p ?o`` in ``GRAPH ?g``. ``GRAPH ?g { }`` first lists the
    graphs, so the filter runs once a graph, not once a statement (Oxigraph: a count
    in half the time); Virtuoso takes it as no pattern and filters the statements."""
    return f"GRAPH ?g {{ }} FILTER({record_graph(base)}) GRAPH ?g {{ ?s ?p ?o }}"


def record_graph(base: str | None) -> str:
    """The SPARQL condition "``?g`` is a record graph under ``base``" (None: any base)."""
    if base is None:
        return ANY_BASE
    return f'STRSTARTS(STR(?g), "{escaped(records_prefix(base))}")'


def escaped(text: str) -> str:
    """``text`` inside a SPARQL string literal."""
    return text.replace("\\", "\\\\").replace('"', '\\"')


def recorded(root: str | Path) -> str | None:
    """The base noted beside the store, or None (no store, or nothing loaded yet)."""
    try:
        return (Path(root) / BASE_FILE).read_text(encoding="utf-8").strip() or None
    except (FileNotFoundError, NotADirectoryError):
        return None


def refusal(where: str, minted: str, base: str) -> ConfigError:
    """The error for records of the store at ``where`` minted under ``minted``, not ``base``."""
    return ConfigError(
        f"the records in the store at {where} were minted under the base URI {minted}, "
        f"not {base}: every URI would answer 404",
        hint=f"give --base-uri {minted} (or LDPUB_BASE_URI) to every command on this "
             "store, or load the records again into a new store under the new base")


def check(root: str | Path, base: str) -> None:
    """Refuse a base that is not the one the store's records were minted under."""
    minted = recorded(root)
    if minted is not None and minted != base:
        raise refusal(str(root), minted, base)


def base_of(graph_iri: str) -> str | None:
    """The base a record graph's IRI was minted under (None for another graph)."""
    return graph_iri[:graph_iri.index(_DOCUMENT)] if _DOCUMENT in graph_iri else None


def in_store(store: Any, base: str | None = None) -> str | None:
    """The base of a record graph the store holds; None when it holds none. Given
    ``base`` (a remote store's), ``base`` itself when the store holds a record graph
    under it, whatever other record graphs it holds."""
    if base is not None and store.ask(f"ASK {{ {in_records(base)} }}"):
        return base
    rows = store.select(_FIRST_RECORD_GRAPH)
    return base_of(str(rows[0]["g"])) if rows else None


def check_settings(settings: Settings) -> None:
    """:func:`check` for the configured store, and the warning of records minted under
    other URI rules; a remote one is asked (when it answers: a server that is down at
    start is served with 503s until it is back)."""
    if not settings.store_is_remote:
        _check_embedded(settings)
        return
    from ld.store import open_reader

    with open_reader(settings) as store:  # the remote store a server reads
        try:
            store.check_base()  # else checked by each serving process at its first answer
        except StoreError as exc:  # a refusal is a ConfigError: it goes on up
            LOG.warning("cannot check the base URI of the store's records: %s", exc)


def _check_embedded(settings: Settings) -> None:
    """The noted base, else (an older store) a record graph's; read only: nothing noted."""
    root, base = settings.store, settings.base_uri
    if _checked_by_notes(root, base):
        return
    held = _records_base(settings)
    minted = recorded(root) or held
    if minted is not None and minted != base:
        raise refusal(root, minted, base)
    if held is not None and not mapping_version.is_current(root):
        mapping_version.warn(root, base)


def _checked_by_notes(root: str | Path, base: str) -> bool:
    """The usual case, two small files: the base noted (checked against ``base`` here)
    and the current version of the URI rules. False: the store needs a closer look."""
    if recorded(root) is None or not mapping_version.is_current(root):
        return False
    check(root, base)
    return True


def _records_base(settings: Settings) -> str | None:
    """The base of a record graph of the embedded store (None: no record), read in a
    child process: a process that has opened RocksDB must not fork serving workers
    (its thread pool does not survive a fork), and ``ldpub serve`` forks them."""
    if not Path(settings.store).is_dir():
        return None
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(1, mp_context=context) as child:
        held, failure = child.submit(_read_records_base, settings).result()
    if failure:
        LOG.warning("cannot check the base URI of the store's records: %s", failure)
    return held


def _read_records_base(settings: Settings) -> tuple[str | None, str | None]:
    """In the child: (the base of a record graph the served snapshot holds, None), or
    (None, why it could not be read)."""
    from ld.store import open_reader

    try:
        with open_reader(settings) as store:
            return in_store(store), None
    except StoreError as exc:
        return None, str(exc)


def check_remote(store: Any, base: str) -> None:
    """Refuse ``base`` when the remote store's records were minted under another one."""
    minted = in_store(store, base)
    if minted is not None and minted != base:
        raise refusal(store.shown, minted, base)


class FirstAnswer:
    """The base check of a serving reader of a remote store (``base``; None: none),
    made at the server's first answer, once per process: ``ldpub serve`` started
    while the server was down could not make it, and served a site of 404s with
    ``/health`` ok. A server that does not answer leaves it to the next read; a
    mismatch is kept as :attr:`refusal`, a StoreError naming it (503 on every
    page and on ``/health``), raised by every read until ldpub is restarted with
    the right base. Concurrent first reads wait for the one check."""

    def __init__(self, base: str | None) -> None:
        self.base, self.pending = base or "", base is not None
        self.refusal: StoreError | None = None
        self._lock, self._checker = threading.Lock(), 0

    def __call__(self, store: Any) -> None:
        """Raises the ConfigError in the thread that finds a mismatch, ``refusal`` after."""
        if self.refusal is not None:
            raise self.refusal
        if not self.pending or self._checker == threading.get_ident():
            return  # checked, or the check's own queries
        with self._lock:
            if self.pending:
                self._check(store)
        if self.refusal is not None:  # found by another thread meanwhile
            raise self.refusal

    def _check(self, store: Any) -> None:
        self._checker = threading.get_ident()
        try:
            check_remote(store, self.base)
        except ConfigError as refused:
            self.pending = False
            self.refusal = StoreError(refused.message,
                                      hint=f"{refused.hint}; then restart ldpub serve")
            LOG.error("%s: every page answers 503 until ldpub is restarted", self.refusal)
            raise
        finally:
            self._checker = 0
        self.pending = False


def note(store: Any, root: str | Path, base: str) -> None:
    """For a writer: check the base, noting it first when the store has none yet (from
    its first record graph when it holds records, else the base given now); then the
    version of the URI rules (:func:`ld.store.mapping_version.note`)."""
    if _checked_by_notes(root, base):
        return
    held = in_store(store)
    if recorded(root) is None:
        (Path(root) / BASE_FILE).write_text((held or base) + "\n", encoding="utf-8")
    check(root, base)
    mapping_version.note(root, held is not None, base)

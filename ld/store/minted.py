"""The base URI an embedded store's records were minted under, kept beside the store.

Every URI in the store starts with the base it was loaded with
(``{base}id/record/...``). Served, rendered or loaded again under another
base, the store looked empty: every URI answered 404, search found nothing,
``ldpub render`` removed every rendered record, and a second load mixed two
URI spaces, all without a word. So the first command that writes records
notes the base in ``<store>/base-uri``, and every command that writes, renders
or serves checks it first (reading a small file: ``ldpub serve`` must not open
RocksDB in the process that forks its workers). A store made before this file
existed gets it from its first record graph's IRI when a writer opens it.
A remote SPARQL store is not checked: nothing of ours lives beside it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ld.config import Settings
from ld.errors import ConfigError

BASE_FILE = "base-uri"
_FIRST_GRAPH = "SELECT ?g WHERE { GRAPH ?g { ?s ?p ?o } } LIMIT 1"
_DOCUMENT = "doc/record/"


def recorded(root: str | Path) -> str | None:
    """The base noted beside the store, or None (no store, or nothing loaded yet)."""
    try:
        return (Path(root) / BASE_FILE).read_text(encoding="utf-8").strip() or None
    except (FileNotFoundError, NotADirectoryError):
        return None


def check(root: str | Path, base: str) -> None:
    """Refuse a base that is not the one the store's records were minted under."""
    minted = recorded(root)
    if minted is not None and minted != base:
        raise ConfigError(
            f"the records in the store at {root} were minted under the base URI {minted}, "
            f"not {base}: every URI would answer 404",
            hint=f"give --base-uri {minted} (or LDPUB_BASE_URI) to every command on this "
                 "store, or load the records again into a new store under the new base")


def check_settings(settings: Settings) -> None:
    """:func:`check` for the configured store; a remote store has no file to check."""
    if not settings.store_is_remote:
        check(settings.store, settings.base_uri)


def note(store: Any, root: str | Path, base: str) -> None:
    """For a writer: check the base, noting it first when the store has none yet (from
    its first record graph when it holds records, else the base given now)."""
    if recorded(root) is None:
        rows = store.select(_FIRST_GRAPH)
        graph = str(rows[0]["g"]) if rows else ""
        found = graph[:graph.index(_DOCUMENT)] if _DOCUMENT in graph else base
        (Path(root) / BASE_FILE).write_text(found + "\n", encoding="utf-8")
    check(root, base)

"""The version of the URI rules a store's records were minted under, and the warning
when this ldpub mints under other ones.

Keys change between releases (a journal's became its ISSN-L; names spell ł, ß
and ø in ASCII). A store loaded by an older ldpub and then updated week by
week by a newer one got two URIs for one journal or person, one on the
records loaded again and one on the rest, and nothing said so. Nothing
migrates URIs, and a store cannot tell which of its records a load minted
again, so:

* ``<store>/mapping-version`` holds :data:`ld.uris.MAPPING_VERSION` of the
  store's first records: written by the first writer of an empty store, and
  by nothing else. A full re-load into the same store leaves it as it is:
  nothing tells a full load from a partial one, and a record missing from it
  (withdrawn from the catalogue meanwhile) keeps its old URIs. A consistent
  store is a new one loaded whole (README, "Upgrading ldpub").
* A writer (:func:`ld.store.minted.note`), ``ldpub serve`` and ``ldpub render``
  (:func:`ld.store.minted.check_settings`) of a store holding records of
  another version, or of none noted (made before the file existed), say so
  once and go on: the store still serves; what goes wrong is mixing.

A remote SPARQL store notes nothing: what we kept there would be published.
"""

from __future__ import annotations

import logging
from pathlib import Path

from ld.config import Settings
from ld.uris import MAPPING_VERSION

FILE = "mapping-version"
LOG = logging.getLogger("ldpub.store")


def recorded(root: str | Path) -> int | None:
    """The version noted beside the store; None when none is (or it is unreadable)."""
    try:
        return int((Path(root) / FILE).read_text(encoding="utf-8").strip())
    except (FileNotFoundError, NotADirectoryError, ValueError):
        return None


def of_settings(settings: Settings) -> int | None:
    """What ``ldpub stats`` reports: the embedded store's version; None for a remote one."""
    return None if settings.store_is_remote else recorded(settings.store)


def is_current(root: str | Path) -> bool:
    return recorded(root) == MAPPING_VERSION


def note(root: str | Path, holds_records: bool, base: str) -> None:
    """For a writer that opened the store: this ldpub's version noted while the store
    holds no record, else the warning when its records were minted under another."""
    if is_current(root):
        return
    if holds_records:
        warn(root, base)
    else:
        (Path(root) / FILE).write_text(f"{MAPPING_VERSION}\n", encoding="utf-8")


def warn(root: str | Path, base: str) -> None:
    """The one warning of a command on a store whose records other rules minted: what
    goes wrong, and the commands that give a consistent store."""
    found = recorded(root)
    minted = (f"version {found}" if found is not None else
              "an unknown version (by an ldpub that did not note it)")
    new = f"{Path(root)}.new"
    message = (
        f"the records in the store at {root} were minted under the URI rules of {minted}; "
        f"this ldpub mints under version {MAPPING_VERSION}. Loading part of the records "
        "(a week's changes) gives a journal, person or subject whose key changed a second "
        "URI, on the records loaded again only. For one URI each, load every record into "
        f"a new store and switch to it: ldpub --store {new} --base-uri {base} load FILE... "
        f"(or harvest URL), stop ldpub serve, mv {root} {root}.old && mv {new} {root}, "
        "start it again (README, \"Upgrading ldpub\")")
    # Python's last-resort handler (the command line) prints the message alone
    LOG.warning(message if LOG.hasHandlers() else f"ldpub: WARNING: {message}")

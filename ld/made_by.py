"""Which code made a file kept for a snapshot: part of the file's name.

Files derived from an immutable snapshot (the whole-dataset figures of
:mod:`ld.versioned`, the dumps and sitemaps of :mod:`ld.dumps` and
:mod:`ld.sitemap`) are made once and found again by their name. Named by the
snapshot alone, they outlived an upgrade: the new server served what the old
code had made for that snapshot (a browse list without the dates the new
code shows) until the next load. Their names therefore also say who made
them: the installed ldpub's version, and the kind's own FORMAT, which whoever
changes what that kind holds must raise (a development install keeps its
version number across changes; the search index does the same with its
FORMAT).
"""

from __future__ import annotations

import functools
from importlib.metadata import PackageNotFoundError, version


@functools.cache
def installed() -> str:
    """The installed ldpub's version ("source" when run from a tree not installed)."""
    try:
        return version("ldpub")
    except PackageNotFoundError:
        return "source"


def made_by(kind: str, fmt: int) -> str:
    """What to put in the name of a file of ``kind`` made by this code, in ``fmt``."""
    return f"ldpub {installed()} {kind} {fmt}"

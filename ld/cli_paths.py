"""The input paths of ``load`` and ``validate``, refused with the reason the OS gives.

click's ``Path(exists=True)`` calls every path it cannot stat "does not exist",
which sends a user looking for a missing file when the path is a symbolic link
that points to itself (ELOOP) or to nothing (a dangling link). Those two are
told as such; everything else is click's own check.
"""

from __future__ import annotations

import errno
import os
from typing import Any

import click


class InputPath(click.Path):
    """``click.Path(exists=True, dir_okay=False, allow_dash=True)`` naming link problems."""

    def __init__(self) -> None:
        super().__init__(exists=True, dir_okay=False, allow_dash=True)

    def convert(self, value: Any, param: click.Parameter | None,
                ctx: click.Context | None) -> Any:
        if value != "-" and (problem := link_problem(os.fsdecode(value))):
            self.fail(f"{click.format_filename(value)!r}: {problem}", param, ctx)
        return super().convert(value, param, ctx)


def link_problem(path: str) -> str | None:
    """Why ``path`` cannot be opened when a symbolic link is the cause, else None."""
    try:
        os.stat(path)
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            return ("too many levels of symbolic links (a link that points to itself, "
                    "directly or through others); fix or remove the link")
        if exc.errno == errno.ENOENT and os.path.islink(path):
            return (f"a dangling symbolic link (its target {os.readlink(path)!r} does not "
                    "exist); fix the link or give the file itself")
    return None

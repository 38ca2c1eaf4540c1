"""``ldpub render``: make every record's Turtle, JSON-LD and HTML once, ahead of requests.

Registered on the ``ldpub`` group by :mod:`ld.cli`. Worth running after a
load when records are dereferenced at random across the whole catalogue
(crawlers, harvesters, link checkers): each served record then costs one
lookup instead of reading and serialising its graph (issue 3; see
:mod:`ld.renders` and :mod:`ld.web.prerender`). Only records changed since
the last run are rendered again. Exit codes: 0 done; 2 no store at
``--store``, or a store error (a remote store, another writer holding the
store).
"""

from __future__ import annotations

import json
from contextlib import AbstractContextManager
from typing import TYPE_CHECKING, Any

import click

from ld import cli_output as out
from ld.cli_settings import with_settings
from ld.cli_store import require_store
from ld.config import Settings
from ld.config_values import PER_CORE, process_limit
from ld.errors import ConfigError

if TYPE_CHECKING:
    from ld.web.prerender import RenderSummary


@click.command()
@click.option("--jobs", type=click.IntRange(0, process_limit()), default=None,
              help=f"Worker processes (default: one per CPU; 0: none; at most {PER_CORE} per CPU).")
@click.option("--json", "as_json", is_flag=True, help="Print the summary as JSON.")
@with_settings
def render(settings: Settings, jobs: int | None, as_json: bool) -> None:
    """Pre-render every record (Turtle, JSON-LD, HTML) for the server."""
    from ld.store import minted
    from ld.web.prerender import render_store

    require_store(settings)  # a mistyped --store must not make an empty one
    minted.check_settings(settings)  # else every record looks gone
    with _progress(out.is_tty() and not as_json, "reading the snapshot...") as update:
        summary = render_store(settings, jobs=jobs, progress=update)
    if as_json:
        click.echo(json.dumps(summary.to_dict()))
    else:
        click.echo(f"records {summary.records:,}: {_figures(summary)}")


def _progress(enabled: bool, first: str) -> AbstractContextManager[Any]:
    """The live line of a render on a terminal (records rendered so far)."""
    return out.live_line(enabled, first, lambda s: f"rendered {s.rendered:,} of "
                                                   f"{s.records - s.current:,} records")


def _figures(summary: RenderSummary) -> str:
    """What a render did, in `ldpub render`'s words and after a load or harvest alike."""
    return (f"rendered {summary.rendered:,}, already current {summary.current:,}; rows of "
            f"{summary.removed:,} gone records removed; {summary.seconds:.1f} s")


def refuse_remote_render(settings: Settings, choice: bool | None) -> None:
    """An explicit --render on a remote store is refused before anything is loaded, as
    `ldpub render` refuses that store: it used to be silently ignored (pre-rendered
    records are kept beside an embedded store; a remote store's pages are made on
    request)."""
    if choice and settings.store_is_remote:
        raise ConfigError("--render: pre-rendered records are kept beside an embedded store, "
                          "and a remote store's pages are made on request",
                          hint="leave --render out")


RENDER_OPTION = click.option(
    "--render/--no-render", "prerender", default=None,
    help="Then bring the pre-rendered records up to date (as `ldpub render`; embedded "
         "store only); default: when the store has pre-rendered records already.")


def render_after_write(settings: Settings, store: object, jobs: int | None,
                       choice: bool | None) -> None:
    """After a load or a harvest: keep `ldpub render`'s records current, once opted in.

    A load drops the rows of the records it changes; an operator who ran
    `ldpub render` once expects them made again, not served slowly until
    someone remembers. Runs under the lock the command already holds.
    """
    from ld import renders

    if settings.store_is_remote or choice is False:
        return
    opted_in = renders.path_of(settings.store).exists()
    if choice or opted_in:
        from ld.web.prerender import render_store

        # seconds to minutes once the load's own progress ended: said, and timed
        with _progress(out.is_tty(), "pre-rendering the records written...") as update:
            summary = render_store(settings, store=store, jobs=jobs,  # type: ignore[arg-type]
                                   progress=update, changed_only=opted_in)
        out.stderr.print(f"pre-rendered records brought up to date: {_figures(summary)}",
                         markup=False, soft_wrap=True)

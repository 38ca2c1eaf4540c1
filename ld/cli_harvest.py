"""``ldpub harvest URL``: the OAI-PMH harvester on the command line.

Registered on the ``ldpub`` group by :mod:`ld.cli`. Takes the same settings
flags as every command, ends with the same summary as ``load`` and the same
exit codes (0 all loaded, 1 some records rejected, 2 the harvest could not
be completed: HTTP failure, timeout, not OAI-PMH, OAI-PMH error). Records
harvested before a failure are kept, and the harvest state is not moved, so
running the same command again redoes the unfinished window.
"""

from __future__ import annotations

import math
from typing import Any

import click

from ld import cli_output as out
from ld.cli_render import RENDER_OPTION, refuse_remote_render, render_after_write
from ld.cli_run import guarded_run, show_summary
from ld.cli_settings import with_settings
from ld.cli_store import open_for_command, publish_final
from ld.config import Settings
from ld.config_values import PER_CORE, process_limit


def _url(_ctx: click.Context, _param: click.Parameter, value: str) -> str:
    if not value.startswith(("http://", "https://")):
        raise click.BadParameter(f"{value!r} is not an http(s) URL of an OAI-PMH repository")
    return value


def _date(_ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    """--from/--until: a real date or moment, checked before the store is opened."""
    from ld.harvest_dates import DATE_HINT, date_problem

    problem = date_problem(value) if value else None
    if problem:
        raise click.BadParameter(f"{problem}; {DATE_HINT}", param=param)
    return value


def _finite(_ctx: click.Context, param: click.Parameter, value: float) -> float:
    """--timeout: click's FloatRange lets nan through, and inf; a socket refuses both."""
    if not math.isfinite(value):
        raise click.BadParameter(f"{value} is not a number of seconds", param=param)
    return value


def _apply(options: tuple[Any, ...]) -> Any:
    """Apply click decorators in --help order."""

    def decorate(func: Any) -> Any:
        for option in reversed(options):
            func = option(func)
        return func

    return decorate


_OPTIONS = (  # in --help order
    click.argument("url", callback=_url),
    click.option("--metadata-prefix", default="oai_dc", show_default=True,
                 help="Metadata format to ask for: oai_dc, marc21 (or the repository's name for "
                      "MARCXML), oai_doaj."),
    click.option("--set", "set_spec", metavar="SPEC", help="Harvest only this set."),
    click.option("--from", "from_", metavar="DATE", callback=_date,
                 help="Records changed on or after DATE (YYYY-MM-DD or YYYY-MM-DDThh:mm:ssZ); "
                      "default: where the last complete harvest of URL+set+prefix started."),
    click.option("--until", metavar="DATE", callback=_date,
                 help="Records changed on or before DATE."),
    click.option("--full", is_flag=True,
                 help="Ignore the saved harvest state: harvest everything."),
    click.option("--timeout", type=click.FloatRange(min=0.1), default=60.0, show_default=True,
                 callback=_finite, help="Seconds to wait for the repository to answer a request."),
    click.option("--max-retries", type=click.IntRange(min=0), default=3, show_default=True,
                 help="Retries of a request answered 503 (or 429, 502, 504), each after its "
                      "Retry-After (at most 2 minutes) or 1, 2, 4 ... s."),
    click.option("--state", "state_path", type=click.Path(dir_okay=False),
                 help="Harvest state file (default: harvest-state.json in the store directory; "
                      "for a remote store harvest-state-<hash of its URL>.json here)."),
    click.option("--jobs", type=click.IntRange(0, process_limit()), default=None,
                 help="Worker processes for mapping and validation (default: one per CPU; "
                      f"0: none; at most {PER_CORE} per CPU)."),
    RENDER_OPTION,
    click.option("--json", "as_json", is_flag=True, help="Print the result as JSON."),
)


def _harvest(ctx: click.Context, settings: Settings, url: str, metadata_prefix: str,
             set_spec: str | None, from_: str | None, until: str | None, full: bool,
             timeout: float, max_retries: int, state_path: str | None, jobs: int | None,
             prerender: bool | None, as_json: bool) -> None:
    """Harvest an OAI-PMH repository (ListRecords) into the store, incrementally."""
    from ld.harvest import harvest as run_harvest
    from ld.harvest_dates import RANGE_HINT, range_problem
    from ld.rejects import RejectsReport

    if problem := range_problem(from_, until):  # before the store is opened and locked
        raise click.UsageError(f"{problem}; {RANGE_HINT}")
    refuse_remote_render(settings, prerender)
    with open_for_command(settings) as store:  # first: a refused harvest keeps the report
        report = RejectsReport(settings.rejects_path)
        # stopped early, the state file is not moved: the next run resumes
        with guarded_run(ctx, "harvest", report, as_json, _incomplete(url)) as interrupts:
            result = run_harvest(
                url, settings=settings, store=interrupts.wrap(store),
                metadata_prefix=metadata_prefix, set_spec=set_spec, from_=from_,
                until=until, full=full, state_path=state_path, progress=interrupts,
                rejects=report, timeout=timeout, max_retries=max_retries, jobs=jobs)
            if result.summary.loaded or result.summary.deleted:
                publish_final(store)
                render_after_write(settings, store, jobs, prerender)
    show_summary(result.summary, report, as_json, "harvest", lambda _: result.to_dict())
    if not as_json:
        out.stderr.print(_describe(result), markup=False, soft_wrap=True)
    ctx.exit(result.exit_code)


def _incomplete(url: str) -> Any:
    """The JSON of a harvest stopped early (Ctrl-C, a failing store): what a complete
    one prints, its summary so far, and "complete": false."""
    return lambda summary: {"url": url, "complete": False, "summary": summary.to_dict()}


@click.command("harvest")
@_apply(_OPTIONS)
@with_settings
@click.pass_context
def harvest(ctx: click.Context, settings: Settings, **options: Any) -> None:
    """Harvest an OAI-PMH repository (ListRecords) into the store, incrementally."""
    _harvest(ctx, settings, **options)


def _describe(result: Any) -> str:
    """One line on what was asked and where the next run will start."""
    asked = f"from {result.from_}" if result.from_ else "everything"
    nothing_new = result.complete and not result.pages
    fetched = "nothing new (noRecordsMatch)" if nothing_new else f"{result.pages} page(s)"
    if result.deletions_received:  # the table's "deleted" counts them, held here or not
        fetched += f", {result.deletions_received} deletion(s) received"
    line = (f"harvest of {result.url} ({result.metadata_prefix}"
            f"{', set ' + result.set_spec if result.set_spec else ''}): {asked}, {fetched}")
    if result.complete:
        return f"{line}; next run from {result.next_from or 'the beginning'}"
    if result.state_from_refused:  # running it again would be refused again
        return (f"{line}; INCOMPLETE: the repository refused the from of the saved harvest "
                "state; run it with --full, or with --from DATE")
    return f"{line}; INCOMPLETE, harvest state not moved: run it again"

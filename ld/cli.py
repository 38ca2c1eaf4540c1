"""``ldpub``: load, check, inspect, dump and serve library records as Linked Data.

Commands
--------
``ldpub load PATH... [--format NAME] [--rejects FILE] [--jobs N] [--[no-]render] [--json]``
    Read any mix of supported files (``-`` is standard input; gzip is
    detected), map every record to RDF, validate it with the SHACL shapes and
    store the valid ones (one named graph per record; a re-load replaces a
    record). ``--format`` forces a reader instead of detecting it from the
    content. Rejected records go to the rejects report (JSON Lines;
    ``--rejects`` or the ``rejects`` setting). Shows a progress bar on a
    terminal, then a summary: read, loaded, replaced, unchanged, rejected, deleted,
    warnings, triples, seconds (``--json``: the same as one JSON object).
    Publishes a new snapshot for ``ldpub serve`` at the end (and every
    minute during a long load). Then brings ``ldpub render``'s records up to
    date when the store has them (``--render``: always; ``--no-render``: never).
    Ctrl-C stops it: the batches stored so far are kept and published, the
    summary so far is shown with a line saying where it stopped, and the exit
    code is 130; SIGTERM likewise, with exit code 143.
``ldpub validate PATH... [--format human|json|ttl] [--input-format NAME] [--jobs N]``
    Dry run: read, map and validate, store nothing. ``human`` names file,
    position, record, property and message of every problem; ``json`` is
    JSON Lines (one object per record or error); ``ttl`` is a
    ``sh:ValidationReport`` in Turtle, records and files that cannot be read
    included. ``--input-format`` forces a reader, as ``load --format`` does.
``ldpub stats [--json]``
    Records, triples and instances per class in the store.
``ldpub dump --format nt|nt.gz|ttl|nq|nq.gz|jsonld [-o FILE]``
    The whole dataset, streamed to standard output (or FILE, written beside
    it and renamed into place when whole); ``.gz`` formats are
    gzip-compressed as they stream. ``nq`` and ``jsonld`` keep the named
    graphs (one per record); ``nt`` and ``ttl`` give the union graph.
    ``stats`` and ``dump`` only read: during a load, its last published snapshot.
``ldpub delete ID...``
    Remove records by id (trimmed, as a load trims them).
``ldpub serve [--debug]``
    Serve Linked Data pages and the SPARQL endpoint from the store's latest
    published snapshot.
``ldpub demo [--debug]``
    Load the bundled sample records when the store is empty, then serve.
``ldpub harvest ...``
    Harvest an OAI-PMH repository (see ``ldpub harvest --help``).
``ldpub render [--jobs N] [--json]``
    Make every record's Turtle, JSON-LD and HTML once for the server (only
    records changed since the last run); see ``ld/cli_render.py``.
    ``stats``, ``dump``, ``delete`` and ``render`` refuse a store that does
    not exist rather than make an empty one.

Where they live: ``load``, ``validate``, ``serve`` and ``demo`` here;
``stats``, ``dump`` and ``delete`` in ``ld/cli_store.py``; ``harvest`` and
``render`` in ``ld/cli_harvest.py`` and ``ld/cli_render.py``. Those modules
never import this group; it registers their commands at the end.

Settings: every command takes the settings flags (``--store``,
``--base-uri``, ...), which may also be given before the command; each can
also be set by its ``LDPUB_*`` environment variable. Flags win over the
environment, which wins over the defaults.

Exit codes
----------
0
    Everything was loaded, valid, found (or done).
1
    Some records were rejected or do not validate; the rest were loaded.
2
    Unusable input (unknown format, unreadable or truncated file), a usage
    error, or a store error. Records before the failure point are kept.
130
    Interrupted (Ctrl-C, SIGINT; 128 + 2, the shell's convention). A load
    keeps the batches it stored and shows its summary so far.
141
    ``dump`` to standard output stopped because its reader did
    (``ldpub dump | head``), quietly, as ``cat`` does.
143
    Stopped by SIGTERM (128 + 15: systemd, ``docker stop``): every command
    but ``serve`` stops as after Ctrl-C (a load or a harvest keeps the
    batches it stored; a dump removes its temporary files).
"""

from __future__ import annotations

import sys
from typing import Any

import click

from ld import cli_output as out
from ld import cli_signals, cli_store
from ld.cli_paths import InputPath
from ld.cli_render import RENDER_OPTION, refuse_remote_render, render, render_after_write
from ld.cli_run import guarded_run, show_summary
from ld.cli_settings import OVERRIDES, settings_options, with_settings
from ld.cli_store import DUMP_FORMATS, EXIT_INTERRUPTED, open_for_command, publish_final
from ld.config import Settings, data_dir
from ld.config_values import PER_CORE, process_limit
from ld.errors import LdpubError
from ld.rejects import RejectsReport

__all__ = ["DUMP_FORMATS", "EXIT_INTERRUPTED", "PUBLISH_EVERY", "LdpubGroup", "main"]

PUBLISH_EVERY = 60.0  # seconds: a long load shows up in `ldpub serve` as it goes


class LdpubGroup(click.Group):
    """Turns LdpubError into its located message on stderr and its exit code, and
    Ctrl-C into exit code 130 (click's own "Aborted!" exits 1, "some records rejected"),
    SIGTERM into 143."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            with cli_signals.sigterm_as_interrupt():
                return super().invoke(ctx)
        except LdpubError as err:
            out.stderr.print(f"ldpub: error: {err}", markup=False, soft_wrap=True)
            ctx.exit(err.exit_code)
        except KeyboardInterrupt as stop:
            terminated = isinstance(stop, cli_signals.Terminated)
            out.stderr.print(f"ldpub: interrupted ({'SIGTERM' if terminated else 'Ctrl-C'})",
                             markup=False)
            ctx.exit(cli_signals.EXIT_TERMINATED if terminated else EXIT_INTERRUPTED)


@click.group(cls=LdpubGroup,
             help="ldpub: load, check, inspect, dump and serve library records as Linked Data.",
             epilog="Exit codes: 0 everything loaded/valid; 1 some records rejected (the rest "
                    "loaded); 2 unusable input, usage error or store error; 130 interrupted "
                    "(Ctrl-C; a load keeps what it stored); 141 dump's reader stopped early; "
                    "143 stopped by SIGTERM (a load keeps what it stored). "
                    "Every setting can also be given as its LDPUB_* environment variable.")
@settings_options
@click.version_option(package_name="ldpub")
@click.pass_context
def main(ctx: click.Context, **overrides: Any) -> None:
    """Settings flags given before the command, for the command to resolve with its own.

    Not resolved here: a bad ``LDPUB_*`` variable then stopped the command
    before a flag given after the command name could override it.
    """
    ctx.meta[OVERRIDES] = {k: v for k, v in overrides.items() if v is not None}


def _check_reader(_ctx: click.Context, _param: click.Parameter, value: str | None) -> Any:
    from ld.readers import reader_names

    if value is not None and value not in reader_names():
        raise click.BadParameter(f"{value!r} is not a reader; use one of: "
                                 + ", ".join(reader_names()))
    return value


PATHS = click.argument("paths", nargs=-1, required=True, type=InputPath())


JOBS = click.option("--jobs", type=click.IntRange(0, process_limit()), default=None,
                    help="Worker processes for mapping and validation (default: one per "
                         f"CPU; 0: none; at most {PER_CORE} per CPU).")


@main.command()
@PATHS
@click.option("--format", "input_format", callback=_check_reader,
              help="Reader to use instead of detecting it from the content.")
@JOBS
@RENDER_OPTION
@click.option("--json", "as_json", is_flag=True, help="Print the summary as JSON.")
@with_settings
@click.pass_context
def load(ctx: click.Context, settings: Settings, paths: tuple[str, ...],
         input_format: str | None, jobs: int | None, prerender: bool | None,
         as_json: bool) -> None:
    """Load records from files (- for stdin) into the store (Ctrl-C: keep what is stored)."""
    from ld.ingest import ingest_paths

    refuse_remote_render(settings, prerender)
    with open_for_command(settings) as store:  # first: a refused load keeps the last report
        report = RejectsReport(settings.rejects_path)
        with guarded_run(ctx, "load", report, as_json) as interrupts:
            summary = ingest_paths(
                list(paths), format=input_format, settings=settings, jobs=jobs,
                store=interrupts.wrap(store), progress=interrupts, rejects=report,
                publish_every=PUBLISH_EVERY)
            publish_final(store)
            render_after_write(settings, store, jobs, prerender)
    show_summary(summary, report, as_json, "load")
    ctx.exit(summary.exit_code)


@main.command()
@PATHS
@click.option("--format", "output", type=click.Choice(["human", "json", "ttl"]),
              default="human", show_default=True,
              help="Report format: human (readable), json (JSON Lines: one object per record "
                   "or error), ttl (a SHACL sh:ValidationReport in Turtle).")
@click.option("--input-format", callback=_check_reader,
              help="Reader to use instead of detecting it from the content.")
@JOBS
@with_settings
@click.pass_context
def validate(ctx: click.Context, settings: Settings, paths: tuple[str, ...], output: str,
             input_format: str | None, jobs: int | None) -> None:
    """Dry run: map and validate, print the SHACL report, store nothing."""
    from ld.dryrun import validate_paths

    worst, checked, reports, errors = 0, 0, [], []
    for item in validate_paths(list(paths), format=input_format, settings=settings, jobs=jobs):
        checked += 0 if isinstance(item, LdpubError) and item.exit_code == 2 else 1
        worst = max(worst, _severity(item))
        if output == "ttl":
            _ttl_item(item, reports, errors)
        elif output == "json":
            click.echo(out.report_json(item))
        elif (text := out.human_report(item)) is not None:
            click.echo(text)
    if output == "ttl":
        from ld.validation import dry_run_report

        click.echo(dry_run_report(reports, errors, settings.base_uri).serialize(format="turtle"))
    elif output == "human":
        verdict = {0: "all valid", 1: "some records rejected", 2: "input errors"}[worst]
        noun = "record" if checked == 1 else "records"
        out.stderr.print(f"{checked:,} {noun} checked: {verdict}", markup=False)
    ctx.exit(worst)


def _severity(item: Any) -> int:
    if isinstance(item, LdpubError):
        return item.exit_code
    return 0 if item.conforms else 1


def _ttl_item(item: Any, reports: list[Any], errors: list[LdpubError]) -> None:
    """Reports and errors both go into the Turtle report; errors are also told on stderr."""
    if isinstance(item, LdpubError):
        out.stderr.print(out.human_report(item), markup=False, soft_wrap=True)
        errors.append(item)
    else:
        reports.append(item)


@main.command()
@click.option("--debug", is_flag=True, help="Flask debug mode (development only).")
@with_settings
def serve(settings: Settings, debug: bool) -> None:
    """Serve Linked Data and SPARQL from the latest published snapshot."""
    from ld.web.serve import run

    cli_signals.leave_sigterm_to_the_server()
    run(settings, debug=debug)


@main.command()
@click.option("--debug", is_flag=True, help="Flask debug mode (development only).")
@with_settings
def demo(settings: Settings, debug: bool) -> None:
    """Load the bundled sample into an empty store, then serve it.
    \f
    The load runs in a child process: a process that has used RocksDB must
    not fork the serving workers (RocksDB's process-wide thread pool does
    not survive a fork, and the workers then hung or crashed on exit), and
    the server forks them from this one. (``\\f`` ends what ``--help`` shows.)
    Under ``--debug``, the process Werkzeug's reloader starts to serve runs
    this command again: its parent has checked the port and loaded already.
    """
    import multiprocessing

    from ld.web.serve import check_address, in_reloader_child, run

    if not (debug and in_reloader_child()):
        check_address(settings.host, settings.port)  # before the load, not after it
        child = multiprocessing.get_context("spawn").Process(target=_load_sample,
                                                             args=(settings,))
        child.start()
        child.join()
        if child.exitcode:
            raise click.exceptions.Exit(child.exitcode)
    cli_signals.leave_sigterm_to_the_server()
    run(settings, debug=debug)


def _load_sample(settings: Settings) -> None:
    """``ldpub demo``'s first step (in a child process): the sample, when the store is empty."""
    from ld.ingest import ingest_paths

    try:
        with open_for_command(settings) as store:
            if store.record_count() == 0:
                files = sorted(str(p) for p in data_dir("sample").iterdir() if p.is_file())
                summary = ingest_paths(files, settings=settings, store=store,
                                       rejects=settings.rejects_path, jobs=0)
                out.print_summary(summary, [])
                publish_final(store)
                render_after_write(settings, store, 0, True)
    except LdpubError as err:
        out.stderr.print(f"ldpub: error: {err}", markup=False, soft_wrap=True)
        sys.exit(err.exit_code)


from ld.cli_harvest import harvest  # noqa: E402 - registered after the core commands

main.add_command(cli_store.stats)
main.add_command(cli_store.dump)
main.add_command(cli_store.delete)
main.add_command(harvest)
main.add_command(render)

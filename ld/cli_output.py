"""What the CLI shows people: progress bar, summary and stats tables, reports.

Kept apart from the commands (ld/cli.py) so that those read as what they
do. Everything for people goes through rich; output for programs (JSON, RDF)
is written plainly by the commands. Text that comes from outside (file
names, records, a repository's error messages) is never read as rich markup
or emoji codes: a file named ``a[/b].json`` must be shown, not crash the
command (:func:`escape`).
"""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from typing import Any

from rich.console import Console
from rich.markup import escape
from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from rich.table import Table

from ld.errors import LdpubError
from ld.labels import compact
from ld.rejects import describe, error_entry
from ld.summary import Summary

stdout = Console(highlight=False, emoji=False)
stderr = Console(stderr=True, highlight=False, emoji=False)
SHOWN_REJECTS = 10  # rejected records listed under a summary


_IRI = re.compile(r"https?://[^\s|()<>]+")


def short(text: str | None) -> str:
    """Every IRI in ``text`` (one IRI, or a SHACL path such as ``a | b``) as a CURIE."""
    return _IRI.sub(lambda m: compact(m.group()), text or "")


@contextmanager
def live_line(enabled: bool, first: str, describe: Callable[[Any], str]) -> Iterator[Any]:
    """A live progress line on a terminal, ``describe(state)`` at each update; nothing
    (None) otherwise. What load, harvest and render show while they work."""
    if not enabled:
        yield None
        return
    columns = (SpinnerColumn(), TextColumn("{task.description}", markup=False),
               TimeElapsedColumn())
    with Progress(*columns, console=stderr, transient=True) as bar:
        task = bar.add_task(first, total=None)
        yield lambda state: bar.update(task, description=describe(state))


def load_progress(enabled: bool) -> AbstractContextManager[Any]:
    """records/s and rejected so far, for load and harvest."""
    return live_line(enabled, "starting...", lambda summary: (
        f"read {summary.read:,}  loaded {summary.loaded:,}  "
        f"rejected {summary.rejected:,}  {summary.rate:,.0f} records/s"))


def summary_table(summary: Summary, command: str = "load") -> Table:
    table = Table(title=f"ldpub {command}", show_header=False)
    table.add_column("", style="bold")
    table.add_column("", justify="right")
    rows = [("read", summary.read), ("loaded", summary.loaded),
            ("replaced", summary.replaced), ("unchanged", summary.unchanged),
            ("rejected", summary.rejected),
            ("deleted", summary.deleted), ("warnings", summary.warnings),
            ("triples", summary.triples)]
    for name, value in rows:
        table.add_row(name, f"{value:,}")
    table.add_row("seconds", f"{summary.seconds:,.2f}")
    table.add_row("records/s", f"{summary.rate:,.0f}")
    return table


def print_summary(summary: Summary, samples: list[dict[str, Any]],
                  command: str = "load") -> None:
    """Summary table on stdout; errors and the first rejects on stderr."""
    stdout.print(summary_table(summary, command))
    for error in summary.errors:
        stderr.print(f"[red]error:[/red] {escape(error)}", soft_wrap=True)
    print_repeated(summary)
    rejected = [e for e in samples if e["kind"] != "input-error"][:SHOWN_REJECTS]
    for entry in rejected:
        stderr.print(f"rejected: {describe(entry)}", markup=False, soft_wrap=True)
    if summary.rejected > len(rejected):
        stderr.print(f"... and {summary.rejected - len(rejected):,} more rejected",
                     markup=False)
    if (summary.rejected or summary.errors) and summary.rejects_file:
        stderr.print(f"rejects report: {summary.rejects_file}", markup=False, soft_wrap=True)


def print_repeated(summary: Summary) -> None:
    """The warnings of ids that came twice in this load (ld.repeats): the first few, then
    how many more and where to find them; the later version is the one stored."""
    for warning in summary.repeated_ids[:SHOWN_REJECTS]:
        stderr.print(f"warning: {warning}", markup=False, soft_wrap=True)
    more = summary.repeated - min(SHOWN_REJECTS, len(summary.repeated_ids))
    if more > 0:
        stderr.print(f"... and {more:,} more records whose id came earlier in this load "
                     f"(--json lists the first {len(summary.repeated_ids):,})", markup=False)


def print_interrupted(summary: Summary, command: str = "load", by: str = "Ctrl-C") -> None:
    """For a load (or harvest) stopped by Ctrl-C or SIGTERM (``by``; nothing otherwise):
    what it kept, and what to do. A harvest's saved state is not moved, so running it
    again resumes."""
    if summary.interrupted:
        stderr.print(f"{command} interrupted ({by}) after {summary.read:,} records were "
                     "stored or rejected; whole batches are kept and the store is consistent; "
                     f"the records after them were not loaded: run the same {command} again "
                     "to finish", markup=False, soft_wrap=True)


def stats_table(stats: dict[str, Any]) -> Table:
    table = Table(title="ldpub stats")
    table.add_column("what")
    table.add_column("count", justify="right")
    table.add_row("records", f"{stats['records']:,}")
    table.add_row("triples", f"{stats['triples']:,}")
    for cls, count in stats["classes"].items():
        table.add_row(escape(short(cls)), f"{count:,}")
    return table


def human_report(item: Any) -> str | None:
    """A readable block for one validated record (None when it has no results)."""
    if isinstance(item, LdpubError):
        entry = error_entry(item)
        return f"{'ERROR' if entry['kind'] == 'input-error' else 'REJECTED'}  {describe(entry)}"
    if not item.results:
        return None
    source = getattr(item, "source", None)
    where = ", ".join(p for p in (source.file, source.position) if p) if source else ""
    head = "REJECTED" if not item.conforms else "WARNINGS"
    lines = [f"{head}  {where}, record {item.record_id!r}"]
    for r in item.results:
        value = f" = {r.value!r}" if r.value is not None else ""
        lines.append(f"  {r.severity:<9} {short(r.path) or '(node)'}{value}: {r.message}")
    return "\n".join(lines)


def report_json(item: Any) -> str:
    """One JSON line per validated record or error."""
    if isinstance(item, LdpubError):
        return json.dumps(error_entry(item), ensure_ascii=False)
    data = dict(item.to_json())
    source = getattr(item, "source", None)
    if source is not None:
        data.update(file=source.file, position=source.position, format=source.format)
    return json.dumps(data, ensure_ascii=False)


def is_tty() -> bool:
    return sys.stderr.isatty()

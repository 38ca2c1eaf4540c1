"""What the CLI shows people: progress bar, summary and stats tables, reports.

Kept apart from the commands (ld/cli.py) so that those read as what they
do. Everything for people goes through rich; output for programs (JSON, RDF)
is written plainly by the commands.
"""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from typing import Any

from rich.console import Console
from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from rich.table import Table

from ld.errors import LdpubError
from ld.labels import compact
from ld.rejects import describe, error_entry
from ld.summary import Summary

stdout = Console(highlight=False)
stderr = Console(stderr=True, highlight=False)


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
    columns = (SpinnerColumn(), TextColumn("{task.description}"), TimeElapsedColumn())
    with Progress(*columns, console=stderr, transient=True) as bar:
        task = bar.add_task(first, total=None)
        yield lambda state: bar.update(task, description=describe(state))


def load_progress(enabled: bool) -> AbstractContextManager[Any]:
    """records/s and rejected so far, for load and harvest."""
    return live_line(enabled, "starting...", lambda summary: (
        f"read {summary.read:,}  loaded {summary.loaded:,}  "
        f"rejected {summary.rejected:,}  {summary.rate:,.0f} records/s"))


def summary_table(summary: Summary) -> Table:
    table = Table(title="ldpub load", show_header=False)
    table.add_column("", style="bold")
    table.add_column("", justify="right")
    rows = [("read", summary.read), ("loaded", summary.loaded),
            ("replaced", summary.replaced), ("rejected", summary.rejected),
            ("deleted", summary.deleted), ("warnings", summary.warnings),
            ("triples", summary.triples)]
    for name, value in rows:
        table.add_row(name, f"{value:,}")
    table.add_row("seconds", f"{summary.seconds:,.2f}")
    table.add_row("records/s", f"{summary.rate:,.0f}")
    return table


def print_summary(summary: Summary, samples: list[dict[str, Any]]) -> None:
    """Summary table on stdout; errors and the first rejects on stderr."""
    stdout.print(summary_table(summary))
    for error in summary.errors:
        stderr.print(f"[red]error:[/red] {error}", markup=True, soft_wrap=True)
    for entry in samples[:10]:
        if entry["kind"] != "input-error":
            stderr.print(f"rejected: {describe(entry)}", markup=False, soft_wrap=True)
    if summary.rejected > 10:
        stderr.print(f"... and {summary.rejected - 10:,} more rejected", markup=False)
    if (summary.rejected or summary.errors) and summary.rejects_file:
        stderr.print(f"rejects report: {summary.rejects_file}", markup=False, soft_wrap=True)


def stats_table(stats: dict[str, Any]) -> Table:
    table = Table(title="ldpub stats")
    table.add_column("what")
    table.add_column("count", justify="right")
    table.add_row("records", f"{stats['records']:,}")
    table.add_row("triples", f"{stats['triples']:,}")
    for cls, count in stats["classes"].items():
        table.add_row(short(cls), f"{count:,}")
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

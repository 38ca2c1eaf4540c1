"""``ldpub stats``, ``dump`` and ``delete``: commands over the stored dataset as a whole.

Registered on the ``ldpub`` group by :mod:`ld.cli`. Unlike ``load`` and
``validate`` they read no input records: they count, stream or remove what
the store already holds. Also here, because every command that touches the
store needs them: opening it (``ld.store`` imported only then, so that
``ldpub --help`` does not load pyoxigraph) and the final publish of a
command that changed it. Exit codes: 0 done; 2 a missing record id or a
store error; 141 when the reader of ``dump``'s standard output stopped early.
"""

from __future__ import annotations

import gzip
import json
import os
import signal
import sys
from contextlib import ExitStack
from typing import Any, BinaryIO

import click

from ld import cli_output as out
from ld.cli_settings import with_settings
from ld.config import Settings
from ld.errors import NotFound
from ld.formats import get as get_format
from ld.uris import record_graph

DUMP_FORMATS = ("nt", "nt.gz", "ttl", "nq", "nq.gz", "jsonld")
_CLASS_COUNTS = ("SELECT ?class (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s a ?class } "
                 "GROUP BY ?class ORDER BY DESC(?n) ?class")


def open_for_command(settings: Settings) -> Any:
    """The configured store, importing the store modules only when a command needs them."""
    from ld.store import open_store

    return open_store(settings)


def publish_final(store: Any) -> None:
    """The final publish of a command: compacted, since the server reads it from now on."""
    store.publish(compact=True)


@click.command()
@click.option("--json", "as_json", is_flag=True, help="Print the numbers as JSON.")
@with_settings
def stats(settings: Settings, as_json: bool) -> None:
    """Records, triples and instances per class."""
    with open_for_command(settings) as store:
        numbers = {
            "records": store.record_count(),
            "triples": store.count_triples(),
            "classes": {str(row["class"]): int(row["n"])
                        for row in store.select(_CLASS_COUNTS)},
        }
    if as_json:
        click.echo(json.dumps(numbers, indent=2))
    else:
        out.stdout.print(out.stats_table(numbers))


@click.command()
@click.option("--format", "fmt", type=click.Choice(DUMP_FORMATS), required=True,
              help="Serialisation; .gz ones are gzip-compressed.")
@click.option("-o", "--output", type=click.Path(dir_okay=False, allow_dash=True), default="-",
              help="File to write (default: standard output).")
@with_settings
def dump(settings: Settings, fmt: str, output: str) -> None:
    """Stream the whole dataset."""
    media_type = get_format(fmt.removesuffix(".gz")).media_type
    try:
        with ExitStack() as stack:
            sink: BinaryIO = (sys.stdout.buffer if output == "-"
                              else stack.enter_context(open(output, "wb")))
            if fmt.endswith(".gz"):
                sink = stack.enter_context(gzip.GzipFile(fileobj=sink, mode="wb", mtime=0))
            store = stack.enter_context(open_for_command(settings))
            store.dump(sink, media_type)
        if output == "-":
            sys.stdout.buffer.flush()
    except BrokenPipeError:
        _reader_went_away()


def _reader_went_away() -> None:
    """``ldpub dump | head``: the reader stopped early. Exit as ``cat`` would (quietly,
    with the status of SIGPIPE, 141), not with a store error: the store is fine.
    Standard output goes to /dev/null first, so the interpreter's final flush does
    not fail again (the way Python's documentation for SIGPIPE shows)."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())
    sys.exit(128 + signal.SIGPIPE)


@click.command()
@click.argument("ids", nargs=-1, required=True)
@with_settings
def delete(settings: Settings, ids: tuple[str, ...]) -> None:
    """Remove records by id (all that exist are removed; a missing id is an error)."""
    graphs = {i: record_graph(settings.base_uri, i) for i in ids}
    with open_for_command(settings) as store:
        missing = [i for i, g in graphs.items() if not store.has_graph(g)]
        removed = store.delete_records([g for i, g in graphs.items() if i not in missing])
        if removed:
            publish_final(store)
    click.echo(f"deleted {removed} record(s)")
    if missing:
        raise NotFound("no such record in the store: " + ", ".join(missing),
                       hint="ids are the source record ids, e.g. pubmed-6839263")

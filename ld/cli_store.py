"""``ldpub stats``, ``dump`` and ``delete``: commands over the stored dataset as a whole.

Registered on the ``ldpub`` group by :mod:`ld.cli`. Unlike ``load`` and
``validate`` they read no input records: they count, stream or remove what
the store already holds, so they refuse a store that does not exist (a
mistyped ``--store`` must not create an empty one and report nothing).
``stats`` and ``dump`` only read: while another process writes (a load),
or where the store cannot be written (a read-only mount), they read the
latest published snapshot, as ``ldpub serve`` does, and say so. Also here,
because every command that touches the store needs them: opening it
(``ld.store`` imported only then, so that ``ldpub --help`` does not load
pyoxigraph) and the final publish of a command that changed it.
Exit codes: 0 done; 2 a missing record id, no store, an unwritable output
or a store error; 141 when the reader of ``dump``'s standard output stopped
early.
"""

from __future__ import annotations

import errno
import gzip
import json
import os
import signal
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, BinaryIO

import click

from ld import cli_output as out
from ld.atomic import write_atomically
from ld.cli_settings import with_settings
from ld.config import Settings
from ld.errors import LdpubError, NotFound, StoreError
from ld.formats import get as get_format
from ld.uris import record_graph

EXIT_INTERRUPTED = 130  # 128 + SIGINT: what a shell reports for a command stopped by Ctrl-C
DUMP_FORMATS = ("nt", "nt.gz", "ttl", "nq", "nq.gz", "jsonld")
_CLASS_COUNTS = ("SELECT ?class (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s a ?class } "
                 "GROUP BY ?class ORDER BY DESC(?n) ?class")


def open_for_command(settings: Settings, *, writes: bool = True) -> Any:
    """The store to write, importing the store modules only when a command needs them.

    The embedded store's lock is taken in the command's name ("ldpub load"),
    which is what another command refused meanwhile tells its user. A base URI
    other than the one the store's records were minted under is refused
    (:mod:`ld.store.minted`).
    """
    from ld.store import minted, open_store

    ctx = click.get_current_context(silent=True)
    store = open_store(settings, purpose=ctx.command_path if ctx else None)
    try:
        if writes and settings.store_is_remote:  # refused before any input is read
            minted.check_remote(store, settings.base_uri)
        elif writes:  # reading mints nothing: any base will do
            minted.note(store, settings.store, settings.base_uri)  # the base it was loaded under
    except LdpubError:
        store.close()
        raise
    return store


def require_store(settings: Settings) -> None:
    """Refuse an embedded store that does not exist, before anything creates it."""
    if settings.store_is_remote or (Path(settings.store) / "primary").is_dir():
        return
    raise StoreError(f"no store at {settings.store}",
                     hint="load records first, or check --store / LDPUB_STORE")


def open_for_reading(settings: Settings) -> Any:
    """The store for a command that only reads: the primary, as a writer would open
    it, or its latest published snapshot while another process holds it (a load)
    or where it cannot be written (a read-only mount, another account's store).

    Reading the snapshot is what ``ldpub serve`` does; the command says so on
    standard error, since the snapshot may lag the primary. Writes the primary
    holds and no snapshot does (a load or delete killed before its publish) are
    published first, so that what the command reports is what the site serves.
    """
    from ld.store import lock

    require_store(settings)
    try:
        store = open_for_command(settings, writes=False)
    except StoreError as refused:
        if settings.store_is_remote:
            raise
        unwritable = _unwritable(refused, settings.store)
        if unwritable:
            return _latest_snapshot(settings, unwritable, _NOT_PUBLISHED_HERE)
        if not lock.is_locked(Path(settings.store)):
            raise
        return _latest_snapshot(settings, refused.message, _NOT_PUBLISHED_YET)
    if not settings.store_is_remote:
        _publish_left_over(store)
    return store


def _publish_left_over(primary: Any) -> None:
    """Publish what a writer that stopped left unpublished, and say so: the site served
    the data from before it until now. A failure is said too; the command goes on."""
    from ld.store import publish_left_over

    try:
        name = publish_left_over(primary)
    except (OSError, StoreError) as err:
        out.stderr.print(f"ldpub: could not publish the writes a stopped command left "
                         f"unpublished (ldpub serve still serves the data from before it): "
                         f"{err}", markup=False, soft_wrap=True)
        return
    if name is not None:
        out.stderr.print(f"ldpub: published the writes a stopped command left unpublished "
                         f"in {primary.root} (snapshot {name}): ldpub serve serves them now",
                         markup=False, soft_wrap=True)


_NOT_PUBLISHED_YET = "a load publishes one every minute: try again then, or when it is done"
_NOT_PUBLISHED_HERE = ("snapshots are published where the store can be written (by a load, "
                       "or by `ldpub serve` there)")
_CANNOT_WRITE = frozenset({errno.EROFS, errno.EACCES, errno.EPERM})


def _unwritable(refused: StoreError, store: str) -> str | None:
    """Why the store cannot be opened for writing here, when that is the reason: a
    reader needs neither the writer's lock file nor the primary."""
    cause = refused.__cause__
    if isinstance(cause, OSError) and cause.errno in _CANNOT_WRITE:
        return f"the store at {store} cannot be written here ({cause.strerror})"
    return None


def _latest_snapshot(settings: Settings, why: str, hint: str) -> Any:
    """The published snapshot of a store this command cannot open for writing (``why``);
    an error without one."""
    from ld.store import open_reader

    reader = open_reader(settings)
    path = reader.snapshot_path
    if path is None:
        reader.close()
        raise StoreError(f"{why}, and no snapshot of it is published yet", hint=hint)
    when = datetime.fromtimestamp(os.stat(path).st_mtime, UTC).strftime("%Y-%m-%d %H:%M:%S")
    out.stderr.print(f"ldpub: {why}; reading its latest published snapshot "
                     f"({Path(path).name}, published {when} UTC)",
                     markup=False, soft_wrap=True)
    return reader


def publish_final(store: Any) -> None:
    """The final publish of a command: compacted, since the server reads it from now on."""
    store.publish(compact=True)


@click.command()
@click.option("--json", "as_json", is_flag=True, help="Print the numbers as JSON.")
@with_settings
def stats(settings: Settings, as_json: bool) -> None:
    """Records, triples and instances per class (during a load: of its last snapshot)."""
    from ld.store import mapping_version

    with open_for_reading(settings) as store:
        numbers = {
            "records": store.record_count(),
            "triples": store.count_triples(),
            "classes": {str(row["class"]): int(row["n"])
                        for row in store.select(_CLASS_COUNTS)},
            # the URI rules its records were minted under (null: unknown, or a remote store)
            "mapping_version": mapping_version.of_settings(settings),
        }
    if as_json:
        click.echo(json.dumps(numbers, indent=2))
    else:
        out.stdout.print(out.stats_table(numbers))


@click.command()
@click.option("--format", "fmt", type=click.Choice(DUMP_FORMATS), required=True,
              help="Serialisation; .gz ones are gzip-compressed.")
@click.option("-o", "--output", type=click.Path(dir_okay=False, allow_dash=True), default="-",
              help="File to write (default: standard output); written beside it and "
                   "renamed into place when whole, so a failed dump leaves it as it was.")
@with_settings
def dump(settings: Settings, fmt: str, output: str) -> None:
    """Stream the whole dataset (during a load: its last published snapshot)."""
    with open_for_reading(settings) as store:
        if output == "-":
            _dump_to_stdout(store, fmt)
        else:
            _dump_to_file(store, fmt, Path(output))


def _write_dump(store: Any, sink: BinaryIO, fmt: str, scratch: Path | None = None) -> None:
    """The dataset in ``fmt`` into ``sink``, gzip-compressed as it streams for .gz
    (temporary files of a one-graph dump in ``scratch``, None: the system's)."""
    media_type = get_format(fmt.removesuffix(".gz")).media_type
    if not fmt.endswith(".gz"):
        store.dump(sink, media_type, scratch=scratch)
        return
    with gzip.GzipFile(fileobj=sink, mode="wb", mtime=0) as zipped:
        store.dump(zipped, media_type, scratch=scratch)


def _dump_to_stdout(store: Any, fmt: str) -> None:
    try:
        _write_dump(store, sys.stdout.buffer, fmt)
        sys.stdout.buffer.flush()
    except BrokenPipeError:
        _reader_went_away()


def _dump_to_file(store: Any, fmt: str, target: Path) -> None:
    """Beside ``target``, renamed into place when whole: a dump that fails (disk
    full, a store error) leaves the previous file as it was, never empty or half."""
    mode = _new_file_mode(target)

    def write(sink: BinaryIO) -> None:
        os.fchmod(sink.fileno(), mode)
        _write_dump(store, sink, fmt, target.parent)

    try:
        write_atomically(target, write)
    except OSError as exc:
        raise LdpubError(f"-o/--output {target}: cannot write the dump: {exc.strerror or exc}",
                         hint="give -o a file in an existing directory you can write to, "
                              "with free space; a file already there is unchanged") from exc


def _new_file_mode(target: Path) -> int:
    """The mode ``open(target, "w")`` would give: the old file's, else 0o666 less the umask
    (the temporary file beside it is created 0o600)."""
    try:
        return target.stat().st_mode & 0o7777
    except OSError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask


def _reader_went_away() -> None:
    """``ldpub dump | head``: the reader stopped early. Exit as ``cat`` would (quietly,
    with the status of SIGPIPE, 141), not with a store error: the store is fine.
    Standard output goes to /dev/null first, so the interpreter's final flush does
    not fail again (the way Python's documentation for SIGPIPE shows)."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())
    sys.exit(128 + signal.SIGPIPE)


def _record_ids(_ctx: click.Context, _param: click.Parameter, ids: tuple[str, ...]) -> list[str]:
    """Ids trimmed as the readers trim them (a load stores ' x ' as 'x'); none empty."""
    trimmed = [i.strip() for i in ids]
    if not all(trimmed):
        raise click.BadParameter("an id is empty; give the ids of stored records, "
                                 "e.g. pubmed-6839263")
    return trimmed


@click.command()
@click.argument("ids", nargs=-1, required=True, callback=_record_ids)
@with_settings
def delete(settings: Settings, ids: list[str]) -> None:
    """Remove records by id (all that exist are removed; a missing id is an error)."""
    from ld.deletion import delete_records  # imports the store's modules (pyoxigraph)

    require_store(settings)
    graphs = {i: record_graph(settings.base_uri, i) for i in ids}
    with open_for_command(settings) as store:
        missing = [i for i, g in graphs.items() if not store.has_graph(g)]
        removed = delete_records(store, settings.base_uri, [i for i in graphs if i not in missing])
        if removed:
            publish_final(store)
    click.echo(f"deleted {removed} record(s)")
    if missing:
        raise NotFound("no such record in the store: " + ", ".join(missing),
                       hint="ids are the source record ids, e.g. pubmed-6839263")

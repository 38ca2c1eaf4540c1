"""Search over titles and author names: one full-text index per snapshot (SQLite FTS5).

Why: the search box used to run a SPARQL ``CONTAINS`` scan over every title
and name, about 1.5 s per query at 100,000 records and linear beyond. An
FTS5 index answers in milliseconds and searches the way catalogue users
expect: every word of the query must occur (as a word prefix, so "kinet"
finds "kinetics"; a one-letter word only whole), case and diacritics are
ignored ("jurgen" finds "Jürgen", "strasse" "Straße"), and so are the marks,
modifier letters and apostrophes of romanized text ("istoriia" finds
"istorii︠a︡", "ulum" "ʻulūm", "Qur'an" "Qurʼān": :mod:`ld.search_fold`), word
order does not matter unless words are quoted as a phrase, and titles
(alternative titles too: MARC 880 "十八道", "Курс") rank above names (BM25).

Where and when: ``<store>/search/<snapshot>.fts4.sqlite`` (``4``: :data:`FORMAT`,
so an index of an older format or folding is never read), built from the
snapshot it is named after, so it is as immutable as that snapshot and needs no
invalidation. The first serving process that needs it (at worker start, or
on the first search after ``ldpub load`` published a new snapshot) builds it
from a background thread, in a child process (the serving worker keeps its
GIL), with two streamed SPARQL queries (~6 s per 100,000 records; SQLite
groups the rows on disk, so memory stays flat), writes it under a temporary
name and renames it into place, so readers see a whole index or none. Until
then search falls back to the ``CONTAINS`` scan; a build that fails (no write
access, disk full) is retried after :data:`RETRY_AFTER` seconds, with one
warning per try naming the file not built and why, and leaves no temporary
file behind (:mod:`ld.index_builder`).
An OS lock (flock, :mod:`ld.oslock`) on ``<store>/search/build.lock``
elects one builder among the serving workers, and one build at a time
for the whole store: a long load publishes a snapshot every minute, and at a
million records a build takes minutes, so one build per new snapshot piled
up builders that starved the load and the server. A snapshot that arrives
during a build is built after it, on the next request that wants it. The
lock goes with its process, so a builder that died (even by SIGKILL) leaves
nothing to take over.
Indexes of snapshots that no longer exist, and temporary files whose builder is
gone, are removed before a new one is built (they may be what fills the disk).
The same builder then makes the snapshot's links table (:mod:`ld.links_index`).
A remote store has no snapshot, hence no index: it always uses the scan.
"""

from __future__ import annotations

import logging
import re
import shutil
import sqlite3
import threading
import time
from contextlib import closing
from pathlib import Path

import pyoxigraph as ox

from ld import index_builder, links_index, oslock
from ld.search_fold import fold, fold_indexed
from ld.store.snapshots import snapshots_dir

log = logging.getLogger("ldpub.search")
BUILD_LOCK = "build.lock"
RETRY_AFTER = 300.0  # seconds before a failed build is tried again (e.g. no write access)
LOOK_AGAIN = 5.0  # seconds before asking again while another process builds
WORD = re.compile(r"\w+")
# in the file name: 2 added the alternative column and folding, 3 the folding of marks,
# modifier letters and apostrophes (ld.search_fold): bump it when the indexed text changes
FORMAT = 4  # 4: an agent's other names (skos:altLabel: the original script) are names too
_QUOTES = str.maketrans("“”„«»", '"""""')
_ALPHABETS_END = 0x2E80  # CJK and later: one character can be a whole word of its own
_EXTRACT = """PREFIX dcterms: <http://purl.org/dc/terms/>
PREFIX foaf: <http://xmlns.com/foaf/0.1/>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
SELECT ?r ?t ?n
WHERE { GRAPH ?g { ?r dcterms:title ?t
                   OPTIONAL { ?r dcterms:creator|dcterms:contributor ?a .
                              ?a foaf:name|skos:altLabel ?n } }
        FILTER(STRSTARTS(STR(?r), RECORDS)) }"""
# apart from the names: in one query, 5 names and 3 alternative titles make 15 rows
_ALTERNATIVES = """PREFIX dcterms: <http://purl.org/dc/terms/>
SELECT ?r ?alt
WHERE { GRAPH ?g { ?r dcterms:alternative ?alt ; dcterms:title [] }
        FILTER(STRSTARTS(STR(?r), RECORDS)) }"""
# One index row per record. The title stays as it is (results show it); when folding
# changes it, the folded title goes with the alternative titles, which rank as titles.
# fold() here is search_fold.fold_indexed.
_GROUPED = """INSERT INTO records
SELECT record, title, fold(iif(fold(title) = title, '', title) || ' ' || alts), names
FROM (SELECT record, min(title) AS title, coalesce(group_concat(DISTINCT alt), '') AS alts,
             fold(coalesce(group_concat(DISTINCT name), '')) AS names
      FROM rows GROUP BY record)"""
_building: set[str] = set()
_not_before: dict[str, float] = {}  # index path -> no build try before (failed, or elsewhere)
_lock = threading.Lock()


def index_path(root: Path, snapshot: str) -> Path:
    return Path(root) / "search" / f"{snapshot}.fts{FORMAT}.sqlite"


def match_expression(text: str) -> str | None:
    """The FTS5 query for what a user typed; None if it has no word.

    Every word must occur, as a word prefix ("kinet" finds "kinetics"); words
    between double quotes are a phrase: those words, whole, in that order. An
    unpaired quote is ignored. Folded first as the indexed text is, which also leaves
    no combining mark for ``\\w`` (it matches none) to cut a word at."""
    parts = fold(text).translate(_QUOTES).lower().split('"')
    if len(parts) % 2 == 0:  # an odd number of quotes: the last one opens nothing
        parts[-2:] = [f"{parts[-2]} {parts[-1]}"]
    terms = []
    for n, part in enumerate(parts):
        words = WORD.findall(part)
        if n % 2 and words:
            terms.append('"' + " ".join(words) + '"')
        elif not n % 2:
            terms += [_word_term(word) for word in words]
    return " ".join(terms) or None


def _word_term(word: str) -> str:
    """One query word as a prefix; a one-letter word whole (as a prefix, "C++", the
    word "c", matched 1,281 records), unless it is a Chinese or Japanese character."""
    whole = len(word) == 1 and ord(word) < _ALPHABETS_END
    return f'"{word}"' if whole else f'"{word}"*'


def build(store: ox.Store, base: str, path: Path) -> int:
    """Write the index of ``store``'s records to ``path`` (atomically); returns its size."""
    with index_builder.written(path) as tmp, closing(sqlite3.connect(tmp)) as db, db:
        db.create_function("fold", 1, fold_indexed, deterministic=True)
        db.execute("CREATE VIRTUAL TABLE records USING fts5(record UNINDEXED, title, "
                   "alternative, names, tokenize='unicode61 remove_diacritics 2')")
        _stream_rows(db, store, str(ox.Literal(base + "id/record/")))
        db.execute(_GROUPED)
        count = db.execute("SELECT count(*) FROM records").fetchone()[0]
    return int(count)


def _stream_rows(db: sqlite3.Connection, store: ox.Store, records: str) -> None:
    """One row per (record, name) and per (record, alternative title), streamed out of
    the store into a temporary table on disk: SQLite groups them, so a million records
    never sit in this process's memory."""
    db.execute("CREATE TEMP TABLE rows (record TEXT, title TEXT, name TEXT, alt TEXT)")
    db.executemany("INSERT INTO rows VALUES (?, ?, ?, NULL)",
                   ((r["r"].value, r["t"].value, r["n"].value if r["n"] else None)
                    for r in store.query(_EXTRACT.replace("RECORDS", records))))
    db.executemany("INSERT INTO rows VALUES (?, NULL, NULL, ?)",
                   ((r["r"].value, r["alt"].value)
                    for r in store.query(_ALTERNATIVES.replace("RECORDS", records))))


def search(path: Path, text: str, limit: int, offset: int = 0) -> list[tuple[str, str]]:
    """(record IRI, title) of the best matches, best first, from ``offset`` on."""
    return page(path, text, limit, offset)[0]


def page(path: Path, text: str, limit: int, offset: int = 0
         ) -> tuple[list[tuple[str, str]], int]:
    """One page of matches (as :func:`search`) and how many records match in all."""
    expression = match_expression(text)
    if expression is None:
        return [], 0
    db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        rows = db.execute("SELECT record, title FROM records WHERE records MATCH ? "
                          "ORDER BY bm25(records, 0.0, 4.0, 4.0, 1.0), record LIMIT ? OFFSET ?",
                          (expression, limit, offset)).fetchall()
        total = db.execute("SELECT count(*) FROM records WHERE records MATCH ?",
                           (expression,)).fetchone()[0]
    finally:
        db.close()
    return rows, int(total)


def snapshot_of(store: object) -> tuple[Path, str] | None:
    """(store root, snapshot name) of a snapshot reader; None for other stores
    (also where :mod:`ld.versioned` files its values)."""
    opened, root = getattr(store, "opened", None), getattr(store, "root", None)
    if opened is None or root is None:
        return None  # a remote store or a primary: no snapshot to index
    path, _ = opened()
    return None if path is None else (Path(root), Path(path).name)


def for_store(store: object, base: str) -> Path | None:
    """The full-text index of the snapshot ``store`` reads, when it is ready."""
    found = snapshot_of(store)
    return None if found is None else ready(*found, base)


def links_for_store(store: object, base: str) -> Path | None:
    """The links table (:mod:`ld.links_index`) of that snapshot, when it is ready."""
    found = snapshot_of(store)
    if found is None:
        return None
    path = links_index.links_path(*found)
    if path.exists():
        return path
    ready(*found, base)  # starts the build
    return None


def ready(root: Path, snapshot: str, base: str) -> Path | None:
    """The snapshot's index if it exists (starting the links table's build if that is
    missing); else start building both and return None."""
    path = index_path(root, snapshot)
    if path.exists() and links_index.links_path(root, snapshot).exists():
        return path
    with _lock:
        if str(path) in _building or time.monotonic() < _not_before.get(str(path), 0.0):
            return path if path.exists() else None
        _building.add(str(path))
    threading.Thread(target=_build_once, args=(root, snapshot, base),
                     name="ldpub search index", daemon=True).start()
    return path if path.exists() else None


def _build_once(root: Path, snapshot: str, base: str) -> None:
    """Build unless another process is at it; never raises (search falls back)."""
    path = index_path(root, snapshot)
    try:
        _build_locked(root, snapshot, base, path)
    except (OSError, sqlite3.Error, RuntimeError, ValueError) as err:
        _warn_failed(err, path)
        _no_build_for(path, RETRY_AFTER)
    finally:
        with _lock:
            _building.discard(str(path))


def _warn_failed(err: Exception, path: Path) -> None:
    """One line: the file that was not built (the child's, when it said), and why; a
    build stopped by the server's stop is no fault (INFO)."""
    if isinstance(err, index_builder.BuildFailed):
        path = err.path
        log.debug("the index builder's traceback:\n%s", err.details)
    what, instead = _what(path)
    if isinstance(err, index_builder.BuildStopped):
        log.info("stopped building %s %s: the server is stopping (it is built again on "
                 "the next start)", what, path)
    else:
        log.warning("cannot build %s %s (%s; next try in %d s): %s", what, path, instead,
                    RETRY_AFTER, err)


def _what(path: Path) -> tuple[str, str]:
    """What ``path`` is, and what is used while it is missing."""
    if path.name.endswith(links_index.SUFFIX):
        return "the links table", "record lists use SPARQL instead"
    return "the search index", "search scans instead"


def _build_locked(root: Path, snapshot: str, base: str, path: Path) -> None:
    """Prune and build under the build lock; when another process holds it, try later."""
    held = oslock.acquire(Path(root) / "search" / BUILD_LOCK)
    if held is None:  # another process builds: no thread per request meanwhile
        _no_build_for(path, LOOK_AGAIN)
        return
    try:
        prune(root)
        _build_logged(root, snapshot, base)
    finally:
        oslock.release(held)


def _build_logged(root: Path, snapshot: str, base: str) -> None:
    """Build in a child process, so the serving worker that started it keeps its GIL,
    and log how long it took.

    The builds are ~33 s of Python per 100,000 records (docs/benchmarks.md,
    "Search"); in a thread they slowed every request of that worker. The
    child opens the same immutable snapshot read-only by path: the full-text
    index first (search waits for it), then the links.
    """
    started = time.monotonic()
    index_builder.run([(index_path(root, snapshot), build),
                       (links_index.links_path(root, snapshot), links_index.build)],
                      snapshots_dir(Path(root)) / snapshot, base)
    log.info("search index and links table of %s ready in %.1f s", snapshot,
             time.monotonic() - started)


def _no_build_for(path: Path, seconds: float) -> None:
    """Start no build of ``path`` for the next ``seconds``."""
    with _lock:
        _not_before[str(path)] = time.monotonic() + seconds


def prune(root: Path) -> list[str]:
    """Remove what was built for snapshots that are gone, and the temporary files of
    builders that are gone; returns the names removed.

    <snapshot>.sqlite, <snapshot>.links.sqlite and <snapshot>.figures/
    (:mod:`ld.versioned`); .tmp-* (:func:`ld.index_builder.remove_abandoned`).
    """
    folder = Path(root) / "search"
    removed = index_builder.remove_abandoned(folder)
    snapshots = snapshots_dir(Path(root))
    for built in [*folder.glob("*.sqlite"), *folder.glob("*.figures")]:
        if not built.name.startswith(".") and not (snapshots / built.name.split(".")[0]).exists():
            if built.is_dir():
                shutil.rmtree(built, ignore_errors=True)
            else:
                built.unlink(missing_ok=True)
            removed.append(built.name)
    return removed

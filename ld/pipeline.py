"""The CPU-heavy half of a load: map and validate batches of records.

Mapping (rdflib graph building) and validation (pySHACL) cost a few
milliseconds per record, far more than reading or storing, so they run in a
pool of worker processes while the main process reads and writes. Each worker
builds its :class:`~ld.validation.Validator` once (loading the shapes is
slow) and then handles whole batches, because pySHACL is much faster on one
batch than on many single records.

Everything that crosses the process boundary is plain data: records go in,
:class:`Outcome` objects come out. Errors travel as their message and
:class:`~ld.errors.Location` (exceptions lose their attributes when pickled)
and a conforming record as its N-Quads bytes (:mod:`ld.nquads`): the main
process used to spend ~1.1 ms per record unpickling rdflib graphs, more than
the workers spent mapping them; bytes cost nothing to unpickle, pyoxigraph
parses them in Rust, and the embedded store journals them as they are.
The worker also sends the record's identifiers (DOI, PMID, ...) so that the
main process can link records across sources (:mod:`ld.identity`) without
parsing anything.
"""

from __future__ import annotations

import gc
import multiprocessing
import os
import signal
import threading
import time
from collections.abc import Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from rdflib import Graph, Literal, URIRef

from ld.errors import InputError, LdpubError, Location, RecordError
from ld.identity import triple_keys
from ld.mapping import map_triples
from ld.model import Deletion, Record, Source
from ld.namespaces import LDPUB
from ld.nquads import serialize
from ld.uris import record_graph

Item = Record | Deletion | RecordError

_WORKER: dict[str, Any] = {}


@dataclass
class Outcome:
    """What became of one record: mapped and validated, or refused."""

    record_id: str
    source: Source
    graph_iri: str | None = None
    nquads: bytes | None = None  # the record's triples as N-Quads when it conforms
    triples: int = 0  # how many triples nquads holds
    keys: tuple[tuple[str, str], ...] = ()  # identifiers for ld.identity
    report: Any = None  # ld.validation.RecordReport, when validation ran
    error: tuple[str, Location, str] | None = None  # RecordError: message, location, hint

    @property
    def ok(self) -> bool:
        return self.nquads is not None

    def record_error(self) -> RecordError | None:
        if self.error is None:
            return None
        message, location, hint = self.error
        return RecordError(message, location, hint)


def process_batch(
    records: Sequence[Record], base: str, modified: datetime, validator: Any = None,
    cpu: dict[str, float] | None = None,
) -> list[Outcome]:
    """Map every record, validate the mapped ones in one run, serialise the valid ones.

    One outcome per record, in order; a conforming record carries its
    N-Quads and identifiers. A record that cannot be mapped (or written as
    N-Quads) is refused with its RecordError; the rest go on. The CPU
    seconds spent mapping, validating and serialising are added to ``cpu``
    (this is how a load knows where its time goes without a profiler).
    """

    validator = validator or _WORKER["validator"]
    started = time.process_time()
    outcomes, mapped = _map_batch(records, base, modified)
    mapped_at = time.process_time()
    reports = _validate(validator, [(o.record_id, _as_graph(validator, o, triples))
                                    for o, triples in mapped])
    validated_at = time.process_time()
    for (outcome, triples), report in zip(mapped, reports, strict=True):
        _settle(outcome, triples, report)
    if cpu is not None:
        _add_cpu(cpu, started, mapped_at, validated_at)
    return outcomes


def _map_batch(
    records: Sequence[Record], base: str, modified: datetime,
) -> tuple[list[Outcome], list[tuple[Outcome, Any]]]:
    """An outcome per record, in order, and the mapped ones with their triples.

    A record that cannot be mapped has its error in its outcome instead."""
    outcomes: list[Outcome] = []
    mapped: list[tuple[Outcome, Any]] = []
    for record in records:
        outcome = Outcome(record.id, record.source, graph_iri=record_graph(base, record.id))
        outcomes.append(outcome)
        try:
            mapped.append((outcome, map_triples(record, base, modified=modified)))
        except RecordError as err:
            outcome.error = (err.message, _located(err.location, record), err.hint)
        except Exception as err:  # a mapping bug must not sink the whole load
            outcome.error = _mapping_bug(err, record)
    return outcomes, mapped


def _mapping_bug(err: Exception, record: Record) -> tuple[str, Location, str]:
    """The error of a record the mapping failed on with an unexpected exception."""
    return (f"cannot map this record ({type(err).__name__}: {err})",
            _located(Location(), record),
            "this is a bug in ldpub's mapping; please report it")


def _add_cpu(cpu: dict[str, float], started: float, mapped_at: float,
             validated_at: float) -> None:
    """Add the batch's CPU seconds per step; serialising lasted until now."""
    cpu["map"] = cpu.get("map", 0.0) + mapped_at - started
    cpu["validate"] = cpu.get("validate", 0.0) + validated_at - mapped_at
    cpu["serialize"] = cpu.get("serialize", 0.0) + time.process_time() - validated_at


def _as_graph(validator: Any, outcome: Outcome, triples: Any) -> Any:
    """What the validator reads: the compiled engine iterates any set of triples;
    pySHACL needs an rdflib Graph."""
    if getattr(validator, "engine", None) == "fast":
        return triples
    graph = Graph(identifier=URIRef(outcome.graph_iri or ""))
    graph += triples
    return graph


def _validate(validator: Any, batch: list[tuple[str, Graph]]) -> list[Any]:
    """Validate the batch in one run; if pySHACL fails on it, record by record.

    Falling back isolates a record that breaks the validator so that only it
    is refused, not its whole batch; when every record breaks it, the
    validator itself is broken and the load stops (exit 2) instead of
    rejecting good data.
    """
    if not batch:
        return []
    try:
        return list(validator.validate(batch))
    except Exception:
        reports: list[Any] = []
        for item in batch:
            try:
                reports.extend(validator.validate([item]))
            except Exception as err:
                reports.append(err)
    failed = [r for r in reports if isinstance(r, Exception)]
    if len(batch) > 1 and len(failed) == len(batch):  # a broken validator, not bad data
        raise LdpubError(f"the SHACL validator fails on every record ({failed[0]!r})",
                         hint="this is a bug in ldpub's validation or shapes; nothing "
                              "of this batch was stored")
    return reports


def _settle(outcome: Outcome, triples: Any, report: Any) -> None:

    if isinstance(report, Exception):
        outcome.error = (f"cannot validate this record ({type(report).__name__}: {report})",
                         _located(Location(), None, outcome), "")
        return
    outcome.report = report
    if report.conforms:
        triples = _with_warnings(triples, outcome.graph_iri, report.warnings)
        try:
            outcome.nquads = serialize(triples, outcome.graph_iri or "")
        except ValueError as err:  # a term the store would refuse: this record only
            outcome.error = (f"cannot store the record's RDF: {err}",
                             _located(Location(), None, outcome),
                             "the mapping produced an invalid IRI or literal")
            return
        outcome.triples = len(triples)
        outcome.keys = triple_keys(triples)


def _with_warnings(triples: Any, doc: str | None, warnings: Sequence[Any]) -> Any:
    """The document records its warnings (count and messages) so its page can show them.

    Added after validation: the shapes judge the description, not this note on it.
    """
    if not doc:
        return triples
    subject = URIRef(doc)
    notes = [(subject, LDPUB.warningCount, Literal(len(warnings)))]
    notes += [(subject, LDPUB.warning, Literal(result.message)) for result in warnings]
    return [*triples, *notes]


def _located(location: Location, record: Record | None, outcome: Outcome | None = None) -> Location:
    """Fill the file, position and record id a mapper left out."""
    source = record.source if record else outcome.source if outcome else None
    record_id = record.id if record else outcome.record_id if outcome else None
    return Location(
        file=location.file or (source.file if source else None),
        position=location.position or (source.position if source else None),
        record_id=location.record_id or record_id,
        field=location.field,
    )


# -- reading files, and the dry run of `ldpub validate` ----------------------


def read_paths(paths: Sequence[str], format: str | None = None) -> Iterator[Item | InputError]:
    """Items of every path in turn; a file that cannot be read yields its InputError."""
    from ld.readers import read_path

    for path in paths:
        try:
            yield from read_path(path, format)
        except InputError as err:
            yield err
        except OSError as err:
            yield InputError(f"cannot read this file: {err.strerror or err}",
                             Location(file=path), hint="check the path and its permissions")


def new_validator(engine: str = "fast") -> Any:
    from ld.validation import Validator

    return Validator(engine=engine)


# -- worker processes ---------------------------------------------------------


def init_worker(shapes_dir: str | None, engine: str = "fast") -> None:
    """Pool initializer: build this worker's Validator once, watch the parent.

    If the loading process is killed (SIGKILL), nobody tells the workers;
    the watchdog thread ends the worker when its parent's sentinel closes so
    that no orphan is left behind.
    """
    from ld.validation import Validator

    # Ctrl-C on a terminal reaches the whole process group: the loading process
    # handles it (it stops after the batch being written); a worker that died of it
    # printed a traceback and could hang the pool's shutdown
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _WORKER["validator"] = Validator(Path(shapes_dir) if shapes_dir else None, engine=engine)
    collect_less()  # for the worker's whole life, which is one load
    parent = multiprocessing.parent_process()
    if parent is not None:
        threading.Thread(target=_watch_parent, args=(parent.sentinel,), daemon=True).start()


GC_THRESHOLD = (50_000, 20, 100)  # Python's default is (700, 10, 10)


def collect_less() -> tuple[int, int, int]:
    """Tune Python's cyclic garbage collector for a load; returns the old thresholds.

    A load allocates millions of short-lived objects and keeps growing
    caches; with the default thresholds the collector ran every 700
    allocations and rescanned those caches, ~12% of the loading process's
    CPU (docs/benchmarks.md, "Ingest"). Freezing what exists (the shapes,
    the modules) and collecting the youngest generation every 50,000
    allocations keeps cycles collected while scanning far less.
    """
    old = gc.get_threshold()
    gc.freeze()
    gc.set_threshold(*GC_THRESHOLD)
    return old  # type: ignore[return-value]


def collect_as_before(old: tuple[int, int, int]) -> None:
    gc.set_threshold(*old)
    gc.unfreeze()


def _watch_parent(sentinel: int) -> None:
    from multiprocessing.connection import wait

    wait([sentinel])
    os._exit(3)


def run_batch(records: Sequence[Record], base: str, modified: datetime, *,
              keep_reports: bool = False) -> tuple[list[Outcome], dict[str, float]]:
    """Entry point in a worker process: the outcomes and the CPU seconds they took.

    A load drops the empty reports of conforming records (they tell it
    nothing, and cost pickling); a dry run (``keep_reports``) prints them.
    """
    cpu: dict[str, float] = {}
    outcomes = process_batch(records, base, modified, cpu=cpu)
    for outcome in outcomes:
        if (not keep_reports and outcome.ok and outcome.report is not None
                and not outcome.report.results):
            outcome.report = None
    return outcomes, cpu


def new_pool(jobs: int, validator: Any, engine: str) -> ProcessPoolExecutor:
    """The worker processes of a load or a dry run, each with its own Validator."""
    shapes = getattr(validator, "shapes_dir", None)
    return ProcessPoolExecutor(jobs, mp_context=pool_context(), initializer=init_worker,
                               initargs=(str(shapes) if shapes else None,
                                         getattr(validator, "engine", engine)))


def pool_context() -> multiprocessing.context.BaseContext:
    """'forkserver' where available (cheap starts, no inherited threads/locks)."""
    methods = multiprocessing.get_all_start_methods()
    ctx = multiprocessing.get_context("forkserver" if "forkserver" in methods else "spawn")
    if "forkserver" in methods:
        ctx.set_forkserver_preload(["ld.pipeline", "ld.mapping", "ld.validation"])
    return ctx

"""The CPU-heavy half of a load: map and validate batches of records.

Mapping (rdflib graph building) and validation (pySHACL) cost a few
milliseconds per record, far more than reading or storing, so they run in a
pool of worker processes (:mod:`ld.workers`) while the main process reads and
writes. Each worker builds its :class:`~ld.validation.Validator` once
(loading the shapes is slow) and then handles whole batches, because
validation is much faster on one batch than on many single records.

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

import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
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
_WARNING_COUNT, _WARNING = LDPUB.warningCount, LDPUB.warning  # rdflib's lookup: a call each

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
    records: Sequence[Record], base: str, modified: datetime, validator: Any,
    cpu: dict[str, float] | None = None,
) -> list[Outcome]:
    """Map every record, validate the mapped ones in one run, serialise the valid ones.

    One outcome per record, in order; a conforming record carries its
    N-Quads and identifiers. A record that cannot be mapped (or written as
    N-Quads) is refused with its RecordError; the rest go on. The CPU
    seconds spent mapping, validating and serialising are added to ``cpu``
    (this is how a load knows where its time goes without a profiler).
    """

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
        outcome = Outcome(record.id, record.source)
        outcomes.append(outcome)
        if not _is_unicode(record.id):
            outcome.error = _broken_id(record)
            continue
        try:
            outcome.graph_iri = record_graph(base, record.id)
            mapped.append((outcome, map_triples(record, base, modified=modified)))
        except RecordError as err:
            outcome.error = (err.message, _located(err.location, record), err.hint)
        except Exception as err:  # a mapping bug must not sink the whole load
            outcome.error = _mapping_bug(err, record)
    return outcomes, mapped


def _is_unicode(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:  # a lone surrogate: no IRI, no UTF-8 byte can carry it
        return False
    return True


def _broken_id(record: Record) -> tuple[str, Location, str]:
    """The error of a record whose id holds half of a UTF-16 surrogate pair (a reader of
    JSON gives one for "\\udfff"): it cannot become an IRI, and the error must not
    carry it either, or the rejects report could not be written."""
    shown = record.id.encode("utf-8", "backslashreplace").decode("utf-8")
    return (f"the record id '{shown}' is not valid Unicode: it holds half of a UTF-16 "
            "surrogate pair", _located(Location(record_id=shown, field="id"), record),
            "records are told apart by their exact id: fix it in the source and load again")


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
            where = Location(field=_unwritable_property(triples, outcome.graph_iri or ""))
            outcome.error = (f"cannot store the record's RDF: {err}",
                             _located(where, None, outcome),
                             "this value cannot be written as RDF: fix it in the source, "
                             "or report it if the source is right")
            return
        outcome.triples = len(triples)
        outcome.keys = triple_keys(triples)


def _unwritable_property(triples: Any, graph_iri: str) -> str | None:
    """The property of the first triple N-Quads cannot carry, so that the reject names the
    field (the record's own one is gone after mapping); looked for only once one failed."""
    for triple in triples:
        try:
            serialize([triple], graph_iri)
        except ValueError:
            return str(triple[1])
    return None


def _with_warnings(triples: Any, doc: str | None, warnings: Sequence[Any]) -> Any:
    """The document records its warnings (count and messages) so its page can show them.

    Added after validation: the shapes judge the description, not this note on it.
    """
    if not doc:
        return triples
    subject = URIRef(doc)
    # each with the value it is about: two bad DOIs gave one message (RDF keeps a
    # literal once) under "2 warnings", and the page did not say which value
    texts = list(dict.fromkeys(
        f"{r.message} (given: {r.value})" if r.value is not None else r.message
        for r in warnings))
    notes = [(subject, _WARNING_COUNT, _count_literal(len(texts)))]
    notes += [(subject, _WARNING, Literal(text)) for text in texts]
    return [*triples, *notes]


@lru_cache(maxsize=64)
def _count_literal(count: int) -> Literal:
    """``Literal(count)``: every record gets its warning count, mostly 0, and rdflib
    takes ~2 us to make an integer literal."""
    return Literal(count)


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

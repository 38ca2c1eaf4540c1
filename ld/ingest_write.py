"""The end of a load's batch: links, the store write, deletions, rejects, counts.

:mod:`ld.ingest` schedules a load (read ahead, batch, hand batches to the
worker processes, keep at most so many in flight, publish, report
progress); this module owns what happens to one batch once it is its turn,
in the loading process: count its warnings and rejects, link records
across sources (:mod:`ld.identity`), write the rest as one atomic store
write, and when the store refuses one record, reject just that record and
write the others. Kept apart so that each reads as one thing; both fill in
the same :class:`ld.summary.Summary` by the rules of :mod:`ld.ingest`'s
docstring.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterable, Sequence
from dataclasses import replace

from rdflib.namespace import OWL

from ld import identity_filter
from ld.config import Settings
from ld.deletion import delete_records
from ld.errors import RecordError
from ld.identity import IdentityLinker
from ld.model import Deletion
from ld.pipeline import Outcome
from ld.rejects import RejectsReport, error_entry, violation_entry
from ld.repeats import RepeatedIds
from ld.store.base import RecordGraph, Store
from ld.summary import Summary
from ld.uris import record_uri

LOG = logging.getLogger("ldpub.identity")


class BatchWriter:
    """Writes finished batches to the store and counts them in ``summary``."""

    def __init__(self, settings: Settings, store: Store, summary: Summary,
                 rejects: RejectsReport) -> None:
        self.settings, self.store, self.summary, self.rejects = settings, store, summary, rejects
        self.linker = IdentityLinker(store)
        self.repeats = RepeatedIds()
        self._filter_taken = False

    def write(self, outcomes: Sequence[Outcome]) -> None:
        """Store the good records of a batch (the later version of an id wins)."""
        good = [o for o in outcomes if o.ok]
        self._account(outcomes)
        latest = {o.graph_iri: o for o in good}  # the later version of an id wins
        started = time.perf_counter()
        self._link(latest.values())
        self._will_store(latest.values())
        self.summary.add_time_since("link", started)
        while latest:
            started = time.perf_counter()
            try:
                result = self.store.write_records(
                    [RecordGraph(o.record_id, o.graph_iri or "", nquads=o.nquads)
                     for o in latest.values()])
                break
            except RecordError as err:  # the store refused one record before writing any
                good = self._drop_unstorable(err, latest, good)
            finally:
                self.summary.add_time_since("store", started)
        else:
            return
        self.summary.loaded += len(good)
        self.summary.replaced += result.replaced + len(good) - len(latest)
        self.summary.unchanged += result.unchanged
        self.summary.triples += result.triples or sum(o.triples for o in latest.values())
        self.summary.add_repeated(self.repeats.stored((o.record_id, o.source) for o in good))

    def _account(self, outcomes: Sequence[Outcome]) -> None:
        """Rejects go to the report; a stored record's warnings are only counted."""
        for outcome in outcomes:
            if not outcome.ok:
                self._reject(outcome)
            elif outcome.report is not None:
                self.summary.warnings += sum(
                    1 for r in outcome.report.results if r.severity == "Warning")

    def _link(self, outcomes: Iterable[Outcome]) -> None:
        """Identity across sources: a record sharing a DOI/PMID/PMCID/ISBN with an
        earlier one says owl:sameAs that first record (see :mod:`ld.identity`).

        Done here, after validation, because only this process sees every record
        in load order; the link is one more N-Quads line in the record's graph.
        No shape constrains owl:sameAs between records, so it cannot change a
        validation result.
        """
        self._take_filter()
        keyed = {record_uri(self.settings.base_uri, o.record_id): o for o in outcomes
                 if o.keys and o.nquads is not None}
        links = self.linker.link_batch([(subject, o.keys) for subject, o in keyed.items()])
        for subject, first in links.items():
            o = keyed[subject]
            o.nquads = (o.nquads or b"") + (
                f"<{subject}> <{OWL.sameAs}> <{first}> <{o.graph_iri}> .\n".encode())
            o.triples += 1

    def _take_filter(self) -> None:
        """Before the load's first write: the store's identity filter, which spares
        the linker most look-ups (:mod:`ld.identity_filter`); saved by :meth:`close`."""
        if not self._filter_taken:
            self._filter_taken = True
            self.linker.filter = identity_filter.take(self.store)

    def _will_store(self, outcomes: Iterable[Outcome]) -> None:
        """The identifiers of records about to be stored go into the filter first:
        should the write fail half-way, the filter may only say too much."""
        if self.linker.filter is not None:
            for o in outcomes:
                self.linker.filter.add(identity_filter.stored_patterns(o.nquads or b""))

    def close(self) -> None:
        """Save the identity filter for the next load, with what this one stored. Not
        saved (a full disk): the next load makes it again, so only warn."""
        found = self.linker.filter
        path = self.store.derived_path(identity_filter.FILE) if found is not None else None
        if found is not None and path is not None:
            try:
                found.save(path)
            except OSError as exc:
                LOG.warning("could not save the identity filter %s (%s); the next load "
                            "makes it again from the store", path, exc)

    def _drop_unstorable(self, err: RecordError, latest: dict[str | None, Outcome],
                         good: list[Outcome]) -> list[Outcome]:
        """Reject the record the store could not take; the rest of the batch is retried."""
        bad = next((o for o in latest.values() if o.record_id == err.location.record_id), None)
        if bad is None:
            raise err  # cannot tell which record: do not guess, stop the load
        del latest[bad.graph_iri]
        self.linker.forget()  # it was linked as if it would be stored
        src = bad.source
        self.reject_error(RecordError(err.message, replace(err.location, file=src.file,
                                                           position=src.position), err.hint))
        return [o for o in good if o.graph_iri != bad.graph_iri]

    def delete(self, deletions: list[Deletion]) -> None:
        """Remove the deleted records, their followers linked again (:mod:`ld.deletion`);
        counted in ``deleted``."""
        delete_records(self.store, self.settings.base_uri, [d.id for d in deletions],
                       self.linker)  # which forgets: a deleted record may be a first it knew
        self.repeats.deleted(d.id for d in deletions)
        self.summary.deleted += len(deletions)

    def _reject(self, outcome: Outcome) -> None:
        error = outcome.record_error()
        if error is not None:
            self.reject_error(error)
            return
        self.summary.rejected += 1
        self.rejects.add(violation_entry(outcome.source, outcome.record_id, outcome.report))

    def reject_error(self, error: RecordError) -> None:
        """A record that could not be read, mapped or stored: rejected, with its reason."""
        self.summary.rejected += 1
        self.rejects.add(error_entry(error))

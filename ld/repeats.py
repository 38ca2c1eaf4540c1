"""The same record id twice in one load: a warning naming both places.

The later version wins and is counted in ``replaced`` (:mod:`ld.ingest`), but
a catalogue that sends "123" in two files by mistake lost the first one
silently: ``replaced 16`` on an empty store, and no word of which records or
where (explore12 marc L8). Each stored record's id is noted with where it came
from; when it comes again, the summary gets a warning naming both places.

Not a reject (both versions were good, one is stored), so not in the rejects
report: the warnings go into :class:`ld.summary.Summary` (counted in
``warnings``, the first :data:`KEPT` in ``repeated_ids``), which ``ldpub load``
and ``harvest`` print under their summary and ``--json`` gives whole.

Memory is bounded as the identity linker's (:mod:`ld.identity`): the ids of
the latest :data:`REMEMBER` stored records, the oldest forgotten first, so an
id repeated further apart than that is not told (still counted in
``replaced``). The cost is a dict pop and insert per stored record: 0.04-0.08 s
and ~15 MB (plus the ids and positions kept) per 100,000 distinct records,
against a load's ~50 s.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Iterable

from ld.model import Source

REMEMBER = 100_000  # ids of the latest stored records kept (~25 MB at most)
KEPT = 100  # warnings kept word for word in the summary; all are counted


class RepeatedIds:
    """Where each recently stored record id came from in this load."""

    def __init__(self, remember: int = REMEMBER) -> None:
        self.remember = remember
        self._seen: OrderedDict[str, tuple[str, str]] = OrderedDict()

    def stored(self, records: Iterable[tuple[str, Source]]) -> list[str]:
        """Note these stored records (id and source, in load order); a warning for each
        one whose id was stored earlier in this load."""
        warnings = []
        for record_id, source in records:
            earlier = self._seen.pop(record_id, None)  # popped: put back as the newest
            if earlier is not None:
                warnings.append(f"record {record_id} at {source.file} {source.position} "
                                f"replaces {earlier[0]} {earlier[1]} of this load")
            self._seen[record_id] = (source.file, source.position)
        while len(self._seen) > self.remember:
            self._seen.popitem(last=False)
        return warnings

    def deleted(self, record_ids: Iterable[str]) -> None:
        """Deleted in this load: a later record with the id replaces nothing."""
        for record_id in record_ids:
            self._seen.pop(record_id, None)

"""What a load did, as the CLI, the harvester and the benchmarks read it.

Kept apart from :mod:`ld.ingest` (which fills it in) so that readers of the
figures need not import the pipeline.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field, replace
from typing import Any

from ld.repeats import KEPT


@dataclass
class Summary:
    """What a load did; ``read == loaded + rejected + deleted``."""

    read: int = 0
    loaded: int = 0
    replaced: int = 0  # of loaded: replaced an earlier, different version
    unchanged: int = 0  # of loaded: said what their stored version says (kept as they were)
    rejected: int = 0
    deleted: int = 0
    warnings: int = 0
    triples: int = 0
    seconds: float = 0.0
    errors: list[str] = field(default_factory=list)  # files (or their rest) not readable
    # of replaced (and warnings): records whose id came earlier in this same load; the
    # first ld.repeats.KEPT of their warnings, each naming both places
    repeated: int = 0
    repeated_ids: list[str] = field(default_factory=list)
    rejects_file: str | None = None
    # stopped by Ctrl-C: the figures are those of the records stored or rejected
    # before it (see :meth:`stopped`); the CLI exits 130
    interrupted: bool = False
    # where the time went, in seconds: "read" (reading and parsing, in the
    # read-ahead thread), "wait" (main, waiting for the next item),
    # "map", "validate" and "serialize" (CPU time, summed over the workers),
    # "receive" (main, waiting for and unpickling worker results), "link" (main,
    # identity across sources) and "store" (main, store writes)
    stages: dict[str, float] = field(default_factory=dict)

    def add_repeated(self, warnings: list[str]) -> None:
        """Count these warnings of ids stored twice in this load; keep the first KEPT."""
        self.repeated += len(warnings)
        self.warnings += len(warnings)
        self.repeated_ids.extend(warnings[: max(0, KEPT - len(self.repeated_ids))])

    def add_time_since(self, stage: str, started: float) -> None:
        """Add the time since ``started`` (``time.perf_counter()``) to the stage's total."""
        self.add_time(stage, time.perf_counter() - started)

    def add_time(self, stage: str, seconds: float) -> None:
        """Count ``seconds`` more for ``stage`` (see ``stages``)."""
        self.stages[stage] = self.stages.get(stage, 0.0) + seconds

    @property
    def rate(self) -> float:
        """Records read per second so far."""
        return self.read / self.seconds if self.seconds > 0 else 0.0

    @property
    def exit_code(self) -> int:
        """2 unusable input, 1 some records rejected, 0 everything loaded."""
        return 2 if self.errors else 1 if self.rejected else 0

    def stopped(self, rejected: int, *, interrupted: bool = True) -> Summary:
        """This summary (the last progress report of a load stopped by Ctrl-C, or by its
        store failing: ``interrupted=False``) with every record ``rejected`` so far;
        records read into a batch that was not stored are left out, so that
        ``read == loaded + rejected + deleted`` still holds."""
        read = self.loaded + rejected + self.deleted
        return replace(self, read=read, rejected=rejected, interrupted=interrupted)

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["seconds"] = round(self.seconds, 3)
        data["stages"] = {k: round(v, 3) for k, v in self.stages.items()}
        data["records_per_second"] = round(self.rate, 1)
        return data


Progress = Callable[[Summary], None]

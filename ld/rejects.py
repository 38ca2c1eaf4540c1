"""The rejects report: one JSON line per record (or file) that was not loaded.

Nothing a load refuses is silently lost: every refused record gets a line
naming its source file, position and id, and why. Three kinds of line:

``violation``
    the record was mapped but SHACL found violations; ``results`` lists each
    result with its ``severity``, ``property`` (the SHACL path), ``value``,
    ``message``, ``focus`` node and ``shape``.
``record-error``
    the reader or the mapper could not make sense of the record; ``field``
    and ``message`` say where and what.
``input-error``
    a whole file (or the rest of it) could not be read: unknown format,
    truncated, malformed; records before the failure point were kept.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TextIO

from ld.errors import ConfigError, LdpubError, RecordError
from ld.model import Source


def result_json(result: Any) -> dict[str, Any]:
    """One SHACL result as the report shows it."""
    return {
        "severity": result.severity,
        "property": result.path,
        "value": result.value,
        "message": result.message,
        "focus": result.focus,
        "shape": result.shape,
    }


def violation_entry(source: Source, record_id: str, report: Any) -> dict[str, Any]:
    return {
        "kind": "violation",
        "file": source.file,
        "position": source.position,
        "format": source.format,
        "record_id": record_id,
        "results": [result_json(r) for r in report.results],
    }


def error_entry(err: LdpubError) -> dict[str, Any]:
    """A RecordError (one record) or an InputError (a whole file or its rest)."""
    loc = err.location
    return {
        "kind": "record-error" if isinstance(err, RecordError) else "input-error",
        "file": loc.file,
        "position": loc.position,
        "record_id": _writable(loc.record_id),
        "field": _writable(loc.field),
        "message": _writable(err.message),
        "hint": err.hint or None,
    }


def _writable(text: str | None) -> str | None:
    """``text`` with a lone surrogate (half of a broken character a JSON source can hold)
    spelled as its escape: the report, the terminal and JSON output must all be UTF-8."""
    if text is None or text.isascii():
        return text
    return text.encode("utf-8", "backslashreplace").decode("utf-8")


class RejectsReport:
    """Writes the report as the load goes, so a killed load still leaves it.

    Each load starts a new report: a report never mixes loads. The previous
    one, when it lists anything, is kept beside it first, named by the time it
    was last written (``rejects-20261127T020501Z.jsonl``): a scheduled harvest
    must not erase the only note of yesterday's rejected record (the harvest
    state has moved past it, so nothing would bring it back).
    ``samples`` keeps the first few entries for the summary shown to people.
    ``rejected`` counts the records (not files) in it as they come, so that a
    load stopped by Ctrl-C between two progress reports still counts them all.
    """

    def __init__(self, target: str | Path | TextIO | None, keep: int = 20) -> None:
        self._own = isinstance(target, str | Path)
        self._out: TextIO | None = (_open(Path(target)) if isinstance(target, str | Path)
                                    else target)
        self.path = Path(target) if isinstance(target, str | Path) else None
        self.samples: list[dict[str, Any]] = []
        self._keep = keep
        self.rejected = 0

    def add(self, entry: dict[str, Any]) -> None:
        self.rejected += entry["kind"] != "input-error"
        if len(self.samples) < self._keep:
            self.samples.append(entry)
        if self._out is not None:
            self._out.write(json.dumps(entry, ensure_ascii=False) + "\n")
            self._out.flush()

    def close(self) -> None:
        if self._own and self._out is not None:
            self._out.close()
        self._out = None


def _open(path: Path) -> TextIO:
    """The report file, opened before anything is loaded; a path that cannot be
    written (a directory, no permission) stops the command with a message that
    names the setting, instead of a traceback."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        _keep_previous(path)
        return open(path, "w", encoding="utf-8")  # closed by RejectsReport.close
    except OSError as exc:
        raise ConfigError(f"--rejects / LDPUB_REJECTS {path}: cannot write the rejects report: "
                          f"{exc.strerror or exc}",
                          hint="give --rejects a file in a directory you can write to; "
                               "without it the report is <store>/rejects.jsonl") from exc


def _keep_previous(path: Path) -> None:
    """Rename a non-empty earlier report to ``<stem>-<its time, UTC><suffix>``."""
    if not path.is_file() or path.stat().st_size == 0:
        return
    written = datetime.fromtimestamp(path.stat().st_mtime, UTC).strftime("%Y%m%dT%H%M%SZ")
    kept = path.with_name(f"{path.stem}-{written}{path.suffix}")
    n = 1
    while kept.exists():  # two loads within one second
        n += 1
        kept = path.with_name(f"{path.stem}-{written}-{n}{path.suffix}")
    path.rename(kept)


def describe(entry: dict[str, Any]) -> str:
    """A line for people: where, which record, which field, what is wrong."""
    where = ", ".join(str(p) for p in (entry.get("file"), entry.get("position")) if p)
    if entry.get("record_id"):
        where += f", record {entry['record_id']!r}"
    if entry["kind"] != "violation":
        field = f", field {entry['field']!r}" if entry.get("field") else ""
        return f"{where}{field}: {entry['message']}"
    parts = [f"{r['property'] or '(node)'}"
             + (f" = {r['value']!r}" if r.get("value") is not None else "")
             + f": {r['message']}" for r in entry["results"] if r["severity"] == "Violation"]
    return f"{where}: " + "; ".join(parts)

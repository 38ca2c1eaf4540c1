"""Harvest an OAI-PMH repository into the store, incrementally.

sickle does the protocol: ListRecords, following resumption tokens, and
retrying a 503 (also 429, 502, 504) after its Retry-After. Every page it
fetches is read by the OAI-PMH file reader
(:func:`ld.readers.oai.read_response`), so a harvested record is the same
Record a saved response would give, and the items go through
:func:`ld.ingest.ingest_items` like a ``load``: same mapper, shapes,
batches, store and summary. Deleted records delete.

Incremental runs: after a COMPLETE harvest the state file remembers, per
endpoint + set + metadataPrefix, the ``responseDate`` of the first page (the
repository's own clock at the start of the harvest, at the granularity of
its datestamps). The next run asks ``from=`` that moment. The first
response's date rather than the newest record datestamp: a record changed
while a long harvest was paging has a datestamp after the harvest start but
possibly before the newest one seen, and would be missed. A harvest that
fails half way does not move the state, so the next run does the window
again (records stored meanwhile are simply replaced).

The HTTP side (sickle wrapped with strict page checks, a bounded
Retry-After and errors that name the URL) is :mod:`ld.harvest_client`.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from ld.config import Settings
from ld.errors import InputError, Location, clipped
from ld.harvest_client import Client, HarvestError
from ld.harvest_dates import check_date, check_range, date_problem, like_until, oai_moment
from ld.ingest import Item, ingest_items
from ld.readers.oai import OAIError, ResponseInfo
from ld.readers.oai_metadata import Converter
from ld.store.base import Store
from ld.summary import Progress, Summary

__all__ = ["STATE_FILE", "Client", "HarvestError", "HarvestResult", "harvest",
           "state_file", "state_key"]

STATE_FILE = "harvest-state.json"


@dataclass
class HarvestResult:
    """What a harvest did: the load summary plus the protocol side."""

    url: str
    metadata_prefix: str
    set_spec: str | None
    from_: str | None  # the from= actually sent
    until: str | None
    summary: Summary
    pages: int = 0
    complete: bool = False  # every page fetched; only then is the state moved
    next_from: str | None = None
    state_path: str | None = None
    requests: int = 0  # HTTP requests made, retries included
    deletions_received: int = 0  # records the repository says are deleted, held here or not
    state_from_refused: bool = False  # badArgument to the from= of the saved state

    @property
    def exit_code(self) -> int:
        return self.summary.exit_code

    def to_dict(self) -> dict[str, Any]:
        data = {k: v for k, v in vars(self).items() if k != "summary"}
        return {**data, "summary": self.summary.to_dict()}


def state_file(settings: Settings) -> Path:
    """Beside the embedded store (it belongs to that data); for a remote store, in the
    working directory under a name of that store's URL: one file for every remote store
    made a first harvest into a new store "incremental", skipping what it never had."""
    if settings.store_is_remote:
        from ld.store.remote_http import split_credentials  # a new password: the same store

        server = split_credentials(settings.store.rstrip("/"))[0]  # as dumps.py keys it
        digest = hashlib.sha256(server.encode()).hexdigest()[:12]
        return Path(f"harvest-state-{digest}.json")
    return Path(settings.store) / STATE_FILE


def state_key(url: str, metadata_prefix: str, set_spec: str | None) -> str:
    return f"{url} set={set_spec or ''} metadataPrefix={metadata_prefix}"


def harvest(
    url: str,
    *,
    settings: Settings,
    store: Store,
    metadata_prefix: str = "oai_dc",
    set_spec: str | None = None,
    from_: str | None = None,
    until: str | None = None,
    full: bool = False,
    validator: Any = None,
    state_path: str | Path | None = None,
    progress: Progress | None = None,
    rejects: Any = None,
    timeout: float = 60.0,
    max_retries: int = 3,
    max_wait: float = 120.0,
    converters: Mapping[str, Converter] | None = None,
    jobs: int | None = None,
) -> HarvestResult:
    """Harvest ``url`` with ListRecords into ``store``; see the module docstring.

    ``from_`` given explicitly wins over the saved state; ``full`` ignores
    the state. ``converters`` adds metadata formats (metadata root element
    in Clark notation -> converter), see :mod:`ld.readers.oai_metadata`.
    """
    for name, value in (("from", from_), ("until", until)):
        check_date(name, value)
    path = Path(state_path) if state_path else state_file(settings)
    key = state_key(url, metadata_prefix, set_spec)
    previous = {} if full else _load_state(path).get(key, {})
    sent_from = from_ or like_until(_state_from(previous, path), until)
    check_range(sent_from, until, "--from" if from_ else "the saved harvest state's from")
    params = {"metadataPrefix": metadata_prefix, "set": set_spec, "from": sent_from,
              "until": until}
    client = Client(url, timeout=timeout, max_retries=max_retries, max_wait=max_wait,
                    converters=converters)
    run = _Run(client, {k: v for k, v in params.items() if v})
    run.state_from = None if from_ else sent_from
    summary = ingest_items(run.items(), settings=settings, store=store, validator=validator,
                           progress=progress, rejects=rejects, jobs=jobs)
    result = HarvestResult(url, metadata_prefix, set_spec, sent_from, until, summary,
                           pages=run.pages, complete=run.complete, state_path=str(path),
                           requests=len(client.requests), deletions_received=summary.deleted,
                           state_from_refused=run.state_from_refused)
    if run.complete:
        result.next_from = _save_state(path, key, run, previous, until)
    return result


class _Run:
    """Pages of one harvest as a stream of items; errors end the stream as an item."""

    def __init__(self, client: Client, params: dict[str, str]) -> None:
        self.client, self.params = client, params
        self.pages = 0
        self.complete = False
        self.first_response_date: str | None = None
        self.max_datestamp: str | None = None
        self.tokens: set[str] = set()
        self.state_from: str | None = None  # the from= taken from the saved state
        self.state_from_refused = False

    def items(self) -> Iterator[Item | InputError]:
        try:
            for response in self.client.ListRecords(**dict(self.params)):
                self._account(response.info)
                yield from response.items
        except OAIError as err:
            if err.code == "noRecordsMatch" and self.pages == 0:
                self.first_response_date = self.client.last_info.response_date
                self.complete = True  # nothing new: a successful incremental run
                return
            if err.code == "badArgument" and self.state_from and self.pages == 0:
                err.hint = _STATE_FROM_HINT.format(self.state_from)
                self.state_from_refused = True
            yield err
            return
        except InputError as err:  # HarvestError, ParseError: named after the URL
            yield err
            return
        self.complete = True

    def _account(self, info: ResponseInfo) -> None:
        """Count the page; a resumption token seen before would loop for ever."""
        token = info.resumption_token
        if token and token in self.tokens:
            raise HarvestError(f"the repository sent resumption token {clipped(token)!r} twice",
                               Location(file=clipped(self.client.requests[-1])),
                               hint="the repository is looping; report it to its maintainers")
        if token:
            self.tokens.add(token)
        self.pages += 1
        if self.first_response_date is None:
            self.first_response_date = info.response_date
        stamp = info.max_datestamp
        if stamp and (self.max_datestamp is None or stamp > self.max_datestamp):
            self.max_datestamp = stamp


# --- state -------------------------------------------------------------------

def _load_state(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}
    except (OSError, ValueError) as exc:
        raise InputError(f"harvest state cannot be read: {exc}", Location(file=str(path)),
                         hint="fix or delete the file, or harvest with --full") from exc
    return data.get("harvests", {}) if isinstance(data, dict) else {}


def _save_state(path: Path, key: str, run: _Run, previous: dict[str, Any],
                until: str | None) -> str | None:
    """Remember where the next run starts; written atomically (temp file + rename)."""
    granularity = _granularity(run.max_datestamp) or previous.get("granularity")
    next_from = previous.get("from")
    if granularity and (moment := oai_moment(run.first_response_date, granularity)):
        next_from = moment
    if until and next_from and until < next_from:
        next_from = until  # nothing after --until was asked for
    entry = {"from": next_from, "granularity": granularity,
             "last_datestamp": max(filter(None, [run.max_datestamp,
                                                 previous.get("last_datestamp")]), default=None),
             "response_date": run.first_response_date,
             "harvested_at": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")}
    harvests = _load_state(path)
    harvests[key] = entry
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(json.dumps({"harvests": harvests}, indent=2, sort_keys=True),
                   encoding="utf-8")
    os.replace(tmp, path)
    return next_from


def _state_from(previous: dict[str, Any], path: Path) -> str | None:
    """The saved from=, put in OAI-PMH's shape (a state file an older ldpub wrote verbatim);
    refused, naming the way out, when it is no date at all."""
    saved = previous.get("from")
    if not saved or not date_problem(saved):
        return saved
    fixed = oai_moment(saved, _granularity(saved))
    if fixed is None:
        raise InputError(f"the saved harvest state's from {saved!r} is not an OAI-PMH date",
                         Location(file=str(path)), hint=_STATE_FROM_HINT.format(saved))
    return fixed


_STATE_FROM_HINT = ("the from {} was not given by you but taken from the saved harvest state; "
                    "harvest with --full to ignore the state, or give --from YYYY-MM-DD")


def _granularity(datestamp: str | None) -> str | None:
    if not datestamp:
        return None
    return "day" if len(datestamp) == 10 else "seconds"

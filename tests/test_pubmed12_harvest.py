"""M5: a repository's responseDate with fractions of a second or "+00:00" is saved in
OAI-PMH's shape, so the next incremental run is not refused with badArgument."""

from __future__ import annotations

import json
import re
import urllib.parse
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from typing import Any

import pytest

from ld.config import Settings
from ld.errors import InputError
from ld.harvest import harvest, state_file, state_key
from tests.oai_server import LoopbackServer

_PAGE = """<?xml version="1.0" encoding="UTF-8"?>
<OAI-PMH xmlns="http://www.openarchives.org/OAI/2.0/">
 <responseDate>{date}</responseDate>
 <request verb="ListRecords" metadataPrefix="oai_dc">http://127.0.0.1/oai</request>
 {body}
</OAI-PMH>
"""
_RECORD = """<ListRecords>
  <record><header><identifier>oai:odd:1</identifier><datestamp>2024-01-01T10:00:00Z</datestamp>
   </header><metadata><oai_dc:dc xmlns:oai_dc="http://www.openarchives.org/OAI/2.0/oai_dc/"
     xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:title>A record</dc:title>
     <dc:date>2020</dc:date><dc:type>Text</dc:type></oai_dc:dc></metadata></record>
 </ListRecords>"""
_STRICT = re.compile(r"^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}:\d{2}Z)?$")


class _Handler(BaseHTTPRequestHandler):
    """Writes responseDate as ``date``; refuses a from= OAI-PMH does not allow, as
    repositories do."""

    date = ""
    accepts = _STRICT

    def do_GET(self) -> None:
        args = dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(self.path).query))
        if "from" in args and not self.accepts.match(args["from"]):
            body = '<error code="badArgument">bad from</error>'
        elif "from" in args:
            body = '<error code="noRecordsMatch">nothing new</error>'
        else:
            body = _RECORD
        page = _PAGE.format(date=self.date, body=body).encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/xml; charset=utf-8")
        self.send_header("Content-Length", str(len(page)))
        self.end_headers()
        self.wfile.write(page)

    def log_message(self, format: str, *args: Any) -> None:
        pass


def _server(date: str, accepts: re.Pattern[str] = _STRICT) -> LoopbackServer:
    return LoopbackServer(type("Handler", (_Handler,), {"date": date, "accepts": accepts}))


@pytest.fixture
def store(settings: Settings) -> Iterator[object]:
    from ld.store import open_store

    with open_store(settings) as opened:
        yield opened


@pytest.mark.parametrize("date", ["2026-11-27T12:43:12.123Z", "2026-11-27T13:43:12+01:00"])
def test_an_odd_response_date_is_saved_in_oai_shape(settings: Settings, store: object,
                                                    date: str) -> None:
    with _server(date) as server:
        first = harvest(server.url, settings=settings, store=store, timeout=5, jobs=0)
        assert first.complete and first.next_from == "2026-11-27T12:43:12Z"
        second = harvest(server.url, settings=settings, store=store, timeout=5, jobs=0)
    assert second.from_ == "2026-11-27T12:43:12Z"
    assert second.complete and second.exit_code == 0, second.summary.errors


def _save(settings: Settings, url: str, saved_from: str) -> None:
    entry = {"from": saved_from, "granularity": "seconds"}
    path = state_file(settings)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({"harvests": {state_key(url, "oai_dc", None): entry}}))


def test_a_verbatim_state_from_is_put_in_shape_or_refused(settings: Settings,
                                                          store: object) -> None:
    """A state an older ldpub wrote verbatim is mended; one that is no date is refused,
    saying it came from the state and naming --full and --from."""
    with _server("2026-11-27T12:43:12Z") as server:
        _save(settings, server.url, "2026-11-27T12:43:12.5Z")
        mended = harvest(server.url, settings=settings, store=store, timeout=5, jobs=0)
        assert mended.from_ == "2026-11-27T12:43:12Z" and mended.complete
        _save(settings, server.url, "yesterday")
        with pytest.raises(InputError) as refused:
            harvest(server.url, settings=settings, store=store, timeout=5, jobs=0)
    message = str(refused.value)
    assert str(Path(state_file(settings))) in message
    assert "saved harvest state" in message and "--full" in message and "--from" in message


def test_a_state_from_the_repository_refuses_is_told_as_the_states(settings: Settings,
                                                                   store: object) -> None:
    """A repository of days refusing the moment it wrote itself: not the user's dates."""
    with _server("2026-11-27T12:43:12Z", re.compile(r"^\d{4}-\d{2}-\d{2}$")) as server:
        _save(settings, server.url, "2026-11-27T12:43:12Z")
        result = harvest(server.url, settings=settings, store=store, timeout=5, jobs=0)
    (error,) = result.summary.errors
    assert "badArgument" in error and "saved harvest state" in error, error
    assert "--full" in error and "--from" in error and not result.complete

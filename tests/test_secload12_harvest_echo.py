"""L3: a harvest's error names the URL and the repository's words, not all of them.

A 200 KB resumption token gave one error line of 200,143 characters (the next
request's URL carries the token); an OAI-PMH error's text was echoed whole too.
Values a server chose are cut to 200 characters with an ellipsis and their length.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler
from typing import Any

import pytest

from ld.config import Settings
from ld.harvest import harvest
from tests.oai_server import LoopbackServer

TOKEN = "A" * 200_000
ENVELOPE = ('<?xml version="1.0" encoding="UTF-8"?>'
            '<OAI-PMH xmlns="http://www.openarchives.org/OAI/2.0/">'
            "<responseDate>2024-01-01T00:00:00Z</responseDate>"
            '<request verb="ListRecords">http://127.0.0.1/oai</request>{}</OAI-PMH>')
PAGE = ENVELOPE.format(
    "<ListRecords><record><header><identifier>oai:echo:1</identifier>"
    "<datestamp>2024-01-01</datestamp></header><metadata>"
    '<oai_dc:dc xmlns:oai_dc="http://www.openarchives.org/OAI/2.0/oai_dc/" '
    'xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:title>A record</dc:title>'
    "<dc:date>2020</dc:date></oai_dc:dc></metadata></record>"
    f"<resumptionToken>{TOKEN}</resumptionToken></ListRecords>")
LONG_ERROR = ENVELOPE.format('<error code="badArgument">' + "no " * 50_000 + "</error>")


def _answering(body: str) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            data = body.encode()
            self.send_response(200)
            self.send_header("Content-Type", "text/xml")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                self.wfile.write(data)

        def log_message(self, format: str, *args: Any) -> None:
            pass

    return Handler


@pytest.fixture
def store(settings: Settings) -> Iterator[object]:
    from ld.store import open_store

    with open_store(settings) as opened:
        yield opened


@pytest.mark.parametrize("body", [PAGE, LONG_ERROR], ids=["long-token", "long-oai-error"])
def test_the_error_line_is_short(settings: Settings, store: object, body: str) -> None:
    with LoopbackServer(_answering(body)) as server:
        result = harvest(server.url, settings=settings, store=store, timeout=10,
                         max_retries=0, jobs=0, full=True)
    (error,) = result.summary.errors
    assert len(error) < 1_000, f"{len(error):,} characters"
    assert error.startswith(server.url) and " characters)" in error
    assert not result.complete and result.exit_code == 2

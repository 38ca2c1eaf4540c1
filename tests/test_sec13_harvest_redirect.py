"""L3 (explore12 "security"): a harvest does not follow a redirect off the repository's
host and port.

requests follows any redirect, so a repository could send the harvester to another
service (a port on the same machine, an internal host), whose answer was then quoted
in the error. Now the redirect is refused before it is followed, named with its
target and what to do; a redirect within the repository (another path) is followed.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from ld.config import Settings
from ld.harvest import harvest
from ld.harvest_client import may_redirect
from ld.store import open_store

PAGE = b"""<?xml version="1.0" encoding="UTF-8"?>
<OAI-PMH xmlns="http://www.openarchives.org/OAI/2.0/">
 <responseDate>2024-01-01T00:00:00Z</responseDate>
 <request verb="ListRecords" metadataPrefix="oai_dc">http://127.0.0.1/oai</request>
 <ListRecords><record><header><identifier>oai:r:1</identifier><datestamp>2024-01-01</datestamp>
 </header><metadata><oai_dc:dc xmlns:oai_dc="http://www.openarchives.org/OAI/2.0/oai_dc/"
  xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:title>A record</dc:title>
  <dc:date>2020</dc:date></oai_dc:dc></metadata></record></ListRecords>
</OAI-PMH>
"""


class _Handler(BaseHTTPRequestHandler):
    """/oai answers a page; /moved redirects to /oai; /away to ``away`` (another port)."""

    protocol_version = "HTTP/1.1"
    away = ""
    seen: list[str]

    def do_GET(self) -> None:
        self.seen.append(self.path)
        if self.path.startswith(("/moved", "/away")):
            where = "/oai" if self.path.startswith("/moved") else self.away
            self.send_response(302)
            self.send_header("Location", where + "?" + self.path.partition("?")[2])
            body = b""
        else:
            self.send_response(200)
            self.send_header("Content-Type", "text/xml")
            body = PAGE
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:
        pass


@contextlib.contextmanager
def _server(away: str = "") -> Iterator[tuple[str, list[str]]]:
    """A repository on a free port of 7620-7639 (this test's share); its base URL and
    the paths it was asked for."""
    seen: list[str] = []
    handler = type("Handler", (_Handler,), {"away": away, "seen": seen})
    for port in range(7620, 7640):
        with contextlib.suppress(OSError):
            httpd = ThreadingHTTPServer(("127.0.0.1", port), handler)
            break
    else:
        pytest.skip("no free port in 7620-7639")
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{port}", seen
    finally:
        httpd.shutdown()
        httpd.server_close()


def test_a_redirect_to_another_port_is_refused_unfollowed(settings: Settings) -> None:
    with (_server() as (other, asked_there), _server(away=other + "/stolen") as (repo, _),
          open_store(settings) as store):
        result = harvest(repo + "/away", settings=settings, store=store, timeout=5, jobs=0)
    (error,) = result.summary.errors
    assert asked_there == [], "the harvester followed the redirect"
    assert f"redirected to {other}/stolen?" in error and "off its own host and port" in error
    assert f"harvest its new address: {other}/stolen)" in error, error
    assert not result.complete and result.summary.loaded == 0


def test_a_redirect_within_the_repository_is_followed(settings: Settings) -> None:
    with _server() as (repo, seen), open_store(settings) as store:
        result = harvest(repo + "/moved", settings=settings, store=store, timeout=5, jobs=0)
    assert result.complete and result.summary.loaded == 1, result.summary.errors
    assert [path.partition("?")[0] for path in seen] == ["/moved", "/oai"]


@pytest.mark.parametrize(("target", "followed"), [
    ("http://Repo.example.org:80/oai2", True),
    ("https://repo.example.org/oai", True),  # upgraded to https, the same host
    ("https://repo.example.org:8443/oai", False),
    ("http://repo.example.org:8080/oai", False),
    ("http://mirror.example.org/oai", False),
    ("file:///etc/passwd", False),
    ("http://repo.example.org:99999999/oai", False),
])
def test_which_redirects_are_followed(target: str, followed: bool) -> None:
    assert may_redirect("http://repo.example.org/oai", target) is followed


def test_https_is_not_downgraded() -> None:
    assert not may_redirect("https://repo.example.org/oai", "http://repo.example.org/oai")

"""Harvesting from repositories that misbehave in ways pyoai's server cannot be made to:
each test starts its own small HTTP server on 127.0.0.1 (``Odd``) that answers as told."""

from __future__ import annotations

import contextlib
import gzip
import socket
import threading
import time
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from typing import Any

import pytest

from ld.config import Settings
from ld.harvest import harvest, state_file
from tests.oai_server import LoopbackServer

OAI_PAGE = b"""<?xml version="1.0" encoding="UTF-8"?>
<OAI-PMH xmlns="http://www.openarchives.org/OAI/2.0/">
 <responseDate>2024-01-01T00:00:00Z</responseDate>
 <request verb="ListRecords" metadataPrefix="oai_dc">http://127.0.0.1/oai</request>
 <ListRecords>
  <record><header><identifier>oai:odd:1</identifier><datestamp>2024-01-01</datestamp></header>
   <metadata><oai_dc:dc xmlns:oai_dc="http://www.openarchives.org/OAI/2.0/oai_dc/"
     xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:title>A record</dc:title>
     <dc:date>2020</dc:date><dc:type>Text</dc:type></oai_dc:dc></metadata></record>
 </ListRecords>
</OAI-PMH>
"""

Answer = Callable[[BaseHTTPRequestHandler], None]


class Odd(LoopbackServer):
    """An HTTP server whose every GET is answered by ``answer(handler)``."""

    def __init__(self, answer: Answer) -> None:
        super().__init__(type("Handler", (_Handler,), {"answer": staticmethod(answer)}))


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    answer: Answer

    def do_GET(self) -> None:
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):  # the harvester gave up
            self.answer(self)

    def log_message(self, format: str, *args: Any) -> None:
        pass


def _headers(handler: BaseHTTPRequestHandler, status: int, body: bytes,
             content_type: str = "text/xml; charset=utf-8") -> None:
    handler.send_response(status)
    handler.send_header("Content-Type", content_type)
    handler.send_header("Content-Length", str(len(body)))
    handler.end_headers()


@pytest.fixture
def store(settings: Settings) -> Iterator[object]:
    from ld.store import open_store

    with open_store(settings) as opened:
        yield opened


def _drip(handler: BaseHTTPRequestHandler) -> None:
    """One byte every 0.2 s for 10 s (a requests timeout never fires), then the rest."""
    _headers(handler, 200, OAI_PAGE)
    stop = time.monotonic() + 10
    sent = 0
    while time.monotonic() < stop:
        handler.wfile.write(OAI_PAGE[sent:sent + 1])
        handler.wfile.flush()
        sent += 1
        time.sleep(0.2)
    handler.wfile.write(OAI_PAGE[sent:])


def test_a_server_that_drips_is_given_up_after_the_timeout(settings: Settings, store: object,
                                                            tmp_path: Path) -> None:
    with Odd(_drip) as server:
        started = time.monotonic()
        result = harvest(server.url, settings=settings, store=store, timeout=1.5, jobs=0)
        took = time.monotonic() - started
    assert took < 1.5 + 3, f"a 1.5 s timeout took {took:.1f} s"
    (error,) = result.summary.errors
    assert error.startswith(server.url) and "did not arrive within 1.5 s" in error
    assert not result.complete and result.exit_code == 2
    assert not state_file(settings).exists()


def _cli(*args: str) -> Any:
    from click.testing import CliRunner

    from ld.cli import main

    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def test_dates_must_be_real_calendar_dates(tmp_path: Path) -> None:
    asked: list[str] = []
    with Odd(lambda handler: asked.append(handler.path)) as server:
        for flag, value in (("--from", "2003-13-45"), ("--until", "2003-02-29T10:00:00Z")):
            result = _cli("--store", str(tmp_path / "s"), "harvest", server.url, flag, value)
            assert result.exit_code == 2 and f"'{flag}'" in result.output, result.output
            assert "no calendar date" in result.output
    assert asked == []


def _pages(second: Callable[[BaseHTTPRequestHandler], None]) -> Answer:
    """A first page with a resumption token, then ``second`` for the page it asks for."""
    first = OAI_PAGE.replace(b"</ListRecords>", b"<resumptionToken>t1</resumptionToken>"
                                                b"</ListRecords>")

    def answer(handler: BaseHTTPRequestHandler) -> None:
        if "resumptionToken" not in handler.path:
            _headers(handler, 200, first)
            handler.wfile.write(first)
        else:
            second(handler)
    return answer


def _html(handler: BaseHTTPRequestHandler) -> None:
    page = b"<!DOCTYPE html><html><body>Too many requests, slow down</body></html>"
    _headers(handler, 200, page, "text/html")
    handler.wfile.write(page)


def _cut(handler: BaseHTTPRequestHandler) -> None:
    page = OAI_PAGE[: len(OAI_PAGE) // 2]
    _headers(handler, 200, page)
    handler.wfile.write(page)


def test_what_goes_wrong_mid_harvest_is_told_as_such(settings: Settings, store: object) -> None:
    for second, expected in ((_html, "middle of the harvest"),
                             (_cut, "none of this page's records were stored")):
        with Odd(_pages(second)) as server:
            result = harvest(server.url, settings=settings, store=store, timeout=5, jobs=0,
                             full=True)
        (error,) = result.summary.errors
        assert "resumptionToken=t1" in error and expected in error, error
        assert "base URL" not in error and "records before this point" not in error
        assert result.summary.loaded == 1 and not result.complete


def test_a_redirect_is_reported_under_its_target(settings: Settings, store: object) -> None:
    def answer(handler: BaseHTTPRequestHandler) -> None:
        if handler.path.startswith("/login"):
            _html(handler)
        else:
            handler.send_response(302)
            handler.send_header("Location", "/login?from=oai")
            handler.send_header("Content-Length", "0")
            handler.end_headers()

    with Odd(answer) as server:
        result = harvest(server.url, settings=settings, store=store, timeout=5, jobs=0)
    (error,) = result.summary.errors
    assert error.startswith(server.url.replace("/oai", "/login?from=oai")), error


def test_deletions_are_told_as_received(tmp_path: Path) -> None:
    page = OAI_PAGE.replace(b"<record><header>", b'<record><header status="deleted">'
                            b"<identifier>oai:odd:gone</identifier><datestamp>2024-01-01"
                            b"</datestamp></header></record><record><header>")

    def answer(handler: BaseHTTPRequestHandler) -> None:
        _headers(handler, 200, page)
        handler.wfile.write(page)

    with Odd(answer) as server:
        result = _cli("--store", str(tmp_path / "s"), "harvest", server.url, "--jobs", "0")
    assert result.exit_code == 0, result.output
    assert "1 page(s), 1 deletion(s) received" in result.output


def test_a_gzipped_answer_is_read_within_the_deadline(settings: Settings, store: object) -> None:
    """The body is read by the harvester itself (for its deadline), so it undoes gzip too."""
    packed = gzip.compress(OAI_PAGE)

    def answer(handler: BaseHTTPRequestHandler) -> None:
        handler.send_response(200)
        handler.send_header("Content-Type", "text/xml")
        handler.send_header("Content-Encoding", "gzip")
        handler.send_header("Content-Length", str(len(packed)))
        handler.end_headers()
        handler.wfile.write(packed)

    with Odd(answer) as server:
        result = harvest(server.url, settings=settings, store=store, timeout=5, jobs=0)
    assert result.complete and result.summary.loaded == 1, result.summary.errors


def test_a_harvest_holds_the_store_in_its_name_and_stops_on_ctrl_c(tmp_path: Path) -> None:
    """Regressions: a load refused during a harvest was told the store was held by
    "ldpub --store"; Ctrl-C during a harvest printed no summary; the summary table of a
    harvest was titled "ldpub load"."""
    import signal
    import subprocess
    import sys

    ldpub, store = str(Path(sys.executable).with_name("ldpub")), tmp_path / "s"
    record = tmp_path / "r.json"
    record.write_text('{"id": "r1", "title": "T"}')
    asked = threading.Event()

    def answer(handler: BaseHTTPRequestHandler) -> None:
        asked.set()  # the harvest has the store by now: it opens it before asking
        _drip(handler)

    with Odd(answer) as server:
        harvesting = subprocess.Popen([ldpub, "--store", str(store), "harvest", server.url,
                                       "--jobs", "0", "--timeout", "60"],
                                      stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        assert asked.wait(60)
        refused = subprocess.run([ldpub, "--store", str(store), "load", str(record)],
                                 capture_output=True, text=True, timeout=60)
        assert refused.returncode == 2 and "(ldpub harvest)" in refused.stderr, refused.stderr
        harvesting.send_signal(signal.SIGINT)
        out, err = harvesting.communicate(timeout=60)
    assert harvesting.returncode == 130, err
    assert "ldpub harvest" in out.decode() and "Traceback" not in err.decode()
    assert "harvest interrupted (Ctrl-C)" in err.decode()
    assert not (store / "harvest-state.json").exists()  # the next run starts where this did


@pytest.mark.parametrize("as_json", [False, True], ids=["people", "json"])
def test_a_harvest_whose_store_fails_shows_what_it_kept(tmp_path: Path, as_json: bool) -> None:
    """Regression: a harvest whose store failed part-way (its server gone) stopped with
    the store error alone; like ``ldpub load`` it now shows its summary so far and says
    what to do first, then the error (exit 2), and the state file is not moved."""
    import os
    import subprocess
    import sys

    from tests.conftest import oxigraph_executable

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    bind = f"127.0.0.1:{port}"
    server = subprocess.Popen([str(oxigraph_executable()), "serve", "--location",
                               str(tmp_path / "ox"), "--bind", bind],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    def second(handler: BaseHTTPRequestHandler) -> None:
        server.kill()  # the store goes away before this page's record is written
        server.wait(10)
        page = OAI_PAGE.replace(b"oai:odd:1", b"oai:odd:2")
        _headers(handler, 200, page)
        handler.wfile.write(page)

    ldpub = str(Path(sys.executable).with_name("ldpub"))
    try:
        deadline = time.monotonic() + 30
        while not _listening(port):
            assert time.monotonic() < deadline, "oxigraph did not start"
            time.sleep(0.1)
        with Odd(_pages(second)) as repository:
            done = subprocess.run([ldpub, "--store", f"http://{bind}", "--rejects",
                                   str(tmp_path / "r.jsonl"), "harvest", repository.url,
                                   "--jobs", "0", "--state", str(tmp_path / "state.json"),
                                   *(["--json"] if as_json else [])],
                                  capture_output=True, text=True, timeout=120,
                                  env={**os.environ, "LDPUB_BATCH_SIZE": "1"})
    finally:
        server.kill()
        server.wait(10)
    assert done.returncode == 2, done.stderr
    assert "Traceback" not in done.stderr
    assert "the store failed after" in done.stderr and "run the same harvest again" in done.stderr
    if as_json:  # regression: a program saw "errors": [] after the store had failed
        import json

        answer = json.loads(done.stdout)
        assert answer["complete"] is False
        assert any("the store failed" in e for e in answer["summary"]["errors"])
    else:
        assert "ldpub harvest" in done.stdout
    assert "cannot reach the SPARQL server" in done.stderr
    assert not (tmp_path / "state.json").exists()


def _listening(port: int) -> bool:
    with socket.socket() as probe:
        return probe.connect_ex(("127.0.0.1", port)) == 0


def test_remote_stores_keep_their_own_harvest_state(tmp_path: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    """Regression: every remote store shared ./harvest-state.json, so a first harvest into
    a new store was "incremental" from another store's last harvest."""
    from ld.config import load_settings

    monkeypatch.chdir(tmp_path)
    one = state_file(load_settings(env={}, store="http://127.0.0.1:7878"))
    other = state_file(load_settings(env={}, store="http://127.0.0.1:7879"))
    assert one != other and one.parent == other.parent == Path(".")
    assert state_file(load_settings(env={}, store="http://127.0.0.1:7878")) == one


def test_render_is_refused_for_a_remote_store_before_anything_is_loaded(tmp_path: Path) -> None:
    """Regression: `load --render` on a remote store was silently ignored (`ldpub render`
    refuses that store)."""
    record = tmp_path / "r.json"
    record.write_text('{"id": "r1", "title": "T"}')
    for args in (["load", str(record), "--render"],
                 ["harvest", "http://127.0.0.1:9/oai", "--render"]):
        result = _cli("--store", "http://127.0.0.1:9", *args)
        assert result.exit_code == 2, result.output
        assert "--render" in result.output and "embedded store" in result.output

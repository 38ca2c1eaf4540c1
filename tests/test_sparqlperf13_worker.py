"""ld.web.gunicorn_worker's per-request savings send gunicorn's own bytes.

:class:`OneSendResponse` sends the head with the first piece of the body in one
call; every answer (a body of known length, HEAD, chunked, empty, large, a
write that fails) must be byte for byte what gunicorn's ``Response`` sends,
including the Date made once a second. :class:`SettledConfig` reads what the
Config says, and the drain is skipped only when there is nothing to drain.
"""

from __future__ import annotations

import socket
import time
from collections.abc import Iterator
from typing import Any

import pytest
from gunicorn import util
from gunicorn.config import Config
from gunicorn.http import wsgi
from gunicorn.http.parser import RequestParser

from ld.web import gunicorn_worker
from ld.web.gunicorn_worker import ONE_SEND_WORKS, OneSendResponse, SettledConfig, body_read

pytestmark = pytest.mark.skipif(not ONE_SEND_WORKS, reason="a gunicorn without response_class")


class Recording:
    """A socket stand-in that records each sendall."""

    def __init__(self) -> None:
        self.sent: list[bytes] = []

    def sendall(self, data: bytes) -> None:
        self.sent.append(bytes(data))


def _request(raw: bytes, cfg: Config | None = None) -> Any:
    a, b = socket.socketpair()
    with b:
        b.sendall(raw)
        b.shutdown(socket.SHUT_WR)
        req = next(RequestParser(cfg or Config(), a, ("127.0.0.1", 1)))
    return req


def _answer(response_class: type, raw: bytes, status: str, headers: list[tuple[str, str]],
            chunks: list[Any]) -> tuple[list[bytes], BaseException | None]:
    sock = Recording()
    resp = response_class(_request(raw), sock, Config())
    resp.start_response(status, headers)
    error = None
    try:
        for chunk in chunks:
            resp.write(chunk)
        resp.close()
    except TypeError as e:
        error = e
    return sock.sent, error


@pytest.fixture(autouse=True)
def one_date(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The same second for both responses."""
    now = int(time.time())
    monkeypatch.setattr(gunicorn_worker.time, "time", lambda: now + 0.75)
    monkeypatch.setattr(util, "http_date", lambda timestamp=None, real=util.http_date:
                        real(now + 0.75 if timestamp is None else timestamp))
    yield


GET = b"GET /sparql HTTP/1.1\r\nHost: x\r\n\r\n"
HEAD = b"HEAD /sparql HTTP/1.1\r\nHost: x\r\n\r\n"
OLD = b"GET /sparql HTTP/1.0\r\nHost: x\r\n\r\n"
BODY = b'{"head":{}}' * 400
CASES = [
    (GET, "200 OK", [("Content-Type", "a/b"), ("Content-Length", str(len(BODY)))], [BODY]),
    (GET, "200 OK", [("Content-Length", str(len(BODY)))], [BODY[:7], BODY[7:]]),
    (HEAD, "200 OK", [("Content-Length", str(len(BODY)))], [BODY]),
    (GET, "200 OK", [("Content-Type", "a/b")], [b"abc", b"", b"defg"]),  # chunked
    (GET, "200 OK", [("Content-Type", "a/b")], [b"", b"x"]),
    (GET, "200 OK", [("Content-Type", "a/b")], []),
    (OLD, "200 OK", [("Content-Type", "a/b")], [b"abc", b"de"]),
    (GET, "200 OK", [], [b"x" * (gunicorn_worker.ONE_SEND + 1)]),
    (GET, "204 No Content", [("Content-Length", "0")], [b""]),
    (GET, "304 Not Modified", [("ETag", '"1"')], [b""]),
    (GET, "200 OK", [("Content-Length", "3")], [b"abcdef"]),  # cut at its length
    (GET, "200 OK", [("Content-Type", "a/b")], ["text, not bytes"]),
    (GET, "200 OK", [("Connection", "close"), ("Content-Length", "1")], [b"x"]),
]


@pytest.mark.parametrize("raw, status, headers, chunks", CASES)
def test_the_same_bytes_as_gunicorn(raw: bytes, status: str, headers: list[tuple[str, str]],
                                    chunks: list[Any]) -> None:
    theirs, their_error = _answer(wsgi.Response, raw, status, headers, chunks)
    ours, our_error = _answer(OneSendResponse, raw, status, headers, chunks)
    assert b"".join(ours) == b"".join(theirs)
    assert type(our_error) is type(their_error)


def test_head_and_a_small_body_go_in_one_call() -> None:
    sent, _ = _answer(OneSendResponse, GET, "200 OK", [("Content-Length", str(len(BODY)))],
                      [BODY])
    assert len(sent) == 1 and sent[0].endswith(b"\r\n\r\n" + BODY)
    theirs, _ = _answer(wsgi.Response, GET, "200 OK", [("Content-Length", str(len(BODY)))],
                        [BODY])
    assert len(theirs) == 2


def test_the_date_is_gunicorns() -> None:
    gunicorn_worker._DATE = (0, "")
    assert gunicorn_worker.http_date() == util.http_date()


def test_settled_config_reads_the_config_once() -> None:
    cfg = Config()
    cfg.set("keepalive", 7)
    settled = SettledConfig(cfg)
    for name in ("keepalive", "limit_request_line", "is_ssl", "forwarded_allow_ips",
                 "pre_request", "strip_header_spaces", "settings"):
        assert getattr(settled, name) == getattr(cfg, name)
    assert "keepalive" in vars(settled)
    with pytest.raises(AttributeError):
        settled.no_such_setting  # noqa: B018


@pytest.mark.parametrize("raw, read, expected", [
    (b"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello", 5, True),
    (b"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello", 2, False),
    (b"GET / HTTP/1.1\r\nHost: x\r\n\r\n", 0, True),
    (b"POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n",
     3, False),  # chunked: gunicorn's own drain decides
])
def test_the_drain_is_skipped_only_when_the_body_was_read(raw: bytes, read: int,
                                                          expected: bool) -> None:
    req = _request(raw)
    if read:
        req.body.read(read)
    assert body_read(req) is expected

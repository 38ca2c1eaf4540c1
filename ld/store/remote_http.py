"""HTTP for the remote store: every request to the SPARQL server goes out and comes back here.

Why a module of its own: every failure of the server, or of a proxy in front
of it, must become a :class:`ServerError` that says what to check (a 404 from
the update endpoint was taken for success: "loaded 1,000", and the server held
nothing); the server's URL must never show its password (it was shown to every
visitor of a 503 page); what the server said belongs in the log and on the
command line, not in a web page; and one transient failure (503 with
Retry-After, a 502 from a load balancer, a dropped connection) must not stop a
million-record load, so idempotent requests are tried again a few times.
Never retried: a 4xx (the same request gets the same answer), a refused
connection (no server there), a timeout (the server is still at it).
"""

from __future__ import annotations

import logging
import re
import time
from dataclasses import dataclass
from email.utils import parsedate_to_datetime
from typing import Any
from urllib.parse import unquote, urlsplit, urlunsplit

import requests
import urllib3

from ld.errors import BadRequest, LdpubError, NotAcceptable, ServerError
from ld.numbers import ascii_digits

LOG = logging.getLogger("ldpub.store")
TRANSIENT = frozenset({502, 503, 504})  # a proxy's or a busy server's "not now"
DETAIL_CHARS = 300  # of the server's own text kept in a message


@dataclass(frozen=True)
class Retry:
    """How an idempotent request is tried again after a transient failure."""

    tries: int = 4  # in all, the first one included
    longest: float = 30.0  # seconds: the longest single wait, a Retry-After included
    budget: float = 60.0  # seconds: all the waits of one request together


WRITER = Retry()  # commands: a long load rides out a server restart or a busy minute
READER = Retry(tries=2, longest=2.0, budget=2.0)  # a web visitor waits a little only


def redact(url: str) -> str:
    """``url`` with its ``user:password@`` shown as ``***@``: for every message and log."""
    parts = urlsplit(url)
    if "@" not in parts.netloc:
        return url
    return urlunsplit(parts._replace(netloc="***@" + parts.netloc.rpartition("@")[2]))


def split_credentials(url: str) -> tuple[str, tuple[str, str] | None]:
    """The URL without ``user:password@`` and the pair for basic auth (None without)."""
    parts = urlsplit(url)
    if "@" not in parts.netloc:
        return url, None
    plain = urlunsplit(parts._replace(netloc=parts.netloc.rpartition("@")[2]))
    return plain, (unquote(parts.username or ""), unquote(parts.password or ""))


class Http:
    """One session to the server, with its credentials, timeouts and retries."""

    def __init__(self, auth: tuple[str, str] | None, timeout: tuple[float, float],
                 retry: Retry = WRITER) -> None:
        self.session = requests.Session()
        self.session.auth = auth
        self.timeout, self.retry = timeout, retry
        self.server = ""  # the server's Server header, once it has answered

    def send(self, method: str, url: str, *, service: str, idempotent: bool = True,
             missing_ok: bool = False, refused: type[LdpubError] = BadRequest,
             **kwargs: Any) -> requests.Response:
        """The server's answer to a request for its ``service`` ("query", "update",
        "graph store"), a success (or a 404 when ``missing_ok``); every failure a
        ServerError. A 400 is ``refused`` (BadRequest: the request's fault, as a
        user's query; ServerError for ldpub's own updates)."""
        waited, tries = 0.0, 0
        while True:
            tries += 1
            try:
                response = self.session.request(method, url, timeout=self.timeout, **kwargs)
            except requests.RequestException as exc:
                wait = self._wait(tries, waited, None) if idempotent and dropped(exc) else None
                if wait is None:
                    raise unreachable(url, exc) from None
                self._pause(url, why(exc), wait)
            else:
                self.server = response.headers.get("Server", self.server)
                retry_after = response.headers.get("Retry-After")
                transient = idempotent and response.status_code in TRANSIENT
                wait = self._wait(tries, waited, retry_after) if transient else None
                if wait is None:
                    check(response, url, service, missing_ok=missing_ok, refused=refused)
                    return response
                response.close()
                self._pause(url, f"it answered {response.status_code}", wait)
            waited += wait

    def _wait(self, tries: int, waited: float, retry_after: str | None) -> float | None:
        """Seconds to wait before trying again, or None to give up."""
        if tries >= self.retry.tries:
            return None
        asked = _seconds(retry_after)
        wait = min(self.retry.longest, 0.5 * 2 ** (tries - 1) if asked is None else asked)
        return None if waited + wait > self.retry.budget else wait

    @staticmethod
    def _pause(url: str, what: str, wait: float) -> None:
        LOG.warning("the SPARQL server at %s failed (%s); trying again in %g s",
                    redact(url), what, wait)
        time.sleep(wait)

    def close(self) -> None:
        self.session.close()


def _seconds(retry_after: str | None) -> float | None:
    """A Retry-After header (seconds or an HTTP date) in seconds from now; None without."""
    if not retry_after:
        return None
    text = retry_after.strip()
    if ascii_digits(text):
        return float(text)
    try:
        return max(0.0, parsedate_to_datetime(text).timestamp() - time.time())
    except (TypeError, ValueError):
        return None


def dropped(exc: BaseException) -> bool:
    """Was a connection made and then lost (reset, closed, a body cut short)? Those are
    worth another try; a refused connection or a timeout is not."""
    if isinstance(exc, requests.Timeout | requests.exceptions.SSLError):
        return False  # a certificate stays bad however often it is asked
    if isinstance(exc, requests.exceptions.ChunkedEncodingError | urllib3.exceptions.ProtocolError):
        return True
    if isinstance(exc, requests.ConnectionError):
        reason = getattr(exc.args[0], "reason", None) if exc.args else None
        return not isinstance(reason, urllib3.exceptions.NewConnectionError | OSError)
    return False


def why(exc: BaseException) -> str:
    """A network failure in a few words (requests' own text repeats pools and hosts)."""
    if isinstance(exc, requests.ConnectTimeout):
        return "no connection within the connect timeout"
    if isinstance(exc, requests.Timeout | urllib3.exceptions.ReadTimeoutError):
        return "no answer within the read timeout"
    if dropped(exc):
        return "the connection was closed before the answer was complete"
    seen: BaseException | None = exc
    while seen is not None:  # requests' error <- urllib3's <- the socket's OSError
        if isinstance(seen, OSError) and seen.strerror:
            return seen.strerror.lower()
        seen = seen.__cause__ or seen.__context__
    return type(exc).__name__


def unreachable(url: str, exc: BaseException) -> ServerError:
    return ServerError(f"cannot reach the SPARQL server at {redact(url)}: {why(exc)}",
                       hint="is it running? check --store / LDPUB_STORE")


def check(response: requests.Response, url: str, service: str, *, missing_ok: bool = False,
          refused: type[LdpubError] = BadRequest) -> None:
    """Raise the error an unsuccessful answer stands for (see :meth:`Http.send`)."""
    status = response.status_code
    if status < 300 or (status == 404 and missing_ok):
        return
    detail, where = server_text(response), redact(url)
    response.close()
    if status == 400 and refused is BadRequest:
        raise BadRequest(f"the SPARQL server refused the request: {detail}")
    if status == 406:
        raise NotAcceptable(f"the SPARQL server cannot answer with "
                            f"{response.request.headers.get('Accept')}")
    raise _failure(status, where, service, detail)


# status -> (what the server did, what to check); {where}, {service} and {writes} filled in
_FAILURES = {
    401: ("the SPARQL server at {where} wants a user name and password (401)",
          "give them in the store URL: http://USER:PASSWORD@HOST/..."),
    403: ("the SPARQL server at {where} refused the {service} (403)",
          "check the user in the store URL{writes}"),
    413: ("the SPARQL server at {where} refused a request as too large (413)",
          "give a smaller --batch-size (LDPUB_BATCH_SIZE)"),
    400: ("the SPARQL server at {where} refused ldpub's {service} (400)",
          "see what it said; its log may say more"),
}


# Virtuoso's answer (a 500) to a user without the right to run what a request needs
_NO_PERMISSION = re.compile(r"\bSR186\b|No permission to execute", re.IGNORECASE)


def _failure(status: int, where: str, service: str, detail: str) -> ServerError:
    writes = ", and that the server accepts SPARQL updates" if service == "update" else ""
    if _NO_PERMISSION.search(detail):  # not transient: trying again never helps
        return ServerError(f"the SPARQL server at {where} refused the {service}: its SPARQL "
                           f"user has no permission ({status})", detail=detail,
                           hint='grant it (Virtuoso: GRANT SPARQL_UPDATE TO "SPARQL"; in '
                                "isql) or give a user who has it in the store URL: "
                                "http://USER:PASSWORD@HOST/...")
    if status in (404, 405, 501):  # no such service there: what it said is a web page
        return ServerError(f"no SPARQL {service} service at {where} (it answered {status})",
                           hint=f"check the store URL, given by --store or LDPUB_STORE{writes}")
    message, hint = _FAILURES.get(status, ("the SPARQL server at {where} answered {status}",
                                           "try again later; the server's log may say more"))
    words = {"where": where, "service": service, "writes": writes, "status": status}
    return ServerError(message.format(**words), detail=detail, hint=hint.format(**words))


_TAG = re.compile(r"<[^>]*>")


def server_text(response: requests.Response) -> str:
    """The start of what the server said, on one line, markup dropped."""
    try:
        text = response.content[:20_000].decode("utf-8", "replace")
    except (requests.RequestException, urllib3.exceptions.HTTPError):
        return ""
    if "html" in response.headers.get("Content-Type", ""):
        text = _TAG.sub(" ", text)
    text = " ".join(text.split())
    return text if len(text) <= DETAIL_CHARS else text[:DETAIL_CHARS] + "..."

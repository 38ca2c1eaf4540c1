"""The OAI-PMH client of :mod:`ld.harvest`: sickle, with our page checks and retry policy.

sickle speaks the protocol (requests, resumption tokens, retries of the
statuses in ``RETRY_STATUS``). What it does not do for us, and why it is
wrapped here: its XML parser recovers from anything, so an HTML page would
be "zero records" (we parse each page strictly ourselves first); it sleeps
for whatever Retry-After says (we cap the wait and back off exponentially
without one); timeouts and connection errors surface as raw requests
exceptions (we name the URL); and requests' timeout only bounds each wait
for bytes, so a server sending a byte a second would hold the harvest (and
the store's writer lock) for as long as the page takes: the body is
streamed here against one deadline per request (:func:`_read_body`).

Kept apart from :mod:`ld.harvest` because this is the HTTP side of a
harvest (requests, retries, what an answer that is not OAI-PMH looks like),
while the harvest itself is about records, batches and where the next run
starts.
"""

from __future__ import annotations

import io
import re
import time
from collections.abc import Mapping
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any
from urllib.parse import urljoin, urlsplit

import requests
from sickle import Sickle
from sickle.iterator import OAIResponseIterator
from urllib3.exceptions import ProtocolError, ReadTimeoutError

from ld.errors import InputError, Location, ParseError, clipped
from ld.numbers import ascii_digits
from ld.pipeline import Item
from ld.readers import xmlsafe
from ld.readers.oai import ResponseInfo, read_response
from ld.readers.oai_metadata import Converter

RETRY_STATUS = (429, 502, 503, 504)  # "come back later" answers worth a bounded retry
_CHUNK = 64 * 1024
# One answer's size, counted as it is decoded: OAI-PMH pages are a few MB, so more is a broken
# or hostile server (a 2 MB gzip can inflate to 2 GB), not a page to hold in memory.
MAX_RESPONSE_BYTES = 256 * 1024 * 1024


class HarvestError(InputError):
    """The repository cannot be harvested right now (HTTP, timeout, not OAI-PMH)."""


class Client(Sickle):
    """sickle, with strict page checks, a bounded Retry-After and errors that name the URL."""

    def __init__(self, url: str, *, timeout: float, max_retries: int, max_wait: float,
                 converters: Mapping[str, Converter] | None = None,
                 max_bytes: int = MAX_RESPONSE_BYTES) -> None:
        super().__init__(url, iterator=OAIResponseIterator, max_retries=max_retries,
                         retry_status_codes=RETRY_STATUS, timeout=timeout, stream=True,
                         headers={"User-Agent": "ldpub-harvester"},
                         hooks={"response": self._refuse_other_origin})
        self.timeout, self.max_wait, self.converters = timeout, max_wait, converters
        self.max_bytes = max_bytes
        self.requests: list[str] = []
        self.last_info = ResponseInfo()
        self._attempt = 0

    def harvest(self, **kwargs: str) -> Any:
        """One OAI request; the page is parsed strictly and its items kept on the response."""
        url = requests.Request("GET", self.endpoint, params=kwargs).prepare().url or self.endpoint
        self.requests.append(url)
        self._attempt = 0
        try:
            response = super().harvest(**kwargs)
        except requests.RequestException as exc:
            raise _request_error(exc, url, self.timeout, self._attempt) from exc
        response.info = self.last_info = ResponseInfo()
        response.items = self._page_items(response.http_response, response.info)
        return response

    def _page_items(self, http: requests.Response, info: ResponseInfo) -> list[Item]:
        """The page's items, all or none, named by the URL that answered (after redirects)."""
        self._check_oai(http)
        try:
            return list(read_response(io.BytesIO(http.content), clipped(http.url), info=info,
                                      converters=self.converters))
        except ParseError as exc:  # its hint is a file's: "records before this point were read"
            earlier = " (those of earlier pages were)" if len(self.requests) > 1 else ""
            raise HarvestError(exc.message, exc.location,
                               hint=f"none of this page's records were stored{earlier}; "
                                    "if it was cut short, run the same command again") from exc

    def _check_oai(self, http: requests.Response) -> None:
        """An answer that is not OAI-PMH (an HTML page, a login form) is an error saying so."""
        head = http.content[:4096]
        if xmlsafe.root_name(head) == "OAI-PMH":
            return
        kind = http.headers.get("Content-Type", "no Content-Type")
        start = head[:60].decode("utf-8", "replace").strip()
        hint = ("check that the URL is the repository's OAI-PMH base URL" if len(self.requests) < 2
                else f"the repository answered this instead of page {len(self.requests)}, in the "
                     "middle of the harvest: it may be failing or limiting requests; try later")
        raise HarvestError(f"the answer is not an OAI-PMH response ({clipped(kind)}: {start!r})",
                           Location(file=clipped(http.url)), hint=hint)

    def _request(self, kwargs: dict[str, str]) -> requests.Response:
        """sickle's request (streamed), whose whole answer must arrive within ``timeout``."""
        deadline = time.monotonic() + self.timeout
        response = super()._request(kwargs)
        _read_body(response, deadline, self.timeout, self.max_bytes)
        return response

    def _refuse_other_origin(self, response: requests.Response, *args: Any, **kwargs: Any
                             ) -> requests.Response:
        """A redirect leaving the base URL's host and port is an error, before it is followed.

        requests follows any redirect: a hostile or hijacked repository could send
        the harvester to another service (a port on the same machine, an internal
        host) and have its answer quoted in the error. A repository that moved is
        named instead, for the operator to harvest at its new address.
        """
        if not response.is_redirect:
            return response
        target = urljoin(response.url, response.headers.get("location", ""))
        if may_redirect(self.endpoint, target):
            return response
        response.close()
        raise HarvestError(
            f"the repository redirected to {clipped(target)}, off its own host and port; "
            "a harvest follows redirects only there (and from http to https)",
            Location(file=clipped(response.url)), hint=_moved_hint(target))

    def get_retry_after(self, http_response: requests.Response) -> float:
        """Retry-After (seconds or HTTP date) if given, else 1, 2, 4 ... s; at most max_wait."""
        self._attempt += 1
        wait = _retry_after(http_response.headers.get("Retry-After"))
        if wait is None:
            wait = 2.0 ** (self._attempt - 1)
        return max(0.0, min(wait, self.max_wait))


def _read_body(response: requests.Response, deadline: float, timeout: float,
               max_bytes: int) -> None:
    """Read the streamed body by chunks, each read waiting at most the time left.

    The body becomes ``response.content`` (requests keeps it in ``_content``,
    which is what its own ``content`` property fills). A late, cut or too large
    answer (more than ``max_bytes`` once gzip is undone) is a HarvestError naming
    the URL the answer came from (after redirects). BytesIO hands its buffer
    over without the copy a join of chunks made, which doubled the memory.
    """
    body = io.BytesIO()
    try:
        while chunk := _read_chunk(response, deadline):
            body.write(chunk)
            if body.tell() > max_bytes:
                raise _too_large(response, max_bytes)
    except (ReadTimeoutError, TimeoutError) as exc:
        raise _too_slow(response, timeout, body.tell()) from exc
    except ProtocolError as exc:
        raise HarvestError(f"the connection closed after {body.tell():,} bytes of the answer",
                           Location(file=clipped(response.url)),
                           hint="the repository or the network failed; try again") from exc
    finally:
        response.close()
    response._content = body.getvalue()


def _read_chunk(response: requests.Response, deadline: float) -> bytes:
    """The next bytes of the body, or TimeoutError once the deadline has passed."""
    left = deadline - time.monotonic()
    if left <= 0:
        raise TimeoutError
    sock = getattr(response.raw.connection, "sock", None)
    if sock is not None:
        sock.settimeout(left)  # never longer than requests' own per-read timeout
    return response.raw.read1(_CHUNK, decode_content=True)  # gzip undone, as requests does


def _too_slow(response: requests.Response, timeout: float, received: int) -> HarvestError:
    return HarvestError(f"the answer did not arrive within {timeout:g} s "
                        f"({received:,} bytes received)", Location(file=clipped(response.url)),
                        hint="the repository is sending very slowly; try later or raise --timeout")


def _too_large(response: requests.Response, max_bytes: int) -> HarvestError:
    return HarvestError(f"the answer is larger than {max_bytes:,} bytes (after gzip is undone); "
                        "no OAI-PMH page is that large", Location(file=clipped(response.url)),
                        hint="the repository is failing or is not an OAI-PMH repository; "
                             "check the URL, or ask its operators for smaller pages")


def may_redirect(base: str, target: str) -> bool:
    """True when a harvest of ``base`` follows a redirect to ``target``: the same scheme,
    host and port, or the same host's https on the default ports (http upgraded)."""
    if _origin(target) == _origin(base):
        return True
    scheme, host, port = _origin(base)
    return (scheme, port) == ("http", 80) and _origin(target) == ("https", host, 443)


def _moved_hint(target: str) -> str:
    """What to do about a redirect refused: harvest the new address, if it is one."""
    parts = urlsplit(target)
    if parts.scheme.lower() not in ("http", "https"):
        return "only http and https repositories are harvested; check the base URL"
    new_base = parts._replace(query="", fragment="").geturl()
    return f"if the repository moved, harvest its new address: {clipped(new_base)}"


def _origin(url: str) -> tuple[str, str, int | None]:
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    try:
        port = parts.port or {"http": 80, "https": 443}.get(scheme)
    except ValueError:  # a port that is not a number: no origin matches it
        port = -1
    return scheme, (parts.hostname or "").lower(), port


def _retry_after(value: str | None) -> float | None:
    """Retry-After is delay-seconds or an HTTP date (RFC 9110 10.2.3)."""
    if not value:
        return None
    if ascii_digits(value.strip()):
        return float(value.strip())
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:  # "-0000": UTC with no zone information
        when = when.replace(tzinfo=UTC)
    return (when - datetime.now(UTC)).total_seconds()


def _reason(exc: requests.ConnectionError) -> str:
    """The OS-level reason ("[Errno 111] Connection refused") out of urllib3's long text."""
    text = str(exc)
    found = re.search(r"\[Errno -?\d+\] [^)'\"]+", text)
    return found.group(0).strip() if found else clipped(text)


def _request_error(exc: requests.RequestException, url: str, timeout: float,
                   attempts: int) -> HarvestError:
    """A failed request, named by the URL it failed at (a redirect's target, if any)."""
    final = exc.request.url if exc.request is not None and exc.request.url else url
    moved = f" (redirected from {clipped(url)})" if final != url else ""
    final = clipped(final)
    if isinstance(exc, requests.HTTPError) and exc.response is not None:
        return _http_error(exc.response, final, attempts, moved)
    message, hint = _failure(exc, timeout)
    return HarvestError(message + moved, Location(file=final), hint=hint)


def _failure(exc: requests.RequestException, timeout: float) -> tuple[str, str]:
    """(message, hint) for a request that got no usable answer."""
    if isinstance(exc, requests.Timeout):
        return (f"no answer within {timeout:g} s",
                "the repository is slow or down; try later or raise --timeout")
    if isinstance(exc, requests.ConnectionError):
        return f"cannot connect: {_reason(exc)}", "check the URL and that the repository is up"
    return f"the request failed: {clipped(str(exc))}", "check the URL and the harvest options"


def _http_error(response: requests.Response, url: str, attempts: int,
                moved: str = "") -> HarvestError:
    """An HTTP failure as people read it: status, how often it was tried, what to do."""
    tries = f" after {attempts + 1} attempts" if attempts else ""
    hint = ("the repository is overloaded or down; try later" if response.status_code >= 500
            else "check the URL and the harvest options")
    reason = clipped(response.reason or "")
    return HarvestError(f"HTTP {response.status_code} {reason}{tries}{moved}",
                        Location(file=url), hint=hint)

"""Domain errors, one tree, each with its HTTP status and CLI exit code.

    LdpubError                      anything ldpub refuses or cannot do
    ├── InputError                  unusable input (exit 2)
    │   ├── UnknownFormatError      no reader recognises the content
    │   └── ParseError              the file stops being readable (truncated, bad UTF-8, ...)
    ├── RecordError                 one record cannot be mapped; the file goes on (rejected)
    ├── StoreError                  the store cannot be opened, read or written (exit 2, HTTP 503)
    │   ├── StoreBusy               another writer (ldpub load) holds it (HTTP 503 + Retry-After)
    │   └── ServerError             a SPARQL server failed; its own text kept from web visitors
    ├── ConfigError                 a flag or LDPUB_* variable has an unusable value (exit 2)
    ├── NotFound                    no such record or resource (HTTP 404)
    ├── NotAcceptable               no representation fits the Accept header (HTTP 406)
    ├── PreconditionFailed          a false If-Match or If-Unmodified-Since (HTTP 412)
    ├── ContentTooLarge             request body over the limit, refused unread (HTTP 413)
    ├── UnsupportedMediaType        request body of a type we do not take (HTTP 415)
    ├── BadRequest                  malformed request, e.g. a SPARQL syntax error (HTTP 400)
    ├── Forbidden                   e.g. SPARQL Update on the public endpoint, SERVICE (HTTP 403)
    ├── QueryTimeout                a query ran past its time limit (HTTP 503)
    └── Overloaded                  too many concurrent queries (HTTP 503 + Retry-After)

The web layer maps errors to responses with :attr:`LdpubError.http_status`
in one place (``ld/web/errors.py``), with ``Retry-After`` when the error has a
:attr:`LdpubError.retry_after`; the CLI maps them to exit codes with
:attr:`LdpubError.exit_code`.

Messages users see name the file, the record and the field where there is
one, and say what to do about it.
"""

from __future__ import annotations

from dataclasses import dataclass

ECHO_LIMIT = 200  # characters of an untrusted value an error message repeats


def clipped(text: str, limit: int = ECHO_LIMIT) -> str:
    """``text``, cut to ``limit`` characters with an ellipsis and its full length.

    Values a remote server chose (a 200 KB resumption token, the URL carrying it, an
    OAI-PMH error's text) are named in an error, not echoed whole: one error line
    of 200,000 characters hides the message and floods logs and terminals.
    """
    return text if len(text) <= limit else f"{text[:limit]}… ({len(text):,} characters)"


@dataclass(frozen=True)
class Location:
    """Where in the input something happened; every part is optional."""

    file: str | None = None
    position: str | None = None  # "line 12", "record 3", "byte 4096", "offset 17"
    record_id: str | None = None
    field: str | None = None

    def __str__(self) -> str:
        parts = []
        if self.file:
            parts.append(self.file)
        if self.position:
            parts.append(self.position)
        if self.record_id:
            parts.append(f"record {self.record_id!r}")
        if self.field:
            parts.append(f"field {self.field!r}")
        return ", ".join(parts)


class LdpubError(Exception):
    """Base of every error ldpub raises on purpose."""

    http_status = 500
    exit_code = 2
    retry_after: int | None = None  # seconds after which a client may try again (a 503's)

    def __init__(self, message: str, location: Location | None = None, hint: str = "") -> None:
        self.message = message
        self.location = location or Location()
        self.hint = hint
        super().__init__(str(self))

    def __str__(self) -> str:
        where = str(self.location)
        text = f"{where}: {self.message}" if where else self.message
        return f"{text} ({self.hint})" if self.hint else text


class InputError(LdpubError):
    """The input as a whole cannot be used."""

    http_status = 400


class UnknownFormatError(InputError):
    """No reader recognises the content."""


class ParseError(InputError):
    """The stream stopped being readable; records before it were kept."""


class RecordError(LdpubError):
    """One record cannot be read or mapped; it is rejected and the file goes on."""

    http_status = 422
    exit_code = 1


class StoreError(LdpubError):
    """The store cannot be opened, read or written."""

    http_status = 503


class StoreBusy(StoreError):
    """Another process writes the store (``ldpub load``, another update): it is free
    again when that one ends, so a web client is told when to try again."""

    retry_after = 10  # a load holds the store for minutes, another update for a moment


class ServerError(StoreError):
    """The SPARQL server failed; what it said (``detail``) is kept apart.

    ``str()`` (the command line, the log) has the detail; ``public`` (what a
    web visitor reads) does not: a server's error text can name its files,
    its configuration or the query of another user.
    """

    def __init__(self, message: str, *, detail: str = "", hint: str = "") -> None:
        self.public = f"{message} ({hint})" if hint else message
        super().__init__(f"{message}: {detail}" if detail else message, hint=hint)


class ConfigError(LdpubError):
    """A setting's value cannot be used; the message names the flag or the variable."""


class NotFound(LdpubError):
    http_status = 404
    exit_code = 2


class NotAcceptable(LdpubError):
    """Carries the media types we can offer so the 406 response can list them."""

    http_status = 406

    def __init__(self, message: str, offered: list[str] | None = None) -> None:
        super().__init__(message)
        self.offered = offered or []


class PreconditionFailed(LdpubError):
    """412: the client's If-Match or If-Unmodified-Since does not hold (RFC 9110 §13.1.1,
    §13.1.4), e.g. it edits a copy older than ours; answered like every other error."""

    http_status = 412


class ContentTooLarge(LdpubError):
    """413 Content Too Large (RFC 9110 15.5.14): a request body over the limit, refused
    unread."""

    http_status = 413


class UnsupportedMediaType(LdpubError):
    http_status = 415


class BadRequest(LdpubError):
    http_status = 400


class Forbidden(LdpubError):
    http_status = 403


class QueryTimeout(LdpubError):
    http_status = 503


class Overloaded(LdpubError):
    http_status = 503

    def __init__(self, message: str, retry_after: int = 1) -> None:
        super().__init__(message)
        self.retry_after = retry_after

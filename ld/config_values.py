"""The checks of setting values that are more than a type: a store, a base URI, a
host, a dump directory, an IRI, on/off. Apart from :mod:`ld.config` (the table
itself) because each says in words why a value cannot be used, and the table
reads better without them. :class:`Unusable` carries that reason; the table
turns it into a ConfigError naming the flag or variable.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from urllib.parse import urlsplit

_TRUE, _FALSE = frozenset({"1", "true", "yes", "on"}), frozenset({"0", "false", "no", "off"})


_IRI = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:[^\s<>\"{}|\\^`]+")
_NOT_IN_IRI = frozenset('<>"{}|\\^`') | {chr(c) for c in (*range(0x20), 0x7F)}
_URL_LIKE = re.compile(r"([A-Za-z][A-Za-z0-9+.-]*)://")
_HTTP = ("http", "https")


# Processes per CPU core (serving workers, --jobs) beyond which more only contend for
# the cores and memory: `LDPUB_WORKERS=100000` forked gunicorn workers until a shared
# machine's load average reached ~900, and the master did not stop on SIGTERM meanwhile.
PER_CORE = 4
MAX_THREADS = 64  # per serving worker: 16x the default; a typo, not a tuning, beyond


def cpu_cores() -> int:
    """The CPU cores this process may run on (a container's or taskset's share)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


def process_limit() -> int:
    """The most worker processes a setting or ``--jobs`` may ask for here."""
    return PER_CORE * cpu_cores()


class Unusable(ValueError):
    """Why a value cannot be used (said after the flag or variable and the value), with
    what to give instead; raised by the checking types of the table below."""

    def __init__(self, why: str, hint: str = "") -> None:
        super().__init__(why)
        self.hint = hint


def _iri(value: str) -> str:
    """An absolute IRI, as RDF takes it: it is published as one (a license)."""
    text = str(value).strip()
    if not _IRI.fullmatch(text):
        raise ValueError(value)
    return text


def _bool(value: str | bool) -> bool:
    """On or off; any other word is refused (ValueError), so that a typo such as
    ``LDPUB_TRUST_PROXY=yes-please`` stops the command instead of meaning off."""
    if isinstance(value, bool):
        return value
    word = value.strip().lower()
    if word not in _TRUE | _FALSE:
        raise ValueError(value)
    return word in _TRUE


def _store(value: str) -> str:
    """A directory, or the http(s) URL of a SPARQL server (its scheme in lower case).

    An empty value was a store in the working directory itself, and any other
    ``scheme://`` (ftp, file) a directory named after it (./ftp:/x/y).
    """
    text = str(value).strip()
    url = _URL_LIKE.match(text)
    if not text or url is None:
        return _non_empty(value, "a directory, such as ./data/store, or the http(s) URL of "
                                 "a SPARQL 1.1 server")
    scheme, hint = url.group(1).lower(), ("a remote store is the http(s) URL of a SPARQL "
                                          "1.1 server; give a directory as a path")
    if scheme not in _HTTP:
        raise Unusable(f"is a URL whose scheme ({scheme}) is not http or https", hint)
    if not urlsplit(text).hostname:
        raise Unusable("names no server", hint)
    return scheme + text[url.end(1):]


def _non_empty(value: str, what: str) -> str:
    if not str(value).strip():
        raise Unusable("is empty", f"give {what}")
    return str(value)


def _host(value: str) -> str:
    """An address to listen on; an empty one was taken and left to the server to read."""
    return _non_empty(value, "an address of this machine, such as 127.0.0.1 (this "
                             "machine only) or 0.0.0.0 (every interface)").strip()


def _dump_dir(value: str) -> str:
    """A directory, made when first needed; an existing file is refused at start, where
    every dump download answered 503 "Not a directory" once served."""
    text = str(value)
    if text and Path(text).exists() and not Path(text).is_dir():
        raise Unusable("is not a directory", "give a directory (made when missing), or "
                                             "nothing for <store>/dumps")
    return text


def _base_uri(value: str) -> str:
    """An absolute http(s) URI ending in "/": every minted URI is it + ``id/{kind}/{key}``,
    so a query, a fragment or a blank in it would end up inside every URI."""
    text = str(value)
    why = _base_problem(text)
    if why:
        raise Unusable(why, "give --base-uri / LDPUB_BASE_URI such as https://data.example.org/ "
                            "(the address the records are served at)")
    return text if text.endswith("/") else text + "/"


def _base_problem(text: str) -> str | None:
    """What keeps ``text`` from being the start of every minted URI, or None."""
    bad = next((c for c in text if c.isspace() or c in _NOT_IN_IRI), None)
    if bad:
        return "has a space (or another blank)" if bad.isspace() else \
            f"has a character an IRI cannot hold ({bad!r})"
    parts = urlsplit(text)
    if parts.scheme.lower() not in _HTTP or not parts.hostname:
        return "is not an absolute http(s) URI"
    if "@" in parts.netloc:
        return "has user information (user@ or user:password@)"
    try:
        parts.port  # noqa: B018 - read for its ValueError
    except ValueError:
        return "has no valid port"
    if "#" in text:
        return "has a fragment (#...)"
    if "?" in text:
        return "has a query (?...)"
    return None

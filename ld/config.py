"""One declared table of settings.

Every setting has a name, a default, a type and a help text. The CLI builds
its flags from this table and each one can also be set with an ``LDPUB_*``
environment variable. The environment is read in exactly one place
(:func:`load_settings`, called by the CLI or by whoever embeds ldpub); the rest
of the code receives a :class:`Settings` object and never looks at
``os.environ`` itself.
"""

from __future__ import annotations

import dataclasses
import math
import os
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from ld.errors import ConfigError

ENV_PREFIX = "LDPUB_"
_TRUE, _FALSE = frozenset({"1", "true", "yes", "on"}), frozenset({"0", "false", "no", "off"})


_IRI = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:[^\s<>\"{}|\\^`]+")
_NOT_IN_IRI = frozenset('<>"{}|\\^`') | {chr(c) for c in (*range(0x20), 0x7F)}
_URL_LIKE = re.compile(r"([A-Za-z][A-Za-z0-9+.-]*)://")
_HTTP = ("http", "https")


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


_KINDS = {int: "a whole number", float: "a number", _bool: "on or off (1/0, true/false, "
          "yes/no, on/off)", _iri: "an absolute IRI (such as "
          "https://creativecommons.org/licenses/by/4.0/)"}


@dataclass(frozen=True)
class Setting:
    """One row of the settings table."""

    name: str
    default: Any
    help: str
    type: Callable[[Any], Any] = str
    minimum: float | None = None
    maximum: float | None = None
    choices: tuple[str, ...] = ()

    @property
    def env(self) -> str:
        return ENV_PREFIX + self.name.upper()

    def parse(self, raw: Any, origin: str) -> Any:
        """The typed value, or a ConfigError that names ``origin`` (the flag or variable).

        Checked here, once, so a wrong value stops the command with exit code 2
        and says which setting to fix, instead of a traceback or a server that
        starts and then misbehaves (a negative timeout, a typo in a server name).
        """
        try:
            value = self.type(raw)
        except Unusable as why:
            raise ConfigError(f"{origin}: {raw!r} {why}", hint=why.hint or self.help) from None
        except (TypeError, ValueError):
            raise ConfigError(f"{origin}: {raw!r} is not {_KINDS.get(self.type, 'valid')}",
                              hint=self.help) from None
        if isinstance(value, float) and not math.isfinite(value):  # nan passes every range
            raise ConfigError(f"{origin}: {raw!r} is not a number", hint=self.help)
        if self.choices:
            return self._choice(value, raw, origin)
        low, high = self.minimum, self.maximum
        if (low is not None and value < low) or (high is not None and value > high):
            bounds = f"at least {low:g}" if high is None else f"from {low:g} to {high:g}"
            raise ConfigError(f"{origin}: {raw!r} is out of range (give {bounds})",
                              hint=self.help)
        return value

    def _choice(self, value: Any, raw: Any, origin: str) -> str:
        """One of the choices, in any case (as the on/off words are), spelt as listed."""
        by_word = {choice.lower(): choice for choice in self.choices}
        try:
            return by_word[str(value).strip().lower()]
        except KeyError:
            raise ConfigError(f"{origin}: {raw!r} is not one of {', '.join(self.choices)}",
                              hint=self.help) from None

    @property
    def flag(self) -> str:
        return "--" + self.name.replace("_", "-")

    @property
    def is_switch(self) -> bool:
        """An on/off setting (``--flag/--no-flag``); every other one takes a value."""
        return self.type is _bool


SETTINGS: tuple[Setting, ...] = (
    Setting("store", "./data/store",
            "Store location: a directory for the embedded store, or the http(s) URL "
            "of a SPARQL 1.1 server (query endpoint; update and Graph Store endpoints "
            "are found beside it).", _store),
    Setting("base_uri", "http://localhost:5000/",
            "Base URI of every minted URI; things are {base}id/{kind}/{key}.", _base_uri),
    Setting("host", "127.0.0.1", "Address `ldpub serve` listens on.", _host),
    Setting("port", 5000, "Port `ldpub serve` listens on.", int, 0, 65535),
    Setting("workers", 0, "Serving worker processes; 0 means one per CPU core.", int, 0),
    Setting("threads", 4, "Threads per serving worker.", int, 1),
    Setting("server", "gunicorn",
            "HTTP server of `ldpub serve`: gunicorn, or granian (a Rust server: 2-3x "
            "the rate on small answers; see the README).", choices=("gunicorn", "granian")),
    Setting("trust_proxy", False,
            "Honour X-Forwarded-Proto/Host from a reverse proxy in front of ldpub.", _bool),
    Setting("query_timeout", 30.0, "SPARQL query timeout in seconds.", float, 0.1),
    Setting("max_rows", 10_000,
            "Most result rows a SPARQL SELECT returns (announced); 0 means no cap.", int, 0),
    Setting("max_concurrent_queries", 4,
            "Concurrent SPARQL queries per worker before answering 503.", int, 1),
    Setting("update_token", "",
            "Bearer token that enables SPARQL Update on /sparql; empty keeps it read-only."),
    Setting("batch_size", 1000, "Records per store write during a load.", int, 1),
    Setting("validator", "fast",
            "SHACL engine: fast (compiled shapes) or pyshacl (the reference; slower).",
            choices=("fast", "pyshacl")),
    Setting("rejects", "",
            "File (JSON Lines) where rejected records are reported; empty means "
            "<store>/rejects.jsonl for the embedded store, ./rejects.jsonl otherwise."),
    Setting("dataset_title", "ldpub catalogue", "Title of the dataset in its VoID description."),
    Setting("dataset_description",
            "Library catalogue records published as Linked Open Data by ldpub.",
            "Description of the dataset in its VoID description."),
    Setting("license", "https://creativecommons.org/publicdomain/zero/1.0/",
            "License IRI announced for the dataset's metadata.", _iri),
    Setting("dump_dir", "",
            "Directory of downloadable dumps; empty means <store>/dumps or ./data/dumps.",
            _dump_dir),
    Setting("log_level", "INFO", "Logging level (DEBUG, INFO, WARNING, ERROR).",
            choices=("DEBUG", "INFO", "WARNING", "ERROR")),
    Setting("access_log", False,
            "`ldpub serve` logs every request to standard output (off: a proxy in front "
            "usually logs them).", _bool),
)

_BY_NAME = {s.name: s for s in SETTINGS}


@dataclass(frozen=True)
class Settings:
    """The resolved settings; built only by :func:`load_settings`."""

    store: str
    base_uri: str
    host: str
    port: int
    workers: int
    threads: int
    trust_proxy: bool
    query_timeout: float
    max_rows: int
    max_concurrent_queries: int
    update_token: str
    batch_size: int
    rejects: str
    dataset_title: str
    dataset_description: str
    license: str
    dump_dir: str
    log_level: str
    validator: str = "fast"
    server: str = "gunicorn"
    access_log: bool = False

    @property
    def store_is_remote(self) -> bool:
        return self.store.startswith(("http://", "https://"))

    @property
    def rejects_path(self) -> Path:
        if self.rejects:
            return Path(self.rejects)
        if self.store_is_remote:
            return Path("rejects.jsonl")
        return Path(self.store) / "rejects.jsonl"

    @property
    def dumps_path(self) -> Path:
        """Absolute: Flask's send_file reads a relative path against the app's package
        folder, not the working directory (the default store, ./data/store, is relative)."""
        if self.dump_dir:
            return Path(self.dump_dir).absolute()
        if self.store_is_remote:
            return Path("data/dumps").absolute()
        return (Path(self.store) / "dumps").absolute()

    def replace(self, **changes: Any) -> Settings:
        return dataclasses.replace(self, **changes)


def load_settings(env: Mapping[str, str] | None = None, **overrides: Any) -> Settings:
    """Resolve settings: explicit overrides > ``LDPUB_*`` environment > defaults.

    ``overrides`` whose value is ``None`` are ignored, so CLI flags that were
    not given fall through to the environment.
    """
    env = os.environ if env is None else env
    unknown = set(overrides) - set(_BY_NAME)
    if unknown:
        raise TypeError(f"unknown settings: {', '.join(sorted(unknown))}")
    values: dict[str, Any] = {}
    for setting in SETTINGS:
        if overrides.get(setting.name) is not None:
            raw, origin = overrides[setting.name], setting.flag
        elif setting.env in env:
            raw, origin = env[setting.env], setting.env
        else:
            raw, origin = setting.default, f"the default of {setting.flag}"
        values[setting.name] = setting.parse(raw, origin)
    return Settings(**values)


def data_dir(name: str) -> Path:
    """Where ``shapes``, ``vocab`` and ``sample`` live.

    In a wheel they are copied into ``ld/_data``; in a checkout (including an
    editable install) they sit at the repository root, except ``sample`` which
    always lives in the package.
    """
    packaged = Path(str(resources.files("ld"))) / "_data" / name
    if packaged.is_dir():
        return packaged
    if name == "sample":
        return Path(__file__).parent / "sample"
    return Path(__file__).resolve().parent.parent / name

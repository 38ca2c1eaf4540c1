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
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

from ld.config_values import (
    MAX_THREADS,
    PER_CORE,
    Unusable,
    _base_uri,
    _bool,
    _dump_dir,
    _host,
    _iri,
    _store,
    process_limit,
)
from ld.errors import ConfigError

ENV_PREFIX = "LDPUB_"
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
    Setting("workers", 0, "Serving worker processes; 0 means one per CPU core; at most "
            f"{PER_CORE} per core.", int, 0, process_limit()),
    Setting("threads", 4, f"Threads per serving worker (at most {MAX_THREADS}).", int, 1,
            MAX_THREADS),
    Setting("server", "gunicorn",
            "HTTP server of `ldpub serve`: gunicorn, or granian (a Rust server: 2-3x "
            "the rate on small answers; see the README).", choices=("gunicorn", "granian")),
    Setting("trust_proxy", False,
            "Honour the X-Forwarded-Proto/Host/Port/Prefix headers a reverse proxy in "
            "front of ldpub sets (see the README).", _bool),
    Setting("query_timeout", 30.0, "SPARQL query timeout in seconds.", float, 0.1),
    Setting("max_rows", 10_000,
            "Most result rows a SPARQL SELECT returns (announced); 0 means no cap.", int, 0),
    Setting("max_concurrent_queries", 0,
            "Concurrent SPARQL queries per worker before answering 503; 0 means threads "
            "- 2, at least 1. Must be below --threads (`ldpub serve` refuses it otherwise), "
            "so slow queries always leave threads for pages.", int, 0),
    Setting("query_memory", 2048,
            "Memory in MB one SPARQL query may use (the data memory of the process "
            "running it; a query needing more answers 503); 0 means no limit.", int, 0),
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
    query_memory: int = 2048

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


def default_query_cap(threads: int) -> int:
    """Concurrent SPARQL queries a worker takes when none is set: threads - 2, at least
    1, so slow queries always leave threads for pages."""
    return max(1, threads - 2)


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
    if values["max_concurrent_queries"] == 0:  # leave threads for pages (see its help)
        values["max_concurrent_queries"] = default_query_cap(values["threads"])
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

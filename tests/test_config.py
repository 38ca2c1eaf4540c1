"""The settings table: defaults, environment, explicit overrides."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from ld.config import SETTINGS, data_dir, load_settings
from ld.errors import ConfigError


def test_defaults_without_environment() -> None:
    s = load_settings(env={})
    assert s.store == "./data/store"
    assert s.base_uri == "http://localhost:5000/"
    assert s.query_timeout == 30.0 and s.max_rows == 10_000


def test_environment_then_override() -> None:
    env = {"LDPUB_STORE": "/srv/ld", "LDPUB_PORT": "8080", "LDPUB_TRUST_PROXY": "yes"}
    s = load_settings(env=env, port=None)
    assert (s.store, s.port, s.trust_proxy) == ("/srv/ld", 8080, True)
    assert load_settings(env=env, port=9000).port == 9000


def test_base_uri_gets_a_trailing_slash() -> None:
    assert load_settings(env={"LDPUB_BASE_URI": "https://ex.org/cat"}).base_uri == (
        "https://ex.org/cat/"
    )


def test_remote_store_is_recognised() -> None:
    assert load_settings(env={}, store="http://127.0.0.1:7878").store_is_remote


def test_unknown_override_is_refused() -> None:
    with pytest.raises(TypeError):
        load_settings(env={}, colour="blue")


def test_every_setting_has_help_and_env_name() -> None:
    for setting in SETTINGS:
        assert setting.help and setting.env.startswith("LDPUB_")


@pytest.mark.parametrize("name", ["shapes", "vocab", "sample"])
def test_data_dirs_exist(name: str) -> None:
    assert data_dir(name).is_dir()


@pytest.mark.parametrize(("env", "says"), [
    ({"LDPUB_QUERY_TIMEOUT": "abc"}, "LDPUB_QUERY_TIMEOUT: 'abc' is not a number"),
    ({"LDPUB_QUERY_TIMEOUT": "0"}, "LDPUB_QUERY_TIMEOUT: '0' is out of range (give at least 0.1)"),
    ({"LDPUB_PORT": "http"}, "LDPUB_PORT: 'http' is not a whole number"),
    ({"LDPUB_PORT": "70000"}, "LDPUB_PORT: '70000' is out of range (give from 0 to 65535)"),
    ({"LDPUB_WORKERS": "-3"}, "LDPUB_WORKERS: '-3' is out of range"),
    # 0 means threads - 2 (explore12 security H4)
    ({"LDPUB_MAX_CONCURRENT_QUERIES": "-1"}, "LDPUB_MAX_CONCURRENT_QUERIES: '-1' is out of range"),
    ({"LDPUB_BATCH_SIZE": "0"}, "LDPUB_BATCH_SIZE: '0' is out of range"),
    ({"LDPUB_SERVER": "uwsgi"}, "LDPUB_SERVER: 'uwsgi' is not one of gunicorn, granian"),
    ({"LDPUB_VALIDATOR": "quick"}, "LDPUB_VALIDATOR: 'quick' is not one of fast, pyshacl"),
    ({"LDPUB_LOG_LEVEL": "loud"}, "LDPUB_LOG_LEVEL: 'loud' is not one of DEBUG"),
    ({"LDPUB_BASE_URI": "example.org"},
     "LDPUB_BASE_URI: 'example.org' is not an absolute http(s) URI"),
    # regression: accepted, then the home page and VoID answered 500 ("Invalid IRI")
    ({"LDPUB_LICENSE": "not an iri>"}, "LDPUB_LICENSE: 'not an iri>' is not an absolute IRI"),
    ({"LDPUB_BASE_URI": "ftp://example.org/"}, "is not an absolute http(s) URI"),
])
def test_an_unusable_value_names_its_variable(env: dict[str, str], says: str) -> None:
    with pytest.raises(ConfigError) as raised:
        load_settings(env=env)
    assert says in str(raised.value)


def test_an_unusable_flag_is_named_as_the_flag() -> None:
    with pytest.raises(ConfigError, match="--max-rows: -1 is out of range"):
        load_settings(env={"LDPUB_MAX_ROWS": "5"}, max_rows=-1)


def test_values_are_normalised_where_a_spelling_is_obvious() -> None:
    assert load_settings(env={"LDPUB_LOG_LEVEL": "debug"}).log_level == "DEBUG"
    assert load_settings(env={"LDPUB_MAX_ROWS": "0"}).max_rows == 0  # 0: no cap


def test_the_command_reports_a_bad_variable_with_exit_code_2(tmp_path) -> None:
    """Regression: LDPUB_QUERY_TIMEOUT=abc ended every command in a traceback with exit
    code 1, which the CLI documents as "some records rejected"."""
    ldpub = str(Path(sys.executable).with_name("ldpub"))
    done = subprocess.run([ldpub, "--store", str(tmp_path), "stats"],
                          env={"LDPUB_QUERY_TIMEOUT": "abc", "PATH": ""},
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 2, done.stderr
    assert "LDPUB_QUERY_TIMEOUT: 'abc' is not a number" in done.stderr
    assert "Traceback" not in done.stderr



@pytest.mark.parametrize("setting", [s for s in SETTINGS if not s.is_switch],
                         ids=lambda s: s.name)
def test_every_valued_setting_takes_its_value_as_a_flag(setting, tmp_path) -> None:
    """Regression: ``--log-level`` was made an on/off switch (its type, str.upper, was
    not one the flag builder knew), so ``ldpub --log-level DEBUG stats`` failed with
    "No such command 'DEBUG'"."""
    from click.testing import CliRunner

    from ld.cli import main

    value = str(tmp_path / "s") if setting.name == "store" else str(setting.default)
    result = CliRunner().invoke(main, [setting.flag, value, "stats", "--help"])
    assert result.exit_code == 0, result.output



@pytest.mark.parametrize("word", ["yes-please", "maybe", "2", ""])
def test_an_on_off_setting_refuses_other_words(word: str) -> None:
    """Regression (D9): any word but 1/true/yes/on silently meant off, so
    LDPUB_TRUST_PROXY=yes-please turned the proxy headers off without a word."""
    with pytest.raises(ConfigError, match=f"LDPUB_TRUST_PROXY: '{word}' is not on or off"):
        load_settings(env={"LDPUB_TRUST_PROXY": word})
    for on, off in [("1", "0"), ("TRUE", "False"), (" yes ", "no"), ("On", "OFF")]:
        assert load_settings(env={"LDPUB_ACCESS_LOG": on}).access_log is True
        assert load_settings(env={"LDPUB_ACCESS_LOG": off}).access_log is False

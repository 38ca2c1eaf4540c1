"""The settings table: defaults, environment, explicit overrides."""

from __future__ import annotations

import pytest

from ld.config import SETTINGS, data_dir, load_settings


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

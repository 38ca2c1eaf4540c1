"""Settings and command-line defects a tester found following the README (second round).

The settings tables are checked through :func:`ld.config.load_settings` (what every
command calls first) and then for real: ``ldpub`` as a subprocess, or click's
CliRunner, on stores under tmp_path; the servers listen on free local ports.
"""

from __future__ import annotations

import json
import os
import re
import signal
import socket
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import click
import pytest
import requests
from click.testing import CliRunner

from ld.cli import main
from ld.config import SETTINGS, load_settings
from ld.errors import ConfigError
from tests.test_cli import LDPUB, ROOT, SAMPLE, ldpub
from tests.test_harvest_more import Odd

README = (ROOT / "README.md").read_text(encoding="utf-8")
FLOATS = [s for s in SETTINGS if s.type is float]


def _env(**extra: str) -> dict[str, str]:
    return {**{k: v for k, v in os.environ.items() if not k.startswith("LDPUB_")}, **extra}


def _run(*args: str, cwd: Path, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([LDPUB, *args], cwd=cwd, env=_env(**env), capture_output=True,
                          text=True, timeout=120)


# --- the settings table ---------------------------------------------------------------

@pytest.mark.parametrize("word", ["nan", "NaN", "inf", "-inf", "Infinity"])
@pytest.mark.parametrize("setting", FLOATS, ids=lambda s: s.name)
def test_a_number_setting_refuses_nan_and_infinity(setting, word: str) -> None:
    """D2: float('nan') passed every range check; a server then answered every query 503
    "ran longer than the limit of nan s"."""
    with pytest.raises(ConfigError, match=f"{setting.env}: '{word}' is not a number"):
        load_settings(env={setting.env: word})
    with pytest.raises(ConfigError, match=f"{setting.flag}: -?(nan|inf) is not a number"):
        load_settings(env={}, **{setting.name: float(word)})  # as click.FLOAT gives it


def test_there_is_a_number_setting_to_check() -> None:
    assert [s.name for s in FLOATS] == ["query_timeout"]


@pytest.mark.parametrize(("env", "says"), [
    ("LDPUB_STORE=", "LDPUB_STORE: '' is empty"),  # D3: wrote RocksDB into the cwd
    ("LDPUB_STORE=  ", "LDPUB_STORE: '  ' is empty"),
    ("LDPUB_STORE=ftp://x/y",  # D5: made ./ftp:/x/y/
     "LDPUB_STORE: 'ftp://x/y' is a URL whose scheme (ftp) is not http or https"),
    ("LDPUB_STORE=file:///srv/store", "scheme (file) is not http or https"),
    ("LDPUB_STORE=http://", "LDPUB_STORE: 'http://' names no server"),
    ("LDPUB_BASE_URI=http://x.org/#frag", "LDPUB_BASE_URI: 'http://x.org/#frag' has a "
                                          "fragment"),  # D6: minted <http://x.org/#frag/id/…>
    ("LDPUB_BASE_URI=http://x.org/a?b=c", "LDPUB_BASE_URI: 'http://x.org/a?b=c' has a query"),
    ("LDPUB_BASE_URI=http://x.org/?", "has a query"),
    ("LDPUB_BASE_URI=http://x.org/a b/", "LDPUB_BASE_URI: 'http://x.org/a b/' has a space"),
    ("LDPUB_BASE_URI=http://x.org/a\tb/", "has a space"),
    ("LDPUB_BASE_URI= http://x.org/", "has a space"),
    ("LDPUB_BASE_URI=http://x.org/<a>/", "has a character an IRI cannot hold ('<')"),
    ("LDPUB_BASE_URI=http://me:pw@x.org/", "LDPUB_BASE_URI: 'http://me:pw@x.org/' has user "
                                           "information"),
    ("LDPUB_BASE_URI=http://x.org:99999/", "has no valid port"),
    ("LDPUB_BASE_URI=example.org", "'example.org' is not an absolute http(s) URI"),
    ("LDPUB_HOST=", "LDPUB_HOST: '' is empty"),  # D7
    ("LDPUB_HOST= ", "LDPUB_HOST: ' ' is empty"),
    ("LDPUB_SERVER=uwsgi", "LDPUB_SERVER: 'uwsgi' is not one of gunicorn, granian"),
    ("LDPUB_LOG_LEVEL=loud", "LDPUB_LOG_LEVEL: 'loud' is not one of DEBUG, INFO"),
])
def test_an_unusable_value_is_refused_naming_its_variable(env: str, says: str) -> None:
    name, value = env.split("=", 1)
    with pytest.raises(ConfigError) as raised:
        load_settings(env={name: value})
    assert says in str(raised.value)


@pytest.mark.parametrize(("name", "value", "says"), [
    ("store", "", "--store: '' is empty"),
    ("store", "sftp://h/x", "--store: 'sftp://h/x' is a URL whose scheme (sftp)"),
    ("base_uri", "http://x.org/#f", "--base-uri: 'http://x.org/#f' has a fragment"),
    ("host", "", "--host: '' is empty"),
])
def test_an_unusable_flag_is_refused_naming_the_flag(name: str, value: str, says: str) -> None:
    with pytest.raises(ConfigError) as raised:
        load_settings(env={}, **{name: value})
    assert says in str(raised.value)


@pytest.mark.parametrize(("env", "attribute", "value"), [
    ("LDPUB_SERVER=GRANIAN", "server", "granian"),  # D7: refused, though debug was taken
    ("LDPUB_SERVER= Gunicorn ", "server", "gunicorn"),
    ("LDPUB_VALIDATOR=PySHACL", "validator", "pyshacl"),
    ("LDPUB_LOG_LEVEL=debug", "log_level", "DEBUG"),
    ("LDPUB_LOG_LEVEL=Warning", "log_level", "WARNING"),
    ("LDPUB_STORE=HTTPS://sparql.example.org/q", "store", "https://sparql.example.org/q"),
    ("LDPUB_STORE=./odd:name/store", "store", "./odd:name/store"),  # a path, not a URL
    ("LDPUB_BASE_URI=https://x.org/cat", "base_uri", "https://x.org/cat/"),
    ("LDPUB_BASE_URI=http://[::1]:5000/", "base_uri", "http://[::1]:5000/"),
    ("LDPUB_BASE_URI=https://données.example/", "base_uri", "https://données.example/"),
    ("LDPUB_HOST=0.0.0.0", "host", "0.0.0.0"),
])
def test_a_usable_value_is_taken_in_any_case(env: str, attribute: str, value: str) -> None:
    name, raw = env.split("=", 1)
    assert getattr(load_settings(env={name: raw}), attribute) == value


def test_a_dump_dir_that_is_a_file_is_refused_at_start(tmp_path: Path) -> None:
    """D7: accepted, then every dump download answered 503 "Not a directory"."""
    afile = tmp_path / "hostname"
    afile.write_text("x\n")
    with pytest.raises(ConfigError, match=f"LDPUB_DUMP_DIR: '{afile}' is not a directory"):
        load_settings(env={"LDPUB_DUMP_DIR": str(afile)})
    assert load_settings(env={"LDPUB_DUMP_DIR": str(tmp_path / "new")}).dump_dir  # made later
    done = _run("validate", SAMPLE[0], cwd=tmp_path, LDPUB_DUMP_DIR=str(afile))
    assert done.returncode == 2 and "is not a directory" in done.stderr, done.stderr


# --- the commands ---------------------------------------------------------------------

@pytest.mark.parametrize("how", ["flag", "env"])
@pytest.mark.parametrize("word", ["nan", "inf"])
def test_a_command_refuses_a_non_finite_query_timeout(tmp_path: Path, word: str,
                                                      how: str) -> None:
    args = ["--query-timeout", word] if how == "flag" else []
    env = {"LDPUB_QUERY_TIMEOUT": word} if how == "env" else {}
    done = _run(*args, "validate", SAMPLE[0], cwd=tmp_path, **env)
    assert done.returncode == 2, done.stderr
    assert "is not a number" in done.stderr and "Traceback" not in done.stderr


@pytest.mark.parametrize(("variable", "flag"), [("LDPUB_QUERY_TIMEOUT=nan", "--query-timeout=5"),
                                               ("LDPUB_STORE=", "--store=s"),
                                               ("LDPUB_HOST=", "--host=127.0.0.1")])
def test_a_flag_after_the_command_wins_over_a_bad_variable(tmp_path: Path, variable: str,
                                                           flag: str) -> None:
    """The group resolved the settings before the command's own flags: the variable's
    error stopped the command that overrode it."""
    name, value = variable.split("=", 1)
    done = _run("validate", flag, SAMPLE[0], cwd=tmp_path, **{name: value})
    assert done.returncode == 0, done.stderr
    assert _run(flag, "validate", SAMPLE[0], cwd=tmp_path, **{name: value}).returncode == 0


@pytest.mark.parametrize("how", ["flag", "env"])
@pytest.mark.parametrize("store", ["", "ftp://x/y"])
def test_load_refuses_an_empty_or_non_http_store(tmp_path: Path, store: str, how: str) -> None:
    """D3, D5: an empty store wrote RocksDB into the working directory; ftp://x/y made
    ./ftp:/x/y/."""
    work = tmp_path / "work"
    work.mkdir()
    args = ["--store", store] if how == "flag" else []
    env = {"LDPUB_STORE": store} if how == "env" else {}
    done = _run(*args, "load", SAMPLE[0], cwd=work, **env)
    assert done.returncode == 2, done.stderr
    assert ("--store" if how == "flag" else "LDPUB_STORE") in done.stderr
    assert list(work.iterdir()) == []


@pytest.mark.parametrize("base", ["http://x.org/#frag", "http://x.org/a?b=c",
                                  "http://x.org/a b/"])
def test_load_refuses_a_base_uri_that_cannot_start_a_uri(tmp_path: Path, base: str) -> None:
    """D6: the first two loaded with rc 0 under <http://x.org/#frag/id/record/k3>; the
    third rejected every record and wrote the broken base to <store>/base-uri."""
    done = ldpub(tmp_path / "store", "--base-uri", base, "load", SAMPLE[0])
    assert done.returncode == 2 and "--base-uri" in done.stderr, done.stderr
    assert not (tmp_path / "store").exists()


def test_render_refuses_a_store_that_does_not_exist(tmp_path: Path) -> None:
    """D4: made an empty store and exited 0."""
    done = ldpub(tmp_path / "nothing", "render")
    assert done.returncode == 2 and "no store at" in done.stderr, done.stderr
    assert not (tmp_path / "nothing").exists()


def test_demo_help_is_for_users() -> None:
    """D8: printed a developer's note on RocksDB and forking."""
    text = CliRunner().invoke(main, ["demo", "--help"]).output
    assert "Load the bundled sample" in text
    assert "RocksDB" not in text and "fork" not in text


# --- harvest --------------------------------------------------------------------------

def _harvest(tmp_path: Path, *args: str) -> tuple[int, str, list[str]]:
    """`ldpub harvest` against a repository that records what it is asked."""
    asked: list[str] = []
    with Odd(lambda handler: asked.append(handler.path)) as server:
        result = CliRunner().invoke(main, ["--store", str(tmp_path / "s"), "harvest",
                                           server.url, *args])
    return result.exit_code, result.output, asked


@pytest.mark.parametrize(("args", "says"), [
    (["--timeout", "nan"], "--timeout"),  # D2: a traceback, exit 1
    (["--timeout", "inf"], "--timeout"),
    (["--from", "2026-11-05", "--until", "2026-11-01"],  # D7: sent to the repository
     "--from 2026-11-05 is after --until 2026-11-01"),
    (["--from", "2026-11-01T10:00:00Z", "--until", "2026-11-01T09:59:59Z"], "is after"),
    (["--from", "2026-11-01", "--until", "2026-11-02T08:00:00Z"],  # badArgument in OAI-PMH
     "--from 2026-11-01 and --until 2026-11-02T08:00:00Z are of different granularities"),
])
def test_harvest_refuses_before_asking(tmp_path: Path, args: list[str], says: str) -> None:
    code, output, asked = _harvest(tmp_path, *args)
    assert code == 2 and says in " ".join(output.split()), output
    assert asked == [] and not (tmp_path / "s").exists()


@pytest.mark.parametrize(("saved", "until", "says"), [
    ("2026-11-05", "2026-11-01", "is after --until 2026-11-01"),
    # a saved moment is sent as its day beside a day --until (explore12/pubmed L8)
    ("2026-11-05T08:00:00Z", "2026-11-04", "from 2026-11-05 is after --until 2026-11-04"),
])
def test_harvest_refuses_an_until_before_the_saved_state(tmp_path: Path, saved: str,
                                                         until: str, says: str) -> None:
    """The from= of the saved harvest state meets --until just as a given --from does."""
    from ld.harvest import state_key

    (tmp_path / "s").mkdir()
    asked: list[str] = []
    with Odd(lambda handler: asked.append(handler.path)) as server:
        (tmp_path / "s" / "harvest-state.json").write_text(json.dumps(
            {"harvests": {state_key(server.url, "oai_dc", None): {"from": saved}}}))
        result = CliRunner().invoke(main, ["--store", str(tmp_path / "s"), "harvest",
                                           server.url, "--until", until])
    assert result.exit_code == 2 and "saved harvest state" in result.output, result.output
    assert says in " ".join(result.output.split()) and asked == []


# --- serve --debug, demo --debug ------------------------------------------------------

def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def _started(tmp_path: Path, *args: str) -> Iterator[tuple[subprocess.Popen, str]]:
    """``ldpub ARGS`` in a session of its own (the reloader's child too), killed at the end."""
    port = _free_port()
    env = _env(LDPUB_STORE=str(tmp_path / "store"), LDPUB_PORT=str(port),
               LDPUB_BASE_URI=f"http://127.0.0.1:{port}/")
    if args[0] == "serve":
        subprocess.run([LDPUB, "load", *SAMPLE], env=env, capture_output=True, check=True)
    proc = subprocess.Popen([LDPUB, *args], env=env, cwd=tmp_path, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, start_new_session=True)
    try:
        yield proc, f"http://127.0.0.1:{port}"
    finally:
        if proc.poll() is None or _answers(f"http://127.0.0.1:{port}"):
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=10)


def _answers(url: str) -> bool:
    try:
        return requests.get(url + "/health", timeout=2).status_code > 0
    except requests.ConnectionError:
        return False


@pytest.mark.parametrize("command", ["serve", "demo"])
def test_debug_mode_serves_and_stops_on_sigterm(tmp_path: Path, command: str) -> None:
    """D1: the Werkzeug reloader's child ran the address check again while the parent
    held the port: exit 2, "Address already in use"."""
    with _started(tmp_path, command, "--debug") as (proc, url):
        deadline = time.monotonic() + 90
        while not _answers(url):
            assert proc.poll() is None, proc.communicate()[0].decode()
            assert time.monotonic() < deadline, "did not start"
            time.sleep(0.3)
        assert requests.get(url + "/id/record/pubmed-6839263", timeout=30).status_code == 200
        proc.send_signal(signal.SIGTERM)
        output = proc.communicate(timeout=30)[0].decode(errors="replace")
        assert not _answers(url), "the reloader's child still serves"
    assert "Address already in use" not in output and "Traceback" not in output, output


def test_debug_mode_refuses_a_port_in_use(tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        done = _run("serve", "--debug", cwd=tmp_path, LDPUB_STORE=str(tmp_path / "s"),
                    LDPUB_PORT=str(port))
    assert done.returncode == 2 and f"cannot listen on 127.0.0.1:{port}" in done.stderr


# --- the README -----------------------------------------------------------------------

def _section(title: str) -> str:
    return README.split(f"\n{title}\n", 1)[1].split("\n## ", 1)[0]


@pytest.mark.parametrize("name", sorted(main.commands))
def test_every_option_of_a_command_is_in_its_row(name: str) -> None:
    """D9: harvest's --state, --jobs, --render, --json, demo --debug, dump --output
    were nowhere in the Commands table."""
    settings = {s.flag for s in SETTINGS} | {"--help"}
    row = next(line for line in _section("## Commands").splitlines()
               if line.startswith(f"| `ldpub {name}"))
    for param in main.commands[name].params:
        for opt in param.opts if isinstance(param, click.Option) else ():
            assert opt in settings or opt in row, f"{name} {opt}"


@pytest.mark.parametrize("says", [
    r"`stats`, `dump`, `delete` and `render` refuse \(exit code 2\)",  # D4
    r"`--jobs 0`", r"no store at",  # serve without a store answers 503
])
def test_the_commands_section_says(says: str) -> None:
    assert re.search(says, " ".join(_section("## Commands").split())), says


@pytest.mark.parametrize(("section", "says"), [
    ("### Exit codes", "no such record"),
    ("### Exit codes", "`ldpub render`, or `load`/`harvest` with `--render`, on a remote"),
    ("## Quick start", "LDPUB_BASE_URI=http://localhost:5150/"),
    ("## Configuration", "in any case"), ("## Configuration", "empty `--store`"),
])
def test_the_readme_says(section: str, says: str) -> None:
    assert says in " ".join(_section(section).split()), says

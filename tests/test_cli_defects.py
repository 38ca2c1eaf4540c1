"""Regression tests for defects a tester found in the ingest command line.

Each test runs the real ``ldpub`` (a subprocess, or click's CliRunner) on a
real store in tmp_path. A load that holds the store is a real ``ldpub load -``
waiting on its standard input.
"""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from click.testing import CliRunner
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, SH

from ld.cli import main
from ld.store.lock import is_locked
from ld.summary import Summary
from tests.test_cli import LDPUB, generate, ldpub, load_json

VOCAB = "https://w3id.org/ldpub/vocab#"


def _env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("LDPUB_")}
    return {**env, **extra}


@contextmanager
def running_load(store: Path) -> Iterator[subprocess.Popen[bytes]]:
    """A real `ldpub --store STORE load -` holding the store, waiting for its input."""
    proc = subprocess.Popen([LDPUB, "--store", str(store), "load", "-"], env=_env(),
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 60
        while not is_locked(store):
            assert proc.poll() is None and time.monotonic() < deadline, proc.stderr.read()
            time.sleep(0.05)
        yield proc
    finally:
        proc.communicate(timeout=60)  # closes its input: the load ends


def test_a_failed_dump_leaves_the_previous_file_as_it_was(tmp_path: Path) -> None:
    """D1: `dump -o FILE` opened (emptied) FILE before the store; a dump that then failed
    (here the store is held by a first load that has published nothing yet) left the
    previous good dump empty."""
    store, target = tmp_path / "store", tmp_path / "dump.nt"
    target.write_bytes(b"<urn:x:a> <urn:x:b> <urn:x:c> .\n")
    with running_load(store):
        proc = ldpub(store, "dump", "--format", "nt", "-o", str(target))
    assert target.read_bytes() == b"<urn:x:a> <urn:x:b> <urn:x:c> .\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["dump.nt", "store"]  # no leftovers
    assert proc.returncode == 2 and "no snapshot of it is published yet" in proc.stderr


def test_stats_and_dump_read_the_published_snapshot_while_a_load_runs(tmp_path: Path) -> None:
    """D2: stats and dump were refused while a load ran ("one writer at a time"), though
    they only read; the lock named its holder "ldpub --store" instead of "ldpub load"."""
    store, data = tmp_path / "store", generate(tmp_path / "g.jsonl", 5)
    assert load_json(store, str(data))[0] == 0
    with running_load(store):
        stats = ldpub(store, "stats", "--json")
        dump = ldpub(store, "dump", "--format", "nt")
        second = ldpub(store, "load", str(data))
    assert stats.returncode == 0, stats.stderr
    assert json.loads(stats.stdout)["records"] == 5
    assert "(ldpub load); reading its latest published snapshot" in stats.stderr
    assert dump.returncode == 0, dump.stderr
    assert len(set(re.findall(r"^<[^>]*/id/record/[^>]+>", dump.stdout, re.M))) == 5
    assert second.returncode == 2  # a second writer is still refused
    assert "(ldpub load)" in second.stderr and "one writer at a time" in second.stderr


def test_validate_ttl_reports_unreadable_records_and_files(tmp_path: Path) -> None:
    """D3: `validate --format ttl` said sh:conforms true of records the reader rejected
    and of a truncated file; each is now a sh:ValidationResult (a sh:Violation)."""
    lines = tmp_path / "lines.jsonl"
    lines.write_text('{"id": "v1", "title": "Fine"}\n{"title": "no id"}\n[1, 2]\n')
    cut = tmp_path / "cut.json"
    cut.write_text('{"id": "t1", "title": "cut sh')
    proc = ldpub(tmp_path / "store", "validate", "--format", "ttl", str(lines), str(cut))
    assert proc.returncode == 2, proc.stderr
    report = Graph().parse(data=proc.stdout, format="turtle")
    (root,) = report.subjects(RDF.type, SH.ValidationReport)
    assert report.value(root, SH.conforms) == Literal(False)
    found = {}
    for result in report.objects(root, SH.result):
        component = str(report.value(result, SH.sourceConstraintComponent))
        if component.startswith(VOCAB):
            assert report.value(result, SH.resultSeverity) == SH.Violation
            message = str(report.value(result, SH.resultMessage))
            found[message.split(": ")[0]] = (report.value(result, SH.focusNode), component)
    assert found == {
        f"{lines}, line 2, field 'id'": (URIRef(lines.as_uri()),
                                         VOCAB + "ReadableRecordConstraintComponent"),
        f"{lines}, line 3": (URIRef(lines.as_uri()), VOCAB + "ReadableRecordConstraintComponent"),
        f"{cut}, byte 29 (line 1)": (URIRef(cut.as_uri()),
                                     VOCAB + "ReadableInputConstraintComponent"),
    }


def test_file_names_and_messages_are_printed_as_they_are(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """D4: text from files was read as rich markup: 'a[/b].json' ended in a MarkupError
    traceback, '[bold]weird.json' was shown as 'weird.json'."""
    (tmp_path / "a[").mkdir()
    (tmp_path / "a[" / "b].json").write_bytes(b"%%%")  # (an empty file loads: readme 7)
    (tmp_path / "[bold]weird.json").write_text('{"id": "w1", "title": "cut sh')
    proc = ldpub(tmp_path / "store", "load", f"{tmp_path}/a[/b].json",
                 f"{tmp_path}/[bold]weird.json")
    assert proc.returncode == 2 and "Traceback" not in proc.stderr, proc.stderr
    assert f"error: {tmp_path}/a[/b].json: no reader recognises" in proc.stderr
    assert f"error: {tmp_path}/[bold]weird.json, byte" in proc.stderr
    from ld.cli_output import print_summary

    print_summary(Summary(errors=["oai: Bad [/red] argument [bold]x :smile:"]), [])
    assert "error: oai: Bad [/red] argument [bold]x :smile:" in capsys.readouterr().err


def test_ctrl_c_keeps_whole_batches_shows_the_summary_and_exits_130(tmp_path: Path) -> None:
    """D6: Ctrl-C during a load printed "Aborted!" and exited 1 ("some records
    rejected"), without a summary."""
    store = tmp_path / "store"
    records = generate(tmp_path / "g.jsonl", 127).read_bytes()  # + 1 bad: two read chunks
    proc = subprocess.Popen([LDPUB, "--store", str(store), "load", "--json", "--jobs", "0", "-"],
                            env=_env(LDPUB_BATCH_SIZE="50"), stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    # blank lines (skipped) after the bad record let the reader's 64 KiB buffer fill
    proc.stdin.write(records + b'{"title": "no id"}\n' + b"\n" * 200_000)
    proc.stdin.flush()
    rejects, deadline = store / "rejects.jsonl", time.monotonic() + 120
    while not (rejects.exists() and rejects.read_text()):  # read and counted: all 128
        assert proc.poll() is None and time.monotonic() < deadline, proc.stderr.read()
        time.sleep(0.05)
    proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == 130, err
    summary = json.loads(out)
    assert summary["interrupted"] is True
    # the 27 records read after the second batch were in no stored batch: left out
    assert (summary["read"], summary["loaded"], summary["rejected"]) == (101, 100, 1)
    assert "load interrupted (Ctrl-C) after 101 records were stored or rejected" in err.decode()
    assert json.loads(ldpub(store, "stats", "--json").stdout)["records"] == 100


def test_unwritable_output_paths_exit_2_naming_the_flag(tmp_path: Path) -> None:
    """D7: an -o in a missing directory, or --rejects naming a directory, ended in a
    traceback with exit code 1."""
    store, data = tmp_path / "store", generate(tmp_path / "g.jsonl", 2)
    rejects = ldpub(store, "--rejects", str(tmp_path), "load", str(data))
    assert rejects.returncode == 2 and "Traceback" not in rejects.stderr, rejects.stderr
    assert f"--rejects / LDPUB_REJECTS {tmp_path}: cannot write" in rejects.stderr
    assert load_json(store, str(data))[0] == 0
    target = tmp_path / "missing" / "x.nt"
    dump = ldpub(store, "dump", "--format", "nt", "-o", str(target))
    assert dump.returncode == 2 and "Traceback" not in dump.stderr, dump.stderr
    assert f"-o/--output {target}: cannot write the dump" in dump.stderr


@pytest.mark.parametrize("command", [["stats"], ["dump", "--format", "nt"], ["delete", "x"]])
def test_commands_on_a_store_refuse_one_that_does_not_exist(tmp_path: Path,
                                                            command: list[str]) -> None:
    """D8: stats, dump and delete made an empty store at a mistyped --store (exit 0)."""
    store = tmp_path / "typo"
    proc = ldpub(store, *command)
    assert proc.returncode == 2
    assert (f"no store at {store} (load records first, or check --store / LDPUB_STORE)"
            in proc.stderr)
    assert not store.exists()


def test_the_rejected_lines_and_the_rest_add_up_to_rejected(tmp_path: Path) -> None:
    """D10: with a file error among the first ten rejects, the summary listed 9
    rejected records and "... and 2 more" for 12 rejected."""
    junk = tmp_path / "junk.bin"
    junk.write_bytes(b"\x00\x01 nothing a reader knows \x02" * 10)
    no_ids = tmp_path / "no-ids.jsonl"
    no_ids.write_text("".join(f'{{"title": "record {n}"}}\n' for n in range(12)))
    proc = ldpub(tmp_path / "store", "load", str(junk), str(no_ids))
    assert proc.returncode == 2
    listed = proc.stderr.count("\nrejected: ")
    more = re.search(r"\.\.\. and (\d+) more rejected", proc.stderr)
    assert listed == 10 and more is not None and listed + int(more.group(1)) == 12


def test_delete_trims_ids_as_a_load_does(tmp_path: Path) -> None:
    """`ldpub delete '  padded  '` did not trim the id that a load had trimmed."""
    store, data = tmp_path / "store", tmp_path / "padded.jsonl"
    data.write_text('{"id": "  padded  ", "title": "One"}\n{"id": "other", "title": "Two"}\n')
    assert load_json(store, str(data))[0] == 0
    proc = ldpub(store, "delete", "  padded  ")
    assert proc.returncode == 0, proc.stderr
    assert "deleted 1 record(s)" in proc.stdout


def test_help_is_plain_text_and_names_the_validate_formats() -> None:
    """`ldpub --help` showed raw reStructuredText (``ldpub``); validate's --format json is
    JSON Lines and its reader option is --input-format."""
    runner = CliRunner()
    group = runner.invoke(main, ["--help"], terminal_width=200)
    assert group.exit_code == 0 and "``" not in group.output
    assert "130 interrupted" in group.output
    validate = runner.invoke(main, ["validate", "--help"], terminal_width=200)
    assert "JSON Lines" in validate.output and "--input-format" in validate.output


def test_ctrl_c_on_a_terminal_leaves_the_workers_quiet(tmp_path: Path) -> None:
    """Regression: Ctrl-C on a terminal reaches the whole process group; the load's
    worker processes died of it with KeyboardInterrupt tracebacks, and the load could
    hang in the pool's shutdown. Only the loading process handles it now."""
    store, data = tmp_path / "store", generate(tmp_path / "g.jsonl", 20_000)
    proc = subprocess.Popen([LDPUB, "--store", str(store), "load", "--json", "--jobs", "2",
                             str(data)], env=_env(LDPUB_BATCH_SIZE="50"),
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            start_new_session=True)  # its own group, as a terminal's job
    deadline = time.monotonic() + 120
    while len(_group(proc.pid)) < 5:  # ldpub, forkserver, resource tracker, 2 workers
        assert proc.poll() is None and time.monotonic() < deadline, proc.stderr.read()
        time.sleep(0.05)
    time.sleep(0.5)  # the workers at work
    os.killpg(proc.pid, signal.SIGINT)  # what the terminal sends: to every process
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == 130, err
    assert b"Traceback" not in err and b"KeyboardInterrupt" not in err, err.decode()
    assert json.loads(out)["interrupted"] is True


def _group(pgid: int) -> list[int]:
    """The processes of a process group (Linux /proc)."""
    members = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[2]) == pgid:  # field 5 of stat, the process group
            members.append(int(stat.parent.name))
    return members


def test_a_store_is_used_only_under_the_base_it_was_loaded_with(tmp_path: Path) -> None:
    """Regression: loaded under one base URI and served (or rendered, or loaded again)
    under another, the store looked empty: every URI answered 404, search found
    nothing, render removed every rendered record, a load mixed two URI spaces; no
    command said a word."""
    store, data = tmp_path / "store", generate(tmp_path / "g.jsonl", 3)
    assert load_json(store, str(data))[0] == 0
    assert (store / "base-uri").read_text().strip() == "http://localhost:5000/"
    other = ["--base-uri", "http://127.0.0.1:5277/"]
    for command in (["load", str(data)], ["delete", "x"], ["render"], ["serve"]):
        done = ldpub(store, *other, *command)
        assert done.returncode == 2, (command, done.stderr)
        assert "minted under the base URI http://localhost:5000/" in done.stderr, done.stderr
    assert json.loads(ldpub(store, "stats", "--json").stdout)["records"] == 3
    # reading commands mint nothing: any base will do
    assert json.loads(ldpub(store, *other, "stats", "--json").stdout)["records"] == 3
    same = ldpub(store, "--base-uri", "http://localhost:5000/", "render")
    assert same.returncode == 0, same.stderr


def test_a_store_from_before_the_base_file_gets_it_from_its_records(tmp_path: Path) -> None:
    store, data = tmp_path / "store", generate(tmp_path / "g.jsonl", 2)
    loaded = ldpub(store, "--base-uri", "http://example.org/cat/", "load", str(data))
    assert loaded.returncode == 0, loaded.stderr
    (store / "base-uri").unlink()  # a store made before the file existed
    done = ldpub(store, "load", str(data))  # under the default base
    assert done.returncode == 2 and "minted under the base URI http://example.org/cat/" \
        in done.stderr, done.stderr


def test_a_store_that_fails_mid_load_still_gets_the_summary_so_far(tmp_path: Path) -> None:
    """Regression: when the store failed mid-load (its SPARQL server gone, a full disk)
    the load ended with the error alone: nothing said how many records it had kept."""
    import socket
    import urllib.parse
    import urllib.request

    from tests.conftest import oxigraph_executable

    exe = oxigraph_executable()
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        url = f"http://127.0.0.1:{s.getsockname()[1]}"
    server = subprocess.Popen([str(exe), "serve", "--location", str(tmp_path / "ox"), "--bind",
                               url.removeprefix("http://")], stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL)
    count = url + "/query?union-default-graph&query=" + urllib.parse.quote(
        "SELECT (COUNT(DISTINCT ?g) AS ?n) { GRAPH ?g { ?s ?p ?o } }")

    def stored() -> int:
        try:
            answer = urllib.request.urlopen(urllib.request.Request(
                count, headers={"Accept": "application/sparql-results+json"}), timeout=2)
            return int(json.load(answer)["results"]["bindings"][0]["n"]["value"])
        except OSError:
            return -1

    data = generate(tmp_path / "g.jsonl", 3000)
    try:
        deadline = time.monotonic() + 30
        while stored() < 0:
            assert time.monotonic() < deadline, "oxigraph did not start"
            time.sleep(0.1)
        load = subprocess.Popen([LDPUB, "--store", url, "--rejects", str(tmp_path / "r.jsonl"),
                                 "load", "--jobs", "0", str(data)],
                                env=_env(LDPUB_BATCH_SIZE="50"),
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        while stored() < 100:
            assert load.poll() is None and time.monotonic() < deadline, load.stderr.read()
            time.sleep(0.1)
    finally:
        server.kill()
        server.wait(10)
    out, err = load.communicate(timeout=120)
    assert load.returncode == 2, err
    assert "cannot reach the SPARQL server" in err.decode()
    assert "the store failed after" in err.decode() and "ldpub load" in out.decode()

"""README check explore11/readme, defects 2, 3, 5 and 7: one regression each.

- 5: under ``--server granian`` a graceful stop did not stop a running SPARQL query
  after 8 s as under gunicorn: the client lost its connection at 10 s and Granian
  logged "Killing worker-1 after it refused to gracefully stop".
- 2: a dump or sitemap still being written answered ``Retry-After: 30`` with "try
  again in a minute"; README said 60.
- 3: the keys of formats the Formats table gives no suffix (``.nq``, ``.json``,
  ``.csv`` ...) were read as suffixes of a document URL (406, not 404).
- 7: an empty (0-byte) input file exited 2 where an empty JSON array exits 0.
"""

from __future__ import annotations

import gzip
import json
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
import requests

from ld.readers import read_path, reader_names
from tests.test_ops_misc10 import SLOW_QUERY, _query_processes, served

LDPUB = [str(Path(sys.executable).parent / "ldpub")]


# --- 5. a graceful stop ends a running query at 8 s, under either server -----------

@pytest.mark.parametrize("server", ["gunicorn", "granian"])
def test_a_graceful_stop_answers_a_running_query_503_in_time(tmp_path: Path,
                                                             server: str) -> None:
    answer: dict[str, object] = {}

    def ask(url: str) -> None:
        try:
            r = requests.get(url, params={"query": SLOW_QUERY}, timeout=60)
            answer.update(status=r.status_code, text=r.text, at=time.monotonic())
        except requests.RequestException as err:
            answer.update(status=None, text=str(err), at=time.monotonic())

    with served(tmp_path, LDPUB_SERVER=server, LDPUB_THREADS="2",
                LDPUB_QUERY_TIMEOUT="60") as site:
        client = threading.Thread(target=ask, args=(site.url + "/sparql",), daemon=True)
        client.start()
        deadline = time.monotonic() + 30
        while not _query_processes(site.proc.pid):
            assert time.monotonic() < deadline, "no query process started"
            time.sleep(0.1)
        time.sleep(1)  # the query runs
        site.others.extend(_query_processes(site.proc.pid))
        stopped = time.monotonic()
        site.proc.send_signal(signal.SIGTERM)
        client.join(20)
        site.proc.wait(timeout=30)
    assert answer.get("status") == 503, answer
    assert "the server is stopping" in str(answer["text"])
    assert 6 < float(answer["at"]) - stopped < 9.8, answer  # type: ignore[arg-type]
    assert "refused to gracefully stop" not in site.stderr(), site.stderr()
    assert site.proc.returncode == 0, site.stderr()


# --- 2. a dump still being written: one Retry-After, said alike everywhere ---------

def test_a_dump_being_written_says_when_to_come_back_as_the_readme_does(tmp_path: Path
                                                                       ) -> None:
    """The dump's folder lock is held here (as by another worker writing it), so the
    request waits its 20 s and answers 503: header, message and README agree."""
    from ld import dumps, oslock
    from ld.config import load_settings
    from ld.store import open_reader
    from ld.web.dataset import WRITING_RETRY

    with served(tmp_path) as site:
        settings = load_settings(env=site.env)
        folder = dumps.directory(settings, open_reader(settings))
        held = oslock.acquire(folder / ".lock", wait=True)
        try:
            r = requests.get(site.url + "/dumps/dataset.nt.gz", timeout=60)
        finally:
            oslock.release(held)  # type: ignore[arg-type]
    assert r.status_code == 503, r.text
    assert r.headers["Retry-After"] == str(WRITING_RETRY) == "30"
    assert f"try again in {WRITING_RETRY} s" in r.text, r.text
    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text()
    said = " ".join(readme.split("dump\nor sitemap still being written", 1)[1].split()[:12])
    assert f"`Retry-After: {WRITING_RETRY}`" in said, said


# --- 3. a suffix is what the Formats table lists, nothing else ---------------------

def _table_suffixes() -> dict[str, list[str]]:
    """README's Formats table: media type -> the suffixes its row lists."""
    from tests.test_web_formats_more import ROWS, _media_type, _ticked

    return {_media_type(r): [s.lstrip(".") for s in _ticked(r["suffixes"])] for r in ROWS}


def test_the_suffixes_are_the_tables() -> None:
    from ld import formats

    table = _table_suffixes()
    assert {f.media_type: list(f.suffixes) for f in formats.FORMATS} == table
    assert set(formats.BY_SUFFIX) == {s for names in table.values() for s in names}


NOT_SUFFIXES = ["nq", "nquads", "trig", "srj", "srx", "csv", "tsv", "txt", "text", "json"]


@pytest.mark.parametrize("name", NOT_SUFFIXES)
def test_a_key_the_table_gives_no_suffix_is_part_of_the_record_id(site, name: str) -> None:
    """``.json`` was "406 format 'json' is not offered here", although ?format=json gives
    JSON-LD: it is read as ``.n3`` always was, the record ``pubmed-6839263.json``."""
    r = requests.get(f"{site.url}/doc/record/pubmed-6839263.{name}", timeout=30)
    assert r.status_code == 404, r.text
    assert f"pubmed-6839263.{name}" in r.text, r.text
    assert requests.get(f"{site.url}/doc/record/pubmed-6839263", params={"format": name},
                        timeout=30).status_code == (200 if name == "json" else 406)


# --- 7. an empty file is a file with no records -------------------------------------

EMPTY = {"empty.json": b"", "blank.jsonl": b" \n\n", "empty.mrc.gz": gzip.compress(b""),
         "empty.xml": b""}


@pytest.mark.parametrize("fmt", [None, *reader_names()])
def test_every_reader_reads_no_records_from_an_empty_file(tmp_path: Path,
                                                          fmt: str | None) -> None:
    for name, content in EMPTY.items():
        (tmp_path / name).write_bytes(content)
        assert list(read_path(str(tmp_path / name), fmt)) == [], name


def test_loading_an_empty_file_exits_0_with_a_warning(tmp_path: Path) -> None:
    """Regression: "error: empty.json: the file is empty (nothing to read)", exit 2,
    where an empty JSON array loads with exit 0."""
    (tmp_path / "empty.jsonl").write_bytes(b"")
    (tmp_path / "one.json").write_text('[{"id": "r1", "title": "One", "format": ["Book"]}]')
    done = subprocess.run([*LDPUB, "--store", str(tmp_path / "store"), "--base-uri",
                           "http://localhost:1/", "load", "--json",
                           str(tmp_path / "empty.jsonl"), str(tmp_path / "one.json")],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["loaded"] == 1
    assert f"{tmp_path / 'empty.jsonl'}: the file is empty: no records read" in done.stderr
    empty_stdin = subprocess.run([*LDPUB, "validate", "-"], input="", capture_output=True,
                                 text=True, timeout=120)
    assert empty_stdin.returncode == 0, empty_stdin.stderr

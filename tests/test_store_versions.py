"""Stores made by older ldpubs (explore11/life 3 and 6): the base URI and the version of
the URI rules their records were minted under.

3: a store from before ``<store>/base-uri`` was served under any base (every record
404, search empty, /health ok); ``serve`` and ``render`` now read the base from a
record graph and refuse another as they do with the file, writing nothing.
6: after an upgrade that changed keys, weekly partial loads gave one journal or
person two URIs without a word; the store now notes the version of its rules
(``<store>/mapping-version``) and writers and the server say when it is not theirs.

Real ``ldpub`` processes on real stores; the keys come from the real mapper.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path

import pymarc
import pytest

from ld.mapping import map_triples
from ld.model import Agent, Container, Record, Source, Subject
from ld.readers.marc_crosswalk import from_pymarc
from ld.uris import MAPPING_VERSION
from tests.test_cli import LDPUB, generate, ldpub

BASE, ELSEWHERE = "http://localhost:5000/", "http://127.0.0.1:5277/"

# --- what each version of the URI rules keys a fixed set of records to -------------

_SOURCE = Source("test_store_versions", "record 1", "test")


def _marc_name_title_subject() -> Record:
    """A MARC record with a 600 name-title subject and its language $l, as the MARC
    reader gives it: the heading, and so the subject's key, is the reader's work."""
    marc = pymarc.Record(leader="00000cam a2200000 a 4500", force_utf8=True)
    marc.add_field(pymarc.Field(tag="001", data="marc-600"), pymarc.Field(
        tag="245", indicators=["0", "0"], subfields=[pymarc.Subfield("a", "t")]))
    marc.add_field(pymarc.Field(tag="600", indicators=["1", "0"], subfields=[
        pymarc.Subfield(c, v) for c, v in (("a", "Shakespeare, William,"), ("d", "1564-1616."),
                                           ("t", "Hamlet."), ("l", "French."))]))
    return from_pymarc(marc, _SOURCE)


FIXED_RECORDS = [
    Record("pubmed-1", _SOURCE, title="t", creators=[
        Agent("Łysiak, Waldemar", family="Łysiak", given="Waldemar", dates="1944-"),
        Agent("Hasenfuß, Gerd", family="Hasenfuß", given="Gerd"),
        Agent("Müller, Jürgen"), Agent("Søren Kierkegaard"),
        Agent("Smith, John", dates="1820-1890"),
        Agent("Clavel, N.", identifiers=["0000-0002-1825-0097"]),
        Agent("Wrong, Orcid", identifiers=["0000-0002-1825-0098"]),  # fails its check
        Agent("Lee, Ann", identifiers=["http://viaf.org/viaf/12345"]),
        Agent("John Paul II, Pope", given="John Paul II, Pope"),
        Agent("World Health Organization", kind="organization")],
        publishers=["Wydawnictwo Łódzkie,"], institutions=["Ærø Bibliotek"],
        subjects=[Subject("Gastroenterology", scheme="MeSH"), Subject("β-lactamase"),
                  Subject("Øresund  Region")],
        classifications=[Subject("PQ2603.E362", scheme="lcc"),
                         Subject("821.111-31", scheme="udc")],
        collections=["Special Collections"],
        container=Container("Arquivos de gastroenterologia", issn=["1678-4219", "0004-2803"],
                            issn_l="0004-2803")),
    Record("oai:x.org:a/b c", _SOURCE, title="t",
           container=Container("Arquivos de gastroenterologia", issn=["1678-4219", "0004-2803"])),
    Record("x", _SOURCE, title="t", container=Container("Journal of Things", issn=["1234-5678"])),
    _marc_name_title_subject(),  # since version 3
]

# Never edit a version's entry: when a key changes, raise ld.uris.MAPPING_VERSION and add
# the next version's entry, so that the table keeps what every store version means.
KEYED = {
    1: {
        "pubmed-1": [
            "id/collection/special-collections", "id/journal/0004-2803",
            "id/organization/aero-bibliotek", "id/organization/world-health-organization",
            "id/organization/wydawnictwo-lodzkie", "id/person/0000-0002-1825-0097",
            "id/person/hasenfuss-gerd", "id/person/john-paul-ii-pope",
            "id/person/lysiak-waldemar-1944", "id/person/muller-jurgen",
            "id/person/smith-john-1820-1890", "id/person/soren-kierkegaard",
            "id/person/viaf-12345", "id/person/wrong-orcid", "id/record/pubmed-1",
            "id/subject/lactamase-8d8098dd", "id/subject/lcc-pq2603-e362",
            "id/subject/mesh-gastroenterology", "id/subject/oresund-region",
            "id/subject/udc-821-111-31-a850b8be"],
        "oai:x.org:a/b c": ["id/journal/1678-4219", "id/record/oai:x.org:a%2Fb%20c"],
        "x": ["id/journal/journal-of-things", "id/record/x"],
    },
}
# 2: a person with a death date alone ("Smith, John, -1950") is keyed "smith-john-d-1950",
# no longer as his namesake born that year (explore12/marc H1, tests/test_agents12_*.py);
# no fixed record has such a date, so their keys are version 1's
KEYED[2] = KEYED[1]
# 3: a 600/610/611/630 name-title heading keeps its title parts after $t (the language $l,
# form $k, ...: explore12/marc L9), so "Shakespeare, William, 1564-1616. Hamlet. French" is a
# subject of its own; under version 2 the record "marc-600" (added with version 3) was keyed
# to "id/subject/lcsh-shakespeare-william-1564-1616-hamlet", Hamlet in any language
KEYED[3] = {**KEYED[2], "marc-600": [
    "id/record/marc-600", "id/subject/lcsh-shakespeare-william-1564-1616-hamlet-french"]}


def _minted(record: Record) -> list[str]:
    """Every URI of ours ``record``'s graph names, without the base."""
    base = "http://example.org/"
    return sorted({str(term)[len(base):] for triple in map_triples(record, base)
                   for term in triple if str(term).startswith(f"{base}id/")})


def test_the_keys_of_a_fixed_set_of_records_are_those_of_this_mapping_version() -> None:
    minted = {record.id: _minted(record) for record in FIXED_RECORDS}
    assert max(KEYED) == MAPPING_VERSION, "add this version's keys to KEYED"
    assert minted == KEYED[MAPPING_VERSION], (
        "URI keys changed: raise ld.uris.MAPPING_VERSION and add the new keys to KEYED as "
        "the next version (stores minted under the old rules then say so), or undo the change")


# --- stores as older ldpubs left them ---------------------------------------------

@pytest.fixture(scope="module")
def records(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return generate(tmp_path_factory.mktemp("versions") / "g.jsonl", 3)


@pytest.fixture(scope="module")
def loaded(tmp_path_factory: pytest.TempPathFactory, records: Path) -> Path:
    """A store of 3 records loaded under BASE by this ldpub."""
    store = tmp_path_factory.mktemp("versions") / "store"
    done = ldpub(store, "--base-uri", BASE, "load", str(records))
    assert done.returncode == 0, done.stderr
    return store


def _copy(loaded: Path, to: Path, *, version: str | None) -> Path:
    """A copy of ``loaded`` as an older ldpub left it: no base-uri, and the version
    file ``version`` (None: none, as before ldpub noted one)."""
    store = to / "store"
    shutil.copytree(loaded, store)
    (store / "base-uri").unlink()
    (store / "mapping-version").unlink(missing_ok=True)  # (older ldpubs wrote none)
    if version is not None:
        (store / "mapping-version").write_text(version + "\n")
    return store


def _notes(store: Path) -> list[str]:
    return sorted(p.name for p in store.iterdir() if p.name in ("base-uri", "mapping-version"))


def _warnings(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if "WARNING" in line]


def test_serve_and_render_refuse_another_base_on_a_store_without_the_base_file(
        loaded: Path, tmp_path: Path) -> None:
    """Regression (3): with no <store>/base-uri, `ldpub serve` under another base
    started and served every record as 404."""
    port = ["--port", str(_free_port())]
    with_file = ldpub(loaded, "--base-uri", ELSEWHERE, "serve", *port, timeout=60)
    assert with_file.returncode == 2, with_file.stderr
    store = _copy(loaded, tmp_path, version=None)
    for command in (["serve", *port], ["render"]):
        done = ldpub(store, "--base-uri", ELSEWHERE, *command, timeout=60)
        assert done.returncode == 2, (command, done.stderr)
        assert done.stderr == with_file.stderr.replace(str(loaded), str(store)), command
    assert _notes(store) == []  # read only: nothing noted
    # reading commands mint nothing: any base will do, with the file or without
    stats = ldpub(store, "--base-uri", ELSEWHERE, "stats", "--json")
    assert stats.returncode == 0 and json.loads(stats.stdout)["records"] == 3, stats.stderr


def test_serving_a_store_of_unknown_rules_warns_once_and_serves(loaded: Path,
                                                                 tmp_path: Path) -> None:
    """Regression (6): `ldpub serve` said nothing of records minted under other rules."""
    store = _copy(loaded, tmp_path, version=None)
    err, status = _serve_and_get(store, "doc/record/pubmed-6000001.ttl")
    assert status == 200, err
    warned = _warnings(err)
    assert len(warned) == 1, err
    assert "[WARNING] ldpub.store: the records in the store at" in warned[0]
    assert f"unknown version (by an ldpub that did not note it); this ldpub mints under " \
           f"version {MAPPING_VERSION}" in warned[0]
    assert _notes(store) == []


def test_the_first_writer_notes_the_version_and_stats_reports_it(tmp_path: Path,
                                                                 records: Path) -> None:
    store = tmp_path / "store"
    done = ldpub(store, "load", str(records))
    assert done.returncode == 0 and not _warnings(done.stderr), done.stderr
    assert (store / "mapping-version").read_text() == f"{MAPPING_VERSION}\n"
    again = ldpub(store, "load", str(records))
    assert again.returncode == 0 and not _warnings(again.stderr), again.stderr
    stats = json.loads(ldpub(store, "stats", "--json").stdout)
    assert stats["mapping_version"] == MAPPING_VERSION


@pytest.mark.parametrize(("version", "named"), [
    (None, "an unknown version (by an ldpub that did not note it)"), ("0", "version 0")])
def test_a_writer_of_a_store_of_other_rules_warns_once_and_goes_on(
        loaded: Path, tmp_path: Path, records: Path, version: str | None, named: str) -> None:
    """Regression (6): a partial load into a store minted under older rules split
    journals and people in two, without a word; the file is never rewritten."""
    store = _copy(loaded, tmp_path, version=version)
    done = ldpub(store, "load", str(records))
    assert done.returncode == 0, done.stderr
    warned = _warnings(done.stderr)
    assert len(warned) == 1, done.stderr
    assert warned[0].startswith(f"ldpub: WARNING: the records in the store at {store} were "
                                f"minted under the URI rules of {named}; this ldpub mints "
                                f"under version {MAPPING_VERSION}.")
    assert f"ldpub --store {store}.new --base-uri {BASE} load FILE..." in warned[0]
    assert f"mv {store} {store}.old && mv {store}.new {store}" in warned[0]
    assert (store / "base-uri").read_text() == BASE + "\n"  # a writer notes the base
    assert _notes(store) == (["base-uri"] if version is None else ["base-uri",
                                                                   "mapping-version"])
    if version is not None:
        assert (store / "mapping-version").read_text() == version + "\n"
    stats = json.loads(ldpub(store, "stats", "--json").stdout)
    assert stats["records"] == 3
    assert stats["mapping_version"] == (None if version is None else int(version))


def test_an_emptied_store_takes_the_rules_of_its_next_first_records(
        loaded: Path, tmp_path: Path, records: Path) -> None:
    store = _copy(loaded, tmp_path, version="0")
    ids = [json.loads(line)["id"] for line in records.read_text().splitlines()]
    emptied = ldpub(store, "delete", *ids)
    assert emptied.returncode == 0 and len(_warnings(emptied.stderr)) == 1, emptied.stderr
    done = ldpub(store, "load", str(records))
    assert done.returncode == 0 and not _warnings(done.stderr), done.stderr
    assert (store / "mapping-version").read_text() == f"{MAPPING_VERSION}\n"


# --- a real server ----------------------------------------------------------------

def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _serve_and_get(store: Path, path: str) -> tuple[str, int]:
    """Start `ldpub serve` on ``store`` under BASE, GET ``path``, stop it (SIGTERM):
    (its standard error, the status)."""
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("LDPUB_")}
    env.update(LDPUB_STORE=str(store), LDPUB_BASE_URI=BASE, LDPUB_WORKERS="1")
    proc = subprocess.Popen([LDPUB, "serve", "--port", str(port)], env=env,
                            stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True,
                            start_new_session=True)
    try:
        status = _get(f"http://127.0.0.1:{port}/{path}", proc)
        proc.send_signal(signal.SIGTERM)
        _, err = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.communicate(timeout=30)
    return err, status


def _get(url: str, proc: subprocess.Popen) -> int:
    """The status of ``url`` once the server answers (it may be starting)."""
    deadline = time.monotonic() + 60
    while proc.poll() is None and time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=10) as answer:
                return answer.status
        except urllib.error.HTTPError as exc:
            return exc.code
        except OSError:
            time.sleep(0.1)
    return 0

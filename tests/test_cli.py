"""The ``ldpub`` console script, run for real as a subprocess on a store in tmp_path.

Dumps are parsed by independent parsers (rapper from raptor2-utils for
N-Triples, Turtle and N-Quads; PyLD for JSON-LD, with a document loader that
refuses the network) and compared by isomorphism with what the store holds.
"""

from __future__ import annotations

import gzip
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from rdflib import Dataset, Graph, Literal, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import SH

from ld.cli import main
from ld.config import SETTINGS, data_dir, load_settings

LDPUB = str(Path(sys.executable).with_name("ldpub"))
ROOT = Path(__file__).resolve().parent.parent
SAMPLE = sorted(str(p) for p in data_dir("sample").iterdir() if p.is_file())
needs_rapper = pytest.mark.skipif(shutil.which("rapper") is None,
                                  reason="rapper (Debian raptor2-utils) is not installed")


def ldpub(store: Path, *args: str, stdin: bytes | None = None,
          timeout: float = 240) -> subprocess.CompletedProcess[str]:
    """Run the installed console script with only LDPUB_STORE set."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("LDPUB_")}
    env["LDPUB_STORE"] = str(store)
    proc = subprocess.run([LDPUB, *args], input=stdin, capture_output=True, env=env,
                          timeout=timeout, check=False)
    return subprocess.CompletedProcess(proc.args, proc.returncode,
                                       proc.stdout.decode("utf-8", "replace"),
                                       proc.stderr.decode("utf-8", "replace"))


def load_json(store: Path, *args: str, stdin: bytes | None = None) -> tuple[int, dict]:
    proc = ldpub(store, "load", "--json", *args, stdin=stdin)
    assert proc.stdout.strip(), proc.stderr
    return proc.returncode, json.loads(proc.stdout)


def generate(path: Path, n: int, *extra: str) -> Path:
    subprocess.run([sys.executable, str(ROOT / "bench" / "generate.py"), str(n), "-o",
                    str(path), *extra], check=True)
    return path


def store_dataset(store: Path) -> Dataset:
    """Every record graph, read back through the store's own interface."""
    from ld.store import open_store

    settings = load_settings(env={}, store=str(store))
    dataset = Dataset()
    with open_store(settings) as st:
        rows = st.select("SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }")
        for row in rows:
            graph = st.graph(str(row["g"]))
            target = dataset.graph(URIRef(str(row["g"])))
            for triple in graph:
                target.add(triple)
    return dataset


def union(dataset: Dataset) -> Graph:
    graph = Graph()
    for s, p, o, _g in dataset.quads((None, None, None, None)):
        graph.add((s, p, o))
    return graph


@pytest.fixture(scope="module")
def loaded(tmp_path_factory: pytest.TempPathFactory, seed_record_module: Path) -> Path:
    """A store holding the seed record and the bundled sample."""
    store = tmp_path_factory.mktemp("cli") / "store"
    code, summary = load_json(store, str(seed_record_module), *SAMPLE)
    assert code == 0, summary
    return store


@pytest.fixture(scope="module")
def seed_record_module(shared_data: Path) -> Path:
    return shared_data / "seed" / "pubmed-6839263.txt"


def test_load_summary_and_stats(loaded: Path, seed_record_module: Path) -> None:
    stats = json.loads(ldpub(loaded, "stats", "--json").stdout)
    dataset = store_dataset(loaded)
    graphs = {str(g.identifier) for g in dataset.graphs() if len(g)}
    assert stats["records"] == len(graphs) >= 1
    # triples as stored: per record graph (a person in two records counts twice)
    assert stats["triples"] == len(list(dataset.quads((None, None, None, None))))
    article = "http://purl.org/ontology/bibo/AcademicArticle"
    assert stats["classes"][article] >= 1
    # the seed is also in the sample: loading both counts one replacement
    store2 = loaded.parent / "again"
    code, summary = load_json(store2, str(seed_record_module), *SAMPLE)
    assert code == 0
    assert summary["read"] == summary["loaded"] + summary["rejected"] + summary["deleted"]
    assert summary["replaced"] == 1
    assert summary["read"] == stats["records"] + 1


def test_stats_table_for_people(loaded: Path) -> None:
    proc = ldpub(loaded, "stats")
    assert proc.returncode == 0
    assert "records" in proc.stdout and "bibo:AcademicArticle" in proc.stdout


def _rapper(path: Path, syntax: str) -> Graph | Dataset:
    out = subprocess.run(["rapper", "-q", "-i", syntax, "-o", "nquads" if syntax == "nquads"
                          else "ntriples", str(path)], capture_output=True, check=True,
                         timeout=60)
    target: Graph | Dataset = Dataset() if syntax == "nquads" else Graph()
    target.parse(data=out.stdout.decode("utf-8"), format="nquads" if syntax == "nquads"
                 else "nt")
    return target


def _pyld(path: Path) -> Dataset:
    from pyld import jsonld

    def no_network(url: str, options: dict | None = None) -> dict:
        raise AssertionError(f"the JSON-LD dump must be self-contained, fetched {url}")

    doc = json.loads(path.read_text(encoding="utf-8"))
    nquads = jsonld.to_rdf(doc, {"format": "application/n-quads",
                                 "documentLoader": no_network})
    dataset = Dataset()
    dataset.parse(data=nquads, format="nquads")
    return dataset


def same_dataset(parsed: Dataset, expected: Dataset) -> None:
    """Graph by graph isomorphic, and nothing more."""
    for graph in expected.graphs():
        if len(graph):
            assert isomorphic(parsed.graph(graph.identifier), graph), graph.identifier
    def quads(d: Dataset) -> int:
        return len(list(d.quads((None, None, None, None))))

    assert quads(parsed) == quads(expected) > 0


@needs_rapper
@pytest.mark.parametrize("fmt", ["nt", "nt.gz", "ttl", "nq", "nq.gz", "jsonld"])
def test_dump_round_trip(loaded: Path, tmp_path: Path, fmt: str) -> None:
    target = tmp_path / f"dump.{fmt}"
    proc = ldpub(loaded, "dump", "--format", fmt, "-o", str(target))
    assert proc.returncode == 0, proc.stderr
    if fmt.endswith(".gz"):
        plain = tmp_path / f"dump.{fmt.removesuffix('.gz')}"
        plain.write_bytes(gzip.decompress(target.read_bytes()))
        target, fmt = plain, fmt.removesuffix(".gz")
    expected = store_dataset(loaded)
    if fmt == "jsonld":  # JSON-LD keeps the named graphs, as N-Quads do
        same_dataset(_pyld(target), expected)
        return
    parsed = _rapper(target, {"nt": "ntriples", "ttl": "turtle", "nq": "nquads"}[fmt])
    if fmt == "nq":
        same_dataset(parsed, expected)
    else:
        assert isomorphic(parsed, union(expected))


def test_dump_to_stdout_streams_gzip(loaded: Path) -> None:
    proc = subprocess.run([LDPUB, "--store", str(loaded), "dump", "--format", "nt.gz"],
                          capture_output=True, check=True, timeout=120)
    graph = Graph().parse(data=gzip.decompress(proc.stdout).decode("utf-8"), format="nt")
    assert len(graph) == len(union(store_dataset(loaded)))


@pytest.mark.parametrize("fmt", ["nt", "nt.gz"])
def test_dump_into_a_reader_that_stops_early_is_quiet(tmp_path: Path, fmt: str) -> None:
    """Regression: `ldpub dump | head` said "error: dump failed: [Errno 32] Broken pipe"
    and exited 2 (a store error); it now stops as cat does: quietly, status 141."""
    store = tmp_path / "store"
    assert ldpub(store, "load", str(generate(tmp_path / "g.jsonl", 300))).returncode == 0
    proc = subprocess.Popen([LDPUB, "--store", str(store), "dump", "--format", fmt],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert len(proc.stdout.read(100)) == 100  # far less than the dump (~3 MB)
    proc.stdout.close()
    assert proc.wait(timeout=60) == 141
    assert proc.stderr.read() == b""


def test_exit_1_and_rejects_report(tmp_path: Path) -> None:
    data = generate(tmp_path / "bad.jsonl", 40, "--bad-every", "10")
    store, rejects = tmp_path / "store", tmp_path / "rejects.jsonl"
    code, summary = load_json(store, "--rejects", str(rejects), str(data))
    assert code == 1
    assert summary["read"] == 40 and summary["rejected"] == 4 and summary["loaded"] == 36
    entries = [json.loads(line) for line in rejects.read_text().splitlines()]
    assert len(entries) == 4
    for entry in entries:
        assert entry["kind"] == "violation" and entry["file"] == str(data)
        assert entry["position"] and entry["record_id"]
        violations = [r for r in entry["results"] if r["severity"] == "Violation"]
        assert any(r["property"] == "http://purl.org/dc/terms/title"
                   and r["message"] for r in violations)  # bench/generate.py: no title
    stats = json.loads(ldpub(store, "stats", "--json").stdout)
    assert stats["records"] == 36


def test_exit_2_unknown_format_keeps_other_files(tmp_path: Path, seed_record: Path) -> None:
    junk = tmp_path / "notes.bin"
    junk.write_bytes(b"\x00\x01 nothing a reader knows \x02" * 10)
    proc = ldpub(tmp_path / "store", "load", str(junk), str(seed_record))
    assert proc.returncode == 2
    assert str(junk) in proc.stderr and "no reader recognises" in proc.stderr
    assert json.loads(ldpub(tmp_path / "store", "stats", "--json").stdout)["records"] == 1


def test_exit_2_usage_errors(tmp_path: Path) -> None:
    missing = ldpub(tmp_path / "store", "load", str(tmp_path / "nope.json"))
    assert missing.returncode == 2 and "nope.json" in missing.stderr
    wrong = ldpub(tmp_path / "store", "load", "--format", "klingon", str(tmp_path))
    assert wrong.returncode == 2 and "klingon" in wrong.stderr
    assert ldpub(tmp_path / "store", "dump", "--format", "docx").returncode == 2


def test_stdin(tmp_path: Path, seed_record: Path) -> None:
    code, summary = load_json(tmp_path / "store", "-", stdin=seed_record.read_bytes())
    assert (code, summary["loaded"]) == (0, 1)


def test_delete(tmp_path: Path, seed_record: Path) -> None:
    store = tmp_path / "store"
    assert load_json(store, str(seed_record))[0] == 0
    proc = ldpub(store, "delete", "pubmed-6839263")
    assert proc.returncode == 0, proc.stderr
    assert json.loads(ldpub(store, "stats", "--json").stdout)["records"] == 0
    again = ldpub(store, "delete", "pubmed-6839263")
    assert again.returncode == 2 and "pubmed-6839263" in again.stderr


def test_validate_formats_store_nothing(tmp_path: Path) -> None:
    data = generate(tmp_path / "v.jsonl", 10, "--bad-every", "5")
    store = tmp_path / "store"
    human = ldpub(store, "validate", str(data))
    assert human.returncode == 1
    assert str(data) in human.stdout and "must have a title" in human.stdout
    assert "dcterms:title" in human.stdout
    lines = [json.loads(x) for x in ldpub(store, "validate", "--format", "json",
                                          str(data)).stdout.splitlines()]
    assert len(lines) == 10 and sum(not x["conforms"] for x in lines) == 2
    assert all(x["file"] == str(data) and x["position"] for x in lines)
    ttl = tmp_path / "report.ttl"
    proc = ldpub(store, "validate", "--format", "ttl", str(data))
    assert proc.returncode == 1
    ttl.write_text(proc.stdout, encoding="utf-8")
    report = _rapper(ttl, "turtle") if shutil.which("rapper") else Graph().parse(ttl)
    assert (None, SH.conforms, Literal(False)) in report
    assert not store.exists()  # nothing stored: not even an empty store was made


def test_validate_ok_exit_0(tmp_path: Path, seed_record: Path) -> None:
    proc = ldpub(tmp_path / "store", "validate", str(seed_record))
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_every_setting_has_a_flag_and_env_in_help() -> None:
    result = CliRunner().invoke(main, ["load", "--help"], terminal_width=200)
    assert result.exit_code == 0
    for setting in SETTINGS:
        assert setting.flag in result.output and setting.env in result.output


def test_module_docstring_documents_every_command() -> None:
    import ld.cli

    for name in main.commands:
        assert f"ldpub {name}" in ld.cli.__doc__, name
    for code in ("0\n", "1\n", "2\n"):
        assert code in ld.cli.__doc__


def test_settings_flag_before_or_after_command(tmp_path: Path, seed_record: Path) -> None:
    runner = CliRunner()
    before = runner.invoke(main, ["--store", str(tmp_path / "a"), "load", "--jobs", "0",
                                  "--json", str(seed_record)])
    after = runner.invoke(main, ["load", "--store", str(tmp_path / "b"), "--jobs", "0",
                                 "--json", str(seed_record)])
    assert before.exit_code == after.exit_code == 0, before.output + after.output
    assert (tmp_path / "a").exists() and (tmp_path / "b").exists()


def _free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_demo_loads_the_sample_then_serves(tmp_path: Path) -> None:
    """`ldpub demo` on an empty store: the bundled sample is loaded and served over HTTP."""

    port, store = _free_port(), tmp_path / "store"
    env = {k: v for k, v in os.environ.items() if not k.startswith("LDPUB_")}
    env.update(LDPUB_STORE=str(store), LDPUB_PORT=str(port), LDPUB_WORKERS="1")
    log = tmp_path / "demo.log"
    with log.open("wb") as out:
        proc = subprocess.Popen([LDPUB, "demo"], env=env, stdout=out, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}/id/record/pubmed-6839263"
    try:
        body = _get_when_up(url, proc, limit=180, log=log)
    finally:
        proc.terminate()
        proc.wait(timeout=30)
    graph = Graph().parse(data=body, format="turtle")
    assert (URIRef("http://localhost:5000/id/record/pubmed-6839263"), None, None) in graph


def _get_when_up(url: str, proc: subprocess.Popen, limit: float, log: Path) -> str:
    import time
    import urllib.error
    import urllib.request

    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        assert proc.poll() is None, log.read_text(errors="replace")
        try:
            request = urllib.request.Request(url, headers={"Accept": "text/turtle"})
            with urllib.request.urlopen(request, timeout=10) as response:
                return response.read().decode("utf-8")
        except urllib.error.HTTPError:
            raise
        except (urllib.error.URLError, ConnectionError):
            time.sleep(0.3)
    raise AssertionError(f"{url} did not answer within {limit} s")


def test_exit_2_store_error_is_one_located_line(tmp_path: Path, seed_record: Path) -> None:
    """A store held by another writer: a message naming the store, no traceback."""
    from ld.store import open_store

    store = tmp_path / "store"
    with open_store(load_settings(env={}, store=str(store))):
        proc = ldpub(store, "load", str(seed_record))
    assert proc.returncode == 2
    assert str(store) in proc.stderr and "Traceback" not in proc.stderr


def test_validate_report_shortens_every_iri_of_a_complex_path() -> None:
    """Regression: only the first IRI of `a | b` paths was written as a CURIE."""
    from ld.cli_output import short

    path = "http://purl.org/dc/terms/creator | http://purl.org/dc/terms/contributor"
    assert short(path) == "dcterms:creator | dcterms:contributor"
    assert short("^http://xmlns.com/foaf/0.1/page") == "^foaf:page"

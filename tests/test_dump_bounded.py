"""The one-graph dumps (N-Triples, Turtle, /dumps/dataset.*) in bounded memory, each
distinct triple once (ld/store/dump_dedup.py), on a real store on disk.

A statement about a person or a journal is repeated in every record graph that
names it; the one-graph dumps must hold it once. They were made by a CONSTRUCT,
which Oxigraph de-duplicates with a hash set of every triple written: memory
grew with the catalogue (~400 bytes a triple), in a serving worker too.
"""

from __future__ import annotations

import gzip
import io
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import Graph
from rdflib.compare import isomorphic

from ld import dumps
from ld.errors import StoreError
from ld.store import dump_dedup, open_reader, open_store
from ld.store.base import RecordGraph
from tests.test_store_remote_more import server, virtuoso_like  # noqa: F401 (fixtures)

BASE = "http://example.org/"
SHARED = (  # what every record says about its author and its journal, the same each time
    f'<{BASE}id/person/ada> <http://xmlns.com/foaf/0.1/name> "Ada Lovelace, 1815-1852" .\n'
    f"<{BASE}id/person/ada> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> "
    "<http://xmlns.com/foaf/0.1/Person> .\n"
    f'<{BASE}id/journal/j1> <http://purl.org/dc/terms/title> "Notes <on> \\"engines\\""@en .\n'
    f'<{BASE}id/journal/j1> <http://purl.org/ontology/bibo/issn> "1234-5678"^^'
    "<http://www.w3.org/2001/XMLSchema#string> .\n"
)
RECORDS = 12
LDPUB = str(Path(sys.executable).with_name("ldpub"))
UNION = "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }"  # what the dumps were made by


def _record(n: int) -> RecordGraph:
    graph = f"{BASE}doc/record/r{n}"
    own = (f'<{BASE}id/record/r{n}> <http://purl.org/dc/terms/title> "Record {n}: a title" .\n'
           f"<{BASE}id/record/r{n}> <http://purl.org/dc/terms/creator> "
           f"<{BASE}id/person/ada> .\n")
    lines = (own + SHARED).splitlines()
    nquads = "".join(line.removesuffix(" .") + f" <{graph}> .\n" for line in lines)
    return RecordGraph(record_id=f"r{n}", graph_iri=graph, nquads=nquads.encode())


@pytest.fixture
def reader(settings):  # type: ignore[no-untyped-def]
    """The published snapshot of a store whose records share their author and journal."""
    with open_store(settings) as store:
        store.write_records([_record(n) for n in range(RECORDS)])
        store.publish()
    return open_reader(settings).pin()


@pytest.fixture
def work(tmp_path: Path) -> Path:
    """A folder for a dump and its temporary files (the store is beside it)."""
    folder = tmp_path / "work"
    folder.mkdir()
    return folder


@pytest.fixture
def small_buckets(monkeypatch: pytest.MonkeyPatch) -> None:
    """Three statements a bucket and nothing remembered while partitioning, so every
    repeat reaches the buckets and many buckets are written."""
    monkeypatch.setattr(dump_dedup, "BUCKET_LINES", 3)
    monkeypatch.setattr(dump_dedup, "SEEN_LINES", 0)


def _parsed(body: bytes, rdf_format: str) -> Graph:
    return Graph().parse(data=body, format=rdf_format)


@pytest.mark.parametrize("buckets", ["default", "small"])
@pytest.mark.parametrize(("media_type", "rdf_format"),
                         [("application/n-triples", "nt"), ("text/turtle", "turtle")])
def test_a_one_graph_dump_is_the_union_graph_each_triple_once(
        reader, request, work, buckets, media_type, rdf_format) -> None:  # type: ignore[no-untyped-def]
    if buckets == "small":
        request.getfixturevalue("small_buckets")
    out = work / "dump"
    with out.open("wb") as sink:
        reader.dump(sink, media_type, scratch=work)
    expected = reader.construct(UNION)
    assert len(expected) == 2 * RECORDS + 4
    assert isomorphic(_parsed(out.read_bytes(), rdf_format), expected)
    if rdf_format == "nt":
        lines = out.read_bytes().splitlines()
        assert len(lines) == len(set(lines)) == len(expected)
    if shutil.which("rapper"):  # an independent parser counts the same triples
        counted = subprocess.run(["rapper", "-c", "-i", "ntriples" if rdf_format == "nt"
                                  else "turtle", str(out), BASE], capture_output=True, text=True)
        assert f"returned {len(expected)} triples" in counted.stderr
    assert [p.name for p in work.iterdir()] == ["dump"]  # the buckets are gone


def test_turtle_groups_a_subjects_triples(reader, small_buckets, work) -> None:  # type: ignore[no-untyped-def]
    """Sorted within its bucket, a subject is written once, its triples after it."""
    out = work / "dump.ttl"
    with out.open("wb") as sink:
        reader.dump(sink, "text/turtle")
    text = out.read_text()
    assert text.startswith("@prefix")
    ada = f"<{BASE}id/person/ada>"
    subject_lines = [line for line in text.splitlines() if line.startswith(ada)]
    assert subject_lines == [f"{ada} a foaf:Person ;"]
    assert text.count(ada) == 1 + RECORDS  # as a subject once, as an object in each record


def test_several_buckets_are_written_and_all_are_removed(reader, small_buckets, work) -> None:  # type: ignore[no-untyped-def]
    """Each distinct triple once, whichever bucket its subject's hash sends it to."""
    seen: list[int] = []

    def write_quads(sink) -> None:  # type: ignore[no-untyped-def]
        seen.append(len(list(work.glob(".partial-dump-*/*.nt"))))
        reader.dump(sink, "application/n-quads")

    out = work / "dump.nt"
    with out.open("wb") as sink:
        dump_dedup.write_triples(write_quads, reader.count_triples(), sink,
                                 ox.RdfFormat.N_TRIPLES, work)
    assert seen == [(6 * RECORDS + 2) // 3]  # quads / BUCKET_LINES
    assert isomorphic(_parsed(out.read_bytes(), "nt"), reader.construct(UNION))
    assert list(work.iterdir()) == [out]


def test_the_default_graph_and_tricky_literals_are_kept_whole(tmp_path) -> None:
    """A statement in the default graph has no graph name to drop: its last term is
    its object, whatever it looks like (an IRI, a literal ending in an IRI-like piece)."""
    store = ox.Store(str(tmp_path / "ox"))
    s, p, g = ox.NamedNode(f"{BASE}s"), ox.NamedNode(f"{BASE}p"), ox.NamedNode(f"{BASE}g")
    objects = [ox.NamedNode(f"{BASE}o"), ox.BlankNode("b1"), ox.Literal("a <b>"),
               ox.Literal("a _:b", language="en"), ox.Literal("x y", datatype=s),
               ox.Literal('q " . <g> .'), ox.Literal("two\nlines")]
    for o in objects:
        for graph in (ox.DefaultGraph(), g, ox.BlankNode("g2")):
            store.add(ox.Quad(s, p, o, graph))
    out = tmp_path / "dump.nt"
    with out.open("wb") as sink:
        dump_dedup.write_triples(lambda sink: store.dump(sink, ox.RdfFormat.N_QUADS),
                                 len(store), sink, ox.RdfFormat.N_TRIPLES, tmp_path)
    old = ox.serialize(store.query(UNION, use_default_graph_as_union=True),
                       format=ox.RdfFormat.N_TRIPLES)
    lines = out.read_bytes().splitlines()
    assert len(lines) == len(set(lines)) == len(objects)
    assert set(lines) == set(old.splitlines())  # (the CONSTRUCT repeats a blank node's triple)


def test_a_dump_that_cannot_be_written_leaves_no_temporary_files(reader, small_buckets,
                                                                 work) -> None:  # type: ignore[no-untyped-def]
    """/dev/full refuses every write (ENOSPC), after the buckets were written."""
    with open("/dev/full", "wb", buffering=0) as full, pytest.raises(StoreError):
        reader.dump(full, "text/turtle", scratch=work)
    assert list(work.iterdir()) == []


def test_a_failing_store_leaves_no_temporary_files(tmp_path) -> None:
    def write_quads(sink) -> None:  # type: ignore[no-untyped-def]
        sink.write(f"<{BASE}s> <{BASE}p> <{BASE}o> <{BASE}g> .\n".encode())
        raise OSError("the store's disk went away")

    with open(os.devnull, "wb") as out, pytest.raises(OSError, match="went away"):
        dump_dedup.write_triples(write_quads, 1, out, ox.RdfFormat.N_TRIPLES, tmp_path)
    assert list(tmp_path.iterdir()) == []


def test_ldpub_dump_to_a_full_disk_fails_cleanly(settings, reader, tmp_path) -> None:  # type: ignore[no-untyped-def]
    """``ldpub dump --format ttl > /dev/full``: exit 2, the temporary folder (in TMPDIR,
    standard output having no folder of its own) removed."""
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    env = dict(os.environ, TMPDIR=str(scratch), LDPUB_STORE=settings.store)
    with open("/dev/full", "wb") as full:
        done = subprocess.run([LDPUB, "dump", "--format", "ttl"],
                              stdout=full, stderr=subprocess.PIPE, env=env, text=True)
    assert done.returncode == 2, done.stderr
    assert "No space left" in done.stderr
    assert list(scratch.iterdir()) == []


def test_the_served_dumps_hold_each_triple_once_and_leave_their_folder_clean(
        settings, reader, small_buckets) -> None:  # type: ignore[no-untyped-def]
    expected = reader.construct(UNION)
    nt = dumps.make(settings, reader, "dataset.nt.gz")
    lines = gzip.decompress(nt.read_bytes()).splitlines()
    assert len(lines) == len(set(lines)) == len(expected)
    ttl = dumps.make(settings, reader, "dataset.ttl")
    assert isomorphic(_parsed(ttl.read_bytes(), "turtle"), expected)
    jsonld = dumps.make(settings, reader, "dataset.jsonld").read_text()
    assert jsonld.count(f'"@id": "{BASE}id/person/ada"') == 1  # one node object a subject
    assert sorted(p.name for p in nt.parent.iterdir()) == [".lock", "dataset.jsonld",
                                                          "dataset.nt.gz", "dataset.ttl"]


MEASURE = """
import os, sys
from pathlib import Path
from ld.store import dump_dedup
from ld.store.reader import SnapshotReader

def peak_kb():  # this program's own peak (ru_maxrss counts the forked test process's too)
    status = Path("/proc/self/status").read_text()
    return int(status.split("VmHWM:")[1].split()[0])

dump_dedup.BUCKET_LINES = 20_000
store = SnapshotReader(sys.argv[1])
with open(os.devnull, "wb") as out:
    store.dump(out, "application/n-quads")  # the peak of opening and reading the store
    flat = peak_kb()
    store.dump(out, "application/n-triples")
print(peak_kb() - flat)
"""


@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="reads /proc (Linux)")
def test_a_one_graph_dump_takes_about_the_memory_of_one_bucket(settings) -> None:
    """Regression: N-Triples of 300,000 distinct triples took ~100 MB more than the
    N-Quads dump of the same store (a hash set of every triple); now a bucket's worth."""
    with open_store(settings) as store:
        store.write_records([_wide_record(n) for n in range(3_000)])
        store.publish()
    done = subprocess.run([sys.executable, "-c", MEASURE, settings.store],
                          capture_output=True, text=True, check=True)
    assert int(done.stdout) < 50_000  # KB: ~12,000 here, and ~130,000 with a CONSTRUCT


def _wide_record(n: int) -> RecordGraph:
    """A record of 100 statements of its own."""
    graph = f"{BASE}doc/record/w{n}"
    nquads = "".join(f'<{BASE}id/record/w{n}> <{BASE}p{k}> "value {k} of record {n}" <{graph}> .\n'
                     for k in range(100))
    return RecordGraph(record_id=f"w{n}", graph_iri=graph, nquads=nquads.encode())


# --- a remote store: the same de-duplication, paged or not -------------------

@pytest.mark.parametrize("paged", [False, True])
def test_a_remote_triples_dump_holds_each_triple_once(request, paged) -> None:  # type: ignore[no-untyped-def]
    """Regression: paged (a Virtuoso that cuts answers at its row limit) the one-graph
    dump repeated the statements several records make (a shared person) once a group of
    record graphs; streamed, the server held every distinct triple for a SELECT DISTINCT."""
    from rdflib import Graph as Union
    from store_contract import make_record

    from ld.store.remote import RemoteStore

    upstream, proxy = (request.getfixturevalue(name) for name in ("server", "virtuoso_like"))
    records = [make_record(i) for i in range(30)]  # ~13 statements each, the cap is 50
    with RemoteStore(upstream) as direct:
        direct.write_records(records)
    url = proxy.root + "/sparql" if paged else upstream
    with RemoteStore(url) as store, io.BytesIO() as out:
        store.dump(out, "application/n-triples")
        lines = out.getvalue().splitlines()
    union = Union()
    for record in records:
        union += record.graph
    assert len(lines) == len(set(lines)) == len(union)
    assert isomorphic(_parsed(b"\n".join(lines), "nt"), union)

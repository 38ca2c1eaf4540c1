"""Fixes for explore11/client (findings 2-4), on a real server over a real store.

2. A record's HTML page shows the titles of the records it links, read from
   their graphs, yet its Last-Modified was its own ``dcterms:modified``: after
   a linked record changed, If-Modified-Since got 304 and kept the stale page.
   HTML had no Last-Modified then; now it is the publish of its snapshot.
3. JSON-LD author lists were keyed ``bibo:authorList`` (the context's
   ``authorList`` unused), and in ``/dumps/dataset.jsonld`` bare
   ``rdf:first``/``rdf:rest`` chains: both now ``"authorList": {"@list": [...]}``.
4. Range on dumps, sitemaps and static files (RFC 9110 §14): an unknown unit or
   several ranges got 416, a 416 had no ``Content-Range: bytes */N``, and
   If-Range with a weak tag matched.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import Any

import pytest
import requests

from ld import describe
from ld.store import snapshots
from ld.store.reader import CHECK_EVERY
from tests.conftest_web import Site, load_records, start_site

# the tester's crafted VuFind records (explore11/client/craft): cli-b shares cli-a's DOI
A1 = {"id": "cli-a", "recordtype": "ldpub", "format": ["Article"],
      "title": "Original title of A", "author": ["Tester, Ann"], "publishDate": ["2020"],
      "language": ["English"], "doi_str_mv": ["10.5555/cli.1"]}
A2 = {**A1, "title": "Changed title of A"}
B = {**A1, "id": "cli-b", "title": "Title of B"}


def _file(folder: Path, record: dict) -> str:
    path = folder / f"{record['id']}-{len(record['title'])}.json"
    path.write_text(json.dumps([record]), encoding="utf-8")
    return str(path)


@pytest.fixture
def linked(tmp_path: Path) -> Iterator[Site]:
    """cli-a loaded, then cli-b (owl:sameAs cli-a: the same DOI)."""
    the_site, server = start_site(tmp_path, [], [_file(tmp_path, A1)])
    load_records(the_site.settings, [], [_file(tmp_path, B)])
    yield the_site
    server.shutdown()


def _get(url: str, **headers: str) -> requests.Response:
    describe.CACHE._data.clear()  # from the store (or renders.sqlite), not this process
    describe.CACHE.bytes = 0
    return requests.get(url, headers=headers, timeout=10)


def test_a_page_showing_a_changed_record_is_not_304_to_if_modified_since(
        linked: Site, tmp_path: Path) -> None:
    """The report's steps: the page of cli-b shows cli-a's title; cli-a changes."""
    page = f"{linked.url}/doc/record/cli-b.html"
    first = _get(page)
    assert first.status_code == 200 and "Original title of A" in first.text
    since = first.headers.get("Last-Modified") or _get(
        f"{linked.url}/doc/record/cli-b.ttl").headers["Last-Modified"]
    load_records(linked.settings, [], [_file(tmp_path, A2)])
    time.sleep(CHECK_EVERY + 0.2)  # the server's reader looks for a new snapshot once a second
    again = _get(page, **{"If-Modified-Since": since})
    assert again.status_code == 200 and "Changed title of A" in again.text
    assert again.headers["ETag"] != first.headers["ETag"]
    # dated by its snapshot since explore12 interop section 9: a later one than before, or
    # none when the new snapshot came in the first one's whole second (ld.store.snapshots)
    dated = again.headers.get("Last-Modified")
    if dated is None:
        assert snapshots.published(snapshots.current(linked.store_dir) or "") is None
    else:
        assert parsedate_to_datetime(dated) > parsedate_to_datetime(since)
    # the Turtle of cli-b did not change: its date still validates it
    ttl = _get(f"{linked.url}/doc/record/cli-b.ttl", **{"If-Modified-Since": since})
    assert ttl.status_code == 304


# --- 3. JSON-LD lists under the context's terms, in documents and in the dump ----------

def _pyld_compacted(doc: dict, site: Site) -> dict:
    """PyLD's own compaction of ``doc`` with the site's context (fetched from the site)."""
    from pyld import jsonld

    def loader(url: str, options: dict | None = None) -> dict:
        return {"contentType": "application/ld+json", "contextUrl": None, "documentUrl": url,
                "document": requests.get(url, timeout=10).json()}

    context = site.url + "/context.jsonld"
    options = {"documentLoader": loader}
    return jsonld.compact(jsonld.expand(doc, options), context, options)


LISTS = ("authorList", "editorList")


@pytest.mark.parametrize(("key", "term"), [("test-article", "authorList"),
                                           ("test-chapter", "editorList")])
def test_a_document_writes_its_lists_as_a_json_ld_processor_compacts_them(
        site: Site, key: str, term: str) -> None:
    doc = requests.get(f"{site.url}/doc/record/{key}.jsonld", timeout=10).json()
    (record,) = [n for n in doc["@graph"] if n["@id"] == f"{site.url}/id/record/{key}"]
    assert all(type(a) is str for a in record[term]["@list"])
    assert not any(f"bibo:{t}" in n or "rdf:first" in n for n in doc["@graph"] for t in LISTS)
    by_pyld = {n["@id"]: n for n in _pyld_compacted(doc, site)["@graph"]}
    for node in doc["@graph"]:
        assert {k: node[k] for k in LISTS if k in node} == {
            k: by_pyld[node["@id"]][k] for k in LISTS if k in by_pyld[node["@id"]]}


def test_the_json_ld_dump_writes_lists_as_the_documents_do(site: Site) -> None:
    import gzip

    from rdflib import Graph

    from tests.web_rdf import pyld_graph, same

    text = requests.get(f"{site.url}/dumps/dataset.jsonld", timeout=60).text
    assert '"rdf:first"' not in text and '"bibo:authorList"' not in text
    dump = json.loads(text)
    article = next(n for n in dump["@graph"]
                   if n["@id"] == f"{site.url}/id/record/test-article")
    served = requests.get(f"{site.url}/doc/record/test-article.jsonld", timeout=10).json()
    (record,) = [n for n in served["@graph"] if n["@id"] == article["@id"]]
    assert article["authorList"] == record["authorList"]  # {"@list": [...]}, in order
    triples = Graph().parse(data=gzip.decompress(requests.get(
        f"{site.url}/dumps/dataset.nt.gz", timeout=60).content).decode(), format="nt")
    assert same(pyld_graph(dump, site), triples)
    assert same(Graph().parse(data=text, format="json-ld", base=site.url + "/"), triples)


EX = "http://example.org/"
_LISTS = {  # record -> its statements (Turtle); "_:h" is made the record's own below
    "whole": "<{r}> bibo:authorList ( <{p}a> <{p}b> <{p}c> ) .",
    "shared-head": "<{r}> bibo:authorList _:h ; ex:also _:h . _:h rdf:first <{p}a> ; "
                   "rdf:rest rdf:nil .",
    "two-firsts": "<{r}> bibo:editorList _:h . _:h rdf:first <{p}a>, <{p}b> ; "
                  "rdf:rest rdf:nil .",
    "nested": "<{r}> ex:list ( ( <{p}x> <{p}y> ) <{p}z> ) .",
    "literals": '<{r}> bibo:authorList ( "one" "two"@en ) .',
    "no-nil": "<{r}> bibo:authorList _:h . _:h rdf:first <{p}a> ; rdf:rest <{p}end> .",
}
_PREFIXES = ("@prefix bibo: <http://purl.org/ontology/bibo/> . @prefix ex: <http://x.org/> . "
             "@prefix rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .\n")


def _graph(key: str, turtle: str) -> Any:
    import pyoxigraph as ox

    from ld.store.base import RecordGraph

    graph = ox.NamedNode(f"{EX}doc/record/{key}")
    text = _PREFIXES + turtle.format(r=f"{EX}id/record/{key}", p=f"{EX}id/person/").replace(
        "_:h", f"_:h{key.replace('-', '')}")  # the store keeps a label across graphs
    quads = [ox.Quad(t.subject, t.predicate, t.object, graph)
             for t in ox.parse(text.encode(), format=ox.RdfFormat.TURTLE)]
    return RecordGraph(record_id=key, graph_iri=graph.value,
                       nquads=ox.serialize(quads, format=ox.RdfFormat.N_QUADS))


def test_the_json_ld_dump_takes_every_well_formed_list_and_keeps_the_rest(
        tmp_path: Path) -> None:
    """Lists whose cells are scattered through the dump (subjects bucketed by hash) are
    found through a table on disk; a shared head, a cell with two firsts, an inner
    list and a chain without rdf:nil stay cells, and the graph stays the same."""
    import gzip

    from pyld import jsonld as pyld
    from rdflib import Graph

    from ld import dumps, jsonld
    from ld.config import load_settings
    from ld.store import dump_dedup, open_reader, open_store
    from tests.web_rdf import same

    settings = load_settings(env={}, store=str(tmp_path / "store"), base_uri=EX)
    with open_store(settings) as store:
        store.write_records([_graph(k, t) for k, t in _LISTS.items()])
        store.publish()
    reader = open_reader(settings).pin()
    old_lines = dump_dedup.BUCKET_LINES
    dump_dedup.BUCKET_LINES = 3  # many buckets: a list's cells far apart in the dump
    try:
        path = dumps.make(settings, reader, "dataset.jsonld")
        triples = dumps.make(settings, reader, "dataset.nt.gz")
    finally:
        dump_dedup.BUCKET_LINES = old_lines
    doc = json.loads(path.read_text())
    by_id = {n["@id"]: n for n in doc["@graph"]}
    record = f"{EX}id/record/"
    assert by_id[record + "whole"]["authorList"] == {"@list": [
        f"{EX}id/person/{x}" for x in "abc"]}
    assert by_id[record + "literals"]["authorList"] == {"@list": [
        {"@value": "one"}, {"@value": "two", "@language": "en"}]}
    assert by_id[record + "nested"]["http://x.org/list"]["@list"][1] == {
        "@id": f"{EX}id/person/z"}
    for kept in ("shared-head", "two-firsts", "no-nil"):
        node = by_id[record + kept]
        assert "@list" not in json.dumps(node), kept
    assert sum("rdf:first" in n for n in doc["@graph"]) == 1 + 1 + 2 + 1  # inner list: 2
    assert sorted(p.name for p in path.parent.iterdir()) == [
        ".lock", "dataset.jsonld", "dataset.nt.gz"]  # the cell table is gone

    def context(url: str, options: dict | None = None) -> dict:
        return {"contextUrl": None, "documentUrl": url, "document": jsonld.context()}

    nquads = pyld.to_rdf(doc, {"format": "application/n-quads", "documentLoader": context})
    expected = Graph().parse(data=gzip.decompress(triples.read_bytes()).decode(), format="nt")
    assert same(Graph().parse(data=nquads, format="nt"), expected)


# --- 4. Range requests on the files served whole -------------------------------------

OLD = "Thu, 01 Jan 2015 00:00:00 GMT"
FILES = ["/dumps/dataset.nt.gz", "/sitemaps/sitemap-1.xml.gz", "/static/ldpub.css"]
# (name, request headers, what is sent: "whole" (200), (start, stop) of a 206, or 416);
# "{n}" is the file's length, "{etag}" and "{last}" its current validators
RANGES = [
    ("one-range", {"Range": "bytes=0-9"}, (0, 10)),
    ("unit-in-any-case", {"Range": "Bytes=2-4"}, (2, 5)),
    ("open-ended", {"Range": "bytes=10-"}, (10, None)),
    ("suffix", {"Range": "bytes=-5"}, (-5, None)),
    ("suffix-longer-than-the-file", {"Range": "bytes=-{n}0"}, (0, None)),
    ("last-past-the-end", {"Range": "bytes=3-{n}0"}, (3, None)),
    ("unknown-unit-is-ignored", {"Range": "items=0-5"}, "whole"),
    ("two-ranges-served-whole", {"Range": "bytes=0-1,5-9"}, "whole"),
    ("range-and-suffix-served-whole", {"Range": "bytes=0-9,-5"}, "whole"),
    ("one-of-two-satisfiable", {"Range": "bytes=0-1,{n}-"}, (0, 2)),
    ("empty-list-elements", {"Range": "bytes=,0-9,"}, (0, 10)),
    ("last-before-first-is-ignored", {"Range": "bytes=5-2"}, "whole"),
    ("not-a-range-is-ignored", {"Range": "bytes=abc"}, "whole"),
    ("no-range-set-is-ignored", {"Range": "bytes="}, "whole"),
    ("past-the-end", {"Range": "bytes={n}-"}, 416),
    ("every-range-past-the-end", {"Range": "bytes={n}-{n}5, {n}9-"}, 416),
    ("empty-suffix", {"Range": "bytes=-0"}, 416),
    ("if-range-strong-tag", {"Range": "bytes=0-9", "If-Range": "{etag}"}, (0, 10)),
    ("if-range-weak-tag-never-holds", {"Range": "bytes=0-9", "If-Range": "W/{etag}"},
     "whole"),
    ("if-range-other-tag", {"Range": "bytes=0-9", "If-Range": '"xyz"'}, "whole"),
    ("if-range-last-modified", {"Range": "bytes=0-9", "If-Range": "{last}"}, (0, 10)),
    ("if-range-other-date", {"Range": "bytes=0-9", "If-Range": OLD}, "whole"),
    ("if-range-with-unknown-unit", {"Range": "items=0-5", "If-Range": "{etag}"}, "whole"),
]


@pytest.fixture(scope="module")
def files(site: Site) -> dict[str, requests.Response]:
    """Each file whole (a dump or sitemap is made on first request: 503 meanwhile)."""
    found = {}
    for path in FILES:
        for _ in range(60):
            found[path] = requests.get(site.url + path, timeout=60)
            if found[path].status_code != 503:
                break
            time.sleep(1)
        assert found[path].status_code == 200, path
    return found


@pytest.mark.parametrize("path", FILES)
@pytest.mark.parametrize(("case", "headers", "sent"), RANGES, ids=[c[0] for c in RANGES])
def test_range_requests_follow_rfc_9110(site: Site, files: dict[str, requests.Response],
                                        path: str, case: str, headers: dict[str, str],
                                        sent: object) -> None:
    whole = files[path]
    n = len(whole.content)
    values = {"n": n, "etag": whole.headers["ETag"], "last": whole.headers["Last-Modified"]}
    answer = requests.get(site.url + path, timeout=30,
                          headers={k: v.format(**values) for k, v in headers.items()})
    if sent == "whole":
        assert answer.status_code == 200 and answer.content == whole.content
        assert "Content-Range" not in answer.headers
    elif sent == 416:
        assert answer.status_code == 416
        assert answer.headers["Content-Range"] == f"bytes */{n}"
        return
    else:
        start, stop = sent
        part = whole.content[start:stop]
        first = n + start if start < 0 else start
        assert answer.status_code == 206 and answer.content == part
        assert answer.headers["Content-Range"] == f"bytes {first}-{first + len(part) - 1}/{n}"
    assert answer.headers["Accept-Ranges"] == "bytes"

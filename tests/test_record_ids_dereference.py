"""Every record URI we mint dereferences to that record, whatever its id (explore10/web 3).

Ids ending in a format suffix ("data.ttl", "12345.xml") were read as another record
in that format (404, 406), an id starting with "/" was 308-redirected to another
record's URI, and "." / ".." are dot segments no client sends: those are refused at
load. The records are VuFind JSON loaded through the real pipeline into a real store,
served on 127.0.0.1; the URIs are followed with requests, which, like a browser,
removes dot segments before sending.
"""

from __future__ import annotations

import gzip
import html
import json
import re
import subprocess
import sys
import time
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urljoin

import pytest
import requests
from rdflib import Graph, URIRef
from rdflib.namespace import DCTERMS

from ld import sitemap, uris
from tests.conftest_web import Site, start_site
from tests.web_rdf import same

TTL, HTML = {"Accept": "text/turtle"}, {"Accept": "text/html"}
IDS = ["data.ttl", "data", "page.html", "12345.xml", "export.json", "report.csv",
       "notes.txt", "/lead", "//x", "/", "a//b", "trail/", "dotseg/../x"]
LDPUB = str(Path(sys.executable).parent / "ldpub")


def vufind_json(path: Path, ids: list[str]) -> Path:
    docs = [{"id": i, "recordtype": "ldpub", "record_format": "ldpub-sample",
             "format": ["Book"], "title": f"Id {i} is weird", "author": ["Weird, Id"]}
            for i in ids]
    path.write_text(json.dumps({"response": {"docs": docs}}), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def weird(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    root = tmp_path_factory.mktemp("weird-ids")
    the_site, server = start_site(root, [], [str(vufind_json(root / "weird.json", IDS))])
    yield the_site
    server.shutdown()


def title(page: str) -> str:
    found = re.search(r"<title>(.*?) · ", page)
    assert found, page[:300]
    return html.unescape(found.group(1))


def canonical(response: requests.Response) -> str:
    return response.links["canonical"]["url"]


def follow(site: Site, record_id: str, accept: dict[str, str]) -> requests.Response:
    """The record's /id/ URI, followed: a 303, then the document (200)."""
    thing = site.url + "/id/record/" + uris.encode_key(record_id)
    seen = requests.get(thing, headers=accept, allow_redirects=False, timeout=10)
    assert seen.status_code == 303, (record_id, seen.status_code, seen.headers)
    doc = requests.get(urljoin(thing, seen.headers["Location"]), headers=accept,
                       allow_redirects=False, timeout=10)
    assert doc.status_code == 200, (record_id, doc.status_code, doc.text[:300])
    return doc


def stored(site: Site, record_id: str) -> Graph:
    with site.reader() as store:
        graph = store.graph(uris.record_graph(site.settings.base_uri, record_id))
    doc = URIRef(uris.record_graph(site.settings.base_uri, record_id))  # what a document
    graph.add((doc, DCTERMS.license, URIRef(site.settings.license)))  # adds: the licence
    return graph


@pytest.mark.parametrize("record_id", IDS)
def test_each_id_dereferences_to_its_own_page(weird: Site, record_id: str) -> None:
    page = follow(weird, record_id, HTML)
    assert page.headers["Content-Type"].startswith("text/html")
    assert title(page.text) == f"Id {record_id} is weird"
    assert canonical(page) == uris.doc_uri(weird.settings.base_uri, "record", record_id)


@pytest.mark.parametrize("record_id", IDS)
def test_each_id_dereferences_to_its_own_turtle(weird: Site, record_id: str) -> None:
    doc = follow(weird, record_id, TTL)
    assert doc.headers["Content-Type"].startswith("text/turtle")
    assert same(Graph().parse(data=doc.text, format="turtle"), stored(weird, record_id))


def test_a_suffix_after_such_an_id_names_its_format(weird: Site) -> None:
    """An id that ends in a suffix wins over the record named by the rest; its formats
    are the suffix appended, ``?format=`` or Accept (fast path and Flask alike)."""
    cases = {"/doc/record/data.ttl": ("data.ttl", TTL),  # the fast path
             "/doc/record/data.ttl?format=ttl": ("data.ttl", HTML),  # Flask
             "/doc/record/data.ttl.ttl": ("data.ttl", HTML),
             "/doc/record/data.ttl.nt": ("data.ttl", HTML),
             "/doc/record/data": ("data", TTL), "/doc/record/data.ttl.html": ("data.ttl", HTML),
             "/doc/record/data.html": ("data", HTML), "/doc/record/12345.xml.ttl": (
                 "12345.xml", HTML), "/doc/record/report.csv": ("report.csv", TTL)}
    for path, (record_id, accept) in cases.items():
        doc = requests.get(weird.url + path, headers=accept, timeout=10)
        assert doc.status_code == 200, (path, doc.status_code, doc.text[:300])
        if doc.headers["Content-Type"].startswith("text/html"):
            assert title(doc.text) == f"Id {record_id} is weird", path
        else:
            syntax = "nt" if path.endswith(".nt") else "turtle"
            assert same(Graph().parse(data=doc.text, format=syntax),
                        stored(weird, record_id)), path
    alternate = requests.get(weird.url + "/doc/record/data.ttl", headers=HTML, timeout=10)
    assert alternate.headers["Content-Location"] == weird.url + "/doc/record/data.ttl.html"


def test_the_sitemap_and_the_search_page_link_only_uris_that_dereference(weird: Site) -> None:
    base = weird.settings.base_uri
    expected = {uris.doc_uri(base, "record", i) for i in IDS}
    listed = []
    for _ in range(60):  # written on first request: 503 + Retry-After meanwhile
        index = requests.get(weird.url + "/sitemap.xml", timeout=30)
        if index.status_code == 200:
            break
        time.sleep(0.5)
    for page in ET.fromstring(index.content).findall("s:sitemap/s:loc", {"s": sitemap.NS}):
        body = gzip.decompress(requests.get(page.text, timeout=30).content)
        listed += [loc.text for loc in ET.fromstring(body).iter(f"{{{sitemap.NS}}}loc")]
    assert set(listed) == expected
    for url in listed:
        doc = requests.get(url, headers=HTML, allow_redirects=False, timeout=10)
        assert doc.status_code == 200 and canonical(doc) == url, (url, doc.status_code)
    results = requests.get(weird.url + "/search?q=weird", headers=HTML, timeout=10).text
    hrefs = {html.unescape(h) for h in re.findall(r'href="(/(?:id|doc)/record/[^"]*)"', results)}
    reached = set()
    for href in hrefs:
        doc = requests.get(urljoin(weird.url, href), headers=HTML, timeout=10)
        assert doc.status_code == 200, (href, doc.status_code, doc.history)
        reached.add(canonical(doc))
    assert reached == expected


def test_doubled_slashes_elsewhere_still_redirect(weird: Site) -> None:
    """The key converter takes a leading "/" in a key; werkzeug's merge of doubled
    slashes still redirects the other paths (and a doubled slash before the key)."""
    for path, target in (("/browse//subject", "/browse/subject"),
                         ("/id//record/data", "/id/record/data")):
        moved = requests.get(weird.url + path, headers=HTML, allow_redirects=False, timeout=10)
        assert moved.status_code == 308 and moved.headers["Location"].endswith(target), path


def test_dot_segment_ids_are_refused_at_load_with_a_located_reason(tmp_path: Path) -> None:
    data = vufind_json(tmp_path / "dots.json", [".", "..", "fine"])
    rejects = tmp_path / "rejects.jsonl"
    proc = subprocess.run([LDPUB, "--store", str(tmp_path / "store"), "load", "--rejects",
                           str(rejects), str(data)], capture_output=True, text=True,
                          timeout=240)
    assert proc.returncode == 1, proc.stderr
    for position, record_id in ((1, "."), (2, "..")):
        assert (f"rejected: {data}, record {position}, record {record_id!r}, field 'id': "
                f"the id {record_id!r} cannot be published: '.' and '..' are dot segments"
                ) in proc.stderr
    assert proc.stderr.count("give the record another id") == 2
    entries = [json.loads(line) for line in rejects.read_text().splitlines()]
    assert [(e["record_id"], e["field"], e["file"]) for e in entries] == [
        (".", "id", str(data)), ("..", "id", str(data))]
    assert all("change the id in the source" in e["hint"] for e in entries)
    status = subprocess.run([LDPUB, "--store", str(tmp_path / "store"), "stats", "--json"],
                            capture_output=True, text=True, timeout=60)
    assert json.loads(status.stdout)["records"] == 1

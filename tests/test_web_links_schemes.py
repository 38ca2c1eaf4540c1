"""Only web IRIs become links (explore10/web finding 9).

The readers never write a ``javascript:`` IRI, but SPARQL Update (the
operator's token) or another program writing to a remote store can. Every
page that turns an IRI from the store into an ``href`` (record, person,
subject pages; their statements tables) makes a link of http, https and ftp
IRIs only and shows any other as text, as the record's own links already did.
Written here through the live endpoint's update, as the tester did.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from html.parser import HTMLParser
from urllib.parse import urljoin

import pytest
import requests

from tests.conftest_web import Site, sample_paths, start_site

TOKEN = "links-token"
HOSTILE = {  # property -> object, of the sample record, a person and a subject
    "record": [("http://purl.org/dc/terms/subject", "javascript:alert(2)"),
               ("http://www.w3.org/2002/07/owl#sameAs", "javascript:alert(4)"),
               ("http://purl.org/dc/terms/isPartOf", "vbscript:x"),
               ("http://www.w3.org/2000/01/rdf-schema#seeAlso", "data:text/html,x")],
    "person": [("http://xmlns.com/foaf/0.1/homepage", "javascript:alert(5)")],
    "subject": [("http://www.w3.org/2004/02/skos/core#exactMatch", "JaVaScRiPt:alert(7)")],
}
THINGS = {"record": "ldpub-a001", "person": "lindqvist-maja", "subject": "linked-data"}


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    """The sample records, then the hostile triples written by SPARQL Update."""
    the_site, server = start_site(tmp_path_factory.mktemp("links-schemes"), [],
                                  sample_paths(), update_token=TOKEN)
    base = the_site.settings.base_uri
    graph = f"{base}doc/record/{THINGS['record']}"
    triples = " ".join(f"<{base}id/{kind}/{THINGS[kind]}> <{p}> <{o}> ."
                       for kind, pairs in HOSTILE.items() for p, o in pairs)
    response = requests.post(
        the_site.url + "/sparql", data=f"INSERT DATA {{ GRAPH <{graph}> {{ {triples} }} }}",
        headers={"Authorization": f"Bearer {TOKEN}",
                 "Content-Type": "application/sparql-update"}, timeout=30)
    assert response.status_code == 204, response.text
    wait_until_served(the_site)
    yield the_site
    server.shutdown()


def wait_until_served(site: Site) -> None:
    """The pages read a snapshot that follows the store within a second or so: wait
    for the last thing the update wrote."""
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        turtle = requests.get(f"{site.url}/doc/person/{THINGS['person']}.ttl", timeout=30).text
        if "javascript:alert(5)" in turtle:
            return
        time.sleep(0.2)
    pytest.fail("the update was not served within 20 s")


class _Anchors(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.hrefs: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        href = dict(attrs).get("href")
        if tag == "a" and href is not None:
            self.hrefs.append(href)


@pytest.mark.parametrize("kind", sorted(HOSTILE))
def test_other_schemes_are_text_not_links(site: Site, kind: str) -> None:
    url = f"{site.url}/doc/{kind}/{THINGS[kind]}"
    response = requests.get(url, headers={"Accept": "text/html"}, timeout=30)
    assert response.status_code == 200
    anchors = _Anchors()
    anchors.feed(response.text)
    schemes = {urljoin(url, href).partition(":")[0] for href in anchors.hrefs}
    assert schemes <= {"http", "https", "ftp"}, schemes
    for _, iri in HOSTILE[kind]:
        assert f">{iri}<" in response.text, iri


def test_web_links_stay_links(site: Site) -> None:
    """The record's own http links (its subjects, its type) are still links."""
    page = requests.get(f"{site.url}/doc/record/{THINGS['record']}",
                        headers={"Accept": "text/html"}, timeout=30).text
    assert '<a href="/id/subject/linked-data">' in page
    assert '<a href="http://purl.org/dc/dcmitype/Text">' in page

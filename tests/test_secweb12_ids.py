"""A record id holding a line break must dereference (explore12 "security", M4).

werkzeug compiles a converter's regex without DOTALL: the key converter's ".+"
did not match "\\n", so the thing URI of the record "evil\\r\\nSet-Cookie: pwn=1"
(minted, listed in the VoID) answered Flask's bare 404 instead of its 303.
"""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
import requests
from rdflib import Graph, URIRef
from rdflib.namespace import FOAF

from ld import uris
from tests.conftest_web import Site, start_site

ODD_ID = "evil\r\nSet-Cookie: pwn=1"


@pytest.fixture(scope="module")
def odd_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    root = tmp_path_factory.mktemp("secweb12-ids")
    path = root / "odd.json"
    doc = {"id": ODD_ID, "title": "A record whose id has a line break", "format": ["Book"]}
    path.write_text(json.dumps({"response": {"docs": [doc]}}), encoding="utf-8")
    site, server = start_site(root, [], [str(path)])
    yield site
    server.shutdown()


def test_the_thing_uri_of_an_id_with_a_line_break_dereferences(odd_site: Site) -> None:
    base = odd_site.settings.base_uri
    thing = URIRef(uris.thing_uri(base, "record", ODD_ID))
    seen = requests.get(str(thing), allow_redirects=False, timeout=30)
    assert seen.status_code == 303, seen.text
    doc = requests.get(odd_site.url + seen.headers["Location"], timeout=30,
                       headers={"Accept": "text/turtle"})
    assert doc.status_code == 200, doc.text
    graph = Graph().parse(data=doc.text, format="turtle")
    assert (URIRef(uris.doc_uri(base, "record", ODD_ID)), FOAF.primaryTopic, thing) in graph

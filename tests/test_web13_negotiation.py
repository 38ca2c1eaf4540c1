"""JSON-LD's ``profile`` in Accept (explore12 interop 7): a client asking for the expanded
document form (JSON-LD 1.1 §9, ``profile="http://www.w3.org/ns/json-ld#expanded"``) got
the compacted form, labelled as plain JSON-LD. It now gets expanded JSON-LD (no
``@context``), said so in its Content-Type, with the same triples, from the fast path and
Flask alike; without the profile, or naming the compacted one too, nothing changes.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from rdflib import Graph
from rdflib.compare import isomorphic

from ld.config import load_settings
from ld.model import Agent, Record, Source
from tests.conftest_web import load_records

BASE = "http://example.org/"
EXPANDED = "http://www.w3.org/ns/json-ld#expanded"
COMPACTED = "http://www.w3.org/ns/json-ld#compacted"
ASK_EXPANDED = {"Accept": f'application/ld+json; profile="{EXPANDED}"'}
RECORD = Record(id="r1", source=Source("t.json", "record 1", "test"), formats=["Book"],
                title="Expanded", creators=[Agent("Writer, Wendy"), Agent("Other, Otto")],
                issued="2020")


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    from ld.web import create_app

    settings = load_settings(env={}, store=str(tmp_path_factory.mktemp("web13n") / "store"),
                             base_uri=BASE)
    load_records(settings, [RECORD])
    yield create_app(settings).test_client()


def _compacted_graph(client: Any, path: str) -> Graph:
    context = client.get("/context.jsonld").get_data(as_text=True)
    body = client.get(path, headers={"Accept": "application/ld+json"}).get_data(as_text=True)
    return Graph().parse(data=body.replace(f'"{BASE}context.jsonld"', context),
                         format="json-ld")


@pytest.mark.parametrize("path", ["/doc/record/r1", "/doc/record/r1?page=1",
                                  "/doc/person/writer-wendy"])
def test_the_expanded_profile_gets_expanded_json_ld_of_the_same_triples(client: Any,
                                                                        path: str) -> None:
    """``/doc/record/r1`` is answered by the fast path, with ``?page=1`` by Flask."""
    response = client.get(path, headers=ASK_EXPANDED)
    assert response.status_code == 200
    assert response.headers["Content-Type"].endswith(f'; profile="{EXPANDED}"')
    assert "Content-Location" not in response.headers  # no URL gives this form
    body = json.loads(response.get_data())
    assert isinstance(body, list) and "@context" not in response.get_data(as_text=True)
    expanded = Graph().parse(data=response.get_data(as_text=True), format="json-ld")
    assert len(expanded) > 5 and isomorphic(expanded, _compacted_graph(client, path))


def test_fast_path_and_flask_give_the_same_bytes(client: Any) -> None:
    fast = client.get("/doc/record/r1", headers=ASK_EXPANDED)
    flask = client.get("/doc/record/r1?page=1", headers=ASK_EXPANDED)
    assert fast.get_data() == flask.get_data() and fast.headers["ETag"] == flask.headers["ETag"]


@pytest.mark.parametrize("accept", [
    "application/ld+json", f'application/ld+json; profile="{COMPACTED}"',
    f'application/ld+json; profile="{EXPANDED} {COMPACTED}"',
    'application/ld+json; profile="http://www.w3.org/ns/json-ld#flattened"'])
def test_other_profiles_get_the_compacted_form(client: Any, accept: str) -> None:
    response = client.get("/doc/record/r1", headers={"Accept": accept})
    assert response.headers["Content-Type"] == "application/ld+json; charset=utf-8"
    assert json.loads(response.get_data())["@context"] == f"{BASE}context.jsonld"

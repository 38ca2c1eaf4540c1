"""Documents about things describe themselves, page in Hydra, and link to their
description (exploratory test "interop", session 12, defects 1, 3 and 4).

1. A document about a person, organisation, journal, subject or collection said
   nothing about itself (no foaf:primaryTopic, no void:inDataset, no licence):
   only record documents did, so a crawler that dereferenced ``/id/person/x``
   found no way to the dataset, its licence or its SPARQL endpoint.
3. Page 1 of a thing's 120 records looked complete in the RDF: paging was only
   in Link headers, which Comunica does not read (it saw 50 records of 159).
4. No ``rel="describedby"``: neither on the 303 from ``/id/...`` nor from a
   document to the dataset's VoID.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests
from rdflib import RDF, Graph, Literal, Namespace, URIRef
from rdflib.namespace import FOAF, VOID

from ld import jsonld
from ld.config import load_settings
from tests.conftest_web import load_records
from tests.web_records import MANY, generated_records

BASE = "http://example.org/"
LICENSE = "https://creativecommons.org/licenses/by/4.0/"
HYDRA = Namespace("http://www.w3.org/ns/hydra/core#")
DCTERMS = Namespace("http://purl.org/dc/terms/")
THINGS = ["person/smith-ann", "organization/nordic-library-data-council",
          "journal/0028-0836", "subject/mesh-tea", "collection/handbook-of-tea"]
FORMATS = {"ttl": "turtle", "nt": "nt", "rdf": "xml", "jsonld": "json-ld"}
PAT = "person/prolific-pat"  # MANY (120) records: 3 pages of 50


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[object]:
    """The app over a store of the generated records, through Flask's test client."""
    from ld.web import create_app

    root: Path = tmp_path_factory.mktemp("interop12")
    settings = load_settings(env={}, store=str(root / "store"), base_uri=BASE,
                             license=LICENSE)
    load_records(settings, generated_records())
    yield create_app(settings).test_client()


def graph_of(client: object, path: str, fmt: str) -> Graph:
    """The served document as a graph (JSON-LD with our context inline: no network)."""
    response = client.get(path)  # type: ignore[attr-defined]
    assert response.status_code == 200, (path, response.status_code, response.text[:300])
    if fmt != "jsonld":
        return Graph().parse(data=response.data, format=FORMATS[fmt])
    data = json.loads(response.data)
    data["@context"] = jsonld.context()["@context"]
    return Graph().parse(data=json.dumps(data), format="json-ld")


@pytest.mark.parametrize("fmt", list(FORMATS))
@pytest.mark.parametrize("thing", THINGS)
def test_a_things_document_describes_itself(client: object, thing: str, fmt: str) -> None:
    g = graph_of(client, f"/doc/{thing}.{fmt}", fmt)
    doc, topic = URIRef(f"{BASE}doc/{thing}"), URIRef(f"{BASE}id/{thing}")
    assert (topic, None, None) in g, "the thing's own statements are still there"
    expected = {(RDF.type, FOAF.Document), (FOAF.primaryTopic, topic),
                (VOID.inDataset, URIRef(f"{BASE}dataset")),
                (DCTERMS.license, URIRef(LICENSE))}
    assert set(g.predicate_objects(doc)) >= expected


def test_the_page_does_not_show_the_documents_statements_as_the_things(client) -> None:
    page = client.get("/doc/person/smith-ann.html").text
    assert "Primary topic" not in page and "In dataset" not in page


@pytest.mark.parametrize("fmt", ["ttl", "jsonld"])
@pytest.mark.parametrize(("page", "links"), [
    (1, {"first": "", "next": "?page=2", "last": "?page=3"}),
    (2, {"first": "", "previous": "", "next": "?page=3", "last": "?page=3"}),
    (3, {"first": "", "previous": "?page=2", "last": "?page=3"}),
])
def test_a_paged_record_list_says_so_in_hydra(client: object, page: int,
                                               links: dict[str, str], fmt: str) -> None:
    query = f"?page={page}" if page > 1 else ""
    g = graph_of(client, f"/doc/{PAT}.{fmt}{query}", fmt)
    doc = f"{BASE}doc/{PAT}"
    view = URIRef(doc + query)
    expected = {(URIRef(doc), RDF.type, HYDRA.Collection),
                (URIRef(doc), HYDRA.totalItems, Literal(MANY)),
                (URIRef(doc), HYDRA.view, view), (view, RDF.type, HYDRA.PartialCollectionView),
                (view, HYDRA.itemsPerPage, Literal(50))}
    expected |= {(view, HYDRA[rel], URIRef(doc + q)) for rel, q in links.items()}
    hydra = {t for t in g if str(t[1]).startswith(str(HYDRA)) or t[2] in
             (HYDRA.Collection, HYDRA.PartialCollectionView)}
    assert hydra == expected


def test_a_list_of_one_page_has_no_paging(client: object) -> None:
    g = graph_of(client, "/doc/person/smith-ann.ttl", "ttl")
    assert not [t for t in g if str(t[1]).startswith(str(HYDRA))]


def link_rels(response: object) -> dict[str, str]:
    links = requests.utils.parse_header_links(", ".join(
        response.headers.getlist("Link")))  # type: ignore[attr-defined]
    return {link["rel"]: link["url"] for link in links if link["rel"] != "alternate"}


@pytest.mark.parametrize("thing", ["record/test-article", *THINGS])
def test_the_303_and_the_document_link_to_their_descriptions(client, thing: str) -> None:
    see_other = client.get(f"/id/{thing}", headers={"Accept": "text/turtle"})
    assert see_other.status_code == 303
    assert link_rels(see_other)["describedby"] == f"{BASE}doc/{thing}"
    for accept in ("text/turtle", "text/html"):
        document = client.get(f"/doc/{thing}", headers={"Accept": accept})
        assert document.status_code == 200
        assert link_rels(document)["describedby"] == f"{BASE}dataset"

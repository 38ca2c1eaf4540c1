"""Review 12 M2: one DOI rule in every reader: a DOI in resolver form is percent-decoded,
whether a MARC 024 or an 856 gives it, or a VuFind field or link."""

from __future__ import annotations

import io
import json

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import OWL

from ld.mapping import map_record
from ld.namespaces import BIBO
from ld.readers import vufind_json
from tests.test_crosswalk12_marc import BASE, REC, WHEN, _field, _marc

ENCODED = "https://doi.org/10.1234/abc%2F12"
DOI = "10.1234/abc/12"


def _dois(graph: Graph, record: URIRef) -> set:
    return {*graph.objects(record, BIBO.doi), *graph.objects(record, OWL.sameAs)}


def test_a_marc_024_and_856_giving_one_encoded_doi_give_one_doi() -> None:
    graph = _marc([_field("024", "7 ", "a", ENCODED, "2", "doi"),
                   _field("856", "40", "u", ENCODED)])
    assert _dois(graph, REC) == {Literal(DOI), URIRef(f"https://doi.org/{DOI}")}


def test_vufind_takes_a_resolver_doi_decoded_and_a_bare_doi_as_written() -> None:
    docs = [{"id": "v1", "title": "A", "doi_str_mv": [ENCODED], "url": [ENCODED]},
            {"id": "v2", "title": "B", "doi_str_mv": ["10.1234/x%2Fy"]}]
    one, two = (map_record(r, BASE, modified=WHEN) for r in vufind_json.read(
        io.BytesIO(json.dumps({"response": {"docs": docs}}).encode()), "v.json"))
    assert _dois(one, URIRef(f"{BASE}id/record/v1")) == {
        Literal(DOI), URIRef(f"https://doi.org/{DOI}")}
    assert set(two.objects(URIRef(f"{BASE}id/record/v2"), BIBO.doi)) == {
        Literal("10.1234/x%2Fy")}

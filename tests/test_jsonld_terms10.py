"""JSON-LD short names for the terms this round's mapping added (eISSN, a heading's
dates, a name in the original script): without them a document spelled them
``bibo:eissn``, ``ldpub:dates`` and ``skos:altLabel`` beside short ``issn``, ``name``."""

from __future__ import annotations

import json

import pyoxigraph as ox

from ld.jsonld import context, document
from ld.labels import expand


def test_the_context_names_eissn_dates_and_other_names() -> None:
    ctx = context()["@context"]
    assert (ctx["eissn"], ctx["dates"], ctx["altLabel"]) == (
        "bibo:eissn", "ldpub:dates", "skos:altLabel")


def test_a_document_uses_the_short_names() -> None:
    person, journal = ox.NamedNode("http://x.org/id/person/p"), ox.NamedNode("http://x.org/j")
    triples = [ox.Triple(person, ox.NamedNode(expand("ldpub:dates")), ox.Literal("1950-")),
               ox.Triple(person, ox.NamedNode(expand("skos:altLabel")), ox.Literal("影山")),
               ox.Triple(journal, ox.NamedNode(expand("bibo:eissn")), ox.Literal("1091-6490"))]
    nodes = json.loads(document(triples, "http://x.org/context.jsonld"))["@graph"]
    by_id = {node["@id"]: node for node in nodes}
    assert by_id["http://x.org/id/person/p"]["dates"] == "1950-"
    assert by_id["http://x.org/id/person/p"]["altLabel"] == "影山"
    assert by_id["http://x.org/j"]["eissn"] == "1091-6490"

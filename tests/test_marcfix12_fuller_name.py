"""Review 12 H2: the fuller form of a name ($q) keys the person, as in URI rules version 1,
but is no part of the given name that pages and citations print."""

from __future__ import annotations

from rdflib import Literal, URIRef
from rdflib.namespace import FOAF, RDF

from tests.test_crosswalk12_marc import BASE, _field, _marc


def test_undated_namesakes_told_apart_by_q_keep_their_version_1_keys() -> None:
    graph = _marc([_field("100", "1 ", "a", "Smith, J.", "q", "(John)"),
                   _field("700", "1 ", "a", "Smith, J.", "q", "(James)"),
                   _field("700", "1 ", "a", "Tarbell, H. S.", "q", "(Horace Sumner)")])
    people = {str(p)[len(BASE):] for p in graph.subjects(RDF.type, FOAF.Person)}
    assert people == {"id/person/smith-j-john", "id/person/smith-j-james",
                      "id/person/tarbell-h-s-horace-sumner"}
    tarbell = URIRef(f"{BASE}id/person/tarbell-h-s-horace-sumner")
    assert set(graph.objects(tarbell, FOAF.givenName)) == {Literal("H. S.")}

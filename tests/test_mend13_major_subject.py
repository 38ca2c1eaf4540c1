"""L1: ``ldpub:majorSubject`` is narrower than PubMed's ``[majr]``, and the vocabulary says so.

The vocabulary called it "what PubMed's [majr] search finds", but ``Humans[majr]`` also
finds a record where only the pair "Humans/*analysis" is starred, and such a record is
``ldpub:majorSubject`` of the pair alone. The comment now says so and gives the query
that finds what [majr] finds (a major subject or its ``skos:broader``), checked here.
"""

from __future__ import annotations

from pathlib import Path

from rdflib import Graph, URIRef
from rdflib.namespace import RDFS

from ld.namespaces import LDPUB
from tests.test_pubmed13_pubmed import _MESH, BASE, S, _pubmed

VOCAB = Path(__file__).resolve().parent.parent / "vocab" / "ldpub.ttl"
MAJR = "SELECT ?r WHERE { ?r ldpub:majorSubject/skos:broader? ?s }"


def test_a_major_subject_or_its_broader_finds_what_majr_finds(tmp_path: Path) -> None:
    graph = _pubmed(tmp_path, citation=_MESH)
    humans = URIRef(f"{BASE}id/subject/mesh-humans")
    assert (S, LDPUB.majorSubject, humans) not in graph  # only "Humans/*analysis" is major
    found = {row[0] for row in graph.query(
        MAJR, initNs={"ldpub": LDPUB, "skos": "http://www.w3.org/2004/02/skos/core#"},
        initBindings={"s": humans})}
    assert found == {S}


def test_the_vocabulary_says_it_is_narrower_than_majr() -> None:
    [comment] = Graph().parse(VOCAB).objects(LDPUB.majorSubject, RDFS.comment)
    assert "Narrower than PubMed's [majr]" in comment and "skos:broader" in comment

"""ld.nquads: what the workers write must parse back, term for term, with pyoxigraph.

The reference is pyoxigraph's own parser (the one the store uses) and, for
the mapped records, rdflib's independent N-Quads parser compared by
isomorphism.
"""

from __future__ import annotations

import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import BNode, Dataset, Graph, Literal, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import XSD

from ld.mapping import map_record, map_triples
from ld.model import Record
from ld.nquads import serialize
from ld.readers import read_path
from ld.store.convert import graph_quads
from ld.uris import record_graph

ROOT = Path(__file__).resolve().parent.parent
G = "http://localhost:5000/doc/record/x"
S, P = URIRef("http://example.org/s"), URIRef("http://example.org/p")
ODD = ['plain', 'with "quotes"', "back\\slash", "line\nfeed", "carriage\rreturn",
       "tab\there", "ünïcödé ✓ 𝄞", "trailing backslash \\", '\\"mixed\\"\n', "", " "]


@pytest.mark.parametrize("obj", [
    *(Literal(text) for text in ODD),
    Literal("chat", lang="fr"), Literal("colour", lang="en-GB"),
    Literal("2019", datatype=XSD.gYear), Literal("x", datatype=XSD.string),
    Literal(datetime(2026, 11, 26, 13, 0, tzinfo=UTC)),
    Literal('a "typed" \\ value', datatype=URIRef("http://example.org/dt")),
    URIRef("http://example.org/o?q=1&r=%20#frag"), BNode(), BNode("odd label:with/chars"),
])
def test_terms_parse_back_exactly(obj) -> None:
    triples = [(S, P, obj), (BNode("b1"), P, obj)]
    parsed = list(ox.parse(serialize(triples, G), ox.RdfFormat.N_QUADS))
    graph = Graph()
    for triple in triples:
        graph.add(triple)
    if isinstance(obj, BNode) and str(obj) != "b1":
        assert isomorphic(_rdflib(serialize(triples, G)), graph)
    else:
        assert set(parsed) == set(graph_quads(graph, G))


def test_blank_nodes_of_two_records_stay_apart(tmp_path: Path) -> None:
    """Two records with an author list each: their list cells never merge."""
    subprocess.run([sys.executable, str(ROOT / "bench" / "generate.py"), "40", "-o",
                    str(tmp_path / "g.jsonl")], check=True)
    records = [r for r in read_path(str(tmp_path / "g.jsonl")) if isinstance(r, Record)]
    base, now = "http://localhost:5000/", datetime(2026, 1, 1, tzinfo=UTC)
    data = b"".join(serialize(map_triples(r, base, modified=now), record_graph(base, r.id))
                    for r in records)
    dataset = Dataset()
    dataset.parse(data=data, format="nquads")
    quads = list(ox.parse(data, ox.RdfFormat.N_QUADS))
    blanks = {}
    for q in quads:
        for term in (q.subject, q.object):
            if isinstance(term, ox.BlankNode):
                blanks.setdefault(term.value, set()).add(q.graph_name.value)
    assert blanks and all(len(graphs) == 1 for graphs in blanks.values())
    for record in records:
        iri = record_graph(base, record.id)
        assert isomorphic(dataset.graph(URIRef(iri)), map_record(record, base, modified=now))


def _rdflib(data: bytes) -> Graph:
    dataset = Dataset()
    dataset.parse(data=data, format="nquads")
    return Graph() + dataset.graph(URIRef(G))

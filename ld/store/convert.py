"""rdflib <-> pyoxigraph terms, converted directly (no text round trip).

Why not serialise with rdflib and parse with pyoxigraph: rdflib's N-Triples
writer is the slowest step of that path (see docs/benchmarks.md, "Store").
Building pyoxigraph terms from rdflib terms costs a constructor call per term;
IRIs repeat a lot (predicates, classes, datatypes, shared people and
journals), so a bounded cache of NamedNodes saves most of those calls.
"""

from __future__ import annotations

from collections.abc import Iterable

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.term import Node

from ld.errors import BadRequest, Location, RecordError, StoreError
from ld.store.base import RecordGraph

_XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
_CACHE_MAX = 50_000
_named: dict[str, ox.NamedNode] = {}


def named(iri: str) -> ox.NamedNode:
    """A NamedNode for ``iri``, cached because the same IRIs come back all the time."""
    node = _named.get(iri)
    if node is None:
        if len(_named) >= _CACHE_MAX:
            _named.clear()
        node = _named[iri] = ox.NamedNode(iri)
    return node


def to_ox(term: Node) -> ox.NamedNode | ox.BlankNode | ox.Literal:
    """One rdflib term as a pyoxigraph term."""
    if isinstance(term, URIRef):
        return named(str(term))
    if isinstance(term, Literal):
        if term.language:
            return ox.Literal(str(term), language=term.language)
        if term.datatype is not None and str(term.datatype) != _XSD_STRING:
            return ox.Literal(str(term), datatype=named(str(term.datatype)))
        return ox.Literal(str(term))
    if isinstance(term, BNode):
        return ox.BlankNode(str(term))
    raise StoreError(f"cannot store RDF term {term!r} of type {type(term).__name__}")


def graph_quads(graph: Graph, graph_iri: str, record_id: str | None = None) -> list[ox.Quad]:
    """The triples of ``graph`` as quads in the named graph ``graph_iri``.

    Raises RecordError (naming the record) for a term RDF does not allow,
    such as an IRI with a space, before anything is written.
    """
    try:
        g = named(graph_iri)
        return [ox.Quad(to_ox(s), to_ox(p), to_ox(o), g) for s, p, o in graph]
    except ValueError as exc:
        bad = next((t for t in graph if not _valid(t)), None)
        raise RecordError(f"cannot store the record's RDF: {exc} in {bad}",
                          Location(record_id=record_id),
                          hint="the mapping produced an invalid IRI or literal") from exc


def record_quads(record: RecordGraph) -> list[ox.Quad]:
    """The quads a RecordGraph stands for: its N-Quads parsed (in Rust), or its graph.

    The N-Quads must put every quad in the record's own graph: a record
    never writes into another record's graph. Raises RecordError naming the
    record for text that does not parse (an IRI with a space, say).
    """
    if record.nquads is None:
        if record.graph is None:
            raise StoreError(f"record {record.record_id} has neither a graph nor N-Quads")
        return graph_quads(record.graph, record.graph_iri, record.record_id)
    try:
        quads = list(ox.parse(record.nquads, ox.RdfFormat.N_QUADS))
    except SyntaxError as exc:
        raise RecordError(f"cannot store the record's RDF: {exc}",
                          Location(record_id=record.record_id),
                          hint="the mapping produced an invalid IRI or literal") from exc
    own = named(record.graph_iri)
    if any(q.graph_name != own for q in quads):
        raise RecordError(f"the record's N-Quads write outside its graph <{record.graph_iri}>",
                          Location(record_id=record.record_id),
                          hint="this is a bug in ldpub's pipeline; please report it")
    return quads


def _valid(triple: tuple[Node, Node, Node]) -> bool:
    try:
        for term in triple:
            to_ox(term)
        return True
    except ValueError:
        return False


def from_ox(term: ox.NamedNode | ox.BlankNode | ox.Literal) -> Node:
    """One pyoxigraph term as an rdflib term."""
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    if isinstance(term, ox.Literal):
        if term.language:
            return Literal(term.value, lang=term.language)
        datatype = term.datatype.value
        if datatype == _XSD_STRING:
            return Literal(term.value)
        return Literal(term.value, datatype=URIRef(datatype))
    raise StoreError(f"unsupported term from the store: {term!r} (RDF-star is not used)")


def triples_to_graph(triples: Iterable[ox.Triple | ox.Quad]) -> Graph:
    """An rdflib Graph of pyoxigraph triples (or quads, graph name dropped)."""
    graph = Graph()
    for t in triples:
        graph.add((from_ox(t.subject), from_ox(t.predicate), from_ox(t.object)))
    return graph


def select_rows(answer: object) -> list[dict[str, Node]]:
    """A SELECT answer as rows of rdflib terms (unbound variables left out)."""
    from ld.store.results import solution_rows

    if not isinstance(answer, ox.QuerySolutions):
        raise BadRequest("select() needs a SELECT query")
    names, rows = solution_rows(answer)
    return [{n: from_ox(v) for n, v in zip(names, row, strict=True) if v is not None}
            for row in rows]


def ask_answer(answer: object) -> bool:
    """An ASK answer as a bool."""
    if not isinstance(answer, ox.QueryBoolean):
        raise BadRequest("ask() needs an ASK query")
    return bool(answer)

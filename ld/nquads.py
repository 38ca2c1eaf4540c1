"""A minimal N-Quads writer for rdflib terms: how workers hand records to the store.

Why not pickled rdflib graphs: unpickling them cost the loading process about
1.1 ms per record, more than mapping them in the workers (docs/benchmarks.md,
"Ingest"). N-Quads bytes cross the process boundary for free, the embedded
store's journal entry is those bytes as they are, and pyoxigraph parses them
in Rust. Why not rdflib's serialiser: it is several times slower than this
(it re-derives every term's N3 form through generic code paths).

The output follows the N-Quads grammar (https://www.w3.org/TR/n-quads/):
literals escape ``\\``, ``"``, line feed and carriage return (everything else
may stay as UTF-8); IRIs are written as they are (the mapping already
percent-encodes what IRIs may not hold; each distinct IRI and language tag
is checked once with pyoxigraph, the store's own parser, so that a term the
store would refuse fails here, in the worker, for this record only); blank
nodes keep rdflib's labels, which are ``N`` plus a random uuid4, so two
records never share a blank node. A blank node label
with characters N-Quads does not allow is hex-encoded.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

import pyoxigraph as ox
from rdflib import BNode, Literal, URIRef
from rdflib.term import Node

_XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
_ESCAPES = str.maketrans({"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r"})
_LABEL = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_.-]*(?<!\.)")
_CACHE_MAX = 100_000
_iris: dict[str, str] = {}
_languages: set[str] = set()


def term(node: Node) -> str:
    """One rdflib term in N-Quads syntax; ValueError for one RDF does not allow."""
    if isinstance(node, URIRef):  # the common case first: most terms are IRIs
        # keyed by the IRI as a plain str: looking a URIRef up in a dict whose equal key
        # is another object calls rdflib's __eq__ (Python) for every hit, ~2x slower
        iri = str(node)
        text = _iris.get(iri)
        if text is None:
            text = _checked_iri(iri)
        return text
    if isinstance(node, Literal):
        return literal(node)
    if isinstance(node, BNode):
        return blank(node)
    raise ValueError(f"cannot write RDF term {node!r} ({type(node).__name__}) as N-Quads")


def _checked_iri(iri: str) -> str:
    """``<iri>`` once pyoxigraph accepts the IRI (checked once per distinct IRI).

    Checking here, in the worker, is what lets the store bulk-load the bytes
    without parsing them first: a record with an IRI the store would refuse
    is rejected (named) before it ever reaches the store.
    """
    try:
        ox.NamedNode(iri)
    except ValueError as exc:
        raise ValueError(f"invalid IRI <{iri}>: {exc}") from None
    if len(_iris) >= _CACHE_MAX:
        _iris.clear()
    text = _iris[iri] = f"<{iri}>"
    return text


def literal(node: Literal) -> str:
    lexical = str(node)
    # most texts need no escape: four scans for the characters cost far less than
    # str.translate, which looks every character up in the table (~0.6 us a literal)
    if "\\" in lexical or '"' in lexical or "\n" in lexical or "\r" in lexical:
        lexical = lexical.translate(_ESCAPES)
    if node.language:
        language = node.language
        if language not in _languages:
            try:
                ox.Literal("", language=language)
            except ValueError as exc:
                raise ValueError(f"invalid language tag {language!r}: {exc}") from None
            _languages.add(language)
        return f'"{lexical}"@{language}'
    datatype = node.datatype
    if datatype is not None and str(datatype) != _XSD_STRING:
        return f'"{lexical}"^^{term(datatype)}'
    return f'"{lexical}"'


def blank(node: BNode) -> str:
    label = str(node)
    return f"_:{label}" if _LABEL.fullmatch(label) else f"_:x{label.encode().hex()}"


def serialize(triples: Iterable[tuple[Node, Node, Node]], graph_iri: str) -> bytes:
    """The triples as N-Quads lines in the named graph ``graph_iri``.

    Raises ValueError, saying which term, for an IRI, language tag or text
    (a lone surrogate) that N-Quads cannot carry.
    """
    tail = f" {term(URIRef(graph_iri))} .\n"
    text = "".join([f"{term(s)} {term(p)} {term(o)}{tail}" for s, p, o in triples])
    try:
        return text.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise ValueError(f"text that is not valid Unicode: {exc}") from None

"""One record graph indexed for SHACL lookups, and SHACL property paths compiled
to functions over it (the data side of :mod:`ld.shacl_fast`).

rdflib answers every ``graph.objects(s, p)`` through its generic triple
pattern machinery; a record graph has only some 40-70 triples, so reading
them once into plain dicts and answering every lookup from those is what
makes the compiled engine fast. Paths follow pySHACL's
``value_nodes_from_path`` (the reference), including its reading of
``sh:zeroOrMorePath`` (the focus node itself is always a value).
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable

from rdflib import RDF, RDFS, Graph, URIRef
from rdflib.namespace import SH
from rdflib.term import BNode, Node

from ld.errors import LdpubError

EMPTY: dict = {}
TYPE, SUBCLASS = RDF.type, RDFS.subClassOf  # rdflib namespace lookups cost a call each


def key(node: Node) -> Node | str:
    """What :class:`Data` files a predicate under: an IRI as a plain ``str``, any other
    node as itself.

    A dict lookup that meets an equal URIRef which is another object (the record's
    terms are the mapping's, the shapes' are their own) calls rdflib's ``__eq__``, a
    Python function, ~0.3 us each and some 60 times a record; two plain strs compare
    in C. It matches exactly what URIRef equality matches: a plain str never equals a
    node of another kind, and a URIRef subclass, which is not equal to a URIRef, keeps
    its own key.
    """
    return str(node) if type(node) is URIRef else node


def same_as(wanted: Node) -> Callable[[Node], bool]:
    """``lambda node: node == wanted``, for a ``wanted`` known in advance (a shape's
    class or datatype): for an IRI without rdflib's Python ``__eq__`` (see :func:`key`)."""
    if type(wanted) is not URIRef:
        return lambda node: node == wanted
    return lambda node: type(node) is URIRef and str.__eq__(node, wanted)


TYPE_KEY, SUBCLASS_KEY = key(TYPE), key(SUBCLASS)


class UnsupportedShapes(LdpubError, ValueError):
    """The shapes use SHACL the compiled engine does not implement.

    Raised while compiling, never while validating: the fast engine either
    checks every constraint exactly or refuses to start (the CLI prints the
    message and exits 2).
    """


class Data:
    """One data graph, indexed once: subject -> predicate -> objects, and by predicate
    (predicates filed under :func:`key`)."""

    __slots__ = ("_inverse", "_supers", "_typed", "by_pred", "out")

    def __init__(self, graph: Graph) -> None:
        out: dict[Node, dict[Node, list[Node]]] = {}
        by_pred: dict[Node, list[tuple[Node, Node]]] = {}
        for s, p, o in graph:  # ~70 triples a record: every lookup saved counts
            p = str(p) if type(p) is URIRef else p  # key(p), inline
            props = out.get(s)
            if props is None:
                out[s] = {p: [o]}
            elif (values := props.get(p)) is None:
                props[p] = [o]
            else:
                values.append(o)
            pairs = by_pred.get(p)
            if pairs is None:
                by_pred[p] = [(s, o)]
            else:
                pairs.append((s, o))
        self.out, self.by_pred = out, by_pred
        self._inverse: dict[Node, dict[Node, list[Node]]] | None = None
        self._supers: dict[Node, set[Node]] = {}
        self._typed: dict[Node, list[Node]] | None = None

    def objects(self, s: Node, p: Node) -> Collection[Node]:
        """Distinct objects (a graph holds each triple once)."""
        return self.out.get(s, EMPTY).get(key(p), ())

    def subjects(self, p: Node, o: Node) -> Collection[Node]:
        if self._inverse is None:
            inverse: dict[Node, dict[Node, list[Node]]] = {}
            for pred, pairs in self.by_pred.items():
                for s, obj in pairs:
                    inverse.setdefault(obj, {}).setdefault(pred, []).append(s)
            self._inverse = inverse
        return self._inverse.get(o, EMPTY).get(key(p), ())

    def superclasses(self, cls: Node) -> set[Node]:
        """``cls`` and everything it is rdfs:subClassOf, transitively, in this graph."""
        found = self._supers.get(cls)
        if found is None:
            found = _closure(cls, lambda c: self.out.get(c, EMPTY).get(SUBCLASS_KEY, ()))
            self._supers[cls] = found
        return found

    def is_instance(self, node: Node, cls: Node, is_cls: Callable[[Node], bool]) -> bool:
        """SHACL's "SHACL instance": rdf:type/rdfs:subClassOf* ``cls`` (``is_cls``:
        :func:`same_as` ``cls``, made once by the caller)."""
        return any(is_cls(t) or cls in self.superclasses(t)
                   for t in self.out.get(node, EMPTY).get(TYPE_KEY, ()))

    def instances(self, cls: Node) -> Collection[Node]:
        if SUBCLASS_KEY in self.by_pred:
            subclasses = _closure(cls, lambda c: self.subjects(SUBCLASS, c))
            return {s for s, o in self.by_pred.get(TYPE_KEY, ()) if o in subclasses}
        if self._typed is None:
            typed: dict[Node, list[Node]] = {}
            for s, o in self.by_pred.get(TYPE_KEY, ()):
                typed.setdefault(o, []).append(s)
            self._typed = typed
        return self._typed.get(cls, ())


def _closure(start: Node, step: Callable[[Node], Iterable[Node]]) -> set[Node]:
    seen, todo = {start}, [start]
    while todo:
        for nxt in step(todo.pop()):
            if nxt not in seen:
                seen.add(nxt)
                todo.append(nxt)
    return seen


PathFn = Callable[[Data, Node], Collection[Node]]


def compile_path(sg: Graph, path: Node) -> PathFn:
    """A function giving the distinct value nodes of ``path`` from a focus node."""
    if isinstance(path, URIRef):
        step = key(path)
        return lambda data, focus: data.out.get(focus, EMPTY).get(step, ())
    if not isinstance(path, BNode):
        raise UnsupportedShapes(f"a SHACL path must be an IRI or a blank node, not {path!r}")
    kinds = {p for p in sg.predicates(path) if p != RDF.rest}
    if len(kinds) != 1:
        raise UnsupportedShapes(f"unreadable SHACL path {path} (properties: {sorted(kinds)})")
    (kind,) = kinds
    if kind == RDF.first:
        return _sequence([compile_path(sg, p) for p in sg.items(path)], path)
    inner = sg.value(path, kind)
    if kind == SH.alternativePath:
        return _alternative([compile_path(sg, p) for p in sg.items(inner)], path)
    if kind == SH.inversePath and isinstance(inner, URIRef):
        return lambda data, focus: data.subjects(inner, focus)
    if kind in _REPEATS:
        return _repeat(compile_path(sg, inner), *_REPEATS[kind])
    raise UnsupportedShapes(f"SHACL path {kind} of {inner!r} is not supported by the fast "
                            "engine (only inverses of IRIs); use the pyshacl engine")


_REPEATS = {SH.zeroOrMorePath: (True, True), SH.oneOrMorePath: (False, True),
            SH.zeroOrOnePath: (True, False)}


def _sequence(parts: list[PathFn], node: Node) -> PathFn:
    if len(parts) < 2:
        raise UnsupportedShapes(f"a sequence path needs two or more steps: {node}")

    def values(data: Data, focus: Node) -> set[Node]:
        current: set[Node] = {focus}
        for part in parts:
            current = {v for c in current for v in part(data, c)}
        return current
    return values


def _alternative(parts: list[PathFn], node: Node) -> PathFn:
    if len(parts) < 2:
        raise UnsupportedShapes(f"an alternative path needs two or more members: {node}")
    return lambda data, focus: {v for part in parts for v in part(data, focus)}


def _repeat(step: PathFn, zero: bool, many: bool) -> PathFn:
    def values(data: Data, focus: Node) -> set[Node]:
        found = set(step(data, focus))
        if many:
            found = {n for start in found for n in _closure(start, lambda n: step(data, n))}
        if zero:
            found.add(focus)
        return found
    return values

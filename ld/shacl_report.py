"""Validation results as people and programs see them, whichever engine made them.

Both engines (pySHACL in :mod:`ld.validation`, the compiled one in
:mod:`ld.shacl_fast`) produce these same :class:`Result` objects, and a report
is built from them in one place (:func:`finish_report`), so the engines can
only differ in which results they find, which the differential test
(tests/test_validation_fast.py) checks.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, Literal

from rdflib import RDF, BNode, Graph, URIRef
from rdflib import Literal as RdfLiteral
from rdflib.namespace import SH
from rdflib.term import Node

from ld.namespaces import LDPUB, PREFIXES

Severity = Literal["Violation", "Warning", "Info"]
ALIAS = "urn:ldpub:batch:"  # prefix of the pySHACL engine's per-record aliases


@dataclass
class Result:
    """One SHACL result, in terms a person (and the rejects report) can use."""

    severity: Severity
    focus: str
    path: str | None
    value: str | None
    message: str
    shape: str | None
    # focus (as in the batch's data graph), path and value as RDF terms, and the
    # triples describing a complex path: what report_graph() writes out
    nodes: tuple[Node, Node | None, Node | None] | None = field(
        default=None, repr=False, compare=False)
    path_triples: tuple[tuple[Node, Node, Node], ...] = field(
        default=(), repr=False, compare=False)
    # the sh:sourceConstraintComponent (sh:MinCountConstraintComponent, ...) SHACL requires
    # of every result in a report
    component: Node | None = field(default=None, repr=False, compare=False)

    def to_json(self) -> dict[str, Any]:
        return {"severity": self.severity, "focus": self.focus, "path": self.path,
                "value": self.value, "message": self.message, "shape": self.shape}


@dataclass
class RecordReport:
    """Every result about one record; it conforms iff there is no Violation.

    That is ldpub's sense (the record is published, warnings and all), what the human and
    JSON reports say; SHACL's sh:conforms is stricter (:func:`report_graph`)."""

    record_id: str
    conforms: bool
    results: list[Result] = field(default_factory=list)

    @property
    def violations(self) -> list[Result]:
        return [r for r in self.results if r.severity == "Violation"]

    @property
    def warnings(self) -> list[Result]:
        return [r for r in self.results if r.severity == "Warning"]

    def to_json(self) -> dict[str, Any]:
        return {"record_id": self.record_id, "conforms": self.conforms,
                "results": [r.to_json() for r in self.results]}


def finish_report(record_id: str, results: list[Result]) -> RecordReport:
    """Sorted, without repeats: a shape with two constraints (nodeKind and pattern,
    say) that a value breaks both of gives one result with its one message. Its
    constraint component is the first by name of those broken, so that both engines,
    which find them in different orders, report the same one."""
    unique: dict[tuple, Result] = {}
    for r in results:
        key = (r.severity, r.focus, r.path, r.value, r.message, r.shape)
        kept = unique.get(key)
        if kept is None or str(r.component) < str(kept.component):
            unique[key] = r
    ordered = sorted(unique.values(), key=_result_order)
    return RecordReport(record_id, not any(r.severity == "Violation" for r in ordered), ordered)


def described(graph: Graph, node: Node) -> list[tuple[Node, Node, Node]]:
    """The triples about a blank node and the blank nodes it leads to (a SHACL path)."""
    triples, todo, seen = [], [node], set()
    while todo:
        current = todo.pop()
        if current in seen:
            continue
        seen.add(current)
        for triple in graph.triples((current, None, None)):
            triples.append(triple)
            if isinstance(triple[2], BNode):
                todo.append(triple[2])
    return triples


_PATH_MARKS = {SH.zeroOrMorePath: "*", SH.oneOrMorePath: "+", SH.zeroOrOnePath: "?"}


def path_text(graph: Graph, path: Node | None) -> str | None:
    """A complex SHACL path written like a SPARQL property path, for people."""
    if path is None:
        return None
    if isinstance(path, URIRef):
        return str(path)
    if (alt := graph.value(path, SH.alternativePath)) is not None:
        return " | ".join(path_text(graph, p) or "?" for p in graph.items(alt))
    for predicate, mark in _PATH_MARKS.items():
        if (inner := graph.value(path, predicate)) is not None:
            return f"({path_text(graph, inner)}){mark}"
    if (inner := graph.value(path, SH.inversePath)) is not None:
        return f"^{path_text(graph, inner)}"
    if (graph.value(path, RDF.first)) is not None:
        return " / ".join(path_text(graph, p) or "?" for p in graph.items(path))
    return None


def _result_order(result: Result) -> tuple[str, str, str, bool, str, str]:
    """A total order: a missing value (minCount) and an empty one ("") are apart, or two
    such results kept whichever order the engine found them in (the engines differ)."""
    return (result.severity, result.focus, result.path or "", result.value is not None,
            result.value or "", result.message)


# ldpub's own verdict on a whole report, beside SHACL's (vocab/ldpub.ttl): sh:conforms is
# false as soon as there is any result, a warning too (SHACL 3.6.1.1), while ldpub still
# stores a record whose results are only warnings.
PUBLISHABLE = LDPUB.publishable

# (shape IRI or None, message text) -> the sh:message literal the shapes graph gives
Messages = dict[tuple[str | None, str], RdfLiteral]


def report_graph(reports: Iterable[RecordReport], shapes: Graph | None = None) -> Graph:
    """A sh:ValidationReport of the given records, for ``--format ttl``.

    sh:conforms follows SHACL (no result at all); ldpub:publishable says whether ldpub
    would store every record (no sh:Violation). ``shapes``: the shapes graph the results
    came from (default ldpub's own), whose sh:message literals the messages are written
    as, language tag included: the engines keep a message as text only.
    """
    graph = Graph()
    for prefix, ns in PREFIXES.items():
        graph.bind(prefix, ns)
    messages = shape_messages(shapes) if shapes is not None else _default_messages()
    root = BNode()
    graph.add((root, RDF.type, SH.ValidationReport))
    any_result, publishable = False, True
    for report in reports:
        publishable &= report.conforms
        for result in report.results:
            any_result = True
            graph.add((root, SH.result, _result_node(graph, result, messages)))
    graph.add((root, SH.conforms, RdfLiteral(not any_result)))
    graph.add((root, PUBLISHABLE, RdfLiteral(publishable)))
    return graph


def shape_messages(shapes: Graph) -> Messages:
    """Every sh:message of ``shapes``, found by its shape and text, or by its text alone
    when no other message has the same text in another language or datatype."""
    found: Messages = {}
    by_text: dict[str, set[RdfLiteral]] = {}
    for shape, message in shapes.subject_objects(SH.message):
        if isinstance(message, RdfLiteral):
            if isinstance(shape, URIRef):
                found[(str(shape), str(message))] = message
            by_text.setdefault(str(message), set()).add(message)
    found.update(((None, text), next(iter(same))) for text, same in by_text.items()
                 if len(same) == 1)
    return found


@lru_cache(maxsize=1)
def _default_messages() -> Messages:
    """The messages of ldpub's shapes, read once per process."""
    from ld.validation import load_shapes  # ld.validation imports this module

    return shape_messages(load_shapes())


def _message(result: Result, messages: Messages) -> RdfLiteral:
    """The result's message as its shape wrote it; a plain literal for ldpub's own
    messages (unreadable input) and any text no shape gives."""
    return (messages.get((result.shape, result.message))
            or messages.get((None, result.message)) or RdfLiteral(result.message))


def _term(node: Node | None, text: str) -> Node:
    """The node as the data graph has it: an IRI, blank node or literal stays one.

    ``text`` is the node in the record's own terms; for an IRI or a blank node it undoes
    the pySHACL engine's per-record alias (``ALIAS``), which only those can be.
    """
    if isinstance(node, RdfLiteral):
        return node
    if isinstance(node, BNode):
        return BNode(text)
    return URIRef(text)


def _result_node(graph: Graph, result: Result, messages: Messages) -> BNode:
    """One sh:ValidationResult, with the terms of the data and the shapes as they are
    (Jena, reading the same data and shapes, writes the same ones)."""
    node = BNode()
    focus, path, value = result.nodes or (None, None, None)
    graph.add((node, RDF.type, SH.ValidationResult))
    graph.add((node, SH.resultSeverity, SH[result.severity]))
    graph.add((node, SH.focusNode, _term(focus, result.focus)))
    if path is not None:
        graph.add((node, SH.resultPath, path))
        for triple in result.path_triples:
            graph.add(triple)
    if value is not None:
        graph.add((node, SH.value, _term(value, result.value or "")))
    graph.add((node, SH.resultMessage, _message(result, messages)))
    if result.shape:
        graph.add((node, SH.sourceShape, URIRef(result.shape)))
    if result.component is not None:
        graph.add((node, SH.sourceConstraintComponent, result.component))
    return node

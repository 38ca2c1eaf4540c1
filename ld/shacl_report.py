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
from typing import Any, Literal

from rdflib import RDF, BNode, Graph, URIRef
from rdflib import Literal as RdfLiteral
from rdflib.namespace import SH
from rdflib.term import Node

from ld.namespaces import PREFIXES

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
    """Every result about one record; it conforms iff there is no Violation."""

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


def _result_order(result: Result) -> tuple[str, str, str, str, str]:
    return (result.severity, result.focus, result.path or "", result.value or "",
            result.message)


def report_graph(reports: Iterable[RecordReport]) -> Graph:
    """A sh:ValidationReport of the given records, for ``--format ttl``."""
    graph = Graph()
    for prefix, ns in PREFIXES.items():
        graph.bind(prefix, ns)
    root = BNode()
    graph.add((root, RDF.type, SH.ValidationReport))
    conforms = True
    for report in reports:
        conforms &= report.conforms
        for result in report.results:
            graph.add((root, SH.result, _result_node(graph, result)))
    graph.add((root, SH.conforms, RdfLiteral(conforms)))
    return graph


def _result_node(graph: Graph, result: Result) -> BNode:
    node = BNode()
    focus, path, value = result.nodes or (URIRef(result.focus), None, None)
    graph.add((node, RDF.type, SH.ValidationResult))
    graph.add((node, SH.resultSeverity, SH[result.severity]))
    graph.add((node, SH.focusNode, URIRef(result.focus) if not isinstance(focus, BNode)
               else focus))
    if path is not None:
        graph.add((node, SH.resultPath, path))
        for triple in result.path_triples:
            graph.add(triple)
    if value is not None:
        graph.add((node, SH.value, value if not str(value).startswith(ALIAS)
                   else URIRef(result.value or "")))
    graph.add((node, SH.resultMessage, RdfLiteral(result.message)))
    if result.shape:
        graph.add((node, SH.sourceShape, URIRef(result.shape)))
    if result.component is not None:
        graph.add((node, SH.sourceConstraintComponent, result.component))
    return node

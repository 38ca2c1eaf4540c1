"""SHACL validation of mapped records with pySHACL, in batches.

pySHACL pays a fixed cost per run and per shape, so validating 200 records
in one run is much faster than 200 runs. A batch is therefore merged into one
data graph, validated once against every shape, and the results are handed
back to the records they are about.

Records in a batch share nodes (one URI per person across records), so a
merged graph could hide a fault: record A's person without a name would
borrow record B's. To keep a batch exactly as strict as one record at a time,
every subject that more than one record describes is renamed, per record, to
a private alias before merging (``urn:ldpub:batch:{i}:{iri}``) and renamed
back in the results. Each record's nodes are then disjoint from the others'
and every result has exactly one owner.

Shapes are parsed and harvested once per :class:`Validator` (the expensive
part of starting pySHACL) and reused for every batch. Where the time goes
(cProfile, bench/validation.py, docs/benchmarks.md "Validation"): pySHACL
builds a constraint's checker once per run of a shape, so the shapes in
shapes/ are property shapes with their own targets (checked once per batch)
rather than property shapes linked from a node shape (checked once per focus
node); what is left is rdflib's store (merging and lookups).
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from pyshacl import Validator as ShaclRun
from pyshacl.graph_abstraction import DataGraph
from pyshacl.shapes_graph import ShapesGraph
from rdflib import RDF, BNode, Graph, URIRef
from rdflib import Literal as RdfLiteral
from rdflib.namespace import SH
from rdflib.term import Node

from ld.config import data_dir
from ld.namespaces import PREFIXES

Severity = Literal["Violation", "Warning", "Info"]
BATCH_SIZE = 200
_ALIAS = "urn:ldpub:batch:"
_OPTIONS = {  # no inference, no SHACL-AF, no meta-SHACL: plain SHACL Core + SPARQL
    "inference": "none", "advanced": False, "inplace": True, "abort_on_first": False,
    "allow_warnings": True, "allow_infos": True, "iterate_rules": False, "use_js": False,
    "logger": logging.getLogger("ld.validation.pyshacl"),
}


@dataclass
class Result:
    """One SHACL result, in terms a person (and the rejects report) can use."""

    severity: Severity
    focus: str
    path: str | None
    value: str | None
    message: str
    shape: str | None
    nodes: tuple[Node, Node | None, Node | None] | None = field(
        default=None, repr=False, compare=False)  # focus, path, value as RDF terms

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


def load_shapes(shapes_dir: Path | None = None) -> Graph:
    """Every ``*.ttl`` in the shapes directory, as one graph."""
    folder = Path(shapes_dir) if shapes_dir else data_dir("shapes")
    files = sorted(folder.glob("*.ttl"))
    if not files:
        raise FileNotFoundError(f"no SHACL shapes (*.ttl) in {folder}")
    shapes = Graph(store="SimpleMemory")  # no named-graph bookkeeping: faster lookups
    for path in files:
        shapes.parse(path, format="turtle")
    return shapes


class Validator:
    """Validates batches of record graphs against all shapes, one pySHACL run per batch."""

    def __init__(self, shapes_dir: Path | None = None, batch_size: int = BATCH_SIZE) -> None:
        self.shapes = load_shapes(shapes_dir)
        self.batch_size = batch_size
        self._compiled = ShapesGraph(self.shapes, logger=_OPTIONS["logger"])
        _ = self._compiled.shapes  # harvest (read every shape, build its constraints) once

    def validate(self, batch: Sequence[tuple[str, Graph]]) -> list[RecordReport]:
        """One report per ``(record_id, graph)``, in the same order."""
        reports: list[RecordReport] = []
        for start in range(0, len(batch), self.batch_size):
            reports.extend(self._validate_chunk(batch[start:start + self.batch_size]))
        return reports

    def _validate_chunk(self, chunk: Sequence[tuple[str, Graph]]) -> list[RecordReport]:
        data, owner, original = _merge([g for _, g in chunk])
        results: list[list[Result]] = [[] for _ in chunk]
        for result in self._run(data, original):
            focus = result.nodes[0] if result.nodes else None
            if focus in owner:  # every subject has exactly one owner
                targets: Iterable[int] = [owner[focus]]
            else:  # a node only used as an object: every record that mentions it
                node = original.get(focus, focus)
                targets = [i for i, (_, g) in enumerate(chunk) if (None, None, node) in g]
            for i in targets or range(len(chunk)):
                results[i].append(result)
        return [_report(rid, res) for (rid, _), res in zip(chunk, results, strict=True)]

    def _run(self, data: Graph, original: dict[Node, Node]) -> list[Result]:
        run = ShaclRun(DataGraph.from_rdflib(data), shacl_graph=self.shapes,
                       options=dict(_OPTIONS))
        run.shacl_graph = self._compiled  # reuse the harvested shapes
        _conforms, report, _text = run.run()
        return [_result(report, node, original) for node in report.objects(None, SH.result)]


def _merge(graphs: Sequence[Graph]) -> tuple[Graph, dict[Node, int], dict[Node, Node]]:
    """One data graph; subjects described by several records get per-record aliases.

    Returns the graph, the owner (record index) of every subject in it, and
    alias -> original for turning results back into the records' own terms.
    """
    subjects = [set(g.subjects(unique=True)) for g in graphs]
    counts = Counter(s for subs in subjects for s in subs)
    shared = {s for s, n in counts.items() if n > 1}
    data = Graph(bind_namespaces="none")
    owner: dict[Node, int] = {}
    original: dict[Node, Node] = {}
    for i, (graph, subs) in enumerate(zip(graphs, subjects, strict=True)):
        rename = {s: URIRef(f"{_ALIAS}{i}:{s}") if isinstance(s, URIRef) else BNode()
                  for s in subs & shared}
        if rename:
            data.addN((rename.get(s, s), p, rename.get(o, o), data) for s, p, o in graph)
        else:
            data.addN((s, p, o, data) for s, p, o in graph)
        for s in subs:
            owner[rename.get(s, s)] = i
        original.update((alias, s) for s, alias in rename.items())
    return data, owner, original


def _report(record_id: str, results: list[Result]) -> RecordReport:
    """Sorted, without repeats: a shape with two constraints (nodeKind and pattern,
    say) that a value breaks both of gives one result with its one message."""
    unique = {(r.severity, r.focus, r.path, r.value, r.message, r.shape): r for r in results}
    ordered = sorted(unique.values(), key=_result_order)
    return RecordReport(record_id, not any(r.severity == "Violation" for r in ordered), ordered)


def _result(report: Graph, node: Node, original: dict[Node, Node]) -> Result:
    focus = report.value(node, SH.focusNode)
    path = report.value(node, SH.resultPath)
    value = report.value(node, SH.value)
    severity = str(report.value(node, SH.resultSeverity) or SH.Violation).rsplit("#", 1)[-1]
    message = report.value(node, SH.resultMessage)
    shape = report.value(node, SH.sourceShape)
    back_focus = original.get(focus, focus)
    back_value = original.get(value, value) if value is not None else None
    return Result(
        severity=severity,  # type: ignore[arg-type]
        focus=str(back_focus),
        path=str(path) if isinstance(path, URIRef) else _path_text(report, path),
        value=str(back_value) if back_value is not None else None,
        message=str(message) if message is not None else "constraint not met",
        shape=str(shape) if isinstance(shape, URIRef) else None,
        nodes=(focus, path if isinstance(path, URIRef) else None, value),
    )


def _path_text(graph: Graph, path: Node | None) -> str | None:
    """A complex SHACL path written like a SPARQL property path, for people."""
    if path is None:
        return None
    if isinstance(path, URIRef):
        return str(path)
    if (alt := graph.value(path, SH.alternativePath)) is not None:
        return " | ".join(_path_text(graph, p) or "?" for p in graph.items(alt))
    if (inner := graph.value(path, SH.zeroOrMorePath)) is not None:
        return f"({_path_text(graph, inner)})*"
    if (graph.value(path, RDF.first)) is not None:
        return " / ".join(_path_text(graph, p) or "?" for p in graph.items(path))
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
    if path is not None or (result.path and result.path.startswith(("http:", "https:"))):
        graph.add((node, SH.resultPath, path or URIRef(result.path or "")))
    if value is not None:
        graph.add((node, SH.value, value if not str(value).startswith(_ALIAS)
                   else URIRef(result.value or "")))
    graph.add((node, SH.resultMessage, RdfLiteral(result.message)))
    if result.shape:
        graph.add((node, SH.sourceShape, URIRef(result.shape)))
    return node

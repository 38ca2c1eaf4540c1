"""SHACL validation of mapped records: the compiled engine, or pySHACL in batches.

Two engines give the same results (tests/test_validation_fast.py compares
them on every real record and on planted violations of every constraint):
``"fast"`` (the default, :mod:`ld.shacl_fast`) compiles the shapes once into
plain Python checks and validates each record graph on its own, several
times faster than pySHACL; ``"pyshacl"`` is the reference implementation,
described below. Setting ``validator`` (``LDPUB_VALIDATOR``) picks one.

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
and every result about a subject has exactly one owner. A focus node that is
only an object (``sh:targetObjectsOf`` reaching a literal, say) has none: the
records mentioning it are then validated again, each on its own.

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
from pathlib import Path

from rdflib import BNode, Graph, URIRef
from rdflib import Literal as RdfLiteral
from rdflib.namespace import SH
from rdflib.term import Node

from ld.config import data_dir
from ld.errors import LdpubError, Location, RecordError
from ld.namespaces import LDPUB
from ld.shacl_fast import FastValidator
from ld.shacl_report import (
    ALIAS,
    RecordReport,
    Result,
    Severity,
    described,
    finish_report,
    path_text,
    report_graph,
)
from ld.uris import record_uri

__all__ = ["ENGINES", "RecordReport", "Result", "Severity", "Validator", "dry_run_report",
           "load_shapes", "report_graph"]
ENGINES = ("fast", "pyshacl")

BATCH_SIZE = 500  # records per pySHACL run: see docs/benchmarks.md "Validation"
_OPTIONS = {  # no inference, no SHACL-AF, no meta-SHACL: plain SHACL Core + SPARQL
    "inference": "none", "advanced": False, "inplace": True, "abort_on_first": False,
    "allow_warnings": True, "allow_infos": True, "iterate_rules": False, "use_js": False,
    "logger": logging.getLogger("ld.validation.pyshacl"),
}


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
    """Validates batches of record graphs against all shapes, with the chosen engine."""

    def __init__(self, shapes_dir: Path | None = None, batch_size: int = BATCH_SIZE,
                 engine: str = "fast") -> None:
        if engine not in ENGINES:
            raise LdpubError(f"unknown validator engine {engine!r}",
                             hint=f"use one of {', '.join(ENGINES)} (--validator, "
                                  "LDPUB_VALIDATOR)")
        self.shapes_dir, self.engine = shapes_dir, engine
        self.shapes = load_shapes(shapes_dir)
        self.batch_size = batch_size
        if engine == "fast":  # refuses shapes it cannot check exactly (UnsupportedShapes)
            self._fast = FastValidator(self.shapes)
            return
        if (None, SH.targetNode, None) in self.shapes:  # a focus no record owns: run alone
            self.batch_size = 1
        # pySHACL imported here: ~0.1 s to import, and every load's worker processes
        # (the fast engine) would pay it for nothing
        from pyshacl.shapes_graph import ShapesGraph

        self._compiled = ShapesGraph(self.shapes, logger=_OPTIONS["logger"])
        _ = self._compiled.shapes  # harvest (read every shape, build its constraints) once

    def validate(self, batch: Sequence[tuple[str, Graph]]) -> list[RecordReport]:
        """One report per ``(record_id, graph)``, in the same order."""
        if self.engine == "fast":  # one record at a time: nothing to gain from merging
            return [finish_report(rid, self._fast.check(graph)) for rid, graph in batch]
        reports: list[RecordReport] = []
        for start in range(0, len(batch), self.batch_size):
            reports.extend(self._validate_chunk(batch[start:start + self.batch_size]))
        return reports

    def _validate_chunk(self, chunk: Sequence[tuple[str, Graph]]) -> list[RecordReport]:
        alone = _literal_subjects(chunk)  # literals cannot be given per-record aliases
        merged = [i for i in range(len(chunk)) if i not in alone]
        data, owner, original = _merge([chunk[i][1] for i in merged])
        results: list[list[Result]] = [[] for _ in chunk]
        for result in self._run(data, original):
            focus = result.nodes[0] if result.nodes else None
            if focus in owner:  # every subject has exactly one owner
                results[merged[owner[focus]]].append(result)
            else:  # only an object (sh:targetObjectsOf): which record's is ambiguous
                node = original.get(focus, focus)
                mentions = {i for i in merged if (None, None, node) in chunk[i][1]}
                alone.update(mentions)
                for i in merged if not mentions else ():  # sh:targetNode: everyone's
                    results[i].append(result)
        for i in alone:  # rare: those records get a pySHACL run of their own
            results[i] = self._run(_merge([chunk[i][1]])[0], {})
        return [finish_report(rid, res) for (rid, _), res in zip(chunk, results, strict=True)]

    def _run(self, data: Graph, original: dict[Node, Node]) -> list[Result]:
        # pySHACL imported here, as above: the fast engine's workers never run it
        from pyshacl import Validator as ShaclRun
        from pyshacl.graph_abstraction import DataGraph

        run = ShaclRun(DataGraph.from_rdflib(data), shacl_graph=self.shapes,
                       options=dict(_OPTIONS))
        run.shacl_graph = self._compiled  # reuse the harvested shapes
        _conforms, report, _text = run.run()
        return [_result(report, node, original) for node in report.objects(None, SH.result)]


def _literal_subjects(chunk: Sequence[tuple[str, Graph]]) -> set[int]:
    """Records with a literal as subject (generalised RDF), and records mentioning one."""
    literals = {s for _, g in chunk for s in g.subjects(unique=True) if isinstance(s, RdfLiteral)}
    if not literals:
        return set()
    return {i for i, (_, g) in enumerate(chunk)
            if any((lit, None, None) in g or (None, None, lit) in g for lit in literals)}


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
        rename = {s: URIRef(f"{ALIAS}{i}:{s}") if isinstance(s, URIRef) else BNode()
                  for s in subs & shared}
        if rename:
            data.addN((rename.get(s, s), p, rename.get(o, o), data) for s, p, o in graph)
        else:
            data.addN((s, p, o, data) for s, p, o in graph)
        for s in subs:
            owner[rename.get(s, s)] = i
        original.update((alias, s) for s, alias in rename.items())
    return data, owner, original


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
        path=str(path) if isinstance(path, URIRef) else path_text(report, path),
        value=str(back_value) if back_value is not None else None,
        message=str(message) if message is not None else "constraint not met",
        shape=str(shape) if isinstance(shape, URIRef) else None,
        nodes=(focus, path, value),
        path_triples=tuple(described(report, path)) if isinstance(path, BNode) else (),
        component=report.value(node, SH.sourceConstraintComponent),
    )


# --- the Turtle report of `ldpub validate`, input errors included ---------------

# constraint components of our own (vocab/ldpub.ttl): "a record the readers and the
# mapper can make sense of" and "a file that can be read"
READABLE_RECORD = LDPUB.ReadableRecordConstraintComponent
READABLE_INPUT = LDPUB.ReadableInputConstraintComponent


def dry_run_report(reports: Iterable[RecordReport], errors: Iterable[LdpubError],
                   base_uri: str) -> Graph:
    """``ldpub validate --format ttl``: the SHACL report of the mapped records plus one
    sh:Violation per record or file that could not be read or mapped. Such input is not
    valid either: a report that said sh:conforms true about it would tell a program
    reading it (not the exit code) that everything may be published."""
    return report_graph([*reports, *(_error_report(e, base_uri) for e in errors)])


def _error_report(error: LdpubError, base_uri: str) -> RecordReport:
    """A record error (or a file error) as a non-conforming record report: where, what."""
    focus = _error_focus(error.location, base_uri)
    component = READABLE_RECORD if isinstance(error, RecordError) else READABLE_INPUT
    result = Result("Violation", str(focus), None, None, str(error), None,
                    nodes=(focus, None, None), component=component)
    return RecordReport(error.location.record_id or "", False, [result])


def _error_focus(location: Location, base_uri: str) -> Node:
    """The record's would-be IRI; without an id, its file (a file: URI); stdin: a blank
    node. The message says the position within the file."""
    if location.record_id:
        return URIRef(record_uri(base_uri, location.record_id))
    if location.file and location.file != "-":
        return URIRef(Path(location.file).absolute().as_uri())
    return BNode()

"""A SHACL Core engine compiled once from the shapes graph: the fast validation path.

pySHACL re-reads shape parameters from the shapes graph and goes through
rdflib's triple-pattern machinery for every lookup; for records of some 50
triples that overhead, not the checking, is what limits ingest (about 700
records/s per core, docs/benchmarks.md "Validation"). Here the shapes are
read once into :class:`Shape` objects holding plain Python checks
(:mod:`ld.shacl_checks`), and each record graph is indexed once into dicts
(:class:`ld.shacl_paths.Data`), so validating is a walk over the shapes from
the focus nodes their targets find (:mod:`ld.shacl_targets`).

Sound by construction: compiling audits every ``sh:`` property in the shapes
graph and raises :class:`UnsupportedShapes` for any it does not implement
(SPARQL constraints, sh:closed, value ranges, qualified shapes, ...) instead of
skipping it, and for anything where pySHACL (the reference) and this engine
could differ: a reporting shape without exactly one sh:message (pySHACL would
then write messages of its own), a Warning or Info shape inside sh:or / sh:not /
sh:node (pySHACL's conformance there depends on allowed severities), recursive
shapes. tests/test_validation_fast.py checks both engines give the same
results on every real record and on planted violations of every constraint.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field

from rdflib import RDF, Graph, URIRef
from rdflib.namespace import SH
from rdflib.term import Node

from ld.shacl_checks import BUILDERS, SHAPE_PARAMETERS, Check
from ld.shacl_paths import SUBCLASS_KEY, Data, PathFn, UnsupportedShapes, compile_path
from ld.shacl_report import Result, described, path_text
from ld.shacl_targets import TARGETS, TargetIndex, target_spec, targeted, targets_of

__all__ = ["FastValidator", "UnsupportedShapes"]

# sh: properties that are not constraints, or are read by the compiler itself
STRUCTURE = {*TARGETS, SH.path, SH.property, SH.severity, SH.message, SH.deactivated, SH.flags,
             SH.name, SH.description, SH.order, SH.group, SH.defaultValue,
             SH.alternativePath, SH.inversePath, SH.zeroOrMorePath, SH.oneOrMorePath,
             SH.zeroOrOnePath}
SEVERITIES = {SH.Violation: "Violation", SH.Warning: "Warning", SH.Info: "Info"}


@dataclass(eq=False)
class Shape:
    """One shape, compiled: its checks, nested property shapes and result fields."""

    node: Node
    severity: str
    message: str | None
    path: PathFn | None  # None: a node shape, whose only value node is the focus node
    path_node: Node | None
    path_label: str | None
    path_triples: tuple
    checks: list[tuple[URIRef, Check]] = field(default_factory=list)  # (component, check)
    properties: list[Shape] = field(default_factory=list)
    deactivated: bool = False

    def values(self, data: Data, focus: Node) -> Collection[Node]:
        return (focus,) if self.path is None else self.path(data, focus)

    def result(self, focus: Node, value: Node | None, component: URIRef) -> Result:
        return Result(
            severity=self.severity, focus=str(focus), path=self.path_label,  # type: ignore[arg-type]
            value=None if value is None else str(value), message=self.message or "",
            shape=str(self.node) if isinstance(self.node, URIRef) else None,
            nodes=(focus, self.path_node, value), path_triples=self.path_triples,
            component=component)


class FastValidator:
    """Every shape with targets in a shapes graph, compiled; :meth:`check` validates a graph."""

    def __init__(self, shapes: Graph) -> None:
        self.sg = shapes
        _audit(shapes)
        self._compiled: dict[Node, Shape] = {}
        self._compiling: set[Node] = set()
        groups: dict[tuple, list[Shape]] = {}  # shapes with the same targets share focus nodes
        for node in sorted(targeted(shapes), key=str):
            shape = self._compile(node)
            _require_messages(shape)
            if not shape.deactivated:
                groups.setdefault(target_spec(shapes, node), []).append(shape)
        self.top = [(targets_of(*spec), group) for spec, group in groups.items()]
        self.index = TargetIndex(list(groups))

    def check(self, graph: Graph) -> list[Result]:
        """Every result of validating ``graph`` against every shape."""
        data = Data(graph)
        out: list[Result] = []
        if SUBCLASS_KEY in data.by_pred:  # instances of subclasses too: each target alone
            found = {i: targets(data) for i, (targets, _) in enumerate(self.top)}
        else:
            found = self.index.focus_nodes(data)
        for i, focus_nodes in found.items():
            for shape in self.top[i][1]:
                for focus in focus_nodes:
                    _evaluate(shape, data, focus, out)
        return out

    def _compile(self, node: Node) -> Shape:
        if node in self._compiled:
            return self._compiled[node]
        if node in self._compiling:
            raise UnsupportedShapes(f"recursive shapes (through {node}) are not supported")
        self._compiling.add(node)
        sg = self.sg
        shape = _header(sg, node)
        for parameter in sorted({p for p in sg.predicates(node) if p in BUILDERS}):
            if parameter in SHAPE_PARAMETERS:
                for member in _members(sg, node, parameter):
                    _require_violation(self._compile(member))
            shape.checks.append((component(parameter),
                                 BUILDERS[parameter](sg, node, self._conforms_node)))
        shape.properties = [self._compile(p)
                            for p in sorted(sg.objects(node, SH.property), key=str)]
        self._compiling.discard(node)
        self._compiled[node] = shape
        return shape

    def _conforms_node(self, node: Node, data: Data, value: Node) -> bool:
        return _conforms(self._compiled[node], data, value)


def _evaluate(shape: Shape, data: Data, focus: Node, out: list[Result]) -> None:
    path = shape.path  # Shape.values, inline: ~45 evaluations a record
    values = (focus,) if path is None else path(data, focus)
    for source, check in shape.checks:
        for value in check(data, focus, values):
            out.append(shape.result(focus, value, source))
    for prop in shape.properties:
        if not prop.deactivated:
            for value in values:
                _evaluate(prop, data, value, out)


def _conforms(shape: Shape, data: Data, focus: Node) -> bool:
    """Whether ``focus`` conforms to ``shape`` (members of sh:or, sh:node, ...)."""
    if shape.deactivated:
        return True
    values = shape.values(data, focus)
    if any(any(True for _ in check(data, focus, values)) for _, check in shape.checks):
        return False
    return all(_conforms(prop, data, v) for prop in shape.properties for v in values)


def component(parameter: URIRef) -> URIRef:
    """The SHACL Core constraint component of a parameter: sh:minCount ->
    sh:MinCountConstraintComponent (every component this engine supports is named
    so), which a validation result must give as its sh:sourceConstraintComponent."""
    name = str(parameter).rsplit("#", 1)[-1]
    return SH[name[0].upper() + name[1:] + "ConstraintComponent"]


def _header(sg: Graph, node: Node) -> Shape:
    """Severity, message, path and sh:deactivated of a shape."""
    severities = list(sg.objects(node, SH.severity)) or [SH.Violation]
    messages = list(sg.objects(node, SH.message))
    paths = list(sg.objects(node, SH.path))
    deactivated = list(sg.objects(node, SH.deactivated))
    if len(severities) != 1 or severities[0] not in SEVERITIES:
        raise UnsupportedShapes(f"{node}: sh:severity must be one of sh:Violation, sh:Warning, "
                                "sh:Info")
    if len(paths) > 1 or len(deactivated) > 1 or (
            paths and (node, RDF.type, SH.NodeShape) in sg) or (
            not paths and (node, RDF.type, SH.PropertyShape) in sg):
        raise UnsupportedShapes(f"{node}: a shape has at most one sh:path and sh:deactivated, "
                                "a sh:PropertyShape one sh:path and a sh:NodeShape none")
    if deactivated and not isinstance(deactivated[0].toPython(), bool):  # type: ignore[union-attr]
        raise UnsupportedShapes(f"{node}: sh:deactivated must be true or false")
    path = paths[0] if paths else None
    return Shape(
        node=node, severity=SEVERITIES[severities[0]],  # type: ignore[index]
        message=str(messages[0]) if len(messages) == 1 else None,
        path=compile_path(sg, path) if path is not None else None, path_node=path,
        path_label=path_text(sg, path),
        path_triples=tuple(described(sg, path)) if path is not None and not isinstance(
            path, URIRef) else (),
        deactivated=bool(deactivated and deactivated[0].toPython()))  # type: ignore[union-attr]


def _members(sg: Graph, node: Node, parameter: URIRef) -> list[Node]:
    values = list(sg.objects(node, parameter))
    if parameter in (SH.node, SH["not"]):
        return values
    return [member for value in values for member in sg.items(value)]


def _require_violation(shape: Shape) -> None:
    """Shapes checked for conformance only must not depend on pySHACL's allowed severities."""
    if shape.severity != "Violation":
        raise UnsupportedShapes(f"{shape.node}: a shape used in sh:or/sh:and/sh:xone/sh:not/"
                                "sh:node must have severity sh:Violation (as its properties)")
    for prop in shape.properties:
        _require_violation(prop)


def _require_messages(shape: Shape) -> None:
    """A shape that reports results needs one sh:message, as pySHACL would then use it."""
    if shape.checks and shape.message is None:
        raise UnsupportedShapes(f"{shape.node}: needs exactly one sh:message for the fast "
                                "engine (pySHACL would write a message of its own)")
    for prop in shape.properties:
        _require_messages(prop)


def _audit(sg: Graph) -> None:
    """Refuse any sh: property this engine does not implement."""
    known = STRUCTURE | set(BUILDERS)
    for s, p, _o in sg:
        if str(p).startswith(str(SH)) and p not in known:
            raise UnsupportedShapes(
                f"the shapes use {p} (on {s}), which the fast engine does not implement: "
                "use the pyshacl engine (setting validator=pyshacl, LDPUB_VALIDATOR)")

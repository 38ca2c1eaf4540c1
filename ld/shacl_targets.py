"""Which nodes of a record each shape of the compiled SHACL engine checks: its targets.

Apart from :mod:`ld.shacl_fast` because it is a job of its own, with its own cost:
finding the shapes pySHACL runs on their own (explicit and implicit class
targets), reading each one's target spec, and finding the focus nodes of every
group of shapes in a record, in one pass over the record's predicates and types
(:class:`TargetIndex`, 40% of validation when each group was asked in turn).
The compiler and the walk over the shapes stay in :mod:`ld.shacl_fast`.
"""

from __future__ import annotations

from collections.abc import Callable

from rdflib import RDF, RDFS, Graph, Literal
from rdflib.namespace import SH
from rdflib.term import Node

from ld.shacl_paths import TYPE_KEY, Data, UnsupportedShapes, key

TARGETS = (SH.targetNode, SH.targetClass, SH.targetSubjectsOf, SH.targetObjectsOf)
Targets = Callable[[Data], set[Node]]


def targeted(sg: Graph) -> set[Node]:
    """Shapes pySHACL runs on their own: explicit targets, or implicit class targets."""
    explicit = {s for t in TARGETS for s in sg.subjects(t, None)}
    classes = _class_types(sg)
    shapes = {*sg.subjects(RDF.type, SH.NodeShape), *sg.subjects(RDF.type, SH.PropertyShape),
              *sg.subjects(SH.property, None), *sg.objects(None, SH.property),
              *sg.subjects(SH.node, None), *sg.objects(None, SH.node)}
    implicit = {s for s in shapes if any(t in classes for t in sg.objects(s, RDF.type))}
    return explicit | implicit


def _class_types(sg: Graph) -> set[Node]:
    """rdfs:Class and its declared subclasses: a shape of such a type targets itself."""
    return {RDFS.Class, *sg.subjects(RDFS.subClassOf, RDFS.Class)}


def target_spec(sg: Graph, node: Node) -> tuple[frozenset, ...]:
    """A shape's targets: nodes, classes (implicit ones too), subjects-of, objects-of."""
    classes = set(sg.objects(node, SH.targetClass))
    class_types = _class_types(sg)
    if any(t in class_types for t in sg.objects(node, RDF.type)):
        classes.add(node)
    spec = (frozenset(sg.objects(node, SH.targetNode)), frozenset(classes),
            frozenset(sg.objects(node, SH.targetSubjectsOf)),
            frozenset(sg.objects(node, SH.targetObjectsOf)))
    if any(isinstance(n, Literal) for n in spec[1] | spec[2] | spec[3]):
        raise UnsupportedShapes(f"{node}: a target class or property must not be a literal")
    return spec


class TargetIndex:
    """Which groups of shapes (by position) target what: the focus nodes of every group
    of a record in one pass over the record's predicates and types.

    Asking each group in turn (27 groups, one with 22 target classes) cost 40% of
    validation (docs/benchmarks.md, "Thirteenth session: less CPU in the workers"): most
    targets are absent from a record, and every present one was compared with rdflib's
    Python ``__eq__``. The record's own predicates and types are few; looking them up here
    finds the same nodes. Only for data without rdfs:subClassOf (see
    :meth:`ld.shacl_fast.FastValidator.check`). IRIs
    are looked up as plain strs (:func:`ld.shacl_paths.key`), as :class:`Data` files
    predicates.
    """

    def __init__(self, specs: list[tuple[frozenset, ...]]) -> None:
        self.nodes = {i: spec[0] for i, spec in enumerate(specs) if spec[0]}
        self.classes: dict[Node, list[int]] = {}
        self.subjects_of: dict[Node, list[int]] = {}
        self.objects_of: dict[Node, list[int]] = {}
        for i, (_, classes, subjects_of, objects_of) in enumerate(specs):
            for table, keys in ((self.classes, classes), (self.subjects_of, subjects_of),
                                (self.objects_of, objects_of)):
                for node in keys:
                    table.setdefault(key(node), []).append(i)

    def focus_nodes(self, data: Data) -> dict[int, set[Node]]:
        """group position -> its focus nodes in ``data``; groups with none left out."""
        found: dict[int, set[Node]] = {i: set(nodes) for i, nodes in self.nodes.items()}
        classes, subjects_of, objects_of = self.classes, self.subjects_of, self.objects_of
        for p, pairs in data.by_pred.items():
            for i in subjects_of.get(p, ()):
                found.setdefault(i, set()).update(s for s, _ in pairs)
            for i in objects_of.get(p, ()):
                found.setdefault(i, set()).update(o for _, o in pairs)
        for s, o in data.by_pred.get(TYPE_KEY, ()):
            for i in classes.get(key(o), ()):
                found.setdefault(i, set()).add(s)
        return dict(sorted(found.items()))  # in the order of the groups, as before


def targets_of(nodes: frozenset, classes: frozenset, subjects_of: frozenset,
             objects_of: frozenset) -> Targets:
    """The focus nodes of a target spec in a data graph, as SHACL (and pySHACL) finds them
    (the predicates' keys made once, with the spec)."""
    subject_keys, object_keys = [key(p) for p in subjects_of], [key(p) for p in objects_of]

    def focus(data: Data) -> set[Node]:
        found = set(nodes)
        for cls in classes:
            found.update(data.instances(cls))
        for k in subject_keys:
            found.update(s for s, _ in data.by_pred.get(k, ()))
        for k in object_keys:
            found.update(o for _, o in data.by_pred.get(k, ()))
        return found
    return focus

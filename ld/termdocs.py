"""Our vocabulary (``vocab/``) and SHACL shapes (``shapes/``) as documents.

Both namespaces dereference on the server (``/vocab``, ``/shapes``), so the
``dcterms:conformsTo`` link on every record and every ``ldpub:`` term a
reader meets lead somewhere readable. The Turtle files are the single
source: they are parsed (pyoxigraph) once per process; the HTML
documentation lists every subject with its label, comment and the
properties a reader needs (types, domain, range; for shapes: target class,
path, severity, message).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import pyoxigraph as ox

from ld.config import data_dir
from ld.labels import compact, expand

FOLDERS = ("vocab", "shapes")
_DETAILS = ("rdf:type", "rdfs:domain", "rdfs:range", "rdfs:subClassOf", "rdfs:subPropertyOf",
            "sh:targetClass", "sh:path", "sh:severity", "sh:datatype", "sh:class",
            "sh:nodeKind", "sh:minCount", "sh:maxCount", "sh:pattern", "sh:property")


@dataclass
class Term:
    iri: str
    anchor: str
    label: str
    comment: str = ""
    message: str = ""
    details: list[tuple[str, list[str]]] = field(default_factory=list)


@lru_cache(maxsize=len(FOLDERS))
def triples(folder: str) -> tuple[ox.Triple, ...]:
    """Every triple of every Turtle file in ``folder`` (vocab or shapes)."""
    if folder not in FOLDERS:
        raise ValueError(f"unknown folder {folder!r}")
    out: list[ox.Triple] = []
    for path in sorted(Path(data_dir(folder)).glob("*.ttl")):
        with path.open("rb") as f:
            out.extend(ox.Triple(q.subject, q.predicate, q.object)
                       for q in ox.parse(f, format=ox.RdfFormat.TURTLE))
    return tuple(out)


def _text(values: list, lang: str = "en") -> str:
    chosen = [v for v in values if getattr(v, "language", None) in (lang, None)] or values
    return chosen[0].value if chosen else ""


def _show(term: object) -> str:
    if isinstance(term, ox.NamedNode):
        return compact(term.value)
    if isinstance(term, ox.BlankNode):
        return "(a combination, see the Turtle)"
    return term.value  # type: ignore[attr-defined]


def terms(folder: str) -> list[Term]:
    """The documented subjects (those with an IRI), in file order."""
    by_s: dict[str, dict[str, list]] = defaultdict(lambda: defaultdict(list))
    order: list[str] = []
    for t in triples(folder):
        if isinstance(t.subject, ox.NamedNode):
            if t.subject.value not in by_s:
                order.append(t.subject.value)
            by_s[t.subject.value][t.predicate.value].append(t.object)
    out = []
    for iri in order:
        props = by_s[iri]
        anchor = iri.rsplit("#", 1)[-1] if "#" in iri else iri.rstrip("/").rsplit("/", 1)[-1]
        label = _text(props.get(expand("rdfs:label"), [])) or anchor
        details = [(c, [_show(o) for o in props[expand(c)]]) for c in _DETAILS
                   if props.get(expand(c))]
        out.append(Term(iri, anchor, label, _text(props.get(expand("rdfs:comment"), [])),
                        _text(props.get(expand("sh:message"), [])), details))
    return out

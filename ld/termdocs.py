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

import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import lru_cache
from pathlib import Path

import pyoxigraph as ox

from ld.config import data_dir
from ld.labels import compact, expand

FOLDERS = ("vocab", "shapes")
ABOUT = "about"  # the anchor of a section about the vocabulary itself (empty fragment)
_DETAILS = ("rdf:type", "rdfs:domain", "rdfs:range", "rdfs:subClassOf", "rdfs:subPropertyOf",
            "sh:targetClass", "sh:path", "sh:severity", "sh:datatype", "sh:class",
            "sh:nodeKind", "sh:minCount", "sh:maxCount", "sh:pattern", "sh:property",
            "owl:versionInfo")


@dataclass
class Term:
    iri: str
    anchor: str
    label: str
    comment: str = ""
    message: str = ""
    details: list[tuple[str, list[str]]] = field(default_factory=list)
    itself: bool = False  # the vocabulary (or shapes graph) itself, not one of its terms

    @property
    def nav(self) -> str:
        """Its name in the page's index of terms: the local name, or the title."""
        return self.label if self.itself else self.anchor


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


#: When this process started serving, near enough (this module is imported as the app is
#: built): what ``/vocab`` and ``/shapes`` show beyond their files changes only with it.
STARTED = datetime.now(UTC)


@lru_cache(maxsize=len(FOLDERS))
def modified(folder: str) -> datetime:
    """The Last-Modified of ``/vocab`` or ``/shapes``, read once per process as
    :func:`triples` reads the files. Their bytes come from the Turtle files and also
    from the templates, the code and ``base_uri``, which change only with a restart (an
    upgrade, a new setting): so the files' latest time or the process's start
    (:data:`STARTED`), whichever is later: dated by the files alone, a page changed by
    an upgrade kept its date and a client's If-Modified-Since got a stale 304."""
    if folder not in FOLDERS:
        raise ValueError(f"unknown folder {folder!r}")
    return latest(Path(data_dir(folder)).glob("*.ttl"), STARTED)


def latest(paths: Iterable[Path], started: datetime) -> datetime:
    """The latest of the files' modification times and ``started``, never later than now:
    a file dated in the future (a clock set wrong, an archive's times) must not give a
    Last-Modified in the future (RFC 9110 §8.8.2.1)."""
    times = [datetime.fromtimestamp(p.stat().st_mtime, UTC) for p in paths]
    return min(max([*times, started]), datetime.now(UTC))


def _text(values: list, lang: str = "en") -> str:
    chosen = [v for v in values if getattr(v, "language", None) in (lang, None)] or values
    return chosen[0].value if chosen else ""


def _show(term: object) -> str:
    if isinstance(term, ox.NamedNode):
        return compact(term.value)
    if isinstance(term, ox.BlankNode):
        return "(a combination, see the Turtle)"
    return escape_controls(term.value)  # type: ignore[attr-defined]


_CONTROLS = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def escape_controls(text: str) -> str:
    """``text`` with each control character written as the Turtle source writes it
    (``\\u0080``): a shape's pattern or message naming U+0080-U+009F, which HTML forbids
    raw and no reader could see anyway (such a pattern read ``^[^-]*$``)."""
    return _CONTROLS.sub(lambda m: f"\\u{ord(m[0]):04X}", text)


def terms(folder: str) -> list[Term]:
    """The documented subjects (those with an IRI), in file order."""
    by_s: dict[str, dict[str, list]] = defaultdict(lambda: defaultdict(list))
    order: list[str] = []
    for t in triples(folder):
        if isinstance(t.subject, ox.NamedNode):
            if t.subject.value not in by_s:
                order.append(t.subject.value)
            by_s[t.subject.value][t.predicate.value].append(t.object)
    return [_term(iri, by_s[iri]) for iri in order]


def _term(iri: str, props: dict[str, list]) -> Term:
    """One documented subject. The vocabulary itself (its IRI ends in "#", so its
    fragment is empty) is named by dcterms:title and described by dcterms:description,
    as ontologies are, not by rdfs:label/comment: it had an empty heading and id."""
    anchor = iri.rsplit("#", 1)[-1] if "#" in iri else iri.rstrip("/").rsplit("/", 1)[-1]
    label = _first(props, "rdfs:label", "dcterms:title", "skos:prefLabel")
    details = [(c, [_show(o) for o in props[expand(c)]]) for c in _DETAILS
               if props.get(expand(c))]
    return Term(iri, anchor or ABOUT, label or anchor or iri,
                _first(props, "rdfs:comment", "dcterms:description", "skos:definition"),
                _text(props.get(expand("sh:message"), [])), details, itself=not anchor)


def _first(props: dict[str, list], *curies: str) -> str:
    """The text of the first of ``curies`` that the subject has, or ""."""
    return next((_text(props[expand(c)]) for c in curies if props.get(expand(c))), "")

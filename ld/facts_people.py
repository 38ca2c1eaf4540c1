"""The people and organisations a record names, as its page and citations read them.

Authors and editors in the record's order (its bibo:authorList or
bibo:editorList when it has one), everyone else by name, each once with its
roles in words (MARC relators, and the roles no relator names, as written);
the name split as the data splits it, so a citation never splits "John Paul
II, Pope" at its comma. Split from :mod:`ld.facts` (which re-exports
:class:`Link` and :func:`link`) to keep that module's size in bounds.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from ld.facts_index import Index, _key, text_order
from ld.facts_scripts import alt_names
from ld.labels import expand, role

if TYPE_CHECKING:
    from ld.facts import Facts

T = expand  # short alias: T("dcterms:title") is the full IRI
# roles a list already says by being that list: the author line, "Contributors"
_AUTHORS_ROLES, _CONTRIBUTORS_ROLES = frozenset({"author", "creator"}), frozenset({"contributor"})


@dataclass
class Link:
    """A node the record points to, with its label (never a bare IRI when one is known)."""

    iri: str
    label: str
    kind: str = ""  # "person", "organization", ... when the IRI is ours
    named: bool = True  # False: the label is the IRI's key, the data gives no name
    family: str | None = None  # a person's foaf:familyName / givenName, for citations
    given: str | None = None
    roles: list[str] = field(default_factory=list)  # "illustrator", from MARC relators
    dates: str | None = None  # a person's heading dates (ldpub:dates): "1950-"
    alt_names: list[str] = field(default_factory=list)  # skos:altLabel: original script

    @property
    def heading(self) -> str:
        """The name as a list shows it, with the dates that tell namesakes apart
        ("Smith, John, 1950-"); citations keep ``label``, the name alone."""
        return f"{self.label}, {self.dates}" if self.dates else self.label


def link(index: Index, node: object, base: str) -> Link:
    """The link to ``node`` (a term, or the key ``_key`` makes of one)."""
    from ld import uris

    key = node if isinstance(node, str) else _key(node)
    parts = uris.split(base, key)
    fallback = parts[2] if parts else key
    label = index.label(key)
    return Link(key, label or fallback, parts[1] if parts else "", named=bool(index.name(key)))


def read_people(index: Index, f: Facts, base: str) -> None:
    """Authors and editors (in the order of the record's bibo:authorList or
    bibo:editorList when it has one) and the other people, each with their roles."""
    thing, roles = f.thing, _roles(index, f.thing)
    f.authors = [person(index, a, base, roles, _AUTHORS_ROLES)
                 for a in ordered(index, thing, "bibo:authorList", "dcterms:creator")]
    f.editors = [person(index, a, base) for a in ordered(
        index, thing, "bibo:editorList", "relators:edt", "bibo:editor")]
    f.contributors = _contributors(index, f, base, roles)


def _roles(index: Index, thing: str) -> dict[str, list[str]]:
    """Each agent's roles in the record, in words, from the MARC relator properties that
    link it ("illustrator", "binding designer") and, as written, those no relator names
    (ldpub:contribution, ldpub:role: "joint sponsor"); sorted, since RDF keeps no order."""
    found: dict[str, set[str]] = defaultdict(set)
    for pred, objects in index.by_s.get(thing, {}).items():
        if (name := role(pred)) is not None:
            for o in objects:
                found[_key(o)].add(name)
    for node in index.objects(thing, "ldpub:contribution"):
        for who in index.objects(_key(node), "ldpub:agent"):
            found[_key(who)].update(index.values(_key(node), "ldpub:role"))
    return {key: sorted(names) for key, names in found.items()}


def _contributors(index: Index, f: Facts, base: str, roles: dict[str, list[str]]
                  ) -> list[Link]:
    """Everyone else the record names (dcterms:contributor, or by a role), each once, by
    name (RDF keeps no order): not its authors, nor a publisher whose one stated role
    (relators:pbl) is publishing (it has its own line)."""
    publishers = {_key(p) for p in index.objects(f.thing, "dcterms:publisher")}
    shown = {a.iri for a in f.authors}
    keys = [*(_key(c) for c in index.objects(f.thing, "dcterms:contributor")), *roles]
    people = [person(index, key, base, roles, _CONTRIBUTORS_ROLES)
              for key in dict.fromkeys(keys) if key not in shown
              and not (key in publishers and roles.get(key) == ["publisher"])]
    return by_label(people)


def ordered(index: Index, thing: str, list_prop: str, *props: str) -> list:
    """The members of the record's ``list_prop`` rdf:List (the source's order) when it
    has one, else the objects of ``props``, each once, by label (RDF keeps no order)."""
    members = [o for h in index.objects(thing, list_prop) for o in index.rdf_list(_key(h))]
    if members:
        return members
    found = {_key(o): o for p in props for o in index.objects(thing, p)}
    return [found[k] for k in sorted(found, key=lambda k: (*text_order(index.label(k) or k), k))]


def person(index: Index, node: object, base: str, roles: dict[str, list[str]] | None = None,
           unsaid: frozenset[str] = frozenset()) -> Link:
    """A person's (or organisation's) link with the name split as the data splits it (a
    citation must not split "John Paul II, Pope", a forename heading, at its comma) and
    its ``roles`` but those its place on the page already says (``unsaid``)."""
    found = link(index, node, base)
    found.roles = [r for r in (roles or {}).get(found.iri, []) if r not in unsaid]
    if T("foaf:Organization") in index.values(found.iri, "rdf:type"):
        found.kind = "organization"  # one name, never split (also when not ours)
    found.family = index.first(found.iri, "foaf:familyName")
    found.given = index.first(found.iri, "foaf:givenName")
    found.dates = index.first(found.iri, "ldpub:dates")
    found.alt_names = alt_names(index, found.iri)
    return found


def by_label(links: list[Link]) -> list[Link]:
    """``links`` by label (case-folded first), then IRI: RDF keeps no order."""
    return sorted(links, key=lambda x: (*text_order(x.label), x.iri))

"""A record's triples indexed by subject and predicate, as :mod:`ld.facts` reads them.

Split from :mod:`ld.facts` (which reads the facts) so that each stays small;
:mod:`ld.facts` re-exports :class:`Index`.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

import pyoxigraph as ox

from ld.labels import expand

T = expand  # short alias: T("dcterms:title") is the full IRI
NAME_PROPS = ("foaf:name", "skos:prefLabel", "rdfs:label", "dcterms:title")


class Index:
    """subject -> predicate -> objects, in document order; and the labels :func:`read`
    found for the things the record links without naming them (``shown``)."""

    def __init__(self, triples: Iterable[ox.Triple]) -> None:
        self.triples = list(triples)
        self.by_s: dict[str, dict[str, list]] = defaultdict(lambda: defaultdict(list))
        for t in self.triples:
            self.by_s[_key(t.subject)][t.predicate.value].append(t.object)
        self.shown: dict[str, str] = {}  # node -> label, not a name (an ISSN, a stored title)

    def objects(self, subject: str, curie: str) -> list:
        return self.by_s.get(subject, {}).get(T(curie), [])

    def first(self, subject: str, *curies: str) -> str | None:
        for curie in curies:
            for o in self.objects(subject, curie):
                return o.value
        return None

    def values(self, subject: str, *curies: str) -> list[str]:
        """The values of any of ``curies``, in order, each once: a MARC record states
        one ISBN as bibo:isbn and as bibo:isbn10, and the page listed it twice."""
        return list(dict.fromkeys(o.value for c in curies for o in self.objects(subject, c)))

    def name(self, node: str) -> str | None:
        """What the graph calls ``node``."""
        return self.first(node, *NAME_PROPS)

    def label(self, node: str) -> str | None:
        """Its name, else the label :func:`read` found for it (see ``shown``)."""
        return self.name(node) or self.shown.get(node)

    def rdf_list(self, head: str) -> list:
        """Members of an rdf:List starting at ``head`` (stops on a malformed list)."""
        items, seen = [], set()
        while head and head not in seen and head != T("rdf:nil"):
            seen.add(head)
            items.extend(self.objects(head, "rdf:first")[:1])
            rest = self.objects(head, "rdf:rest")
            head = _key(rest[0]) if rest else ""
        return items


def _key(term: object) -> str:
    return f"_:{term.value}" if isinstance(term, ox.BlankNode) else term.value  # type: ignore[attr-defined]

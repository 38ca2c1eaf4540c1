"""A record's triples indexed by subject and predicate, as :mod:`ld.facts` reads them.

Split from :mod:`ld.facts` (which reads the facts) so that each stays small;
:mod:`ld.facts` re-exports :class:`Index`.

RDF has no order but a list's (an author list is an rdf:List and keeps the
source's order): a store returns a graph's triples in an order of its own
(the embedded store and Virtuoso differ), and reading them "in document order"
made a citation's one place of publication, a shared organisation's name and
the order of subjects and languages depend on the store. So every value is
read in :func:`term_order` (case-folded text, then the text), and where one
value is shown it is the first in that order: every store reads alike.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

import pyoxigraph as ox

from ld.labels import expand
from ld.model import Text

T = expand  # short alias: T("dcterms:title") is the full IRI
NAME_PROPS = ("foaf:name", "skos:prefLabel", "rdfs:label", "dcterms:title")


def term_order(term: object) -> tuple:
    """How values are ordered where RDF gives no order: by the case-folded text, then the
    text ("McGraw Hill" before "McGraw-Hill"), then kind, language and datatype, so
    that no two distinct terms tie. Blank nodes go last (their ids are the store's)."""
    value = term.value  # type: ignore[attr-defined]
    datatype = getattr(term, "datatype", None)
    kind = {ox.Literal: 0, ox.NamedNode: 1}.get(type(term), 2)
    return (kind == 2, value.casefold(), value, kind, getattr(term, "language", None) or "",
            datatype.value if datatype is not None else "")


def text_order(text: str) -> tuple[str, str]:
    """:func:`term_order` of a plain text: the key pages sort labels by."""
    return (text.casefold(), text)


def in_order(triples: Iterable[ox.Triple] | Iterable[ox.Quad]) -> list:
    """``triples`` sorted by subject, predicate and object (:func:`term_order`): what a
    document serialises, so its bytes are the same whatever order the store gave."""
    return sorted(triples, key=lambda t: (term_order(t.subject), t.predicate.value,
                                          term_order(t.object)))


def text(term: object) -> Text:
    """A literal's value as a :class:`ld.model.Text` with its language tag, so a page can
    say which language a title or a label is in (WCAG 3.1.2: lang=)."""
    return Text(term.value, getattr(term, "language", None))  # type: ignore[attr-defined]


class Index:
    """subject -> predicate -> objects in :func:`term_order` (never the store's order:
    see the module's docstring); and the labels :func:`read` found for the things the
    record links without naming them (``shown``)."""

    def __init__(self, triples: Iterable[ox.Triple], ordered: bool = False) -> None:
        """``ordered``: the triples are :func:`in_order` already (a described document's
        are), which spares sorting them again on every page."""
        self.triples = list(triples)
        self.by_s: dict[str, dict[str, list]] = defaultdict(lambda: defaultdict(list))
        for t in self.triples if ordered else in_order(self.triples):  # subjects, predicates too
            self.by_s[_key(t.subject)][t.predicate.value].append(t.object)
        self.shown: dict[str, str] = {}  # node -> label, not a name (an ISSN, a stored title)

    def objects(self, subject: str, curie: str) -> list:
        return self.by_s.get(subject, {}).get(T(curie), [])

    def first(self, subject: str, *curies: str) -> str | None:
        """The value of the first of ``curies`` the subject has; of several values of
        it, the first in :func:`term_order` (a name stated differently by two records).
        A :class:`ld.model.Text` with the literal's language tag, so a page can say
        which language a title or a label is in (WCAG 3.1.2)."""
        for curie in curies:
            for o in self.objects(subject, curie):
                return text(o)
        return None

    def texts(self, subject: str, *curies: str) -> list[Text]:
        """Every value of ``curies`` as a :func:`text`, in the index's order."""
        return [text(o) for c in curies for o in self.objects(subject, c)]

    def values(self, subject: str, *curies: str) -> list[str]:
        """The values of any of ``curies``, each in :func:`term_order`, each once: a MARC
        record states one ISBN as bibo:isbn and as bibo:isbn10, and the page listed it
        twice."""
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

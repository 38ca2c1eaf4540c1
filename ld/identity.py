"""Identity across sources: the same work from VuFind JSON, MARC and PubMed XML.

Decision: each source's record keeps its own URI and named graph, and a
later record says ``owl:sameAs`` the FIRST record loaded that shares a
strong identifier with it (DOI, PMID, PMCID or ISBN-13). URIs are not
shared because a record's graph is replaced or deleted as a unit when its
source is re-loaded or withdraws it: two sources writing one subject would
let one source's update silently remove what the other said, and provenance
(which catalogue said what) would be lost. With owl:sameAs both descriptions
stay, each under its source's control, and a reasoner or a SPARQL property
path (``owl:sameAs*``) joins them. Linking to the first (not to every
match) keeps the links a star around one stable node instead of a clique.

An ISBN links records only when it is the one ISBN of both: a record with
several ISBNs names related manifestations (the hardback and the ebook, the
volume and the set, as 020 fields do), and owl:sameAs between two volumes
sharing their set's ISBN, or between a print and an ebook record, would
merge different things for a reasoner. DOIs, PMIDs and PMC ids still link
such records.

"First" is the record the other holders of the identifier already say
owl:sameAs; when none does, the matching record whose document has the
earliest ``dcterms:modified``. A record being loaded again does not count as
a holder of its own identifiers (its stored copy is about to be replaced),
and a re-load of the first record adds no link: the others still point to
it. The store is asked, batch by batch, about
that batch's identifiers only; records of the same batch are matched among
themselves too, so a batch that holds the same article twice links, and
earlier batches of a load are in the store by the time the next one is
linked. ``ldpub load`` links in its main process, after validation (see
:mod:`ld.ingest`). What the store is asked, and in which forms an
identifier is looked up, is :mod:`ld.identity_queries`.

When a record is deleted, the records that said owl:sameAs it are linked
again by the same rule with the deleted records left out, as a fresh load
of the remaining records would link them (:meth:`IdentityLinker.relink`,
called by :func:`ld.deletion.delete_records`, which every deletion goes
through): left alone they pointed at a 404 and were no longer joined.

Agents are not handled here: the mapper already gives people with an ORCID
or an authority link one URI across records (their strongest identifier is
their key), which is the "share one URI" rule for people.
"""

from __future__ import annotations

import re
from collections import OrderedDict
from collections.abc import Iterable, Sequence, Set
from typing import Any

from rdflib import BNode, Graph, URIRef
from rdflib.namespace import OWL

from ld.identity_filter import KeyFilter
from ld.identity_queries import Key, chunks, holders_query, isbns_query, order_query
from ld.namespaces import BIBO, LDPUB
from ld.numbers import ascii_digits
from ld.store.base import Store

Triple = tuple[URIRef, URIRef, URIRef]
KEYS = (BIBO.doi, BIBO.pmid, LDPUB.pmcid, BIBO.isbn13, BIBO.isbn10, BIBO.isbn)
_KEYSET = frozenset(KEYS)
REMEMBER = 100_000  # identifiers the linker keeps between batches (~20 MB)


def identifiers(graph: Graph, subject: URIRef) -> set[Key]:
    """Normalised (kind, value) pairs that identify the work: DOI lower-cased, ISBN-13."""
    return set(triple_keys(graph.triples((subject, None, None))))


def normalise(predicate: URIRef, value: str) -> Key | None:
    text = value.strip()
    if not text:
        return None
    if predicate == BIBO.doi:
        return "doi", text.lower()
    if predicate == BIBO.pmid:
        return ("pmid", text.lstrip("0")) if ascii_digits(text) else None
    if predicate == LDPUB.pmcid:
        digits = text.upper().removeprefix("PMC")
        return ("pmcid", f"PMC{digits}") if ascii_digits(digits) else None
    isbn = isbn13(text)
    return ("isbn", isbn) if isbn else None


def isbn13(value: str) -> str | None:
    """ISBN-13 digits for an ISBN-10 or ISBN-13 (hyphens ignored), else None."""
    digits = re.sub(r"[^0-9Xx]", "", value).upper()
    if len(digits) == 13 and ascii_digits(digits):
        return digits
    if len(digits) == 10 and ascii_digits(digits[:9]):
        core = "978" + digits[:9]
        check = (10 - sum(int(d) * (1 if i % 2 == 0 else 3) for i, d in enumerate(core)) % 10)
        return core + str(check % 10)
    return None


def triple_keys(triples: Iterable[tuple[Any, Any, Any]]) -> tuple[Key, ...]:
    """The identifiers of the record a set of mapped triples describes (any subject).

    The load's workers call this on the triples they mapped and send the keys
    with the record's N-Quads, so the main process links without parsing. Only
    the record itself carries these predicates in a mapped graph, and the items it
    links to (blank nodes, :mod:`ld.mapping_relations`: its online version's ISBN is
    not its own), which are left out.
    """
    keys = {key for s, p, o in triples
            if p in _KEYSET and not isinstance(s, BNode) and (key := normalise(p, str(o)))}
    isbns = {key for key in keys if key[0] == "isbn"}
    if len(isbns) > 1:  # several ISBNs: related manifestations, not one identity
        keys -= isbns
    return tuple(sorted(keys))


class IdentityLinker:
    """Finds the first record sharing an identifier; returns the owl:sameAs to add.

    ``link_batch`` is called once per batch, in load order, before the batch
    is stored. It asks the store about the batch's identifiers only (a few
    SELECTs of at most :data:`ld.identity_queries.QUERY_SIZE` identifiers each), so a load's cost
    and memory do not grow with the store: a first version read every stored
    identifier at the start of each load, which took 17.6 s and 590 MB for
    a store of 100,000 records before the first record of even a one-record
    load (docs/benchmarks.md, "Identity"). Records of the same batch are
    matched among themselves; earlier batches of the run are in the store by
    then. The identifiers of the latest batches (at most ``remember``) are
    kept with their first record: a recurring identifier would otherwise
    make the store read all its holders for every batch.
    """

    def __init__(self, store: Store, remember: int = REMEMBER) -> None:
        self.store = store
        self.remember = remember
        #: what the store may hold (:mod:`ld.identity_filter`): identifiers it
        #: certainly does not hold are not asked about; None: ask about all
        self.filter: KeyFilter | None = None
        # identifier -> its first record, for the identifiers of the latest batches:
        # the same identifier recurs across batches (an ISBN of many copies, a
        # DOI from several sources), and asking the store again would read
        # every record holding it, each time
        self._known: OrderedDict[Key, str] = OrderedDict()

    def link(self, graph: Graph, record_iri: str) -> list[Triple]:
        """The owl:sameAs for one mapped record (a batch of one)."""
        subject = URIRef(record_iri)
        first = self.link_batch([(record_iri, identifiers(graph, subject))]).get(record_iri)
        return [(subject, OWL.sameAs, URIRef(first))] if first else []

    def link_batch(self, records: Sequence[tuple[str, Iterable[Key]]]) -> dict[str, str]:
        """record IRI -> the first record it shares an identifier with, for those that do.

        ``records`` are (record IRI, identifiers) in load order; a record
        matches the stored records and the ones before it in the batch.
        """
        batch = [(iri, tuple(keys)) for iri, keys in records]
        wanted = {key for _, keys in batch for key in keys}
        first = {key: self._known[key] for key in wanted if key in self._known}
        ask = wanted - first.keys()
        if self.filter is not None:
            ask = {key for key in ask if self.filter.may_hold(key)}
        first.update(self._stored_first(ask, {iri for iri, _ in batch}))
        links = _match(batch, first)
        self._keep(first)
        return links

    def relink(self, records: Sequence[tuple[str, Iterable[Key]]],
               gone: Set[str]) -> dict[str, str]:
        """For stored ``records`` (in load order) that said owl:sameAs one of ``gone``
        (about to be deleted): the first each shares an identifier with once ``gone``
        are deleted; the records not in the answer are firsts themselves.

        Their stored copies count as holders (they keep their identifiers), so the
        earliest of them by the module's rule is first; ``gone`` count for nothing.
        """
        batch = [(iri, tuple(keys)) for iri, keys in records]
        self.forget()  # what is remembered may name a record of ``gone``
        return _match(batch, self._stored_first({k for _, ks in batch for k in ks}, set(), gone))

    def forget(self) -> None:
        """Records were deleted (or not stored after all): what is remembered may
        name them, so ask the store again from now on."""
        self._known.clear()

    def _keep(self, first: dict[Key, str]) -> None:
        """Remember the batch's identifiers, most recent last, at most ``remember``."""
        for key, record in first.items():
            self._known[key] = record
            self._known.move_to_end(key)
        while len(self._known) > self.remember:
            self._known.popitem(last=False)

    def _stored_first(self, keys: set[Key], reloading: set[str],
                      gone: Set[str] = frozenset()) -> dict[Key, str]:
        """For each of ``keys`` held by a stored record, the first such record.

        The first is the record the other holders already say owl:sameAs, even
        when it is being loaded again (then it stays first and links to
        nothing); without one, the earliest holder by dcterms:modified, not
        counting the stored copies of records being loaded again (``reloading``):
        counted, a re-loaded follower found its own old copy earliest, wrote no
        link, and re-loading two sources in turn lost every link between them.
        Records of ``gone`` (being deleted) are neither holders nor firsts.
        """
        holders = {(str(r["key"]), str(r["record"])) for chunk in chunks(sorted(keys))
                   for r in self.store.select(holders_query(chunk))
                   if str(r["record"]) not in gone}
        several = self._several_isbns({r for k, r in holders if k.startswith("isbn ")})
        holders = {(k, r) for k, r in holders if not (k.startswith("isbn ") and r in several)}
        modified, links_to = self._order({record for _, record in holders}, gone)
        by_key: dict[str, list[str]] = {}
        for key, record in holders:
            by_key.setdefault(key, []).append(record)
        first: dict[Key, str] = {}
        for key, records in by_key.items():
            found = _first_of(records, modified, links_to, reloading)
            if found is not None:
                kind, _, value = key.partition(" ")
                first[(kind, value)] = found
        return first

    def _several_isbns(self, records: set[str]) -> set[str]:
        """Those of ``records`` that hold more than one ISBN (an ISBN-10 and its ISBN-13
        are one): their ISBNs do not link them (see the module docstring)."""
        isbns: dict[str, set[str]] = {}
        for chunk in chunks(sorted(records)):
            for row in self.store.select(isbns_query(chunk)):
                isbns.setdefault(str(row["record"]), set()).add(
                    isbn13(str(row["isbn"])) or str(row["isbn"]))
        return {record for record, values in isbns.items() if len(values) > 1}

    def _order(self, records: set[str], gone: Set[str]) -> tuple[dict[str, str], dict[str, str]]:
        """Each record's dcterms:modified, and the stored record (not of ``gone``) each
        one says owl:sameAs."""
        modified: dict[str, str] = {}
        links_to: dict[str, str] = {}
        for chunk in chunks(sorted(records)):
            for row in self.store.select(order_query(chunk)):
                record = str(row["record"])
                if row.get("modified") is not None:
                    modified[record] = min(str(row["modified"]), modified.get(record, "\uffff"))
                if row.get("linked") is not None and str(row["linked"]) not in gone:
                    links_to[record] = min(str(row["linked"]), links_to.get(record, "\uffff"))
        return modified, links_to


def _match(batch: list[tuple[str, tuple[Key, ...]]], first: dict[Key, str]) -> dict[str, str]:
    """record -> the first record it shares an identifier with (``first``: identifier ->
    its first record, so far), in batch order; a record without one becomes the first
    of its identifiers (``first`` is updated)."""
    links: dict[str, str] = {}
    for iri, keys in batch:
        match = next((first[k] for k in keys if first.get(k, iri) != iri), None)
        for key in keys:
            first.setdefault(key, match or iri)
        if match:
            links[iri] = match
    return links


def _first_of(records: list[str], modified: dict[str, str], links_to: dict[str, str],
              reloading: set[str]) -> str | None:
    """The first of the stored records holding one identifier (see ``_stored_first``)."""
    centres = sorted({links_to[r] for r in records if r in links_to})
    if centres:
        return centres[0]
    others = sorted((modified.get(r, "\uffff"), r) for r in records if r not in reloading)
    return others[0][1] if others else None

"""A record's identifiers and outbound links as its page shows them: each target once.

A record names the same DOI, PubMed or PMC record in several ways: its
identifier, a link from the source (``https://dx.doi.org/...``, the old and
new PubMed addresses), an owl:sameAs or rdfs:seeAlso; :func:`target` says
which links are one. A link says what it is when the source did (MARC 856
$3/$y, published as the link's dcterms:title): :func:`web_links`. A thing of
ours the record links without naming it (a journal known by its ISSN only,
another record it is owl:sameAs) is shown by what its own page calls it, not
by its IRI: :func:`unnamed_labels`. The licences and rights statements are
read here too (:func:`read_rights`). Split from :mod:`ld.facts`, which reads
the rest of the record.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import TYPE_CHECKING
from urllib.parse import unquote

import pyoxigraph as ox

from ld import uris
from ld.uris import WEB_SCHEMES

if TYPE_CHECKING:
    from ld.facts import Facts, Index
    from ld.store.base import Store

TitleLookup = Callable[[str], str | None]  # a record's IRI -> its title in the store
_TITLE = "http://purl.org/dc/terms/title"


def new_targets(urls: list[str], linked: set[str]) -> list[str]:
    """The links to a target not linked yet (noted in ``linked``), the first of each."""
    fresh = []
    for url in urls:
        if (key := target(url)) not in linked:
            linked.add(key)
            fresh.append(url)
    return fresh


# Any address of one DOI, PubMed or PMC record (their resolvers, old and new).
_TARGETS = (
    ("doi", re.compile(r"https?://(?:dx\.)?doi\.org/(10\..+)", re.I)),
    ("pmid", re.compile(r"https?://(?:pubmed\.ncbi\.nlm\.nih\.gov/"
                        r"|www\.ncbi\.nlm\.nih\.gov/pubmed/)(\d+)/?", re.I)),
    ("pmc", re.compile(r"https?://(?:pmc\.ncbi\.nlm\.nih\.gov/articles/"
                       r"|www\.ncbi\.nlm\.nih\.gov/pmc/articles/)(PMC\d+)/?", re.I)),
)


def target(url: str) -> str:
    """What a link points at, so a page links each target once: "doi:10.1/x", "pmid:1"
    or "pmc:pmc1" for any address of those records, else the URL itself."""
    for name, pattern in _TARGETS:
        if match := pattern.fullmatch(url.strip()):
            return f"{name}:{unquote(match[1]).lower()}"
    return url


def read_identifiers(index: Index, f: Facts) -> None:
    """DOI, PubMed ids, ISBN, ISSN (the journal's when the record states none), the
    links (each target once, after the identifiers' own) and what fails its check."""
    thing = f.thing
    f.doi = index.values(thing, "bibo:doi")
    f.pmid = index.first(thing, "bibo:pmid")
    f.pmcid = index.first(thing, "ldpub:pmcid")
    f.isbn = index.values(thing, "bibo:isbn", "bibo:isbn13", "bibo:isbn10")
    f.issn = index.values(thing, "bibo:issn") or (
        index.values(f.journal.iri, "bibo:issn", "bibo:eissn") if f.journal else [])
    f.linked = {f"doi:{d.lower()}" for d in f.doi} | {f"pmid:{x}" for x in [f.pmid] if x} | {
        f"pmc:{x.lower()}" for x in [f.pmcid] if x}  # the identifiers' links, as target() keys
    f.urls, odd = web_links(index, new_targets(index.values(thing, "bibo:uri", "foaf:page"),
                                               f.linked))
    f.invalid = [(what, value) for what, prop in _INVALID
                 for value in index.values(thing, prop)] + [("Link", u) for u in odd]


# identifiers and links the record gives that fail their check (see ld.mapping); a
# language naming none is read with the languages (Facts.invalid_languages)
_INVALID = (("ISBN", "ldpub:invalidIsbn"), ("ISSN", "ldpub:invalidIssn"),
            ("DOI", "ldpub:invalidDoi"), ("Link", "ldpub:invalidLink"))


def read_rights(index: Index, f: Facts) -> None:
    """The licences (IRIs: the page links the web ones) and the rights statements."""
    f.licenses = index.values(f.thing, "dcterms:license")
    f.rights = index.values(f.thing, "dcterms:rights")
    f.access_rights = index.values(f.thing, "dcterms:accessRights")


def web_links(index: Index, links: list[str]) -> tuple[list[tuple[str, str | None]], list[str]]:
    """(url, label) for the links a page may make (http, https, ftp), the label being
    the link's dcterms:title ("Table of contents") or None; and the other links,
    which a page shows as text only ("javascript:", "data:"), whoever stored them."""
    web = [u for u in links if is_web(u)]
    return ([(u, index.first(u, "dcterms:title")) for u in web],
            [u for u in links if u not in web])


def is_web(iri: str) -> bool:
    """May a page make ``iri`` a link: http, https or ftp. Any other IRI in the store
    (``javascript:``, ``data:``, a blank node's ``_:`` key) is shown as text: SPARQL
    Update, or another program writing to a remote store, can put anything there."""
    return iri.partition(":")[0].lower() in WEB_SCHEMES


def unnamed_labels(index: Index, thing: str, base: str, titles: TitleLookup | None = None
                   ) -> dict[str, str]:
    """node -> label for the things of ours ``thing`` links that have no label yet (the
    graph does not name them, and no earlier reading labelled them).

    Only those cost anything: one pass over the record's own statements, and
    for another record one ``titles`` look-up (none when it is not given, or
    when the thing has a label already). Other sites' IRIs stay as they are.
    """
    found: dict[str, str] = {}
    for objects in index.by_s.get(thing, {}).values():
        for o in objects:
            if (isinstance(o, ox.NamedNode) and o.value not in found
                    and (parts := uris.split(base, o.value)) and parts[0] == "id"
                    and index.label(o.value) is None):
                found[o.value] = _fallback(index, o.value, parts[1], parts[2], titles)
    return found


def _fallback(index: Index, iri: str, kind: str, key: str, titles: TitleLookup | None
              ) -> str:
    """What a thing's own page calls it when it has no name: its key ("1566-5283", the
    ISSN of a journal keyed by it; a journal's ISSN as written otherwise), a
    record's title when the store has one."""
    if kind == "journal":
        return next(iter(index.values(iri, "bibo:issn", "bibo:eissn", "ldpub:invalidIssn")), key)
    if kind == "record" and titles is not None:
        return titles(iri) or key
    return key


def stored_titles(store: Store, base: str) -> TitleLookup:
    """The title of one of our records as its own graph states it: one index look-up
    (``Store.value``), for :func:`ld.facts.read` to label a record it links."""
    def title(iri: str) -> str | None:
        parts = uris.split(base, iri)
        if parts is None or parts[1] != "record":
            return None
        return store.value(uris.doc_uri(base, "record", parts[2]), iri, _TITLE)
    return title

"""Which record an outbound link points at, so a page links each target once.

A record names the same DOI, PubMed or PMC record in several ways: its
identifier, a link from the source (``https://dx.doi.org/...``, the old and
new PubMed addresses), an owl:sameAs or rdfs:seeAlso. Split from
:mod:`ld.facts`, which reads the record; this is only the notion of "the
same target".
"""

from __future__ import annotations

import re
from urllib.parse import unquote


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

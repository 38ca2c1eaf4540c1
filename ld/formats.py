"""ONE format table and ONE negotiation function.

Every representation ldpub produces (RDF serialisations, SPARQL result
formats, citation formats, HTML) is a row of :data:`FORMATS`. Linked Data
pages, the SPARQL endpoint, dumps and the CLI all look formats up here, and
all content negotiation goes through :func:`negotiate`: file suffix first,
then ``?format=``, then the Accept header (RFC 9110 section 12.5.1).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache

from ld.errors import NotAcceptable


@dataclass(frozen=True)
class Format:
    """One representation.

    ``key`` is the short name used in ``?format=`` and, for the formats of
    documents (:data:`SUFFIXED`), as file suffix (``ext`` lists more names, suffixes
    there); ``kind`` is "rdf" (triples), "dataset"
    (quads), "results" (SPARQL SELECT/ASK), "citation" or "html".
    ``names`` are more ``?format=`` values that mean this format where it is
    offered: SPARQL clients send ``format=xml`` or ``format=json`` whatever
    the query form, so "xml" is RDF/XML for a graph and SPARQL XML for
    results (a suffix names one format only: ``.xml`` is RDF/XML).
    ``rdflib`` is rdflib's serializer/parser plugin name, ``oxigraph`` the
    pyoxigraph RdfFormat / QueryResultsFormat attribute name.
    """

    key: str
    media_type: str
    kind: str
    label: str
    ext: tuple[str, ...] = ()
    aliases: tuple[str, ...] = ()
    rdflib: str | None = None
    oxigraph: str | None = None
    charset: bool = True
    extras: dict[str, str] = field(default_factory=dict)
    names: tuple[str, ...] = ()

    @property
    def suffixes(self) -> tuple[str, ...]:
        """The file suffixes naming it: a document's formats only, as README's table says.
        Other keys (``nq``, ``csv``, ``json``...) are ``?format=`` names: ``/doc/record/x.nq``
        is the record ``x.nq``, not a 406 (nothing with a suffix offers them)."""
        return self.short_names if self.kind in SUFFIXED else ()

    @property
    def short_names(self) -> tuple[str, ...]:
        return (self.key, *self.ext)

    @property
    def content_type(self) -> str:
        plain = f"{self.media_type}; charset=utf-8" if self.charset else self.media_type
        profile = self.extras.get("profile")
        return f'{plain}; profile="{profile}"' if profile else plain

    def matches(self, media_type: str) -> bool:
        return media_type == self.media_type or media_type in self.aliases

    def __hash__(self) -> int:  # cheap, and defined although ``extras`` is a dict
        return hash((self.key, self.media_type))


SUFFIXED = ("rdf", "citation", "html")  # the kinds a document (record, thing, VoID) offers

FORMATS: tuple[Format, ...] = (
    # RDF graphs
    Format("ttl", "text/turtle", "rdf", "Turtle", ("turtle",),
           ("application/x-turtle", "text/n3"), "turtle", "TURTLE",
           names=("n3",)),  # N3 is a superset of Turtle: an N3 reader reads it
    # application/json: what fetch(), jq pipelines and many HTTP libraries ask for;
    # compact JSON-LD is plain JSON (SPARQL SELECT answers it with SPARQL JSON)
    Format("jsonld", "application/ld+json", "rdf", "JSON-LD", ("json-ld",),
           ("application/json",), "json-ld", "JSON_LD", names=("json",)),
    # plain XML types: what XML tool chains ask for (SPARQL SELECT answers SPARQL XML)
    Format("rdf", "application/rdf+xml", "rdf", "RDF/XML", ("xml", "owl", "rdfxml"),
           ("application/xml", "text/xml"), "xml", "RDF_XML", names=("rdf+xml",)),
    Format("nt", "application/n-triples", "rdf", "N-Triples", ("ntriples",),
           ("text/plain",), "nt", "N_TRIPLES"),
    # RDF datasets
    Format("nq", "application/n-quads", "dataset", "N-Quads", ("nquads",),
           ("text/x-nquads",), "nquads", "N_QUADS"),
    Format("trig", "application/trig", "dataset", "TriG", (), (), "trig", "TRIG"),
    # SPARQL results
    # "json" is a name, not a suffix: results are had at /sparql, never at a URL with one
    Format("srj", "application/sparql-results+json", "results", "SPARQL JSON",
           (), ("application/json",), None, "JSON", names=("json",)),
    Format("srx", "application/sparql-results+xml", "results", "SPARQL XML",
           (), ("application/xml", "text/xml"), None, "XML", names=("xml",)),
    Format("csv", "text/csv", "results", "CSV", (), (), None, "CSV"),
    Format("tsv", "text/tab-separated-values", "results", "TSV", (), (), None, "TSV"),
    # citations
    Format("bib", "application/x-bibtex", "citation", "BibTeX", ("bibtex",),
           ("text/x-bibtex",)),
    Format("ris", "application/x-research-info-systems", "citation", "RIS"),
    Format("csljson", "application/vnd.citationstyles.csl+json", "citation", "CSL-JSON",
           ("csl",), ()),
    # people
    Format("html", "text/html", "html", "HTML", ("htm",), ("application/xhtml+xml",)),
    # error messages, in what the client accepts (ld.web.errors); no document offers these
    Format("txt", "text/plain", "text", "Plain text", ("text",)),
    Format("json", "application/json", "text", "JSON"),
)

# JSON-LD 1.1 §9 (its media type's profile parameter): the expanded document form, had by
# asking for it in Accept only (`application/ld+json; profile="...#expanded"`); no suffix
# or ?format= names it, so no document lists it among its formats
EXPANDED_PROFILE = "http://www.w3.org/ns/json-ld#expanded"
EXPANDED_JSONLD = Format("jsonld-expanded", "application/ld+json", "rdf-profile",
                         "JSON-LD (expanded)", rdflib="json-ld", oxigraph="JSON_LD",
                         extras={"profile": EXPANDED_PROFILE})

BY_KEY = {f.key: f for f in FORMATS}
BY_SUFFIX = {s: f for f in FORMATS for s in f.suffixes}


def get(key: str) -> Format:
    """The format whose key is ``key`` (KeyError when none)."""
    return BY_KEY[key]


def formats_of(*kinds: str) -> tuple[Format, ...]:
    """Formats of the given kinds, in table order."""
    return tuple(f for f in FORMATS if f.kind in kinds)


def by_media_type(media_type: str, offered: Sequence[Format] = FORMATS) -> Format | None:
    media_type = media_type.split(";")[0].strip().lower()
    return next((f for f in offered if f.matches(media_type)), None)


def by_name(name: str, offered: Sequence[Format]) -> Format | None:
    """The offered format that ``?format=name`` means: a key, suffix, name or media type.

    Looked up among ``offered`` only, so a name shared by formats of
    different kinds ("xml", "json") picks the one this resource has. A space
    is read as "+": in a query string (and a form) "+" means a space, so
    ``?format=rdf+xml`` or ``?format=application/ld+json`` arrive with one.
    """
    low = name.strip().lower().replace(" ", "+")
    return (next((f for f in offered if low in f.short_names or low in f.names), None)
            or by_media_type(low, offered))


@dataclass(frozen=True)
class MediaRange:
    type: str
    subtype: str
    q: float
    params: tuple[tuple[str, str], ...] = ()

    def match_rank(self, media_type: str) -> int:
        """Specificity of a match (3 exact, 2 type/*, 1 */*), 0 when none."""
        main, _, sub = media_type.partition("/")
        if self.type == "*" and self.subtype == "*":
            return 1
        if self.type == main and self.subtype == "*":
            return 2
        if self.type == main and self.subtype == sub:
            return 3
        return 0


def parse_accept(header: str | None) -> list[MediaRange]:
    """Parse an Accept header per RFC 9110 12.5.1; malformed ranges are skipped."""
    ranges: list[MediaRange] = []
    for part in (header or "").split(","):
        pieces = [p.strip() for p in part.split(";")]
        mtype, _, subtype = pieces[0].lower().partition("/")
        if not mtype or not subtype or (mtype == "*" and subtype != "*"):
            continue  # no range ("*/html" is none either): skipped, as a header of none is
        q, params = 1.0, []
        for param in pieces[1:]:
            name, _, value = param.partition("=")
            name, value = name.strip().lower(), value.strip().strip('"')
            if name == "q":
                q = _weight(value)
            elif name:
                params.append((name, value))
        ranges.append(MediaRange(mtype, subtype, q, tuple(params)))
    return ranges


def _weight(value: str) -> float:
    """A range's q-value, clamped to 0..1; 1 (as if none were given) when it is no number
    ("q=abc", "q=", "q=nan"): a broken weight was q=0, a 406 for the very format the
    client named, while a header that parses not at all is ignored (RFC 9110 §12.5.1
    allows either; the two now agree, and the client gets what it named)."""
    try:
        q = float(value)
    except ValueError:
        return 1.0
    return 1.0 if math.isnan(q) else min(max(q, 0.0), 1.0)


def quality(ranges: Sequence[MediaRange], fmt: Format) -> float:
    """The q-value the client gives ``fmt``: from the most specific matching range."""
    best_rank, best_q = 0, 0.0
    for media_type in (fmt.media_type, *fmt.aliases):
        for r in ranges:
            rank = r.match_rank(media_type)
            if media_type != fmt.media_type and rank < 3:
                continue  # an alias counts only when named: we answer with media_type
            if rank > best_rank or (rank == best_rank and rank and r.q > best_q):
                best_rank, best_q = rank, r.q
    return best_q


def negotiate(
    offered: Sequence[Format],
    *,
    suffix: str | None = None,
    format_param: str | None = None,
    accept: str | None = None,
    default: Format | None = None,
) -> Format:
    """Pick the representation: suffix > ``?format=`` > Accept.

    ``default`` answers a missing or empty Accept and wins ties (so ``*/*``
    gets it); otherwise ties go to the earlier entry of ``offered``.
    Raises :class:`NotAcceptable` listing what is offered.
    """
    default = default or offered[0]
    if suffix:
        fmt = BY_SUFFIX.get(suffix.lower())
        if fmt is None or fmt not in offered:
            raise _not_acceptable(offered, f"format {suffix!r} is not offered here")
        return fmt
    if format_param:
        fmt = by_name(format_param, offered)
        if fmt is None:
            raise _not_acceptable(offered, f"format {format_param!r} is not offered here")
        return fmt
    fmt = _by_accept(tuple(offered), accept or "", default)
    if fmt is None:
        raise _not_acceptable(offered, f"nothing offered here matches Accept: {accept}")
    return fmt


@lru_cache(maxsize=2048)
def _by_accept(offered: tuple[Format, ...], accept: str, default: Format) -> Format | None:
    """The Accept part of :func:`negotiate` (None: nothing acceptable).

    Cached: clients send the same few Accept strings again and again, and
    scoring every format against every range cost ~5% of a record request.
    """
    ranges = parse_accept(accept)
    if not ranges:
        return default
    scored = [(quality(ranges, f), f) for f in offered]
    best = max(q for q, _ in scored)
    if best <= 0:
        return None
    tied = [f for q, f in scored if q == best]
    chosen = default if default in tied else tied[0]
    return EXPANDED_JSONLD if chosen.key == "jsonld" and _asks_expanded(ranges) else chosen


def _asks_expanded(ranges: Sequence[MediaRange]) -> bool:
    """Whether the client's ``application/ld+json`` range names the expanded profile and
    not the compacted one (ours, served when both or neither are named); an unknown
    profile (``#flattened``) is ignored, as JSON-LD 1.1 §9 lets a server do. Of several
    such ranges the one of highest q decides (RFC 9110 §12.5.1), on a tie one with a
    profile (the more specific), then the first listed."""
    jsonld = [r for r in ranges if (r.type, r.subtype) == ("application", "ld+json") and r.q > 0]
    if not jsonld:
        return False
    best = max(jsonld, key=lambda r: (r.q, "profile" in dict(r.params)))
    profiles = dict(best.params).get("profile", "").split()
    return EXPANDED_PROFILE in profiles and COMPACTED_PROFILE not in profiles


COMPACTED_PROFILE = "http://www.w3.org/ns/json-ld#compacted"


def _not_acceptable(offered: Sequence[Format], message: str) -> NotAcceptable:
    return NotAcceptable(message, offered=[f.media_type for f in offered])

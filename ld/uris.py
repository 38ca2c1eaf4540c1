"""The URI scheme.

    {base}id/{kind}/{key}     the thing (a record, a person, a journal, ...)
    {base}doc/{kind}/{key}    the document about it, which is also the named
                              graph holding a record's description

Keys are stable: a record's key is its source id; a person's, organisation's,
journal's or subject's key is derived from its name (or a strong identifier
such as an ISSN or ORCID) so that the same person gets the same URI across
records and across loads.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from urllib.parse import quote, unquote

KINDS = ("record", "person", "organization", "journal", "subject", "collection")

_NON_ALNUM = re.compile(r"[^a-z0-9]+")
_SAFE_KEY = "-._~:@!$'()*,;="  # RFC 3986 pchar without '/', '&', '+', '?', '#', '%'


def slug(text: str) -> str:
    """Lower-case ASCII slug of ``text``; a short hash when nothing ASCII is left.

    Accents are folded (``Müller`` -> ``muller``) so that spelling variants
    of one name in different sources meet on one URI.
    """
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    key = _NON_ALNUM.sub("-", folded.lower()).strip("-")
    if key:
        return key[:120]
    return "h" + hashlib.sha1(text.encode("utf-8")).hexdigest()[:12]


def encode_key(key: str) -> str:
    """Percent-encode a source id for use as one path segment."""
    return quote(key, safe=_SAFE_KEY)


def decode_key(segment: str) -> str:
    return unquote(segment)


def thing_uri(base: str, kind: str, key: str) -> str:
    """``{base}id/{kind}/{key}``; ``key`` is encoded as one path segment."""
    _check_kind(kind)
    return f"{base}id/{kind}/{encode_key(key)}"


def doc_uri(base: str, kind: str, key: str) -> str:
    """``{base}doc/{kind}/{key}``: the document (and named graph) about the thing."""
    _check_kind(kind)
    return f"{base}doc/{kind}/{encode_key(key)}"


def record_uri(base: str, record_id: str) -> str:
    return thing_uri(base, "record", record_id)


def record_graph(base: str, record_id: str) -> str:
    """The named graph of a record is its document URI."""
    return doc_uri(base, "record", record_id)


def split(base: str, uri: str) -> tuple[str, str, str] | None:
    """``(id|doc, kind, key)`` for a URI of ours, or None for anything else."""
    if not uri.startswith(base):
        return None
    parts = uri[len(base):].split("/")
    if len(parts) != 3 or parts[0] not in ("id", "doc") or parts[1] not in KINDS:
        return None
    return parts[0], parts[1], decode_key(parts[2])


def _check_kind(kind: str) -> None:
    if kind not in KINDS:
        raise ValueError(f"unknown URI kind {kind!r}; expected one of {', '.join(KINDS)}")

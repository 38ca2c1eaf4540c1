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

# The schemes of links a reader may follow from a record page (foaf:page): any
# other ("javascript:", "data:") is set apart, never published as a link.
WEB_SCHEMES = frozenset({"http", "https", "ftp"})

KINDS = ("record", "person", "organization", "journal", "subject", "collection")

# The version of the rules that make URIs: this scheme and every key (slug below,
# ld.mapping_things, ld.mapping_identifiers). RAISE IT whenever a rule changes a URI
# an earlier version minted: a store notes the version of its first records
# (ld.store.mapping_version), and loads and servers of a store minted under another
# say that a partial re-load gives one journal or person two URIs.
# tests/test_store_versions.py holds what each version keys a fixed set of records to.
MAPPING_VERSION = 3  # 2: a death date alone keys a person apart (explore12/marc H1)
# 3: a 600/610/611/630 name-title heading keeps the title parts after $t ($l "French", $k, $f,
# $m-$s; 611 $k $l), so such a subject is labelled and keyed apart (explore12/marc L9, 2fe423a)

_NON_ALNUM = re.compile(r"[^a-z0-9]+")
_SAFE_KEY = "-._~:@!$'()*,;="  # RFC 3986 pchar without '/', '&', '+', '?', '#', '%'
MAX_KEY = 120  # characters of a slug; a longer one is cut and ends in a hash
_LATIN_MARKS = re.compile("[\u0300-\u036f]+")  # the accents NFKD takes off Latin letters
# Latin letters whose Unicode name gives no (or not the usual) plain spelling.
_SPELLED = {"ß": "ss", "ẞ": "ss", "ð": "d", "Ð": "d", "þ": "th", "Þ": "th", "ĸ": "q",
            "ŋ": "ng", "Ŋ": "ng", "ə": "e", "Ə": "e", "ʒ": "z", "Ʒ": "z"}
_LATIN_BLOCKS = ((0xC0, 0x2AF), (0x1D00, 0x1DBF), (0x1E00, 0x1EFF), (0x2C60, 0x2C7F),
                 (0xA720, 0xA7FF), (0xAB30, 0xAB6F))
_NAMED = re.compile(r"LATIN (?:[A-Z]+ )*?(?:LETTER|LIGATURE) (.+?)(?: WITH .*)?")


def _plain_spelling(char: str) -> str | None:
    """``ł`` -> ``l``, ``æ`` -> ``ae``: the letter(s) a Latin letter is named after
    ("LATIN SMALL LETTER L WITH STROKE", "LATIN SMALL LETTER TURNED A")."""
    named = _NAMED.fullmatch(unicodedata.name(char, ""))
    words = named.group(1).split() if named else []
    letters = [w for w in words if len(w) <= 2 and w.isalpha()]
    return letters[-1].lower() if letters else None


def _latin_table() -> dict[int, str]:
    """Every Latin letter NFKD leaves whole (so ASCII folding used to drop it), spelled.

    Why: "Łysiak" became "ysiak" and "Hasenfuß" "hasenfu". Letters NFKD does
    decompose are not in the table, so every key that slugged fine keeps its key.
    """
    table = {}
    for first, last in _LATIN_BLOCKS:
        for char in map(chr, range(first, last + 1)):
            if unicodedata.normalize("NFKD", char) == char and unicodedata.category(char) != "Lm":
                spelled = _SPELLED.get(char) or _plain_spelling(char)
                if spelled:
                    table[ord(char)] = spelled
    return table


_LATIN = _latin_table()
_ANY_LATIN = re.compile("[" + re.escape("".join(map(chr, _LATIN))) + "]")  # finds, C-fast
_NOT_SPELLED = re.compile("[^\x00-\x7f\u0300-\u036f]")  # not ASCII, not a Latin accent


def transliterate(text: str) -> str:
    """``text`` decomposed (NFKD) with each Latin letter that has no decomposition
    spelled in ASCII (ł -> l, ø -> o, ß -> ss, þ -> th); accents stay as combining marks.

    Slugs and the search index fold text with it, so "Łysiak" and "Lysiak" meet.
    """
    decomposed = unicodedata.normalize("NFKD", text)
    return decomposed.translate(_LATIN) if _ANY_LATIN.search(decomposed) else decomposed


def slug(text: str) -> str:
    """Lower-case ASCII slug of ``text``; a short hash when nothing ASCII is left.

    Accents are folded (``Müller`` -> ``muller``, ``Łysiak`` -> ``lysiak``) so that
    spelling variants of one name in different sources meet on one URI. A key that
    does not spell the whole text, because it is cut at :data:`MAX_KEY` or because
    it leaves out letters of another script ("β-lactamase"), ends in a hash of the
    whole text, so two different labels never share a key.
    """
    folded = transliterate(text)
    key = _NON_ALNUM.sub("-", folded.encode("ascii", "ignore").decode("ascii").lower()).strip("-")
    if not key:
        return "h" + _digest(text, 12)
    whole = _whole(folded, key)
    if whole != key or len(key) > MAX_KEY:
        return key[:MAX_KEY - 9].rstrip("-") + "-" + _digest(whole, 8)
    return key


def _whole(folded: str, key: str) -> str:
    """The normalised text ``key`` stands for: ``key`` itself unless letters or digits
    it cannot spell (another script) were left out; then those are kept too.

    Modifier letters alone (the ʻ and ʼ of romanised Arabic or Hebrew) leave
    nothing out: ASCII folding always passed over them like punctuation."""
    if folded.isascii() or not any(map(_unspelled, _NOT_SPELLED.findall(folded))):
        return key
    kept = "".join(char if (char.isascii() and char.isalnum()) or _other_script(char) else " "
                   for char in _LATIN_MARKS.sub("", folded).lower())
    return "-".join(kept.split())


def _unspelled(char: str) -> bool:
    """A letter or digit (not a modifier letter) of another script."""
    category = unicodedata.category(char)
    return category[0] in "LN" and category != "Lm"


def _other_script(char: str) -> bool:
    """A letter, digit or mark of another script, which the hash of a key keeps."""
    return not char.isascii() and unicodedata.category(char)[0] in "LNM"


def _digest(text: str, size: int) -> str:
    return hashlib.sha1(text.encode("utf-8")).hexdigest()[:size]


def encode_key(key: str) -> str:
    """Percent-encode a source id for use as one path segment."""
    return quote(key, safe=_SAFE_KEY)


def decode_key(segment: str) -> str:
    return unquote(segment)


DOT_SEGMENTS = frozenset({".", ".."})


def unusable_key(key: str) -> str | None:
    """Why ``key`` can never be the last segment of a URI that dereferences, or None.

    ``.`` and ``..`` are dot segments: browsers and URL parsers remove them (written
    ``%2E`` or ``%2e%2E`` too) before a request is sent, so ``{base}id/record/..``
    is fetched as ``{base}id/``. No encoding avoids that: such an id is refused.
    """
    if key in DOT_SEGMENTS:
        return (f"the id {key!r} cannot be published: '.' and '..' are dot segments, "
                "which browsers and URL parsers drop from a URI before fetching it, so "
                "its URI would name another resource; give the record another id")
    return None


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

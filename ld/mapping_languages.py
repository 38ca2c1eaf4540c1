"""Languages of the mapping: a language name or code as a source writes it -> the
id.loc.gov IRI of its ISO 639-2 code (ISO 639-5 for a language family 639-2 lacks).

Apart from :mod:`ld.mapping_terms` because names need rules, not a look-up:
VuFind labels records with the names of the MARC Code List for Languages
("French, Old (ca. 842-1300)", "Norwegian (Nynorsk)", "Kru (Other)"), which are
not pycountry's ISO 639-3 names ("Old French (842-ca. 1400)", "Norwegian
Nynorsk") nor its ISO 639-5 ones ("Kru languages"). Names are compared by a key
(:func:`_key`: no case, accents, punctuation, dates, "(macrolanguage)",
"(Other)"), "X, Old" also as "Old X", in tiers from the most to the least
specific (:data:`_TIERS`), a key that names two languages in a tier naming
neither. A qualified name never falls back to its first word: "French, Old"
is Old French or nothing, never French.

pycountry ships ISO 639-3 and 639-5 but not the list of ISO 639-2 codes, and
id.loc.gov publishes ISO 639-2 only (bibliographic codes: ``fre``, not ``fra``):
so the 639-2 codes are listed (:mod:`ld.mapping_language_tables`), and a name of a
639-3 language outside it ("Batak", bya) loses to a 639-2 collective ("Batak
languages", btk). A code or name only ISO 639-3 knows ("cmn") keeps the IRI it
always had, under iso639-2/, rather than rejecting its record.

A value is read whole first, then as a list ("en;fr", "English, French": each
language), a part as a code, a BCP 47 tag by its primary language ("zh-Hans";
Java's deprecated "iw" and "in" as Hebrew and Indonesian) or a name
(:func:`read_languages`). What names no language is returned apart, for the
mapping to publish as ldpub:invalidLanguage with a warning: DSpace repositories
write all of these, and a harvester cannot correct them (explore12 pubmed H1, H2).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from functools import lru_cache
from typing import NamedTuple

import pycountry
from rdflib import URIRef

from ld.mapping_language_tables import ISO639_2_CODES, ISO_ALTERNATIVES, MARC_NAMES
from ld.namespaces import ISO639_2, ISO639_5

# ISO 639-2's special codes by the words catalogues write for them (VuFind: "Unknown";
# MARC: "Miscellaneous languages", ISO's "Uncoded languages")
_SPECIAL = {"unknown": "und", "undetermined": "und", "miscellaneous languages": "mis",
            "multiple": "mul", "multilingual": "mul", "multiple languages": "mul",
            "no linguistic content": "zxx"}

# Most specific first: MARC's own names; names of ISO 639-2 languages, then ISO 639-2's
# other names of them (:data:`ISO_ALTERNATIVES`); of 639-2 collective codes ("Kru
# (Other)", "Batak"); 639-2 names without their qualifier on the ISO side ("Egyptian
# (Ancient)" answers "Egyptian"); 639-5 families; 639-3 only.
_TIERS = ("marc", "iso639-2", "alternative", "collective", "bare", "iso639-5", "iso639-3")
# Qualifiers that say what kind of code, or which period, not which language
_QUALIFIER = re.compile(
    r"\((?:[^()]*[0-9][^()]*|macrolanguage|other|family|artificial language)\)", re.I)


class Languages(NamedTuple):
    """What one language value names: the IRIs of its languages, and the parts of it
    that name none (published apart, as ldpub:invalidLanguage)."""

    iris: tuple[URIRef, ...]
    unread: tuple[str, ...]


@lru_cache(maxsize=4096)  # pure, and the same values recur record after record
def read_languages(value: str) -> Languages:
    """Every language a value names: "English; French", "en, de", "eng/fre" are two.

    The whole value is read as one name first, since the names of the table hold
    commas and semicolons ("French, Old (ca. 842-1300)", "Spanish; Castilian"); only
    then is it split, on ";", ",", "/", "&" and "and", each part read alone. A value
    that says there is no language ("N/A", "None", "--") gives nothing, as ISO's
    own codes for that (und, zxx) give themselves.
    """
    codes, unread = _read(" ".join(value.split()))
    return Languages(tuple(_iri(code) for code in dict.fromkeys(codes)), tuple(unread))


def language_iri(value: str) -> URIRef | None:
    """The IRI of the one language ``value`` names ("French, Old (ca. 842-1300)", "fre",
    "fr-CA"), or None when it names none, or several (see :func:`read_languages`)."""
    found = read_languages(value)
    return found.iris[0] if len(found.iris) == 1 and not found.unread else None


# Words a source writes for "no language given": nothing to publish, nothing to warn of
_NO_LANGUAGE = frozenset({"n/a", "n.a.", "none", "null", "not applicable", "other"})
# The separators of a list of languages, tried in this order (the widest first)
_SEPARATORS = tuple(re.compile(p, re.I) for p in (
    r"\s*;\s*", r"\s*,\s*", r"\s*/\s*", r"\s+(?:and|&)\s+|\s*&\s*"))


def _read(text: str) -> tuple[list[str], list[str]]:
    """(codes, parts that name no language) of ``text``.

    A list every part of which reads ("en, de", "N/A; --") is that list: names are
    compared without punctuation, and read whole "en, de" was the Ende language. Else
    the whole value as one name ("French, Old (ca. 842-1300)": "Old" alone reads as
    nothing); else the parts that read, the rest set apart (the whole when none reads).
    """
    if text.casefold() in _NO_LANGUAGE or not re.search(r"[^\W_]", text):
        return [], []
    read = [_read(part) for part in _parts(text)]
    codes = [code for found, _ in read for code in found]
    unread = [part for _, missed in read for part in missed]
    if read and not unread:
        return codes, []
    if code := _one(text):
        return [code], []
    return (codes, unread) if codes else ([], [text])


def _parts(text: str) -> list[str]:
    """The parts of a list of languages, split at the first separator it has; [] for one."""
    for separator in _SEPARATORS:
        parts = [part for part in separator.split(text) if part]
        if len(parts) > 1:
            return parts
    return []


# Deprecated ISO 639-1 codes BCP 47 still reads (RFC 5646 section 2.2.1): Java's Locale
# writes them to this day, so DSpace's dc.language holds "iw_IL" and "in_ID"
_DEPRECATED = {"iw": "heb", "in": "ind", "ji": "yid", "jw": "jav", "mo": "rum"}
# A BCP 47 language tag (RFC 5646 section 2.1, "langtag"), "_" read as "-" (Java's
# locales): its language is the primary subtag's ("zh-Hans", "sr-Latn-RS"). A primary
# subtag of three letters is one in one case (:func:`_one`): "Uto-Aztecan" is a name.
_TAG = re.compile(r"""([A-Za-z]{2,3})(?:-[A-Za-z]{3}){0,3}  # language, extlangs
    (?:-[A-Za-z]{4})?(?:-(?:[A-Za-z]{2}|[0-9]{3}))?  # script, region
    (?:-(?:[A-Za-z0-9]{5,8}|[0-9][A-Za-z0-9]{3}))*  # variants
    (?:-[0-9A-WY-Za-wy-z](?:-[A-Za-z0-9]{2,8})+)*(?:-[Xx](?:-[A-Za-z0-9]{1,8})+)?""", re.X)


def _one(text: str) -> str | None:
    """The code of one language: a code or tag ("en", "fre", "zh-Hans", "iw_IL"), else a
    name. Two letters are a code ("en", never the En language); three letters a code
    when written in one case ("kru" is Kurukh), a name first otherwise ("Kru")."""
    tag = _TAG.fullmatch(text.replace("_", "-"))
    if tag and (len(tag[1]) == 2 or tag[1].islower() or tag[1].isupper()):
        return _code(tag[1])
    if (code := _by_name(text)) is not None:
        return code
    # a capitalised word that is no name ("Eng", "Fra") is a code if ISO 639-2 has it:
    # "Old", in "Newari, Old", is no language (639-3's old is Mochi)
    code = _code(text) if re.fullmatch(r"[A-Za-z]{3}", text) else None
    return code if code in ISO639_2_CODES else None


def _iri(code: str) -> URIRef:
    if code not in ISO639_2_CODES and pycountry.language_families.get(alpha_3=code):
        return ISO639_5[code]
    return ISO639_2[code]


def _code(text: str) -> str | None:
    """The ISO 639-2 (bibliographic) code of a 639-1, 639-2 (B or T), 639-3 or 639-5 code."""
    code = text.lower()
    if code in ISO639_2_CODES or code in _DEPRECATED:
        return _DEPRECATED.get(code, code)
    lang = (pycountry.languages.get(alpha_2=code) if len(code) == 2
            else pycountry.languages.get(alpha_3=code) or pycountry.language_families.get(
                alpha_3=code))
    return (getattr(lang, "bibliographic", None) or lang.alpha_3) if lang else None


def _by_name(text: str) -> str | None:
    """The code of one language name ("French, Old", also as "Old French"), or None."""
    if (special := _SPECIAL.get(text.lower())) is not None:
        return special
    tiers = _index()
    names = [text, *_inverted(text)]
    for tier in _TIERS:
        keyed = _whole if tier == "marc" else _key
        for key in {keyed(name) for name in names}:
            codes = tiers[tier].get(key, ())
            if len(codes) == 1:
                return next(iter(codes))
    return None


def _inverted(name: str) -> list[str]:
    """"French, Old (ca. 842-1300)" -> ["Old French (ca. 842-1300)"]; [] without a comma."""
    m = re.fullmatch(r"\s*([^,()]+?),\s*([^,()]+?)(\s*\(.*\))?\s*", name)
    return [f"{m[2]} {m[1]}{m[3] or ''}"] if m else []


def _whole(name: str) -> str:
    """A name without case, accents, spaces or punctuation: "Provençal (to 1500)" ->
    "provencalto1500"."""
    folded = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "", folded.lower())


def _key(name: str) -> str:
    """:func:`_whole` of a name without qualifiers of period or kind (:data:`_QUALIFIER`)."""
    return _whole(_QUALIFIER.sub(" ", name))


def _bare(name: str) -> str:
    """:func:`_key` of a name without any parenthesis: "Egyptian (Ancient)" -> "egyptian"."""
    return _key(re.sub(r"\([^()]*\)", " ", name))


@lru_cache(maxsize=1)
def _index() -> dict[str, dict[str, set[str]]]:
    """tier -> name key -> codes, from pycountry and :data:`MARC_NAMES`, built once."""
    tiers: dict[str, dict[str, set[str]]] = {tier: {} for tier in _TIERS}
    for tier, key, code in _entries():
        if key:  # a name of other letters only folds to nothing
            tiers[tier].setdefault(key, set()).add(code)
    return tiers


def _entries() -> Iterator[tuple[str, str, str]]:
    """(tier, name key, code) for every name of every language and family."""
    for code, name in MARC_NAMES.items():
        yield "marc", _whole(name), code
    for code, names in ISO_ALTERNATIVES.items():
        for name in names.split("; "):
            yield "alternative", _key(name), code
    for lang in pycountry.languages:
        code = getattr(lang, "bibliographic", None) or lang.alpha_3
        for name in _names(lang):
            if code in ISO639_2_CODES:
                yield "iso639-2", _key(name), code
                yield "bare", _bare(name), code
            else:
                yield "iso639-3", _key(name), code
    for family in pycountry.language_families:
        tier = "collective" if family.alpha_3 in ISO639_2_CODES else "iso639-5"
        for name in (family.name, re.sub(r"\s+languages\b", "", family.name)):
            yield tier, _key(name), family.alpha_3


def _names(lang: object) -> list[str]:
    """The English names pycountry gives a language: its name, inverted name
    ("French, Old ...") and common name ("Bangla")."""
    fields = ("name", "inverted_name", "common_name")
    return [name for name in (getattr(lang, f, None) for f in fields) if name]


_SUBTAG = re.compile(r"[A-Za-z0-9]{1,8}")


@lru_cache(maxsize=1024)  # pure, and the same few codes recur record after record
def language_tag(code: str) -> str | None:
    """The BCP 47 tag of the language a source states for a text: "rus" -> "ru",
    "chi" -> "zh", "eng-GB" -> "en-GB", "haw" -> "haw".

    BCP 47 wants the ISO 639-1 code where there is one, else the 639-3 (or
    639-5) one; the subtags after it (script, region) are kept as written, or
    dropped when one is no subtag. None for a code pycountry does not know and
    for the codes that name no language (und, mul, zxx, mis): an untagged text
    says less, a wrongly tagged one misleads a client choosing by language.
    """
    primary, *rest = code.strip().replace("_", "-").split("-")
    lang = _coded_language(primary.lower())
    if lang is None:
        return None
    tag = getattr(lang, "alpha_2", None) or lang.alpha_3
    return "-".join([tag, *rest]) if all(map(_SUBTAG.fullmatch, rest)) else tag


def _coded_language(code: str) -> object | None:
    """pycountry's language (or family) of an ISO 639-1, 639-2 (B or T), 639-3 or 639-5
    code; None for another code and for the special ones (type "S")."""
    if len(code) == 2:
        lang = pycountry.languages.get(alpha_2=code)
    elif len(code) == 3:
        lang = (pycountry.languages.get(alpha_3=code) or pycountry.languages.get(
            bibliographic=code) or pycountry.language_families.get(alpha_3=code))
    else:
        return None
    return None if lang is None or getattr(lang, "type", None) == "S" else lang


def language_name(code: str) -> str | None:
    """The English name of an ISO 639-2 or 639-5 code, for pages: pycountry's, else
    MARC's (pycountry lacks "him", Western Pahari languages)."""
    lang = (pycountry.languages.get(alpha_3=code) or pycountry.languages.get(bibliographic=code)
            or pycountry.language_families.get(alpha_3=code))
    return lang.name if lang else MARC_NAMES.get(code)

"""Value-level rules of the mapping: format table, dates, relator roles.

Kept apart from :mod:`ld.mapping` (which decides *which* triples a record
gives) because these are the parts that change when a new source shows up
with a new way of writing the same thing. Each function takes a value as the
source wrote it and returns the RDF term, or None when the value means
nothing we can publish; none of them raises for odd data, because deciding
what is publishable is the shapes' job (they report the value and the field).
Identifiers (DOI, ISBN, ISSN, PubMed, ORCID, person keys) follow standards,
not sources, and live in :mod:`ld.mapping_identifiers`; languages (names need
rules of their own) in :mod:`ld.mapping_languages`; the ones tests call
through this module are re-exported here.
"""

from __future__ import annotations

import re
from datetime import date
from functools import lru_cache

from rdflib import Literal, URIRef
from rdflib.namespace import XSD as _XSD

from ld import namespaces as ns
from ld.mapping_identifiers import clean_doi, doi_iri, person_key
from ld.mapping_languages import language_iri
from ld.mapping_relator_tables import OTHER_TERMS
from ld.namespaces import RELATORS

__all__ = ["FORMATS", "OTHER_TERMS", "RECORD_CLASSES", "clean_doi", "doi_iri",
           "is_author", "is_editor", "issued_literal", "language_iri", "person_key",
           "record_types", "relator_iri"]

# looked up once (ld.namespaces.Terms), not through rdflib's namespace machinery per call
BIBO, DCMITYPE, XSD = ns.Terms(ns.BIBO), ns.Terms(ns.DCMITYPE), ns.Terms(_XSD)

# --- formats -------------------------------------------------------------
# label (lower case, as VuFind/MARC readers write it; looked up without spaces and
# hyphens, see format_types) -> (bibo class, DCMI type).
# None for a class means "says nothing about the kind of work" (carrier labels
# such as "Online" or "Print"); the record then falls back to bibo:Document.
FORMATS: dict[str, tuple[URIRef | None, URIRef | None]] = {
    "article": (BIBO.Article, DCMITYPE.Text),  # AcademicArticle when scholarly, see below
    "journal article": (BIBO.AcademicArticle, DCMITYPE.Text),
    "book": (BIBO.Book, DCMITYPE.Text),
    "ebook": (BIBO.Book, DCMITYPE.Text),
    "e-book": (BIBO.Book, DCMITYPE.Text),
    "book chapter": (BIBO.Chapter, DCMITYPE.Text),
    "chapter": (BIBO.Chapter, DCMITYPE.Text),
    "journal": (BIBO.Journal, DCMITYPE.Text),
    "ejournal": (BIBO.Journal, DCMITYPE.Text),
    "serial": (BIBO.Periodical, DCMITYPE.Text),
    "periodical": (BIBO.Periodical, DCMITYPE.Text),
    "newspaper": (BIBO.Newspaper, DCMITYPE.Text),
    "magazine": (BIBO.Magazine, DCMITYPE.Text),
    "thesis": (BIBO.Thesis, DCMITYPE.Text),
    "dissertation": (BIBO.Thesis, DCMITYPE.Text),
    "report": (BIBO.Report, DCMITYPE.Text),
    "manuscript": (BIBO.Manuscript, DCMITYPE.Text),
    "letter": (BIBO.Letter, DCMITYPE.Text),
    "conference proceeding": (BIBO.Proceedings, DCMITYPE.Text),
    "proceedings": (BIBO.Proceedings, DCMITYPE.Text),
    "patent": (BIBO.Patent, DCMITYPE.Text),
    "standard": (BIBO.Standard, DCMITYPE.Text),
    "musical score": (BIBO.Document, DCMITYPE.Text),
    "map": (BIBO.Map, DCMITYPE.StillImage),
    "atlas": (BIBO.Map, DCMITYPE.StillImage),
    "globe": (BIBO.Map, DCMITYPE.PhysicalObject),
    "image": (BIBO.Image, DCMITYPE.StillImage),
    "photo": (BIBO.Image, DCMITYPE.StillImage),
    "photograph": (BIBO.Image, DCMITYPE.StillImage),
    "slide": (BIBO.Image, DCMITYPE.StillImage),
    "drawing": (BIBO.Image, DCMITYPE.StillImage),
    "video": (BIBO.AudioVisualDocument, DCMITYPE.MovingImage),
    "videorecording": (BIBO.AudioVisualDocument, DCMITYPE.MovingImage),
    "dvd": (BIBO.AudioVisualDocument, DCMITYPE.MovingImage),
    "film": (BIBO.Film, DCMITYPE.MovingImage),
    "sound recording": (BIBO.AudioDocument, DCMITYPE.Sound),
    "music recording": (BIBO.AudioDocument, DCMITYPE.Sound),
    "audio": (BIBO.AudioDocument, DCMITYPE.Sound),
    "cd": (BIBO.AudioDocument, DCMITYPE.Sound),
    "website": (BIBO.Website, DCMITYPE.InteractiveResource),
    "web page": (BIBO.Webpage, DCMITYPE.Text),
    "dataset": (BIBO.Document, DCMITYPE.Dataset),
    "software": (BIBO.Document, DCMITYPE.Software),
    "computer file": (BIBO.Document, DCMITYPE.Software),
    "kit": (BIBO.Document, DCMITYPE.PhysicalObject),
    "physical object": (BIBO.Document, DCMITYPE.PhysicalObject),
    "text": (None, DCMITYPE.Text),
    "online": (None, None),
    "electronic": (None, None),
    "print": (None, None),
    "microfilm": (None, None),
    "microfiche": (None, None),
    # ldpub's own MARC reader (ld.readers.marc_codes): Leader/06 g that is not a video
    # (slides, transparencies; or 008 does not say: DCMI Image covers still and moving),
    # Leader/06 p (archival collections), serial 008/21 d; "Unknown" says nothing
    "projected medium": (BIBO.Image, DCMITYPE.Image),
    "mixed materials": (BIBO.Document, DCMITYPE.Collection),
    "archival material": (BIBO.Document, DCMITYPE.Collection),
    "database": (BIBO.Document, DCMITYPE.Dataset),
    "unknown": (None, None),
    # VuFind's format values (FormatCalculator, written "VideoCassette" in Solr and
    # "Video Cassette" on its pages: keys are compared without spaces or hyphens) and
    # the labels of its format_map ("VHS", "DVD", "Audio", "Cassette", ...)
    "video cassette": (BIBO.AudioVisualDocument, DCMITYPE.MovingImage),
    "vhs": (BIBO.AudioVisualDocument, DCMITYPE.MovingImage),
    "video disc": (BIBO.AudioVisualDocument, DCMITYPE.MovingImage),
    "blu-ray": (BIBO.AudioVisualDocument, DCMITYPE.MovingImage),
    "blu-ray disc": (BIBO.AudioVisualDocument, DCMITYPE.MovingImage),
    "brdisc": (BIBO.AudioVisualDocument, DCMITYPE.MovingImage),
    "video cartridge": (BIBO.AudioVisualDocument, DCMITYPE.MovingImage),
    "video reel": (BIBO.AudioVisualDocument, DCMITYPE.MovingImage),
    "video online": (BIBO.AudioVisualDocument, DCMITYPE.MovingImage),
    "online video": (BIBO.AudioVisualDocument, DCMITYPE.MovingImage),
    "motion picture": (BIBO.Film, DCMITYPE.MovingImage),
    "sound disc": (BIBO.AudioDocument, DCMITYPE.Sound),
    "sound cassette": (BIBO.AudioDocument, DCMITYPE.Sound),
    "cassette": (BIBO.AudioDocument, DCMITYPE.Sound),  # format_map: SoundCassette
    "filmstrip": (BIBO.Image, DCMITYPE.StillImage),  # a strip of still frames
    "transparency": (BIBO.Image, DCMITYPE.StillImage),
    "painting": (BIBO.Image, DCMITYPE.StillImage),
    "collage": (BIBO.Image, DCMITYPE.StillImage),
    "photonegative": (BIBO.Image, DCMITYPE.StillImage),
    "poster": (BIBO.Image, DCMITYPE.StillImage),
    "postcard": (BIBO.Image, DCMITYPE.StillImage),
    "chart": (BIBO.Image, DCMITYPE.StillImage),
    "flash card": (BIBO.Image, DCMITYPE.StillImage),
    "sensor image": (BIBO.Image, DCMITYPE.StillImage),
    # computer carriers: VuFind's format_map calls them all "Software"
    "cd-rom": (BIBO.Document, DCMITYPE.Software),
    "floppy disk": (BIBO.Document, DCMITYPE.Software),
    "tape cartridge": (BIBO.Document, DCMITYPE.Software),
    "chip cartridge": (BIBO.Document, DCMITYPE.Software),
    "disc cartridge": (BIBO.Document, DCMITYPE.Software),
    "tape cassette": (BIBO.Document, DCMITYPE.Software),
    "tape reel": (BIBO.Document, DCMITYPE.Software),
    "video game": (BIBO.Document, DCMITYPE.InteractiveResource),
    "book component part": (BIBO.Chapter, DCMITYPE.Text),
    "serial component part": (BIBO.Article, DCMITYPE.Text),
    "braille": (None, DCMITYPE.Text),  # carriers of text: the class comes from another label
    "large print": (None, DCMITYPE.Text),
    "tape": (None, None),  # sound, video or computer tape: says nothing of the work
    "government document": (None, None),
    "online integrating resource": (None, None),
    "physical integrating resource": (None, None),
    # the DCMI Type Vocabulary by name (DCMI recommends it for dc:type: "StillImage",
    # "MovingImage"; keys compare without spaces), and the work types of the OpenAIRE
    # (DRIVER, COAR) vocabularies ld.readers.oai_dc_values names them by
    "still image": (BIBO.Image, DCMITYPE.StillImage),
    "moving image": (BIBO.AudioVisualDocument, DCMITYPE.MovingImage),
    "sound": (BIBO.AudioDocument, DCMITYPE.Sound),
    "interactive resource": (None, DCMITYPE.InteractiveResource),
    "collection": (None, DCMITYPE.Collection),
    "event": (None, DCMITYPE.Event),
    "service": (None, DCMITYPE.Service),
    "review": (BIBO.Article, DCMITYPE.Text),
    "conference paper": (BIBO.Article, DCMITYPE.Text),
    "lecture": (None, DCMITYPE.Text),
}

# Every class a record can get; the record shape targets exactly these.
RECORD_CLASSES: frozenset[URIRef] = frozenset(
    {c for c, _ in FORMATS.values() if c is not None} | {BIBO.AcademicArticle, BIBO.Document}
)


def record_types(labels: list[str], scholarly: bool) -> tuple[list[URIRef], list[URIRef]]:
    """(bibo classes, DCMI types) for a record's format labels, in label order.

    An "Article" that comes with a journal or a PubMed/PMC id is a
    bibo:AcademicArticle; unknown labels are kept on the record as
    ldpub:formatLabel by the caller, and a record no label classifies is a
    bibo:Document.
    """
    classes: list[URIRef] = []
    types: list[URIRef] = []
    for label in labels:
        cls, dcmi = format_types(label)
        if cls == BIBO.Article and scholarly:
            cls = BIBO.AcademicArticle
        if cls is not None and cls not in classes:
            classes.append(cls)
        if dcmi is not None and dcmi not in types:
            types.append(dcmi)
    return classes or [BIBO.Document], types


def format_types(label: str) -> tuple[URIRef | None, URIRef | None]:
    """(bibo class, DCMI type) of one format label; (None, None) when the table has
    none. Compared without case, spaces or hyphens: VuFind writes "VideoCassette" in
    its index and "Video Cassette" on its pages, catalogues "e-book" and "eBook"."""
    return _FORMAT_KEYS.get(_format_key(label), (None, None))


def _format_key(label: str) -> str:
    return re.sub(r"[\s_-]+", "", label.lower())


_FORMAT_KEYS = {_format_key(label): types for label, types in FORMATS.items()}


# --- text --------------------------------------------------------------------

# Characters no RDF/XML (XML 1.0) document can hold: C0 controls other than tab
# and line ends, and the non-characters U+FFFE and U+FFFF. Turtle and JSON-LD
# escape them, so the same record would parse in one advertised format and not
# in another. They carry nothing a reader sees (a bell, a NUL from a broken
# export), so they are dropped; a lone surrogate (half of a broken character,
# which not even UTF-8 can write) becomes U+FFFD, the visible replacement.
# DEL and the C1 controls (U+007F-U+009F) too: XML allows them, but HTML forbids
# them on a page ("control-character-in-input-stream"; &#x83; is read as cp1252's
# "ƒ"), and no text uses them: they are what is left of text decoded with the wrong
# character set (mojibake), which the mapping notes on the title before dropping them
# (ld.mapping titles, ldpub:droppedControlCharacters), so the shapes still warn.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufffe\uffff]")
C1_CONTROLS = re.compile("[\x80-\x9f]")  # the mojibake sign (shapes/record.ttl)
_SURROGATE = re.compile("[\ud800-\udfff]")


@lru_cache(maxsize=8192)  # names, labels and subjects recur record after record
def text_literal(text: str, language: str | None = None) -> Literal:
    """A literal of ``text`` that every RDF syntax can write (see ``_NOT_XML``), tagged
    with ``language`` (a BCP 47 tag) when given."""
    return Literal(_SURROGATE.sub("\ufffd", _NOT_XML.sub("", text)), lang=language)


# --- dates -------------------------------------------------------------------

_DAY = re.compile(r"\s*([0-9]{4})-([0-9]{2})-([0-9]{2})(?:[T ][0-9:.Z+-]*)?(?:/[0-9.]\S*)?\s*")
_MONTH = re.compile(r"\s*([0-9]{4})-([0-9]{2})(?:/[0-9.]\S*)?\s*")  # "/...": an interval's end
_BCE = re.compile(r"\s*(-[0-9]{4})(-0[1-9]|-1[0-2])?(?:-[0-9]{2})*(?:[T ]\S*)?\s*")
_YEAR = re.compile(r"(?<![0-9])([0-9]{4})(?![0-9])")
_NO_YEARS = ("9999", "0000")  # MARC's "open / unknown", and repositories' "no date"
_FULLWIDTH_DIGITS = str.maketrans("０１２３４５６７８９", "0123456789")


@lru_cache(maxsize=4096)  # pure, and the same values recur record after record
def issued_literal(value: str) -> Literal | None:
    """xsd:date, xsd:gYearMonth or xsd:gYear, as precise as the value allows.

    Catalogue dates come as "2019-11-08", "2019-11", "c1992.", "[1992?]" or
    "1922-1975" (a run of years: the first is the date of issue; an interval,
    "2019-07-15/2019-08-01", is dated by its start too; a day before 1 CE by its
    month, as ISO 8601 counts: rdflib reads no xsd:date before 1 CE). None when
    no year can be found ("19--", "n.d."): the caller keeps the text as
    dcterms:date and the record shape warns about the missing date. Fullwidth
    digits ("２０２０年", common in CJK catalogues) are read as the digits they
    are; other scripts' digits are not taken for a Gregorian year (an
    Arabic-Indic year is often a Hijri one), and XSD allows ASCII digits only.
    """
    value = value.translate(_FULLWIDTH_DIGITS)
    if (m := _BCE.fullmatch(value)) and m[1] != "-0000":  # "-0500": 501 BCE, not 500 CE
        return Literal(m[1] + (m[2] or ""), datatype=XSD.gYearMonth if m[2] else XSD.gYear)
    if (m := _DAY.fullmatch(value)) and m[1] not in _NO_YEARS:
        try:
            return Literal(date(int(m[1]), int(m[2]), int(m[3])).isoformat(), datatype=XSD.date)
        except ValueError:
            pass
    if (m := _MONTH.fullmatch(value)) and m[1] not in _NO_YEARS and 1 <= int(m[2]) <= 12:
        return Literal(f"{m[1]}-{m[2]}", datatype=XSD.gYearMonth)
    return year_literal(value)


@lru_cache(maxsize=1024)
def year_literal(value: str) -> Literal | None:
    """The first year in ``value`` as xsd:gYear ("©2018", "[c1999]" -> the year); None
    without one: "9999" (MARC's "unknown / still open") and "0000" ("no date") are none."""
    for m in _YEAR.finditer(value.translate(_FULLWIDTH_DIGITS)):
        if m[1] not in _NO_YEARS:
            return Literal(m[1], datatype=XSD.gYear)
    return None


# --- relator roles --------------------------------------------------------------
# The MARC relator terms (https://id.loc.gov/vocabulary/relators, ld.labels) by
# their term or code; a code is a code only when the list has it ("the", "dir.",
# "eds." look like codes and would mint properties no vocabulary defines); other
# terms (AACR2's "ed.", "Übersetzer") by ld.mapping_relator_tables.OTHER_TERMS.


@lru_cache(maxsize=4096)  # pure, and the same values recur record after record
def relator_iri(role: str) -> URIRef | None:
    """MARC relator property for a role code, an LoC relator term or a common term in
    another language."""
    text = " ".join(role.strip().strip(".,;:").lower().split())
    code = OTHER_TERMS.get(text) or _loc_terms().get(text)
    return RELATORS[code] if code else None


def is_author(roles: list[str]) -> bool:
    """Whether a role is authorship ("aut", "joint author", "auteur", "cre"), by the relator
    it maps to: the one rule of the MARC reader's creators and the author list."""
    return any(relator_iri(role) in _AUTHORS for role in roles)


def is_editor(roles: list[str]) -> bool:
    """Whether a role is editing or compiling ("ed.", "comp."): cited as an editor (BibTeX,
    RIS and CSL have no compiler)."""
    return any(relator_iri(role) in _EDITORS for role in roles)


_AUTHORS = frozenset({RELATORS.aut, RELATORS.cre})
_EDITORS = frozenset({RELATORS.edt, RELATORS.com})


@lru_cache(maxsize=1)
def _loc_terms() -> dict[str, str]:
    """Every code and term of the LoC relator list (ld.labels) to its code: "opn" and
    "opponent" -> "opn"."""
    from ld.labels import RELATOR_ROLES

    codes = {iri.rsplit("/", 1)[-1] for iri in RELATOR_ROLES}
    return {**{code: code for code in codes},
            **{term: iri.rsplit("/", 1)[-1] for iri, term in RELATOR_ROLES.items()}}

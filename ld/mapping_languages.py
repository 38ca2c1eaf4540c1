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
so the 639-2 codes are listed here (:data:`ISO639_2_CODES`), and a name of a
639-3 language outside it ("Batak", bya) loses to a 639-2 collective ("Batak
languages", btk). A code or name only ISO 639-3 knows ("cmn") keeps the IRI it
always had, under iso639-2/, rather than rejecting its record.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from functools import lru_cache

import pycountry
from rdflib import URIRef

from ld.namespaces import ISO639_2, ISO639_5

# The ISO 639-2 codes (ISO 639-2 Registration Authority, Library of Congress), in
# their bibliographic form where there are two, as id.loc.gov/vocabulary/iso639-2 names them.
_ISO639_2 = """
    aar abk ace ach ada ady afa afh afr ain aka akk alb ale alg alt amh ang anp apa ara arc
    arg arm arn arp art arw asm ast ath aus ava ave awa aym aze bad bai bak bal bam ban baq
    bas bat bej bel bem ben ber bho bih bik bin bis bla bnt bos bra bre btk bua bug bul bur
    byn cad cai car cat cau ceb cel cha chb che chg chi chk chm chn cho chp chr chu chv chy
    cmc cnr cop cor cos cpe cpf cpp cre crh crp csb cus cze dak dan dar day del den dgr din
    div doi dra dsb dua dum dut dyu dzo efi egy eka elx eng enm epo est ewe ewo fan fao fat
    fij fil fin fiu fon fre frm fro frr frs fry ful fur gaa gay gba gem geo ger gez gil gla
    gle glg glv gmh goh gon gor got grb grc gre grn gsw guj gwi hai hat hau haw heb her hil
    him hin hit hmn hmo hrv hsb hun hup iba ibo ice ido iii ijo iku ile ilo ina inc ind ine
    inh ipk ira iro ita jav jbo jpn jpr jrb kaa kab kac kal kam kan kar kas kau kaw kaz kbd
    kha khi khm kho kik kin kir kmb kok kom kon kor kos kpe krc krl kro kru kua kum kur kut
    lad lah lam lao lat lav lez lim lin lit lol loz ltz lua lub lug lui lun luo lus mac mad
    mag mah mai mak mal man mao map mar mas may mdf mdr men mga mic min mis mkh mlg mlt mnc
    mni mno moh mon mos mul mun mus mwl mwr myn myv nah nai nap nau nav nbl nde ndo nds nep
    new nia nic niu nno nob nog non nor nqo nso nub nwc nya nym nyn nyo nzi oci oji ori orm
    osa oss ota oto paa pag pal pam pan pap pau peo per phi phn pli pol pon por pra pro pus
    que raj rap rar roa roh rom rum run rup rus sad sag sah sai sal sam san sas sat scn sco
    sel sem sga sgn shn sid sin sio sit sla slo slv sma sme smi smj smn smo sms sna snd snk
    sog som son sot spa srd srn srp srr ssa ssw suk sun sus sux swa swe syc syr tah tai tam
    tat tel tem ter tet tgk tgl tha tib tig tir tiv tkl tlh tli tmh tog ton tpi tsi tsn tso
    tuk tum tup tur tut tvl twi tyv udm uga uig ukr umb und urd uzb vai ven vie vol vot wak
    wal war was wel wen wln wol xal xho yao yap yid yor ypk zap zbl zen zgh zha znd zul zun
    zxx zza"""
ISO639_2_CODES = frozenset(_ISO639_2.split())

# The MARC Code List for Languages' name of a code where no rule derives it from the ISO
# names pycountry has ("Abkhaz", ISO "Abkhazian"; "Syriac" is MARC's syc, ISO's syr).
# Compared whole (qualifiers kept: "Provençal (to 1500)" is Old Provençal only).
MARC_NAMES: dict[str, str] = {
    "abk": "Abkhaz", "ady": "Adygei", "alt": "Altai", "arc": "Aramaic", "arn": "Mapuche",
    "ast": "Bable", "bin": "Edo", "bug": "Bugis", "car": "Carib", "day": "Dayak",
    "den": "Slavey", "dgr": "Dogrib", "frr": "North Frisian", "frs": "East Frisian",
    "fry": "Frisian", "ful": "Fula", "gez": "Ethiopic", "hat": "Haitian French Creole",
    "him": "Western Pahari languages", "kal": "Kalâtdlisut", "kir": "Kyrgyz",
    "kut": "Kootenai", "lam": "Lamba (Zambia and Congo)", "lez": "Lezgian",
    "lim": "Limburgish", "lol": "Mongo-Nkundu", "mas": "Maasai", "mic": "Micmac",
    "mos": "Mooré", "nap": "Neapolitan Italian", "nbl": "Ndebele (South Africa)",
    "nde": "Ndebele (Zimbabwe)", "new": "Newari", "nso": "Northern Sotho",
    "nwc": "Newari, Old", "nya": "Nyanja", "oss": "Ossetic", "pro": "Provençal (to 1500)",
    "roh": "Raeto-Romance", "rom": "Romani", "rum": "Moldavian", "rup": "Aromanian",
    "sag": "Sango (Ubangi Creole)", "scn": "Sicilian Italian", "sin": "Sinhalese",
    "sot": "Sotho", "srn": "Sranan", "ssw": "Swazi", "syc": "Syriac", "syr": "Syriac, Modern",
    "tem": "Temne", "ter": "Terena", "tkl": "Tokelauan", "ton": "Tongan", "tvl": "Tuvaluan",
    "wal": "Wolayta", "was": "Washoe", "xal": "Oirat", "yao": "Yao (Africa)",
    "zbl": "Blissymbolics", "zgh": "Tamazight",
}

# ISO 639-2's special codes by the words catalogues write for them (VuFind: "Unknown";
# MARC: "Miscellaneous languages", ISO's "Uncoded languages")
_SPECIAL = {"unknown": "und", "undetermined": "und", "miscellaneous languages": "mis",
            "multiple": "mul", "multilingual": "mul", "multiple languages": "mul",
            "no linguistic content": "zxx"}

# Most specific first: MARC's own names; names of ISO 639-2 languages; of 639-2
# collective codes ("Kru (Other)", "Batak"); 639-2 names without their qualifier on the
# ISO side ("Egyptian (Ancient)" answers "Egyptian"); 639-5 families; 639-3 only.
_TIERS = ("marc", "iso639-2", "collective", "bare", "iso639-5", "iso639-3")
# Qualifiers that say what kind of code, or which period, not which language
_QUALIFIER = re.compile(
    r"\((?:[^()]*[0-9][^()]*|macrolanguage|other|family|artificial language)\)", re.I)


@lru_cache(maxsize=4096)  # pure, and the same values recur record after record
def language_iri(value: str) -> URIRef | None:
    """The id.loc.gov IRI of a language name ("French, Old (ca. 842-1300)") or code
    ("fre", "fra", "fr", "fr-CA"), or None when neither names a language.

    Two letters are a code ("en", never the En language); three letters a code
    when written in one case ("kru" is Kurukh), a name first otherwise ("Kru").
    """
    text = " ".join(value.split())
    if not text:
        return None
    locale = re.fullmatch(r"([A-Za-z]{2,3})[-_][A-Za-z]{2}", text)  # "en_US", "fr-CA"
    if locale or re.fullmatch(r"[A-Za-z]{2}|[a-z]{3}|[A-Z]{3}", text):
        code = _code(locale[1] if locale else text)
    else:
        code = _by_name(text) or (_code(text) if re.fullmatch(r"[A-Za-z]{3}", text) else None)
    return _iri(code) if code else None


def _iri(code: str) -> URIRef:
    if code not in ISO639_2_CODES and pycountry.language_families.get(alpha_3=code):
        return ISO639_5[code]
    return ISO639_2[code]


def _code(text: str) -> str | None:
    """The ISO 639-2 (bibliographic) code of a 639-1, 639-2 (B or T), 639-3 or 639-5 code."""
    code = text.lower()
    if code in ISO639_2_CODES:
        return code
    lang = (pycountry.languages.get(alpha_2=code) if len(code) == 2
            else pycountry.languages.get(alpha_3=code) or pycountry.language_families.get(
                alpha_3=code))
    return (getattr(lang, "bibliographic", None) or lang.alpha_3) if lang else None


def _by_name(text: str) -> str | None:
    """The code of a language name; names separated by ";" are alternatives ("Spanish;
    Castilian"), the first that names a language wins."""
    if (special := _SPECIAL.get(text.lower())) is not None:
        return special
    tiers = _index()
    for part in text.split(";"):
        names = [part, *_inverted(part)]
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

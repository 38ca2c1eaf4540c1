"""Text as PubMed and PMC write it: inline markup that carries meaning.

:func:`ld.readers.xml_text.text_of` flattens markup, which is right for <i>
and <b> but not for <sup> and <sub>: "10<sup>6</sup> cells" flattened is
"106 cells", another number. :func:`marked_text` keeps what they mean, as
Unicode superscript/subscript characters when every character has one
(10⁶, H₂O, Ca²⁺) and otherwise as "^(...)" / "_(...)" (P_(trend),
10^(-6.5)), so the literal stays plain text that reads right anywhere.

:func:`nlm_title` undoes what NLM adds to an article title (a final period,
brackets around a translated title), which the article itself never had.
"""

from __future__ import annotations

from collections.abc import Iterator

from lxml import etree

from ld.model import Text
from ld.readers.marc_text import closing_bracket
from ld.readers.xml_text import text_of

_SUPERSCRIPTS = dict(zip("0123456789+-−=()ni", "⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻⁻⁼⁽⁾ⁿⁱ", strict=True))
_SUBSCRIPTS = dict(zip("0123456789+-−=()", "₀₁₂₃₄₅₆₇₈₉₊₋₋₌₍₎", strict=True))
_SCRIPTS = {"sup": (_SUPERSCRIPTS, "^"), "sub": (_SUBSCRIPTS, "_")}


def marked_text(element: etree._Element | None) -> str:
    """All text inside ``element``, trimmed, with <sup>/<sub> kept (see the module)."""
    if element is None or len(element) == 0:
        return text_of(element)
    return " ".join("".join(_pieces(element)).split())


def _pieces(element: etree._Element) -> Iterator[str]:
    yield element.text or ""
    for child in element:
        if child.tag in _SCRIPTS:
            yield script("".join(child.itertext()), str(child.tag))
        elif isinstance(child.tag, str):
            yield from _pieces(child)
        yield child.tail or ""


def script(text: str, tag: str) -> str:
    """``text`` raised ("sup") or lowered ("sub").

    Marks such as ® or * read the same raised or not and stay as they are.
    """
    table, mark = _SCRIPTS[tag]
    text = text.strip()
    if not any(c.isalnum() for c in text):
        return text
    if all(c in table for c in text):
        return "".join(table[c] for c in text)
    return f"{mark}({text})"


# --- NLM's title conventions ---------------------------------------------------------

# words whose period is their own, not the one NLM adds: "... by Smith et al.",
# "Streptomyces sp.", "... Ltd."; a final word holding a period itself ("e.g.", "U.S.")
# keeps it too. A single capital is NOT taken for an initial: "Hepatitis B." ends so.
# The taxonomists' "sp. nov.", "gen. nov.", "comb. nov." (new species, genus,
# combination: IJSEM titles end so) and "emend." (emended) are abbreviations too.
_ABBREVIATIONS = {"al", "etc", "ltd", "inc", "corp", "co", "jr", "sr", "vs", "spp", "sp",
                  "subsp", "ssp", "var", "cf", "nov", "emend"}
PLACEHOLDER_TITLES = ("[Not Available].", "[Not Available]", "[In Process Citation]")


def nlm_title(title: str) -> str:
    """An ArticleTitle as the article has it, without what NLM adds to it.

    NLM ends every title with a period (unless it ends with ? or !) and
    encloses a title it translated into English in square brackets:
    "[Takotsubo cardiomyopathy: prognosis]." -> "Takotsubo cardiomyopathy:
    prognosis". The final period is kept when it belongs to an abbreviation
    (see ``_ABBREVIATIONS``) or an ellipsis; the brackets are removed only
    when they enclose the whole title ("[A] versus [B]." keeps its own).
    NLM's placeholders ("[Not Available].") are left as they are. The brackets
    say the title is NLM's English translation: it is returned as a
    :class:`ld.model.Text` in English ("eng"), so it is published "…"@en.
    """
    text = title.strip()
    if text in PLACEHOLDER_TITLES:
        return text
    if text.endswith(".") and not _own_period(text):
        text = text[:-1].rstrip()
    if _enclosed(text):
        return Text(text[1:-1].strip(), "eng")
    return text


def vernacular_title(title: str, languages: list[str]) -> str:
    """A VernacularTitle (MEDLINE TT) as a :class:`ld.model.Text` in the one non-English
    language of the article's ``languages`` ("spa"): it is in the article's language by
    definition; with several, or none but English and "und" (NLM's undetermined), which
    is its language is not stated, and it stays plain."""
    other = [x for x in dict.fromkeys(languages) if x.lower() not in ("eng", "und")]
    return Text(title, other[0]) if title and len(other) == 1 else title


def _own_period(text: str) -> bool:
    """True when the final period is part of the last word (an abbreviation, "...")."""
    if text.endswith(".."):
        return True
    word = _last_word(text[:-1]).lstrip("([\"'")
    return "." in word or word.lower() in _ABBREVIATIONS


def _last_word(text: str) -> str:
    """The word ``text`` ends with ("" after a space). Split from the right, in linear
    time: the search for r"(\\S+)\\.$" it replaces retried every start within a long
    word (a title of one 50,000-letter word took 7 s)."""
    if not text or text[-1].isspace():
        return ""
    return text.rsplit(None, 1)[-1]


def _enclosed(text: str) -> bool:
    """True when the "[" opening ``text`` is closed by the "]" ending it."""
    return text.startswith("[") and text.endswith("]") and closing_bracket(text) == len(text) - 1

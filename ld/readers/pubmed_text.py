"""Text as PubMed and PMC write it: inline markup that carries meaning.

:func:`ld.readers.xmlsafe.text_of` flattens markup, which is right for <i>
and <b> but not for <sup> and <sub>: "10<sup>6</sup> cells" flattened is
"106 cells", another number. :func:`marked_text` keeps what they mean, as
Unicode superscript/subscript characters when every character has one
(10⁶, H₂O, Ca²⁺) and otherwise as "^(...)" / "_(...)" (P_(trend),
10^(-6.5)), so the literal stays plain text that reads right anywhere.
"""

from __future__ import annotations

from collections.abc import Iterator

from lxml import etree

from ld.readers.xmlsafe import text_of

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

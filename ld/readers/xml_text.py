"""Reading the text of parsed XML elements, shared by the XML readers.

Apart from :mod:`ld.readers.xmlsafe` (how a document is parsed safely and
record by record), because these are what a reader's field code calls on
every element: the text with markup flattened, the first child per tag in
one pass, the local name, and the language the document states.
"""

from __future__ import annotations

from lxml import etree


def children(element: etree._Element | None) -> dict[str, etree._Element]:
    """First child element per tag, in one pass.

    lxml's ``find``/``findtext`` go through the Python ElementPath module
    (about ten times the cost of iterating the children in C), so hot paths
    that look up many children of one element index them once instead.
    """
    kids: dict[str, etree._Element] = {}
    if element is not None:
        for child in element:
            kids.setdefault(child.tag, child)  # type: ignore[arg-type]
    return kids


def local(tag: object) -> str:
    """Local part of a Clark-notation tag ("{ns}name" -> "name")."""
    text = tag if isinstance(tag, str) else ""
    return text.rpartition("}")[2]


def text_of(element: etree._Element | None) -> str:
    """All text inside ``element`` (markup such as <i> or <sup> flattened), trimmed."""
    if element is None:
        return ""
    if len(element) == 0:  # no child elements: the common case, skip itertext()
        text = element.text
        if not text:
            return ""
        if "  " in text or "\n" in text or "\t" in text or "\r" in text:
            return " ".join(text.split())
        return text.strip()
    return " ".join("".join(element.itertext()).split())


XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


def stated_language(element: etree._Element) -> str | None:
    """The language the document states for ``element``'s text: its xml:lang, else the
    nearest ancestor's (XML's rule: xml:lang holds for all an element contains; an
    empty one says "unknown"); None when none says (no DTD is loaded, so a DTD's
    default states nothing here)."""
    node: etree._Element | None = element
    while node is not None:
        if (lang := node.get(XML_LANG)) is not None:
            return lang.strip() or None
        node = node.getparent()
    return None

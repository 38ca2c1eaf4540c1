"""Subjects of a PubMed article: publication types, MeSH headings and substances, keywords.

Apart from :mod:`ld.readers.pubmed` (the article, its journal and authors)
because these are one concern with one vocabulary: MeSH descriptor,
qualifier and supplementary concept UIs become MeSH IRIs
(``http://id.nlm.nih.gov/mesh/D...``, ``.../C536409``), which
the mapping turns into skos:exactMatch links. They run for every article,
so each is one pass over its list.
"""

from __future__ import annotations

from lxml import etree

from ld.model import Record, Subject
from ld.readers.xml_text import text_of

MESH = "http://id.nlm.nih.gov/mesh/"


def publication_types(record: Record, type_list: etree._Element | None) -> None:
    """Publication types as genre subjects (MeSH publication type IRIs)."""
    if type_list is None:
        return
    for ptype in type_list.iterfind("PublicationType"):
        label, ui = text_of(ptype), ptype.get("UI")
        if label:
            record.subjects.append(Subject(label=label, kind="genre", scheme="mesh",
                                           iri=MESH + ui if ui else None))


def mesh(record: Record, headings: etree._Element | None,
         chemicals: etree._Element | None, supplementary: etree._Element | None = None) -> None:
    """Headings with their qualifiers ("Hemochromatosis/diagnosis"), then the substances
    and supplementary concepts (SupplMeshName, "C536409") not already a subject; each
    linked to its MeSH IRI when it has a UI."""
    seen = _headings(record, headings)
    concepts = [*_all(chemicals, "Chemical/NameOfSubstance"),
                *_all(supplementary, "SupplMeshName")]
    for concept in concepts:
        label, ui = text_of(concept), concept.get("UI") or ""
        if label and (ui or label) not in seen:
            seen.add(ui or label)
            record.subjects.append(Subject(label, scheme="mesh", iri=MESH + ui if ui else None))


def _headings(record: Record, headings: etree._Element | None) -> set[str]:
    """The MeshHeadings as subjects; returns the descriptor UIs given.

    A descriptor/qualifier pair ("Humans/analysis") narrows its descriptor
    (skos:broader); each is a major topic where its MajorTopicYN says so.
    """
    seen: set[str] = set()
    for heading in _all(headings, "MeshHeading"):
        label = ui = ""
        for child in heading:  # DescriptorName first, then its QualifierNames
            if child.tag == "DescriptorName":
                label, ui = text_of(child), child.get("UI") or ""
                record.subjects.append(Subject(label, scheme="mesh", major=_major(child),
                                               iri=MESH + ui if ui else None))
                seen.add(ui or label)
            elif child.tag == "QualifierName" and label:
                qui = child.get("UI")
                record.subjects.append(Subject(f"{label}/{text_of(child)}", scheme="mesh",
                                               iri=MESH + ui + qui if ui and qui else None,
                                               major=_major(child), broader=label))
    return seen


def _major(element: etree._Element) -> bool:
    return element.get("MajorTopicYN") == "Y"


def _all(parent: etree._Element | None, path: str) -> list[etree._Element]:
    return parent.findall(path) if parent is not None else []


def keywords(record: Record, parent: etree._Element) -> None:
    """The author keywords that are not already a subject by label, whatever its case
    (authors write "humans" beside MeSH's "Humans")."""
    seen = {s.label.casefold() for s in record.subjects}
    for keyword in parent.iterfind("KeywordList/Keyword"):
        label = text_of(keyword)
        if label and label.casefold() not in seen:
            seen.add(label.casefold())
            record.subjects.append(Subject(label, scheme="keyword", major=_major(keyword)))

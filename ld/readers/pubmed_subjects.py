"""Subjects of a PubMed article: publication types, MeSH headings and substances, keywords.

Apart from :mod:`ld.readers.pubmed` (the article, its journal and authors)
because these are one concern with one vocabulary: MeSH descriptor and
qualifier UIs become MeSH IRIs (``http://id.nlm.nih.gov/mesh/D...``), which
the mapping turns into skos:exactMatch links. They run for every article,
so each is one pass over its list.
"""

from __future__ import annotations

from lxml import etree

from ld.model import Record, Subject
from ld.readers.xmlsafe import text_of

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
          chemicals: etree._Element | None) -> None:
    """Headings with their qualifiers ("Hemochromatosis/diagnosis"), then the substances
    not already a heading; each linked to its MeSH IRI when it has a UI."""
    seen: set[str] = set()
    subjects = record.subjects
    for heading in headings.iterchildren("MeshHeading") if headings is not None else ():
        label = ui = ""
        for child in heading:  # DescriptorName first, then its QualifierNames
            if child.tag == "DescriptorName":
                label, ui = text_of(child), child.get("UI") or ""
                subjects.append(Subject(label, scheme="mesh", iri=MESH + ui if ui else None))
                seen.add(ui)
            elif child.tag == "QualifierName" and label:
                qui = child.get("UI")
                subjects.append(Subject(f"{label}/{text_of(child)}", scheme="mesh",
                                        iri=MESH + ui + qui if ui and qui else None))
    for chemical in chemicals.iterfind("Chemical/NameOfSubstance") if chemicals is not None else ():
        ui = chemical.get("UI") or ""
        if ui not in seen:
            seen.add(ui)
            subjects.append(Subject(text_of(chemical), scheme="mesh",
                                    iri=MESH + ui if ui else None))


def keywords(record: Record, parent: etree._Element) -> None:
    """The author keywords that are not already a subject by label."""
    seen = {s.label for s in record.subjects}
    for keyword in parent.iterfind("KeywordList/Keyword"):
        label = text_of(keyword)
        if label and label not in seen:
            seen.add(label)
            record.subjects.append(Subject(label, scheme="keyword"))

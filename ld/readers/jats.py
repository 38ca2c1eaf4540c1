"""PMC JATS reader: <article> full-text files (.nxml) and efetch <pmc-articleset>.

Only the front matter is read (journal-meta, article-meta): that is the
bibliographic record; the body is not catalogue data. Articles are streamed
one by one and freed. Record id: ``pmc-{number}`` from the PMC id (the
source is PubMed Central, so its own id is the stable key); without one,
``pmid-{PMID}`` would collide with the PubMed reader's id for a different
description, so ``jats-{doi or publisher id}`` is used instead.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import BinaryIO

import pycountry
from lxml import etree

from ld.errors import Location, ParseError, RecordError
from ld.model import Agent, Container, Record, Source, Subject, Text
from ld.readers import xmlsafe
from ld.readers.pubmed_fields import EQUAL_CONTRIBUTOR, orcid_identifier, partial_date
from ld.readers.pubmed_text import marked_text
from ld.readers.xml_text import XML_LANG, stated_language, text_of

NAME = "jats"
DESCRIPTION = "PMC JATS articles (.nxml, <article> or efetch <pmc-articleset>), front matter"

XLINK_HREF = "{http://www.w3.org/1999/xlink}href"
ALI_REF = "{http://www.niso.org/schemas/ali/1.0/}license_ref"  # NISO Access and License Indicators
_DATE_PREFERENCE = ("epub", "ppub", "pub", "collection", "epub-ppub")


def sniff(head: bytes, filename: str) -> int:
    root = xmlsafe.root_name(head)
    if root == "pmc-articleset":
        return 95
    if root == "article" and (b"<front" in head or b"article-meta" in head or b"JATS" in head):
        return 90
    return 0


def read(stream: BinaryIO, filename: str) -> Iterator[Record | RecordError]:
    root, stream = xmlsafe.open_document(stream, filename)
    if root not in ("article", "pmc-articleset"):
        raise ParseError(
            f"not JATS: the root element is <{root}>, expected <article> or <pmc-articleset>",
            Location(file=filename, position="line 1"),
            hint="check the file, or pass the right --format",
        )
    number = 0
    for _event, element in xmlsafe.iterparse(stream, filename, tags=("article",)):
        if element.getparent() is not None and element.getparent().tag != "pmc-articleset":
            continue  # e.g. a <sub-article> quoting another article: part of its parent
        number += 1
        source = Source(filename, f"article {number} (line {element.sourceline})", NAME)
        try:
            xmlsafe.refuse_unresolved(element, Location(filename, source.position))
            yield map_article(element, source)
        except RecordError as exc:
            yield exc
        xmlsafe.release(element)


def map_article(article: etree._Element, source: Source) -> Record:
    meta = article.find("front/article-meta")
    if meta is None:
        raise RecordError("no <front>/<article-meta>: not a JATS article record",
                          Location(source.file, source.position, field="front"))
    ids = {e.get("pub-id-type"): (e.text or "").strip() for e in meta.iterfind("article-id")}
    record = Record(id=_record_id(ids, source), source=source, formats=["Article"],
                    record_format="PMC JATS", pmid=ids.get("pmid") or None)
    _identifiers(record, ids)
    _titles(record, meta)
    _authors(record, meta)
    _journal(record, article.find("front/journal-meta"), meta)
    _abstracts(record, meta)
    _subjects(record, meta)
    record.languages = _language(article.get(XML_LANG))
    _rights(record, meta)
    return record


def _identifiers(record: Record, ids: dict[str, str]) -> None:
    """The PMC id (written "PMC123" or "123") and the DOI."""
    pmc = ids.get("pmc") or ids.get("pmcid") or ""
    record.pmcid = (pmc if pmc.startswith("PMC") else f"PMC{pmc}") if pmc else None
    if ids.get("doi"):
        record.doi.append(ids["doi"])


def _titles(record: Record, meta: etree._Element) -> None:
    """The title and subtitle, each in the language its xml:lang states (its own, else the
    article's, as for the abstracts: XML's rule), published "…"@en; else plain."""
    record.title = _in_stated_language(meta.find("title-group/article-title"))
    record.title_sub = _in_stated_language(meta.find("title-group/subtitle"))


def _in_stated_language(element: etree._Element | None) -> Text | None:
    text = marked_text(element)
    return Text(text, stated_language(element)) if element is not None and text else None


def _rights(record: Record, meta: etree._Element) -> None:
    """The licences the article is under, by their IRIs, and their words as rights
    statements (the <license-p> paragraphs, else the text right in <license>)."""
    record.licenses.extend(_license_iris(meta))
    for lic in meta.iterfind("permissions/license"):
        paragraphs = [_linked_text(p) for p in lic if p.tag in ("license-p", "p")]
        text = " ".join(filter(None, paragraphs)) or " ".join((lic.text or "").split())
        if text and text not in record.rights:
            record.rights.append(text)


def _license_iris(meta: etree._Element) -> list[str]:
    """Each <license>'s @xlink:href, then each <ali:license_ref> (JATS 1.2 on: in
    <license>, or in <permissions> itself), each once."""
    hrefs = [lic.get(XLINK_HREF) or "" for lic in meta.iterfind("permissions/license")]
    refs = [text_of(ref) for ref in meta.iterfind(f"permissions//{ALI_REF}")]
    return list(dict.fromkeys(v.strip() for v in hrefs + refs if v.strip()))


def _linked_text(element: etree._Element) -> str:
    """The element's text, an empty link (``<ext-link xlink:href="..."/>``, as BioMed
    Central writes a licence's address) as its address: "License (http://...)", not "()"."""
    def text(node: etree._Element) -> str:
        if not isinstance(node.tag, str):  # a comment or processing instruction
            return ""
        inner = (node.text or "") + "".join(text(c) + (c.tail or "") for c in node)
        return inner if inner.strip() or not node.get(XLINK_HREF) else node.get(XLINK_HREF)
    return " ".join(text(element).split())


def _abstracts(record: Record, meta: etree._Element) -> None:
    """The plain abstracts, then their translations (<trans-abstract>), each with the
    language its xml:lang states (an abstract's, else the article's; a translation's
    own only: it is not in the article's language); graphical, teaser and other
    special ones are left out."""
    for abstract in [*meta.iterfind("abstract"), *meta.iterfind("trans-abstract")]:
        if abstract.get("abstract-type") in (None, "summary", "short"):
            text = _abstract(abstract)
            language = (stated_language(abstract) if abstract.tag == "abstract"
                        else abstract.get(XML_LANG))
            if text:
                record.abstracts.append(Text(text, language))


def _subjects(record: Record, meta: etree._Element) -> None:
    """Author keywords, then PMC's article categories as genres."""
    for kwd in meta.iterfind("kwd-group/kwd"):
        record.subjects.append(Subject(text_of(kwd), scheme="keyword"))
    for subject in meta.iterfind("article-categories/subj-group/subject"):
        record.subjects.append(Subject(text_of(subject), kind="genre", scheme="pmc-category"))


def _record_id(ids: dict[str, str], source: Source) -> str:
    pmc = (ids.get("pmc") or ids.get("pmcid") or "").removeprefix("PMC")
    if pmc:
        return f"pmc-{pmc}"
    fallback = ids.get("doi") or ids.get("publisher-id")
    if fallback:
        return f"jats-{fallback}"
    raise RecordError("no article id (pmc, doi or publisher-id)",
                      Location(source.file, source.position, field="article-id"),
                      hint="the article was skipped")


def _authors(record: Record, meta: etree._Element) -> None:
    affiliations = {a.get("id"): _aff_text(a) for a in meta.iter("aff")}
    for contrib in meta.iterfind("contrib-group/contrib"):
        kind = contrib.get("contrib-type") or "author"
        agent = _agent(contrib, affiliations)
        if agent is None:
            continue
        if contrib.get("equal-contrib") == "yes":  # as PubMed's EqualContrib="Y"
            agent.roles.append(EQUAL_CONTRIBUTOR)
        if kind == "author":
            record.creators.append(agent)
        else:
            agent.roles.append(kind)
            record.contributors.append(agent)


def _aff_text(aff: etree._Element) -> str:
    parts = [text_of(child) for child in aff if child.tag != "label"]
    text = " ".join([(aff.text or "").strip(), *parts, *[(c.tail or "").strip() for c in aff]])
    return " ".join(text.split())


def _agent(contrib: etree._Element, affiliations: dict[str | None, str]) -> Agent | None:
    collab = text_of(contrib.find("collab"))
    if collab:
        agent = Agent(name=collab, kind="organization")
    else:
        family = text_of(contrib.find("name/surname"))
        given = text_of(contrib.find("name/given-names"))
        if not family:
            return None
        agent = Agent(name=f"{family}, {given}" if given else family, family=family,
                      given=given or None)
    for ident in contrib.iterfind("contrib-id"):
        iri = orcid_identifier(ident.text) if ident.get("contrib-id-type") == "orcid" else None
        if iri:
            agent.identifiers.append(iri)
    for xref in contrib.iterfind("xref"):
        text = affiliations.get(xref.get("rid")) if xref.get("ref-type") == "aff" else None
        if text and text not in agent.affiliations:
            agent.affiliations.append(text)
    return agent


def _journal(record: Record, journal: etree._Element | None, meta: etree._Element) -> None:
    container = Container(volume=text_of(meta.find("volume")) or None,
                          issue=text_of(meta.find("issue")) or None,
                          page_start=text_of(meta.find("fpage")) or
                          text_of(meta.find("elocation-id")) or None,
                          page_end=text_of(meta.find("lpage")) or None)
    if journal is not None:
        container.title = (text_of(journal.find("journal-title-group/journal-title"))
                           or text_of(journal.find("journal-title")) or None)
        for jid in journal.iterfind("journal-id"):
            if jid.get("journal-id-type") in ("iso-abbrev", "nlm-ta"):
                container.iso_abbreviation = container.iso_abbreviation or text_of(jid)
        issns = [(text_of(i), i) for i in journal.iterfind("issn")]
        container.issn = [text for text, _ in issns if text]
        container.eissn = [text for text, i in issns if text and _electronic(i)]
        publisher = text_of(journal.find("publisher/publisher-name"))
        if publisher:
            record.publishers.append(publisher)
    record.container = container
    dates = {d.get("pub-type") or d.get("date-type"): d for d in meta.iterfind("pub-date")}
    for kind in _DATE_PREFERENCE:
        if kind in dates:
            date = dates[kind]
            record.issued = partial_date(date.findtext("year"), date.findtext("month"),
                                         date.findtext("day"))
            break


def _electronic(issn: etree._Element) -> bool:
    """An ISSN of the electronic medium: pub-type "epub" (NLM DTDs, JATS 1.0), or
    publication-format "electronic" (JATS 1.1 on); "ppub" / "print" is the print one."""
    return issn.get("pub-type") == "epub" or issn.get("publication-format") == "electronic"


def _abstract(abstract: etree._Element) -> str | None:
    """The abstract as one text: "Title: paragraph. Paragraph.", sections "LABEL: text".

    Its blocks (title, paragraphs, sections) are joined with a space and the
    title set off with a colon: taken as one piece of mixed content, a PLOS
    "Author Summary" title ran into its first paragraph ("Author SummaryRift
    Valley fever ...") and paragraphs into each other ("One.Two.").
    """
    sections = abstract.findall("sec")
    if not sections:
        return _titled(text_of(abstract.find("title")), _blocks(abstract)) or None
    parts = [_titled(text_of(sec.find("title")).upper(), _blocks(sec)) for sec in sections]
    return " ".join(p for p in parts if p.strip()) or None


_BLOCKS = frozenset({"title", "p", "list", "disp-quote", "statement", "def-list", "sec"})


def _blocks(element: etree._Element) -> str:
    """The text of an abstract's or section's blocks but its title, one space between;
    an element with no blocks in it is one run of mixed content."""
    if not any(child.tag in _BLOCKS for child in element):
        return marked_text(element)
    loose = (element.text or "").strip()
    blocks = [marked_text(child) for child in element
              if isinstance(child.tag, str) and child.tag != "title"]
    return " ".join(b for b in [loose, *blocks] if b)


def _titled(title: str, body: str) -> str:
    return f"{title}: {body}" if title and body else title or body


def _language(code: str | None) -> list[str]:
    """xml:lang ("en") as the ISO 639-2 bibliographic code the other readers give ("eng")."""
    if not code:
        return []
    language = pycountry.languages.get(alpha_2=code.split("-")[0].lower())
    if language is None:
        return [code]
    return [getattr(language, "bibliographic", language.alpha_3)]

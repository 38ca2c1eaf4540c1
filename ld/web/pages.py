"""Template helpers: our IRIs become local links, terms become labels.

Jinja's autoescape escapes every value; the one raw insertion is the
``<script type="application/ld+json">`` block, which :func:`ld_json` makes
safe by escaping ``<``, ``>`` and ``&`` inside the JSON (so a title holding
``</script>`` cannot close the element).
"""

from __future__ import annotations

import json
import re
from typing import Any, NamedTuple

import pyoxigraph as ox
from flask import Flask, render_template, request
from jinja2 import pass_context
from jinja2.runtime import Context
from markupsafe import Markup

from ld import browse, formats, jsonld, labels
from ld.describe import CONTEXT_PATH, Document
from ld.facts import Facts
from ld.facts_index import in_order
from ld.facts_links import is_web, target
from ld.listing import page_query
from ld.model import Text
from ld.namespaces import LDPUB_NS, STATED_SUPERCLASSES
from ld.termdocs import escape_controls
from ld.web.context import get_settings

RDF_FORMATS = formats.formats_of("rdf")
RECORD_FORMATS = (formats.get("html"), *RDF_FORMATS, *formats.formats_of("citation"))
THING_FORMATS = (formats.get("html"), *RDF_FORMATS)
RDF_TYPE, SHORT_TITLE = labels.expand("rdf:type"), labels.expand("bibo:shortTitle")
ALTERNATIVE = labels.expand("dcterms:alternative")
Values = list[tuple[str, str | None]]
# Shown in their own sections of the record page (the table lists everything else).
SHOWN_ABOVE = {labels.expand(c) for c in (
    "dcterms:abstract", "bibo:abstract", "dcterms:title", "dcterms:creator", "bibo:authorList",
    "dcterms:contributor", "dcterms:issued", "dcterms:subject", "bibo:doi", "bibo:pmid",
    "ldpub:pmcid", "bibo:isbn", "bibo:issn", "bibo:volume", "bibo:issue", "bibo:pageStart",
    "bibo:pageEnd", "dcterms:publisher", "dcterms:language", "foaf:page", "rdf:type",
    "bibo:isbn10", "bibo:isbn13", "ldpub:invalidIsbn", "ldpub:invalidIssn", "ldpub:invalidDoi",
    "ldpub:invalidLink", "ldpub:invalidLanguage", "dcterms:license", "dcterms:rights",
    "dcterms:accessRights", "ldpub:responsibilityStatement")}
# A section label of a structured abstract: capitals, at the start or after a sentence.
SECTION = re.compile(r"(?:^|(?<=[.!?]\s))([A-Z][A-Z/&, -]*[A-Z]):\s+")


@pass_context
def href(context: Context, iri: str) -> str:
    """A link to ``iri``: root-relative when it is one of ours, else unchanged."""
    base = context["base_uri"]
    if iri.startswith(base):
        return context["root"] + "/" + iri[len(base):]
    return iri


@pass_context
def our_links(context: Context, text: str) -> list[str]:
    """The addresses of ours in ``text`` (an error's message), for the page to link: a
    hint's "start from the first page: {base}search?q=tea". Ours only, as the message
    may repeat what the request said: nothing a visitor typed becomes a link elsewhere."""
    ours = re.compile(re.escape(context["base_uri"]) + r"[^\s)”]*")
    return list(dict.fromkeys(found[0] for found in ours.finditer(text)))


def ld_json(triples: Any) -> Markup:
    """JSON-LD for a ``<script>`` element, referring to our published context."""
    doc = {"@context": get_settings().base_uri + CONTEXT_PATH,
           "@graph": jsonld.nodes(in_order(triples))}  # the same from every store
    text = json.dumps(doc, ensure_ascii=False)
    text = text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return Markup(escape_controls(text))  # JSON leaves U+007F-U+009F raw; HTML forbids them


def abstract_sections(text: str) -> list[tuple[str, str]]:
    """A structured abstract as (label, text) pairs, one paragraph each on the page.

    PubMed and VuFind flatten NLM's labelled sections into one string
    ("BACKGROUND: ... METHODS: ..."); PubMed's own pages show a paragraph per
    section, which is how readers skim an abstract. Anything else, including
    a single label, stays one paragraph: [("", text)].
    """
    cuts = list(SECTION.finditer(text))
    if len(cuts) < 2 or cuts[0].start() != 0:
        return [("", text)]
    ends = [c.start() for c in cuts[1:]] + [len(text)]
    return [(c.group(1), text[c.end():end].strip()) for c, end in zip(cuts, ends, strict=True)]


def term_label(iri: str) -> str:
    return labels.label(iri)


def thousands(number: int | str) -> str:
    """A count as every page writes it, "6,704" (VoID's entities come as text; anything
    that is not a whole number is shown as it is)."""
    try:
        return f"{int(number):,}"
    except (TypeError, ValueError):
        return str(number)


def install(app: Flask) -> None:
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True
    app.add_template_filter(href, "href")
    app.add_template_filter(ld_json, "ld_json")
    app.add_template_filter(our_links, "our_links")
    app.add_template_filter(term_label, "label")
    app.add_template_filter(abstract_sections, "sections")
    app.add_template_filter(thousands, "thousands")
    app.add_template_test(is_web, "web")
    app.add_template_global(formats.get, "format")

    @app.context_processor
    def _site() -> dict[str, Any]:
        settings = get_settings()
        return {"site_title": settings.dataset_title, "base_uri": settings.base_uri,
                "site_description": settings.dataset_description,
                "root": request.script_root, "kind_labels": browse.KIND_LABELS}




class Statement(NamedTuple):
    """One row of a page's table: its label, and the property it is (its prefixed name
    and where its definition is), as Pubby and LodView show: a reader moving from the
    page to SPARQL had to guess that "Place of publication" is ldpub:publicationPlace."""

    label: str
    term: str  # "bibo:edition", or the IRI when no prefix fits
    href: str  # our /vocab#name for our terms (root-relative), else the term's IRI
    values: Values


def statement_rows(document: Document) -> list[Statement]:
    """A :class:`Statement` for every property of the thing that the page does not show
    above, by label: the store's order changed from record to record."""
    rows: dict[str, Values] = {}
    for pred, objs in document.index.by_s.get(document.thing, {}).items():
        values = [v for o in _objects(document, pred, objs) for v in _values(document, o)]
        if values:
            rows.setdefault(pred, []).extend(values)
    found = [Statement(row_label(p), labels.compact(p), term_href(p), v) for p, v in rows.items()]
    return sorted(found, key=lambda row: (row.label.casefold(), row.term))


def row_label(iri: str) -> str:
    """A property's label in sentence case, as every other row's ("Place of publication"):
    a term without a label of ours was its local name in title case ("Editor List",
    "Date Copyrighted"); words in capitals ("LCCN") stay so."""
    if known := labels.known(iri):
        return known
    first, *rest = labels.label(iri).split(" ")
    return " ".join([first, *(w.lower() if w[1:].islower() else w for w in rest)])


def term_href(iri: str) -> str:
    """Where a term's definition is: ours on this site's /vocab page (the anchor
    ld.termdocs gives each term), any other at its IRI."""
    if iri.startswith(LDPUB_NS):
        return f"{request.script_root}/vocab#{iri[len(LDPUB_NS):]}"
    return iri


def _objects(document: Document, pred: str, objs: list) -> list:
    """The objects of ``pred`` for the table: on a record page none of what its sections
    show (their fields, the people's roles, a link to a target linked already, a short
    title that is the title); never a superclass stated only for the shapes."""
    f = document.facts
    if f is not None:
        if pred in SHOWN_ABOVE or labels.role(pred) is not None:
            return []
        objs = [o for o in objs if not _shown_above(f, pred, o, document)]
    if pred == RDF_TYPE and any(o.value not in STATED_SUPERCLASSES for o in objs):
        objs = [o for o in objs if o.value not in STATED_SUPERCLASSES]
    return objs


def _shown_above(f: Facts, pred: str, o: object, document: Document) -> bool:
    if pred in REPEATS:  # the type line, the key, the people (explore12 browser D11)
        return REPEATS[pred](f, o, document)
    if isinstance(o, ox.NamedNode):  # a genre concept has its own section (dcterms:type)
        return target(o.value) in f.linked or any(g.iri == o.value for g in f.genres)
    if pred in SHOWN_AS_PUBLISHED:  # a date the page gives as "Published" (no issued)
        return o.value == f.issued
    if pred == ALTERNATIVE:  # an original-script title is shown under the title
        return o.value in f.original_titles
    return False


SHOWN_AS_PUBLISHED = {labels.expand("dcterms:date"), labels.expand("dcterms:created")}


def _same_text(a: str, b: str) -> bool:
    return " ".join(a.split()).casefold() == " ".join(b.split()).casefold()


def _short_title_is_title(f: Facts, o: Any, _: Document) -> bool:
    """A short title that is the whole title; a shorter one is shown (the form a
    citation may use: tests/test_web_record_page.py keeps it)."""
    return " ".join(o.value.split()) == " ".join((f.title or "").split())


def _format_label_shown(f: Facts, o: Any, _: Document) -> bool:
    """ldpub:formatLabel "Book" repeats the type line above the title ("Book")."""
    return any(_same_text(o.value, labels.label(t)) for t in f.types)


def _people_shown(f: Facts, o: Any, document: Document) -> bool:
    """bibo:editorList: its editors are listed as contributors (editor) or authors."""
    shown = {a.iri for a in (*f.authors, *f.contributors)}
    members = document.index.rdf_list(f"_:{o.value}") if isinstance(o, ox.BlankNode) else [o]
    return all(m.value in shown for m in members)


REPEATS = {  # a statement the page shows above in other words, and how to tell
    SHORT_TITLE: _short_title_is_title,
    labels.expand("ldpub:formatLabel"): _format_label_shown,
    labels.expand("dcterms:identifier"): lambda f, o, d: _same_text(o.value, d.key),
    labels.expand("bibo:editorList"): _people_shown,
    # the journal line gives every page; the "Published" line the date as written
    labels.expand("bibo:pages"): lambda f, o, d: f.journal is not None,
    labels.expand("ldpub:dateAsWritten"): lambda f, o, d: f.issued is not None,
}


def _values(document: Document, o: object) -> Values:
    """What to show of one object: a literal's text, a list's members, a labelled link."""
    if isinstance(o, ox.Literal):  # with its language tag, for the page's lang=
        return [(Text(o.value, o.language), None)]
    if isinstance(o, ox.BlankNode):
        members = document.index.rdf_list(f"_:{o.value}")
        return [(_shown(document, m.value), m.value) for m in members
                if isinstance(m, ox.NamedNode)]
    return [(_shown(document, o.value), o.value)]


def _shown(document: Document, iri: str) -> str:
    """What to show for a linked IRI: its label when known, else the IRI itself."""
    return document.index.label(iri) or labels.known(iri) or iri


def render_document(document: Document) -> str:
    """The HTML page of a record, or of a person/subject/organisation/journal."""
    offered = RECORD_FORMATS if document.kind == "record" else THING_FORMATS
    path = "/" + document.doc[len(get_settings().base_uri):]
    template = "record.html" if document.kind == "record" else "thing.html"
    listing = document.listing
    query = page_query(listing.page) if listing is not None else ""
    return render_template(template, d=document, f=document.facts, path=path, query=query,
                           downloads=[x for x in offered if x.kind != "html"],
                           statements=statement_rows(document))



def grouped(triples: list[ox.Triple]) -> list[tuple[str, list[tuple[str, Values]]]]:
    """Triples as (subject, [(property label, [(text, link or None)])]) for a generic page."""
    by_s: dict[str, dict[str, Values]] = {}
    for t in triples:
        props = by_s.setdefault(t.subject.value, {})
        values = props.setdefault(labels.label(t.predicate.value), [])
        if isinstance(t.object, ox.NamedNode):
            values.append((labels.label(t.object.value) if t.predicate.value == RDF_TYPE
                           else t.object.value, t.object.value))
        else:
            values.append((t.object.value, None))
    return [(s, list(props.items())) for s, props in by_s.items()]


VOID_CLASS, VOID_ENTITIES = labels.expand("void:class"), labels.expand("void:entities")
VOID_PARTITION = labels.expand("void:classPartition")


def class_partitions(triples: list[ox.Triple]) -> list[tuple[str, str, str]]:
    """(anchor, class IRI, entities) of each VoID class partition: one table on the page,
    where the generic layout gave each partition a section of its own."""
    by_s: dict[str, dict[str, str]] = {}
    for t in triples:
        if t.predicate.value in (VOID_CLASS, VOID_ENTITIES):
            by_s.setdefault(t.subject.value, {})[t.predicate.value] = t.object.value
    return [(s.rsplit("#", 1)[-1], p[VOID_CLASS], p.get(VOID_ENTITIES, ""))
            for s, p in by_s.items() if VOID_CLASS in p]


def row_triples(rows: list) -> list[ox.Triple]:
    """The data of a listing page (search results, browse) for its ld+json block."""
    label = ox.NamedNode(labels.expand("rdfs:label"))
    return [ox.Triple(ox.NamedNode(r.iri), label, ox.Literal(r.label)) for r in rows]

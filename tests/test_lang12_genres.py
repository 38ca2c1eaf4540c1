"""Genre/form terms are the kind of a work, not its topic (explore12 pubmed H3, marc M5).

PubMed publication types ("Journal Article", "Retracted Publication") and MARC 655
terms ("Pastoral fiction") were published as dcterms:subject, so a subject page
claimed nearly every article was about "Journal Article", and the RIS export gave
them as keywords. The LoC MARC to Dublin Core crosswalk maps 655 to Type: they are
now dcterms:type of their skos:Concept (which keeps its label, scheme and
exactMatch), shown as "Genre/Form" on the record page.
"""

from __future__ import annotations

import re
from pathlib import Path

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, RDF, SKOS

from ld import describe
from ld.config import load_settings
from ld.ingest import ingest_paths
from ld.mapping import map_record
from ld.readers import read_path
from ld.store import open_store
from ld.validation import Validator
from ld.web import create_app

BASE = "http://example.org/"
PUBMED = """<?xml version="1.0"?>
<PubmedArticleSet><PubmedArticle><MedlineCitation Status="MEDLINE" Owner="NLM">
<PMID Version="1">90000011</PMID><Article PubModel="Print"><Journal>
<ISSN IssnType="Print">0028-0836</ISSN><JournalIssue CitedMedium="Print"><Volume>5</Volume>
<PubDate><Year>2020</Year></PubDate></JournalIssue><Title>Nature</Title></Journal>
<ArticleTitle>A retracted study of choroid diseases.</ArticleTitle>
<AuthorList><Author><LastName>Doe</LastName><ForeName>Jane</ForeName></Author></AuthorList>
<Language>eng</Language><PublicationTypeList>
<PublicationType UI="D016428">Journal Article</PublicationType>
<PublicationType UI="D016441">Retracted Publication</PublicationType>
</PublicationTypeList></Article><MeshHeadingList>
<MeshHeading><DescriptorName UI="D006801">Humans</DescriptorName></MeshHeading>
<MeshHeading><DescriptorName UI="D015862">Choroid Diseases</DescriptorName></MeshHeading>
</MeshHeadingList></MedlineCitation><PubmedData><ArticleIdList>
<ArticleId IdType="pubmed">90000011</ArticleId></ArticleIdList></PubmedData>
</PubmedArticle></PubmedArticleSet>
"""
MARC = """<?xml version="1.0" encoding="UTF-8"?>
<collection xmlns="http://www.loc.gov/MARC21/slim"><record>
<leader>00000cam a2200000 a 4500</leader>
<controlfield tag="001">g655</controlfield>
<controlfield tag="008">990101s1999    nyu           000 1 eng d</controlfield>
<datafield tag="100" ind1="1" ind2=" "><subfield code="a">Doe, Jane.</subfield></datafield>
<datafield tag="245" ind1="1" ind2="0"><subfield code="a">Brothers.</subfield></datafield>
<datafield tag="650" ind1=" " ind2="0"><subfield code="a">Brothers and sisters</subfield>
<subfield code="v">Fiction.</subfield></datafield>
<datafield tag="655" ind1=" " ind2="7"><subfield code="a">Pastoral fiction.</subfield>
<subfield code="2">gsafd</subfield></datafield>
</record></collection>
"""
MESH = "http://id.nlm.nih.gov/mesh/"


def _graph(path: Path, text: str) -> tuple[URIRef, Graph]:
    path.write_text(text, encoding="utf-8")
    (record,) = read_path(str(path))
    return URIRef(f"{BASE}id/record/{record.id}"), map_record(record, BASE)


def test_publication_types_are_dcterms_type_concepts(tmp_path: Path) -> None:
    thing, graph = _graph(tmp_path / "article.xml", PUBMED)
    article = URIRef(f"{BASE}id/subject/mesh-journal-article")
    retracted = URIRef(f"{BASE}id/subject/mesh-retracted-publication")
    types = set(graph.objects(thing, DCTERMS.type))
    assert {article, retracted} <= types
    assert not {article, retracted} & set(graph.objects(thing, DCTERMS.subject))
    assert {(p, o) for p, o in graph.predicate_objects(article)} == {
        (RDF.type, SKOS.Concept), (SKOS.prefLabel, Literal("Journal Article")),
        (SKOS.inScheme, URIRef(MESH)), (SKOS.exactMatch, URIRef(MESH + "D016428"))}
    assert URIRef(f"{BASE}id/subject/mesh-humans") in set(graph.objects(thing, DCTERMS.subject))
    for engine in ("fast", "pyshacl"):  # a concept beside the DCMI type IRI conforms
        (report,) = Validator(engine=engine).validate([("pmid-90000011", graph)])
        assert not report.violations, (engine, report.to_json())


def test_marc_655_is_a_genre_not_a_subject(tmp_path: Path) -> None:
    thing, graph = _graph(tmp_path / "book.xml", MARC)
    genre = URIRef(f"{BASE}id/subject/gsafd-pastoral-fiction")
    assert (thing, DCTERMS.type, genre) in graph
    assert (thing, DCTERMS.subject, genre) not in graph
    assert graph.value(genre, SKOS.prefLabel) == Literal("Pastoral fiction")
    (report,) = Validator().validate([("g655", graph)])
    assert not report.violations, report.to_json()


def test_the_page_shows_genres_apart_and_ris_gives_no_genre_keyword(tmp_path: Path) -> None:
    path = tmp_path / "article.xml"
    path.write_text(PUBMED, encoding="utf-8")
    settings = load_settings(env={}, store=str(tmp_path / "store"))
    with open_store(settings) as store:
        assert ingest_paths([str(path)], settings=settings, store=store, jobs=0).loaded == 1
    describe.CACHE._data.clear()
    client = create_app(settings).test_client()
    page = client.get("/doc/record/pmid-90000011.html").get_data(as_text=True)
    sections = dict(re.findall(r"<h2>([^<]+)</h2>\s*<ul[^>]*>(.*?)</ul>", page, re.S))
    assert "Journal Article" in sections["Genre/Form"]
    assert "Retracted Publication" in sections["Genre/Form"]
    assert "Humans" in sections["Subjects"] and "Journal Article" not in sections["Subjects"]
    assert page.count(">Journal Article<") == 1  # not again in the table, as a Type
    ris = client.get("/doc/record/pmid-90000011.ris").get_data(as_text=True)
    keywords = {line[6:] for line in ris.splitlines() if line.startswith("KW  - ")}
    assert keywords == {"Choroid Diseases", "Humans"}

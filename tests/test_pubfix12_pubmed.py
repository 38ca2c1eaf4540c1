"""review12 PubMed points: L6 (the direction of "Original report in", reprints and
republications), L4 (one PubMed IRI for rdfs:seeAlso and the relations), L7 (an Elsevier
PII without punctuation is no article number); on small records compared as triples."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, RDFS

from ld.mapping import map_record
from ld.mapping_identifiers import pubmed_iri
from ld.model import Record, Source
from ld.namespaces import BIBO
from ld.readers import read_path

BASE = "http://example.org/"
S = URIRef(f"{BASE}id/record/pmid-90000001")
OTHER = URIRef("https://pubmed.ncbi.nlm.nih.gov/90000009/")

_ARTICLE = """<?xml version="1.0" ?>
<PubmedArticleSet><PubmedArticle><MedlineCitation Status="MEDLINE" Owner="NLM">
<PMID Version="1">90000001</PMID>
<Article PubModel="Print"><Journal><ISSN IssnType="Print">0028-4793</ISSN>
<JournalIssue CitedMedium="Print"><Volume>12</Volume><PubDate><Year>2020</Year></PubDate>
</JournalIssue><Title>A journal</Title></Journal>
<ArticleTitle>A test article.</ArticleTitle>{article}<Language>eng</Language>
</Article>{after}</MedlineCitation></PubmedArticle></PubmedArticleSet>
"""


def _graph(tmp_path: Path, article: str = "", after: str = "") -> Graph:
    path = tmp_path / "article.xml"
    path.write_text(_ARTICLE.format(article=article, after=after), encoding="utf-8")
    [record] = list(read_path(str(path)))
    assert isinstance(record, Record), record
    return map_record(record, BASE)


@pytest.mark.parametrize(("kind", "prop"), [
    ("OriginalReportIn", DCTERMS.references),  # a patient summary names the original
    ("SummaryForPatientsIn", DCTERMS.isReferencedBy),
    ("ErratumIn", DCTERMS.isReferencedBy),
    ("CommentOn", DCTERMS.references),
    ("ReprintIn", DCTERMS.hasVersion), ("ReprintOf", DCTERMS.isVersionOf),
    ("RepublishedIn", DCTERMS.hasVersion), ("RepublishedFrom", DCTERMS.isVersionOf),
])
def test_l6_a_relation_points_the_right_way(tmp_path: Path, kind: str, prop: URIRef) -> None:
    after = (f'<CommentsCorrectionsList><CommentsCorrections RefType="{kind}"><RefSource>'
             "Ann Intern Med. 2020;1:2</RefSource><PMID>90000009</PMID>"
             "</CommentsCorrections></CommentsCorrectionsList>")
    graph = _graph(tmp_path, after=after)
    assert {(p, o) for p, o in graph.predicate_objects(S) if o == OTHER} == {(prop, OTHER)}


def test_l4_see_also_and_relations_name_one_pubmed_iri(tmp_path: Path) -> None:
    assert pubmed_iri(" 90000009 ") == str(OTHER)
    record = Record(id="r1", source=Source("t.json", "record 1", "test"), title="T",
                    pmid="90000009", pubmed_relations=[("CommentIn", "90000009")])
    graph = map_record(record, BASE)
    r1 = URIRef(f"{BASE}id/record/r1")
    assert (r1, RDFS.seeAlso, OTHER) in graph and (r1, DCTERMS.isReferencedBy, OTHER) in graph


@pytest.mark.parametrize(("pii", "start"), [
    ("S0002929724002573", None),  # Elsevier's PII, punctuation dropped
    ("S0002-9297(24)00257-X", None),
    ("S1234", "S1234"),  # a supplement's article number
    ("e154225", "e154225"),
])
def test_l7_an_unpunctuated_pii_is_no_article_number(tmp_path: Path, pii: str,
                                                     start: str | None) -> None:
    graph = _graph(tmp_path, f'<ELocationID EIdType="pii" ValidYN="Y">{pii}</ELocationID>')
    assert set(graph.objects(S, BIBO.pageStart)) == ({Literal(start)} if start else set())

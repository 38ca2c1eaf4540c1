"""The mapping table of issue 2, checked triple by triple on the seed record."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime

import pytest
from rdflib import RDF, BNode, Graph, Literal, Namespace, URIRef
from rdflib.collection import Collection
from rdflib.compare import isomorphic
from rdflib.namespace import DCTERMS, FOAF, OWL, RDFS, SKOS, VOID

from ld import mapping_terms as t
from ld.config import data_dir
from ld.errors import RecordError
from ld.mapping import map_record
from ld.model import Agent, Container, Record, Source, Subject
from ld.namespaces import BIBO, DCMITYPE, ISO639_2, LDPUB, LDSH, RELATORS
from ld.readers import read_path

XSD = Namespace("http://www.w3.org/2001/XMLSchema#")  # not rdflib's XSD: pytest trips on it

BASE = "http://example.org/"
WHEN = datetime(2024, 5, 6, 7, 8, 9, tzinfo=UTC)
REC = URIRef(f"{BASE}id/record/pubmed-6839263")
DOC = URIRef(f"{BASE}doc/record/pubmed-6839263")
CLAVEL = URIRef(f"{BASE}id/person/clavel-nathalie")
POMEY = URIRef(f"{BASE}id/person/pomey-marie-pascale")
GHADIRI = URIRef(f"{BASE}id/person/ghadiri-djahanchah-philip-sacha")
BMC = URIRef(f"{BASE}id/organization/biomed-central")
NCBI = URIRef(f"{BASE}id/organization/national-center-for-biotechnology-information")
PUBMED = URIRef(f"{BASE}id/collection/pubmed")
TOPIC = URIRef(f"{BASE}id/subject/research-article")
TITLE = ("Partnering with patients in quality improvement: towards renewed practices "
         "for healthcare organization managers?")

# Every triple the seed record must give, grouped by the row of the issue's table.
EXPECTED = {
    "id": [(REC, DCTERMS.identifier, Literal("pubmed-6839263"))],
    "format": [(REC, RDF.type, BIBO.AcademicArticle), (REC, DCTERMS.type, DCMITYPE.Text),
               (REC, LDPUB.formatLabel, Literal("Online")),
               (REC, LDPUB.formatLabel, Literal("Article")),
               (REC, LDPUB.formatLabel, Literal("Text"))],
    "title": [(REC, DCTERMS.title, Literal(TITLE)), (REC, BIBO.shortTitle, Literal(TITLE))],
    "author": [
        (REC, DCTERMS.creator, CLAVEL), (REC, DCTERMS.creator, POMEY),
        (REC, DCTERMS.creator, GHADIRI),
        (CLAVEL, RDF.type, FOAF.Person), (CLAVEL, RDF.type, FOAF.Agent),
        (CLAVEL, FOAF.name, Literal("Clavel, Nathalie")),
        (CLAVEL, FOAF.familyName, Literal("Clavel")), (CLAVEL, FOAF.givenName, Literal("Nathalie")),
        (POMEY, RDF.type, FOAF.Person), (POMEY, RDF.type, FOAF.Agent),
        (POMEY, FOAF.name, Literal("Pomey, Marie-Pascale")),
        (POMEY, FOAF.familyName, Literal("Pomey")),
        (POMEY, FOAF.givenName, Literal("Marie-Pascale")),
        (GHADIRI, RDF.type, FOAF.Person), (GHADIRI, RDF.type, FOAF.Agent),
        (GHADIRI, FOAF.name, Literal("Ghadiri, Djahanchah Philip (Sacha)")),
        (GHADIRI, FOAF.familyName, Literal("Ghadiri")),
        (GHADIRI, FOAF.givenName, Literal("Djahanchah Philip (Sacha)")),
    ],
    "publisher": [(REC, DCTERMS.publisher, BMC), (BMC, RDF.type, FOAF.Organization),
                  (BMC, RDF.type, FOAF.Agent), (BMC, FOAF.name, Literal("BioMed Central"))],
    "institution": [(REC, LDPUB.holdingInstitution, NCBI), (NCBI, RDF.type, FOAF.Organization),
                    (NCBI, RDF.type, FOAF.Agent),
                    (NCBI, FOAF.name, Literal("National Center for Biotechnology Information"))],
    "publishDate": [(REC, DCTERMS.issued, Literal("2019", datatype=XSD.gYear))],
    "language": [(REC, DCTERMS.language, ISO639_2.eng)],
    "topic": [(REC, DCTERMS.subject, TOPIC), (TOPIC, RDF.type, SKOS.Concept),
              (TOPIC, SKOS.prefLabel, Literal("Research Article"))],
    "url": [
        (REC, FOAF.page, URIRef("https://www.ncbi.nlm.nih.gov/pmc/articles/PMC6839263/")),
        (REC, FOAF.page, URIRef("https://www.ncbi.nlm.nih.gov/pubmed/31703678")),
        (REC, FOAF.page, URIRef("http://dx.doi.org/10.1186/s12913-019-4618-8")),
        (REC, BIBO.doi, Literal("10.1186/s12913-019-4618-8")),
        (REC, OWL.sameAs, URIRef("https://doi.org/10.1186/s12913-019-4618-8")),
        (REC, BIBO.pmid, Literal("31703678")),
        (REC, RDFS.seeAlso, URIRef("https://pubmed.ncbi.nlm.nih.gov/31703678/")),
        (REC, LDPUB.pmcid, Literal("PMC6839263")),
        (REC, RDFS.seeAlso, URIRef("https://pmc.ncbi.nlm.nih.gov/articles/PMC6839263/")),
    ],
    "collection": [(REC, DCTERMS.isPartOf, PUBMED), (PUBMED, RDF.type, DCMITYPE.Collection),
                   (PUBMED, RDF.type, BIBO.Collection), (PUBMED, DCTERMS.title, Literal("PubMed"))],
    "document": [
        (DOC, RDF.type, FOAF.Document), (DOC, FOAF.primaryTopic, REC),
        (REC, FOAF.isPrimaryTopicOf, DOC),
        (DOC, DCTERMS.modified, Literal(WHEN)), (DOC, DCTERMS.conformsTo, LDSH.RecordShape),
        (DOC, VOID.inDataset, URIRef(f"{BASE}dataset")),
        (DOC, LDPUB.recordFormat, Literal("MEDLINE/PubMed")),
    ],
}
ROWS = [(row, triple) for row, triples in EXPECTED.items() for triple in triples]


@pytest.fixture(scope="module")
def seed() -> Record:
    items = list(read_path(str(data_dir("sample") / "pubmed-6839263.txt")))
    assert len(items) == 1 and isinstance(items[0], Record), items
    return items[0]


@pytest.fixture(scope="module")
def graph(seed: Record) -> Graph:
    return map_record(seed, BASE, modified=WHEN)


@pytest.mark.parametrize(("row", "triple"), ROWS, ids=[f"{r}-{i}" for i, (r, _) in enumerate(ROWS)])
def test_seed_gives_expected_triple(graph: Graph, row: str, triple: tuple) -> None:
    assert triple in graph, f"{row}: missing {triple}"


def test_seed_gives_nothing_else(graph: Graph) -> None:
    """Apart from the author list's rdf:List nodes, every triple is one of the table's."""
    expected = {triple for _, triple in ROWS}
    extra = {tr for tr in graph if not isinstance(tr[0], BNode)
             and tr[1] not in (BIBO.authorList, DCTERMS.abstract)}
    assert extra - expected == set()
    assert len(list(graph.objects(REC, DCTERMS.abstract))) == 1
    assert str(graph.value(REC, DCTERMS.abstract)).startswith("BACKGROUND: Around the world")


def test_author_list_keeps_source_order(graph: Graph) -> None:
    head = graph.value(REC, BIBO.authorList)
    assert isinstance(head, BNode)
    assert list(Collection(graph, head)) == [CLAVEL, POMEY, GHADIRI]


def test_graph_identifier_is_the_document(graph: Graph) -> None:
    assert graph.identifier == DOC


def test_solr_only_fields_are_not_published(graph: Graph) -> None:
    texts = {str(o) for o in graph.objects()}
    assert "1783467382071623680" not in texts  # _version_
    assert not any("partneringwithpatients" in text for text in texts)  # work_keys_str_mv
    assert not any(text.startswith("pubmed-68392632019") for text in texts)  # spelling


def test_mapping_is_deterministic(seed: Record) -> None:
    assert isomorphic(map_record(seed, BASE, modified=WHEN), map_record(seed, BASE, modified=WHEN))


def test_modified_defaults_to_now_utc(seed: Record) -> None:
    before = datetime.now(UTC)
    value = map_record(seed, BASE).value(DOC, DCTERMS.modified).toPython()
    assert value.tzinfo is not None and before <= value <= datetime.now(UTC)


def test_same_person_same_uri_across_records(seed: Record) -> None:
    other = dataclasses.replace(seed, id="other-1", creators=[Agent("Pomey, Marie-Pascale,")])
    g = map_record(other, BASE, modified=WHEN)
    assert list(g.objects(URIRef(f"{BASE}id/record/other-1"), DCTERMS.creator)) == [POMEY]


def _record(**fields: object) -> Record:
    return Record(id=str(fields.pop("id", "r1")), source=Source("t.json", "record 1", "test"),
                  **fields)  # type: ignore[arg-type]


def _rec(record: Record) -> URIRef:
    return URIRef(f"{BASE}id/record/{record.id}")


@pytest.mark.parametrize(("value", "expected"), [
    ("2019", Literal("2019", datatype=XSD.gYear)),
    ("2019-11", Literal("2019-11", datatype=XSD.gYearMonth)),
    ("2019-11-08", Literal("2019-11-08", datatype=XSD.date)),
    ("2019-11-08T10:00:00Z", Literal("2019-11-08", datatype=XSD.date)),
    ("c1992.", Literal("1992", datatype=XSD.gYear)),
    ("[1992?]", Literal("1992", datatype=XSD.gYear)),
    ("1922-1975", Literal("1922", datatype=XSD.gYear)),
    ("2019-13", Literal("2019", datatype=XSD.gYear)),
    ("19--", None),
    ("n.d.", None),
])
def test_issued_dates(value: str, expected: Literal | None) -> None:
    assert t.issued_literal(value) == expected


def test_unreadable_date_is_kept_as_text() -> None:
    g = map_record(_record(title="x", issued="19--"), BASE, modified=WHEN)
    assert g.value(URIRef(f"{BASE}id/record/r1"), DCTERMS.issued) is None
    assert g.value(URIRef(f"{BASE}id/record/r1"), DCTERMS.date) == Literal("19--")


@pytest.mark.parametrize(("value", "code"), [
    ("English", "eng"), ("eng", "eng"), ("en", "eng"), ("EN", "eng"), ("en_US", "eng"),
    ("fin", "fin"), ("Finnish", "fin"), ("fre", "fre"), ("fra", "fre"), ("French", "fre"),
    ("German", "ger"), ("ger", "ger"), ("Chinese", "chi"), ("Spanish; Castilian", "spa"),
    ("Multiple", "mul"), ("und", "und"), ("gem", "gem"), ("Klingonese", None), ("other", None),
])
def test_languages(value: str, code: str | None) -> None:
    assert t.language_iri(value) == (ISO639_2[code] if code else None)


def test_unknown_language_is_set_apart_for_the_shapes() -> None:
    g = map_record(_record(title="x", languages=["Klingonese"]), BASE, modified=WHEN)
    assert list(g.objects(URIRef(f"{BASE}id/record/r1"), DCTERMS.language)) == []
    assert list(g.objects(URIRef(f"{BASE}id/record/r1"), LDPUB.invalidLanguage)) == [
        Literal("Klingonese")]


@pytest.mark.parametrize(("formats", "scholarly", "classes", "types"), [
    (["Online", "Article", "Text"], True, [BIBO.AcademicArticle], [DCMITYPE.Text]),
    (["Article"], False, [BIBO.Article], [DCMITYPE.Text]),
    (["Book"], False, [BIBO.Book], [DCMITYPE.Text]),
    (["eBook", "Book"], False, [BIBO.Book], [DCMITYPE.Text]),
    (["Journal"], False, [BIBO.Journal], [DCMITYPE.Text]),
    (["Thesis"], False, [BIBO.Thesis], [DCMITYPE.Text]),
    (["Map"], False, [BIBO.Map], [DCMITYPE.StillImage]),
    (["Video"], False, [BIBO.AudioVisualDocument], [DCMITYPE.MovingImage]),
    (["Sound Recording"], False, [BIBO.AudioDocument], [DCMITYPE.Sound]),
    (["Conference Proceeding"], False, [BIBO.Proceedings], [DCMITYPE.Text]),
    (["Hologram"], False, [BIBO.Document], []),
    ([], False, [BIBO.Document], []),
])
def test_format_table(formats: list[str], scholarly: bool, classes: list, types: list) -> None:
    assert t.record_types(formats, scholarly) == (classes, types)


def test_article_in_a_journal_is_academic_and_part_of_the_journal() -> None:
    record = _record(formats=["Article"], title="x", container=Container(
        title="BMC Health Serv Res", issn=["14726963"], volume="19", issue="1",
        page_start="12", page_end="20", iso_abbreviation="BMC Health Serv Res"))
    g = map_record(record, BASE, modified=WHEN)
    s, journal = _rec(record), URIRef(f"{BASE}id/journal/1472-6963")
    for triple in [(s, RDF.type, BIBO.AcademicArticle), (s, DCTERMS.isPartOf, journal),
                   (journal, RDF.type, BIBO.Journal), (journal, BIBO.issn, Literal("1472-6963")),
                   (journal, DCTERMS.title, Literal("BMC Health Serv Res")),
                   (journal, LDPUB.isoAbbreviation, Literal("BMC Health Serv Res")),
                   (s, BIBO.volume, Literal("19")), (s, BIBO.issue, Literal("1")),
                   (s, BIBO.pageStart, Literal("12")), (s, BIBO.pageEnd, Literal("20"))]:
        assert triple in g, triple


def test_journal_record_keeps_its_own_issn() -> None:
    record = _record(formats=["Journal"], title="J", issn=["0317-8471", "1234-5678"])
    g = map_record(record, BASE, modified=WHEN)
    assert (_rec(record), BIBO.issn, Literal("0317-8471")) in g
    assert (_rec(record), LDPUB.invalidIssn, Literal("1234-5678")) in g
    assert g.value(_rec(record), DCTERMS.isPartOf) is None


@pytest.mark.parametrize(("value", "prop", "out"), [
    ("0-306-40615-2 (pbk.)", BIBO.isbn10, "0306406152"),
    ("978-0-306-40615-7", BIBO.isbn13, "9780306406157"),
    ("0-8044-2957-x", BIBO.isbn10, "080442957X"),
    ("0306406153", LDPUB.invalidIsbn, "0306406153"),
    ("12345", LDPUB.invalidIsbn, "12345"),
])
def test_isbns(value: str, prop: URIRef, out: str) -> None:
    record = _record(title="x", isbn=[value])
    g = map_record(record, BASE, modified=WHEN)
    assert (_rec(record), prop, Literal(out)) in g
    valid = prop != LDPUB.invalidIsbn
    assert ((_rec(record), BIBO.isbn, Literal(out)) in g) is valid


def test_subjects_with_scheme_and_iri() -> None:
    record = _record(title="x", subjects=[
        Subject("Humans", scheme="mesh", iri="http://id.nlm.nih.gov/mesh/D006801"),
        Subject("Novels", kind="genre")])
    g = map_record(record, BASE, modified=WHEN)
    humans, novels = URIRef(f"{BASE}id/subject/mesh-humans"), URIRef(f"{BASE}id/subject/novels")
    assert (humans, SKOS.exactMatch, URIRef("http://id.nlm.nih.gov/mesh/D006801")) in g
    assert (humans, SKOS.inScheme, URIRef("http://id.nlm.nih.gov/mesh/")) in g
    assert {humans} == set(g.objects(_rec(record), DCTERMS.subject))
    assert (_rec(record), DCTERMS.type, novels) in g  # a genre is the kind, not the topic


def test_agents_orcid_roles_and_organisations() -> None:
    record = _record(title="x", creators=[
        Agent("Smith, Jane", identifiers=["0000-0002-1825-0097"], roles=["editor"],
              affiliations=["Univ. X"]),
        Agent("World Health Organization", kind="organization")],
        contributors=[Agent("Doe, John", roles=["trl"])])
    g = map_record(record, BASE, modified=WHEN)
    jane = URIRef(f"{BASE}id/person/0000-0002-1825-0097")
    who = URIRef(f"{BASE}id/organization/world-health-organization")
    doe = URIRef(f"{BASE}id/person/doe-john")
    for triple in [(jane, OWL.sameAs, URIRef("https://orcid.org/0000-0002-1825-0097")),
                   (_rec(record), URIRef("http://id.loc.gov/vocabulary/relators/edt"), jane),
                   (_rec(record), URIRef("http://id.loc.gov/vocabulary/relators/trl"), doe),
                   (jane, LDPUB.affiliation, Literal("Univ. X")),
                   (_rec(record), DCTERMS.creator, who), (who, RDF.type, FOAF.Organization),
                   (_rec(record), DCTERMS.contributor, doe)]:
        assert triple in g, triple
    # Jane's role is editor: the editor list, not the author list (explore12/marc M2)
    assert list(Collection(g, g.value(_rec(record), BIBO.authorList))) == [who]
    assert list(Collection(g, g.value(_rec(record), BIBO.editorList))) == [jane]


def test_record_without_id_is_a_record_error() -> None:
    with pytest.raises(RecordError) as err:
        map_record(_record(id=" ", title="x"), BASE)
    assert err.value.location.field == "id" and err.value.location.file == "t.json"


def test_a_link_without_scheme_is_set_apart_not_the_record_refused() -> None:
    """Regression: one 856 $u without a scheme made the whole record a RecordError."""
    record = _record(title="x", urls=["www.example.org/a b.pdf", "https://example.org/ok"])
    g = map_record(record, BASE)
    assert list(g.objects(_rec(record), FOAF.page)) == [URIRef("https://example.org/ok")]
    assert list(g.objects(_rec(record), LDPUB.invalidLink)) == [
        Literal("www.example.org/a b.pdf")]


def test_a_doi_that_is_not_one_is_set_apart_and_not_linked() -> None:
    record = _record(title="x", doi=["doi:3", "10.1000/ok"])
    g = map_record(record, BASE)
    assert list(g.objects(_rec(record), BIBO.doi)) == [Literal("10.1000/ok")]
    assert list(g.objects(_rec(record), LDPUB.invalidDoi)) == [Literal("3")]
    assert list(g.objects(_rec(record), OWL.sameAs)) == [URIRef("https://doi.org/10.1000/ok")]


def test_a_doi_is_one_doi_whatever_its_case() -> None:
    """bibo:doi as first written, once; owl:sameAs its doi.org IRI in lower case."""
    g = map_record(_record(title="x", doi=["10.1103/PhysRevLett.116.061102"],
                           urls=["https://doi.org/10.1103/physrevlett.116.061102"]),
                   BASE, modified=WHEN)
    rec = URIRef(f"{BASE}id/record/r1")
    assert list(g.objects(rec, BIBO.doi)) == [Literal("10.1103/PhysRevLett.116.061102")]
    assert list(g.objects(rec, OWL.sameAs)) == [
        URIRef("https://doi.org/10.1103/physrevlett.116.061102")]


def test_unsafe_characters_in_links_are_encoded() -> None:
    g = map_record(_record(title="x", urls=["http://example.org/a b\"c"]), BASE, modified=WHEN)
    assert g.value(URIRef(f"{BASE}id/record/r1"), FOAF.page) == URIRef(
        "http://example.org/a%20b%22c")



@pytest.mark.parametrize(("value", "doi", "iri"), [
    ("doi:10.1186/s12913-019-4618-8", "10.1186/s12913-019-4618-8",
     "https://doi.org/10.1186/s12913-019-4618-8"),
    ("https://doi.org/10.1000/a#b?c", "10.1000/a#b?c", "https://doi.org/10.1000/a%23b%3Fc"),
    ("10.1002/(SICI)1097-4571(199806)49:8<693::AID-ASI4>3.0.CO;2-0",
     "10.1002/(SICI)1097-4571(199806)49:8<693::AID-ASI4>3.0.CO;2-0",
     "https://doi.org/10.1002/(SICI)1097-4571(199806)49:8%3C693::AID-ASI4%3E3.0.CO;2-0"),
    ("doi4", "doi4", None),
])
def test_dois(value: str, doi: str, iri: str | None) -> None:
    assert t.clean_doi(value) == doi
    assert t.doi_iri(doi) == (URIRef(iri) if iri else None)


@pytest.mark.parametrize(("identifiers", "key"), [
    (["https://orcid.org/0000-0002-1825-0097"], "0000-0002-1825-0097"),
    (["http://viaf.org/viaf/27068555/", "https://orcid.org/0000-0002-1825-0097"],
     "0000-0002-1825-0097"),  # an ORCID wins over an authority link
    (["http://viaf.org/viaf/27068555"], "viaf-27068555"),
    (["https://d-nb.info/gnd/118627015"], "gnd-118627015"),
    (["http://id.loc.gov/authorities/names/n79021164"], "lcnaf-n79021164"),
    (["https://www.wikidata.org/entity/Q42"], "wikidata-q42"),
    (["(OCoLC)12345", "not an authority"], None),
])
def test_person_key_from_strong_identifiers(identifiers: list[str], key: str | None) -> None:
    assert t.person_key(identifiers) == key


def _creator(record: Record) -> URIRef:
    return next(map_record(record, BASE, modified=WHEN).objects(_rec(record), DCTERMS.creator))


def test_authority_link_gives_one_uri_whatever_the_name_form() -> None:
    """Issue 5: people with an authority link share one URI across records and sources."""
    viaf = "http://viaf.org/viaf/27068555"
    a = _record(id="a", title="A", creators=[Agent("Vico, Giambattista", identifiers=[viaf])])
    b = _record(id="b", title="B", creators=[Agent("Vico, G. B.", identifiers=[viaf])])
    c = _record(id="c", title="C", creators=[Agent("Vico, Giambattista",
                                                    identifiers=["http://viaf.org/viaf/1"])])
    assert _creator(a) == _creator(b) == URIRef(f"{BASE}id/person/viaf-27068555")
    assert _creator(c) != _creator(a)  # same name, another authority: another person


def test_a_collective_language_code_has_its_name() -> None:
    """Regression: a record in "mkh" (ISO 639-2 Mon-Khmer languages, a collective code the
    mapping accepts) showed the bare code as its language on the page."""
    from ld.labels import known

    assert known("http://id.loc.gov/vocabulary/iso639-2/mkh") == "Mon-Khmer languages"
    assert known("http://id.loc.gov/vocabulary/iso639-2/fre") == "French"


def test_editors_keep_their_order_in_an_editor_list() -> None:
    """Regression: a book's editors (GeneReviews lists six) came out in the store's
    order in citations: the mapping kept the order of authors only."""
    editors = [Agent("Pagon, Roberta", roles=["editor"]), Agent("Adam, Margaret", roles=["edt"]),
               Agent("Bick, Sarah", roles=["Editor."])]
    record = _record(title="x", contributors=[editors[0], Agent("Who, Else", roles=["ill"]),
                                              *editors[1:]])
    g = map_record(record, BASE)
    listed = list(Collection(g, g.value(_rec(record), BIBO.editorList)))
    names = [str(g.value(node, FOAF.name)) for node in listed]
    assert names == ["Pagon, Roberta", "Adam, Margaret", "Bick, Sarah"]


@pytest.mark.parametrize(("role", "code"), [
    ("opponent", "opn"), ("Directeur de thèse", "ths"), ("kääntäjä", "trl"),
    ("binding designer", "bdd"), ("illustrator.", "ill"), ("edt", "edt")])
def test_a_role_in_words_of_the_loc_list_or_another_language_is_kept(role: str,
                                                                     code: str) -> None:
    """Regression: VuFind's author2_role "opponent" and "directeur de thèse" (and MARC
    $e terms outside a short table) were dropped, leaving a plain contributor."""
    record = _record(title="x", contributors=[Agent("Doe, Jane", roles=[role])])
    g = map_record(record, BASE)
    person = URIRef(f"{BASE}id/person/doe-jane")
    assert (_rec(record), RELATORS[code], person) in g

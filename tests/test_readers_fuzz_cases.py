"""The input readers' fuzzing findings (tester's report, /tmp/explore9/fuzz): one test per
defect, on its minimal reproducer written here as bytes or generated.

A crash of a reader ends a whole load (nothing stored, no report), so each case
must end as a record, a located rejected record, or a located input error.
Inputs that crashed the process itself (a segfault, 23 GB of memory) are read
in a child process under a memory cap, so a regression fails the test instead
of taking the machine down.
"""

from __future__ import annotations

import gzip
import io
import json
import random
import subprocess
import sys
import time
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pymarc
import pytest
from rdflib import Literal, URIRef
from rdflib.namespace import DCTERMS

from ld import pipeline
from ld.errors import InputError, ParseError, RecordError
from ld.model import Record, Source
from ld.readers import read_stream
from ld.readers.pubmed_text import nlm_title
from ld.rejects import error_entry

ROOT = Path(__file__).resolve().parent.parent
BASE = "http://example.org/"
DOC = b'{"id":"a","title":"x"}\n'
LAST = b'{"id":"c","title":"z"}\n'


def read_all(data: bytes, name: str, fmt: str | None = None) -> tuple[list, InputError | None]:
    """Every item of ``data`` and the input error that ended it, if any."""
    items: list = []
    try:
        items.extend(read_stream(io.BytesIO(data), name, fmt))
    except InputError as exc:
        return items, exc
    return items, None


def ids(items: list) -> list[str]:
    return [i.id for i in items if isinstance(i, Record)]


def errors(items: list) -> list[RecordError]:
    return [i for i in items if isinstance(i, RecordError)]


_CHILD = """
import json, resource, sys
resource.setrlimit(resource.RLIMIT_AS, (2 << 30, 2 << 30))
from ld.errors import InputError
from ld.readers import read_path
out = {"ids": [], "rejects": [], "error": None}
try:
    for item in read_path(sys.argv[1], sys.argv[2] or None):
        if hasattr(item, "id"):
            out["ids"].append(item.id)
        else:
            out["rejects"].append([item.location.position, item.message])
except InputError as exc:
    out["error"] = [exc.location.position, exc.message]
print(json.dumps(out))
"""


def read_in_child(tmp_path: Path, data: bytes, name: str, fmt: str = "") -> dict[str, Any]:
    """What a child process under a 2 GiB memory cap reads; fails on a crash (segfault,
    MemoryError) or after 60 s."""
    path = tmp_path / name
    path.write_bytes(data)
    done = subprocess.run([sys.executable, "-c", _CHILD, str(path), fmt], cwd=ROOT,
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, f"exit {done.returncode}: {done.stderr[-600:]}"
    return json.loads(done.stdout)


# -- (1) nesting deeper than any record: bounded memory, a located error --------------------

def test_deeply_nested_json_stops_the_file_in_bounded_memory(tmp_path: Path) -> None:
    found = read_in_child(tmp_path, b"[" * 100_000, "deep.json")
    assert found["error"][0] == "byte 256 (line 1)"
    assert "nested more than 256 levels" in found["error"][1]


def test_records_before_a_deep_document_are_kept(tmp_path: Path) -> None:
    data = b'[{"id":"a","title":"x"},' + b"[" * 100_000
    found = read_in_child(tmp_path, data, "deep2.json")
    assert found["ids"] == ["a"] and "nested more than" in found["error"][1]


def test_a_deep_json_line_is_one_rejected_record() -> None:
    items, error = read_all(DOC + b'{"id":"b","title":' + b"[" * 100_000 + b"]" * 100_000
                            + b"}\n" + LAST, "deep.jsonl")
    assert error is None and ids(items) == ["a", "c"]
    [bad] = errors(items)
    assert bad.location.position == "line 2" and "nested more than 256" in bad.message


def test_deep_marc_in_json_is_a_located_input_error() -> None:
    data = (b'{"leader":"00000nam a2200000 a 4500","fields":[{"001":"x"},{"245":'
            + b"[" * 5000 + b"]" * 5000 + b"}]}")
    items, error = read_all(data, "deep.json", "marc-json")
    assert items == [] and isinstance(error, ParseError)
    assert "nested too deep" in error.message and error.location.position == "character 0"


# -- (2) a number longer than Python converts: no segfault -----------------------------------

def test_a_4301_digit_number_in_one_solr_document_is_an_input_error(tmp_path: Path) -> None:
    data = b'{"id":"a","title":"x","publishDate":1' + b"0" * 4300 + b"}"
    found = read_in_child(tmp_path, data, "huge.json")
    assert found["ids"] == [] and found["error"][0] == "byte 36 (line 1)"
    assert "more than 4,300 digits" in found["error"][1]


def test_a_huge_number_after_good_documents_keeps_them(tmp_path: Path) -> None:
    data = b'[{"id":"a","title":"x"},{"id":"b","n":' + b"7" * 5000 + b"}]"
    found = read_in_child(tmp_path, data, "huge2.json")
    assert found["ids"] == ["a"] and "digits" in found["error"][1]


# -- (3) a JSON line that is JSON but no Solr response: one rejected record ------------------

@pytest.mark.parametrize(("line", "field", "words"), [
    (b'{"response":[1]}', "response", "is a list, not an object"),
    (b'{"response":{"docs":5}}', "response.docs", "is a number, not a list"),
    (b'{"match":"x","response":{"docs":[]}}', "match", "is a string"),
    (b'{"id":"b","n":1' + b"0" * 4300 + b"}", None, "more than 4,300 digits"),
])
def test_a_misshapen_json_line_is_one_rejected_record(line: bytes, field: str | None,
                                                      words: str) -> None:
    items, error = read_all(DOC + line + b"\n" + LAST, "lines.jsonl")
    assert error is None and ids(items) == ["a", "c"]
    [bad] = errors(items)
    assert (bad.location.position, bad.location.field) == ("line 2", field)
    assert words in bad.message


# -- (4) digits of another kind ("²") in dates and authority numbers -------------------------

def _marc(f008: str, *extra: pymarc.Field) -> bytes:
    record = pymarc.Record(force_utf8=True)
    record.add_field(pymarc.Field(tag="001", data="r1"), pymarc.Field(tag="008", data=f008),
                     pymarc.Field(tag="245", indicators=["1", "0"],
                                  subfields=[pymarc.Subfield("a", "Title")]), *extra)
    return record.as_marc()


_FAST = pymarc.Field(tag="650", indicators=[" ", "7"], subfields=[
    pymarc.Subfield("a", "Fish"), pymarc.Subfield("2", "fast"),
    pymarc.Subfield("0", "(OCoLC)fst²")])
_PLAIN_008 = "200101s2020    xxu           000 0 eng d"


@pytest.mark.parametrize(("name", "data"), [
    ("sup-008.mrc", _marc("200101e2020²²15xxu           000 0 eng d")),
    ("sup-fast.mrc", _marc(_PLAIN_008, _FAST)),
    ("sup-008.xml", b'<collection xmlns="http://www.loc.gov/MARC21/slim"><record><leader>00000'
     b'nam a2200000 a 4500</leader><controlfield tag="001">r1</controlfield><controlfield '
     b'tag="008">200101e2020\xc2\xb2\xc2\xb215xxu           000 0 eng d</controlfield>'
     b'<datafield tag="245" ind1="1" ind2="0"><subfield code="a">Title</subfield>'
     b"</datafield></record></collection>"),
    ("month.xml", b"<PubmedArticleSet><PubmedArticle><MedlineCitation><PMID>1</PMID><Article>"
     b"<Journal><JournalIssue><PubDate><Year>2020</Year><Month>\xc2\xb2</Month></PubDate>"
     b"</JournalIssue><Title>J</Title></Journal><ArticleTitle>T</ArticleTitle></Article>"
     b"</MedlineCitation></PubmedArticle></PubmedArticleSet>"),
    ("month.txt", b"PMID- 1\nTI  - A title.\nDP  - 2020 \xc2\xb2\nAU  - Smith J\n"),
])
def test_superscript_digits_are_no_numbers(name: str, data: bytes) -> None:
    items, error = read_all(data, name)
    assert error is None and not errors(items), errors(items)
    [record] = items
    assert record.issued in ("2020", "2020-01") or record.issued.startswith("2020")
    assert not any("fast/" in s.uri for s in record.subjects if getattr(s, "uri", None))


def test_a_pmid_of_superscript_digits_is_no_pmid() -> None:
    items, _ = read_all(b"PMID- \xc2\xb2\nTI  - A title.\nDP  - 2020\n", "pmid.txt", "medline")
    [bad] = items
    assert isinstance(bad, RecordError) and bad.location.field == "PMID"


# -- (5) lone UTF-16 surrogates: U+FFFD as the mapping writes it, an id refused --------------

def test_a_lone_surrogate_in_a_document_reads_as_the_replacement_character() -> None:
    data = b'[{"id":"a","title":"x"},{"id":"b","title":"\\udfff"},{"id":"c","title":"\\ud800"}]'
    items, error = read_all(data, "surrogates.json")
    assert error is None and ids(items) == ["a", "b", "c"]
    assert [r.title for r in items] == ["x", "\ufffd", "\ufffd"]  # never "?"


def test_a_surrogate_pair_split_between_chunks_stays_one_character() -> None:
    for shift in range(14):  # the 64 KiB boundary falls at every byte of the pair
        pad = b"x" * (json_guard_chunk() - len(b'[{"id":"a","title":"') - shift)
        data = b'[{"id":"a","title":"' + pad + b'\\ud83d\\ude00 \\\\ud800"}]'
        [record], _ = read_all(data, "pair.json")
        assert record.title.endswith("\U0001f600 \\ud800"), shift


def json_guard_chunk() -> int:
    from ld.readers.json_feed import CHUNK
    return CHUNK


def test_utf8_bytes_of_a_surrogate_are_invalid_utf8_at_their_byte() -> None:
    items, error = read_all(b'{"id":"a","title":"\xed\xa0\x80"}', "raw.json")
    assert items == [] and isinstance(error, ParseError)
    assert "invalid UTF-8" in error.message and error.location.position == "byte 19 (line 1)"


@pytest.mark.parametrize("data", [DOC + b'{"id":"\\udfff","title":"x"}\n' + LAST,
                                  b'[{"id":"a"},{"id":"b\\udfff","title":"x"},{"id":"c"}]'])
def test_a_lone_surrogate_in_a_vufind_id_refuses_that_record(data: bytes) -> None:
    items, error = read_all(data, "ids.json")
    assert error is None and ids(items) == ["a", "c"]
    [bad] = errors(items)
    assert bad.location.field == "id" and "lost in an earlier conversion" in bad.message


# -- (5) in the pipeline: a record id with a lone surrogate is refused, not a crash ---------

class _Conforming:
    """A validator that passes everything: these tests are about what comes around it."""

    engine = "fast"

    def validate(self, batch: list) -> list:
        return [SimpleNamespace(conforms=True, warnings=[], results=[]) for _ in batch]


def _record(record_id: str) -> Record:
    return Record(id=record_id, source=Source("f.json", "line 2", "vufind-json"), title="T")


def test_a_record_id_with_a_lone_surrogate_is_refused_not_a_crash() -> None:
    good, bad = pipeline.process_batch([_record("ok"), _record("b\udfff")], BASE,
                                       _now(), _Conforming())
    assert good.ok and bad.error is not None
    entry = error_entry(bad.record_error())
    assert entry["field"] == "id" and entry["record_id"] == "b\\udfff"
    json.dumps(entry, ensure_ascii=False).encode("utf-8")  # the report can be written


# -- (10) a record refused after mapping names the property ----------------------------------

def test_a_value_that_cannot_be_stored_names_its_property(monkeypatch) -> None:
    def mapped(record: Record, base: str, modified: Any) -> list:
        subject = URIRef(f"{base}id/record/{record.id}")
        return [(subject, DCTERMS.title, Literal("T")),
                (subject, DCTERMS.relation, URIRef("http://example.org:abc/x"))]

    monkeypatch.setattr(pipeline, "map_triples", mapped)
    [outcome] = pipeline.process_batch([_record("r")], BASE, _now(), _Conforming())
    error = outcome.record_error()
    assert error is not None and error.location.field == str(DCTERMS.relation)
    assert "ldpub" not in error.hint


def _now() -> Any:
    from datetime import UTC, datetime
    return datetime(2026, 1, 1, tzinfo=UTC)


# -- the guard: the same answer however the stream is cut -----------------------------------

def test_the_guard_answers_alike_for_every_chunking(monkeypatch) -> None:
    json_guard = _guard_module()
    monkeypatch.setattr(json_guard, "MAX_DEPTH", 6)
    monkeypatch.setattr(json_guard, "MAX_DIGITS", 8)
    monkeypatch.setattr(json_guard, "_TOO_LONG", b"0" * 9)
    rnd = random.Random(7)
    for _ in range(3000):
        data = _random_json(rnd, 0)
        cuts = sorted(rnd.randint(0, len(data)) for _ in range(rnd.randint(0, 12)))
        assert _chunked(data, cuts) == _whole(data), (data, cuts)


_PIECES = [b"\\\\", b'\\"', b"[", b"]", b"{", b"}", b"\\ud800", b"\\udc00", b"\\uDFFF",
           b"\\u0041", b"\\ud83d\\ude00", b"a", b"12345", b"\\n"]


def _random_json(rnd: random.Random, depth: int) -> bytes:
    text = b'"' + b"".join(rnd.choice(_PIECES) for _ in range(rnd.randint(0, 5))) + b'"'
    roll = rnd.random()
    if depth > 9 or roll < 0.3:
        return rnd.choice([text, b"1" * rnd.randint(1, 12), b"null"])
    parts = [_random_json(rnd, depth + 1) for _ in range(rnd.randint(0, 3))]
    if roll < 0.65:
        return b"[" + b",".join(parts) + b"]"
    return b"{" + b",".join(text + b":" + p for p in parts) + b"}"


def _guard_module() -> Any:
    from ld.readers import json_guard  # imported here: the tests above ran before it existed
    return json_guard


def _whole(data: bytes) -> tuple[int | None, bytes]:
    json_guard = _guard_module()
    mended = json_guard.mend_surrogates(data)
    limit = json_guard._walk(mended, False, 0, 0)
    return (None, mended) if limit is None else (limit.index, mended[:limit.index])


def _chunked(data: bytes, cuts: list[int]) -> tuple[int | None, bytes]:
    guard, out = _guard_module().Guard(), b""
    pos = 0
    for cut in [*cuts, len(data), None]:
        part = data[pos:cut] if cut is not None else b""
        safe, limit = guard.check(part, final=cut is None)
        if limit is not None:  # a number may have begun in bytes already handed out
            return len(out) + limit.index, (out + safe)[:len(out) + limit.index]
        out, pos = out + safe, cut
    return None, out


# -- (6) a title of one very long word: linear time ------------------------------------------

def test_a_one_word_title_of_50000_letters_is_read_in_linear_time() -> None:
    started = time.process_time()
    assert nlm_title("a" * 50_000 + " b.") == "a" * 50_000 + " b"
    assert nlm_title("x" * 50_000 + ".") == "x" * 50_000
    assert time.process_time() - started < 1


@pytest.mark.parametrize(("title", "kept"), [
    ("Smith et al.", "Smith et al."), ("Hepatitis B.", "Hepatitis B"), ("(e.g.", "(e.g."),
    ("Ends with space .", "Ends with space"), (".", ""), ("A study (sp.", "A study (sp.")])
def test_nlm_title_periods_as_before(title: str, kept: str) -> None:
    assert nlm_title(title) == kept


# -- (7) a record element as the root, behind a prolog longer than the 64 KB head ------------

_COMMENT = b"<!-- " + b"x" * 66_000 + b" -->\n"


def test_an_oai_record_as_root_behind_a_long_prolog_is_no_oai_response() -> None:
    data = (b'<?xml version="1.0"?>\n<!-- <OAI-PMH xmlns="http://www.openarchives.org/OAI/2.0/">'
            + _COMMENT[4:] + b'<record xmlns="http://www.openarchives.org/OAI/2.0/"><header>'
            b"<identifier>oai:x:1</identifier></header></record>")
    items, error = read_all(data, "root.xml", "oai")
    assert items == [] and isinstance(error, InputError)
    assert "not an OAI-PMH 2.0 response: the root element is <record>" in error.message


def test_a_medline_citation_as_root_behind_a_long_prolog_is_no_pubmed_xml() -> None:
    data = _COMMENT + b"<MedlineCitation><PMID>123</PMID><Article><ArticleTitle>T</ArticleTitle>"
    items, error = read_all(data + b"</Article></MedlineCitation>", "root.xml", "pubmed")
    assert items == [] and isinstance(error, ParseError)
    assert "not PubMed XML: the root element is <MedlineCitation>" in error.message


# -- (8) MARC-in-JSON: null is no value, a long number is text --------------------------------

def test_marc_in_json_null_refuses_the_record_naming_the_field() -> None:
    data = (b'[{"leader":"00000nam a2200000 a 4500","fields":[{"001":null},{"245":{"ind1":"1",'
            b'"ind2":"0","subfields":[{"a":"T"}]}}]},{"leader":"00000nam a2200000 a 4500",'
            b'"fields":[{"001":"r2"},{"245":{"ind1":null,"subfields":[{"a":null}]}}]}]')
    items, error = read_all(data, "null.json", "marc-json")
    assert error is None and ids(items) == []
    assert [(e.location.field, e.message) for e in items] == [
        ("001", "field 001 is null, not a string: no MARC value"),
        ("245 $a", "field 245 $a is null, not a string: no MARC value")]


def test_marc_in_json_numbers_are_kept_as_written() -> None:
    data = (b'{"leader":"00000nam a2200000 a 4500","fields":[{"001":' + b"1" * 4301 + b"},"
            b'{"245":{"ind1":"1","ind2":"0","subfields":[{"a":"T"},{"n":1.50}]}}]}')
    [record], error = read_all(data, "numbers.json", "marc-json")
    assert error is None and record.id == "1" * 4301 and record.title.startswith("T")


# -- (9) an integer of 20 digits is valid JSON ------------------------------------------------

def test_a_20_digit_integer_in_a_solr_array_is_read_exactly() -> None:
    data = (b'[{"id":"a","title":"x"},{"id":"b","title":"y","oclc_num":12345678901234567890,'
            b'"score":1.50},{"id":"c","title":"z"}]')
    items, error = read_all(data, "big.json")
    assert error is None and ids(items) == ["a", "b", "c"]
    assert "12345678901234567890" in repr(items[1])


# -- (11) a truncated gzip file keeps every record before the cut -----------------------------

def test_truncated_gzip_keeps_the_records_before_the_cut(shared_data: Path) -> None:
    packed = gzip.compress((shared_data / "marc" / "pymarc-test" / "marc.dat").read_bytes())
    readable = _decompressible(packed[:3000])  # 7,922 bytes, 8 records, by `gzip -c`
    items, error = read_all(packed[:3000], "trunc.mrc.gz")
    assert len(ids(items)) == readable.count(b"\x1d") >= 8 and isinstance(error, ParseError)
    assert error.location.position == f"uncompressed byte {len(readable)}"
    assert "gzip" in error.message


def _decompressible(packed: bytes) -> bytes:
    """The bytes a cut gzip stream gives before its error."""
    unzipped, out = gzip.GzipFile(fileobj=io.BytesIO(packed)), b""
    try:
        while data := unzipped.read1(1 << 16):
            out += data
    except EOFError:
        pass
    return out


def test_truncated_gzip_json_lines_lose_no_whole_line() -> None:
    lines = b"".join(b'{"id":"r%d","title":"%s"}\n' % (n, random.Random(n).randbytes(40).hex()
                                                        .encode()) for n in range(2000))
    packed = gzip.compress(lines)
    cut = packed[: len(packed) // 3]
    readable = _decompressible(cut)
    items, error = read_all(cut, "cut.jsonl.gz")
    complete = readable.count(b"\n")  # the line after them is cut, unless just its "\n" is
    assert ids(items)[:complete] == [f"r{n}" for n in range(complete)]
    assert len(ids(items)) - complete in (0, 1) and isinstance(error, ParseError)


# -- (12) a truncated binary MARC file is a truncated file ------------------------------------

def test_a_marc_file_cut_inside_a_record_is_an_input_error_after_the_others() -> None:
    whole = [_marc(_PLAIN_008).replace(b"r1", b"r%d" % n) for n in range(1, 5)]
    data = b"".join(whole[:3]) + whole[3][:100]
    items, error = read_all(data, "cut.mrc")
    assert ids(items) == ["r1", "r2", "r3"] and isinstance(error, ParseError)
    assert error.location.position == f"record 4 (byte {len(data) - 100})"
    assert "ends inside record 4" in error.message and error.location.record_id == "r4"


# -- (4) and whatever else: a reader's ValueError costs one record, never the load ------------

@pytest.mark.parametrize(("module", "function", "name", "data"), [
    ("marc", "from_pymarc", "two.mrc", _marc(_PLAIN_008) * 2),
    ("pubmed", "_map", "two.xml", b"<PubmedArticleSet>" + b"<PubmedArticle><MedlineCitation>"
     b"<PMID>1</PMID><Article><ArticleTitle>T</ArticleTitle></Article></MedlineCitation>"
     b"</PubmedArticle>" * 2 + b"</PubmedArticleSet>"),
    ("medline", "map_record", "two.txt", b"PMID- 1\nTI  - T.\n\nPMID- 2\nTI  - U.\n"),
])
def test_an_unexpected_value_error_rejects_one_record(monkeypatch, module: str, function: str,
                                                      name: str, data: bytes) -> None:
    import importlib
    reader = importlib.import_module(f"ld.readers.{module}")
    real, calls = getattr(reader, function), []

    def first_fails(*args: Any) -> Any:
        calls.append(1)
        if len(calls) == 1:
            raise ValueError("invalid literal for int() with base 10: '²'")
        return real(*args)

    monkeypatch.setattr(reader, function, first_fails)
    items, error = read_all(data, name)
    assert error is None and len(items) == 2 and isinstance(items[1], Record)
    assert "ValueError" in str(items[0]) and "bug in ldpub's" in str(items[0])


def test_a_cut_gzip_ending_on_a_record_boundary_is_still_an_error(tmp_path: Path) -> None:
    """A file of two gzip members, the second cut short: the first member's records
    are read, then the gzip error is raised. (The review's case, decompressed bytes
    ending exactly on a record boundary in the read that meets the error, so that a
    line-iterating reader takes the end handed out before the error as the file's, could
    not be produced with a real file; read_stream now asks once more after the reader
    is done, so a held error cannot be lost either way.)"""
    from ld.errors import ParseError
    from ld.readers import read_path

    whole = b"".join(b'{"id": "r%d", "title": "T"}\n' % i for i in range(3))
    path = tmp_path / "cut.jsonl.gz"
    path.write_bytes(gzip.compress(whole) + gzip.compress(b'{"id": "r9", "title": "U"}\n')[:15])
    items = []
    with pytest.raises(ParseError, match="gzip"):
        for item in read_path(str(path)):
            items.append(item)
    assert [i.id for i in items] == ["r0", "r1", "r2"]

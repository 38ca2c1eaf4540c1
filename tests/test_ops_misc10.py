"""Operator's report explore10/ops, defects 5, 10 and 11: one regression each.

- 10: a real LoC record (tests/data/loc-00033708-jap.mrc, copied byte for byte from
  "Books All 2016" part 01, record 19,250) was rejected for its 041 code ``jap``;
  MARC's discontinued codes gua, taj and tru were refused too.
"""

from __future__ import annotations

from pathlib import Path

import pymarc
import pytest
from rdflib import URIRef
from rdflib.namespace import DCTERMS

from ld.mapping import map_record
from ld.readers import read_path
from ld.validation import Validator
from tests.test_readers_marc_more import BASE, field, marc_file

DATA = Path(__file__).parent / "data"


def _iso(code: str, part: str = "2") -> URIRef:
    return URIRef(f"http://id.loc.gov/vocabulary/iso639-{part}/{code}")


def _languages_and_violations(path: Path) -> tuple[set, list[str]]:
    """The record's dcterms:language and the paths of its Violations."""
    [record] = list(read_path(str(path)))
    graph = map_record(record, BASE)
    languages = set(graph.objects(URIRef(f"{BASE}id/record/{record.id}"), DCTERMS.language))
    (report,) = Validator().validate([(record.id, graph)])
    return languages, [str(r.path) for r in report.results if str(r.severity).endswith("Violation")]


# --- 10. discontinued MARC language codes ------------------------------------------

def test_the_real_loc_record_with_jap_is_published_in_japanese() -> None:
    """Regression: 'http://purl.org/dc/terms/language = 'jap': ... not a known ISO 639-2
    language', the whole record left out of the catalogue."""
    path = DATA / "loc-00033708-jap.mrc"
    record = next(pymarc.MARCReader(path.read_bytes(), to_unicode=True, force_utf8=True))
    assert record["041"]["a"] == "engjap"
    languages, violations = _languages_and_violations(path)
    assert languages == {_iso("eng"), _iso("jpn")}
    assert violations == []


@pytest.mark.parametrize(("old", "new"), [
    ("gua", _iso("grn")), ("taj", _iso("tgk")), ("tru", _iso("chk")),
    ("scr", _iso("hrv")), ("esk", _iso("esx", "5"))])
def test_discontinued_marc_codes_name_their_successor(tmp_path: Path, old: str,
                                                      new: URIRef) -> None:
    """gua, taj and tru (LoC's 1999 changes for ISO 639-2) were refused; esk, deleted
    then without a successor, was published as Yupik whatever the Eskimo language."""
    path = marc_file(tmp_path, field("041", "0 ", ("a", f"eng{old}")),
                     field("245", "10", ("a", "A grammar.")))
    languages, violations = _languages_and_violations(path)
    assert languages == {_iso("eng"), new}
    assert violations == []

"""Review 12 M4: a number the record rightly marks cancelled (MARC 020 $z, 022 $y/$z) is
published apart with no warning; a failing check digit in 020 $a still warns."""

from __future__ import annotations

from rdflib import Literal

from ld.namespaces import LDPUB
from ld.validation import Validator
from tests.test_crosswalk12_marc import REC, _field, _marc


def test_a_record_with_only_a_cancelled_isbn_and_issn_validates_without_warnings() -> None:
    graph = _marc([_field("020", "  ", "z", "0761921435 (pbk.)"),
                   _field("022", "  ", "a", "0272-9172", "z", "9999-9999"),
                   _field("100", "1 ", "a", "Roe, Jane")])
    assert {(p, o) for p, o in graph.predicate_objects(REC)
            if p in (LDPUB.cancelledIsbn, LDPUB.cancelledIssn, LDPUB.invalidIsbn)} == {
        (LDPUB.cancelledIsbn, Literal("0761921435")),
        (LDPUB.cancelledIssn, Literal("9999-9999"))}
    (report,) = Validator().validate([("r1", graph)])
    assert report.conforms and [r.message for r in report.results] == []


def test_a_failing_check_digit_in_020_a_is_invalid_and_warns() -> None:
    graph = _marc([_field("020", "  ", "a", "0761921436")])
    assert (REC, LDPUB.invalidIsbn, Literal("0761921436")) in graph
    (report,) = Validator().validate([("r1", graph)])
    assert {str(r.shape).rsplit("#", 1)[-1] for r in report.results} >= {"IsbnInvalid"}

"""M1: a date before 1 CE keeps its sign with a month or a day, and citations give its year.

"-0500-03-15" was ``"0500"^^xsd:gYear`` (500 CE, for 501 BCE), and ``year_of("-0500")``
was None, so BibTeX, RIS, CSL-JSON and the search rows had no year for a BCE date.
Years count as ISO 8601 and XSD 1.1 do: "-0500" is 501 BCE.
"""

from __future__ import annotations

import json

import pytest
from rdflib import Literal
from rdflib.namespace import XSD

from ld import citation
from ld.facts import Facts, year_of
from ld.mapping_terms import issued_literal


@pytest.mark.parametrize(("value", "literal"), [
    ("-0500", Literal("-0500", datatype=XSD.gYear)),
    ("-0500-03", Literal("-0500-03", datatype=XSD.gYearMonth)),
    ("-0500-03-15", Literal("-0500-03", datatype=XSD.gYearMonth)),
    ("-0500-13", Literal("-0500", datatype=XSD.gYear)),
    ("1999-02-30", Literal("1999", datatype=XSD.gYear)),
    ("2019-03-15", Literal("2019-03-15", datatype=XSD.date)),
])
def test_a_bce_date_is_never_a_ce_year(value: str, literal: Literal) -> None:
    assert issued_literal(value) == literal


def test_the_year_of_a_bce_date_is_kept_for_citations_and_search() -> None:
    assert [year_of(v) for v in ("-0500", "-0500-03", "2019-03-15", None)] == [
        "-0500", "-0500", "2019", None]
    facts = Facts(thing="http://example.org/t", doc="http://example.org/d", title="T",
                  issued="-0500-03")
    assert "year = {-0500}" in citation.bibtex(facts, "r1")
    assert "PY  - -0500" in citation.ris(facts, "r1").splitlines()
    item = json.loads(citation.csl_json(facts, "r1"))[0]
    assert item["issued"] == {"date-parts": [[-501, 3]]}  # CSL: 1 BCE is -1

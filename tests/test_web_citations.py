"""Citations of the less common records, read back by bibtexparser and by the JSON and
RIS they are: corporate authors, entry types, editors, page ranges and dates.

Every request goes to the live server of tests/conftest_web.py.
"""

from __future__ import annotations

import json

import pytest
import requests

from tests.web_records import (
    BOOK_TITLE,
    COUNCIL,
    EDITORS,
    GROUP,
    ILLUSTRATOR,
    SCHOOL,
    TYPED,
    UNIVERSITY,
)


def _get(site, record_id: str, ext: str) -> str:
    r = requests.get(f"{site.url}/doc/record/{record_id}.{ext}", timeout=10)
    assert r.status_code == 200, r.text[:300]
    return r.text


def _bibtex_names(site, record_id: str, field: str = "author") -> list:
    import bibtexparser
    from bibtexparser.middlewares import SeparateCoAuthors, SplitNameParts

    library = bibtexparser.parse_string(
        _get(site, record_id, "bib"), append_middleware=[SeparateCoAuthors(), SplitNameParts()])
    assert not library.failed_blocks
    return library.entries[0].fields_dict[field].value


def _citeproc(items: list[dict]) -> str:
    """The first item as citeproc-py renders it (Harvard), which refuses what it cannot
    read."""
    from citeproc import (
        Citation,
        CitationItem,
        CitationStylesBibliography,
        CitationStylesStyle,
        formatter,
    )
    from citeproc.source.json import CiteProcJSON

    style = CitationStylesStyle("harvard-cite-them-right", validate=False)
    bibliography = CitationStylesBibliography(style, CiteProcJSON(items), formatter.plain)
    bibliography.register(Citation([CitationItem(items[0]["id"])]))
    return str(bibliography.bibliography()[0])


def test_an_organisation_is_one_name_in_every_citation(site) -> None:
    """Regression (D5): "University of Washington, Seattle" was split by BibTeX at its
    comma (last name "University of Washington", first "Seattle") and by CSL-JSON into
    family and given; an organisation is one braced name, a CSL literal."""
    names = _bibtex_names(site, "test-corporate")
    assert [(n.first, n.von, n.last) for n in names] == [
        ([], [], ["{" + COUNCIL + "}"]), ([], [], ["{" + UNIVERSITY + "}"])]
    (item,) = json.loads(_get(site, "test-corporate", "csljson"))
    assert item["author"] == [{"literal": COUNCIL}, {"literal": UNIVERSITY}]


def test_page_ranges_urls_and_dates_as_each_format_wants_them(site) -> None:
    """Regression (D12): a range stored whole ("1730-1753" as the first page) stayed
    `pages = {1730-1753}` (BibTeX wants "--"); the url and doi fields, verbatim in
    biblatex, had their "%" and "_" escaped (`hdl:1765\\%2F317`); RIS DA was "2022-12"
    where the form is YYYY/MM/DD/."""
    import bibtexparser

    from ld.uris import encode_key
    from tests.web_records import HANDLE, ODD_DOI

    key = encode_key(HANDLE)
    (entry,) = bibtexparser.parse_string(_get(site, key, "bib")).entries
    fields = entry.fields_dict
    assert fields["pages"].value == "1730--1753"
    assert fields["url"].value == f"{site.url}/id/record/{key}" and "%2F" in key
    assert fields["doi"].value == ODD_DOI
    ris = _get(site, key, "ris").split("\r\n")
    assert {"DA  - 2022/12//", "SP  - 1730", "EP  - 1753"} <= set(ris)
    (item,) = json.loads(_get(site, key, "csljson"))
    assert item["page"] == "1730-1753"


@pytest.mark.parametrize("record_id", list(TYPED))
def test_each_kind_of_record_gets_its_entry_type(site, record_id: str) -> None:
    """Regression (D3): a chapter, report, map, recording... was exported as @misc, GEN
    and document (a report with a journal-like container as an article); a chapter
    names its book (booktitle, T2, container-title), a thesis its school."""
    import bibtexparser

    _, bib_type, ris_type, csl_type = TYPED[record_id]
    (entry,) = bibtexparser.parse_string(_get(site, record_id, "bib")).entries
    ris = _get(site, record_id, "ris").split("\r\n")
    (item,) = json.loads(_get(site, record_id, "csljson"))
    assert (entry.entry_type, ris[0], item["type"]) == (bib_type, f"TY  - {ris_type}", csl_type)
    assert item["title"] in _citeproc([item])
    fields = entry.fields_dict
    if record_id == "test-chapter":
        assert fields["booktitle"].value == BOOK_TITLE and f"T2  - {BOOK_TITLE}" in ris
        assert item["container-title"] == BOOK_TITLE
    if record_id == "test-thesis":
        assert fields["school"].value == SCHOOL and "publisher" not in fields


def test_editors_are_cited_and_a_contributor_stands_in_for_a_missing_author(site) -> None:
    """Regression (D4): editors (relators:edt) were in no citation (no BibTeX editor,
    RIS ED, CSL editor), and a record whose only person is a contributor had no author
    in any. The data gives the editors no order (no bibo:editorList), so any order."""
    names = _bibtex_names(site, "test-chapter", "editor")
    assert sorted(f"{n.last[0]}, {' '.join(n.first)}" for n in names) == EDITORS
    ris = _get(site, "test-chapter", "ris").split("\r\n")
    assert sorted(line[6:] for line in ris if line.startswith("ED  - ")) == EDITORS
    (item,) = json.loads(_get(site, "test-chapter", "csljson"))
    assert sorted(f"{e['family']}, {e['given']}" for e in item["editor"]) == EDITORS
    assert "(ed" in _citeproc([item])  # "in M. P. Adam and R. A. Pagon (eds.) Handbook..."
    family, given = ILLUSTRATOR.split(", ")
    assert [(n.last, n.first) for n in _bibtex_names(site, "test-illustrated")] == [
        ([family], [given])]
    assert f"AU  - {ILLUSTRATOR}" in _get(site, "test-illustrated", "ris").split("\r\n")
    (item,) = json.loads(_get(site, "test-illustrated", "csljson"))
    assert item["author"] == [{"family": family, "given": given}]
    group = _bibtex_names(site, "test-group")  # a contributor that is also the publisher
    assert [n.last for n in group] == [["{" + GROUP + "}"]]


def test_a_journal_known_by_its_issn_only_is_not_cited_as_its_title() -> None:
    """Regression: an oai_dc record whose dc:identifier is a bare ISSN got a journal
    keyed by it, and its citations said journal = {1566-5283}."""
    from ld import citation
    from ld.facts import Facts, Link

    f = Facts("http://x/id/record/r", "http://x/doc/record/r", title="A working paper")
    f.types = ["http://purl.org/ontology/bibo/AcademicArticle"]
    f.journal = Link("http://x/id/journal/1566-5283", "1566-5283", "journal", named=False)
    assert "journal =" not in citation.bibtex(f, "r")
    assert "T2  -" not in citation.ris(f, "r")
    assert "container-title" not in json.loads(citation.csl_json(f, "r"))[0]
    f.journal = Link("http://x/id/journal/1566-5283", "ERIM Report Series", "journal")
    assert "journal = {ERIM Report Series}" in citation.bibtex(f, "r")

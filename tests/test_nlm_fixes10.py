"""NLM readers, regressions from a cataloguer's review (explore10/catalog 7 and 8).

- A JATS abstract with its own <title> ran into its first paragraph and its
  paragraphs into each other: "Author SummaryRift Valley fever ...", "One.Two.".
- A MEDLINE text MH line was one subject as written ("Choroid/diagnostic
  imaging/blood supply", a heading MeSH does not have) and the descriptor
  alone was never a subject, so the same article got other subjects than from
  PubMed XML; TT (the romanised title) was dropped.
"""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from lxml import etree

from ld.readers import jats, medline, pubmed
from ld.readers.jats import _abstract


@pytest.mark.parametrize(("xml", "text"), [
    ("<abstract><title>Author Summary</title><p>One.</p><p>Two.</p></abstract>",
     "Author Summary: One. Two."),
    ("<abstract><p>One.</p><p>Two <italic>b</italic>.</p></abstract>", "One. Two b."),
    ("<abstract>Plain <italic>mixed</italic> text.</abstract>", "Plain mixed text."),
    ("<abstract><sec><title>Background</title><p>A.</p><p>B.</p></sec>"
     "<sec><title>Results</title><p>C.</p></sec></abstract>", "BACKGROUND: A. B. RESULTS: C."),
    ("<abstract><title>Summary</title></abstract>", "Summary"),
])
def test_jats_abstract_blocks_are_set_apart(xml: str, text: str) -> None:
    assert _abstract(etree.fromstring(xml)) == text


def test_a_real_plos_author_summary_reads_as_title_then_text(shared_data: Path) -> None:
    path = shared_data / "pubmed" / "pmc-jats" / "pntd.0002065.nxml"
    if not path.exists():
        pytest.skip(f"{path} is not there")
    with path.open("rb") as stream:
        record = next(r for r in jats.read(stream, str(path)))
    assert any(a.startswith("Author Summary: Rift Valley fever") for a in record.abstracts)
    assert not any("SummaryRift" in a for a in record.abstracts)


@pytest.mark.parametrize(("line", "subjects"), [
    ("*Choroid/diagnostic imaging/*blood supply",
     ["Choroid", "Choroid/diagnostic imaging", "Choroid/blood supply"]),
    ("Humans", ["Humans"]),
    ("*Choroid Diseases/diagnosis", ["Choroid Diseases", "Choroid Diseases/diagnosis"]),
    ("Tomography, Optical Coherence/methods",
     ["Tomography, Optical Coherence", "Tomography, Optical Coherence/methods"]),
])
def test_an_mh_line_is_its_descriptor_then_each_qualifier(line: str, subjects: list[str]) -> None:
    assert [s.label for s in medline.mesh_heading(line)] == subjects


# the MEDLINE form of ../shared/data/pubmed/metapub-efetch/39731248.xml, as PubMed writes it
MEDLINE_39731248 = """\
PMID- 39731248
TI  - [Peripapillary pachychoroid syndrome].
LA  - rus
PT  - Journal Article
PT  - Review
PT  - English Abstract
TT  - Peripapillyarnyi pakhikhorioidal'nyi sindrom.
MH  - Humans
MH  - *Choroid/diagnostic imaging/blood supply
MH  - *Choroid Diseases/diagnosis
MH  - Diagnosis, Differential
MH  - Syndrome
MH  - Tomography, Optical Coherence/methods
MH  - Fluorescein Angiography/methods
MH  - Optic Disk/diagnostic imaging
OT  - pachychoroid
OT  - pachychoroid diseases
OT  - peripapillary pachychoroid syndrome
"""


def _medline(text: str):  # type: ignore[no-untyped-def]
    return next(iter(medline.read(io.BytesIO(text.encode()), "39731248.txt")))


def test_medline_text_gives_the_subjects_and_titles_of_the_xml(shared_data: Path) -> None:
    path = shared_data / "pubmed" / "metapub-efetch" / "39731248.xml"
    if not path.exists():
        pytest.skip(f"{path} is not there")
    with path.open("rb") as stream:
        xml = next(iter(pubmed.read(stream, str(path))))
    text = _medline(MEDLINE_39731248)
    assert [(s.label, s.kind) for s in text.subjects] == [(s.label, s.kind) for s in xml.subjects]
    assert (text.title, text.alternative_titles) == (xml.title, xml.alternative_titles)


def test_tt_stands_in_for_a_placeholder_title() -> None:
    text = _medline("PMID- 1\nTI  - [Not Available].\nTT  - Titre original.\n")
    assert (text.title, text.alternative_titles) == ("Titre original", [])

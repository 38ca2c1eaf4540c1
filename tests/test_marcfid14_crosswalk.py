"""Smaller MARC 21 crosswalk losses (explore12 marc L1, M4, L9), one regression test each.

Each test writes a small MARC record (pymarc) into tmp_path, reads it through the
registry's reader, maps it with ld.mapping and compares the triples of its graph.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pymarc
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, SKOS

from ld.mapping import map_record
from ld.model import Record
from ld.namespaces import LDPUB
from ld.readers import read_path

BASE = "http://example.org/"
WHEN = datetime(2024, 5, 6, tzinfo=UTC)
BOOK_008 = "150101s2015    xx            000 0 eng d"


def field(tag: str, ind: str, *subfields: tuple[str, str]) -> pymarc.Field:
    """A data field: field("245", "00", ("a", "Title"))."""
    return pymarc.Field(tag=tag, indicators=list(ind),
                        subfields=[pymarc.Subfield(c, v) for c, v in subfields])


def mapped(tmp_path: Path, control: str, *fields: pymarc.Field) -> tuple[URIRef, Graph]:
    """One UTF-8 MARC record with 001, 008, a title unless given, and ``fields``, read
    from a file and mapped: its IRI and graph."""
    record = pymarc.Record(leader="00000cam a2200000 a 4500", force_utf8=True)
    record.add_field(pymarc.Field(tag="001", data=control),
                     pymarc.Field(tag="008", data=BOOK_008))
    if not any(f.tag == "245" for f in fields):
        record.add_field(field("245", "00", ("a", "A title.")))
    record.add_field(*fields)
    path = tmp_path / f"{control}.mrc"
    path.write_bytes(record.as_marc())
    [read] = list(read_path(str(path)))
    assert isinstance(read, Record), read
    return URIRef(f"{BASE}id/record/{control}"), map_record(read, BASE, modified=WHEN)


def subject_labels(graph: Graph, iri: URIRef) -> set[tuple[Literal, frozenset[Literal]]]:
    """Each subject's prefLabel with its altLabels."""
    return {(graph.value(s, SKOS.prefLabel), frozenset(graph.objects(s, SKOS.altLabel)))
            for s in graph.objects(iri, DCTERMS.subject)}


def test_places_of_distribution_and_manufacture_are_no_places_of_publication(
        tmp_path: Path) -> None:
    """L1: 264 _2 (distribution), 264 _3 (manufacture) and a 260 distributor's place gave
    ldpub:publicationPlace values."""
    only_264, graph = mapped(
        tmp_path, "l1a",
        field("264", " 2", ("a", "London :"), ("b", "Distrib Ltd,"), ("c", "2021.")),
        field("264", " 3", ("a", "Printed in China :"), ("b", "Printer Co.,"), ("c", "2020.")))
    assert set(graph.objects(only_264, LDPUB.publicationPlace)) == set()
    with_260, graph = mapped(tmp_path, "l1b", field(
        "260", "  ", ("a", "Vienna :"), ("b", "International Atomic Energy Agency ;"),
        ("a", "[Lanham, MD :"), ("b", "Bernan Associates, distributor],"), ("c", "2000.")))
    assert set(graph.objects(with_260, LDPUB.publicationPlace)) == {Literal("Vienna")}


def test_a_subject_in_its_original_script_is_the_subjects_other_label(tmp_path: Path) -> None:
    """M4: the 880 of a 600 (the heading in Cyrillic) was dropped."""
    iri, graph = mapped(
        tmp_path, "m4",
        field("600", "10", ("6", "880-05"), ("a", "Napoleon"), ("b", "I,"),
              ("c", "Emperor of the French,"), ("d", "1769-1821"), ("v", "Fiction.")),
        field("880", "10", ("6", "600-05/(N"), ("a", "Наполеон"), ("b", "I,"),
              ("c", "император Франции,"), ("d", "1769-1821"), ("v", "Художественная литература.")))
    assert subject_labels(graph, iri) == {(
        Literal("Napoleon I, Emperor of the French, 1769-1821 -- Fiction"),
        frozenset({Literal(
            "Наполеон I, император Франции, 1769-1821 -- Художественная литература")}),
    )}


def test_archival_dates_stay_in_a_title_with_a_title_proper(tmp_path: Path) -> None:
    """L9: 245 $a Papers, $f 1900-1950 gave the title "Papers"."""
    iri, graph = mapped(tmp_path, "l9a", field(
        "245", "00", ("a", "Papers,"), ("f", "1900-1950"), ("g", "(bulk 1920-1940).")))
    assert set(graph.objects(iri, DCTERMS.title)) == {
        Literal("Papers, 1900-1950 (bulk 1920-1940)")}


def test_a_name_title_subject_keeps_the_language_of_the_work(tmp_path: Path) -> None:
    """L9: a 600 with $t and $l lost the $l, merging the French Hamlet with the English."""
    iri, graph = mapped(tmp_path, "l9b", field(
        "600", "10", ("a", "Shakespeare, William,"), ("d", "1564-1616."), ("t", "Hamlet."),
        ("l", "French."), ("x", "Criticism.")))
    assert subject_labels(graph, iri) == {(
        Literal("Shakespeare, William, 1564-1616. Hamlet. French -- Criticism"), frozenset())}

"""Record shapes (explore10/catalog 17): a blank title and a DCMI type the DCMI Type
Vocabulary lacks are violations, in both engines (the compiled one and pySHACL).

The mapping never writes either (a blank title is skipped, the format table's types are
DCMI terms); SPARQL Update or another writer can, and the shapes are the published
contract of the data.
"""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime

import pytest
from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, FOAF, SH

from ld.config import data_dir
from ld.mapping import map_record
from ld.mapping_terms import FORMATS
from ld.model import Record
from ld.readers import read_path
from ld.validation import Validator, load_shapes

BASE = "http://example.org/"
DCMITYPE = Namespace("http://purl.org/dc/dcmitype/")
LDSH = Namespace("https://w3id.org/ldpub/shapes#")
WHEN = datetime(2024, 5, 6, tzinfo=UTC)
DCMI_TERMS = {DCMITYPE[n] for n in (
    "Collection", "Dataset", "Event", "Image", "InteractiveResource", "MovingImage",
    "PhysicalObject", "Service", "Software", "Sound", "StillImage", "Text")}


@pytest.fixture(scope="module")
def seed() -> Record:
    (record,) = read_path(str(data_dir("sample") / "pubmed-6839263.txt"))
    assert isinstance(record, Record)
    return record


@pytest.fixture(scope="module", params=["fast", "pyshacl"])
def validator(request: pytest.FixtureRequest) -> Validator:
    return Validator(engine=request.param)


def _topic(graph: Graph) -> URIRef:
    return next(o for o in graph.objects(None, FOAF.primaryTopic))  # type: ignore[return-value]


def _violations(validator: Validator, graph: Graph) -> set[tuple[str | None, str | None]]:
    (report,) = validator.validate([("r", graph)])
    return {(r.shape, r.value) for r in report.results if r.severity == "Violation"}


@pytest.mark.parametrize("title", ["", "   ", "\t\n"])
def test_blank_record_title_is_a_violation(seed: Record, validator: Validator,
                                           title: str) -> None:
    graph = map_record(seed, BASE, modified=WHEN)
    topic = _topic(graph)
    graph.set((topic, DCTERMS.title, Literal(title)))
    assert _violations(validator, graph) == {(str(LDSH.RecordTitle), title)}


def test_record_with_only_blank_titles_has_no_title_and_is_rejected(
        seed: Record, validator: Validator) -> None:
    """What the mapping does with a source title that is blank: no dcterms:title at all,
    which the same shape rejects (sh:minCount), so both ways end alike."""
    record = dataclasses.replace(seed, title="  ", title_full="", title_short=None)
    graph = map_record(record, BASE, modified=WHEN)
    assert graph.value(_topic(graph), DCTERMS.title) is None
    assert _violations(validator, graph) == {(str(LDSH.RecordTitle), None)}


@pytest.mark.parametrize("term", [DCMITYPE.Book, DCMITYPE.text, DCMITYPE[""],
                                  URIRef("http://purl.org/dc/terms/Text")])
def test_dcmi_type_outside_the_vocabulary_is_a_violation(seed: Record, validator: Validator,
                                                         term: URIRef) -> None:
    graph = map_record(seed, BASE, modified=WHEN)
    graph.add((_topic(graph), DCTERMS.type, term))
    assert _violations(validator, graph) == {(str(LDSH.RecordDcmiType), str(term))}


def test_every_dcmi_type_conforms(seed: Record, validator: Validator) -> None:
    graph = map_record(seed, BASE, modified=WHEN)
    for term in DCMI_TERMS:
        graph.add((_topic(graph), DCTERMS.type, term))
    assert _violations(validator, graph) == set()


def test_shape_lists_the_vocabulary_and_the_format_table_stays_within_it() -> None:
    shapes = load_shapes()
    choices = shapes.items(shapes.value(LDSH.RecordDcmiType, SH["or"]))  # or a genre concept
    (dcmi,) = [c for c in choices if shapes.value(c, SH["in"]) is not None]
    listed = set(shapes.items(shapes.value(dcmi, SH["in"])))
    assert listed == DCMI_TERMS
    assert {dcmi for _, dcmi in FORMATS.values() if dcmi is not None} <= DCMI_TERMS

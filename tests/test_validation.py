"""SHACL shapes, the vocabulary file and the batched validator."""

from __future__ import annotations

import dataclasses
import shutil
import subprocess
from datetime import UTC, datetime
from pathlib import Path

import pytest
from rdflib import RDF, RDFS, Graph, Literal, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import DCTERMS, FOAF, SH

from ld.config import data_dir
from ld.errors import RecordError
from ld.mapping import map_record
from ld.mapping_terms import RECORD_CLASSES
from ld.model import Agent, Record
from ld.namespaces import BIBO, LDPUB, LDPUB_NS, LDSH
from ld.readers import read_path
from ld.validation import RecordReport, Validator, load_shapes, report_graph
from tests.shared_helpers import generated_graphs

BASE = "http://example.org/"
WHEN = datetime(2024, 5, 6, tzinfo=UTC)
SHAPES = sorted(data_dir("shapes").glob("*.ttl"))
VOCAB = data_dir("vocab") / "ldpub.ttl"


@pytest.fixture(scope="module")
def validator() -> Validator:
    return Validator()


@pytest.fixture(scope="module")
def seed() -> Record:
    (record,) = read_path(str(data_dir("sample") / "pubmed-6839263.txt"))
    assert isinstance(record, Record)
    return record


def _check(validator: Validator, *records: Record) -> list[RecordReport]:
    return validator.validate([(r.id, map_record(r, BASE, modified=WHEN)) for r in records])


def test_seed_conforms_without_warnings(validator: Validator, seed: Record) -> None:
    (report,) = _check(validator, seed)
    assert report.record_id == "pubmed-6839263"
    assert report.conforms and report.results == [], [r.to_json() for r in report.results]


@pytest.mark.parametrize(("change", "path", "value", "words"), [
    ({"title": None, "title_full": None, "title_short": None},
     DCTERMS.title, None, "must have a title"),
    ({"pmid": "PMID 6839263"}, BIBO.pmid, "PMID 6839263", "up to 9 digits"),
])
def test_planted_violation_is_reported(validator: Validator, seed: Record, change: dict,
                                       path: URIRef, value: str | None, words: str) -> None:
    (report,) = _check(validator, dataclasses.replace(seed, **change))
    assert not report.conforms
    hits = [r for r in report.violations if r.path == str(path)]
    assert len(hits) == 1, [r.to_json() for r in report.results]
    assert hits[0].value == value
    assert words.lower() in hits[0].message.lower()
    assert hits[0].shape and hits[0].shape.startswith(str(LDSH))
    assert hits[0].to_json()["path"] == str(path)


@pytest.mark.parametrize(("change", "shapes"), [
    ({"issued": None}, {LDSH.RecordIssuedMissing}),
    ({"issued": "n.d."}, {LDSH.RecordIssuedMissing, LDSH.RecordDateUnreadable}),
    ({"languages": []}, {LDSH.RecordLanguageMissing}),
    ({"creators": []}, {LDSH.RecordCreatorMissing}),
    ({"abstracts": ["Short."]}, {LDSH.RecordAbstractShort}),
    ({"creators": [Agent("Aristotle")]}, {LDSH.PersonFamilyName}),
    # regression: one mistyped identifier or link rejected the whole record (real LoC
    # and recordmanager MARC records were lost); it is now set apart, with a warning
    ({"isbn": ["0-306-40615-3"]}, {LDSH.IsbnInvalid}),
    ({"isbn": ["12345"]}, {LDSH.IsbnInvalid}),
    ({"issn": ["1234-5678"]}, {LDSH.IssnInvalid, LDSH.JournalTitle}),
    ({"doi": ["10.1186/ bad doi"]}, {LDSH.DoiInvalid}),
    ({"urls": ["www.alexandria.admin.ch/BIG Bc1801.pdf"]}, {LDSH.LinkInvalid}),
    # explore12 pubmed H2: a language value no rule reads cost harvested records
    ({"languages": ["Klingonese"]}, {LDSH.LanguageInvalid, LDSH.RecordLanguageMissing}),
])
def test_warnings_do_not_reject(validator: Validator, seed: Record, change: dict,
                                shapes: set[URIRef]) -> None:
    (report,) = _check(validator, dataclasses.replace(seed, **change))
    assert report.conforms
    assert {r.shape for r in report.results} == {str(s) for s in shapes}
    assert {r.severity for r in report.results} == {"Warning"}


def test_batch_gives_the_same_reports_as_one_at_a_time(validator: Validator,
                                                      seed: Record) -> None:
    records = [
        seed,
        dataclasses.replace(seed, id="b", title=None, title_full=None, title_short=None),
        dataclasses.replace(seed, id="c", isbn=["12345"], issued="19--"),
        dataclasses.replace(seed, id="d", creators=[Agent("Clavel, Nathalie")], languages=[]),
        dataclasses.replace(seed, id="b"),  # same id twice in one batch
    ]
    graphs = [(r.id, map_record(r, BASE, modified=WHEN)) for r in records]
    batched = validator.validate(graphs)
    single = [validator.validate([g])[0] for g in graphs]
    assert [r.to_json() for r in batched] == [r.to_json() for r in single]
    assert [r.conforms for r in batched] == [True, False, True, True, True]


def test_shared_node_faults_stay_with_their_record(validator: Validator, seed: Record) -> None:
    """A person without a name in one record is not rescued by another record naming them."""
    broken = map_record(dataclasses.replace(seed, id="broken"), BASE, modified=WHEN)
    clavel = URIRef(f"{BASE}id/person/clavel-nathalie")
    broken.remove((clavel, FOAF.name, None))
    good = map_record(seed, BASE, modified=WHEN)
    reports = validator.validate([("good", good), ("broken", broken)])
    assert reports[0].conforms
    assert not reports[1].conforms
    (hit,) = reports[1].violations
    assert (hit.focus, hit.path, hit.shape) == (str(clavel), str(FOAF.name),
                                                str(LDSH.PersonName))


def test_report_json_and_turtle(validator: Validator, seed: Record) -> None:
    reports = _check(validator, seed, dataclasses.replace(seed, id="x", pmid="PMID 6839263"))
    data = reports[1].to_json()
    assert data["record_id"] == "x" and data["conforms"] is False
    assert {"severity", "focus", "path", "value", "message", "shape"} <= set(data["results"][0])
    ttl = report_graph(reports).serialize(format="turtle")
    graph = Graph().parse(data=ttl, format="turtle")
    (root,) = graph.subjects(RDF.type, SH.ValidationReport)
    assert graph.value(root, SH.conforms) == Literal(False)
    (result,) = graph.objects(root, SH.result)
    assert graph.value(result, SH.value) == Literal("PMID 6839263")
    assert graph.value(result, SH.resultPath) == BIBO.pmid
    assert graph.value(result, SH.focusNode) == URIRef(f"{BASE}id/record/x")
    assert graph.value(result, SH.resultSeverity) == SH.Violation
    # SHACL requires it of every result; the compiled engine gave none
    assert str(graph.value(result, SH.sourceConstraintComponent)).startswith(str(SH))


def test_every_ldpub_term_is_described_in_the_vocabulary() -> None:
    vocab = Graph().parse(VOCAB, format="turtle")
    terms = [name for name in LDPUB.__annotations__ if not name.startswith("_")]
    assert terms
    for name in terms:
        term = URIRef(LDPUB_NS + name)
        assert vocab.value(term, RDFS.label), f"{name} has no rdfs:label in {VOCAB}"
        assert vocab.value(term, RDFS.comment), f"{name} has no rdfs:comment in {VOCAB}"
        assert vocab.value(term, RDFS.isDefinedBy) == URIRef(LDPUB_NS), name


def test_every_constraint_has_a_message() -> None:
    shapes = load_shapes()
    prop_shapes = set(shapes.subjects(SH.path, None)) - set(shapes.subjects(SH.alternativePath))
    prop_shapes -= set(shapes.subjects(SH.zeroOrMorePath))
    assert len(prop_shapes) > 20
    for shape in prop_shapes:
        assert shapes.value(shape, SH.message), f"{shape} has no sh:message"
        assert shapes.value(shape, SH.severity), f"{shape} has no sh:severity"
    for node_shape in shapes.subjects(RDF.type, SH.NodeShape):
        assert isinstance(node_shape, URIRef) and node_shape.startswith(str(LDSH))


def test_record_shape_targets_every_record_class() -> None:
    shapes = load_shapes()
    targets = set(shapes.objects(LDSH.RecordShape, SH.targetClass))
    # bibo:Journal is also the class of the journals articles are in; journal
    # records are reached through their document (sh:targetObjectsOf).
    assert RECORD_CLASSES - targets == {BIBO.Journal}
    assert shapes.value(LDSH.RecordShape, SH.targetObjectsOf) == FOAF.primaryTopic
    classes = {FOAF.Person, FOAF.Organization, BIBO.Journal, FOAF.Document,
               URIRef("http://www.w3.org/2004/02/skos/core#Concept"),
               URIRef("http://purl.org/dc/dcmitype/Collection")}
    assert classes <= set(shapes.objects(None, SH.targetClass))


@pytest.mark.skipif(shutil.which("rapper") is None, reason="rapper (raptor2-utils) not installed")
@pytest.mark.parametrize("path", [*SHAPES, VOCAB], ids=lambda p: Path(p).name)
def test_independent_parser_reads_the_same_graph(path: Path) -> None:
    out = subprocess.run(["rapper", "-q", "-i", "turtle", "-o", "ntriples", str(path)],
                         capture_output=True, text=True, check=True).stdout
    assert isomorphic(Graph().parse(data=out, format="nt"), Graph().parse(path, format="turtle"))


def test_real_vufind_records_map_and_validate_or_are_refused(shared_data: Path,
                                                            validator: Validator) -> None:
    mapped = []
    for path in sorted((shared_data / "vufind-solr").rglob("*")):
        for item in read_path(str(path)) if path.suffix in (".json", ".http") else []:
            if isinstance(item, Record):
                try:
                    mapped.append((item.id, map_record(item, BASE, modified=WHEN)))
                except RecordError as err:
                    assert err.location.record_id == item.id and err.location.field
    assert len(mapped) >= 8
    reports = validator.validate(mapped)
    for report in reports:
        assert all(r.message and r.focus for r in report.results)
        assert report.conforms == (not report.violations)
    assert [r.to_json() for r in reports] == [validator.validate([g])[0].to_json() for g in mapped]


def test_real_marc_records_batched_as_strictly_as_one_by_one(shared_data: Path,
                                                             validator: Validator) -> None:
    """The first 150 Library of Congress records: a batch gives each record's own results."""
    path = shared_data / "marc" / "loc-booksall-2016" / "booksall_2016_part01_sample.mrc"
    records = [r for r, _ in zip((i for i in read_path(str(path)) if isinstance(i, Record)),
                                 range(150), strict=False)]
    graphs = [(r.id, map_record(r, BASE, modified=WHEN)) for r in records]
    batched = Validator(batch_size=150).validate(graphs)
    single = [validator.validate([g])[0] for g in graphs]
    assert [r.to_json() for r in batched] == [r.to_json() for r in single]
    assert sum(len(r.results) for r in batched) > 0  # the sample has warnings to compare


def test_result_on_a_node_only_mentioned_goes_to_the_record_mentioning_it(
        validator: Validator, seed: Record) -> None:
    """A document whose record has no description: the record shape still checks it."""
    hollow = map_record(dataclasses.replace(seed, id="hollow"), BASE, modified=WHEN)
    record = URIRef(f"{BASE}id/record/hollow")
    hollow.remove((record, None, None))
    good = map_record(seed, BASE, modified=WHEN)
    reports = validator.validate([("good", good), ("hollow", hollow)])
    assert reports[0].conforms and reports[0].results == []
    shapes = {r.shape for r in reports[1].violations}
    assert {str(LDSH.RecordTitle), str(LDSH.RecordIdentifier)} <= shapes
    assert {r.focus for r in reports[1].violations} == {str(record)}


@pytest.mark.parametrize(("triple_of", "shape"), [
    (lambda rec, person: (rec, URIRef("http://www.w3.org/2002/07/owl#sameAs"), Literal("x")),
     LDSH.LinksIri),
    (lambda rec, person: (person, URIRef("http://www.w3.org/2002/07/owl#sameAs"), Literal("x")),
     LDSH.LinksIri),
    (lambda rec, person: (rec, DCTERMS.issued, Literal("2019")), LDSH.RecordIssuedDateType),
    (lambda rec, person: (rec, BIBO.pmid, Literal("PMC1")), LDSH.RecordPmid),
    (lambda rec, person: (rec, DCTERMS.creator, URIRef("http://example.org/nobody")),
     LDSH.RecordAgents),
])
def test_planted_graph_faults(validator: Validator, seed: Record, triple_of, shape) -> None:
    """Faults the mapper never makes, planted in the graph: the shapes still catch them."""
    graph = map_record(seed, BASE, modified=WHEN)
    rec = URIRef(f"{BASE}id/record/pubmed-6839263")
    graph.add(triple_of(rec, URIRef(f"{BASE}id/person/clavel-nathalie")))
    (report,) = validator.validate([(seed.id, graph)])
    assert not report.conforms
    assert str(shape) in {r.shape for r in report.violations}


def test_no_shape_is_left_without_targets() -> None:
    """Every named shape runs: it has targets of its own or is used by a shape that has."""
    shapes = load_shapes()
    targets = [SH.targetClass, SH.targetNode, SH.targetObjectsOf, SH.targetSubjectsOf]
    used = set(shapes.objects(None, SH.property))
    named = {s for s in shapes.subjects(SH.path, None) if isinstance(s, URIRef)}
    named |= set(shapes.subjects(RDF.type, SH.NodeShape))
    for shape in named:
        has_target = any(shapes.value(shape, t) is not None for t in targets)
        assert has_target or shape in used, f"{shape} never runs"


def test_generated_corpus_with_shared_people_and_planted_faults(validator: Validator) -> None:
    """bench/generate.py reuses a small pool of people, journals and subjects, so the
    records of a batch share many nodes; one in 10 has a planted bad language."""
    graphs = generated_graphs(120, seed=3, bad_every=10, base=BASE, modified=WHEN)
    batched = Validator(batch_size=120).validate(graphs)
    single = [validator.validate([g])[0] for g in graphs]
    assert [r.to_json() for r in batched] == [r.to_json() for r in single]
    assert sum(not r.conforms for r in batched) == 12


def test_turtle_report_keeps_complex_paths(validator: Validator, seed: Record) -> None:
    reports = _check(validator, dataclasses.replace(seed, creators=[], abstracts=["Short."]))
    graph = Graph().parse(data=report_graph(reports).serialize(format="turtle"), format="turtle")
    paths = [graph.value(r, SH.resultPath) for r in graph.objects(None, SH.result)]
    alternatives = [p for p in paths if graph.value(p, SH.alternativePath) is not None]
    (alt,) = alternatives
    assert list(graph.items(graph.value(alt, SH.alternativePath))) == [DCTERMS.creator,
                                                                       DCTERMS.contributor]
    assert DCTERMS.abstract in paths


def test_a_forename_heading_is_a_properly_split_name(validator: Validator, seed: Record) -> None:
    """Regression: a MARC forename heading (100 0_ John Paul II, Pope) was told to write
    itself as "Family, Given" (43 warnings on the LoC sample); a given name alone is
    a split name."""
    (report,) = _check(validator, dataclasses.replace(
        seed, creators=[Agent("John Paul II, Pope", given="John Paul II, Pope")]))
    assert report.conforms and report.results == [], [r.to_json() for r in report.results]

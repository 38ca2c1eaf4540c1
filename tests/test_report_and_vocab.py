"""The Turtle validation report, the identifier shapes, the vocabulary, VoID and the
service description, as a reviewer with Apache Jena reads them (SHACL, RDFS, VoID)."""

from __future__ import annotations

import dataclasses
import json
import re
from datetime import UTC, datetime
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import RDF, RDFS, BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, FOAF, OWL, SH, VOID
from rdflib.term import Node

from ld import dumps, sparql_sd, void
from ld.config import Settings, data_dir
from ld.mapping import map_record
from ld.model import Container, Record, Source
from ld.namespaces import BIBO, LDPUB, LDPUB_NS, LDSH
from ld.pipeline import _with_warnings
from ld.readers import read_path
from ld.shacl_report import RecordReport, Result, report_graph
from ld.validation import Validator, load_shapes
from tests.test_cli import ldpub

XSD = Namespace("http://www.w3.org/2001/XMLSchema#")  # not rdflib's XSD: pytest trips on it
BASE = "http://example.org/"
WHEN = datetime(2024, 5, 6, tzinfo=UTC)
VOCAB_FILE = data_dir("vocab") / "ldpub.ttl"
ROOT = Path(__file__).resolve().parent.parent
ENGINES = ["fast", "pyshacl"]
PUBLISHABLE = URIRef(LDPUB_NS + "publishable")
DCAT_COMPRESS = URIRef("http://www.w3.org/ns/dcat#compressFormat")


@pytest.fixture(scope="module")
def vocab() -> Graph:
    return Graph().parse(VOCAB_FILE, format="turtle")


@pytest.fixture(scope="module")
def validators() -> dict[str, Validator]:
    return {engine: Validator(engine=engine) for engine in ENGINES}


@pytest.fixture(scope="module")
def seed() -> Record:
    (record,) = read_path(str(data_dir("sample") / "pubmed-6839263.txt"))
    assert isinstance(record, Record)
    return record


def _record(**fields: object) -> Record:
    return Record(source=Source("t.json", "record 1", "test"), **fields)  # type: ignore[arg-type]


def _root(report: Graph) -> Node:
    (root,) = report.subjects(RDF.type, SH.ValidationReport)
    return root


def _warning(focus: str = f"{BASE}id/record/w") -> Result:
    return Result("Warning", focus, str(DCTERMS.language), None, "no language", None,
                  nodes=(URIRef(focus), DCTERMS.language, None),
                  component=SH.MinCountConstraintComponent)


# --- 1. sh:conforms as SHACL defines it; ldpub's "publishable" beside it -------------

@pytest.mark.parametrize(("results", "conforms", "publishable"), [
    ([], True, True),
    ([_warning()], False, True),
    ([dataclasses.replace(_warning(), severity="Violation")], False, False),
])
def test_report_conforms_only_without_any_result(results: list[Result], conforms: bool,
                                                 publishable: bool) -> None:
    """SHACL 3.6.1.1: sh:conforms is true iff there is no validation result, whatever its
    severity; whether ldpub would store the records is ldpub:publishable."""
    record = RecordReport("w", not any(r.severity == "Violation" for r in results), results)
    report = report_graph([record])
    root = _root(report)
    assert report.value(root, SH.conforms) == Literal(conforms)
    assert report.value(root, PUBLISHABLE) == Literal(publishable)


def test_validate_ttl_with_only_warnings(tmp_path: Path) -> None:
    """The reviewer's case: one warning, exit code 0, published by `load`, yet the
    SHACL report does not conform; JSON still says the record conforms (ldpub's word)."""
    data = tmp_path / "w.jsonl"
    data.write_text('{"id":"p-w","title":"Only a warning","language":["English"],'
                    '"publishDate":["2001"]}\n', encoding="utf-8")
    proc = ldpub(tmp_path / "store", "validate", str(data), "--format", "ttl")
    assert proc.returncode == 0, proc.stderr
    report = Graph().parse(data=proc.stdout, format="turtle")
    root = _root(report)
    assert report.value(root, SH.conforms) == Literal(False)
    assert report.value(root, PUBLISHABLE) == Literal(True)
    assert len(list(report.objects(root, SH.result))) == 1
    lines = ldpub(tmp_path / "store", "validate", str(data), "--format", "json")
    (line,) = [json.loads(x) for x in lines.stdout.splitlines()]
    assert line["conforms"] is True and line["results"][0]["severity"] == "Warning"


def test_vocabulary_describes_publishable(vocab: Graph) -> None:
    assert vocab.value(PUBLISHABLE, RDFS.domain) == SH.ValidationReport
    assert vocab.value(PUBLISHABLE, RDFS.range) == XSD.boolean
    assert vocab.value(PUBLISHABLE, RDFS.label) and vocab.value(PUBLISHABLE, RDFS.comment)


# --- 2. terms as the data and the shapes give them -----------------------------------

@pytest.mark.parametrize("engine", ENGINES)
def test_literal_focus_node_stays_a_literal(validators: dict[str, Validator],
                                            engine: str) -> None:
    """A document whose foaf:primaryTopic is a literal makes that literal a focus node of
    the record shape; the report wrote it as the IRI <x>."""
    graph = Graph()
    graph.add((URIRef(f"{BASE}doc/record/x"), FOAF.primaryTopic, Literal("x")))
    (record,) = validators[engine].validate([("x", graph)])
    report = report_graph([record])
    foci = set(report.objects(None, SH.focusNode))
    assert foci == {Literal("x")}


@pytest.mark.parametrize("focus", [BNode("b1"), Literal("5", datatype=XSD.integer),
                                   Literal("x", lang="fr"), URIRef(f"{BASE}id/record/r")])
def test_focus_node_keeps_its_term_type(focus: Node) -> None:
    result = dataclasses.replace(_warning(str(focus)), nodes=(focus, DCTERMS.language, None))
    report = report_graph([RecordReport("r", True, [result])])
    assert list(report.objects(None, SH.focusNode)) == [focus]


def test_value_that_looks_like_an_alias_stays_a_literal() -> None:
    """Only an IRI value can be a pySHACL batch alias; a literal is written as given."""
    text = Literal("urn:ldpub:batch:0:x")
    result = dataclasses.replace(_warning(), value=str(text),
                                 nodes=(URIRef(f"{BASE}id/record/w"), DCTERMS.language, text))
    report = report_graph([RecordReport("w", True, [result])])
    assert list(report.objects(None, SH.value)) == [text]


@pytest.mark.parametrize("engine", ENGINES)
def test_result_message_keeps_the_shapes_language(validators: dict[str, Validator],
                                                  seed: Record, engine: str) -> None:
    """sh:resultMessage is the shape's sh:message, language tag and all (Jena keeps it)."""
    record = dataclasses.replace(seed, languages=[])
    (checked,) = validators[engine].validate([(record.id, map_record(record, BASE,
                                                                     modified=WHEN))])
    assert checked.warnings
    report = report_graph([checked])
    shapes = load_shapes()
    for result in report.objects(None, SH.result):
        message = report.value(result, SH.resultMessage)
        shape = report.value(result, SH.sourceShape)
        assert isinstance(message, Literal) and message.language == "en", message
        assert message in set(shapes.objects(shape, SH.message))


def test_result_message_follows_the_given_shapes_graph() -> None:
    """A report of other shapes (a test's, a future --shapes) takes their messages."""
    shapes = Graph()
    shape = URIRef("http://example.org/shapes#S")
    shapes.add((shape, SH.message, Literal("pas de langue", lang="fr")))
    result = dataclasses.replace(_warning(), message="pas de langue", shape=str(shape))
    report = report_graph([RecordReport("w", True, [result])], shapes=shapes)
    assert list(report.objects(None, SH.resultMessage)) == [Literal("pas de langue",
                                                                    lang="fr")]


def test_message_of_no_shape_is_a_plain_literal() -> None:
    result = dataclasses.replace(_warning(), message="cannot read line 3")
    report = report_graph([RecordReport("w", True, [result])])
    assert list(report.objects(None, SH.resultMessage)) == [Literal("cannot read line 3")]


# --- 3. identifiers are plain strings ------------------------------------------------

IDENTIFIERS = [  # shape, property, a value its pattern accepts
    (LDSH.DoiSyntax, BIBO.doi, "10.1234/abc"),
    (LDSH.IsbnSyntax, BIBO.isbn, "9780306406157"),
    (LDSH.Isbn10Form, BIBO.isbn10, "0306406152"),
    (LDSH.Isbn13Form, BIBO.isbn13, "9780306406157"),
    (LDSH.IssnSyntax, BIBO.issn, "1472-6963"),
    (LDSH.RecordPmid, BIBO.pmid, "123"),
    (LDSH.RecordPmcid, LDPUB.pmcid, "PMC123"),
]


def test_identifier_shapes_require_plain_strings() -> None:
    shapes = load_shapes()
    for shape, path, _ in IDENTIFIERS:
        assert shapes.value(shape, SH.path) == path, shape
        assert shapes.value(shape, SH.datatype) == XSD.string, shape


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize(("shape", "prop", "text"), IDENTIFIERS)
@pytest.mark.parametrize("kind", ["integer", "lang", "string"])
def test_identifier_datatype_is_checked(validators: dict[str, Validator], seed: Record,
                                        engine: str, shape: URIRef, prop: URIRef, text: str,
                                        kind: str) -> None:
    """``bibo:pmid "123"^^xsd:integer`` or ``"123"@en`` conformed; xsd:string still does."""
    value = {"integer": Literal(text, datatype=XSD.integer), "lang": Literal(text, lang="en"),
             "string": Literal(text, datatype=XSD.string)}[kind]
    graph = map_record(seed, BASE, modified=WHEN)
    subject = URIRef(f"{BASE}id/record/{seed.id}")
    graph.remove((subject, prop, None))
    graph.add((subject, prop, value))
    (report,) = validators[engine].validate([(seed.id, graph)])
    hits = [r for r in report.results if r.shape == str(shape)]
    if kind == "string":
        assert hits == [] and report.conforms, [r.to_json() for r in report.results]
        return
    assert [(r.severity, r.component) for r in hits] == [
        ("Violation", SH.DatatypeConstraintComponent)]
    assert not report.conforms


def test_mapping_writes_identifiers_as_plain_strings() -> None:
    record = _record(
        id="ids", title="Identifiers",
        isbn=["978-0-306-40615-7", "0-306-40615-2"],
        doi=["10.1234/abc"], pmid="123", pmcid="PMC123", formats=["Article"],
        container=Container(title="J", issn=["1472-6963"]))
    graph = map_record(record, BASE, modified=WHEN)
    for _, prop, _ in IDENTIFIERS:
        values = list(graph.objects(None, prop))
        assert values, prop
        for value in values:
            assert isinstance(value, Literal) and value.language is None, (prop, value)
            assert value.datatype in (None, XSD.string), (prop, value)


# --- 4. the vocabulary says what the data is -----------------------------------------

def test_record_format_is_a_string(vocab: Graph, seed: Record) -> None:
    assert vocab.value(LDPUB.recordFormat, RDFS.range) == XSD.string
    graph = map_record(seed, BASE, modified=WHEN)
    (value,) = graph.objects(None, LDPUB.recordFormat)
    assert isinstance(value, Literal) and value.datatype in (None, XSD.string)


PERIODICALS = {BIBO.Periodical, BIBO.Journal, URIRef(str(BIBO._NS) + "Newspaper"),
               URIRef(str(BIBO._NS) + "Magazine")}  # bibo:Periodical and its subclasses


def test_invalid_issn_domain_covers_journals_and_periodical_records(vocab: Graph) -> None:
    """On the journal an article is in (bibo:Journal) and on a periodical's own record:
    both are bibo:Periodical (BIBO: Journal, Magazine, Newspaper are subclasses)."""
    # no domain since a book's 022 (its series' ISSN, MARC 022 $y/$z) is stated on the book
    assert set(vocab.objects(LDPUB.invalidIssn, RDFS.domain)) == set()
    article = _record(id="a", title="A", formats=["Article"],
                      container=Container(title="J", issn=["1234-5678"]))
    journal = _record(id="j", title="J", formats=["Journal"], issn=["1234-5678"])
    for record in (article, journal):
        graph = map_record(record, BASE, modified=WHEN)
        subjects = set(graph.subjects(LDPUB.invalidIssn, None))
        assert subjects, record.id
        for subject in subjects:
            assert set(graph.objects(subject, RDF.type)) & PERIODICALS, (record.id, subject)


def test_warning_count_range_is_what_the_data_writes(vocab: Graph) -> None:
    doc = f"{BASE}doc/record/w"
    (count,) = [o for _, p, o in _with_warnings([], doc, [_warning()])
                if p == LDPUB.warningCount]
    assert vocab.value(LDPUB.warningCount, RDFS.range) == count.datatype


def _used_in_code(name: str) -> bool:
    """Whether ld/ names the term (LDPUB.name, ldpub:name or the full IRI)."""
    pattern = re.compile(rf"(LDPUB\.|ldpub:|{re.escape(LDPUB_NS)}|LDPUB_NS \+ \"){name}\b")
    return any(pattern.search(path.read_text(encoding="utf-8"))
               for path in (ROOT / "ld").rglob("*.py"))


def _terms(vocab: Graph) -> list[URIRef]:
    return sorted(t for t in vocab.subjects(RDFS.isDefinedBy, URIRef(LDPUB_NS))
                  if isinstance(t, URIRef))


def test_every_term_in_use_or_deprecated(vocab: Graph) -> None:
    """A term ldpub never writes is marked owl:deprecated (and says so), never left to
    look like part of the published data."""
    for term in _terms(vocab):
        name = term.removeprefix(LDPUB_NS)
        deprecated = vocab.value(term, OWL.deprecated) == Literal(True)
        assert _used_in_code(name) != deprecated, name


def test_every_term_has_label_and_comment(vocab: Graph) -> None:
    terms = _terms(vocab)
    assert PUBLISHABLE in terms and len(terms) > 20
    for term in terms:
        assert vocab.value(term, RDFS.label), term
        assert vocab.value(term, RDFS.comment), term


def test_constraint_components_without_parameters_say_why(vocab: Graph) -> None:
    """SHACL 6.1: a constraint component declares parameters. Ours are only the
    sh:sourceConstraintComponent of results about unreadable input, which SHACL requires of
    every result (and whose rdfs:range is sh:ConstraintComponent): their comment says
    that no shape can use them."""
    components = set(vocab.subjects(RDF.type, SH.ConstraintComponent))
    assert components == {LDPUB.ReadableRecordConstraintComponent,
                          LDPUB.ReadableInputConstraintComponent}
    shapes = load_shapes()
    for component in components:
        assert vocab.value(component, SH.parameter) is None
        assert "no parameter" in str(vocab.value(component, RDFS.comment)), component
        assert (None, None, component) not in shapes


# --- 5. VoID and the service description agree ---------------------------------------

def _void_graph(settings: Settings) -> Graph:
    triples = void._triples(settings, None, None, [])
    data = ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES)
    return Graph().parse(data=data.decode("utf-8"), format="nt")


def test_void_and_service_description_give_one_title(settings: Settings) -> None:
    dataset = URIRef(void.dataset_iri(settings.base_uri))
    described = _void_graph(settings)
    described += sparql_sd.graph(settings)
    assert list(described.objects(dataset, DCTERMS.title)) == [
        Literal(settings.dataset_title)]


def test_every_dump_says_its_media_type(settings: Settings) -> None:
    """The dumps are the same data in four formats: dcterms:format tells them apart, and a
    gzip file (served as application/gzip) says so with dcat:compressFormat."""
    described = _void_graph(settings)
    dataset = URIRef(void.dataset_iri(settings.base_uri))
    iana = "https://www.iana.org/assignments/media-types/"
    found, want = {}, {}
    for dump in described.objects(dataset, VOID.dataDump):
        found[str(dump).rsplit("/", 1)[-1]] = (list(described.objects(dump, DCTERMS.format)),
                                               list(described.objects(dump, DCAT_COMPRESS)))
    for d in dumps.DUMPS:
        gzip = [URIRef(iana + "application/gzip")] if d.encoding == "gzip" else []
        want[d.filename] = ([URIRef(iana + d.media_type)], gzip)
    assert found == want
    assert len({formats[0][0] for formats in found.values()}) == len(dumps.DUMPS)

"""The compiled SHACL engine (ld.shacl_fast) against pySHACL, the reference.

Both engines must give the same results (severity, focus, path, value,
message, shape) for every real record in ../shared/data and for a generated
corpus with a planted violation of every constraint in shapes/. The planting
is derived from the shapes themselves (targets, paths, constraint
parameters), and a separate test proves each planted variant really trips
its constraint in pySHACL, so the comparison cannot pass vacuously.
"""

from __future__ import annotations

import dataclasses
import random
import re
from datetime import UTC, datetime
from pathlib import Path

import pyshacl
import pytest
import rdflib
from pyshacl.constraints import ALL_CONSTRAINT_PARAMETERS, CONSTRAINT_PARAMETERS_MAP
from rdflib import RDF, BNode, Graph, Literal, URIRef
from rdflib.namespace import SH
from rdflib.term import Node

from ld.config import data_dir
from ld.errors import InputError, LdpubError, RecordError
from ld.mapping import map_record
from ld.model import Agent, Record
from ld.readers import read_path
from ld.shacl_fast import UnsupportedShapes
from ld.validation import Validator, load_shapes
from tests.shared_helpers import generated_graphs

BASE = "http://example.org/"
WHEN = datetime(2024, 5, 6, tzinfo=UTC)
SHAPES = load_shapes()
TARGETS = (SH.targetClass, SH.targetSubjectsOf, SH.targetObjectsOf, SH.targetNode)
COMPONENT = {p: CONSTRAINT_PARAMETERS_MAP[p].shacl_constraint_component
             for p in ALL_CONSTRAINT_PARAMETERS}


@pytest.fixture(scope="module")
def fast() -> Validator:
    return Validator(engine="fast")


@pytest.fixture(scope="module")
def reference() -> Validator:
    return Validator(engine="pyshacl")


def _same(fast: Validator, reference: Validator, graphs: list[tuple[str, Graph]]) -> list:
    got_reports, want_reports = fast.validate(graphs), reference.validate(graphs)
    got = [r.to_json() for r in got_reports]
    want = [r.to_json() for r in want_reports]
    for g, w in zip(got, want, strict=True):
        assert g == w, f"record {w['record_id']}: fast {g} != pySHACL {w}"
    assert _components(got_reports) == _components(want_reports)  # sh:sourceConstraintComponent
    return want


def _components(reports: list) -> list:
    """Each result's constraint component (regression: the fast engine gave none, so
    its Turtle reports lacked the sh:sourceConstraintComponent SHACL requires)."""
    found = sorted((r.record_id, x.focus, x.path or "", x.shape or "", str(x.component))
                   for r in reports for x in r.results)
    assert all(c[-1].startswith(str(SH)) for c in found), found
    return found


# -- real records -------------------------------------------------------------------

@pytest.mark.parametrize("folder", ["vufind-solr", "marc", "pubmed", "oai-pmh"])
def test_real_records_same_results(shared_data: Path, folder: str, fast: Validator,
                                   reference: Validator) -> None:
    graphs = []
    for path in sorted((shared_data / folder).rglob("*")):
        if not path.is_file() or path.suffix == ".md":
            continue
        try:
            items = list(read_path(str(path)))
        except InputError:  # not a record file (a script, a protocol page, ...)
            continue
        for item in items:
            if isinstance(item, Record):
                try:
                    graphs.append((item.id, map_record(item, BASE, modified=WHEN)))
                except RecordError:
                    continue
    assert len(graphs) >= 10, f"too few records read from {folder}"
    reports = _same(fast, reference, graphs)
    if folder == "marc":
        assert sum(len(r["results"]) for r in reports) > 0


# -- planted violations ---------------------------------------------------------------

def reporting_shapes(shapes: Graph) -> dict[Node, Node | None]:
    """Shape -> parent node shape (None for shapes with their own targets)."""
    found: dict[Node, Node | None] = {s: None for t in TARGETS for s in shapes.subjects(t)}
    for parent, child in shapes.subject_objects(SH.property):
        found.setdefault(child, parent)
    return found


def constraints(shapes: Graph) -> list[tuple[Node, URIRef]]:
    """Every (shape, constraint parameter) that can report a result."""
    return sorted({(shape, p) for shape in reporting_shapes(shapes)
                   for p in shapes.predicates(shape) if p in COMPONENT and p != SH.property},
                  key=str)


def _focus(graph: Graph, shape: Node, rng: random.Random) -> Node:
    """A focus node of ``shape`` in ``graph``, made up when the graph has none."""
    parent = reporting_shapes(SHAPES)[shape]
    owner = parent if parent is not None else shape
    found: set[Node] = set()
    for cls in SHAPES.objects(owner, SH.targetClass):
        found |= set(graph.subjects(RDF.type, cls))
    for p in SHAPES.objects(owner, SH.targetObjectsOf):
        found |= set(graph.objects(None, p))
    if found:
        return rng.choice(sorted(found, key=str))
    records = sorted({s for s in graph.subjects() if str(s).startswith(f"{BASE}id/record/")},
                     key=str)
    if records and SHAPES.value(owner, SH.targetSubjectsOf) is not None:
        return records[0]  # the planted value makes it a focus node
    node = URIRef(f"{BASE}id/planted/{rng.randrange(10**6)}")
    if (cls := SHAPES.value(owner, SH.targetClass)) is not None:
        graph.add((node, RDF.type, cls))
    elif (p := SHAPES.value(owner, SH.targetObjectsOf)) is not None:
        graph.add((URIRef(f"{BASE}doc/planted"), p, node))
    return node


def attach(graph: Graph, focus: Node, path: Node, value: Node, rng: random.Random) -> None:
    """Add triples that make ``value`` a value node of ``path`` at ``focus``."""
    if isinstance(path, URIRef):
        graph.add((focus, path, value))
    elif (alt := SHAPES.value(path, SH.alternativePath)) is not None:
        attach(graph, focus, rng.choice(list(SHAPES.items(alt))), value, rng)
    elif (inner := SHAPES.value(path, SH.inversePath)) is not None:
        graph.add((value, inner, focus))
    elif (inner := SHAPES.value(path, SH.zeroOrMorePath)) is not None:
        if rng.random() < 0.5:
            attach(graph, focus, inner, value, rng)
    else:  # a sequence: fresh blank nodes between the steps
        steps = list(SHAPES.items(path))
        node = focus
        for step in steps[:-1]:
            nxt, inner = BNode(), SHAPES.value(step, SH.zeroOrMorePath)
            if inner is None or rng.random() < 0.3:  # a repeated step: zero or one hop
                attach(graph, node, step if inner is None else inner, nxt, rng)
                node = nxt
        attach(graph, node, steps[-1], value, rng)


def detach(graph: Graph, focus: Node, path: Node) -> None:
    """Remove the triples that give ``path`` values at ``focus``."""
    if isinstance(path, URIRef):
        graph.remove((focus, path, None))
    elif (alt := SHAPES.value(path, SH.alternativePath)) is not None:
        for member in SHAPES.items(alt):
            detach(graph, focus, member)
    elif (inner := SHAPES.value(path, SH.inversePath)) is not None:
        graph.remove((None, inner, focus))
    else:
        detach(graph, focus, next(iter(SHAPES.items(path))))


BAD_TEXT = ["", " ", "planted value", "10.1/x y", "PMC", "0", "x" * 3, "19--"]


def bad_values(shape: Node, parameter: URIRef, rng: random.Random, sure: bool) -> list[Node]:
    """Value nodes that break ``parameter`` of ``shape``: the plainest when ``sure``, else
    a random pick that may include borderline values (ill-typed or odd literals)."""
    arg = SHAPES.value(shape, parameter)
    pick = (lambda xs: xs[0]) if sure else rng.choice
    iri, blank = URIRef(f"{BASE}id/planted/{rng.randrange(10**6)}"), BNode()
    if parameter == SH.maxCount:
        return [Literal(f"extra {i}") for i in range(int(arg) + 1)]
    if parameter == SH.nodeKind:
        return [pick([Literal("text"), Literal("1", datatype=rdflib.XSD.integer)])
                if arg in (SH.IRI, SH.BlankNodeOrIRI) else pick([iri, blank])]
    if parameter == SH.minLength:
        return [Literal("x" * (int(arg) - 1), lang=pick([None, "en"]))]
    if parameter == SH.datatype and arg == rdflib.XSD.string:  # plain text meets it
        return [pick([Literal("123", datatype=rdflib.XSD.integer), Literal("123", lang="en"),
                      iri, blank, Literal("2019", datatype=rdflib.XSD.gYear)])]
    if parameter in (SH.datatype, SH["or"]):
        # no ill-formed xsd:gYear ("20x9"): there the engines differ on purpose, pySHACL
        # leaving its lexical form unchecked and the fast engine checking it, as SHACL
        # and Jena do (ld/shacl_checks.py), so no corpus planting one can match
        return [pick([Literal("planted value"), Literal(rng.choice(BAD_TEXT)), iri,
                      Literal("2019-13", datatype=rdflib.XSD.date),
                      Literal("2019", datatype=rdflib.XSD.integer)])]
    if parameter == SH["in"]:  # a near miss first: another name in a listed term's namespace
        near = [URIRef(str(m).rsplit("/", 1)[0] + "/Planted") for m in SHAPES.items(arg)
                if isinstance(m, URIRef)][:1]
        return [pick([*near, Literal("planted value"), Literal(rng.choice(BAD_TEXT)), iri,
                      blank])]
    if parameter == SH["class"]:
        return [pick([iri, blank, Literal("an agent")])]
    if parameter == SH.pattern:  # a control character breaks a pattern of plain text,
        # a blank one the non-blank title's; the plainest value is one breaking this pattern
        values = [Literal("planted \u0085 value"), Literal(" "), Literal(rng.choice(BAD_TEXT)),
                  iri, blank]
        return [pick(sorted(values, key=lambda v: _matches(arg, v)))]
    return [pick([Literal("planted value"), Literal(rng.choice(BAD_TEXT)), iri, blank])]


def _matches(pattern: Node, value: Node) -> bool:
    """Whether ``value`` meets ``pattern`` (a blank node never does)."""
    return not isinstance(value, BNode) and re.search(str(pattern), str(value)) is not None


def plant(graph: Graph, shape: Node, parameter: URIRef, rng: random.Random,
          sure: bool = False) -> Node:
    """Break one constraint in ``graph``; returns the focus node."""
    focus = _focus(graph, shape, rng)
    path = SHAPES.value(shape, SH.path)
    if parameter in (SH.minCount, SH.hasValue):
        detach(graph, focus, path)
    else:
        for value in bad_values(shape, parameter, rng, sure):
            attach(graph, focus, path, value, rng)
    return focus


@pytest.fixture(scope="module")
def bases() -> list[Graph]:
    """Conforming and near-conforming mapped records: the seed and variants of it."""
    (seed,) = read_path(str(data_dir("sample") / "pubmed-6839263.txt"))
    assert isinstance(seed, Record)
    variants = [seed, dataclasses.replace(seed, creators=[Agent("Aristotle")], languages=[]),
                dataclasses.replace(seed, isbn=["9780306406157"], issued="2019-05")]
    return [map_record(dataclasses.replace(r, id=f"base-{i}"), BASE, modified=WHEN)
            for i, r in enumerate(variants)]


def _copy(graph: Graph) -> Graph:
    out = Graph()
    for triple in graph:
        out.add(triple)
    return out


def test_every_constraint_is_planted_and_caught_by_pyshacl(bases: list[Graph]) -> None:
    """Each planted variant gives pySHACL a result from exactly that shape and component."""
    listed = constraints(SHAPES)
    assert len(listed) >= 40
    for i, (shape, parameter) in enumerate(listed):
        graph = _copy(bases[i % len(bases)])
        plant(graph, shape, parameter, random.Random(i), sure=True)
        _, report, _ = pyshacl.validate(graph, shacl_graph=SHAPES, inference="none",
                                        allow_warnings=True)
        hits = {(report.value(r, SH.sourceShape), report.value(r, SH.sourceConstraintComponent))
                for r in report.subjects(RDF.type, SH.ValidationResult)}
        assert (shape, COMPONENT[parameter]) in hits, f"planting {parameter} of {shape} missed"


def corpus(bases: list[Graph], seed: int, size: int) -> list[tuple[str, Graph]]:
    """Every constraint planted once, then ``size`` records with 1-4 random plantings."""
    rng = random.Random(seed)
    listed = constraints(SHAPES)
    plans = [[c] for c in listed] + [rng.sample(listed, rng.randint(1, 4)) for _ in range(size)]
    out = []
    for n, plan in enumerate(plans):
        graph = _copy(rng.choice(bases))
        for shape, parameter in plan:
            plant(graph, shape, parameter, rng, sure=n < len(listed))
        out.append((f"planted-{n}", graph))
    return out


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_planted_corpus_same_results(bases: list[Graph], seed: int, fast: Validator,
                                     reference: Validator) -> None:
    graphs = corpus(bases, seed, 120)
    reports = _same(fast, reference, graphs)
    assert sum(not r["conforms"] for r in reports) > len(graphs) // 2


def test_pyshacl_batches_as_strict_as_one_record_per_run(bases: list[Graph],
                                                         reference: Validator) -> None:
    """The reference itself: merged batches (with aliases for shared nodes) give each
    planted record exactly its own one-record pySHACL results."""
    graphs = corpus(bases, 4, 60)
    single = Validator(engine="pyshacl", batch_size=1)
    assert [r.to_json() for r in reference.validate(graphs)] == \
        [r.to_json() for r in single.validate(graphs)]


def test_generated_records_same_results(fast: Validator, reference: Validator) -> None:
    """bench/generate.py's records (shared people, one in 7 with a bad language)."""
    graphs = generated_graphs(300, seed=11, bad_every=7, base=BASE, modified=WHEN)
    reports = _same(fast, reference, graphs)
    assert sum(not r["conforms"] for r in reports) >= 40


# -- what the fast engine refuses, and components our shapes do not use yet -------------

PREFIXES = """@prefix sh: <http://www.w3.org/ns/shacl#> . @prefix ex: <http://example.org/> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
"""
MSG = 'sh:message "m"'


@pytest.mark.parametrize("body", [
    f"ex:S sh:targetClass ex:C ; sh:path ex:p ; sh:minInclusive 1 ; {MSG} .",
    f"ex:S sh:targetClass ex:C ; sh:closed true ; {MSG} .",
    f"ex:S sh:targetClass ex:C ; sh:path ex:p ; sh:uniqueLang true ; {MSG} .",
    f"ex:S sh:targetClass ex:C ; sh:path ex:p ; sh:equals ex:q ; {MSG} .",
    f"ex:S sh:targetClass ex:C ; sh:path ex:p ; sh:qualifiedValueShape [ sh:class ex:D ] ;"
    f" sh:qualifiedMinCount 1 ; {MSG} .",
    f'ex:S sh:targetClass ex:C ; sh:sparql [ sh:select "SELECT $this WHERE {{}}" ] ; {MSG} .',
    "ex:S sh:targetClass ex:C ; sh:path ex:p ; sh:minCount 1 .",  # no message
    f"ex:S sh:targetClass ex:C ; sh:path ex:p ; sh:minCount 1, 2 ; {MSG} .",
    f'ex:S sh:targetClass ex:C ; sh:path ex:p ; sh:pattern "a" ; sh:flags "x" ; {MSG} .',
    f"ex:S sh:targetClass ex:C ; sh:path [ sh:inversePath ( ex:p ex:q ) ] ; sh:minCount 1 ;"
    f" {MSG} .",
    f"ex:S sh:targetClass ex:C ; sh:path ex:p ; sh:or ( [ sh:datatype xsd:string ;"
    f" sh:severity sh:Warning ] ) ; {MSG} .",
    f"ex:S sh:targetClass ex:C ; sh:node ex:S ; {MSG} .",  # recursive
])
def test_unsupported_shapes_are_refused(tmp_path: Path, body: str) -> None:
    """The fast engine refuses what it cannot check exactly; pySHACL (the reference)
    still takes the same shapes."""
    (tmp_path / "s.ttl").write_text(PREFIXES + body)
    with pytest.raises(UnsupportedShapes):
        Validator(tmp_path, engine="fast")
    if "sh:node ex:S" not in body:
        Validator(tmp_path, engine="pyshacl").validate([("r", Graph())])


def test_unknown_engine_is_refused() -> None:
    with pytest.raises(LdpubError, match="pyshacl"):
        Validator(engine="quick")


OTHER_SHAPES = PREFIXES + """
ex:Len sh:targetClass ex:C ; sh:path ex:p ; sh:maxLength 3 ; sh:minLength 0 ; sh:message "m1" .
ex:Has sh:targetSubjectsOf ex:q ; sh:path ex:q ; sh:hasValue ex:v, "w" ; sh:message "m2" .
ex:Lang sh:targetClass ex:C ; sh:path ex:label ; sh:languageIn ( "en" "fr" ) ; sh:message "m3" .
ex:Inv sh:targetNode ex:n1 ; sh:path [ sh:inversePath ex:p ] ; sh:minCount 1 ; sh:message "m4" .
ex:Plus sh:targetClass ex:C ; sh:path [ sh:oneOrMorePath ex:next ] ; sh:class ex:C ;
    sh:message "m5" .
ex:Opt sh:targetClass ex:C ; sh:path [ sh:zeroOrOnePath ex:next ] ; sh:maxCount 1 ;
    sh:message "m6" .
ex:Not sh:targetClass ex:C ; sh:path ex:p ; sh:not [ sh:datatype xsd:integer ] ; sh:message "m7" .
ex:And sh:targetClass ex:C ; sh:path ex:q ;
    sh:and ( [ sh:nodeKind sh:IRI ] [ sh:pattern "^http://example.org/v" ] ) ; sh:message "m8" .
ex:Xone sh:targetClass ex:C ; sh:path ex:p ;
    sh:xone ( [ sh:datatype xsd:string ] [ sh:minLength 2 ] ) ; sh:message "m9" .
ex:Node sh:targetObjectsOf ex:next ; sh:node ex:Named ; sh:message "m10" .
ex:Named sh:property [ sh:path ex:label ; sh:minCount 1 ] .
ex:Off sh:targetClass ex:C ; sh:path ex:p ; sh:minCount 9 ; sh:deactivated true ; sh:message "m11" .
ex:Cls a sh:NodeShape, rdfs:Class ; sh:property ex:ClsP .
ex:ClsP sh:path ex:p ; sh:minCount 1 ; sh:severity sh:Info ; sh:message "m12" .
ex:Sub rdfs:subClassOf ex:C .
ex:Pat sh:targetClass ex:C ; sh:path ex:label ; sh:pattern "^B" ; sh:flags "i" ; sh:message "m13" .
"""


def _random_graph(rng: random.Random) -> Graph:
    ex = "http://example.org/"
    nodes = [URIRef(f"{ex}n{i}") for i in range(4)] + [URIRef(f"{ex}v"), BNode()]
    values = [*nodes, Literal("w"), Literal("ab"), Literal("abcd"), Literal(7),
              Literal("Bob", lang="en"), Literal("bob", lang="en-GB"), Literal("x", lang="de"),
              Literal(""), Literal("1", datatype=rdflib.XSD.integer)]
    preds = [URIRef(ex + p) for p in ("p", "q", "label", "next")]
    graph = Graph()
    for _ in range(rng.randint(3, 14)):
        graph.add((rng.choice(nodes), rng.choice(preds), rng.choice(values)))
    for node in rng.sample(nodes, 3):
        graph.add((node, RDF.type, URIRef(ex + rng.choice(["C", "Sub", "Cls", "D"]))))
    if rng.random() < 0.3:
        graph.add((URIRef(ex + "D"), URIRef("http://www.w3.org/2000/01/rdf-schema#subClassOf"),
                   URIRef(ex + "C")))
    return graph


def test_other_components_same_results_as_pyshacl(tmp_path: Path) -> None:
    """maxLength, hasValue, languageIn, inverse / one-or-more / zero-or-one paths, not,
    and, xone, node, deactivated, implicit class targets, subclasses: random graphs."""
    (tmp_path / "s.ttl").write_text(OTHER_SHAPES)
    fast, reference = Validator(tmp_path, engine="fast"), Validator(tmp_path, engine="pyshacl")
    rng = random.Random(5)
    graphs = [(f"g{i}", _random_graph(rng)) for i in range(300)]
    reports = _same(fast, reference, graphs)
    shapes_hit = {r["shape"] for report in reports for r in report["results"]}
    assert len(shapes_hit) >= 11, shapes_hit


@pytest.mark.parametrize(("engine", "code"), [("fast", 0), ("pyshacl", 0), ("quick", 2)])
def test_validator_setting_reaches_the_cli(tmp_path: Path, engine: str, code: int) -> None:
    from click.testing import CliRunner

    from ld.cli import main

    sample = str(data_dir("sample") / "pubmed-6839263.txt")
    result = CliRunner().invoke(main, ["validate", "--format", "json", sample],
                                env={"LDPUB_VALIDATOR": engine,
                                     "LDPUB_STORE": str(tmp_path / "store")})
    assert result.exit_code == code, result.output
    assert ('"conforms": true' in result.output) == (code == 0)

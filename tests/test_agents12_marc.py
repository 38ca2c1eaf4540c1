"""MARC name headings and their roles (explore12/marc H1, H2, M1, M2, L9).

H1. "Smith, John, $d -1950" (died 1950) was keyed as "Smith, John, $d 1950-" (born
1950): one URI for two people. A death date alone is keyed "d-1950"; other keys stay.
H2. A 700 "$e joint author" was relators:aut but no creator, so in no bibo:authorList
and no citation. Creator-ness is decided by the relator a role maps to.
M1. Roles the table did not know ("illus.", "sponsoring body", "ed. & tr.") were
dropped. The common older forms map to relators, "&" separates roles like "and", and
a role no relator names is kept as written (ldpub:contribution [ ldpub:agent ;
ldpub:role ]), which the record page shows.
M2. A 100 "$e ed." was cited as the author: a main entry whose role is editing is in
the bibo:editorList (not the author list) and cited as editor.
L9. A 100 $q (fuller form of the name) went into foaf:givenName.

Records are made with pymarc, mapped by the real reader and mapper.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pymarc
import pyoxigraph as ox
import pytest
from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.collection import Collection
from rdflib.compare import isomorphic
from rdflib.namespace import DCTERMS, FOAF

from ld import citation
from ld.facts import Facts, Index, read
from ld.mapping import map_record
from ld.model import Source
from ld.readers.marc_crosswalk import from_pymarc
from ld.validation import Validator

BASE = "http://example.org/"
WHEN = datetime(2024, 5, 6, tzinfo=UTC)
BIBO = Namespace("http://purl.org/ontology/bibo/")
LDPUB = Namespace("https://w3id.org/ldpub/vocab#")
REL = Namespace("http://id.loc.gov/vocabulary/relators/")


def _field(tag: str, *subfields: str, ind1: str = "1") -> pymarc.Field:
    """A name heading: ``subfields`` as "a", "Smith, John," pairs."""
    pairs = [pymarc.Subfield(c, v) for c, v in zip(subfields[::2], subfields[1::2], strict=True)]
    return pymarc.Field(tag=tag, indicators=pymarc.Indicators(ind1, " "), subfields=pairs)


def _graph(record_id: str, *fields: pymarc.Field) -> Graph:
    """The mapped graph of a book record with ``fields``."""
    rec = pymarc.Record()
    rec.leader = pymarc.Leader("00000cam a2200000 a 4500")
    rec.add_field(pymarc.Field(tag="001", data=record_id),
                  pymarc.Field(tag="245", indicators=pymarc.Indicators("1", "0"),
                               subfields=[pymarc.Subfield("a", "A title.")]), *fields)
    return map_record(from_pymarc(rec, Source("t", "1", "marc")), BASE, modified=WHEN)


def _thing(record_id: str) -> URIRef:
    return URIRef(f"{BASE}id/record/{record_id}")


def _person(key: str) -> URIRef:
    return URIRef(f"{BASE}id/person/{key}")


def _list(graph: Graph, record_id: str, prop: URIRef) -> list:
    head = graph.value(_thing(record_id), prop)
    return list(Collection(graph, head)) if head is not None else []


def _facts(graph: Graph, record_id: str) -> Facts:
    """The record read as its page and citations read it, from the store's kind of terms."""
    triples = [q.triple for q in ox.parse(graph.serialize(format="nt").encode(),
                                          format=ox.RdfFormat.N_TRIPLES)]
    return read(Index(triples), str(_thing(record_id)), f"{BASE}doc/record/{record_id}", BASE)


# --- H1 --------------------------------------------------------------------------------

def test_death_date_alone_is_keyed_apart_from_birth_date() -> None:
    graphs = {dates: _graph(f"d{n}", _field("100", "a", "Smith, John,", "d", dates))
              for n, dates in enumerate(["1950-", "-1950", "1838-1904"])}
    creators = {dates: set(g.objects(_thing(f"d{n}"), DCTERMS.creator))
                for n, (dates, g) in enumerate(graphs.items())}
    assert creators == {"1950-": {_person("smith-john-1950")},  # keys of version 1 kept
                        "-1950": {_person("smith-john-d-1950")},
                        "1838-1904": {_person("smith-john-1838-1904")}}
    assert (_person("smith-john-d-1950"), LDPUB.dates, Literal("-1950")) in graphs["-1950"]


# --- H2 --------------------------------------------------------------------------------

def test_joint_author_is_a_creator_and_in_the_author_list() -> None:
    graph = _graph("t18", _field("100", "a", "Tarbell, H. S.", "d", "1838-1904."),
                   _field("700", "a", "Tarbell, Martha,", "e", "joint author."))
    h_s, martha = _person("tarbell-h-s-1838-1904"), _person("tarbell-martha")
    assert _list(graph, "t18", BIBO.authorList) == [h_s, martha]
    assert set(graph.objects(_thing("t18"), DCTERMS.creator)) == {h_s, martha}
    assert (_thing("t18"), DCTERMS.contributor, martha) not in graph
    assert (_thing("t18"), REL.aut, martha) in graph
    bib = citation.bibtex(_facts(graph, "t18"), "t18")
    assert "author = {Tarbell, H. S. and Tarbell, Martha}" in bib


# --- M1 --------------------------------------------------------------------------------

def test_older_relator_terms_map_and_unknown_roles_are_kept_as_written() -> None:
    graph = _graph("r1", _field("100", "a", "Author, Ann."),
                   _field("700", "a", "Condé, J. M.,", "e", "illus."),
                   _field("700", "a", "Both, Bo,", "e", "ed. & tr."),
                   _field("700", "a", "Other, Olga,", "e", "joint illus."),
                   _field("700", "a", "Odd, Otto,", "e", "Mrs."),
                   _field("710", "a", "Some Society,", "e", "sponsoring body.", ind1="2"),
                   _field("710", "a", "Pub House,", "e", "pub.", ind1="2"))
    thing = _thing("r1")
    roles = {(p, o) for p, o in graph.predicate_objects(thing) if str(p).startswith(str(REL))}
    assert roles == {(REL.ill, _person("conde-j-m")), (REL.edt, _person("both-bo")),
                     (REL.trl, _person("both-bo")), (REL.ill, _person("other-olga")),
                     (REL.spn, URIRef(f"{BASE}id/organization/some-society")),
                     (REL.pbl, URIRef(f"{BASE}id/organization/pub-house"))}
    written = Graph()
    node = BNode()
    written.add((thing, LDPUB.contribution, node))
    written.add((node, LDPUB.agent, _person("odd-otto")))
    written.add((node, LDPUB.role, Literal("Mrs")))  # catalogue stop dropped
    found = Graph()
    for contribution in graph.objects(thing, LDPUB.contribution):
        found.add((thing, LDPUB.contribution, contribution))
        found += graph.triples((contribution, None, None))
    assert isomorphic(found, written)
    shown = {c.label: c.roles for c in _facts(graph, "r1").contributors}
    assert shown["Odd, Otto"] == ["Mrs"] and shown["Condé, J. M."] == ["illustrator"]


@pytest.mark.parametrize("engine", ["fast", "pyshacl"])
def test_roles_as_written_conform_to_the_shapes(engine: str) -> None:
    graph = _graph("r2", _field("700", "a", "Odd, Otto,", "e", "Mrs."))
    (report,) = Validator(engine=engine).validate([("r2", graph)])
    assert report.conforms, [r.message for r in report.results]
    (node,) = graph.objects(_thing("r2"), LDPUB.contribution)
    graph.remove((node, LDPUB.agent, None))
    (report,) = Validator(engine=engine).validate([("r2", graph)])
    assert {str(r.shape) for r in report.results if r.severity == "Violation"} == {
        "https://w3id.org/ldpub/shapes#ContributionAgent"}


# --- M2 --------------------------------------------------------------------------------

def test_main_entry_editor_is_an_editor_not_the_author() -> None:
    graph = _graph("w1", _field("100", "a", "Warren, John Collins,", "d", "1842-1927,",
                                "e", "ed."),
                   _field("700", "a", "Gould, A. Pearce", "e", "joint ed."))
    warren, gould = _person("warren-john-collins-1842-1927"), _person("gould-a-pearce")
    assert _list(graph, "w1", BIBO.editorList) == [warren, gould]
    assert _list(graph, "w1", BIBO.authorList) == []
    assert (_thing("w1"), DCTERMS.creator, warren) in graph  # still the main entry
    bib = citation.bibtex(_facts(graph, "w1"), "w1")
    assert "author =" not in bib
    assert "editor = {Warren, John Collins and Gould, A. Pearce}" in bib


# --- L9 --------------------------------------------------------------------------------

def test_fuller_form_of_name_is_no_part_of_the_given_name() -> None:
    graph = _graph("q1", _field("100", "a", "Tarbell, H. S.", "q", "(Horace Sumner),",
                                "d", "1838-1904."))
    (person,) = graph.objects(_thing("q1"), DCTERMS.creator)
    assert set(graph.objects(person, FOAF.givenName)) == {Literal("H. S.")}
    assert set(graph.objects(person, FOAF.name)) == {Literal("Tarbell, H. S. (Horace Sumner)")}

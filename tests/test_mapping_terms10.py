"""Value tables of the mapping (explore10 catalogue review): AACR2 relator designations
and relator codes, through the real MARC reader and mapper."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import URIRef
from rdflib.collection import Collection
from rdflib.namespace import DCTERMS, FOAF

from ld import mapping_terms as t
from ld.mapping import map_record
from ld.model import Record
from ld.namespaces import BIBO, RELATORS
from ld.readers import read_path

BASE = "http://example.org/"

_MARCXML = """<?xml version="1.0" encoding="UTF-8"?>
<collection xmlns="http://www.loc.gov/MARC21/slim"><record>
  <leader>00000nam a2200000 a 4500</leader>
  <controlfield tag="001">aacr2-1</controlfield>
  <controlfield tag="008">190101s2019    fr            000 0 fre d</controlfield>
  <datafield tag="245" ind1="1" ind2="0"><subfield code="a">Lettres choisies.</subfield></datafield>
  {fields}
</record></collection>
"""


def _person(name: str, role: str) -> str:
    return (f'<datafield tag="700" ind1="1" ind2=" "><subfield code="a">{name},</subfield>'
            f'<subfield code="e">{role}</subfield></datafield>')


def _mapped(tmp_path: Path, fields: str):
    path = tmp_path / "record.xml"
    path.write_text(_MARCXML.format(fields=fields), encoding="utf-8")
    [record] = list(read_path(str(path)))
    assert isinstance(record, Record), record
    return map_record(record, BASE), URIRef(f"{BASE}id/record/aacr2-1")


# --- issue 3: relator designations and codes -------------------------------------------

@pytest.mark.parametrize(("role", "code"), [
    ("ed.", "edt"), ("eds.", "edt"), ("joint ed.", "edt"), ("Ed.", "edt"), ("editor", "edt"),
    ("comp.", "com"), ("joint comp.", "com"), ("tr.", "trl"), ("trans.", "trl"),
    ("ill.", "ill"), ("joint author.", "aut"), ("red.", "red"), ("EDT", "edt"),
])
def test_aacr2_designations_and_codes_are_roles(role: str, code: str) -> None:
    assert t.relator_iri(role) == RELATORS[code]


@pytest.mark.parametrize("role", ["the", "dir.", "pub", "xyz", "and", "ed. lit"])
def test_a_three_letter_word_is_no_code_unless_the_relator_list_has_it(role: str) -> None:
    """Regression: any three lower-case letters were taken as a code, minting
    relators:the, relators:dir, relators:eds: properties no vocabulary defines."""
    assert t.relator_iri(role) is None


def test_an_aacr2_editor_and_translator_get_their_roles_and_the_editor_list(
        tmp_path: Path) -> None:
    """Regression: 700 $e "ed." and "tr." were dropped: the editor was a plain
    contributor, in no bibo:editorList, so citations named no editor."""
    g, rec = _mapped(tmp_path, _person("Dupont, Jean", "ed.") + _person("Martin, Paul", "tr.")
                     + _person("Roux, Anne", "joint ed."))
    dupont, martin = (URIRef(f"{BASE}id/person/{k}") for k in ("dupont-jean", "martin-paul"))
    roux = URIRef(f"{BASE}id/person/roux-anne")
    assert (rec, RELATORS.edt, dupont) in g and (rec, RELATORS.edt, roux) in g
    assert (rec, RELATORS.trl, martin) in g
    editors = list(Collection(g, g.value(rec, BIBO.editorList)))
    assert [str(g.value(e, FOAF.name)) for e in editors] == ["Dupont, Jean", "Roux, Anne"]
    assert not [p for p in g.predicates(rec, None) if p.startswith(str(RELATORS))
                and p.split("/")[-1] not in ("edt", "trl")]


def test_a_word_that_looks_like_a_code_mints_no_relator(tmp_path: Path) -> None:
    g, rec = _mapped(tmp_path, _person("Dupont, Jean", "dir."))
    person = URIRef(f"{BASE}id/person/dupont-jean")
    assert (rec, DCTERMS.contributor, person) in g
    assert [p for p, o in g.predicate_objects(rec) if o == person] == [DCTERMS.contributor]

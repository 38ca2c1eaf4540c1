"""Review 12 H1: MARC notes a library marks private, or staff only, are not published."""

from __future__ import annotations

from rdflib import Literal
from rdflib.namespace import DCTERMS, SKOS

from tests.test_crosswalk12_marc import REC, _field, _marc


def test_private_notes_nonpublic_subfields_and_local_notes_are_not_published() -> None:
    graph = _marc([_field("541", "0 ", "a", "Purchased from J. Dealer", "h", "$5,000"),
                   _field("541", "1 ", "a", "Gift of A. Donor", "c", "Gift", "h", "$10"),
                   _field("542", "0 ", "a", "Private copyright note"),
                   _field("561", "0 ", "a", "Private owner: Mr X, 123 Main St"),
                   _field("561", "  ", "a", "From the library of X."),
                   _field("583", "0 ", "a", "condition reviewed"),
                   _field("583", "1 ", "a", "digitized", "x", "staff only: mould in box 3",
                          "z", "Public note"),
                   _field("590", "  ", "a", "Local note.")])
    assert set(graph.objects(REC, SKOS.note)) == {
        Literal("Gift of A. Donor Gift"), Literal("digitized Public note")}
    assert set(graph.objects(REC, DCTERMS.provenance)) == {Literal("From the library of X.")}

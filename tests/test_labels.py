"""Labels readers see for IRIs the pages link to."""

from __future__ import annotations

import pytest

from ld import labels
from ld.mapping_things import SCHEMES


@pytest.mark.parametrize("iri", sorted(str(i) for i in SCHEMES.values()))
def test_every_concept_scheme_has_a_name(iri: str) -> None:
    """Regression: a subject page said "In scheme http://id.loc.gov/authorities/subjects"
    (the IRI as link text); the scheme's name is what librarians know it by."""
    name = labels.known(iri)
    assert name and not name.startswith("http")
    assert labels.label(iri) == name

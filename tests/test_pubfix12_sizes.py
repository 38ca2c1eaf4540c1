"""review12 L10: the modules that grew past ~300 lines were split along a seam, keeping
their public names, and a record's publishers are read once (their names are the labels
of the publisher links, in the same order)."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest

from ld import browse, facts, mapping_terms
from ld.mapping import map_record
from ld.model import Record, Source

ROOT = Path(__file__).resolve().parents[1]
BASE = "http://example.org/"


@pytest.mark.parametrize("module", ["ld/facts.py", "ld/browse.py", "ld/mapping_terms.py"])
def test_the_module_is_within_its_size(module: str) -> None:
    assert len((ROOT / module).read_text(encoding="utf-8").splitlines()) <= 315  # ~300


def test_the_public_names_stay() -> None:
    assert {"Facts", "Link", "link", "read", "byline", "year_of"} <= set(dir(facts))
    assert {"Row", "holdings", "class_counts", "kind_counts", "record_total", "recent",
            "top", "top_total", "search_page", "PREFIX"} <= set(dir(browse))
    assert mapping_terms.OTHER_TERMS["illus"] == "ill"
    assert mapping_terms.relator_iri("joint comp.") == mapping_terms.RELATORS.com


def test_the_publishers_are_the_labels_of_their_links() -> None:
    record = Record(id="r1", source=Source("t.json", "record 1", "test"), title="T",
                    publishers=["Zeta Press", "alpha books"])
    graph = map_record(record, BASE)
    triples = [q.triple for q in ox.parse(graph.serialize(format="nt").encode(),
                                          format=ox.RdfFormat.N_TRIPLES)]
    f = facts.read(facts.Index(triples), f"{BASE}id/record/r1", f"{BASE}doc/record/r1", BASE)
    assert f.publishers == [x.label for x in f.publisher_links] == ["alpha books", "Zeta Press"]

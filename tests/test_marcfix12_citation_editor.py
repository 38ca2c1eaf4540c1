"""Review 12 M1: a record whose only creator is an editor is cited with no author, not
by its illustrators and sponsors."""

from __future__ import annotations

import json

from ld import citation
from tests.test_agents12_marc import _facts, _field, _graph


def test_an_editors_record_names_its_illustrator_and_sponsor_as_no_authors() -> None:
    graph = _graph("w2", _field("100", "a", "Warren, John Collins,", "e", "ed."),
                   _field("700", "a", "Doe, Ann,", "e", "illus."),
                   _field("700", "a", "Smith, Jane,", "e", "joint sponsor"))
    csl = json.loads(citation.csl_json(_facts(graph, "w2"), "w2"))
    item = csl[0] if isinstance(csl, list) else csl
    assert "author" not in item
    assert item["editor"] == [{"family": "Warren", "given": "John Collins"}]

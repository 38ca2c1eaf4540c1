"""review12 L5: the mojibake warning is given by one shape, from the count of control
characters the mapping dropped (ldpub:droppedControlCharacters), in both validators; the
old pattern on the title, which could no longer see them, is gone."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from rdflib.namespace import SH

from ld.mapping import map_record
from ld.model import Record, Source
from ld.namespaces import LDPUB
from ld.validation import Validator, load_shapes

BASE = "http://example.org/"


def test_one_shape_gives_the_mojibake_warning() -> None:
    shapes = load_shapes()
    warning = [s for s, m in shapes.subject_objects(SH.message) if "mojibake" in m]
    assert [shapes.value(s, SH.path) for s in warning] == [LDPUB.droppedControlCharacters]


@pytest.mark.parametrize("engine", ["fast", "pyshacl"])
def test_a_mojibake_title_is_warned_about_once(engine: str) -> None:
    record = Record(id="r1", source=Source("t.json", "record 1", "test"),
                    title="Mets\u00c3\u0083\u00c2\u00a4 ja puu", issued="2020")
    graph = map_record(record, BASE, modified=datetime(2026, 1, 1, tzinfo=UTC))
    (report,) = Validator(engine=engine).validate([("r1", graph)])
    assert [r.severity for r in report.results if "mojibake" in r.message] == ["Warning"]

"""M2: the scheme at the end of a VuFind subject ("Fiction. lcsh") is found in linear time.

The pattern matched the label too (``^(.*?)[.\\s]*\\s(lcsh|...)$``) and backtracked
in quadratic time on a run of dots: 80,000 of them took 18.7 s for one value.
"""

from __future__ import annotations

import io
import json
import time

from ld.model import Record
from ld.readers import read_stream

DOTS = "." * 100_000


def _subjects(**fields: list[str]) -> list[tuple[str, str, str | None]]:
    doc = {"id": "redos", "title": "T", "format": ["Book"], **fields}
    data = json.dumps({"response": {"docs": [doc]}}).encode()
    (record,) = read_stream(io.BytesIO(data), "redos.json")
    assert isinstance(record, Record), record
    return [(s.label, s.kind, s.scheme) for s in record.subjects]


def test_100000_dots_take_under_a_second() -> None:
    started = time.monotonic()
    got = _subjects(topic=["T" + DOTS + "x"], genre=["G" + DOTS + " lcsh"],
                    era=[". " * 50_000 + "x"], geographic=["P" + DOTS])
    took = time.monotonic() - started
    assert took < 1.0, f"{took:.1f} s"
    assert ("G", "genre", "lcsh") in got
    assert ("T" + DOTS + "x", "topic", None) in got


def test_the_scheme_and_the_dots_before_it_are_cut() -> None:
    assert _subjects(genre=["Domestic fiction. lcsh", "Diaries. . .  lcgft", "Maps fast",
                            "Local history", "Fiction. mesh."]) == [
        ("Domestic fiction", "genre", "lcsh"),
        ("Diaries", "genre", "lcgft"),
        ("Maps", "genre", "fast"),
        ("Local history", "genre", None),
        ("Fiction. mesh", "genre", None),
    ]

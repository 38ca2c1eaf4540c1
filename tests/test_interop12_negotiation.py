"""A weight that is no number (exploratory test "interop", session 12, defect 8).

``text/turtle;q=abc`` and ``text/turtle;q=`` were read as q=0: a 406 for the very
format the client named, while an Accept that cannot be read at all ("garbage")
is ignored and gets Turtle. A broken weight now counts as none (q=1).
"""

from __future__ import annotations

import pytest

from ld import formats
from ld.errors import NotAcceptable

DOC = formats.formats_of("rdf", "html", "citation")
TTL = formats.get("ttl")


@pytest.mark.parametrize(
    ("accept", "expected"),
    [
        ("garbage", "ttl"),  # no range at all: ignored, as before
        (";;;,,,", "ttl"),
        ("text/turtle;q=abc", "ttl"),  # was a 406
        ("text/turtle;q=", "ttl"),  # was a 406
        ("text/turtle;q=nan", "ttl"),  # was a 406
        ("application/ld+json;q=abc", "jsonld"),
        ("text/html;q=0.5, application/ld+json;q=x", "jsonld"),  # broken weight: q=1
        ("application/ld+json;q=0.5, application/rdf+xml;q=oops", "rdf"),
        ("application/ld+json;q=7", "jsonld"),  # a number out of range is still clamped
        ("*/html", "ttl"),  # no media range (RFC 9110 has none such): skipped, was a 406
        ("*/html, application/ld+json;q=0.5", "jsonld"),
    ],
)
def test_a_broken_weight_counts_as_none(accept: str, expected: str) -> None:
    assert formats.negotiate(DOC, accept=accept, default=TTL).key == expected


@pytest.mark.parametrize("accept", ["text/turtle;q=0", "text/turtle;q=-1", "image/png;q=abc"])
def test_a_zero_weight_or_a_type_not_offered_is_still_refused(accept: str) -> None:
    with pytest.raises(NotAcceptable):
        formats.negotiate(DOC, accept=accept, default=TTL)

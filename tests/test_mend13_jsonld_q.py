"""M3: of two ``application/ld+json`` ranges, the one of higher q picks the JSON-LD profile.

The first ld+json range listed decided, whatever its q (RFC 9110 §12.5.1 ranks by weight):
compacted at q=0.5 before expanded at q=1 gave the compacted form.
"""

from __future__ import annotations

import pytest

from ld.formats import BY_KEY, EXPANDED_JSONLD, Format, negotiate

EXPANDED = 'application/ld+json; profile="http://www.w3.org/ns/json-ld#expanded"'
COMPACTED = 'application/ld+json; profile="http://www.w3.org/ns/json-ld#compacted"'
OFFERED = [BY_KEY[k] for k in ("html", "ttl", "jsonld")]


@pytest.mark.parametrize(("accept", "chosen"), [
    (f"{COMPACTED}; q=0.5, {EXPANDED}", EXPANDED_JSONLD),
    (f"{EXPANDED}; q=0.5, {COMPACTED}", BY_KEY["jsonld"]),
    (f"application/ld+json, {EXPANDED}", EXPANDED_JSONLD),  # a tie: the one with a profile
    (f"{EXPANDED}; q=0.4, application/ld+json; q=0.9", BY_KEY["jsonld"]),
    (EXPANDED, EXPANDED_JSONLD),
])
def test_the_highest_q_ld_json_range_picks_the_profile(accept: str, chosen: Format) -> None:
    assert negotiate(OFFERED, accept=accept) == chosen


def test_expanded_json_ld_is_the_same_whatever_order_the_store_gives() -> None:
    """L3: the expanded form was written in the store's order (compacted: ``in_order``)."""
    import pyoxigraph as ox

    from ld.describe import serialize

    def iri(name: str) -> ox.NamedNode:
        return ox.NamedNode(f"http://example.org/{name}")

    triples = [ox.Triple(iri(s), iri(p), ox.Literal(o)) for s in "ab" for p in "pq" for o in "12"]
    assert serialize(triples, "http://example.org/", EXPANDED_JSONLD) == serialize(
        triples[::-1], "http://example.org/", EXPANDED_JSONLD)

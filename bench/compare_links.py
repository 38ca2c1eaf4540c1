"""Compare the identity links (record owl:sameAs record) of two stores.

Used to check that a change of the linker (ld/identity.py) links the same
records as before: load the same input into two stores, one per version of
the code, then

    python bench/compare_links.py STORE_A/primary STORE_B/primary

prints how many links each store holds and whether they are the same.
"""

from __future__ import annotations

import sys

import pyoxigraph as ox

LINKS = """SELECT ?a ?b WHERE {
  GRAPH ?g { ?a <http://www.w3.org/2002/07/owl#sameAs> ?b }
  GRAPH ?h { ?b <http://xmlns.com/foaf/0.1/isPrimaryTopicOf> ?d } }"""


def links(path: str) -> set[tuple[str, str]]:
    """(record, first record) pairs: owl:sameAs whose object is a stored record."""
    store = ox.Store.read_only(path)
    return {(row[0].value, row[1].value) for row in store.query(LINKS)}  # type: ignore[union-attr]


def main(argv: list[str]) -> int:
    a, b = links(argv[0]), links(argv[1])
    if a == b:
        print(f"{len(a)} links in each: the same")
        return 0
    print(f"{len(a)} and {len(b)} links: {len(a - b)} only in the first, "
          f"{len(b - a)} only in the second")
    return 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

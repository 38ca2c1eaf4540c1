"""A record's values in their original script, as its page shows them beside the
romanised ones (explore12 browser D5).

A MARC record gives a name, an imprint or a title again in its original script (an
880: "影山, 輝国" for "Kageyama, Terukuni"). The mapping publishes the names as the
agents' skos:altLabel and the title as one more dcterms:alternative; the page showed
neither near what they stand for, and those are the only forms a reader of that
script can read. Split from :mod:`ld.facts`, which reads the rest of the record.
"""

from __future__ import annotations

import unicodedata

from ld.facts_index import Index


def alt_names(index: Index, iri: str) -> list[str]:
    """An agent's names in another script (skos:altLabel), each with its language tag."""
    return index.texts(iri, "skos:altLabel")


def original_titles(index: Index, thing: str, title: str | None) -> list[str]:
    """The other titles in a script other than the romanised ``title``'s (an 880's
    "漢字源" for "Kanjigen"): the page shows them under the title. None when the title
    itself is not in Latin script (then it is the original already)."""
    if not title or not _latin(title):
        return []
    return [t for t in index.texts(thing, "dcterms:alternative") if not _latin(t)]


def _latin(text: str) -> bool:
    """Whether every letter of ``text`` is a Latin one (Unicode names them "LATIN …"):
    Python's unicodedata has no script property, and a letter's name starts with it."""
    return all(unicodedata.name(c, "").startswith("LATIN") for c in text if c.isalpha())

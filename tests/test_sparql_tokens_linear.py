"""Regression (explore11 readme 1): the endpoint's pre-check tokeniser ran in quadratic time
on some texts (a body ending in spaces, an unclosed string after many quotes, a long
run like "a.a.a..."), in a serving worker, before any query time limit: a 1 MiB body
held a worker for hours. Each text below took from 20 s to hours before the fix.
"""

from __future__ import annotations

import time

import pytest
import requests

from ld.sparql_tokens import analyse
from tests.conftest_web import Site

N = 100_000
TEXTS = {
    "trailing spaces": "ASK {?s ?p ?o}" + " " * N,
    "trailing line breaks": "ASK {?s ?p ?o}" + "\n\t" * (N // 2),
    "unclosed strings": "'\\" * (N // 2),
    "unclosed long strings": "\"\"\"\\" * (N // 4),
    "a run without a colon": "a." * (N // 2),
    "dashes": "a-" * (N // 2),
}


@pytest.mark.parametrize("text", TEXTS.values(), ids=TEXTS.keys())
def test_tokenising_is_linear(text: str) -> None:
    started = time.perf_counter()
    analyse(text)
    assert time.perf_counter() - started < 5  # linear: ~0.1 s here; quadratic: minutes


@pytest.mark.parametrize(("text", "words"), [
    ("SELECT * { ?s ?p \"x }\nSERVICE <http://e/> { ?a ?b ?c } }", {"SELECT", "SERVICE"}),
    ("SELECT * { ?s a.SERVICE <http://e/> { ?a ?b ?c } }", {"SELECT", "A", "SERVICE"}),
    ("PREFIX ex: <http://e/> SELECT * { ?s ex:p 'it''s' }", {"PREFIX", "SELECT"}),
], ids=["a string ends at its line", "a.SERVICE", "quotes"])
def test_keywords_are_still_found(text: str, words: set[str]) -> None:
    assert analyse(text).words == words


def test_a_mebibyte_of_trailing_spaces_is_answered_at_once(site: Site) -> None:
    body = "ASK { ?s ?p ?o }" + " " * (1024 * 1024 - 100)
    started = time.perf_counter()
    answer = requests.post(f"{site.url}/sparql", data=body.encode(), timeout=60, headers={
        "Content-Type": "application/sparql-query", "Accept": "application/sparql-results+json"})
    assert answer.status_code == 200 and answer.json()["boolean"] is True
    assert time.perf_counter() - started < 30

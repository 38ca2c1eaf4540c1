"""The one format table and the one negotiation function (unit level).

The HTTP-level negotiation table lives with the web tests; this checks the
RFC 9110 rules themselves.
"""

from __future__ import annotations

import pytest

from ld import formats
from ld.errors import NotAcceptable

DOC = formats.formats_of("rdf", "html", "citation")
TTL, HTML, JSONLD = formats.get("ttl"), formats.get("html"), formats.get("jsonld")
BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,*/*;q=0.8"


@pytest.mark.parametrize(
    ("accept", "expected"),
    [
        (None, "ttl"),
        ("", "ttl"),
        ("*/*", "ttl"),
        (BROWSER, "html"),
        ("text/turtle", "ttl"),
        ("application/ld+json", "jsonld"),
        ("application/rdf+xml", "rdf"),
        ("application/n-triples", "nt"),
        ("text/plain", "nt"),
        ("application/x-bibtex", "bib"),
        ("application/vnd.citationstyles.csl+json", "csljson"),
        ("text/*", "ttl"),  # tie between turtle and html: the default wins
        ("text/html;q=0.5, application/ld+json;q=0.9", "jsonld"),
        ("application/ld+json;q=0.5, text/turtle;q=0.5", "ttl"),  # tie: default
        ("application/ld+json;q=0.5, application/rdf+xml;q=0.5", "jsonld"),  # tie: table order
        ("text/turtle;q=0, */*", "jsonld"),
        ("TEXT/Turtle", "ttl"),
        ("application/ld+json; profile=\"http://www.w3.org/ns/json-ld#compacted\"", "jsonld"),
        ("image/png, */*;q=0.1", "ttl"),
        ("text/html;q=0.1, text/*;q=0.5", "ttl"),  # the specific range beats text/*
    ],
)
def test_accept(accept: str | None, expected: str) -> None:
    assert formats.negotiate(DOC, accept=accept, default=TTL).key == expected


@pytest.mark.parametrize("accept", ["image/png", "text/turtle;q=0", "application/pdf", "*/*;q=0"])
def test_not_acceptable_lists_offered(accept: str) -> None:
    with pytest.raises(NotAcceptable) as err:
        formats.negotiate(DOC, accept=accept, default=TTL)
    assert "text/turtle" in err.value.offered and "text/html" in err.value.offered


def test_plain_json_clients_get_json_ld() -> None:
    """Was a 406: fetch(), jq pipelines and many HTTP libraries send Accept:
    application/json; compact JSON-LD is plain JSON."""
    assert formats.negotiate(DOC, accept="application/json", default=TTL).key == "jsonld"


def test_suffix_beats_format_param_beats_accept() -> None:
    pick = formats.negotiate
    assert pick(DOC, suffix="jsonld", format_param="ttl", accept=BROWSER).key == "jsonld"
    assert pick(DOC, format_param="rdf", accept=BROWSER).key == "rdf"
    assert pick(DOC, format_param="text/turtle", accept=BROWSER).key == "ttl"


def test_unknown_suffix_is_not_acceptable() -> None:
    with pytest.raises(NotAcceptable):
        formats.negotiate(DOC, suffix="docx")


def test_malformed_q_counts_as_none_given() -> None:
    # was q=0 (a 406 for the format named): tests/test_interop12_negotiation.py
    assert formats.parse_accept("text/turtle;q=abc")[0].q == 1.0
    assert formats.parse_accept("garbage, text/html")[0].subtype == "html"


def test_every_key_and_suffix_is_unique() -> None:
    suffixes = [s for f in formats.FORMATS for s in f.suffixes]
    assert len(suffixes) == len(set(suffixes))


def test_format_names_mean_what_the_resource_offers() -> None:
    """SPARQL clients send format=xml / json whatever the query form (SPARQLWrapper
    always does): "xml" was the .xml suffix (RDF/XML) and a SELECT got 406."""
    results, graphs = formats.formats_of("results"), formats.formats_of("rdf")
    pick = formats.negotiate
    assert pick(results, format_param="xml").key == "srx"
    assert pick(graphs, format_param="xml").key == "rdf"
    assert pick(results, format_param="json").key == "srj"
    assert pick(graphs, format_param="json").key == "jsonld"
    assert pick(graphs, format_param="n3").key == "ttl"
    assert pick(graphs, format_param="rdf+xml").key == "rdf"
    assert pick(DOC, suffix="xml").key == "rdf"
    with pytest.raises(NotAcceptable):
        pick(DOC, suffix="n3")  # a file suffix still names one format only

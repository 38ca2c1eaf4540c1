"""Content negotiation on a live server: the table of the issue, case by case."""

from __future__ import annotations

import pytest
import requests

RECORD = "/doc/record/pubmed-6839263"
BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,*/*;q=0.8"
FIREFOX = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"

# (path suffix, ?format=, Accept, expected status, expected media type)
TABLE = [
    ("", None, None, 200, "text/turtle"),  # no Accept: Turtle
    ("", None, "*/*", 200, "text/turtle"),  # bare */*: Turtle
    ("", None, "", 200, "text/turtle"),  # empty Accept
    ("", None, BROWSER, 200, "text/html"),  # a browser: HTML
    ("", None, FIREFOX, 200, "text/html"),
    ("", None, "text/turtle", 200, "text/turtle"),
    ("", None, "application/x-turtle", 200, "text/turtle"),  # alias
    ("", None, "application/ld+json", 200, "application/ld+json"),
    ("", None, "application/json", 200, "application/ld+json"),  # plain JSON clients
    ("", None, "application/rdf+xml", 200, "application/rdf+xml"),
    ("", None, "application/n-triples", 200, "application/n-triples"),
    ("", None, "text/plain", 200, "application/n-triples"),  # N-Triples' old type
    # regression: these were 406 although the suffix/format= names served them
    ("", None, "text/n3", 200, "text/turtle"),  # N3 is a superset of Turtle
    ("", None, "application/xml", 200, "application/rdf+xml"),
    ("", None, "text/xml", 200, "application/rdf+xml"),
    ("", None, "application/x-bibtex", 200, "application/x-bibtex"),
    ("", None, "application/x-research-info-systems", 200,
     "application/x-research-info-systems"),
    ("", None, "application/vnd.citationstyles.csl+json", 200,
     "application/vnd.citationstyles.csl+json"),
    # q-values
    ("", None, "text/turtle;q=0.5, application/ld+json;q=0.9", 200, "application/ld+json"),
    ("", None, "application/ld+json;q=0.4, text/turtle", 200, "text/turtle"),
    # ties: the default (Turtle) wins a tie it is part of, else the table order
    ("", None, "application/ld+json, text/turtle", 200, "text/turtle"),
    ("", None, "application/rdf+xml;q=0.8, application/ld+json;q=0.8", 200,
     "application/ld+json"),
    # wildcards and parameters
    ("", None, "text/*", 200, "text/turtle"),
    ("", None, "text/*;q=0.5, application/ld+json;q=0.6", 200, "application/ld+json"),
    ("", None, "application/*", 200, "application/ld+json"),
    ("", None, 'text/turtle;charset="utf-8";q=0.9, text/html;level=1;q=0.8', 200,
     "text/turtle"),
    # q=0 excludes, even under a wildcard
    ("", None, "text/turtle;q=0, */*;q=0.1", 200, "text/html"),
    ("", None, "text/turtle;q=0", 406, "text/plain"),
    ("", None, "*/*;q=0", 406, "text/plain"),
    # unknown types: 406 listing what we have (plain text, or HTML for a browser)
    ("", None, "application/pdf", 406, "text/plain"),
    ("", None, "image/png, text/html;q=0", 406, "text/plain"),
    ("", None, "application/x-unknown;q=1, garbage", 406, "text/plain"),
    # suffix beats ?format= beats Accept
    (".ttl", None, "application/ld+json", 200, "text/turtle"),
    (".jsonld", "ttl", "text/turtle", 200, "application/ld+json"),
    (".rdf", None, None, 200, "application/rdf+xml"),
    (".nt", None, None, 200, "application/n-triples"),
    (".html", None, "text/turtle", 200, "text/html"),
    (".bib", None, None, 200, "application/x-bibtex"),
    (".ris", None, None, 200, "application/x-research-info-systems"),
    (".csljson", None, None, 200, "application/vnd.citationstyles.csl+json"),
    ("", "jsonld", "text/turtle", 200, "application/ld+json"),
    ("", "application/rdf+xml", None, 200, "application/rdf+xml"),
    ("", "nt", BROWSER, 200, "application/n-triples"),
    # a key with no suffix in the formats table is part of the id (README, "Formats")
    (".csv", None, None, 404, "text/plain"),
    # a format we know but do not offer here, and one we do not know
    ("", "csv", None, 406, "text/plain"),
    ("", "pdf", BROWSER, 406, "text/html"),
]


@pytest.mark.parametrize(("suffix", "fmt", "accept", "status", "media_type"), TABLE)
def test_negotiation_table(site, suffix: str, fmt: str | None, accept: str | None,
                           status: int, media_type: str) -> None:
    headers = {} if accept is None else {"Accept": accept}
    params = {"format": fmt} if fmt else None
    r = requests.get(site.url + RECORD + suffix, headers=headers, params=params, timeout=10)
    assert r.status_code == status, r.text[:300]
    assert r.headers["Content-Type"].split(";")[0] == media_type
    if status == 406:
        for offered in ("text/turtle", "application/ld+json", "application/x-bibtex"):
            assert offered in r.text  # lists what we can produce


@pytest.mark.parametrize(("accept", "media_type"), [
    ("text/turtle", "text/turtle"), (BROWSER, "text/html"), (None, "text/turtle"),
    ("application/ld+json", "application/ld+json")])
def test_thing_uri_answers_303_to_its_document(site, accept: str | None,
                                               media_type: str) -> None:
    headers = {} if accept is None else {"Accept": accept}
    r = requests.get(site.url + "/id/record/pubmed-6839263", headers=headers,
                     allow_redirects=False, timeout=10)
    assert r.status_code == 303
    assert r.headers["Location"].endswith("/doc/record/pubmed-6839263")
    followed = requests.get(site.url + "/id/record/pubmed-6839263", headers=headers, timeout=10)
    assert followed.status_code == 200
    assert followed.headers["Content-Type"].split(";")[0] == media_type


@pytest.mark.parametrize(("accept", "media_type", "marker"), [
    ("text/turtle", "text/turtle", "# 404"),
    # a plain JSON object is not JSON-LD: it says it is JSON (it was labelled JSON-LD)
    ("application/ld+json", "application/json", '"status": 404'),
    ("application/n-triples", "application/n-triples", "# 404"),
    ("application/rdf+xml", "application/rdf+xml", "rdf:RDF"),
    (BROWSER, "text/html", "<h1>404"),
    (None, "text/plain", "404 Not Found"),  # any type will do: the plainest
    ("text/turtle, */*;q=0.1", "text/turtle", "# 404"),
])
def test_unknown_record_is_404_in_the_negotiated_format(site, accept: str | None,
                                                        media_type: str, marker: str) -> None:
    headers = {} if accept is None else {"Accept": accept}
    r = requests.get(site.url + "/doc/record/no-such-record", headers=headers, timeout=10)
    assert r.status_code == 404
    assert r.headers["Content-Type"].split(";")[0] == media_type
    assert marker in r.text
    assert "no-such-record" in r.text


def test_other_kinds_do_not_offer_citations(site) -> None:
    r = requests.get(site.url + "/doc/person/prolific-pat.bib", timeout=10)
    assert r.status_code == 406
    assert "text/turtle" in r.text


@pytest.mark.parametrize(("path", "status"), [
    ("/id/record/pubmed-6839263", 303), ("/id/person/prolific-pat", 303),
    ("/id/subject/mesh-tea", 303), ("/id/journal/0028-0836", 303),
    ("/id/record/no-such-record", 404), ("/id/person/nobody-at-all", 404),
    ("/id/subject/no-such-subject", 404), ("/id/thing/x", 404),
])
def test_an_unknown_thing_is_404_at_once(site, path: str, status: int) -> None:
    """Was a 303 to a document that then answered 404: a wasted round trip for every
    client, and a crawler saw a redirect for a URI nobody minted."""
    r = requests.get(site.url + path, allow_redirects=False, timeout=10)
    assert r.status_code == status
    if status == 404:
        assert "Location" not in r.headers
        assert "in this dataset" in r.text or "no such kind of thing" in r.text

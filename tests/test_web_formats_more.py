"""Formats as the README's Formats section states them, on the live test site.

Regressions found by following the README: ``?format=rdf+xml`` was a 406
(``+`` is a space in a query string); the table listed suffixes that are
not suffixes anywhere (``.txt``, the SPARQL result formats) and dumps that
do not exist; the HTML-only pages ignored ``?format=`` and Accept; error
bodies were labelled with types they were not (a plain JSON object as
JSON-LD, plain text as N-Triples) and a SPARQL syntax error was a 406 under
an Accept the endpoint cannot answer.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import requests
from click.testing import CliRunner

from ld import dumps, formats
from ld.cli_store import DUMP_FORMATS

RECORD = "/doc/record/pubmed-6839263"
ASK = "query=ASK%7B%7D"
CONSTRUCT = "query=CONSTRUCT%7B%3Fs%3Fp%3Fo%7DWHERE%7B%3Fs%3Fp%3Fo%7DLIMIT%201"
BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,*/*;q=0.8"
README = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
FORMATS_SECTION = README.split("\n## Formats\n", 1)[1].split("\n## ", 1)[0]


def _get(site, path: str, query: str = "", accept: str | None = None) -> requests.Response:
    """GET with the query string exactly as written (requests would encode a "+")."""
    headers = {} if accept is None else {"Accept": accept}
    url = f"{site.url}{path}" + (f"?{query}" if query else "")
    return requests.get(url, headers=headers, timeout=30)


def _type(response: requests.Response) -> str:
    return response.headers["Content-Type"].split(";")[0]


# --- ?format= names with "+" (read back as a space) -------------------------------

PLUS = [
    (RECORD, "format=rdf+xml", 200, "application/rdf+xml"),
    (RECORD, "format=rdf%2Bxml", 200, "application/rdf+xml"),
    (RECORD, "format=rdf%20xml", 200, "application/rdf+xml"),
    (RECORD, "format=RDF+XML", 200, "application/rdf+xml"),
    (RECORD, "format=application/rdf+xml", 200, "application/rdf+xml"),
    (RECORD, "format=application/ld+json", 200, "application/ld+json"),
    (RECORD, "format=application/vnd.citationstyles.csl+json", 200,
     "application/vnd.citationstyles.csl+json"),
    (RECORD, "format=ttl+xml", 406, "text/plain"),
    ("/doc/person/prolific-pat", "format=rdf+xml", 200, "application/rdf+xml"),
    ("/dataset", "format=rdf+xml", 200, "application/rdf+xml"),
    ("/sparql", f"{ASK}&format=application/sparql-results+json", 200,
     "application/sparql-results+json"),
    ("/sparql", f"{ASK}&format=application/sparql-results+xml", 200,
     "application/sparql-results+xml"),
    ("/sparql", f"{CONSTRUCT}&format=rdf+xml", 200, "application/rdf+xml"),
    ("/sparql", "format=rdf+xml", 200, "application/rdf+xml"),  # the service description
]


@pytest.mark.parametrize(("path", "query", "status", "media_type"), PLUS)
def test_format_names_with_a_plus(site, path: str, query: str, status: int,
                                  media_type: str) -> None:
    r = _get(site, path, query)
    assert (r.status_code, _type(r)) == (status, media_type), r.text[:300]


def test_a_posted_sparql_form_may_name_rdf_plus_xml(site) -> None:
    r = requests.post(f"{site.url}/sparql", data=f"{CONSTRUCT}&format=rdf+xml",
                      headers={"Content-Type": "application/x-www-form-urlencoded"},
                      timeout=30)
    assert (r.status_code, _type(r)) == (200, "application/rdf+xml"), r.text[:300]


@pytest.mark.parametrize("fmt", formats.FORMATS, ids=lambda f: f.key)
def test_every_name_with_a_plus_is_read_with_a_space(fmt: formats.Format) -> None:
    for name in (*fmt.names, fmt.media_type, *fmt.aliases):
        if "+" in name:
            assert formats.by_name(name.replace("+", " "), (fmt,)) is fmt, name


# --- the README's Formats table says what works where -----------------------------


def _table() -> list[dict[str, str]]:
    """The first table of the section (the dumps have one of their own below it)."""
    text = FORMATS_SECTION[FORMATS_SECTION.index("\n|"):]
    lines = text[1:text.index("\n\n")].splitlines()
    head = [c.strip() for c in lines[0].strip("|").split("|")]
    return [dict(zip(head, (c.strip() for c in x.strip("|").split("|")), strict=True))
            for x in lines[2:]]


ROWS = _table()


def _media_type(row: dict[str, str]) -> str:
    return re.findall(r"`([^`]+)`", row["media type"])[0]


def _ticked(cell: str) -> list[str]:
    return re.findall(r"`([^`]+)`", cell)


def test_the_table_has_a_row_per_format_and_says_where() -> None:
    assert [_media_type(r) for r in ROWS] == [f.media_type for f in formats.FORMATS]
    assert set(ROWS[0]) == {"format", "media type", "suffixes", "other `?format=` names",
                            "where"}


@pytest.mark.parametrize("row", ROWS, ids=lambda r: r["format"])
def test_every_suffix_in_the_table_works_on_a_record(site, row: dict[str, str]) -> None:
    for suffix in _ticked(row["suffixes"]):
        r = _get(site, RECORD + suffix)
        assert (r.status_code, _type(r)) == (200, _media_type(row)), suffix


@pytest.mark.parametrize("row", ROWS, ids=lambda r: r["format"])
def test_every_format_name_in_the_table_works_where_it_says(site, row: dict[str, str]
                                                             ) -> None:
    names = [s.lstrip(".") for s in _ticked(row["suffixes"])]
    names += _ticked(row["other `?format=` names"])
    on_sparql = "SPARQL SELECT/ASK" in row["where"]
    for name in names:
        r = (_get(site, "/sparql", f"{ASK}&format={name}") if on_sparql
             else _get(site, RECORD, f"format={name}"))
        assert (r.status_code, _type(r)) == (200, _media_type(row)), name


@pytest.mark.parametrize("path", [f"{RECORD}.txt", f"{RECORD}.text", f"{RECORD}.nq",
                                  f"{RECORD}.trig", f"{RECORD}.srj", f"{RECORD}.csv"])
def test_keys_of_formats_a_document_does_not_offer_are_no_suffixes(site, path: str) -> None:
    assert _get(site, path).status_code == 404  # the record "pubmed-6839263.nq" (readme 3)


def test_the_dumps_named_are_the_dumps_there_are() -> None:
    named = set(re.findall(r"`/dumps/(dataset\.[a-z.]+)`", FORMATS_SECTION))
    assert named == set(dumps.BY_NAME)
    cli = set(re.findall(r"`ldpub dump --format ([a-z.]+)`", FORMATS_SECTION))
    assert cli == set(DUMP_FORMATS)


def test_the_two_json_ld_dumps_are_what_the_readme_says(site) -> None:
    """``ldpub dump --format jsonld`` is expanded, one named graph per record; the
    /dumps/ file is compacted with our context, the union graph. The README says which
    is which; this holds it to that."""
    from ld.cli import main

    assert "expanded" in FORMATS_SECTION and "compacted" in FORMATS_SECTION
    result = CliRunner().invoke(main, ["--store", str(site.store_dir), "--base-uri",
                                       site.settings.base_uri, "dump", "--format", "jsonld"])
    assert result.exit_code == 0, result.output
    expanded = json.loads(result.stdout)
    assert isinstance(expanded, list) and all("@graph" in g for g in expanded)
    served = requests.get(f"{site.url}/dumps/dataset.jsonld", timeout=60).json()
    assert served["@context"] == site.url + "/context.jsonld"
    assert not any("@graph" in node for node in served["@graph"])


# --- HTML-only pages negotiate as well --------------------------------------------

HTML_ONLY = [
    ("/", "", None, 200, "text/html"),
    ("/", "", "*/*", 200, "text/html"),
    ("/", "", BROWSER, 200, "text/html"),
    ("/", "", "application/xhtml+xml", 200, "text/html"),
    ("/", "", "text/turtle;q=1, text/html;q=0.1", 200, "text/html"),
    ("/", "format=html", "text/turtle", 200, "text/html"),
    ("/", "format=foo", "text/turtle", 406, "text/plain"),
    ("/", "format=foo", BROWSER, 406, "text/html"),
    ("/", "", "text/turtle", 406, "text/plain"),
    ("/", "", "application/json", 406, "application/json"),
    ("/search", "q=x", None, 200, "text/html"),
    ("/search", "q=x&format=ttl", None, 406, "text/plain"),
    ("/search", "q=x", "text/turtle", 406, "text/plain"),
    ("/browse", "", "application/ld+json", 406, "text/plain"),
    ("/browse/subject", "", BROWSER, 200, "text/html"),
    ("/browse/subject", "format=ttl", None, 406, "text/plain"),
    ("/dumps/", "", None, 200, "text/html"),
    ("/dumps/", "format=jsonld", None, 406, "text/plain"),
    ("/dumps/", "", "application/n-triples", 406, "text/plain"),
]


@pytest.mark.parametrize(("path", "query", "accept", "status", "media_type"), HTML_ONLY)
def test_html_only_pages_negotiate(site, path: str, query: str, accept: str | None,
                                   status: int, media_type: str) -> None:
    r = _get(site, path, query, accept)
    assert (r.status_code, _type(r)) == (status, media_type), r.text[:300]
    assert "Accept" in r.headers.get("Vary", "")
    if status == 406:
        assert "text/html" in r.text  # what the page can be had as


# --- errors: a type the client accepts, labelled as what it is ---------------------

MISSING = "/doc/record/no-such-record"
ERRORS = [
    # (path, query, Accept, status, media type, a marker in the body)
    (MISSING, "", "application/ld+json", 404, "application/json", '"status": 404'),
    (MISSING, "", "application/json", 404, "application/json", '"status": 404'),
    (MISSING, "", "application/vnd.citationstyles.csl+json", 404, "application/json",
     '"status": 404'),
    (MISSING, "", "application/*", 404, "application/json", '"status": 404'),
    (MISSING, "", "text/plain", 404, "text/plain", "404 Not Found"),
    (MISSING, "", None, 404, "text/plain", "404 Not Found"),
    (MISSING, "", "*/*", 404, "text/plain", "404 Not Found"),
    (MISSING, "", "text/turtle", 404, "text/turtle", "# 404"),
    (MISSING, "", "text/turtle, */*;q=0.1", 404, "text/turtle", "# 404"),
    (MISSING, "", "application/n-triples", 404, "application/n-triples", "# 404"),
    (MISSING, "", "application/rdf+xml", 404, "application/rdf+xml", "<!-- 404"),
    (MISSING, "", "application/x-bibtex", 404, "text/plain", "404 Not Found"),
    (MISSING, "", BROWSER, 404, "text/html", "<h1>404"),
    (MISSING + ".jsonld", "", None, 404, "text/plain", "404 Not Found"),
    (MISSING + ".jsonld", "", "application/ld+json", 404, "application/json",
     '"status": 404'),
    ("/doc/person/nobody-at-all", "", "application/ld+json", 404, "application/json",
     '"status": 404'),
    (RECORD, "page=zero", "application/ld+json", 400, "application/json", '"status": 400'),
    (RECORD, "", "application/pdf", 406, "text/plain", "Offered: text/html"),
    (RECORD, "format=pdf", "application/json", 406, "application/json", '"offered"'),
    ("/no/such/page", "", "application/ld+json", 404, "text/plain", "404 Not Found"),
    ("/no/such/page", "", "application/json", 404, "application/json", '"status": 404'),
    ("/sparql", "query=SELEC", "text/plain", 400, "text/plain", "syntax error"),
    ("/sparql", "query=SELEC", "image/png", 400, "text/plain", "syntax error"),
    ("/sparql", "query=SELEC&format=foo", None, 400, "text/plain", "syntax error"),
    ("/sparql", "query=SELEC", "application/sparql-results+json", 400, "text/plain",
     "syntax error"),
    ("/sparql", "query=SELEC", "application/json", 400, "application/json", "syntax error"),
    ("/sparql", ASK, "text/plain", 406, "text/plain", "Offered:"),
    ("/sparql", ASK, "image/png", 406, "text/plain", "Offered:"),
]


@pytest.mark.parametrize(("path", "query", "accept", "status", "media_type", "marker"),
                         ERRORS)
def test_errors_come_in_a_type_the_client_accepts(site, path: str, query: str,
                                                  accept: str | None, status: int,
                                                  media_type: str, marker: str) -> None:
    r = _get(site, path, query, accept)
    assert (r.status_code, _type(r)) == (status, media_type), r.text[:300]
    assert marker in r.text
    if media_type == "application/json":
        assert json.loads(r.text)["error"]["status"] == status  # it is what it says


def test_a_request_no_format_fits_does_not_run_the_query(site) -> None:
    """Regression: to tell a syntax error from a 406, the endpoint parsed the query with
    pyoxigraph, which also evaluated it on the request thread, outside the query
    timeout and concurrency limits: this ASK held a web thread for 45 s, then got its
    406. It is refused at once now."""
    import time

    values = " ".join(str(i) for i in range(700))
    query = (f"ASK {{ VALUES ?a {{ {values} }} VALUES ?b {{ {values} }} "
             f"VALUES ?c {{ {values} }} FILTER(?a + ?b + ?c < 0) }}")
    started = time.monotonic()
    r = requests.post(site.url + "/sparql", data={"query": query},
                      headers={"Accept": "image/png"}, timeout=60)
    assert r.status_code == 406
    assert time.monotonic() - started < 5


@pytest.mark.parametrize("page", ["²", "99999999999999999999999", "0", "-1", "x"])
@pytest.mark.parametrize("path", ["/doc/person/clavel-nathalie", "/search?q=patients",
                                  "/browse/person"])
def test_an_unusable_page_number_is_a_400(site, path: str, page: str) -> None:
    """Regression: ?page=² passed isdigit() and failed int() (a 500), and a page number
    too large for the store's offset was a 500 where a 404 or 400 is promised."""
    joiner = "&" if "?" in path else "?"
    r = requests.get(f"{site.url}{path}{joiner}page={page}",
                     headers={"Accept": "text/html"}, timeout=30)
    assert r.status_code == 400, (r.status_code, r.text[:200])


def test_an_rdf_xml_error_is_well_formed_xml(site) -> None:
    """Regression: an id with "---" left "--" in the error's XML comment."""
    from lxml import etree

    r = requests.get(f"{site.url}/doc/record/a---b", timeout=30,
                     headers={"Accept": "application/rdf+xml"})
    assert r.status_code == 404
    etree.fromstring(r.content)

"""Security headers on every response, and a CSP the site's own pages keep
(explore10/web defect 2).

Regression: no response carried Content-Security-Policy, X-Content-Type-Options or
Referrer-Policy: pages could be framed anywhere, text that echoes input was sent
without ``nosniff``, and a markup flaw had no second line of defence. Now Flask's
responses (pages, errors, redirects, static files, dumps, /health, OPTIONS) and the
two WSGI fast paths that bypass Flask (record documents, the SPARQL lane) send all
three; CORS still lets other sites read documents and query /sparql. In Chromium the
home page, a record page and the SPARQL editor running queries break no part of the
policy (a control proves a violation would be seen).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import requests

from ld.web.security import CSP

RECORD = "/doc/record/test-article"
SECURITY = {"Content-Security-Policy": CSP, "X-Content-Type-Options": "nosniff",
            "Referrer-Policy": "strict-origin-when-cross-origin"}
HTML = {"Accept": "text/html"}
# the SPARQL fast path's lane: one triple pattern with a constant subject
IRI_QUERY = "SELECT ?o WHERE { <%s> <http://purl.org/dc/terms/title> ?o } LIMIT 5"
# (method, path, request headers, status): every kind of answer the site gives
ANSWERS = [
    ("GET", "/", HTML, 200), ("GET", "/search?q=tea", HTML, 200),
    ("GET", RECORD, HTML, 200),  # the fast path, HTML
    ("GET", RECORD + ".ttl", {}, 200), ("GET", RECORD + ".bib", {}, 200),  # fast path
    ("HEAD", RECORD + ".ris", {}, 200),
    ("GET", RECORD + "?format=html", {}, 200),  # Flask's view
    ("GET", "/doc/person/prolific-pat", HTML, 200), ("GET", "/dataset", {}, 200),
    ("GET", "/id/record/test-article", {}, 303), ("GET", "/dumps", {}, 308),
    ("GET", "/dumps/", HTML, 200), ("GET", "/dumps/dataset.ttl", {}, 200),
    ("GET", "/sitemap.xml", {}, 200), ("GET", "/robots.txt", {}, 200),
    ("GET", "/static/ldpub.css", {}, 200), ("GET", "/context.jsonld", {}, 200),
    ("GET", "/health", {}, 200), ("GET", "/vocab", HTML, 200),
    ("GET", "/sparql", HTML, 200), ("GET", "/sparql", {"Accept": "text/turtle"}, 200),
    ("GET", "/doc/record/missing", {}, 404), ("GET", "/doc/record/missing", HTML, 404),
    ("GET", "/nowhere", {"Accept": "application/json"}, 404),
    ("GET", RECORD + "?format=nope", {}, 406), ("POST", RECORD, {}, 405),
    ("GET", "/sparql?query=SELECT", {}, 400),
    ("OPTIONS", RECORD, {"Origin": "https://example.org",
                         "Access-Control-Request-Method": "GET"}, 200),
]


def _answer(site: Any, method: str, path: str, headers: dict[str, str]) -> requests.Response:
    return requests.request(method, site.url + path, headers=headers,
                            allow_redirects=False, timeout=30)


def _assert_secured(response: requests.Response) -> None:
    for name, value in SECURITY.items():
        assert response.headers.get(name) == value, (response.url, name, response.headers)
    assert response.headers["Access-Control-Allow-Origin"] == "*", response.url


@pytest.mark.parametrize(("method", "path", "headers", "status"), ANSWERS,
                         ids=[f"{m} {p} {sorted(h.values())}" for m, p, h, s in ANSWERS])
def test_every_answer_carries_the_security_headers(site: Any, method: str, path: str,
                                                  headers: dict[str, str],
                                                  status: int) -> None:
    response = _answer(site, method, path, headers)
    assert response.status_code == status, (path, response.text[:300])
    _assert_secured(response)


@pytest.mark.parametrize("path", [RECORD, RECORD + ".ttl", "/dataset"])
def test_a_304_carries_them_too(site: Any, path: str) -> None:
    tag = requests.get(site.url + path, headers=HTML, timeout=10).headers["ETag"]
    again = requests.get(site.url + path, headers={**HTML, "If-None-Match": tag}, timeout=10)
    assert again.status_code == 304
    _assert_secured(again)


@pytest.mark.parametrize("method", ["GET", "POST"])
def test_the_sparql_fast_path_carries_them(site: Any, method: str) -> None:
    query = IRI_QUERY % (site.settings.base_uri + "id/record/test-article")
    accept = {"Accept": "application/sparql-results+json"}
    if method == "GET":
        response = requests.get(site.url + "/sparql", params={"query": query},
                                headers=accept, timeout=30)
    else:
        response = requests.post(site.url + "/sparql", data={"query": query},
                                 headers=accept, timeout=30)
    assert response.status_code == 200 and response.json()["results"]["bindings"]
    _assert_secured(response)


# --- in a real browser: the policy breaks nothing ----------------------------------------

@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    """A page recording console errors, failed requests and CSP violations."""
    context = browser.new_context()
    pg = context.new_page()
    pg.add_init_script("""window.__csp = [];
        document.addEventListener('securitypolicyviolation',
            e => window.__csp.push(e.violatedDirective + ' ' + e.blockedURI));""")
    pg.problems = []
    pg.on("console", lambda m: m.type == "error" and pg.problems.append(m.text))
    pg.on("pageerror", lambda e: pg.problems.append(str(e)))
    pg.on("requestfailed", lambda r: pg.problems.append("failed " + r.url))
    yield pg
    context.close()


def _violations(page: Any) -> list[str]:
    return [*page.evaluate("window.__csp"), *page.problems]


@pytest.mark.browser
@pytest.mark.parametrize("path", ["/", RECORD, "/doc/person/prolific-pat", "/search?q=tea",
                                  "/dataset"])
def test_pages_break_no_part_of_the_policy(site: Any, page: Any, path: str) -> None:
    response = page.goto(site.url + path, wait_until="networkidle")
    assert response.status == 200 and response.headers["content-security-policy"] == CSP
    assert page.locator("h1").count() == 1
    assert page.evaluate("getComputedStyle(document.body).fontFamily") != "Times New Roman"
    assert _violations(page) == []


@pytest.mark.browser
def test_the_sparql_editor_runs_queries_within_the_policy(site: Any, page: Any) -> None:
    page.goto(site.url + "/sparql", wait_until="networkidle")
    page.wait_for_selector(".yasqe .CodeMirror")
    page.click("button[data-example='no-doi']")  # a query Flask answers
    page.wait_for_selector(f"a.iri[href^='{site.url}/id/record/']", timeout=20_000)
    iri = site.settings.base_uri + "id/record/test-article"
    page.evaluate("""query => {
        const tab = window.ldpubYasgui.getTab();
        tab.setQuery(query);
        tab.query();
    }""", IRI_QUERY % iri)  # the fast path's lane
    # a function, not an expression: Playwright evaluates a string by eval(), which
    # the policy forbids
    page.wait_for_function("() => document.querySelector('.yasr').innerText"
                           ".includes('Kinetics of tea')", timeout=20_000)
    assert _violations(page) == []


@pytest.mark.browser
def test_a_violation_would_be_seen(site: Any, page: Any) -> None:
    """The control: an inline script on a page of the site is blocked and reported."""
    page.goto(site.url + "/", wait_until="networkidle")
    page.evaluate("""() => { const s = document.createElement('script');
        s.textContent = 'window.ran = true'; document.body.append(s); }""")
    page.wait_for_function("() => window.__csp.length > 0")
    assert page.evaluate("window.ran") is None
    assert any(v.startswith("script-src") for v in _violations(page))

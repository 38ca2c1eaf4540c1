"""The query editor's results, Share → cURL and cut answers, in Chromium (explore10/sparql 3, 4, 7).

3: a count read ``"88"^^<http://www.w3.org/2001/XMLSchema#integer>`` over three
lines (the examples do not declare xsd:). 4: on a page naming a dataset the
cURL command had an unquoted ``&``: a shell ran curl without the query, then
``-X: command not found``. 7: an answer cut mid-stream by the time limit
showed only "Failed to fetch".
"""

from __future__ import annotations

import json
import subprocess
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlencode

import pytest
import requests

from tests.conftest_web import Site, sample_paths
from tests.test_sparql_editor import open_editor

pytestmark = pytest.mark.browser
XSD = "http://www.w3.org/2001/XMLSchema#"
CROSS = "CONSTRUCT { ?a <urn:x> ?d } WHERE { ?a ?b ?c . ?d ?e ?f }"


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory, sparql_site: Any) -> Iterator[Site]:
    the_site, server = sparql_site(tmp_path_factory.mktemp("sparql-fixes10"), [], sample_paths())
    yield the_site
    server.shutdown()


@pytest.fixture(scope="module")
def hasty_site(tmp_path_factory: pytest.TempPathFactory, sparql_site: Any) -> Iterator[Site]:
    """A time limit of 1 s: the cross product above sends its first chunk, then is stopped."""
    the_site, server = sparql_site(tmp_path_factory.mktemp("sparql-fixes10-hasty"), [],
                                   sample_paths(), query_timeout=1.0)
    yield the_site
    server.shutdown()


def run_in_editor(page: Any, query: str) -> None:
    page.evaluate("q => { window.ldpubYasgui.getTab().setQuery(q); }", query)
    page.click(".yasqe_queryButton")


def test_a_count_reads_as_a_number_its_datatype_in_the_title(browser: Any, site: Site) -> None:
    page, elsewhere = open_editor(browser, site)
    page.click("button[data-example='journals']")  # declares dcterms: and bibo: only
    page.wait_for_selector(f"a.iri[href^='{site.url}/id/']", timeout=20_000)
    count = page.locator(".yasr tbody tr").first.locator("td").last
    number = count.locator(".ldpub-number")
    assert count.inner_text().strip().isdigit()
    assert number.get_attribute("title") == f'"{count.inner_text().strip()}"^^xsd:integer'
    assert "XMLSchema" not in page.locator(".yasr tbody").inner_text()
    run_in_editor(page, 'SELECT ?n ?d WHERE { VALUES (?n ?d) '
                        f'{{ (88 "2024-01-31"^^<{XSD}date>) }} }}')
    page.wait_for_selector(".yasr tbody .ldpub-number:text-is('88')", timeout=20_000)
    date = page.locator(".yasr tbody a.iri", has_text="xsd:date")
    assert date.get_attribute("href") == XSD + "date"  # other datatypes: abbreviated, linked
    number_box = page.locator(".yasr tbody .ldpub-number").bounding_box()
    row_number = page.locator(".yasr tbody .rowNumber").bounding_box()
    assert number_box["x"] - (row_number["x"] + row_number["width"]) >= 8  # not "188"
    assert elsewhere == []
    page.close()


def test_share_as_curl_runs_in_a_shell_on_a_dataset_page(browser: Any, site: Site) -> None:
    graph = site.url + "/doc/record/pubmed-6839263"
    query = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o } # it's $(x) `y` & z"
    direct = requests.post(site.url + "/sparql", timeout=30,
                           data={"query": query, "default-graph-uri": graph}).json()
    page, elsewhere = open_editor(browser, site,
                                  "/sparql?" + urlencode({"default-graph-uri": graph}))
    page.evaluate("q => { window.ldpubYasgui.getTab().setQuery(q); }", query)
    page.click(".yasqe_share")
    page.click(".yasqe_sharePopup button.curl")
    command = page.locator(".yasqe_sharePopup textarea, .yasqe_sharePopup input").input_value()
    done = subprocess.run(["bash", "-c", command + " --silent --show-error --fail-with-body"],
                          capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode == 0, (command, done.stdout, done.stderr)
    assert json.loads(done.stdout)["results"] == direct["results"]
    whole = requests.post(site.url + "/sparql", timeout=30, data={"query": query}).json()
    assert whole["results"] != direct["results"]  # the dataset was sent, not dropped
    assert elsewhere == []
    page.close()


def test_an_answer_cut_by_the_time_limit_says_so(browser: Any, hasty_site: Site) -> None:
    with requests.get(hasty_site.url + "/sparql", params={"query": CROSS}, stream=True,
                      timeout=30) as response:
        assert response.status_code == 200  # the status went first: only the body is cut
        with pytest.raises(requests.exceptions.ChunkedEncodingError):
            response.content  # noqa: B018
    page, elsewhere = open_editor(browser, hasty_site)
    run_in_editor(page, CROSS)
    message = page.wait_for_selector(".yasr .errorResult pre", timeout=20_000).inner_text()
    assert "Failed to fetch" not in message
    assert "Answer cut off" in message and "limit of 1 s (LDPUB_QUERY_TIMEOUT)" in message
    assert "add a LIMIT" in message
    assert elsewhere == []
    page.close()

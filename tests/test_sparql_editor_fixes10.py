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


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory, sparql_site: Any) -> Iterator[Site]:
    the_site, server = sparql_site(tmp_path_factory.mktemp("sparql-fixes10"), [], sample_paths())
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

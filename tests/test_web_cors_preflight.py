"""A CORS preflight allows the methods the resource has (explore10/web defect 8).

Regression: every preflight but /sparql's said ``Access-Control-Allow-Methods: GET,
HEAD, OPTIONS, POST``, so a script on another site was told it may POST to a
document, which answers 405. Now the preflight allows what the resource's ``Allow``
says.
"""

from __future__ import annotations

from typing import Any

import pytest
import requests

PREFLIGHT = {"Origin": "https://example.org", "Access-Control-Request-Method": "DELETE"}


def _methods(value: str) -> set[str]:
    return {m.strip() for m in value.split(",")}


@pytest.mark.parametrize("path", ["/doc/record/test-article", "/doc/record/test-article.ttl",
                                  "/id/record/test-article", "/doc/person/prolific-pat",
                                  "/dataset", "/context.jsonld", "/dumps/dataset.ttl", "/",
                                  "/health", "/static/ldpub.css"])
def test_a_preflight_allows_the_resources_own_methods(site: Any, path: str) -> None:
    r = requests.options(site.url + path, headers=PREFLIGHT, timeout=10)
    assert r.status_code == 200
    allowed = _methods(r.headers["Access-Control-Allow-Methods"])
    assert allowed == _methods(r.headers["Allow"]) == {"GET", "HEAD", "OPTIONS"}
    post = requests.post(site.url + path, timeout=10)
    assert post.status_code == 405 and "POST" not in _methods(post.headers["Allow"])


def test_the_sparql_endpoint_still_allows_post(site: Any) -> None:
    r = requests.options(site.url + "/sparql", timeout=10, headers={
        **PREFLIGHT, "Access-Control-Request-Method": "POST"})
    assert r.status_code == 200 and "POST" in _methods(r.headers["Access-Control-Allow-Methods"])

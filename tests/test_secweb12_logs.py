"""An answer cut at the time limit is one WARNING line (explore12 "security", L2).

Every CONSTRUCT cut at LDPUB_QUERY_TIMEOUT logged gunicorn's "[ERROR] Error
handling request" with a 15-line traceback ending in ld.errors.QueryTimeout:
an expected, documented outcome that any client can cause, shown as a crash.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import requests

from tests.test_web_serve import _start, _stop

CROSS = "CONSTRUCT { ?a ?b ?f . ?d ?e ?c } WHERE { ?a ?b ?c . ?d ?e ?f }"


def test_a_cut_answer_is_one_warning_line(tmp_path: Path) -> None:
    url, _env, proc = _start(tmp_path, "gunicorn", LDPUB_WORKERS="1",
                             LDPUB_QUERY_TIMEOUT="1")
    try:
        with requests.post(url + "/sparql", data={"query": CROSS}, stream=True, timeout=30,
                           headers={"Accept": "application/n-triples"}) as answer:
            assert answer.status_code == 200  # the status went first: only the body is cut
            with pytest.raises(requests.exceptions.ChunkedEncodingError):
                answer.content  # noqa: B018
        after = requests.get(url + "/doc/record/pubmed-6839263", timeout=30,
                             headers={"Accept": "text/turtle"})
    finally:
        printed = _stop(proc)
    assert after.status_code == 200
    cut = [line for line in printed.splitlines() if "answer was cut" in line]
    assert len(cut) == 1 and "[WARNING]" in cut[0], printed
    assert "Traceback" not in printed and "[ERROR]" not in printed, printed

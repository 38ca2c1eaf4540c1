"""The W3C SPARQL 1.1 Protocol test suite, run against the live endpoint.

Every test of ../shared/data/w3c-sparql-protocol/sparql11/protocol/manifest.ttl
is run over real HTTP against a werkzeug server on 127.0.0.1 serving a real
embedded store. The store holds data1-3.nt as the named graphs the manifest
names (their rdfs:label); it is reset before each test through the update
endpoint, which is enabled here with a bearer token (sent with every request
of the suite: the update tests need it, the query tests must not care).
Paths ``/sparql/`` are rewritten to ``/sparql``. No test is skipped:
:data:`NOT_APPLICABLE` is empty, and a test listed there would be reported
as skipped with its reason.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from xml.etree import ElementTree

import pytest
import requests
from rdflib import Graph, Namespace
from rdflib.collection import Collection
from rdflib.namespace import RDFS
from werkzeug.serving import make_server

from ld.config import load_settings

MF = Namespace("http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#")
HT = Namespace("http://www.w3.org/2011/http#")
CNT = Namespace("http://www.w3.org/2011/content#")
UT = Namespace("http://www.w3.org/2009/sparql/tests/test-update#")
HTS = Namespace("http://www.w3.org/2011/http-statusCodes#")
TOKEN = "w3c-protocol-suite-token"
SUITE = "w3c-sparql-protocol/sparql11/protocol"

# test name -> why it does not apply to ldpub (none: every test runs)
NOT_APPLICABLE: dict[str, str] = {}

RESULT_TYPES = {
    "boolean": {"application/sparql-results+json", "application/sparql-results+xml"},
    "tabular": {"application/sparql-results+json", "application/sparql-results+xml",
                "text/csv", "text/tab-separated-values"},
    "RDF": {"application/rdf+xml", "text/turtle", "application/n-triples"},
}


@dataclass
class Step:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes | None
    statuses: set[str]  # "2xx", "3xx", "4xx"
    expected_format: str | None
    expected_boolean: bool | None


@dataclass
class ProtocolTest:
    name: str
    steps: list[Step]


def _manifest(folder: Path) -> Graph:
    return Graph().parse(folder / "manifest.ttl", format="turtle")


def _steps(g: Graph, test) -> list[Step]:  # type: ignore[no-untyped-def]
    action = g.value(test, MF.action)
    steps = []
    for req in Collection(g, g.value(action, HT.requests)):
        headers = {}
        header_list = g.value(req, HT.headers)
        if header_list is not None:
            for h in Collection(g, header_list):
                headers[str(g.value(h, HT.fieldName))] = str(g.value(h, HT.fieldValue))
        body_node, body = g.value(req, HT.body), None
        if body_node is not None:
            encoding = str(g.value(body_node, CNT.characterEncoding) or "UTF-8")
            body = str(g.value(body_node, CNT.chars)).encode(encoding)
        resp = g.value(req, HT.resp)
        statuses = {str(s).rsplit("StatusCode", 1)[1].lower()
                    for s in g.objects(resp, MF.expectedStatus)}
        boolean = g.value(resp, MF.expectedBoolean)
        fmt = g.value(resp, MF.expectedFormat)
        path = str(g.value(req, HT.absolutePath)).replace("/sparql/", "/sparql", 1)
        steps.append(Step(str(g.value(req, HT.methodName)), path, headers, body, statuses,
                          str(fmt) if fmt is not None else None,
                          None if boolean is None else boolean.toPython()))
    return steps


def load_suite(folder: Path) -> list[ProtocolTest]:
    g = _manifest(folder)
    manifest = next(g.subjects(predicate=MF.entries))
    tests = []
    for test in Collection(g, g.value(manifest, MF.entries)):
        tests.append(ProtocolTest(str(test).rsplit("#", 1)[1], _steps(g, test)))
    return tests


def graph_data(folder: Path) -> dict[str, Graph]:
    """Every ut:graphData of the manifest: graph name (its label) -> its triples."""
    g = _manifest(folder)
    graphs = {}
    for node in g.objects(predicate=UT.graphData):
        name = str(g.value(node, RDFS.label))
        graphs[name] = Graph().parse(str(g.value(node, UT.graph)).replace("file://", ""),
                                     format="nt")
    return graphs


@pytest.fixture(scope="module")
def suite_folder(shared_data: Path) -> Path:
    return shared_data / SUITE


@pytest.fixture(scope="module")
def endpoint(tmp_path_factory: pytest.TempPathFactory, suite_folder: Path) -> Iterator[str]:
    """A live server over an embedded store, Update enabled with the token."""
    from ld.store import open_store
    from ld.web import create_app

    root = tmp_path_factory.mktemp("w3c")
    settings = load_settings(env={}, store=str(root / "store"), update_token=TOKEN,
                             query_timeout=20)
    with open_store(settings) as store:
        store.publish()  # type: ignore[attr-defined]
    server = make_server("127.0.0.1", 0, create_app(settings), threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()


def reset(endpoint: str, graphs: dict[str, Graph]) -> None:
    """Empty the store and put the suite's graphs back, through the protocol itself."""
    inserts = "\n".join(f"GRAPH <{name}> {{ {g.serialize(format='nt')} }}"
                        for name, g in sorted(graphs.items()))
    r = requests.post(endpoint + "/sparql", data=f"DROP ALL ; INSERT DATA {{ {inserts} }}",
                      headers={"Content-Type": "application/sparql-update",
                               "Authorization": f"Bearer {TOKEN}"}, timeout=30)
    assert r.status_code == 204, r.text


def _tests() -> list[ProtocolTest]:
    from tests.conftest import SHARED_DATA

    folder = SHARED_DATA / SUITE
    return load_suite(folder) if folder.is_dir() else []


def _check(step: Step, r: requests.Response) -> None:
    status = f"{r.status_code // 100}xx"
    assert status in step.statuses, f"{step.method} {step.path}: {r.status_code} {r.text[:500]}"
    media_type = r.headers.get("Content-Type", "").split(";")[0].strip()
    if step.expected_format:
        assert media_type in RESULT_TYPES[step.expected_format], media_type
    if step.expected_boolean is not None:
        assert parse_boolean(media_type, r.content) is step.expected_boolean


def parse_boolean(media_type: str, body: bytes) -> bool:
    if media_type == "application/sparql-results+json":
        return bool(json.loads(body)["boolean"])
    ns = "{http://www.w3.org/2005/sparql-results#}"
    return ElementTree.fromstring(body).find(f"{ns}boolean").text == "true"  # type: ignore[union-attr]


@pytest.mark.parametrize("test", _tests(), ids=lambda t: t.name)
def test_protocol(test: ProtocolTest, endpoint: str, suite_folder: Path) -> None:
    if test.name in NOT_APPLICABLE:
        pytest.skip(NOT_APPLICABLE[test.name])
    reset(endpoint, graph_data(suite_folder))
    for step in test.steps:
        headers = {**step.headers, "Authorization": f"Bearer {TOKEN}"}
        r = requests.request(step.method, endpoint + step.path, headers=headers,
                             data=step.body, timeout=30)
        _check(step, r)


def test_suite_is_complete(suite_folder: Path) -> None:
    """All 34 tests of the manifest were collected (none lost by the parser above)."""
    assert len(load_suite(suite_folder)) == 34

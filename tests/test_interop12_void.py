"""VoID's figures of section 4.6 (exploratory test "interop", session 12, defect 5).

``/dataset`` gave void:triples, void:entities and void:documents but not
void:classes or void:properties, which LODStats and Virtuoso's VoID generator
give and clients read (not void:distinctSubjects/distinctObjects: too costly
at scale, see ld/void.py). Each is checked here against the store's quads
counted in Python.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from rdflib import RDF, Graph, Literal, URIRef
from rdflib.namespace import VOID

from ld.config import load_settings
from tests.conftest_web import load_records
from tests.web_records import generated_records

BASE = "http://example.org/"


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[object, object]]:
    """(the app's test client, the store it serves) over the generated records."""
    from ld.store import open_reader
    from ld.web import create_app

    root: Path = tmp_path_factory.mktemp("interop12-void")
    settings = load_settings(env={}, store=str(root / "store"), base_uri=BASE)
    load_records(settings, generated_records())
    yield create_app(settings).test_client(), open_reader(settings)


def counted(store: object) -> dict[str, int]:
    """The figures counted in Python over every quad of every record graph."""
    rows = store.select("SELECT ?s ?p ?o WHERE { GRAPH ?g { ?s ?p ?o } }")  # type: ignore[attr-defined]
    return {"classes": len({r["o"] for r in rows if r["p"] == RDF.type}),
            "properties": len({r["p"] for r in rows})}


def test_void_gives_classes_and_properties(served) -> None:
    client, store = served
    response = client.get("/dataset.nt")
    assert response.status_code == 200, response.text[:300]
    g = Graph().parse(data=response.data, format="nt")
    dataset = URIRef(f"{BASE}dataset")
    given = {name: [o for o in g.objects(dataset, VOID[name])] for name in counted(store)}
    expected = counted(store)
    assert all(n > 1 for n in expected.values()), expected
    assert given == {name: [Literal(n)] for name, n in expected.items()}

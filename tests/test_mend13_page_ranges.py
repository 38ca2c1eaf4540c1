"""L2: every range of a MedlinePgn is spelled out, and the page writes one dash.

``all_pages("111-7; discussion 117-8")`` gave "111-117, discussion 117-8" (a range after
a word was left as written), and the page wrote "pp. 611–619" for one range but
"pp. 1199-1201, 1205" for several.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import lxml.html
import pytest

from ld.config import load_settings
from ld.model import Container, Record, Source
from ld.readers.pubmed_fields import all_pages
from tests.conftest_web import load_records

BASE = "http://example.org/"


@pytest.mark.parametrize(("pgn", "pages"), [
    ("111-7; discussion 117-8", "111-117, discussion 117-118"),
    ("1199-201, 1205", "1199-1201, 1205"),
    ("611-9", None),
])
def test_every_range_is_spelled_out(pgn: str, pages: str | None) -> None:
    assert all_pages(pgn) == pages


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    from ld.web import create_app

    settings = load_settings(env={}, store=str(tmp_path_factory.mktemp("mend13p") / "store"),
                             base_uri=BASE)
    host = Container(title="Journal", page_start="1199", page_end="1201",
                     pages="1199-1201, 1205")
    load_records(settings, [Record(id="r1", source=Source("t.json", "record 1", "test"),
                                   formats=["Article"], title="Pages", issued="2020",
                                   container=host)])
    yield create_app(settings).test_client()


def test_the_page_writes_several_ranges_with_the_en_dash(client: Any) -> None:
    page = lxml.html.fromstring(client.get("/doc/record/r1.html").get_data(as_text=True))
    shown = [b.text for b in page.iter("bdi") if b.text and "1205" in b.text]
    assert shown == ["1199–1201, 1205"]

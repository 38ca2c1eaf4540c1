"""Harvesting from a real OAI-PMH server (pyoai's) on 127.0.0.1 into a real store."""

from __future__ import annotations

import copy
import json
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from email.utils import formatdate
from pathlib import Path

import pytest
from click.testing import CliRunner
from oai_server import Item, Provider, dc_items, marc_items
from rdflib import Literal, URIRef
from rdflib.namespace import DCTERMS

from ld.config import Settings
from ld.errors import InputError
from ld.harvest import HarvestResult, harvest, state_file, state_key
from ld.uris import record_graph, record_uri

PAGE = 5


@pytest.fixture
def dc_records(shared_data: Path) -> list[Item]:
    return dc_items(shared_data / "oai-pmh" / "pyoai" / "fake1" / "00005.xml")


@pytest.fixture
def provider(dc_records: list[Item]) -> Iterator[Provider]:
    """16 oai_dc records of 2003 plus one deleted record, five per page."""
    with Provider(page_size=PAGE) as server:
        for item in dc_records:
            server.add(item)
        server.add(Item("hdl:1765/999", datetime(2003, 5, 1), deleted=True))
        yield server


@pytest.fixture
def store(settings: Settings) -> Iterator[object]:
    from ld.store import open_store

    with open_store(settings) as opened:
        yield opened


def _run(provider: Provider, settings: Settings, store: object, **kwargs: object
         ) -> HarvestResult:
    options = {"timeout": 10.0, "jobs": 0, **kwargs}
    return harvest(provider.url, settings=settings, store=store, **options)  # type: ignore[arg-type]


def _title(store: object, settings: Settings, record_id: str) -> set[str]:
    graph = store.graph(record_graph(settings.base_uri, record_id))  # type: ignore[attr-defined]
    assert graph is not None, f"{record_id} is not in the store"
    subject = URIRef(record_uri(settings.base_uri, record_id))
    return {str(o) for o in graph.objects(subject, DCTERMS.title) if isinstance(o, Literal)}


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None, microsecond=0)


def test_pages_deletions_and_an_incremental_run(provider: Provider, settings: Settings,
                                                store: object, dc_records: list[Item]) -> None:
    first = _run(provider, settings, store)
    assert first.complete and first.pages == 4  # 17 headers, 5 per page
    assert [("resumptionToken" in r) for r in provider.received] == [False, True, True, True]
    s = first.summary
    assert (s.read, s.deleted, s.loaded + s.rejected) == (17, 1, 16)
    assert (s.loaded, s.rejected) == (16, 0), s
    assert store.record_count() == s.loaded  # type: ignore[attr-defined]
    assert _title(store, settings, "hdl:1765/315") == {
        "De vrouwenbeweging online. Een onderzoek naar het gebruik van Internet door "
        "vrouwenorganisaties in Nederland ."}
    saved = json.loads(state_file(settings).read_text())["harvests"]
    entry = saved[state_key(provider.url, "oai_dc", None)]
    assert entry["from"] == first.next_from and entry["last_datestamp"] == "2003-05-01T00:00:00Z"

    changed, gone, template = dc_records[5], dc_records[6], dc_records[7]
    assert changed.identifier == "hdl:1765/315" and _title(store, settings, gone.identifier)
    changed.metadata["oai_dc"].getMap()["title"] = ["A corrected title"]
    changed.datestamp = gone.datestamp = _now()
    gone.deleted = True
    new = copy.deepcopy(template)
    new.identifier, new.datestamp = "hdl:1765/1000", _now()
    provider.add(new)
    asked = len(provider.received)

    second = _run(provider, settings, store)
    assert provider.received[asked]["from"] == first.next_from  # incremental: from= the state
    assert (second.summary.read, second.summary.deleted) == (3, 1)
    assert _title(store, settings, "hdl:1765/315") == {"A corrected title"}
    assert not store.has_graph(record_graph(settings.base_uri, gone.identifier))  # type: ignore[attr-defined]
    assert store.has_graph(record_graph(settings.base_uri, "hdl:1765/1000"))  # type: ignore[attr-defined]


def test_nothing_new_is_a_successful_empty_run(provider: Provider, settings: Settings,
                                               store: object) -> None:
    _run(provider, settings, store)
    again = _run(provider, settings, store)
    assert again.from_ is not None and provider.received[-1]["from"] == again.from_
    assert again.complete and again.summary.read == 0 and again.exit_code == 0  # noRecordsMatch


def test_full_ignores_the_state(provider: Provider, settings: Settings, store: object) -> None:
    _run(provider, settings, store)
    again = _run(provider, settings, store, full=True)
    assert "from" not in provider.received[-again.pages]
    assert again.summary.read == 17


def test_marc21_and_a_set(shared_data: Path, settings: Settings, store: object) -> None:
    with Provider(page_size=PAGE) as server:
        for item in marc_items(shared_data / "oai-pmh" / "vufindharvest" / "marc.xml"):
            server.add(item)
        result = harvest(server.url, settings=settings, store=store, metadata_prefix="marc21",
                         set_spec="EOD_BIG", timeout=10, jobs=0)
        assert all(r.get("set", "EOD_BIG") == "EOD_BIG" for r in server.received)
    assert result.complete and result.pages == 3  # 12 records of the set, 5 per page
    assert result.summary.read == 12
    assert result.summary.loaded + result.summary.rejected == 12
    assert store.record_count() == result.summary.loaded  # type: ignore[attr-defined]


def test_marc21_record_fields(shared_data: Path, settings: Settings, store: object) -> None:
    with Provider(page_size=PAGE) as server:
        for item in marc_items(shared_data / "oai-pmh" / "vufindharvest" / "marc.xml", 3):
            server.add(item)
        result = harvest(server.url, settings=settings, store=store, metadata_prefix="marc21",
                         timeout=10, jobs=0)
    assert result.summary.loaded == 3, result.summary
    titles = _title(store, settings, "oai:urm_publish:9925821506101791")
    assert any(t.startswith("Der Soldat") for t in titles)


def test_html_instead_of_oai(provider: Provider, settings: Settings, store: object) -> None:
    provider.script = ["html"]
    result = _run(provider, settings, store)
    assert not result.complete and result.exit_code == 2
    (error,) = result.summary.errors
    assert provider.url in error and "not an OAI-PMH response" in error and "text/html" in error
    assert not state_file(settings).exists()


@pytest.mark.parametrize("retry_after", ["1", "http-date"])
def test_503_retry_after_then_success(provider: Provider, settings: Settings, store: object,
                                      retry_after: str) -> None:
    provider.script = ["503"]
    provider.retry_after = (formatdate(time.time() + 2, usegmt=True)
                            if retry_after == "http-date" else retry_after)
    result = _run(provider, settings, store)
    assert result.complete and result.summary.read == 17
    assert provider.received[0] == provider.received[1]  # the same request again
    assert provider.times[1] - provider.times[0] >= 0.9  # waited as Retry-After said


def test_503_for_ever_gives_up_and_caps_the_wait(provider: Provider, settings: Settings,
                                                 store: object) -> None:
    provider.script = ["503"] * 3
    provider.retry_after = "3600"
    result = _run(provider, settings, store, max_retries=2, max_wait=0.2)
    assert len(provider.received) == 3
    assert provider.times[2] - provider.times[0] < 60  # an hour was asked, 0.2 s allowed
    (error,) = result.summary.errors
    assert "HTTP 503" in error and "after 3 attempts" in error and provider.url in error
    assert result.exit_code == 2


def test_a_server_that_hangs_times_out(provider: Provider, settings: Settings,
                                       store: object) -> None:
    provider.script = ["hang"]
    result = _run(provider, settings, store, timeout=0.5)
    (error,) = result.summary.errors
    assert "no answer within 0.5 s" in error and provider.url in error
    assert result.exit_code == 2 and not result.complete


def test_bad_resumption_token_keeps_the_first_page(provider: Provider, settings: Settings,
                                                   store: object) -> None:
    provider.script = [None, "expire-token"]
    result = _run(provider, settings, store)
    (error,) = result.summary.errors
    assert "badResumptionToken" in error and "resumptionToken=" in error
    assert result.summary.read == PAGE and result.exit_code == 2
    assert store.record_count() == result.summary.loaded  # type: ignore[attr-defined]
    assert not state_file(settings).exists()  # the next run does the whole window again


def test_cannot_disseminate_format(provider: Provider, settings: Settings,
                                   store: object) -> None:
    result = _run(provider, settings, store, metadata_prefix="oai_doaj")
    (error,) = result.summary.errors
    assert "cannotDisseminateFormat" in error and "metadataPrefix=oai_doaj" in error


def test_connection_refused(settings: Settings, store: object) -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    url = f"http://127.0.0.1:{port}/oai"
    result = harvest(url, settings=settings, store=store, timeout=2, jobs=0)
    (error,) = result.summary.errors
    assert error.startswith(url) and "cannot connect" in error


def test_bad_dates_are_refused_before_any_request(provider: Provider, settings: Settings,
                                                  store: object) -> None:
    with pytest.raises(InputError, match="YYYY-MM-DD"):
        _run(provider, settings, store, from_="last tuesday")
    assert provider.received == []


# --- the command line ---------------------------------------------------------

def _cli(*args: str) -> object:
    from ld.cli import main

    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def test_cli_harvest_then_incremental(provider: Provider, tmp_path: Path) -> None:
    store_dir = str(tmp_path / "clistore")
    first = _cli("--store", store_dir, "harvest", provider.url, "--jobs", "0", "--json")
    assert first.exit_code in (0, 1), first.output
    data = json.loads(first.output)
    assert data["complete"] and data["summary"]["read"] == 17
    assert (Path(store_dir) / "harvest-state.json").is_file()
    second = _cli("harvest", provider.url, "--store", store_dir, "--jobs", "0")
    assert second.exit_code == 0, second.output
    assert "from " + data["next_from"] in second.output and "next run from" in second.output


def test_cli_harvest_failure_exit_code(provider: Provider, tmp_path: Path) -> None:
    provider.script = ["html"]
    result = _cli("--store", str(tmp_path / "s"), "harvest", provider.url, "--jobs", "0")
    assert result.exit_code == 2
    assert "not an OAI-PMH response" in result.output and "INCOMPLETE" in result.output


def test_command_module_imports_in_any_order() -> None:
    """ld.cli registers ld.cli_harvest's command; neither import order may break it."""
    for first, then in (("ld.cli_harvest", "ld.cli"), ("ld.cli", "ld.cli_harvest")):
        code = (f"import {first}, {then}, ld.cli_harvest as h, ld.cli as c; "
                "assert h.harvest is c.main.commands['harvest']")
        subprocess.run([sys.executable, "-c", code], check=True, timeout=60)


def test_cli_refuses_a_non_url(tmp_path: Path) -> None:
    result = _cli("--store", str(tmp_path / "s"), "harvest", "catalogue.xml")
    assert result.exit_code == 2 and "http(s) URL" in result.output

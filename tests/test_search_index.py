"""The full-text search index (ld.search_index): built from a real snapshot, queried
with SQLite FTS5, used by the live /search page once ready, and pruned with its snapshot."""

from __future__ import annotations

import re
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest
import requests

from ld import browse, links_index, oslock, search_index, uris
from ld.ingest import ingest_paths
from ld.store import open_store, snapshots
from tests.conftest_web import Site, start_site
from tests.search_helpers import index_of_records
from tests.web_records import generated_records, sample_paths


@pytest.fixture(scope="module")
def indexed(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    """A live site whose search index has been built (waited for, at most 30 s)."""
    site, server = start_site(tmp_path_factory.mktemp("search"), generated_records(),
                              sample_paths())
    reader = site.reader()
    deadline = time.monotonic() + 30
    while not browse.search_ready(reader, site.settings.base_uri):
        assert time.monotonic() < deadline, "the search index was not built within 30 s"
        time.sleep(0.05)
    yield site
    server.shutdown()


def index_of(site: Site) -> Path:
    return search_index.index_path(site.store_dir, snapshots.current(site.store_dir) or "")


@pytest.mark.parametrize(("text", "expected"), [
    ("KINETICS", "test-article"),  # any case
    ("kinet", "test-article"),  # word prefix
    ("tea kinetics", "test-article"),  # any word order
    ("jones", "test-article"),  # author name
    ("Smith kinetics", "test-article"),  # title and name words together
    ("volume 7", "test-many-007"),
    ("odd identifier", "test/odd key é"),
])
def test_index_finds_titles_and_names(indexed: Site, text: str, expected: str) -> None:
    found = [r for r, _ in search_index.search(index_of(indexed), text, 50)]
    assert uris.thing_uri(indexed.settings.base_uri, "record", expected) in found


def test_titles_rank_above_names(indexed: Site) -> None:
    """'Prolific' is only a name; 'volume' only titles; 'works volume 12' picks one title."""
    best = search_index.search(index_of(indexed), "works volume 12", 5)
    assert best[0][1] == "Collected works, volume 12"


@pytest.mark.parametrize("text", ["", "   ", "***", '"', "NEAR(", "title:", "a OR", "-"])
def test_query_syntax_is_never_interpreted(indexed: Site, text: str) -> None:
    assert isinstance(search_index.search(index_of(indexed), text, 5), list)


def test_diacritics_are_folded() -> None:
    assert search_index.match_expression("Jürgen  MÜLLER-Lüdenscheidt") == \
        '"jürgen"* "müller"* "lüdenscheidt"*'


def test_search_page_uses_the_index(indexed: Site) -> None:
    """'tea kinet' is no substring of any title: only the index can find it."""
    r = requests.get(indexed.url + "/search", params={"q": "tea kinet"}, timeout=10,
                     headers={"Accept": "text/html"})
    assert r.status_code == 200 and "Kinetics of tea" in r.text


def test_build_is_atomic_and_counts_records(tmp_path: Path, indexed: Site) -> None:
    snapshot = snapshots.snapshots_dir(indexed.store_dir) / snapshots.current(indexed.store_dir)
    path = tmp_path / "search" / "x.sqlite"
    store = ox.Store.read_only(str(snapshot))
    count = search_index.build(store, indexed.settings.base_uri, path)
    assert count == len(list(store.named_graphs()))  # one graph per record, each titled
    assert path.exists() and not list(path.parent.glob(".tmp-*"))


def test_a_held_lock_means_someone_else_builds(tmp_path: Path) -> None:
    lock = tmp_path / "search" / search_index.BUILD_LOCK
    held = oslock.acquire(lock)
    assert held is not None
    assert oslock.acquire(lock) is None  # held (by another descriptor: as another process)
    oslock.release(held)
    again = oslock.acquire(lock)
    assert again is not None
    oslock.release(again)


def test_the_lock_of_a_killed_builder_is_free_at_once(tmp_path: Path) -> None:
    """The builder's lock goes with its process, even after SIGKILL: nothing stale is left."""
    lock = tmp_path / "search" / search_index.BUILD_LOCK
    holder = subprocess.Popen(
        [sys.executable, "-c", "import sys, time; from pathlib import Path; from ld import oslock;"
         " assert oslock.acquire(Path(sys.argv[1])) is not None; print('held', flush=True);"
         " time.sleep(60)", str(lock)], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "held"
        assert oslock.acquire(lock) is None
    finally:
        holder.kill()
        holder.wait()
    held = oslock.acquire(lock)
    assert held is not None
    oslock.release(held)


def test_one_build_at_a_time_for_the_whole_store(settings, monkeypatch) -> None:
    """Regression: each new snapshot started its own build, so during a long load
    (a snapshot a minute, builds of minutes at a million records) builders piled up."""
    monkeypatch.setattr(search_index, "LOOK_AGAIN", 0.0)  # ask again at once when it is free
    with open_store(settings) as store:
        ingest_paths(sample_paths(), settings=settings, store=store, jobs=0)
        snapshot = store.publish()
    root, base = Path(settings.store), settings.base_uri
    held = oslock.acquire(root / "search" / search_index.BUILD_LOCK)
    assert held is not None  # a live builder (here: another descriptor), of another snapshot
    assert search_index.ready(root, snapshot, base) is None
    _wait(lambda: str(search_index.index_path(root, snapshot)) not in search_index._building)
    assert not search_index.index_path(root, snapshot).exists()  # it did not build
    oslock.release(held)
    index = str(search_index.index_path(root, snapshot))  # built first, then the links table:
    _wait(lambda: search_index.ready(root, snapshot, base) is not None  # wait for both
          and index not in search_index._building)
    assert links_index.links_path(root, snapshot).exists()


def test_while_another_process_builds_requests_do_not_each_start_a_thread(settings,
                                                                         monkeypatch) -> None:
    """Regression: every search during another process's build (minutes at a million
    records) started a thread that found the lock taken."""
    with open_store(settings) as store:
        ingest_paths(sample_paths(), settings=settings, store=store, jobs=0)
        snapshot = store.publish()
    root, base = Path(settings.store), settings.base_uri
    held = oslock.acquire(root / "search" / search_index.BUILD_LOCK)
    assert held is not None  # a live builder (here: another descriptor)
    tries: list[Path] = []
    take = oslock.acquire
    monkeypatch.setattr(search_index.oslock, "acquire",
                        lambda path: tries.append(path) or take(path))
    index = str(search_index.index_path(root, snapshot))
    for _ in range(10):
        assert search_index.ready(root, snapshot, base) is None
        _wait(lambda: index not in search_index._building)
    assert len(tries) == 1  # asked once, then not again for LOOK_AGAIN seconds
    oslock.release(held)


def _wait(condition, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "not within the time allowed"
        time.sleep(0.05)


@pytest.mark.parametrize("path_of", [search_index.index_path, links_index.links_path])
def test_indexes_of_removed_snapshots_are_pruned(tmp_path: Path, path_of) -> None:
    (snapshots.snapshots_dir(tmp_path) / "keep").mkdir(parents=True)
    (tmp_path / "search").mkdir()
    for name in ("keep", "gone"):
        path_of(tmp_path, name).write_bytes(b"")
    assert search_index.prune(tmp_path) == [path_of(tmp_path, "gone").name]
    assert path_of(tmp_path, "keep").exists()


def test_unwritable_search_folder_means_scanning_not_failing(tmp_path: Path, caplog) -> None:
    """A serving user without write access to <store>/search keeps the scan, with a warning."""
    site, server = start_site(tmp_path, generated_records()[:3], [])
    try:
        (site.store_dir / "search").write_text("not a folder")  # mkdir there fails
        reader = site.reader()
        with caplog.at_level("WARNING", logger="ldpub.search"):
            assert not browse.search_ready(reader, site.settings.base_uri)
            deadline = time.monotonic() + 10
            while not caplog.records and time.monotonic() < deadline:
                time.sleep(0.02)
        assert "cannot build the search index" in caplog.text
        caplog.clear()
        assert not browse.search_ready(reader, site.settings.base_uri)  # not retried at once
        time.sleep(0.2)
        assert not caplog.records
        found = browse.search(reader, site.settings.base_uri, "kinetics")
        assert [r.label for r in found] == ["Kinetics of tea {brewing}"]
    finally:
        server.shutdown()


def test_search_pages_with_a_total(indexed: Site) -> None:
    """120 'Collected works' titles: 50 per page, a total, links that keep the query."""
    def page(n: int) -> str:
        r = requests.get(indexed.url + "/search", params={"q": "collected works", "page": n},
                         headers={"Accept": "text/html"}, timeout=10)
        assert r.status_code == 200
        return r.text

    first, last = page(1), page(3)
    assert "120 results" in first and "1–50" in first and "Page 1 of 3" in first
    assert 'href="?q=collected%20works&amp;page=2"' in first and 'rel="prev"' not in first
    assert "101–120" in last and 'rel="next"' not in last
    link = re.compile(r">(Collected works, volume \d+)</a>")
    titles = [t for n in (1, 2, 3) for t in link.findall(page(n))]
    assert len(titles) == len(set(titles)) == 120  # every record once across the pages


def test_scan_pages_without_a_total(indexed: Site) -> None:
    """Before the index exists (or on a remote store) the scan pages by LIMIT/OFFSET."""
    reader = indexed.reader()
    base = indexed.settings.base_uri
    pages = [browse._scan(reader, base, "collected works", 51, offset) for offset in (0, 50, 100)]
    assert [len(p) for p in pages] == [51, 51, 20]


@pytest.mark.parametrize(("kind", "key"), [
    ("person", "prolific-pat"),  # 120 records: three pages
    ("person", "smith-ann"),
    ("journal", "0028-0836"),
    ("subject", "mesh-tea"),
])
def test_links_table_lists_what_the_sparql_listing_lists(indexed: Site, kind: str,
                                                         key: str) -> None:
    """A thing page's listing from the links table is the SPARQL listing, page for page."""
    from ld import listing

    base, reader = indexed.settings.base_uri, indexed.reader()
    deadline = time.monotonic() + 30
    while (table := search_index.links_for_store(reader, base)) is None:
        assert time.monotonic() < deadline, "the links table was not built within 30 s"
        time.sleep(0.05)
    thing = uris.thing_uri(base, kind, key)
    for page in (1, 2, 3):
        expected = listing.sparql_listing(reader, base, thing, page, 50)
        assert expected.total > 0, f"no records point to {thing}"
        assert links_index.page(table, thing, 50, (page - 1) * 50) == (expected.items,
                                                                        expected.total)
        assert listing.records_pointing_to(reader, base, thing, page, 50) == expected


WORDS_BASE = "http://example.org/"
WORDS = {  # record id -> (title, alternative titles, author names), as the tester found them
    "hasenfuss": ("Herzinsuffizienz", [], ["Hasenfuß, Gerd"]),
    "strasse": ("Die Straße der Ölsardinen", [], ["Łysiak, Waldemar"]),
    "cpp": ("The C++ programming language", [], ["Stroustrup, Bjarne"]),
    "cats": ("Cats and cities", [], ["Carter, Cecil"]),
    "shingon": ("Jūhachidō shidai shigyōshō", ["十八道次第資行鈔"], ["Kakuzen"]),
    "kurs": ("Kurs russkogo i︠a︡zyka", ["Курс русского языка"], []),
    "kurs-author": ("Grammatika", [], ["Курс, Иван"]),
    "qi": ("Quality improvement in primary care", [], ["Novak, Jana"]),
    "iq": ("Improvement of service quality", [], ["Novak, Jana"]),
}


@pytest.fixture(scope="module")
def words(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The real index of a real store holding :data:`WORDS`."""
    return index_of_records(tmp_path_factory.mktemp("words"), WORDS_BASE, WORDS)


def found(index: Path, text: str) -> list[str]:
    """The record ids a search finds, best first."""
    return [iri.rsplit("/", 1)[1] for iri, _ in search_index.search(index, text, 50)]


@pytest.mark.parametrize(("text", "expected"), [
    ("Hasenfuß", ["hasenfuss"]), ("hasenfuss", ["hasenfuss"]), ("Hasenfus", ["hasenfuss"]),
    ("Straße", ["strasse"]), ("strasse", ["strasse"]),
    ("Lysiak", ["strasse"]), ("Łysiak", ["strasse"]), ("olsardinen", ["strasse"]),
])
def test_letters_fts5_does_not_fold_are_spelled_out(words: Path, text: str,
                                                    expected: list[str]) -> None:
    """D11a: "Hasenfuß" found itself only; "hasenfuss" and "Straße" found nothing."""
    assert found(words, text) == expected


def test_a_one_letter_word_matches_only_that_word(words: Path) -> None:
    """D11b: "C++" (the word "c") matched every word starting with c (1,281 records)."""
    assert found(words, "C++") == ["cpp"]
    assert found(words, "cit") == ["cats"]  # longer words are still prefixes


def test_alternative_titles_are_indexed_as_titles(words: Path) -> None:
    """D11c: alternative-script titles (MARC 880, dcterms:alternative) were not indexed.
    They rank as titles: above a record where the word is an author's name."""
    assert found(words, "十八道") == ["shingon"]
    assert found(words, "Курс") == ["kurs", "kurs-author"]
    assert search_index.search(words, "Курс", 1)[0][1] == "Kurs russkogo i︠a︡zyka"


def test_a_blank_query_shows_the_form_with_a_prompt(indexed: Site) -> None:
    """D11d: /search?q=%20%20 said '0 results for “  ”'."""
    r = requests.get(indexed.url + "/search?q=%20%20", headers={"Accept": "text/html"},
                     timeout=10)
    assert r.status_code == 200 and 'name="q"' in r.text
    assert "result" not in r.text and "Type words from titles" in r.text


def test_quoted_words_are_a_phrase(words: Path) -> None:
    """D11e: a quoted phrase was read as loose words, in any order."""
    assert sorted(found(words, "quality improvement")) == ["iq", "qi"]
    assert found(words, '"quality improvement"') == ["qi"]
    assert found(words, "“improvement quality”") == []


def test_the_scan_reads_a_quoted_phrase_as_its_words(indexed: Site) -> None:
    """Regression: the index reads "quoted words" as a phrase, and the scan (used before
    the index exists) searched for the quote characters themselves, finding nothing."""
    reader, base = indexed.reader(), indexed.settings.base_uri
    assert browse._scan(reader, base, '"collected works"', 5)

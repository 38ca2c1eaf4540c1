"""A cataloguer's findings (explore10/catalog, fixes 11), one regression test or more each.

1. The language a source states for an abstract was dropped: PubMed's
   ``<OtherAbstract Language="rus">``, JATS ``abstract/@xml:lang`` and
   ``<trans-abstract>``, an OAI ``dc:description xml:lang``. Now the literal carries its
   BCP 47 tag (ISO 639-1 where there is one), and a text whose source states no
   language (PubMed's main Abstract) stays a plain literal. Checked through the
   shapes (both engines alike), the JSON-LD document and the record page (lang=...).
2. MARC 264 with second indicator 4 (a copyright date, "$c ©2018") was dropped; now
   dcterms:dateCopyrighted, the year as xsd:gYear.
"""

from __future__ import annotations

import dataclasses
import json
import re
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
import requests
from rdflib import Graph, Literal, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import DCTERMS

from ld.mapping import map_record
from ld.mapping_languages import language_tag
from ld.model import Record, Source, Text, language_of
from ld.readers import read_path
from ld.validation import Validator
from tests.conftest_web import Site, start_site
from tests.test_readers_marc_more import field, mapped, marc_file

BASE = "http://example.org/"
WHEN = datetime(2024, 5, 6, tzinfo=UTC)
PUBMED_RU = "pubmed/metapub-efetch/39731248.xml"  # an English Abstract, a Russian OtherAbstract
JATS = "pubmed/pmc-jats/pone.0000217.nxml"  # no xml:lang anywhere
GYEAR = URIRef("http://www.w3.org/2001/XMLSchema#gYear")
TRANSLATION = "Resumen: un texto en español, bastante largo para no ser corto."


def _records(path: Path) -> list[Record]:
    return [r for r in read_path(str(path)) if isinstance(r, Record)]


def _abstracts(record: Record) -> Graph:
    """The dcterms:abstract triples of the record's mapped graph."""
    graph = Graph()
    for s, o in map_record(record, BASE, modified=WHEN).subject_objects(DCTERMS.abstract):
        graph.add((s, DCTERMS.abstract, o))
    return graph


def _expected(record_id: str, *literals: Literal) -> Graph:
    graph, s = Graph(), URIRef(f"{BASE}id/record/{record_id}")
    for literal in literals:
        graph.add((s, DCTERMS.abstract, literal))
    return graph


# --- 1: the language a source states for an abstract ------------------------------


@pytest.mark.parametrize(("code", "tag"), [
    ("rus", "ru"), ("chi", "zh"), ("ger", "de"), ("spa", "es"), ("eng", "en"), ("en", "en"),
    ("fre", "fr"), ("haw", "haw"), ("en-GB", "en-GB"), ("eng-GB", "en-GB"), ("Rus", "ru"),
    ("zz", None), ("qaa", None), ("und", None), ("mul", None), ("zxx", None), ("", None)])
def test_language_tag(code: str, tag: str | None) -> None:
    """ISO 639-1 where the language has a code there, else its three-letter code; no tag
    for a code pycountry does not know or one naming no language."""
    assert language_tag(code) == tag


def test_pubmed_other_abstract_is_tagged(shared_data: Path) -> None:
    """pmid-39731248: the Russian OtherAbstract is @ru; the Abstract, whose language
    PubMed does not state (the article's <Language> is rus), stays untagged."""
    [record] = _records(shared_data / PUBMED_RU)
    english, russian = record.abstracts
    assert russian.startswith("Перипапиллярный") and english.startswith("Peripapillary")
    assert isomorphic(_abstracts(record), _expected(
        "pmid-39731248", Literal(str(english)), Literal(str(russian), lang="ru")))


def test_pubmed_languages_only_where_stated(shared_data: Path) -> None:
    """Every PubMed file of ../shared: an <Abstract> is never tagged; an OtherAbstract
    is, with the tag of its Language (rus, spa, chi, ger; 40079719 has only a German one)."""
    main, seen = set(), set()
    for path in sorted((shared_data / "pubmed/metapub-efetch").glob("*.xml")):
        for record in _records(path):
            languages = {str(o): o.language for o in _abstracts(record).objects()}
            main.update(languages[a] for a in record.abstracts if not language_of(a))
            seen.update(languages.values())
    assert main == {None}
    assert seen == {None, "ru", "es", "zh", "de"}


def test_untagged_texts_map_as_before(shared_data: Path) -> None:
    """A record whose abstracts state no language maps to the very graph plain strings
    give (the readers that yield plain strings are unchanged)."""
    for record in _records(shared_data / JATS) + _records(shared_data / PUBMED_RU):
        plain = dataclasses.replace(record, abstracts=[
            a if getattr(a, "language", None) else str(a) for a in record.abstracts])
        assert isomorphic(map_record(plain, BASE, modified=WHEN),
                          map_record(record, BASE, modified=WHEN))
    [jats] = _records(shared_data / JATS)
    assert {o.language for o in _abstracts(jats).objects()} == {None}


def _jats_with_languages(shared_data: Path, tmp_path: Path, article_lang: str = "") -> Path:
    """The PLOS article with an xml:lang on its abstract (or on the article) and a
    Spanish <trans-abstract> after it."""
    text = (shared_data / JATS).read_text(encoding="utf-8")
    if article_lang:
        text = text.replace("<article ", f'<article xml:lang="{article_lang}" ', 1)
    else:
        text = text.replace("<abstract>", '<abstract xml:lang="en-US">', 1)
    text = text.replace("</abstract>", "</abstract><trans-abstract xml:lang=\"es\">"
                        f"<p>{TRANSLATION}</p></trans-abstract>", 1)
    path = tmp_path / "lang.nxml"
    path.write_text(text, encoding="utf-8")
    return path


def test_jats_abstract_languages(shared_data: Path, tmp_path: Path) -> None:
    [plain] = _records(shared_data / JATS)
    [record] = _records(_jats_with_languages(shared_data, tmp_path))
    assert isomorphic(_abstracts(record), _expected(
        plain.id, Literal(str(plain.abstracts[0]), lang="en-US"),
        Literal(TRANSLATION, lang="es")))


def test_jats_abstract_takes_the_articles_language(shared_data: Path, tmp_path: Path) -> None:
    """xml:lang holds for all the element contains: the article's language is its
    abstract's unless the abstract says otherwise."""
    [plain] = _records(shared_data / JATS)
    [record] = _records(_jats_with_languages(shared_data, tmp_path, article_lang="fr"))
    assert isomorphic(_abstracts(record), _expected(
        plain.id, Literal(str(plain.abstracts[0]), lang="fr"),
        Literal(TRANSLATION, lang="es")))


def test_jats_no_language_is_guessed(shared_data: Path, tmp_path: Path) -> None:
    """A <trans-abstract> without an xml:lang of its own is no translation into the
    article's language: untagged; xml:lang="" says the language is unknown: untagged."""
    text = (shared_data / JATS).read_text(encoding="utf-8")
    text = text.replace("<article ", '<article xml:lang="fr" ', 1).replace(
        "<abstract>", '<abstract xml:lang="">', 1).replace(
        "</abstract>", f"</abstract><trans-abstract><p>{TRANSLATION}</p></trans-abstract>", 1)
    (tmp_path / "a.nxml").write_text(text, encoding="utf-8")
    [record] = _records(tmp_path / "a.nxml")
    assert [o.language for o in _abstracts(record).objects()] == [None, None]


def test_oai_dc_description_language(shared_data: Path) -> None:
    """sickle's ListRecords: <dc:description xml:lang="eng"> is @en (a three-letter code
    in xml:lang is read as the language it names)."""
    record = _records(shared_data / "oai-pmh/sickle/ListRecords.xml")[0]
    assert [o.language for o in _abstracts(record).objects()] == ["en"]


def test_an_unknown_stated_language_gives_no_tag() -> None:
    record = Record(id="r1", source=Source("t", "1", "test"), title="A title",
                    abstracts=[Text("Ein Text ohne bekannte Sprache.", "xx-YY")])
    assert isomorphic(_abstracts(record), _expected(
        "r1", Literal("Ein Text ohne bekannte Sprache.")))


@pytest.fixture(scope="module")
def validators() -> tuple[Validator, Validator]:
    return Validator(engine="fast"), Validator(engine="pyshacl")


def test_tagged_abstracts_pass_both_engines(validators: tuple[Validator, Validator],
                                            shared_data: Path, tmp_path: Path) -> None:
    """The shapes take rdf:langString abstracts (none demands xsd:string), and the
    compiled engine says what pySHACL says, down to a short tagged abstract's warning."""
    [pubmed] = _records(shared_data / PUBMED_RU)
    [jats] = _records(_jats_with_languages(shared_data, tmp_path))
    short = dataclasses.replace(jats, id="short", abstracts=[Text("Kurz.", "ger")])
    batch = [(r.id, map_record(r, BASE, modified=WHEN)) for r in (pubmed, jats, short)]
    fast, reference = (v.validate(batch) for v in validators)
    assert [r.to_json() for r in fast] == [r.to_json() for r in reference]
    assert all(r.conforms for r in fast)
    assert [r.path for r in fast[2].warnings if "abstract" in r.path] == [str(DCTERMS.abstract)]


# --- 2: MARC 264 _4, the copyright date -----------------------------------------------


def _copyrighted(graph: Graph, control: str) -> set[Literal]:
    return set(graph.objects(URIRef(f"{BASE}id/record/{control}"), DCTERMS.dateCopyrighted))


def test_marc_264_4_is_date_copyrighted(tmp_path: Path) -> None:
    """264 _1 $c [2019] stays dcterms:issued; 264 _4 $c ©2018 is dcterms:dateCopyrighted
    2018 (an xsd:gYear: the sign and brackets are no part of the year)."""
    path = marc_file(
        tmp_path, field("245", "00", ("a", "Un livre")),
        field("264", " 1", ("a", "Paris :"), ("b", "Gallimard,"), ("c", "[2019]")),
        field("264", " 4", ("c", "©2018")),
        f008="190101s2019    fr            000 0 fre d", control="c1")
    record, graph = mapped(path)
    s = URIRef(f"{BASE}id/record/c1")
    assert record.copyrighted == ["©2018"]
    assert _copyrighted(graph, "c1") == {Literal("2018", datatype=GYEAR)}
    assert set(graph.objects(s, DCTERMS.issued)) == {Literal("2019", datatype=GYEAR)}


@pytest.mark.parametrize("written", ["c2018", "[©2018]", "℗2018", "p2018.", "©２０１８"])
def test_marc_copyright_year_as_written(tmp_path: Path, written: str) -> None:
    path = marc_file(tmp_path, field("245", "00", ("a", "A title")),
                     field("264", " 1", ("c", "2019")), field("264", " 4", ("c", written)),
                     control="c2")
    assert _copyrighted(mapped(path)[1], "c2") == {Literal("2018", datatype=GYEAR)}


def test_marc_copyright_only_from_264_4(tmp_path: Path) -> None:
    """A 260 $c "c1999" or a 264 _1 is no copyright statement; a 264 _4 without a year
    gives none."""
    path = marc_file(tmp_path, field("245", "00", ("a", "A title")),
                     field("260", "  ", ("c", "c1999.")), field("264", " 4", ("c", "©19--")),
                     control="c3")
    assert _copyrighted(mapped(path)[1], "c3") == set()


def test_date_copyrighted_passes_both_engines(validators: tuple[Validator, Validator],
                                              tmp_path: Path) -> None:
    path = marc_file(tmp_path, field("245", "00", ("a", "A title")),
                     field("264", " 4", ("c", "©2018")), control="c4")
    batch = [("c4", mapped(path)[1])]
    fast, reference = (v.validate(batch) for v in validators)
    assert [r.to_json() for r in fast] == [r.to_json() for r in reference]
    assert fast[0].conforms


# --- 1, published: the JSON-LD document and the record page ------------------------


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory, shared_data: Path) -> Iterator[Site]:
    the_site, server = start_site(tmp_path_factory.mktemp("langs"), [],
                                  [str(shared_data / PUBMED_RU)])
    yield the_site
    server.shutdown()


def _record_graph(site: Site, suffix: str, fmt: str) -> Graph:
    r = requests.get(f"{site.url}/doc/record/pmid-39731248.{suffix}", timeout=30)
    assert r.status_code == 200, r.text[:300]
    if fmt != "json-ld":
        return Graph().parse(data=r.text, format=fmt)
    doc = r.json()
    doc["@context"] = requests.get(doc["@context"], timeout=30).json()["@context"]
    return Graph().parse(data=json.dumps(doc), format="json-ld")


def test_jsonld_keeps_the_language(site: Site) -> None:
    """The JSON-LD document gives the Russian abstract as {"@value", "@language": "ru"}
    and parses back to the very graph the Turtle document holds."""
    jsonld = _record_graph(site, "jsonld", "json-ld")
    assert isomorphic(jsonld, _record_graph(site, "ttl", "turtle"))
    languages = {o.language for o in jsonld.objects(None, DCTERMS.abstract)}
    assert languages == {None, "ru"}


def test_page_marks_the_abstracts_language(site: Site) -> None:
    """The Russian abstract's paragraph says lang="ru" (screen readers speak it as
    Russian); the English one, whose language PubMed does not state, has none."""
    page = requests.get(f"{site.url}/doc/record/pmid-39731248",
                        headers={"Accept": "text/html"}, timeout=30).text
    paragraphs = re.findall(r'<p class="abstract"([^>]*)>(.{0,20})', page)
    assert [(attrs, text[:5]) for attrs, text in paragraphs] == [
        (' dir="auto"', "Perip"), (' dir="auto" lang="ru"', "Перип")]

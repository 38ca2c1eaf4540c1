"""Language values as sources write them (explore12 pubmed H1, H2).

H1: "N/A" was the Na language, "en;fr" the En language and "en, de" Ende, and
"English; French" kept only English. H2: a record whose dc:language named no
language we read (a BCP 47 tag with a script, DSpace's Java locale "iw", a name
in the language itself) was rejected whole; such a value is now set apart as
ldpub:invalidLanguage with a warning, and the record published.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS

from ld.ingest import ingest_paths
from ld.mapping import map_record
from ld.model import Agent, Record, Source
from ld.namespaces import ISO639_2, LDPUB, LDSH
from ld.readers import read_path
from ld.store import open_store
from ld.uris import record_graph, record_uri
from ld.validation import Validator

BASE = "http://example.org/"
WHEN = datetime(2026, 11, 27, tzinfo=UTC)
THING = URIRef(f"{BASE}id/record/l1")


def _mapped(*languages: str) -> Graph:
    record = Record(id="l1", source=Source("mem", "record 1", "test"), title="A title",
                    languages=list(languages),
                    creators=[Agent("Doe, Jane")], issued="2020")
    return map_record(record, BASE, modified=WHEN)


def _said(graph: Graph) -> set[tuple[URIRef, URIRef | Literal]]:
    """The record's languages and the language values it sets apart."""
    return {(p, o) for p in (DCTERMS.language, LDPUB.invalidLanguage)
            for o in graph.objects(THING, p)}


@pytest.mark.parametrize(("values", "codes"), [
    (["N/A", "n/a", "--", "None", "N/A; --"], set()),
    (["en;fr"], {"eng", "fre"}),
    (["fr;en"], {"eng", "fre"}),
    (["en, de"], {"eng", "ger"}),
    (["English; French"], {"eng", "fre"}),
    (["eng; fre", "English, French"], {"eng", "fre"}),
    (["English and German", "en/de"], {"eng", "ger"}),
    # one ISO name with a comma or a semicolon stays one language
    (["French, Old (ca. 842-1300)"], {"fro"}),
    (["Spanish; Castilian", "Dutch; Flemish"], {"spa", "dut"}),
    # ISO 639-2's codes for what has no language or several keep their meaning
    (["und", "zxx", "mul"], {"und", "zxx", "mul"}),
])
def test_a_value_gives_each_language_it_names(values: list[str], codes: set[str]) -> None:
    assert _said(_mapped(*values)) == {(DCTERMS.language, ISO639_2[c]) for c in codes}


@pytest.mark.parametrize(("value", "code"), [
    ("zh-Hans", "chi"), ("sr-Latn", "srp"), ("sr-Latn-RS", "srp"), ("en-GB-oxendict", "eng"),
    ("iw", "heb"), ("in", "ind"), ("ji", "yid"), ("iw_IL", "heb"), ("in_ID", "ind"),
])
def test_a_bcp47_tag_or_a_deprecated_code_gives_its_language(value: str, code: str) -> None:
    assert _said(_mapped(value)) == {(DCTERMS.language, ISO639_2[code])}


def test_an_unreadable_language_is_set_apart_with_a_warning() -> None:
    """Both engines: the record conforms, with one warning per value set apart."""
    graph = _mapped("Deutsch, Französisch", "English; Klingonese", "qaa")
    unread = ("Deutsch, Französisch", "Klingonese", "qaa")  # no part reads: kept whole
    assert _said(graph) == {(DCTERMS.language, ISO639_2.eng),
                            *((LDPUB.invalidLanguage, Literal(v)) for v in unread)}
    for engine in ("fast", "pyshacl"):
        (report,) = Validator(engine=engine).validate([("l1", graph)])
        assert report.conforms, (engine, report.to_json())
        assert {(r.shape, r.severity, r.value) for r in report.results} == {
            (str(LDSH.LanguageInvalid), "Warning", v) for v in unread}


def test_iso_alternative_names_are_needed_and_give_their_code() -> None:
    """Each other name ISO 639-2 gives a language ("Castilian") reads as it, and no rule
    without the table would ("Spanish; Castilian" is one language, not one and a fault)."""
    from ld.mapping_languages import ISO_ALTERNATIVES, _by_name, _index

    names = [(code, name) for code, names in ISO_ALTERNATIVES.items()
             for name in names.split("; ")]
    assert [(c, n) for c, n in names if _by_name(n) != c] == []
    tiers = _index()
    table, tiers["alternative"] = tiers["alternative"], {}
    try:
        assert [(c, n) for c, n in names if _by_name(n) == c] == []
    finally:
        tiers["alternative"] = table


OAI = """<?xml version="1.0" encoding="UTF-8"?>
<OAI-PMH xmlns="http://www.openarchives.org/OAI/2.0/">
<responseDate>2026-11-27T12:00:00Z</responseDate>
<request verb="ListRecords" metadataPrefix="oai_dc">http://repo.example.org/oai</request>
<ListRecords><record><header><identifier>oai:repo:1</identifier>
<datestamp>2026-01-01</datestamp></header><metadata>
<oai_dc:dc xmlns:oai_dc="http://www.openarchives.org/OAI/2.0/oai_dc/"
 xmlns:dc="http://purl.org/dc/elements/1.1/">
<dc:title>Stored despite its languages</dc:title><dc:creator>Doe, Jane</dc:creator>
<dc:date>2020</dc:date><dc:language>zh-Hans</dc:language><dc:language>Deutsch</dc:language>
</oai_dc:dc></metadata></record></ListRecords></OAI-PMH>
"""


def test_an_oai_record_is_stored_with_its_language_set_apart(tmp_path: Path) -> None:
    from ld.config import load_settings

    path = tmp_path / "page.xml"
    path.write_text(OAI, encoding="utf-8")
    settings = load_settings(env={}, store=str(tmp_path / "store"))
    assert [r.languages for r in read_path(str(path))] == [["zh-Hans", "Deutsch"]]
    with open_store(settings) as store:
        summary = ingest_paths([str(path)], settings=settings, store=store, jobs=0)
        assert (summary.loaded, summary.rejected) == (1, 0)
        graph = store.graph(record_graph(settings.base_uri, "oai:repo:1"))
    thing = URIRef(record_uri(settings.base_uri, "oai:repo:1"))
    assert set(graph.objects(thing, DCTERMS.language)) == {ISO639_2.chi}
    assert set(graph.objects(thing, LDPUB.invalidLanguage)) == {Literal("Deutsch")}

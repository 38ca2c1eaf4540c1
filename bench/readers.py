"""Reader benchmark: MARC 21 binary, MARCXML and PubMed XML readers on their own.

    python bench/readers.py [N] [--workdir DIR] [--profile K] [--only marc,marcxml,pubmed]

1. generates N MARC records and N PubMed articles into DIR (not timed), from
   the shapes of the real files in ../shared/data: every LoC "Books All"
   record and every efetch PubmedArticle there is a template, cycled, with a
   fresh control number / PMID and a varied title, so ids are unique and
   sizes and field mixes are the real ones. PubMed templates drop their
   <ReferenceList> so an article is about the size of one in the annual
   baseline files (several KB, not the 30 KB of a reference-heavy efetch);
2. times each reader alone over its file (records/s, MB/s), reading from
   the page cache (one untimed warm-up read of the file first); records/s
   is given by wall clock and by this process's CPU time, because on a
   shared 2-core machine other work steals wall time;
3. with ``--profile K``: runs the reader again under cProfile and prints the
   K functions with the most own time, to show where the time goes.

Prints a Markdown table for docs/benchmarks.md ("Readers (MARC, PubMed)").
"""

from __future__ import annotations

import argparse
import cProfile
import io
import pstats
import re
import sys
import tempfile
import time
import warnings
from collections.abc import Callable, Iterator
from pathlib import Path

import pymarc

from ld.model import Record
from ld.readers import marc, marcxml, pubmed

SHARED = Path(__file__).resolve().parents[1].parent / "shared" / "data"
LOC_SAMPLE = SHARED / "marc" / "loc-booksall-2016" / "booksall_2016_part01_sample.mrc"
PUBMED_DIR = SHARED / "pubmed" / "metapub-efetch"
WORDS = ["revisited", "new edition", "a survey", "volume two", "in practice", "selected papers"]


def marc_templates() -> list[pymarc.Record]:
    with LOC_SAMPLE.open("rb") as handle, warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return [r for r in pymarc.MARCReader(handle, hide_utf8_warnings=True) if r]


def varied_marc(templates: list[pymarc.Record], n: int) -> Iterator[pymarc.Record]:
    for i in range(n):
        record = templates[i % len(templates)]
        record.remove_fields("001")
        record.add_ordered_field(pymarc.Field(tag="001", data=f"bench{i:08d}"))
        title = record.get("245")
        if title is not None and title.get("a"):
            base = title["a"].split(" [", 1)[0]
            title["a"] = f"{base} [{WORDS[i % len(WORDS)]} {i}]"
        yield record


def write_marc(path: Path, xml_path: Path, n: int) -> None:
    templates = marc_templates()
    with path.open("wb") as out, xml_path.open("wb") as xml_out:
        xml_out.write(b'<?xml version="1.0" encoding="UTF-8"?>\n'
                      b'<collection xmlns="http://www.loc.gov/MARC21/slim">\n')
        for record in varied_marc(templates, n):
            out.write(record.as_marc())
            xml_out.write(pymarc.record_to_xml(record, namespace=False) + b"\n")
        xml_out.write(b"</collection>\n")


_ARTICLE = re.compile(rb"<PubmedArticle>.*?</PubmedArticle>", re.S)
_REFERENCES = re.compile(rb"<ReferenceList>.*?</ReferenceList>", re.S)
_PMID = re.compile(rb'<PMID Version="1">\d+</PMID>')
_PUBMED_ID = re.compile(rb'<ArticleId IdType="pubmed">\d+</ArticleId>')
_TITLE = re.compile(rb"</ArticleTitle>")


def pubmed_templates() -> list[bytes]:
    articles = []
    for path in sorted(PUBMED_DIR.glob("*.xml")):
        for article in _ARTICLE.findall(path.read_bytes()):
            articles.append(_REFERENCES.sub(b"", article))
    return articles


def write_pubmed(path: Path, n: int) -> None:
    templates = pubmed_templates()
    with path.open("wb") as out:
        out.write(b'<?xml version="1.0" ?>\n<!DOCTYPE PubmedArticleSet PUBLIC "-//NLM//DTD '
                  b'PubMedArticle, 1st January 2025//EN" "https://dtd.nlm.nih.gov/ncbi/pubmed/'
                  b'out/pubmed_250101.dtd">\n<PubmedArticleSet>\n')
        for i in range(n):
            pmid = 50_000_000 + i
            article = _PMID.sub(f'<PMID Version="1">{pmid}</PMID>'.encode(),
                                templates[i % len(templates)], count=1)
            article = _PUBMED_ID.sub(f'<ArticleId IdType="pubmed">{pmid}</ArticleId>'.encode(),
                                     article, count=1)
            article = _TITLE.sub(f" ({WORDS[i % len(WORDS)]} {i})</ArticleTitle>".encode(),
                                 article, count=1)
            out.write(article + b"\n")
        out.write(b"</PubmedArticleSet>\n")


def run(reader: Callable[[io.BufferedReader, str], Iterator[object]], path: Path) -> dict:
    path.read_bytes()  # warm the page cache so the disk is not what we measure
    start, cpu = time.perf_counter(), time.process_time()
    records = errors = 0
    with path.open("rb") as handle:
        for item in reader(handle, str(path)):
            if isinstance(item, Record):
                records += 1
            else:
                errors += 1
    seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
    size = path.stat().st_size / 1e6
    return {"records": records, "errors": errors, "seconds": seconds, "cpu": cpu,
            "rate": records / seconds, "cpu_rate": records / cpu, "mb": size,
            "mbps": size / seconds}


def profile(reader: Callable, path: Path, top: int) -> str:
    profiler = cProfile.Profile()
    with path.open("rb") as handle:
        profiler.enable()
        for _ in reader(handle, str(path)):
            pass
        profiler.disable()
    out = io.StringIO()
    pstats.Stats(profiler, stream=out).sort_stats("tottime").print_stats(top)
    return out.getvalue()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("n", type=int, nargs="?", default=100_000)
    parser.add_argument("--workdir", type=Path)
    parser.add_argument("--profile", type=int, default=0, metavar="K")
    parser.add_argument("--only", default="marc,marcxml,pubmed")
    args = parser.parse_args(argv)
    if not LOC_SAMPLE.exists() or not PUBMED_DIR.is_dir():
        print(f"needs the shared data in {SHARED}", file=sys.stderr)
        return 2
    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="ldpub-bench-readers-"))
    workdir.mkdir(parents=True, exist_ok=True)
    files = {"marc": workdir / "bench.mrc", "marcxml": workdir / "bench-marc.xml",
             "pubmed": workdir / "bench-pubmed.xml"}
    started = time.perf_counter()
    if not files["marc"].exists() or not files["marcxml"].exists():
        write_marc(files["marc"], files["marcxml"], args.n)
    if not files["pubmed"].exists():
        write_pubmed(files["pubmed"], args.n)
    print(f"corpus in {workdir} ({time.perf_counter() - started:.0f} s to generate)\n")
    readers = {"marc": marc.read, "marcxml": marcxml.read, "pubmed": pubmed.read}
    print("| reader | records | rejected | wall s | records/s (wall) | CPU s "
          "| records/s (CPU) | MB | MB/s (wall) |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    for name in args.only.split(","):
        r = run(readers[name], files[name])
        print(f"| {name} | {r['records']:,} | {r['errors']} | {r['seconds']:.1f} "
              f"| {r['rate']:,.0f} | {r['cpu']:.1f} | {r['cpu_rate']:,.0f} | {r['mb']:.0f} "
              f"| {r['mbps']:.1f} |")
    for name in args.only.split(",") if args.profile else []:
        print(f"\n### profile: {name}\n```\n{profile(readers[name], files[name], args.profile)}```")
    return 0


if __name__ == "__main__":
    sys.exit(main())

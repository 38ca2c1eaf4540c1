"""Generate N varied VuFind Solr records (JSON Lines) shaped like the real ones.

The real records (../shared/data/seed and ../shared/data/vufind-solr) are
PubMed Central articles and MARC-derived books: this generator mixes both
shapes, varying authors (shared across records, so people meet on one URI),
subjects, journals, dates (year, year-month, full date), languages, formats,
identifiers and links, and keeps the Solr-only fields (spelling, *_sort,
_version_, ...) that must not be published. A record maps to about 68 quads
(the seed record maps to 68).

``--bad-every K`` plants a violation in every K-th record (no title, which
the shapes reject; an unknown language was one until such a value became a
warning), so benchmarks and tests can check that rejects are counted and reported.

Usage: python bench/generate.py N [-o FILE] [--seed S] [--bad-every K] [--prefix P]
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from collections.abc import Iterator
from typing import Any

FAMILY = ["Clavel", "Pomey", "Ghadiri", "Vico", "Pandolfi", "Smith", "Garcia", "Müller",
          "Nguyen", "Kowalski", "Tanaka", "Okafor", "Rossi", "Dubois", "Andersson",
          "Silva", "Ivanova", "Haddad", "O'Brien", "Schmidt", "Kim", "Novak", "Costa"]
GIVEN = ["Nathalie", "Marie-Pascale", "Djahanchah Philip", "Giambattista", "Claudia",
         "John", "Ana", "Jürgen", "Linh", "Piotr", "Yuki", "Chinedu", "Giulia", "Émile",
         "Sven", "Beatriz", "Olga", "Karim", "Siobhan", "Anke", "Min-jun", "Tereza"]
TOPICS = ["Quality improvement", "Patient participation", "Health services research",
          "Naples (Kingdom) History", "Public health", "Nursing", "Epidemiology",
          "Machine learning", "Climate change", "Primary care", "Medical ethics",
          "Health policy", "Genomics", "Library science", "Linked data", "Pharmacology"]
GENRES = ["Research Article", "Review", "Case Reports", "Sources.", "Biography",
          "Congresses", "Clinical Trial"]
JOURNALS = [("BMC Health Serv Res", "1472-6963"), ("PLoS One", "1932-6203"),
            ("BMJ Open", "2044-6055"), ("Nucleic Acids Res", "0305-1048"),
            ("J Med Internet Res", "1438-8871"), ("Sci Rep", "2045-2322"),
            ("Lancet", "0140-6736"), ("Nature", "0028-0836")]
PUBLISHERS = ["BioMed Central", "Public Library of Science", "Centro di Studi Vichiani,",
              "Springer", "Elsevier", "Oxford University Press", "Nature Publishing Group"]
LANGUAGES = ["English", "English", "English", "French", "German", "Italian", "Spanish",
             "Latin", "Japanese", "Polish"]
INSTITUTIONS = ["National Center for Biotechnology Information", "MyInstitution",
                "Universidad de Chile", "Helsinki University Library"]
WORDS = ["patients", "partnering", "quality", "improvement", "renewed", "practices",
         "healthcare", "managers", "organization", "evidence", "model", "study", "cohort",
         "outcomes", "analysis", "history", "sources", "network", "data", "library", "catalogue",
         "linked", "records", "method", "trial", "review"]


def _title(rng: random.Random) -> str:
    words = rng.sample(WORDS, rng.randint(4, 9))
    return " ".join(words).capitalize()


def _person(rng: random.Random) -> str:
    return f"{rng.choice(FAMILY)}, {rng.choice(GIVEN)}"


def isbn13(rng: random.Random) -> str:
    """A random ISBN-13 with a correct check digit (the shapes check it)."""
    digits = f"978{rng.randint(10**8, 10**9 - 1)}"
    total = sum(int(d) * (3 if i % 2 else 1) for i, d in enumerate(digits))
    return digits + str((10 - total % 10) % 10)


def _date(rng: random.Random) -> str:
    year = rng.randint(1950, 2024)
    return rng.choice([f"{year}", f"{year}-{rng.randint(1, 12):02d}",
                       f"{year}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"])


def article(rng: random.Random, n: int, prefix: str) -> dict[str, Any]:
    """A PubMed Central article as VuFind indexes it (like the seed record)."""
    pmcid, pmid = 6_000_000 + n, 30_000_000 + n
    journal, issn = rng.choice(JOURNALS)
    doi = f"10.{rng.randint(1000, 9999)}/{prefix}{n}"
    title = _title(rng)
    return {
        "id": f"{prefix}pubmed-{pmcid}", "title": title, "title_full": title,
        "title_short": title, "title_sort": title.lower(),
        "author": [_person(rng) for _ in range(rng.choice((1, 2, 2, 3)))],
        "format": ["Online", "Article", "Text"],
        "language": [rng.choice(LANGUAGES)], "publishDate": [_date(rng)],
        "publisher": [rng.choice(PUBLISHERS)], "collection": ["PubMed"],
        "institution": ["National Center for Biotechnology Information"],
        "record_format": "MEDLINE/PubMed",
        "topic": rng.sample(TOPICS, rng.randint(1, 2)), "genre": [rng.choice(GENRES)],
        "description": " ".join(rng.choices(WORDS, k=60)).capitalize() + ".",
        "url": [f"https://www.ncbi.nlm.nih.gov/pmc/articles/PMC{pmcid}/",
                f"https://www.ncbi.nlm.nih.gov/pubmed/{pmid}", f"http://dx.doi.org/{doi}"],
        "container_title": journal, "issn": [issn],
        "container_volume": str(rng.randint(1, 40)), "container_issue": str(rng.randint(1, 12)),
        "container_start_page": str(rng.randint(1, 900)),
        "spelling": f"{prefix}pubmed-{pmcid} {title}", "_version_": 1783467382071623680 + n,
        "author_facet": [], "work_keys_str_mv": [f"AT {title.lower().replace(' ', '')}"],
    }


def book(rng: random.Random, n: int, prefix: str) -> dict[str, Any]:
    """A MARC-derived catalogue record (like the vufind-solr fixtures)."""
    title = _title(rng)
    return {
        "id": f"{prefix}book-{n}", "title": f"{title} :", "title_sub": _title(rng),
        "title_short": title, "title_full": f"{title} / {_person(rng)}",
        "author": [_person(rng)], "author2": [_person(rng) for _ in range(rng.randint(0, 2))],
        "author_corporate": rng.sample(INSTITUTIONS, rng.randint(0, 1)),
        "format": [rng.choice(["Book", "Book", "eBook", "Journal", "Thesis", "Map"])],
        "language": rng.sample(LANGUAGES, rng.randint(1, 2)),
        "publishDate": [str(rng.randint(1600, 2024))],
        "publisher": [rng.choice(PUBLISHERS)], "institution": [rng.choice(INSTITUTIONS)],
        "building": [f"{prefix}shelf-{rng.randint(1, 9)}"], "collection": ["Catalog"],
        "record_format": "marc", "topic": rng.sample(TOPICS, rng.randint(1, 4)),
        "genre": rng.sample(GENRES, rng.randint(0, 1)),
        "isbn": [isbn13(rng)],
        "physical": [f"{rng.randint(50, 900)} p. : ill. ; 24 cm."],
        "edition": rng.choice(["", "2nd ed.", "Fictional edition."]) or None,
        "series": [f"{_title(rng)} ;"], "url": [f"http://example.org/{prefix}book/{n}"],
        "title_sort": title.lower(), "spelling": title, "_version_": 1700000000000000000 + n,
    }


def records(n: int, seed: int = 1, bad_every: int = 0, prefix: str = "") -> Iterator[dict]:
    """``n`` records, deterministic for a given ``seed``."""
    rng = random.Random(seed)
    for i in range(1, n + 1):
        doc = (article if rng.random() < 0.6 else book)(rng, i, prefix)
        if bad_every and i % bad_every == 0:
            for key in ("title", "title_full", "title_short", "title_sub"):
                doc.pop(key, None)  # a record must have a title: a violation
        yield {k: v for k, v in doc.items() if v not in (None, [], "")}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("n", type=int)
    parser.add_argument("-o", "--output", default="-")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--bad-every", type=int, default=0)
    parser.add_argument("--prefix", default="")
    args = parser.parse_args(argv)
    out = sys.stdout if args.output == "-" else open(args.output, "w", encoding="utf-8")  # noqa: SIM115
    with out:
        for doc in records(args.n, args.seed, args.bad_every, args.prefix):
            out.write(json.dumps(doc, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main()

"""Example queries for this dataset, shown in the query editor.

They use only the vocabulary :mod:`ld.mapping` writes (DCTerms, BIBO, FOAF,
SKOS), so they answer on any ldpub store; the tests run each of them.
Each declares just the prefixes it uses; the editor adds nothing hidden.
Each asks for DISTINCT rows or counts: Oxigraph 0.5 repeats a triple that several
record graphs state (a subject's label, a journal's title) once per graph in the
union default graph (oxigraph#1919, fixed upstream after 0.5.13).
"""

from __future__ import annotations

from dataclasses import dataclass

from ld.namespaces import PREFIXES


@dataclass(frozen=True)
class Example:
    key: str
    name: str
    description: str
    prefixes: tuple[str, ...]
    body: str

    @property
    def query(self) -> str:
        head = "".join(f"PREFIX {p}: <{PREFIXES[p]}>\n" for p in self.prefixes)
        return f"{head}\n{self.body.strip()}\n"

    def to_json(self, base: str) -> dict[str, str]:
        return {"key": self.key, "name": self.name, "description": self.description,
                "query": self.query}


EXAMPLES: tuple[Example, ...] = (
    Example("per-year", "Records per year",
            "How many records were issued in each year, newest first.",
            ("dcterms",), """
SELECT ?year (COUNT(DISTINCT ?record) AS ?records) WHERE {
  ?record dcterms:issued ?issued .
  BIND(SUBSTR(STR(?issued), 1, 4) AS ?year)
}
GROUP BY ?year
ORDER BY DESC(?year)
"""),
    Example("coauthors", "A person's co-authors",
            "Who wrote with a given person, and how often (change the name to try another).",
            ("dcterms", "foaf"), """
SELECT ?coauthor ?name (COUNT(DISTINCT ?record) AS ?together) WHERE {
  ?person foaf:name "Clavel, Nathalie" .
  ?record dcterms:creator ?person , ?coauthor .
  ?coauthor foaf:name ?name .
  FILTER (?coauthor != ?person)
}
GROUP BY ?coauthor ?name
ORDER BY DESC(?together) ?name
"""),
    Example("subject", "Records on a subject",
            "Records whose subject heading contains a word (change it to try another).",
            ("dcterms", "skos"), """
SELECT DISTINCT ?record ?title ?subject WHERE {
  ?record dcterms:subject ?concept ;
          dcterms:title ?title .
  ?concept skos:prefLabel ?subject .
  FILTER (CONTAINS(LCASE(STR(?subject)), "quality"))
}
ORDER BY ?title
LIMIT 100
"""),
    Example("genre", "Records by genre/form",
            "Genre/form terms (MARC 655, PubMed publication types), each with its number "
            "of records, most first: the kind of work, apart from what it is about.",
            ("dcterms", "skos"), """
SELECT ?genre ?label (COUNT(DISTINCT ?record) AS ?records) WHERE {
  ?record dcterms:type ?genre .
  ?genre a skos:Concept ;
         skos:prefLabel ?label .
}
GROUP BY ?genre ?label
ORDER BY DESC(?records) ?label
LIMIT 100
"""),
    Example("journals", "Journals by number of articles",
            "Journals that articles in the catalogue are part of, most articles first.",
            ("dcterms", "bibo"), """
SELECT ?journal ?title (COUNT(DISTINCT ?article) AS ?articles) WHERE {
  ?article dcterms:isPartOf ?journal .
  ?journal a bibo:Journal ;
           dcterms:title ?title .
}
GROUP BY ?journal ?title
ORDER BY DESC(?articles) ?title
LIMIT 100
"""),
    Example("no-doi", "Records missing a DOI",
            "Records that have no DOI, for catalogue clean-up.",
            ("dcterms", "bibo", "foaf"), """
SELECT ?record ?title WHERE {
  ?doc foaf:primaryTopic ?record .
  OPTIONAL { ?record dcterms:title ?title }
  FILTER NOT EXISTS { ?record bibo:doi ?doi }
}
ORDER BY ?title
LIMIT 100
"""),
)

"""Synthetic record graphs shaped like mapped catalogue records (~42 quads each).

Shared by bench/store.py; the shape follows ld.mapping's output for the real
VuFind records (document, record, authors with an rdf:List, journal,
subjects, identifiers), so store costs measured here are representative.
"""

from __future__ import annotations

import random

from rdflib import RDF, XSD, BNode, Graph, Literal, Namespace, URIRef
from rdflib.collection import Collection
from rdflib.namespace import DCTERMS, FOAF, OWL, SKOS

from ld.namespaces import BIBO, LDPUB
from ld.store.base import RecordGraph

BASE = "http://localhost:5000/"
ID = Namespace(BASE + "id/")
WORDS = ["health", "care", "services", "research", "patient",
         "outcome", "hospital", "study", "cohort", "trial"]


def record_graph(i: int, rng: random.Random, version: int = 0) -> RecordGraph:
    """Record ``i`` as its named graph; ``version`` changes the title only."""
    g = Graph()
    rec, doc = ID[f"record/r{i}"], URIRef(f"{BASE}doc/record/r{i}")
    g.add((doc, RDF.type, FOAF.Document))
    g.add((doc, FOAF.primaryTopic, rec))
    g.add((doc, DCTERMS.modified, Literal("2026-11-26T10:00:00Z", datatype=XSD.dateTime)))
    g.add((doc, DCTERMS.conformsTo, URIRef("https://w3id.org/ldpub/shapes#RecordShape")))
    g.add((rec, RDF.type, BIBO.AcademicArticle))
    g.add((rec, DCTERMS.identifier, Literal(f"r{i}")))
    words = " ".join(rng.choice(WORDS) for _ in range(8))
    g.add((rec, DCTERMS.title, Literal(f"{words} v{version}", lang="en")))
    g.add((rec, DCTERMS.issued, Literal(str(1990 + i % 35), datatype=XSD.gYear)))
    g.add((rec, DCTERMS.abstract, Literal(" ".join(rng.choice(WORDS) for _ in range(60)))))
    g.add((rec, DCTERMS.language, URIRef("http://id.loc.gov/vocabulary/iso639-2/eng")))
    people = []
    for a in range(3):
        person = ID[f"person/p{rng.randrange(5000)}-{a}"]
        people.append(person)
        g.add((rec, DCTERMS.creator, person))
        g.add((person, RDF.type, FOAF.Person))
        g.add((person, FOAF.name, Literal(f"Family{a}, Given{i}")))
    head = BNode()
    Collection(g, head, people)
    g.add((rec, BIBO.authorList, head))
    journal = ID[f"journal/j{i % 200}"]
    g.add((rec, DCTERMS.isPartOf, journal))
    g.add((journal, RDF.type, BIBO.Journal))
    g.add((journal, DCTERMS.title, Literal(f"Journal {i % 200}")))
    g.add((journal, BIBO.issn, Literal(f"1234-{i % 200:04d}")))
    g.add((rec, BIBO.volume, Literal(str(i % 40))))
    g.add((rec, BIBO.pageStart, Literal(str(i % 900))))
    for s in range(2):
        subject = ID[f"subject/s{rng.randrange(300)}"]
        g.add((rec, DCTERMS.subject, subject))
        g.add((subject, RDF.type, SKOS.Concept))
        g.add((subject, SKOS.prefLabel, Literal(f"Subject {s}", lang="en")))
    g.add((rec, BIBO.doi, Literal(f"10.1186/s{i}")))
    g.add((rec, OWL.sameAs, URIRef(f"https://doi.org/10.1186/s{i}")))
    g.add((rec, FOAF.page, URIRef(f"https://www.ncbi.nlm.nih.gov/pmc/articles/PMC{i}")))
    g.add((rec, LDPUB.pmcid, Literal(f"PMC{i}")))
    g.add((rec, LDPUB.recordFormat, Literal("vufind-json")))
    return RecordGraph(f"r{i}", str(doc), g)


def records(n: int, start: int = 0, version: int = 0, seed: int = 1) -> list[RecordGraph]:
    rng = random.Random(seed + start)
    return [record_graph(i, rng, version) for i in range(start, start + n)]

"""The SPARQL 1.1 Service Description of /sparql.

Answers GET /sparql without a query when the client asks for RDF. It says
what a client can rely on: the endpoint, the languages (Update only when the
operator enabled it), the result formats (from :data:`ld.formats.FORMATS`),
the features (union default graph; no SERVICE, it is refused) and the
default dataset, linked to its VoID description at /.well-known/void.
"""

from __future__ import annotations

from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, RDF, RDFS, VOID

from ld import formats
from ld.config import Settings
from ld.formats import Format
from ld.namespaces import PREFIXES

SD = Namespace("http://www.w3.org/ns/sparql-service-description#")
W3C_FORMATS = Namespace("http://www.w3.org/ns/formats/")
# The W3C "Unique URIs for File Formats" name of each format we answer with.
_FORMAT_IRIS = {"srj": "SPARQL_Results_JSON", "srx": "SPARQL_Results_XML",
                "csv": "SPARQL_Results_CSV", "tsv": "SPARQL_Results_TSV",
                "ttl": "Turtle", "nt": "N-Triples", "jsonld": "JSON-LD", "rdf": "RDF_XML"}


def graph(settings: Settings) -> Graph:
    """The description as an rdflib graph; the endpoint IRI is the configured base URI's
    /sparql, as every other IRI ldpub publishes (a proxy's Host header is not trusted)."""
    endpoint = f"{settings.base_uri}sparql"
    g = Graph()
    for prefix in ("rdfs", "void", "dcterms"):
        g.bind(prefix, PREFIXES[prefix])
    g.bind("sd", SD)
    g.bind("formats", W3C_FORMATS)
    service = URIRef(endpoint)
    g.add((service, RDF.type, SD.Service))
    g.add((service, SD.endpoint, service))
    g.add((service, SD.supportedLanguage, SD.SPARQL11Query))
    if settings.update_token:
        g.add((service, SD.supportedLanguage, SD.SPARQL11Update))
    g.add((service, SD.feature, SD.UnionDefaultGraph))
    for fmt in formats.formats_of("results", "rdf"):
        if fmt.key in _FORMAT_IRIS:
            g.add((service, SD.resultFormat, W3C_FORMATS[_FORMAT_IRIS[fmt.key]]))
    rows = (f"SELECT returns at most {settings.max_rows} rows (header X-Ldpub-Truncated "
            "when cut)" if settings.max_rows else "SELECT returns every row")
    g.add((service, RDFS.comment, Literal(
        f"Read-only unless Update is listed. SERVICE and LOAD are refused. Queries stop "
        f"after {settings.query_timeout:g} s; {rows}.", lang="en")))
    _dataset(g, service, settings)
    return g


def _dataset(g: Graph, service: URIRef, settings: Settings) -> None:
    dataset = URIRef(f"{settings.base_uri}dataset")
    default_graph = BNode()
    g.add((service, SD.defaultDataset, dataset))
    g.add((dataset, RDF.type, SD.Dataset))
    g.add((dataset, RDF.type, VOID.Dataset))
    # the very literal VoID gives it (plain: the operator's words, language unknown), so
    # the two descriptions of one dataset IRI do not give it two titles
    g.add((dataset, DCTERMS.title, Literal(settings.dataset_title)))
    g.add((dataset, RDFS.seeAlso, URIRef(f"{settings.base_uri}.well-known/void")))
    g.add((dataset, SD.defaultGraph, default_graph))
    g.add((default_graph, RDF.type, SD.Graph))
    g.add((default_graph, RDFS.comment, Literal(
        "The union of every record's named graph.", lang="en")))


def describe(settings: Settings, fmt: Format) -> bytes:
    """The description serialised as ``fmt`` (an RDF format of the table)."""
    return graph(settings).serialize(format=fmt.rdflib or "turtle", encoding="utf-8")

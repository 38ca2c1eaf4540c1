"""RDF comparison helpers for the web tests (a plain module, not a plugin)."""

from __future__ import annotations

import requests
from rdflib import Graph, Literal, URIRef
from rdflib.compare import isomorphic, to_isomorphic

XSD_STRING = URIRef("http://www.w3.org/2001/XMLSchema#string")


def plain(graph: Graph) -> Graph:
    """Literals typed xsd:string written plain, as RDF 1.1 says they are the same."""
    out = Graph()
    for s, p, o in graph:
        if isinstance(o, Literal) and o.datatype == XSD_STRING:
            o = Literal(str(o))
        out.add((s, p, o))
    return out


def same(a: Graph, b: Graph) -> bool:
    a, b = plain(a), plain(b)
    if isomorphic(a, b):
        return True
    ia, ib = to_isomorphic(a), to_isomorphic(b)
    print("only in first:", sorted(ia - ib)[:10], "only in second:", sorted(ib - ia)[:10])
    return False


def pyld_graph(doc: dict, site) -> Graph:
    from pyld import jsonld

    context_url = site.url + "/context.jsonld"

    def loader(url: str, options: dict | None = None) -> dict:
        assert url == context_url, f"JSON-LD asked for a remote context: {url}"
        served = requests.get(url, timeout=10)
        assert served.headers["Content-Type"].startswith("application/ld+json")
        return {"contentType": "application/ld+json", "contextUrl": None,
                "documentUrl": url, "document": served.json()}

    nquads = jsonld.to_rdf(doc, {"format": "application/n-quads", "documentLoader": loader})
    return Graph().parse(data=nquads, format="nt")



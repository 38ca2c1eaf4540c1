"""explore12 "pubmed" L2: a name's generational suffix (PubMed <Suffix>Jr</Suffix>, in
foaf:name "Artino, Anthony R, Jr") is cited in BibTeX, RIS and CSL-JSON, not dropped."""

from __future__ import annotations

import json
from pathlib import Path

from ld import citation
from tests.test_agents12_marc import _facts
from tests.test_pubmed13_pubmed import _pubmed

_AUTHORS = ('<Author ValidYN="Y"><LastName>Artino</LastName><ForeName>Anthony R</ForeName>'
            '<Suffix>Jr</Suffix></Author><Author ValidYN="Y"><LastName>Solo</LastName>'
            "<ForeName>Han</ForeName></Author>")


def test_l2_the_suffix_is_in_every_citation(tmp_path: Path) -> None:
    facts = _facts(_pubmed(tmp_path, authors=_AUTHORS), "pmid-90000001")
    [item] = json.loads(citation.csl_json(facts, "pmid-90000001"))
    assert item["author"] == [{"family": "Artino", "given": "Anthony R", "suffix": "Jr"},
                              {"family": "Solo", "given": "Han"}]
    ris = citation.ris(facts, "pmid-90000001").splitlines()
    assert [line for line in ris if line.startswith("AU")] == [
        "AU  - Artino, Anthony R, Jr", "AU  - Solo, Han"]
    assert "author = {Artino, Jr, Anthony R and Solo, Han}" in citation.bibtex(
        facts, "pmid-90000001")

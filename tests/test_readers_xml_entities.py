"""Every XML reader refuses a record holding an entity it cannot resolve.

DTDs are never loaded (no XXE), so in a document that names an external DTD a
reference such as ``&leak;`` stays unresolved in the tree. Regression: only
the PubMed reader refused such a record; the JATS, MARCXML and OAI-PMH readers
took the text around it and silently dropped the characters the entity stood
for, publishing a damaged title.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from ld.errors import RecordError
from ld.model import Record
from ld.readers import read_path

MARC = "http://www.loc.gov/MARC21/slim"
OAI = "http://www.openarchives.org/OAI/2.0/"

JATS = ('<!DOCTYPE article SYSTEM "JATS-archivearticle1.dtd">\n'
        '<article><front><journal-meta><journal-title-group><journal-title>J</journal-title>'
        '</journal-title-group></journal-meta><article-meta>'
        '<article-id pub-id-type="pmc">PMC77</article-id><title-group><article-title>'
        'Caf&#233; {entity} study</article-title></title-group>'
        '<pub-date><year>2020</year></pub-date></article-meta></front></article>')
MARCXML = (f'<!DOCTYPE collection SYSTEM "marc.dtd">\n<collection xmlns="{MARC}"><record>'
           '<leader>00000nam a2200000 a 4500</leader><controlfield tag="001">m1</controlfield>'
           '<datafield tag="245" ind1="0" ind2="0"><subfield code="a">Caf&#233; {entity} '
           'study</subfield></datafield></record></collection>')
OAI_DC = (f'<!DOCTYPE OAI-PMH SYSTEM "oai.dtd">\n<OAI-PMH xmlns="{OAI}">'
          '<responseDate>2024-01-01T00:00:00Z</responseDate>'
          '<request verb="ListRecords" metadataPrefix="oai_dc">http://x/oai</request>'
          '<ListRecords><record><header><identifier>oai:x:1</identifier>'
          '<datestamp>2024-01-01</datestamp></header><metadata>'
          '<oai_dc:dc xmlns:oai_dc="http://www.openarchives.org/OAI/2.0/oai_dc/" '
          'xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:title>Caf&#233; {entity} study'
          '</dc:title><dc:date>2020</dc:date></oai_dc:dc></metadata></record></ListRecords>'
          '</OAI-PMH>')


@pytest.mark.parametrize("template", [JATS, MARCXML, OAI_DC], ids=["jats", "marcxml", "oai"])
def test_an_unresolved_entity_rejects_the_record_by_name(tmp_path: Path, template: str) -> None:
    path = tmp_path / "leaky.xml"
    path.write_text('<?xml version="1.0"?>\n' + template.format(entity="&leak;"))
    [error] = list(read_path(str(path)))
    assert isinstance(error, RecordError), error
    assert "&leak;" in error.message and error.location.file == str(path)
    assert error.location.position and error.hint


@pytest.mark.parametrize("template", [JATS, MARCXML, OAI_DC], ids=["jats", "marcxml", "oai"])
def test_the_same_record_with_a_character_reference_is_read(tmp_path: Path,
                                                           template: str) -> None:
    path = tmp_path / "fine.xml"
    path.write_text('<?xml version="1.0"?>\n' + template.format(entity="&#8211;"))
    [record] = list(read_path(str(path)))
    assert isinstance(record, Record), record
    assert "Café – study" in (record.title or "")

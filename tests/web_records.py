"""Generated records for the web tests (plain module, imported by tests and fixtures)."""

from __future__ import annotations

from ld.config import data_dir
from ld.model import Agent, Container, Record, Source, Subject

XSS_TITLE = "<script>alert(1)</script> & </script><b>bold</b>"
PROLIFIC = "Prolific, Pat"
MANY = 120
FORENAME = "John Paul II, Pope"  # a MARC forename heading: a given name alone
BAD_ISBN, BAD_LINK = "9800787064", "www.example.org/a b.pdf"  # as LoC/856 records give them
HANDLE, ODD_DOI = "hdl:1765/317", "10.1000/ab_c%d"  # a key with "/", a DOI with "_" and "%"
COUNCIL, UNIVERSITY = "Nordic Library Data Council", "University of Washington, Seattle"
BOOK_TITLE, SCHOOL = "Handbook of Tea", "University of Helsinki"
EDITORS = ["Adam, Margaret P", "Pagon, Roberta A"]
ILLUSTRATOR = "Hazenplug, Frank"  # the only person of test-illustrated, a contributor
GROUP = "Wren Writers"  # test-group's one contributor (no role), also its publisher
PUBLISHER, PRINTER = "Herbert S. Stone & Company", "R.R. Donnelley and Sons Company"
# record id -> (format label, its BibTeX, RIS and CSL types)
TYPED = {
    "test-chapter": ("Book Chapter", "incollection", "CHAP", "chapter"),
    "test-report": ("Report", "techreport", "RPRT", "report"),
    "test-proceedings": ("Conference Proceeding", "proceedings", "CONF", "book"),
    "test-manuscript": ("Manuscript", "unpublished", "MANSCPT", "manuscript"),
    "test-map": ("Map", "misc", "MAP", "map"),
    "test-image": ("Image", "misc", "ART", "graphic"),
    "test-sound": ("Sound Recording", "misc", "SOUND", "song"),
    "test-video": ("Video", "misc", "VIDEO", "motion_picture"),
    "test-journal": ("Journal", "misc", "JFULL", "periodical"),
    "test-thesis": ("Thesis", "phdthesis", "THES", "thesis"),
}


def typed_records(src: Source) -> list[Record]:
    """One record of each kind a citation types differently; the chapter is part of a
    book (a collection) with editors, the report has a journal-like container."""
    records = {key: Record(id=key, source=src, formats=[label], title=f"A {label.lower()}",
                           creators=[Agent("Writer, Wendy")], issued="2010",
                           languages=["eng"], publishers=[SCHOOL])
               for key, (label, *_) in TYPED.items()}
    records["test-chapter"].collections = [BOOK_TITLE]
    records["test-chapter"].contributors = [Agent(n, roles=["edt"]) for n in EDITORS]
    records["test-report"].container = Container(title="Journal of Beverages", volume="3")
    return list(records.values())


def generated_records() -> list[Record]:
    """Records the sample lacks: a full journal article, paging, hostile text."""
    src = Source("generated", "record 1", "test")
    article = Record(
        id="test-article", source=src, formats=["Article"], title="Kinetics of tea {brewing}",
        creators=[Agent("Smith, Ann"), Agent("Jones, Bob")], issued="2021-03-04",
        languages=["eng"], subjects=[Subject("Tea", scheme="mesh")],
        abstracts=["Tea & biscuits: 50% better."], doi=["10.1234/tea.5678"], pmid="12345678",
        container=Container(title="Journal of Beverages", issn=["0028-0836"], volume="7",
                            issue="2", page_start="101", page_end="110"))
    xss = Record(id="test-xss", source=src, formats=["Book"], title=XSS_TITLE,
                 creators=[Agent("Evil, Eve <img src=x onerror=alert(2)>")], issued="2020",
                 abstracts=["</script><script>alert(3)</script>"])
    many = [Record(id=f"test-many-{i:03d}", source=src, formats=["Book"],
                   title=f"Collected works, volume {i}", creators=[Agent(PROLIFIC)],
                   issued=str(1900 + i)) for i in range(MANY)]
    odd = Record(id="test/odd key é", source=src, formats=["Book"], title="An odd identifier",
                 creators=[Agent("Smith, Ann"), Agent(FORENAME, given=FORENAME)],
                 issued="1999", isbn=[BAD_ISBN],
                 urls=[BAD_LINK])
    corporate = Record(id="test-corporate", source=src, formats=["Book"],
                       title="Shared cataloguing: a handbook", title_short="Shared cataloguing",
                       issued="2020", languages=["eng"],
                       creators=[Agent(COUNCIL, kind="organization"),
                                 Agent(UNIVERSITY, kind="organization")])
    ranged = Record(id=HANDLE, source=src, formats=["Article"], title="Pages as one range",
                    creators=[Agent("Smith, Ann")], issued="2022-12", languages=["eng"],
                    doi=[ODD_DOI], container=Container(title="Journal of Beverages",
                                                       page_start="1730-1753"))
    illustrated = Record(id="test-illustrated", source=src, formats=["Book"],
                         title="Decorated throughout", issued="1902", languages=["eng"],
                         contributors=[Agent(ILLUSTRATOR, roles=["ill", "bdd"])])
    group = Record(id="test-group", source=src, formats=["Book"], title="Twelve women remember",
                   issued="1999", languages=["eng"], publishers=[GROUP],
                   contributors=[Agent(GROUP, kind="organization")])  # a 710, also the 260 $b
    return [article, xss, odd, corporate, ranged, illustrated, group, roles_record(src),
            *typed_records(src), *many]


def roles_record(src: Source) -> Record:
    """A MARC book's people with relator roles: an author who also illustrated and is
    named again as a contributor, an illustrator and binding designer, and the
    publisher and printer (organisations) among the contributors."""
    return Record(
        id="test-roles", source=src, formats=["Book"], title="The romance of a rogue",
        issued="1902", languages=["eng"], publishers=[PUBLISHER],
        creators=[Agent("Sharts, Joseph", roles=["aut", "ill"])],
        contributors=[Agent(ILLUSTRATOR, roles=["ill", "bdd"]),
                      Agent(PUBLISHER, kind="organization", roles=["pbl"]),
                      Agent(PRINTER, kind="organization", roles=["prt"]),
                      Agent("Sharts, Joseph", roles=["ths"])])


def sample_paths() -> list[str]:
    """The bundled sample files (ld/sample), as `ldpub demo` loads them."""
    return sorted(str(p) for p in data_dir("sample").iterdir() if p.is_file())

"""The HTML pages: escaping, Highwire tags, labels, paging, home, search, browse."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest
import requests

from tests.web_records import MANY, XSS_TITLE

HTML = {"Accept": "text/html"}


class Page(HTMLParser):
    """Visible text, meta tags and links of a page (an independent HTML parser)."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.text: list[str] = []
        self.meta: list[tuple[str, str]] = []
        self.links: list[tuple[str, str]] = []
        self.tags: list[str] = []
        self._skip = 0
        self._href: str | None = None
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list) -> None:
        a = dict(attrs)
        self.tags.append(tag)
        if tag in ("script", "style"):
            self._skip += 1
        if tag == "meta" and "name" in a:
            self.meta.append((a["name"], a.get("content", "")))
        if tag == "a":
            self._href = a.get("href")

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style"):
            self._skip -= 1
        if tag == "a":
            self._href = None

    def handle_data(self, data: str) -> None:
        if not self._skip and data.strip():
            self.text.append(data.strip())
            if self._href:
                self.links.append((data.strip(), self._href))

    def metas(self, name: str) -> list[str]:
        return [c for n, c in self.meta if n == name]


def get(site, path: str) -> Page:
    r = requests.get(site.url + path, headers=HTML, timeout=10)
    assert r.status_code == 200, r.text[:500]
    assert r.headers["Content-Type"].startswith("text/html")
    return Page(r.text)


def test_hostile_title_is_text_not_markup(site) -> None:
    r = requests.get(site.url + "/doc/record/test-xss", headers=HTML, timeout=10)
    page = Page(r.text)
    assert XSS_TITLE in page.text  # shown as the characters it is
    assert "<script>alert(1)" not in r.text and "<b>bold</b>" not in r.text
    assert page.tags.count("script") == 1  # only our ld+json block
    assert "b" not in page.tags and "img" not in page.tags
    assert page.metas("citation_title") == [XSS_TITLE]


def test_highwire_citation_tags(site) -> None:
    page = get(site, "/doc/record/test-article")
    assert page.metas("citation_title") == ["Kinetics of tea {brewing}"]
    assert page.metas("citation_author") == ["Smith, Ann", "Jones, Bob"]
    assert page.metas("citation_publication_date") == ["2021/03/04"]
    assert page.metas("citation_journal_title") == ["Journal of Beverages"]
    assert page.metas("citation_volume") == ["7"] and page.metas("citation_issue") == ["2"]
    assert page.metas("citation_firstpage") == ["101"]
    assert page.metas("citation_lastpage") == ["110"]
    assert page.metas("citation_doi") == ["10.1234/tea.5678"]
    assert page.metas("citation_pmid") == ["12345678"]
    assert page.metas("citation_abstract_html_url") == [
        site.settings.base_uri + "id/record/test-article"]


def test_record_page_shows_labels_links_and_validation(site) -> None:
    page = get(site, "/doc/record/pubmed-6839263")
    visible = " ".join(page.text)
    assert "http://purl.org/dc/terms/" not in visible  # labels, never term IRIs
    assert "Academic article" in visible and "English" in visible
    links = dict(page.links)
    assert links["Clavel, Nathalie"] == "/id/person/clavel-nathalie"
    assert links["10.1186/s12913-019-4618-8"] == "https://doi.org/10.1186/s12913-019-4618-8"
    assert links["31703678"] == "https://pubmed.ncbi.nlm.nih.gov/31703678/"
    assert links["PMC6839263"] == "https://pmc.ncbi.nlm.nih.gov/articles/PMC6839263/"
    assert links["Record shape"] == "/shapes#RecordShape"
    for label, ext in [("Turtle", "ttl"), ("JSON-LD", "jsonld"), ("RDF/XML", "rdf"),
                       ("N-Triples", "nt"), ("BibTeX", "bib"), ("RIS", "ris"),
                       ("CSL-JSON", "csljson")]:
        assert links[label] == f"/doc/record/pubmed-6839263.{ext}"


@pytest.mark.parametrize(("page_no", "count"), [(1, 50), (2, 50), (3, MANY - 100)])
def test_person_page_lists_records_a_page_at_a_time(site, page_no: int, count: int) -> None:
    page = get(site, f"/doc/person/prolific-pat?page={page_no}")
    records = [t for t, href in page.links if href.startswith("/id/record/test-many-")]
    assert len(records) == count
    assert f"{MANY} records" in " ".join(page.text)
    if page_no == 1:  # newest first
        assert records[0] == f"Collected works, volume {MANY - 1}"
        assert ("Next →", "?page=2") in page.links


@pytest.mark.parametrize(("path", "expected"), [
    ("/doc/subject/mesh-tea", "Kinetics of tea {brewing}"),
    ("/doc/journal/0028-0836", "Kinetics of tea {brewing}"),
    ("/doc/organization/biomed-central",
     "Partnering with patients in quality improvement: towards renewed practices for "
     "healthcare organization managers?"),
])
def test_subject_journal_and_organisation_pages_list_records(site, path: str,
                                                              expected: str) -> None:
    assert expected in dict(get(site, path).links)


def test_a_browse_page_past_the_last_is_a_404(site) -> None:
    """Regression: /browse/subject?page=999 answered 200 with an empty table."""
    r = requests.get(site.url + "/browse/subject?page=999", headers=HTML, timeout=10)
    assert r.status_code == 404 and "/browse/subject" in r.text
    assert requests.get(site.url + "/browse/subject", headers=HTML, timeout=10).ok


def test_bad_page_number_is_a_400(site) -> None:
    r = requests.get(site.url + "/doc/person/prolific-pat?page=zero", headers=HTML, timeout=10)
    assert r.status_code == 400


def test_home_shows_counts_recent_records_and_search(site) -> None:
    r = requests.get(site.url + "/", timeout=10)
    page = Page(r.text)
    visible = " ".join(page.text)
    assert "People" in visible and "Journals" in visible
    assert 'action="/search"' in r.text
    assert any(href.startswith("/id/record/") for _, href in page.links)
    assert ("People", "/browse/person") in page.links


def test_home_states_holdings_as_a_catalogue_does(site) -> None:
    """Records by type, then what they link to (with browse links); not the superclasses
    stated for the shapes ("Agent", "Collection (BIBO)") or the record documents, which
    only counted the same things again (VoID keeps every class)."""
    page = Page(requests.get(site.url + "/", timeout=10).text)
    cells = page.text[page.text.index("Records by type"):page.text.index("Recent records")]
    assert "Academic article" in cells and "Book" in cells
    assert ("Subjects", "/browse/subject") in page.links
    assert ("Journals", "/browse/journal") in page.links
    assert not {"Agent", "Document", "Collection (BIBO)", "Concept"} & set(cells)
    void = requests.get(site.url + "/dataset.ttl", timeout=10).text
    assert "foaf:Agent" in void or "xmlns.com/foaf/0.1/Agent" in void


def test_home_states_how_many_records_there_are(site) -> None:
    """Regression: the home page gave no total, and its records-by-type table added up
    to more than the records (a proceedings is a book too)."""
    reader = site.reader()
    try:
        total = reader.record_count()
    finally:
        reader.close()
    page = Page(requests.get(site.url + "/", timeout=10).text)
    assert f"{total:,} records" in " ".join(page.text)


@pytest.mark.parametrize(("query", "found"), [
    ("KINETICS", "Kinetics of tea {brewing}"),  # title, any case
    ("jones", "Kinetics of tea {brewing}"),  # author name
    ("volume 7", "Collected works, volume 7"),
])
def test_search_titles_and_authors(site, query: str, found: str) -> None:
    page = get(site, f"/search?q={query}")
    assert found in dict(page.links)


def test_search_results_show_first_author_and_year(site) -> None:
    """Titles alone do not tell records apart: each result shows its first author (in
    the record's order) and year, as a catalogue's result list does."""
    page = get(site, "/search?q=kinetics")
    at = page.text.index("Kinetics of tea {brewing}")
    # each value is its own bidi isolate (<bdi>), so the line comes in pieces
    assert " ".join(page.text[at + 1:at + 4]) == "Smith, Ann et al. · 2021"


def test_browse_people_by_record_count(site) -> None:
    page = get(site, "/browse/person")
    first = next(t for t, href in page.links if href.startswith("/id/person/"))
    assert first == "Prolific, Pat"


@pytest.mark.parametrize(("query", "found"), [
    ('") } } SELECT * WHERE { ?s ?p ?o } #', "0 results"), ('zz\\"qq', "0 results"),
    ('title:zzq OR NOT "x* NEAR(', "0 results"),
    ("x\ny", "0 results"), ("<script>alert(1)</script>", "1 result ")])
def test_search_input_is_data_not_sparql_or_html(site, query: str, found: str) -> None:
    r = requests.get(site.url + "/search", params={"q": query}, headers=HTML, timeout=10)
    assert r.status_code == 200
    assert "<script>alert(1)" not in r.text
    assert found in " ".join(Page(r.text).text)


def test_identifier_with_slash_space_and_accent_dereferences(site) -> None:
    from ld.uris import encode_key

    segment = encode_key("test/odd key é")
    assert segment == "test%2Fodd%20key%20%C3%A9"
    r = requests.get(f"{site.url}/id/record/{segment}", headers={"Accept": "text/turtle"},
                     allow_redirects=False, timeout=10)
    assert r.status_code == 303 and r.headers["Location"].endswith(f"/doc/record/{segment}")
    for _ in range(2):  # the second answer comes from the cache
        doc = requests.get(f"{site.url}/doc/record/{segment}", headers=HTML, timeout=10)
        assert doc.status_code == 200
        assert "An odd identifier" in Page(doc.text).text
    assert doc.headers["Content-Location"] == f"{site.url}/doc/record/{segment}.html"


def test_record_page_lists_its_validation_warnings(site) -> None:
    """A publishable record with odd data (here: no language) says so on its page."""
    html = requests.get(site.url + "/doc/record/test-xss", headers=HTML, timeout=10).text
    assert '<span class="badge warn">1 warning</span>' in html
    assert "<li>The record has no language (dcterms:language).</li>" in html


@pytest.mark.parametrize("path", ["/", "/doc/record/pubmed-6839263", "/doc/person/prolific-pat",
                                  "/dataset", "/vocab", "/shapes", "/sparql", "/browse"])
def test_every_site_link_keeps_the_script_root(site, path: str) -> None:
    """Regression: imported Jinja macros did not see the context's ``root``, so the
    alternate and download links lost a proxy's path prefix (SCRIPT_NAME)."""
    import re

    from ld import describe
    from ld.web import create_app

    describe.CACHE._data.clear()
    page = create_app(site.settings).test_client().get(
        path, headers=HTML, environ_overrides={"SCRIPT_NAME": "/catalogue"})
    assert page.status_code == 200
    links = re.findall(rb'(?:href|src|action)="(/[^"]*)"', page.data)
    assert links, "the page links somewhere on the site"
    assert [x for x in links if not x.startswith(b"/catalogue/")] == []


def test_a_structured_abstract_shows_a_paragraph_per_section(site) -> None:
    """The seed record's abstract is NLM's labelled sections flattened into one string;
    the page shows them as PubMed does, a labelled paragraph each."""
    r = requests.get(site.url + "/doc/record/pubmed-6839263", headers=HTML, timeout=10)
    paragraphs = r.text.split('<p class="abstract" dir="auto">')[1:]
    labels = [p.split("</strong>")[0].removeprefix("<strong>") for p in paragraphs]
    assert labels == ["BACKGROUND:", "METHODS:", "RESULTS:", "CONCLUSION:"]
    assert "In-depth multi-level case studies" in paragraphs[1]
    assert "BACKGROUND: Around" in requests.get(  # the data itself is unchanged
        site.url + "/doc/record/pubmed-6839263.ttl", timeout=10).text


@pytest.mark.parametrize(("text", "sections"), [
    ("BACKGROUND: One. METHODS: Two, in the USA: three. RESULTS: Four.",
     [("BACKGROUND", "One."), ("METHODS", "Two, in the USA: three."), ("RESULTS", "Four.")]),
    ("MATERIALS AND METHODS: a. CONCLUSIONS AND RELEVANCE: b.",
     [("MATERIALS AND METHODS", "a."), ("CONCLUSIONS AND RELEVANCE", "b.")]),
    ("OBJECTIVE: a single label stays one paragraph.",
     [("", "OBJECTIVE: a single label stays one paragraph.")]),
    ("Plain prose. USA: not a section. UK: nor this.",
     [("", "Plain prose. USA: not a section. UK: nor this.")]),
])
def test_abstract_sections(text: str, sections: list) -> None:
    from ld.web.pages import abstract_sections
    assert abstract_sections(text) == sections


def test_an_isbn_is_listed_once_though_stated_twice(site) -> None:
    """Regression: a record states each ISBN as bibo:isbn and as bibo:isbn10/13, and the
    page, its citation_isbn tags and its RIS citation listed every ISBN twice."""
    page = get(site, "/doc/record/ldpub-b001")
    isbns = page.metas("citation_isbn")
    assert isbns and len(isbns) == len(set(isbns))
    ris = requests.get(site.url + "/doc/record/ldpub-b001.ris", timeout=10).text
    numbers = [line for line in ris.splitlines() if line.startswith("SN  - ")]
    assert numbers and len(numbers) == len(set(numbers))


def test_the_dataset_page_lists_its_classes_in_one_table(site) -> None:
    """Each VoID class partition had a section of its own ("class-1", "class-2", ...)."""
    r = requests.get(site.url + "/dataset", headers=HTML, timeout=10)
    page = Page(r.text)
    assert "Classes" in page.text and "class-1" not in page.text
    at = page.text.index("Person")
    assert page.text[at + 1] == "http://xmlns.com/foaf/0.1/Person" and page.text[at + 2].isdigit()
    assert 'id="class-1"' in r.text  # the partitions' IRIs still resolve to a row


@pytest.mark.parametrize(("path", "shown", "hidden"), [
    ("/doc/person/prolific-pat", "Person", "Agent"),
    ("/doc/journal/0028-0836", "Journal", "Collection (BIBO)"),
])
def test_a_thing_page_shows_its_class_not_the_superclass_stated_for_the_shapes(
        site, path: str, shown: str, hidden: str) -> None:
    page = get(site, path)
    links = [text for text, _ in page.links]
    assert shown in links and hidden not in links
    ttl = requests.get(site.url + path + ".ttl", timeout=10).text
    assert ("foaf:Agent" if hidden == "Agent" else "bibo:Collection") in ttl  # data unchanged


def test_browse_says_how_many_of_each_kind(site) -> None:
    """The browse page was four bare links."""
    page = get(site, "/browse")
    for label in ("Subjects", "People", "Journals", "Organizations"):
        at = page.text.index(label)
        assert page.text[at + 1].startswith("(") and page.text[at + 1][1:-1].replace(
            ",", "").isdigit()


@pytest.mark.parametrize(("record", "starts"), [
    ("pubmed-6839263", "BACKGROUND: Around the world"),  # the abstract's start
    ("test-article", "Tea & biscuits: 50% better."),
    ("test-many-042", "Prolific, Pat, 1942"),  # no abstract: who and when
    ("test-xss", "</script><script>alert(3)</script>"),  # an attribute value, escaped
])
def test_a_record_page_describes_itself_for_search_engines(site, record: str,
                                                           starts: str) -> None:
    (description,) = get(site, f"/doc/record/{record}").metas("description")
    assert description.startswith(starts) and len(description) <= 201


def test_the_home_page_describes_the_dataset_for_search_engines(site) -> None:
    page = get(site, "/")
    assert page.metas("description") == [site.settings.dataset_description]


def test_an_invalid_isbn_and_link_are_shown_as_given_and_marked(site) -> None:
    """Such a record was rejected whole; it is published, the values set apart and
    shown for what they are (not as an ISBN, not as a link)."""
    from ld.uris import encode_key
    from tests.web_records import BAD_ISBN, BAD_LINK

    page = get(site, "/doc/record/" + encode_key("test/odd key é"))
    text = " ".join(page.text)
    assert f"ISBN as given invalid {BAD_ISBN}" in text
    assert f"Link as given invalid {BAD_LINK}" in text
    assert BAD_ISBN not in page.metas("citation_isbn")
    assert BAD_LINK not in [href for _, href in page.links]
    # under Identifiers and in its warning; not again under "More about this record"
    assert text.count(BAD_ISBN) == 2


def test_thing_and_browse_pages_describe_themselves(site) -> None:
    """Regression: only the home and record pages had a meta description, and every
    browse page, whatever its kind or page, was titled "Browse · ..."."""
    person = get(site, "/doc/person/prolific-pat")
    assert person.metas("description") and "120 records" in person.metas("description")[0]
    r = requests.get(site.url + "/browse/person?page=1", headers=HTML, timeout=10)
    assert "<title>Browse people · " in r.text

"""The query editor for keyboard and screen-reader users, in Chromium (explore10/web 5).

YASGUI focused its query editor on load, so the first Tab indented the query
and the skip link, the navigation and the keyboard hint were passed by; the
editor and the results' page-size select had no name; its tab list held a
button; its blues, CodeMirror's orange and line numbers were below 4.5:1; the
editor's scrolling region held nothing a keyboard reaches. axe-core
(tests/node, installed by scripts/install-system-deps.sh) checks the page as
the tester did: WCAG 2.x A/AA and best practice, with results and without.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.conftest_web import Site, sample_paths
from tests.test_sparql_editor import open_editor

pytestmark = pytest.mark.browser
AXE = Path(__file__).parent / "node" / "node_modules" / "axe-core" / "axe.min.js"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory, sparql_site: Any) -> Iterator[Site]:
    the_site, server = sparql_site(tmp_path_factory.mktemp("sparql-a11y"), [], sample_paths())
    yield the_site
    server.shutdown()


def focused(page: Any) -> str:
    return page.evaluate("() => document.activeElement.tagName + '.' + "
                         "document.activeElement.className")


def test_the_page_opens_at_its_top_not_in_the_editor(browser: Any, site: Site) -> None:
    page, _ = open_editor(browser, site)
    query = page.evaluate("() => window.ldpubYasgui.getTab().getQuery()")
    assert focused(page) == "BODY."
    page.keyboard.press("Tab")
    assert focused(page) == "A.skip-link"
    assert page.evaluate("() => window.ldpubYasgui.getTab().getQuery()") == query
    page.close()


def test_the_editor_is_named_and_described(browser: Any, site: Site) -> None:
    page, _ = open_editor(browser, site)
    editor = page.get_by_role("textbox", name="SPARQL query")
    assert editor.count() == 1
    hint = page.locator("#" + editor.get_attribute("aria-describedby"))
    assert "Esc" in hint.inner_text()
    page.close()


def test_a_new_tab_joins_the_tab_list_and_is_named(browser: Any, site: Site) -> None:
    """The "+" button sits after the tab list, which holds tabs only, and still adds one."""
    page, _ = open_editor(browser, site)
    page.get_by_role("button", name="Add a new tab").click()
    expect(page.get_by_role("tab")).to_have_count(2)
    roles = page.evaluate("""() => [...document.querySelectorAll('[role=tablist] *')]
        .map(e => e.getAttribute('role') || e.tagName).filter(r => r !== 'presentation')""")
    assert "BUTTON" not in roles and roles.count("tab") == 2
    # the new tab's editor is named too (the first one's is hidden now)
    editors = page.locator(".yasqe .CodeMirror-code[role=textbox][aria-label='SPARQL query']")
    expect(editors).to_have_count(2)
    page.close()


def axe_violations(page: Any) -> list[tuple[str, list[str]]]:
    page.add_script_tag(path=str(AXE))
    found = page.evaluate("""async (tags) => {
        const result = await axe.run(document, {runOnly: {type: "tag", values: tags}});
        return result.violations.map(v => [v.id, v.nodes.map(n => n.target.join(" "))]);
    }""", AXE_TAGS)
    return [(rule, targets) for rule, targets in found]


@pytest.mark.parametrize("width", [1280, 375])
def test_axe_finds_no_violation_before_and_after_a_query(browser: Any, site: Site,
                                                         width: int) -> None:
    if not AXE.is_file():
        pytest.skip("axe-core is not installed: run scripts/install-system-deps.sh")
    # the page's Content-Security-Policy refuses the inline script axe is added as
    context = browser.new_context(viewport={"width": width, "height": 900}, bypass_csp=True)
    page, _ = open_editor(context, site)
    assert axe_violations(page) == []
    page.click("button[data-example='no-doi']")
    page.wait_for_selector("a.iri", timeout=20_000)
    assert axe_violations(page) == []
    context.close()

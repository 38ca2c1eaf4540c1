"""The README is the user's guide: it must not fall behind the code."""

from __future__ import annotations

from pathlib import Path

import pytest

from ld import formats
from ld.config import SETTINGS

README = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("setting", SETTINGS, ids=lambda s: s.name)
def test_every_setting_is_documented(setting) -> None:
    assert f"`{setting.env}`" in README and f"`{setting.flag}`" in README


@pytest.mark.parametrize("fmt", formats.FORMATS, ids=lambda f: f.key)
def test_every_format_is_documented(fmt) -> None:
    assert f"`{fmt.media_type}`" in README


def test_every_command_is_documented() -> None:
    from ld.cli import main

    for name in main.commands:
        assert f"`ldpub {name}" in README, name


def test_readme_names_both_setup_commands() -> None:
    assert "make run" in README and "make test" in README


ARCHITECTURE = (Path(__file__).resolve().parent.parent / "docs" / "architecture.md"
                ).read_text(encoding="utf-8")
LD = Path(__file__).resolve().parent.parent / "ld"


def _layout_names() -> set[str]:
    """The modules docs/architecture.md's "Layout" section names: the first plan's
    modules, and every ``.py`` name in its table, a bare name in the folder of the last
    path before it in the same cell (``ld/web/http.py``, ``ranges.py``), globs too."""
    import re

    section = ARCHITECTURE.split("\n## Layout", 1)[1].split("\n## ", 1)[0]
    plan = re.search(r"The plan was one module per concern \(([^)]*)\)", section, re.S)
    assert plan, "the first plan's sentence moved"
    names = {f"ld/{n}.py" for n in re.findall(r"`(\w+)`", plan[1])}
    for row in (line for line in section.splitlines() if line.startswith("| `")):
        for cell in row.split("|"):
            folder = "ld/"
            for item in re.findall(r"`([^`\s]+\.py)`", cell):
                if "/" in item:
                    folder = item.rsplit("/", 1)[0] + "/"
                names.add(item if "/" in item else folder + item)
    return names


def test_every_module_is_in_the_architecture_layout() -> None:
    """Regression (explore11 readme 4): ld/facts_index.py, split from facts.py, was in no
    row of the table; a module added without its row now fails here."""
    from fnmatch import fnmatch

    names = _layout_names()
    modules = [f"ld/{p.relative_to(LD).as_posix()}" for p in sorted(LD.rglob("*.py"))
               if p.name != "__init__.py"]
    missing = [m for m in modules if not any(fnmatch(m, n) for n in names)]
    assert missing == [], "add them to docs/architecture.md, Layout: " + ", ".join(missing)

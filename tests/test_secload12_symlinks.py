"""L4: an input path that is a symbolic link loop or a dangling link is told as such.

click's Path(exists=True) called both "does not exist", which sends a user looking
for a missing file; the OS's reason (ELOOP, a link to nothing) is named instead.
"""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from ld.cli import main


def _validate(path: Path) -> tuple[int, str]:
    result = CliRunner().invoke(main, ["validate", str(path)])
    return result.exit_code, result.output


def test_a_link_loop_is_named_as_one(tmp_path: Path) -> None:
    (tmp_path / "a").symlink_to("b")
    (tmp_path / "b").symlink_to("a")
    (tmp_path / "self").symlink_to("self")
    for path in (tmp_path / "a", tmp_path / "self", tmp_path / "self" / "x.json"):
        code, output = _validate(path)
        assert code == 2 and "too many levels of symbolic links" in output, output
        assert "does not exist" not in output


def test_a_dangling_link_names_its_target(tmp_path: Path) -> None:
    (tmp_path / "gone.json").symlink_to(tmp_path / "nowhere.json")
    code, output = _validate(tmp_path / "gone.json")
    assert code == 2 and "dangling symbolic link" in output and "nowhere.json" in output, output


def test_a_missing_file_is_still_missing(tmp_path: Path) -> None:
    code, output = _validate(tmp_path / "missing.json")
    assert code == 2 and "does not exist" in output, output

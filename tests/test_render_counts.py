"""Regression (explore11 life 7): after ``ldpub delete``, the next load's render line counted
the deleted records as "rendered" and said "rows of 0 gone records removed".

Real ``ldpub`` commands on a real store.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from tests.web_records import sample_paths

LDPUB = str(Path(sys.executable).with_name("ldpub"))


def _run(env: dict[str, str], *args: str) -> str:
    done = subprocess.run([LDPUB, *args], env=env, capture_output=True, text=True,
                          timeout=120, check=True)
    return done.stdout + done.stderr


def test_deleted_records_are_counted_as_removed_not_rendered(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("LDPUB_")}
    env["LDPUB_STORE"] = str(tmp_path / "store")
    _run(env, "load", "--render", *sample_paths())
    _run(env, "delete", "pubmed-6839263", "ldpub-a001")
    new = tmp_path / "new.json"
    new.write_text(json.dumps({"id": "new-1", "title": "A new one", "format": ["Book"],
                               "language": ["English"], "publishDate": ["2020"]}))
    said = _run(env, "load", str(new))
    assert "rendered 1, already current 0; rows of 2 gone records removed" in said, said

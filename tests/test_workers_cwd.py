"""Regression (explore11 client 6): worker pools do not import from the working directory.

The fork server runs ``python -c`` with the working directory first on its path
and preloads ldpub's modules there: a user's ``ld.py`` beside the data was run
in place of the package, every worker died, and ``ldpub render`` ended with a
traceback (exit 1). Real ``ldpub`` processes started from such a directory.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

LDPUB = str(Path(sys.executable).with_name("ldpub"))
ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.slow
def test_load_and_render_ignore_an_ld_py_in_the_working_directory(tmp_path: Path) -> None:
    data = tmp_path / "recs.jsonl"
    subprocess.run([sys.executable, str(ROOT / "bench" / "generate.py"), "450", "-o",
                    str(data)], check=True)
    here = tmp_path / "here"
    here.mkdir()
    marker = tmp_path / "ran"
    (here / "ld.py").write_text(f"open({str(marker)!r}, 'w').write('ran')\n")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("LDPUB_", "PYTHON"))}
    env.update(LDPUB_STORE=str(tmp_path / "store"), LDPUB_BATCH_SIZE="100")
    for command in (["load", "--no-render", "--jobs", "2", str(data)],  # 5 batches: a pool
                    ["render", "--jobs", "2"]):  # 3 chunks of 200: a pool
        done = subprocess.run([LDPUB, *command], cwd=here, env=env, capture_output=True,
                              text=True, timeout=300)
        assert done.returncode == 0, done.stderr
        assert "Traceback" not in done.stderr and not marker.exists(), done.stderr

"""A wheel built from the repository works outside the checkout.

shapes/ and vocab/ sit at the repository root; the wheel must carry them
inside the package (ld/_data/), and the bundled sample too, because an
installed ldpub validates records and serves the demo without the checkout.
"""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps",
                    "-q", "-w", str(out), str(ROOT)], check=True, timeout=300)
    return next(out.glob("ldpub-*.whl"))


def test_wheel_carries_shapes_vocab_and_sample(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    for shape in (ROOT / "shapes").glob("*.ttl"):
        assert f"ld/_data/shapes/{shape.name}" in names
    assert "ld/_data/vocab/ldpub.ttl" in names
    assert "ld/sample/pubmed-6839263.txt" in names and "ld/sample/records.json" in names


def test_installed_wheel_validates_outside_the_checkout(wheel: Path, tmp_path: Path) -> None:
    """Unpacked on its own (no checkout on sys.path), ldpub finds its shapes."""
    site = tmp_path / "site"
    zipfile.ZipFile(wheel).extractall(site)
    code = ("import ld.config as c, ld.validation as v; "
            f"assert str(c.data_dir('shapes')).startswith({str(site)!r}); "
            "assert len(v.load_shapes(c.data_dir('shapes'))) > 0")
    env = {"PYTHONPATH": str(site), "PATH": "/usr/bin:/bin"}
    subprocess.run([sys.executable, "-c", code], check=True, cwd=tmp_path, env=env, timeout=120)

"""The pages' stylesheets and scripts travel with the package: a plain `pip install .` serves styled pages."""

import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_a_wheel_carries_the_assets_folder(tmp_path):
    source = tmp_path / "source"  # a copy: building writes build/ and *.egg-info beside the sources
    shutil.copytree(ROOT, source, ignore=shutil.ignore_patterns(
        ".git", ".venv", "data", "tests", "bench", "docs", "__pycache__", "*.duckdb*"))
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "-w", str(tmp_path), str(source)],
                   check=True, capture_output=True)
    [wheel] = tmp_path.glob("carevisit-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    for asset in ("style.css", "plotly_bundle.js", "vendor/bootstrap.min.css", "vendor/plotly-basic.min.js"):
        assert f"dashboard/assets/{asset}" in names, asset
    assert not any("screenshots" in name for name in names)  # the README's pictures stay in the repository
    assert "dashboard/pages/overview.py" in names and "etl/sql/marts/place_months.sql" in names

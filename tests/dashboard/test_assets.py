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
    for asset in ("style.css", "plotly_bundle.js", "dashAgGridFunctions.js", "vendor/bootstrap.min.css",
                  "vendor/plotly-basic.min.js"):
        assert f"dashboard/assets/{asset}" in names, asset
    assert not any("screenshots" in name for name in names)  # the README's pictures stay in the repository
    assert "dashboard/pages/overview.py" in names and "etl/sql/marts/place_months.sql" in names


def test_the_assets_served_before_sign_in_are_the_pages_scripts_and_stylesheets_only():
    """/assets/ is open to anyone who reaches the server (the sign-in page needs its stylesheet): the README's
    pictures of the screens lived there, served to anyone (review 7c L4); they are in docs/screenshots."""
    from dashboard.app import ASSETS

    served = {path.relative_to(ASSETS).as_posix() for path in Path(ASSETS).rglob("*") if path.is_file()}
    assert served and all(name.endswith((".css", ".js", "-LICENSE")) for name in served), sorted(served)


ENCODINGS = {"Accept-Encoding": "gzip, deflate, br, zstd"}  # what Chromium sends


def test_scripts_and_answers_travel_compressed_and_pages_never(demo_settings):
    from dashboard.app import create_app

    client = create_app(demo_settings).server.test_client()  # signing in required
    script = client.get("/assets/vendor/plotly-basic.min.js", headers=ENCODINGS)
    assert script.status_code == 200 and script.headers["Content-Encoding"] in ("zstd", "br", "deflate", "gzip")
    assert len(script.get_data()) < (ROOT / "assets/vendor/plotly-basic.min.js").stat().st_size / 2
    script.close()  # as a WSGI server closes an answer it has sent: the file it was read from with it
    old_browser = client.get("/assets/style.css", headers={"Accept-Encoding": "gzip, deflate"})
    assert old_browser.headers["Content-Encoding"] in ("gzip", "deflate")
    old_browser.close()
    sign_in = client.get("/login", headers=ENCODINGS)  # its CSRF token: never compressed (BREACH)
    assert sign_in.status_code == 200 and sign_in.mimetype == "text/html"
    assert "Content-Encoding" not in sign_in.headers and b"csrf_token" in sign_in.get_data()


def test_a_signed_in_callback_answer_travels_compressed(demo_settings):
    from dashboard.accounts import User
    from dashboard.app import create_app

    client = create_app(demo_settings, User("本机", "admin", "all")).server.test_client()
    index = client.get("/", headers=ENCODINGS)
    assert "Content-Encoding" not in index.headers  # its signed page token stays uncompressed
    layout = client.get("/_dash-layout", headers=ENCODINGS)
    assert layout.mimetype == "application/json" and "Content-Encoding" in layout.headers

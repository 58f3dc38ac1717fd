"""督查 in a real browser: the screen renders, a draw goes into the URL, the check list downloads as Excel."""

import io
from urllib.parse import parse_qs, urlparse

import openpyxl
import pytest

from tests.browser.conftest import wait_until

pytestmark = pytest.mark.browser

MONTH = "2026-10"


def test_the_check_list_drawn_on_the_screen_downloads_as_a_workbook(page, server_url):
    page.goto(f"{server_url}/supervision?month={MONTH}")
    page.wait_for_selector("#supervision-lagging-street")
    page.wait_for_load_state("networkidle")
    assert "不是结论" in page.inner_text("#supervision-note")
    assert "当日上门 18 次" in page.inner_text("#evidence-daily_home_visits")
    page.fill("#supervision-sample", "3")
    page.fill("#supervision-seed", "11")
    page.click("#supervision-draw")
    page.wait_for_selector("#checklist-lists .checklist-page")
    wait_until(page, "() => document.querySelectorAll('#checklist-lists .checklist-page').length === 3")
    query = {k: v[0] for k, v in parse_qs(urlparse(page.url).query).items()}
    assert (query["sample"], query["seed"]) == ("3", "11")
    titles = [t.strip() for t in page.locator("#checklist-lists h6").all_inner_texts()]
    # one print dialog a click (probe 33 M5: the first click had opened two)
    page.evaluate("() => { window.printed = 0; window.print = () => { window.printed += 1; }; }")
    page.click("#supervision-print")
    page.wait_for_timeout(1000)
    assert page.evaluate("() => window.printed") == 1
    with page.expect_download() as download:
        page.click("#supervision-download")
    assert download.value.suggested_filename == f"和平区_{MONTH}_督查核实清单.xlsx"
    workbook = openpyxl.load_workbook(io.BytesIO(download.value.path().read_bytes()))
    assert [ws["A1"].value.replace("  ", " ") for ws in workbook.worksheets[1:]] == \
        [t.replace("  ", " ") for t in titles]
    page.reload()  # the link reproduces the draw
    page.wait_for_selector("#checklist-lists .checklist-page")
    assert [t.strip() for t in page.locator("#checklist-lists h6").all_inner_texts()] == titles
    page.evaluate("() => { window.printed = 0; window.print = () => { window.printed += 1; }; }")
    page.click("#supervision-print")
    page.wait_for_timeout(1000)
    page.click("#supervision-print")
    wait_until(page, "() => window.printed === 2")
    assert page.console_log == []

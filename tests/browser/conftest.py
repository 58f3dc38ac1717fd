"""A served dashboard on the demo warehouse and a headless Chromium (Debian's, never downloaded)."""

from __future__ import annotations

import os
import shutil
import threading
import time
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from dashboard.accounts import User
from dashboard.app import create_app

CHROMIUM = os.environ.get("CAREVISIT_CHROMIUM", "/usr/bin/chromium")
# Chromium 156 loads its address bar's drop-down, a web page of its own (chrome://omnibox-popup.top-chrome), in a
# renderer process of its own for every browser context: 0.6 CPU-s each, about a quarter of a test's browser CPU.
# The tests never show an address bar. Chromium keeps only the last --disable-features it is given, so the list
# also names the features Playwright disables itself (playwright 1.65's chromiumSwitches), which it would drop.
PLAYWRIGHT_DISABLED = ("AvoidUnnecessaryBeforeUnloadCheckSync,DestroyProfileOnBrowserClose,HttpsUpgrades,"
                       "HttpsFirstBalancedModeAutoEnable,LensOverlay,MediaRouter,PaintHolding,ThirdPartyStoragePartitioning,"
                       "AvoidCorsURLLoaderRestartOnRedirect,TcpPortRandomizationWin,OptimizationHints,"
                       "NetworkTimeServiceQuerying,AimEnabled,PreconnectToSearch")
# V8's baseline compiler at most (--max-opt=1): a page's scripts run for a second or two, which do not repay its
# optimising compilers (test_sign_in.py's 10 tests, the whole process tree: 33-35 CPU-s with them, 30 without,
# on 2026-11-30); what the scripts do is the same.
CHROMIUM_ARGS = ["--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run", "--js-flags=--max-opt=1",
                 f"--disable-features={PLAYWRIGHT_DISABLED},WebUIOmniboxPopup,WebUIOmniboxAimPopup,WebUIOmniboxFullPopup"]
# Chromium's software GL reports its own performance notes on the console; they are not the page's.
BROWSER_NOISE = ("GL Driver Message", "GPU stall due to ReadPixels")


def pytest_collection_modifyitems(items):
    if Path(CHROMIUM).exists():
        return
    if os.environ.get("CI"):
        raise pytest.UsageError(f"browser tests must run in CI, but {CHROMIUM} is missing: .ci/run installs it")
    skip = pytest.mark.skip(reason=f"no Chromium at {CHROMIUM} (apt-get install chromium chromium-driver)")
    for item in items:
        if "browser" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(scope="session")
def server_url(demo_settings):
    app = create_app(demo_settings, User("本机", "admin", "all"))
    server = make_server("127.0.0.1", 0, app.server, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


class ConsoleLog(list):
    """Errors and warnings the page wrote to the browser console."""

    def attach(self, page):
        page.on("console", lambda m: m.type in ("error", "warning") and not any(n in m.text for n in BROWSER_NOISE)
                and self.append(f"{m.type}: {m.text}"))
        page.on("pageerror", lambda error: self.append(f"pageerror: {error}"))
        page.on("requestfailed", lambda request: self.append(f"requestfailed: {request.url}"))
        return self


def wait_until(page, script: str, timeout: float = 20.0) -> None:
    """Poll a JavaScript function until it returns true. (Playwright's wait_for_function evaluates its
    predicate with eval inside the page, which the pages' Content-Security-Policy forbids.)"""
    deadline = time.monotonic() + timeout
    while not page.evaluate(script):
        if time.monotonic() > deadline:
            raise AssertionError(f"still false after {timeout} s: {script}")
        page.wait_for_timeout(100)


def new_page(browser):
    """A page in a browser context of its own (no cookie, storage or cache of another page), its console
    logged in page.console_log; close it with page.context.close()."""
    context = browser.new_context(viewport={"width": 1440, "height": 900}, accept_downloads=True, locale="zh-CN")
    page = context.new_page()
    page.console_log = ConsoleLog().attach(page)
    page.set_default_timeout(20_000)
    return page


@pytest.fixture
def page(browser, tmp_path):
    page = new_page(browser)
    yield page
    page.context.close()
    shutil.rmtree(tmp_path, ignore_errors=True)

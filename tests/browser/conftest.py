"""A real ``qianfu serve --demo`` and a real headless Chromium for the page tests.

One server (SQLite, embedded search, 200 flagged sample providers) and one browser for the
whole package; every test gets a fresh browser context (no cookies carried between tests).
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, Playwright, sync_playwright

from tests.support.browser import axe_source, chromium_executable
from tests.support.processes import free_port, wait_for_http

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="package")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The base URL of a demo server started for these tests."""
    root = tmp_path_factory.mktemp("browser-site")
    port = free_port()
    env = {
        **os.environ,
        "QIANFU_DATA_DIR": str(root / "data"),
        "QIANFU_DATABASE_URL": "",
        "QIANFU_DEMO_PROVIDERS": "200",
        "QIANFU_SEARCH_BACKEND": "embedded",
    }
    command = [sys.executable, "-c", "from app.cli import app; app()", "serve", "--demo"]
    command += ["--port", str(port), "--workers", "1"]
    with (root / "server.log").open("wb") as log:
        process = subprocess.Popen(command, cwd=REPO, env=env, stdout=log, stderr=log)
        base_url = f"http://127.0.0.1:{port}"
        try:
            wait_for_http(
                f"{base_url}/api/v1/readyz", process, what="server", timeout=120, interval=0.3
            )
            yield base_url
        finally:
            process.terminate()
            process.wait(timeout=30)


@pytest.fixture(scope="package")
def playwright() -> Iterator[Playwright]:
    """Playwright's driver (its sync API), for this package only."""
    with sync_playwright() as driver:
        yield driver


@pytest.fixture(scope="package")
def browser(playwright: Playwright) -> Iterator[Browser]:
    """Debian's Chromium, headless (no sandbox: CI runs as root)."""
    chromium = playwright.chromium.launch(
        executable_path=chromium_executable(), args=["--no-sandbox"]
    )
    yield chromium
    chromium.close()


@pytest.fixture(scope="package")
def axe() -> str:
    """The axe-core script."""
    return axe_source()


@pytest.fixture
def new_page(browser: Browser) -> Iterator[Callable[..., Page]]:
    """Open a page in a fresh Chinese-locale context (options as Playwright's new_context).

    Every context opened is closed after the test, so no cookie or permission carries over.
    """
    contexts: list[BrowserContext] = []

    def open_page(**options: object) -> Page:
        context = browser.new_context(locale="zh-CN", **options)
        contexts.append(context)
        return context.new_page()

    yield open_page
    for context in contexts:
        context.close()

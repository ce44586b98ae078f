"""Browser tests: the real app (`streamlit run`) on the demo test database, driven by Debian's Chromium.

Fixtures:
- `live_app` (package): base URL of a Streamlit server started for these tests on a free port, with
  STREAMSYNC_DB_URL pointing at the demo test database (tests/conftest.py's `_demo_database`).
- `browser` (package): Chromium from /usr/bin/chromium through Playwright (Playwright is only the driver;
  it never downloads a browser). Package scope, not session: Playwright's sync API keeps an asyncio loop
  running in the main thread while it is open, and tests after the browser tests that call asyncio.run()
  would fail; both end when the last test in tests/browser/ is done.
- `page` (function): a fresh browser context (no cookies, no storage) and page for each test.
Helpers (tests/browser/helpers.py): `open_page(page, base_url, path)` loads a page and waits until the script
run is over; `wait_for_app(page)` waits for the end of a rerun after a click; `login(page, base_url, username,
password)` logs in through the login form.

A missing Chromium or Playwright FAILS the browser tests with the command that fixes it: a skipped
browser test would hide a broken UI.
"""
from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from tests.browser.helpers import PAGE_TIMEOUT

PROJECT_ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = os.environ.get("STREAMSYNC_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]
STARTUP_TIMEOUT = 60  # seconds for `streamlit run` to answer /_stcore/health


# base URL of a running live app -> its server log, shown under a failed browser test.
_SERVER_LOGS: dict[str, Path] = {}


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    """Under a failed browser test, show the end of the app server's log (tracebacks go there, not to
    the page: the app hides error details from users)."""
    report = yield
    log_path = _SERVER_LOGS.get(getattr(item, "funcargs", {}).get("live_app"))
    if report.failed and log_path and log_path.exists():
        report.sections.append(("streamlit server log (last lines)", _log_tail(log_path)))
    return report


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _healthy(base_url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{base_url}/_stcore/health", timeout=2) as response:
            return response.status == 200
    except (urllib.error.URLError, ConnectionError, TimeoutError):
        return False


def _log_tail(log_path: Path, lines: int = 40) -> str:
    return "\n".join(log_path.read_text(errors="replace").splitlines()[-lines:])


@pytest.fixture(scope="package")
def live_app(_demo_database):
    """Start `streamlit run streamlit_app.py` on the demo test database; yield its base URL."""
    port = _free_port()
    base_url = f"http://127.0.0.1:{port}"
    env = {**os.environ, "STREAMSYNC_DB_URL": _demo_database.render_as_string(hide_password=False)}
    env.pop("STREAMLIT_CLIENT_SHOW_ERROR_DETAILS", None)  # the shipped config: users never see tracebacks
    log_path = Path(tempfile.gettempdir()) / f"streamsync-live-app-{port}.log"
    # The log goes to a file, not a pipe: a full pipe would block the server mid-test.
    with log_path.open("w") as log:
        server = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", "streamlit_app.py",
             "--server.port", str(port), "--server.address", "127.0.0.1", "--server.headless", "true",
             "--server.runOnSave", "false", "--server.fileWatcherType", "none",
             "--browser.gatherUsageStats", "false"],
            cwd=PROJECT_ROOT, env=env, stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT,
        )
    try:
        deadline = time.monotonic() + STARTUP_TIMEOUT
        while not _healthy(base_url):
            if server.poll() is not None:
                pytest.fail(f"streamlit run exited with status {server.returncode} before answering "
                            f"{base_url}/_stcore/health. Its output ({log_path}):\n{_log_tail(log_path)}")
            if time.monotonic() > deadline:
                pytest.fail(f"streamlit run did not answer {base_url}/_stcore/health within "
                            f"{STARTUP_TIMEOUT}s. Its output ({log_path}):\n{_log_tail(log_path)}")
            time.sleep(0.25)
        _SERVER_LOGS[base_url] = log_path
        yield base_url
    finally:
        _SERVER_LOGS.pop(base_url, None)
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


@pytest.fixture(scope="package")
def browser():
    """Debian's Chromium, headless, driven by Playwright. Fails (never skips) when it cannot start."""
    if not os.access(CHROMIUM, os.X_OK):
        pytest.fail(f"Chromium is missing at {CHROMIUM}: the browser tests need it. Install it with "
                    "`apt-get install -y chromium` (as root), or run `make test`, which installs it.")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.fail("Playwright is not installed: run `make test` or "
                    "`.venv/bin/pip install -r requirements-dev.txt`.")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser):
    """A new page in a fresh context: no cookies or storage carried over from another test."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-GB")
    context.set_default_timeout(PAGE_TIMEOUT)
    tab = context.new_page()
    yield tab
    context.close()

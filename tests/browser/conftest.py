"""Real Chromium against the real server: uvicorn on a free loopback port, in a thread, over a
data directory seeded with the web tests' supply chain and w-2's substituted contract.

Playwright drives Debian's `chromium` (never a downloaded browser). When no chromium binary is
installed the browser tests are skipped with that reason; CI installs it (scripts/setup).
Screenshots go to test-artifacts/screenshots/ (gitignored).
"""

from __future__ import annotations

import shutil
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import Engine

from fairpath.config import Settings
from fairpath.services import assessment
from fairpath.services.importing import import_paths
from fairpath.web.server import bind, make_server
from tests.browser.data import portal_records
from tests.services.data import write_jsonl
from tests.web.conftest import PASSWORD, STAFF, seed

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@dataclass
class Server:
    """The running site and what it takes to sign in."""

    url: str
    card_code: str
    card_pin: str
    staff_login: str
    password: str


@pytest.fixture
def web_settings(settings: Settings) -> Settings:
    return settings.model_copy(update={"password_hashing": "cheapest"})


@pytest.fixture
def server(web_settings: Settings, engine: Engine, tmp_path: Path) -> Iterator[Server]:
    code, pin = seed(web_settings, engine, tmp_path)
    import_paths(
        web_settings, engine, [write_jsonl(tmp_path / "w2.jsonl", portal_records())], actor="t"
    )
    assessment.assess_data_set(web_settings, engine, as_of=date(2025, 6, 1), actor="t")
    sock = bind("127.0.0.1", 0)
    port = sock.getsockname()[1]
    uvicorn_server = make_server(web_settings, "127.0.0.1", port, engine)
    thread = threading.Thread(target=uvicorn_server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{url}/healthz", timeout=1).status_code == 200:
                break
        except httpx.HTTPError:
            time.sleep(0.05)
    else:  # pragma: no cover - a server that never came up
        pytest.fail("the server did not answer /healthz within 20 s")
    yield Server(url, code, pin, STAFF["supplier_admin"][0], PASSWORD)
    uvicorn_server.should_exit = True
    thread.join(timeout=10)
    sock.close()


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    if not Path(CHROMIUM).exists():
        pytest.skip(f"no chromium binary at {CHROMIUM}; install Debian's chromium (scripts/setup)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True
        )
        yield chromium
        chromium.close()


@pytest.fixture
def screenshots() -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return SCREENSHOTS

"""`fairpath serve --workers 2`: two server processes answer on the one printed address, and
all stop on SIGTERM."""

from __future__ import annotations

import os
import re
import select
import subprocess
import sys
import time

import httpx

from tests.web.conftest import WebSite


def children_of(pid: int) -> list[int]:
    """The processes whose parent is `pid` (Linux /proc)."""
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as stat:
                    fields = stat.read().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == pid:
                found.append(int(entry))
    return found


def test_two_workers_serve_on_one_address_and_stop_together(site: WebSite) -> None:
    env = {
        **os.environ,
        "FAIRPATH_DATA_DIR": str(site.settings.data_dir),
        "FAIRPATH_DATABASE_URL": site.settings.sqlalchemy_url,
    }
    command = [sys.executable, "-c", "from fairpath.cli.main import run; run()"]
    with subprocess.Popen(
        [*command, "serve", "--port", "0", "--workers", "2"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    ) as server:
        try:
            assert server.stdout is not None
            ready, _, _ = select.select([server.stdout], [], [], 60)
            assert ready, "serve printed nothing within 60 s"
            url = re.search(r"serving at (http://127\.0\.0\.1:\d+/)", server.stdout.readline())
            assert url
            base = url.group(1)
            # The workers listen once they have started; until then connections are refused.
            deadline = time.monotonic() + 60
            while True:
                try:
                    assert httpx.get(base + "healthz", timeout=10).json() == {"status": "ok"}
                    break
                except httpx.ConnectError:
                    assert time.monotonic() < deadline, "no worker answered within 60 s"
                    time.sleep(0.2)
            assert len(children_of(server.pid)) == 2
            # Fresh connections, each to whichever worker the kernel picks: all answered.
            login = [httpx.get(base + "login", timeout=10).status_code for _ in range(20)]
            assert login == [200] * 20
        finally:
            server.terminate()
            server.wait(timeout=30)
    # SIGTERM stopped the workers too: nothing answers on the address any more.
    try:
        httpx.get(base + "healthz", timeout=2)
        still_serving = True
    except httpx.HTTPError:
        still_serving = False
    assert not still_serving

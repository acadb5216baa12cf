"""Staff pages, demo accounts, and the `fairpath serve` / `fairpath accounts` commands."""

from __future__ import annotations

import os
import re
import select
import subprocess
import sys
from datetime import date
from pathlib import Path

import httpx
from sqlalchemy import func
from sqlalchemy import select as sql_select
from typer.testing import CliRunner

from fairpath.cli.main import app as cli_app
from fairpath.services import accounts
from fairpath.services.assessment import assess_data_set
from fairpath.storage.models import WorkerRow
from tests.web.conftest import TestClient, WebSite, card_sign_in, page_csrf, sign_in

BAD_CSV = (
    "ref,origin_country,destination_country,sector,employer_ref\n"
    "w-30,NP,MY,manufacturing,kl-bottling\n"
    "w-31,NP,MY,mining,kl-bottling\n"
    "w-32,NP,MY,manufacturing,kl-bottling\n"
)


def rows_of(html: str) -> list[list[str]]:
    body = html.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    return [re.findall(r"<td>(.*?)</td>", row) for row in body.split("</tr>") if "<td>" in row]


def test_an_upload_with_one_bad_row_shows_that_row_and_stores_nothing(site: WebSite) -> None:
    client = site.client("supplier_member")
    with site.engine.connect() as conn:
        before = conn.scalar(sql_select(func.count()).select_from(WorkerRow))
    response = client.post(
        "/upload",
        files={"file": ("workers.csv", BAD_CSV.encode(), "text/csv")},
        data={"csrf_token": page_csrf(client, "/upload")},
    )
    assert response.status_code == 422
    assert "nothing of them was stored" in response.text
    (row,) = rows_of(response.text)
    assert row[:3] == ["workers.csv", "3", "sector"]
    assert "mining" in row[3] or "sector" in row[3]
    with site.engine.connect() as conn:
        assert conn.scalar(sql_select(func.count()).select_from(WorkerRow)) == before
    fixed = BAD_CSV.replace("mining", "manufacturing")
    ok = client.post(
        "/upload",
        files={"file": ("workers.csv", fixed.encode(), "text/csv")},
        data={"csrf_token": page_csrf(client, "/upload")},
    )
    assert ok.status_code == 200
    assert "workers.csv — 3 added" in ok.text


def test_the_dashboard_says_when_nothing_was_assessed_then_shows_findings(site: WebSite) -> None:
    admin = site.client("platform_admin")
    assert "No assessment yet — run <code>fairpath assess</code>" in admin.get("/dashboard").text
    assess_data_set(site.settings, site.engine, as_of=date(2025, 6, 1), actor="test")
    page = admin.get("/dashboard").text
    assert "By ILO forced-labour indicator" in page
    assert "By corridor" in page and "By recruiter" in page and "Remedy" in page
    assert "No assessment yet" not in page
    # A brand sees its two chain workers only pseudonymised: groups that small are withheld.
    brand = site.client("brand_admin").get("/dashboard").text
    assert "fewer than 5 workers — withheld" in brand
    assert "<strong>2</strong> workers" in brand


def test_the_recruiters_page_shows_licence_and_iris_status(shared_site: WebSite) -> None:
    page = shared_site.client("supplier_admin").get("/recruiters").text
    assert "Everest HR" in page and "valid</span> 1234/070/71" in page and "certified" in page
    assert "Village Agent" in page and "no licence on record" in page
    assert "Dhaka Link" not in page  # another chain's recruiter


def test_the_journey_log_page_shows_size_and_checkpoint(shared_site: WebSite) -> None:
    page = TestClient(shared_site.app).get("/journey-log").text
    assert "<dt>Entries</dt><dd>25</dd>" in page
    assert shared_site.settings.log_origin in page


def test_demo_accounts_cover_every_role_and_each_signs_in(site: WebSite) -> None:
    made = accounts.ensure_demo_accounts(site.settings, site.engine)
    roles = {m.role.split(" ")[0] for m in made}
    assert roles == {
        "platform_admin",
        "org_admin",
        "org_member",
        "auditor",
        "case_handler",
        "worker",
    }
    assert any("(acme)" in m.role for m in made)  # the first brand …
    assert any("(dhaka-link)" in m.role for m in made)  # … and the first recruiter
    for demo in made:
        client = TestClient(site.app)
        if demo.role == "worker":
            card_sign_in(client, demo.login, demo.secret.removeprefix("PIN "))
            assert client.get("/my").status_code == 200
        else:
            sign_in(client, demo.login, demo.secret)
            assert client.get("/dashboard").status_code == 200
    again = accounts.ensure_demo_accounts(site.settings, site.engine)  # idempotent, new secrets
    sign_in(TestClient(site.app), again[0].login, again[0].secret)


def test_accounts_commands_create_users_and_cards(site: WebSite) -> None:
    runner = CliRunner()
    env = {
        "FAIRPATH_DATA_DIR": str(site.settings.data_dir),
        "FAIRPATH_DATABASE_URL": site.settings.sqlalchemy_url,
        "FAIRPATH_PASSWORD_HASHING": "cheapest",
        "FAIRPATH_NEW_PASSWORD": "a long enough password",
    }
    made = runner.invoke(cli_app, ["accounts", "create-admin", "root@test"], env=env)
    assert made.exit_code == 0, made.output
    user = runner.invoke(
        cli_app,
        ["accounts", "add-user", "clerk@test", "--role", "org_member", "--org", "penang-caps"],
        env=env,
    )
    assert user.exit_code == 0, user.output
    short = runner.invoke(
        cli_app,
        ["accounts", "add-user", "x@test", "--role", "auditor", "--password", "short"],
        env=env,
    )
    assert short.exit_code == 1 and "at least 12 characters" in str(short.exception)
    card = runner.invoke(
        cli_app, ["accounts", "card", "issue", "w-1", "--issued-by", "kl-bottling"], env=env
    )
    assert card.exit_code == 0, card.output
    code = re.search(r"card code: (\S+)", card.output)
    pin = re.search(r"PIN:\s+(\d+)", card.output)
    assert code and pin
    client = TestClient(site.app)
    card_sign_in(client, code.group(1), pin.group(1))
    assert client.get("/api/v1/me").json()["worker_ref"] == "w-1"
    sign_in(TestClient(site.app), "clerk@test", "a long enough password")
    revoked = runner.invoke(cli_app, ["accounts", "card", "revoke", "w-1"], env=env)
    assert "1 card(s) of w-1 revoked" in revoked.output
    assert client.get("/api/v1/me").status_code == 401


def test_fairpath_serve_prints_its_url_and_serves(site: WebSite, tmp_path: Path) -> None:
    env = {
        **os.environ,
        "FAIRPATH_DATA_DIR": str(site.settings.data_dir),
        "FAIRPATH_DATABASE_URL": site.settings.sqlalchemy_url,
    }
    command = [sys.executable, "-c", "from fairpath.cli.main import run; run()"]
    with subprocess.Popen(
        [*command, "serve", "--port", "0"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    ) as server:
        try:
            assert server.stdout is not None
            ready, _, _ = select.select([server.stdout], [], [], 20)
            assert ready, "serve printed nothing within 20 s"
            line = server.stdout.readline()
            url = re.search(r"serving at (http://127\.0\.0\.1:\d+/)", line)
            assert url, line
            health = httpx.get(url.group(1) + "healthz", timeout=10)
            assert health.json() == {"status": "ok"}
            assert "strict-transport-security" not in health.headers
        finally:
            server.terminate()
            server.wait(timeout=10)

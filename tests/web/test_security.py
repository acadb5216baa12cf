"""Security behaviour a person (or an attacker) would notice: headers, cookies, CSRF, Origin,
sign-in throttling, session expiry and sign-out, API tokens, worker cards, the log's files,
no personal data in server logs, and no traceback ever shown."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest

from fairpath.services import access, accounts
from fairpath.web.app import create_app
from tests.web.conftest import PASSWORD, TestClient, WebSite, page_csrf, sign_in
from tests.web.data import NAMES, PASSPORTS

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "frame-ancestors 'none'; form-action 'self'; base-uri 'none'"
)


def assert_secure_headers(response: object, *, hsts: bool) -> None:
    headers = response.headers  # type: ignore[attr-defined]
    assert headers["content-security-policy"].startswith(CSP)
    assert "unsafe-inline" not in headers["content-security-policy"]
    assert headers["x-frame-options"] == "DENY"
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["referrer-policy"] == "no-referrer"
    assert ("strict-transport-security" in headers) == hsts


def test_every_kind_of_response_carries_the_security_headers(shared_site: WebSite) -> None:
    client = shared_site.client("platform_admin")
    for path in ("/dashboard", "/api/v1/workers", "/static/style.css", "/log/checkpoint"):
        assert_secure_headers(client.get(path), hsts=False)
    assert_secure_headers(client.get("/no-such-page"), hsts=False)
    assert_secure_headers(client.get("/api/v1/workers/nobody"), hsts=False)


def test_pages_have_no_inline_script(shared_site: WebSite) -> None:
    client = shared_site.client("platform_admin")
    for path in ("/login", "/dashboard", "/workers", "/workers/w-1", "/upload", "/tokens"):
        html = client.get(path).text
        assert "<script" not in html and " on" + "click=" not in html, path


def test_https_deployments_get_hsts_and_secure_host_cookies(shared_site: WebSite) -> None:
    settings = shared_site.settings.model_copy(update={"https": True})
    client = TestClient(create_app(settings, shared_site.engine), base_url="https://testserver")
    response = client.get("/login")
    assert_secure_headers(response, hsts=True)
    sign_in(client, "admin@test", PASSWORD)
    cookie = next(c for c in client.cookies.jar if c.name.startswith("__Host-fairpath_session"))
    assert cookie.secure
    assert client.get("/dashboard").status_code == 200


def test_the_session_cookie_is_httponly_and_samesite_lax(shared_site: WebSite) -> None:
    client = TestClient(shared_site.app)
    token = page_csrf(client, "/login")
    response = client.post(
        "/login",
        data={"login": "admin@test", "password": PASSWORD, "csrf_token": token},
        follow_redirects=False,
    )
    cookie = response.headers["set-cookie"]
    assert cookie.startswith("fairpath_session=")
    assert "HttpOnly" in cookie and "SameSite=lax" in cookie
    assert "Secure" not in cookie  # plain-HTTP deployment; HTTPS adds it (test above)


def test_a_form_without_the_csrf_token_is_refused_and_changes_nothing(site: WebSite) -> None:
    client = site.client("platform_admin")
    for token in ("", "forged-token"):
        response = client.post("/tokens", data={"name": "sneaky", "csrf_token": token})
        assert response.status_code == 403
        assert "reload the page" in response.text
    assert accounts.api_tokens(site.engine, 1) == []
    # the genuine token works
    ok = client.post("/tokens", data={"name": "real", "csrf_token": page_csrf(client)})
    assert ok.status_code == 201


def test_the_api_needs_the_csrf_header_with_a_cookie_but_not_with_a_token(site: WebSite) -> None:
    client = site.client("platform_admin")
    files = {"file": ("x.jsonl", b"", "application/jsonl")}
    refused = client.post("/api/v1/imports", files=files)
    assert refused.status_code == 403
    assert refused.headers["content-type"] == "application/problem+json"
    token = accounts.create_api_token(site.engine, 1, "integration")
    bare = TestClient(site.app)
    response = bare.post(
        "/api/v1/imports", files=files, headers={"Authorization": f"Bearer {token}"}
    )
    assert response.status_code != 403  # an empty file, but not refused as cross-site


def test_a_post_from_another_origin_is_refused_even_with_the_token(site: WebSite) -> None:
    client = site.client("platform_admin")
    csrf = page_csrf(client)
    for headers in ({"Origin": "https://evil.example"}, {"Sec-Fetch-Site": "cross-site"}):
        response = client.post("/tokens", data={"name": "x", "csrf_token": csrf}, headers=headers)
        assert response.status_code == 403
    same = client.post(
        "/tokens",
        data={"name": "x", "csrf_token": csrf},
        headers={"Origin": "http://testserver", "Sec-Fetch-Site": "same-origin"},
    )
    assert same.status_code == 201


def test_sign_in_is_throttled_per_account_with_a_clear_message(site: WebSite) -> None:
    client = TestClient(site.app)
    for _ in range(site.settings.login_max_failures):
        token = page_csrf(client, "/login")
        response = client.post(
            "/login", data={"login": "admin@test", "password": "wrong", "csrf_token": token}
        )
        assert response.status_code == 401
        assert "not right" in response.text
    token = page_csrf(client, "/login")
    locked = client.post(
        "/login", data={"login": "admin@test", "password": PASSWORD, "csrf_token": token}
    )
    assert locked.status_code == 429
    assert "too many failed sign-ins; wait 15 minute(s)" in locked.text
    # another account from the same address still signs in
    sign_in(client, "brand-admin@test", PASSWORD)
    # and the lockout ends when its window has passed
    later = datetime.now(UTC) + timedelta(minutes=16)
    account = accounts.authenticate_password(
        site.settings, site.engine, "admin@test", PASSWORD, ip="testclient", now=later
    )
    assert account == 1


def test_sign_in_is_throttled_per_ip_address(site: WebSite) -> None:
    settings = site.settings.model_copy(update={"login_max_failures_per_ip": 3})
    for n in range(3):
        with pytest.raises(accounts.LoginRefused):
            accounts.authenticate_password(
                settings, site.engine, f"nobody-{n}@test", "x", ip="203.0.113.9"
            )
    with pytest.raises(accounts.LoginThrottled):
        accounts.authenticate_password(
            settings, site.engine, "admin@test", PASSWORD, ip="203.0.113.9"
        )
    assert accounts.authenticate_password(
        settings, site.engine, "admin@test", PASSWORD, ip="198.51.100.1"
    )


def test_an_expired_session_and_a_signed_out_one_open_nothing(site: WebSite) -> None:
    past = datetime.now(UTC) - timedelta(hours=site.settings.session_hours + 1)
    token, _ = accounts.start_session(site.settings, site.engine, 1, now=past)
    client = TestClient(site.app)
    client.cookies.set("fairpath_session", token)
    response = client.get("/dashboard", follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"].startswith("/login")
    assert client.get("/api/v1/me").status_code == 401

    client = site.client("platform_admin")
    cookie = client.cookies["fairpath_session"]
    out = client.post("/logout", data={"csrf_token": page_csrf(client)}, follow_redirects=False)
    assert out.status_code == 303
    replay = TestClient(site.app)
    replay.cookies.set("fairpath_session", cookie)
    assert replay.get("/api/v1/me").status_code == 401


def test_an_api_token_is_shown_once_works_as_bearer_and_stops_when_revoked(site: WebSite) -> None:
    client = site.client("supplier_admin")
    made = client.post("/tokens", data={"name": "payroll", "csrf_token": page_csrf(client)})
    token = made.text.split('class="wrap token">')[1].split("<")[0]
    assert token.startswith("fp_")
    assert token not in client.get("/tokens").text  # listed by name and last characters only
    api = TestClient(site.app)
    bearer = {"Authorization": f"Bearer {token}"}
    me = api.get("/api/v1/me", headers=bearer).json()
    assert me["login"] == "supplier-admin@test"
    listed = {w["ref"] for w in api.get("/api/v1/workers", headers=bearer).json()["items"]}
    assert listed == {"w-1", "w-2"}  # the token has its account's tenancy, no more
    (info,) = accounts.api_tokens(site.engine, me_id(site, "supplier-admin@test"))
    client.post(f"/tokens/{info.id}/revoke", data={"csrf_token": page_csrf(client)})
    assert api.get("/api/v1/me", headers=bearer).status_code == 401
    assert api.get("/api/v1/me", headers={"Authorization": "Bearer fp_made-up"}).status_code == 401


def me_id(site: WebSite, login: str) -> int:
    from sqlalchemy import select

    from fairpath.storage.accounts import AccountRow

    with site.engine.connect() as conn:
        return int(conn.scalar(select(AccountRow.id).where(AccountRow.login == login)) or 0)


def test_a_lost_card_is_revoked_and_a_new_one_works(site: WebSite) -> None:
    worker = site.client("worker")
    assert worker.get("/api/v1/me").json()["worker_ref"] == "w-2"
    accounts.revoke_cards(site.engine, "w-2", actor="test")
    assert worker.get("/api/v1/me").status_code == 401  # the open session ended too
    old = TestClient(site.app)
    token = page_csrf(old, "/card")
    refused = old.post(
        "/card", data={"code": site.card_code, "pin": site.card_pin, "csrf_token": token}
    )
    assert refused.status_code == 401
    card = accounts.issue_card(
        site.settings, site.engine, "w-2", issued_by="migrant-aid", actor="t"
    )
    new = TestClient(site.app)
    token = page_csrf(new, "/card")
    # card codes are read off paper: lower case and spaces are fine
    code = card.code.lower().replace("-", " ")
    ok = new.post("/card", data={"code": code, "pin": card.pin, "csrf_token": token})
    assert ok.status_code == 200
    assert "मेरो यात्रा" in ok.text  # "My journey": w-2's record says Nepali (docs/i18n.md)


def test_log_files_are_cached_by_kind_and_nothing_else_is_served(site: WebSite) -> None:
    root = site.settings.log_dir
    (root / "tile" / "0").mkdir(parents=True, exist_ok=True)
    (root / "tile" / "0" / "001").write_bytes(b"\x00" * 32 * 256)
    (root / "tile" / "0" / "002.p").mkdir(exist_ok=True)
    (root / "tile" / "0" / "002.p" / "7").write_bytes(b"\x00" * 32 * 7)
    (site.settings.data_dir / "secret.txt").write_text("not for the web")
    client = TestClient(site.app)
    full = client.get("/log/tile/0/001")
    assert full.status_code == 200 and len(full.content) == 8192
    assert full.headers["cache-control"] == "public, max-age=31536000, immutable"
    partial = client.get("/log/tile/0/002.p/7")
    assert "immutable" not in partial.headers["cache-control"]
    checkpoint = client.get("/log/checkpoint")
    assert checkpoint.headers["cache-control"] == "no-cache"
    assert checkpoint.text.startswith(site.settings.log_origin)
    for path in ("/log/../secret.txt", "/log/%2e%2e/secret.txt", "/log/tile/../../secret.txt"):
        response = client.get(path)
        assert response.status_code == 404 and "not for the web" not in response.text


def test_no_personal_data_reaches_the_server_log(
    shared_site: WebSite, server_log: list[logging.LogRecord]
) -> None:
    records = server_log
    client = shared_site.client("platform_admin")
    client.get("/api/v1/workers", params={"employer": NAMES["w-1"], "site": PASSPORTS["w-1"]})
    client.get("/workers", params={"employer": NAMES["w-2"]})
    shown = client.get("/workers/w-1", params={"personal": "1"})
    assert NAMES["w-1"] in shown.text  # the page carries personal data …
    client.get("/api/v1/workers/w-3", params={"personal_data": "true"})
    client.get(f"/api/v1/workers/{PASSPORTS['w-2']}")  # a passport number typed as a reference
    TestClient(shared_site.app).post(
        "/login", data={"login": NAMES["w-3"], "password": PASSWORD, "csrf_token": "x"}
    )
    # Everything the server side logged (the test's own HTTP client logs its URLs; skip it).
    logged = "\n".join(f"{r.name} {r.getMessage()} {r.exc_text or ''}" for r in records)
    assert "GET /api/v1/workers/{ref} 404" in logged  # … the log says what happened …
    for secret in [*NAMES.values(), *PASSPORTS.values(), PASSWORD]:
        assert secret not in logged  # … and nothing about whom


def test_an_unexpected_error_shows_a_sentence_not_a_traceback(
    shared_site: WebSite, monkeypatch: pytest.MonkeyPatch, server_log: list[logging.LogRecord]
) -> None:
    records = server_log

    def broken(*_args: object, **_kwargs: object) -> None:
        raise RuntimeError(f"database said: {NAMES['w-1']} {PASSPORTS['w-1']}")

    monkeypatch.setattr(access, "list_workers", broken)
    client = shared_site.client("platform_admin")
    api = client.get("/api/v1/workers")
    assert api.status_code == 500
    assert api.headers["content-type"] == "application/problem+json"
    assert api.json()["detail"].startswith("fairpath failed unexpectedly")
    page = client.get("/workers")
    assert page.status_code == 500
    server_log = "\n".join(f"{r.getMessage()} {r.exc_text or ''}" for r in records)
    for text in (api.text, page.text, server_log):
        assert "Traceback" not in text and NAMES["w-1"] not in text
    assert "unexpected RuntimeError on GET /api/v1/workers" in server_log


def test_sign_in_returns_only_to_a_page_of_this_site(shared_site: WebSite) -> None:
    asked = TestClient(shared_site.app).get("/workers/w-1", follow_redirects=False)
    assert asked.headers["location"] == "/login?next=/workers/w-1"
    for target, landing in (("/workers/w-1", "/workers/w-1"), ("//evil.example/", "/dashboard")):
        client = TestClient(shared_site.app)
        token = page_csrf(client, "/login")
        response = client.post(
            "/login",
            data={"login": "admin@test", "password": PASSWORD, "csrf_token": token, "next": target},
            follow_redirects=False,
        )
        assert response.headers["location"] == landing


class _Records(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


@pytest.fixture
def server_log(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[logging.LogRecord]]:
    """Every record the server's own loggers (`fairpath.*`) emit during the test.

    A handler on the `fairpath` logger itself, so that it sees them whatever logging setup an
    earlier test in this process left behind (`serve` stops them propagating to the root).
    """
    handler = _Records()
    top = logging.getLogger("fairpath")
    for name in ("fairpath.web", "fairpath.web.access", "fairpath.web.error"):
        logger = logging.getLogger(name)
        monkeypatch.setattr(logger, "propagate", True)
        monkeypatch.setattr(logger, "disabled", False)
    old_level = top.level
    top.setLevel(logging.DEBUG)  # setLevel (not setattr) also clears the loggers' level caches
    top.addHandler(handler)
    try:
        yield handler.records
    finally:
        top.removeHandler(handler)
        top.setLevel(old_level)

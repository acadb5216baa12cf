"""Portal pages kept rendered (web.rendering.PageCache) behave exactly as pages rendered anew:
a worker sees new records at once, never another worker's page, nothing after signing out, and
the kept page is byte for byte the page the app renders without the cache."""

from __future__ import annotations

from pathlib import Path

from fairpath.services import access, accounts
from fairpath.services.importing import import_paths
from fairpath.services.tenancy import Principal, Role
from fairpath.services.workers import erase_worker
from fairpath.web.app import create_app
from fairpath.web.rendering import PageCache
from tests.browser.data import portal_records
from tests.services.data import write_jsonl
from tests.web.conftest import TestClient, WebSite, card_sign_in


def english_worker(site: WebSite) -> TestClient:
    client = site.client("worker")
    client.cookies.set("fairpath_lang", "en")
    return client


def test_a_new_record_shows_on_the_next_visit(site: WebSite, tmp_path: Path) -> None:
    client = english_worker(site)
    assert "No contract is recorded for you yet." in client.get("/my/contract").text
    assert "No contract is recorded for you yet." in client.get("/my/contract").text  # kept
    records = write_jsonl(tmp_path / "w2.jsonl", portal_records())
    import_paths(site.settings, site.engine, [records], actor="test")
    page = client.get("/my/contract").text
    assert "No contract is recorded for you yet." not in page
    assert "Worse than promised" in page


def test_each_worker_gets_only_their_own_page(site: WebSite) -> None:
    w2 = english_worker(site)
    assert "Your reference: w-2" in w2.get("/my").text
    card = accounts.issue_card(site.settings, site.engine, "w-1", issued_by="kl", actor="test")
    w1 = TestClient(site.app, raise_server_exceptions=False)
    w1.cookies.set("fairpath_lang", "en")
    card_sign_in(w1, card.code, card.pin)
    page = w1.get("/my").text
    assert "Your reference: w-1" in page and "w-2" not in page
    assert "Your reference: w-2" in w2.get("/my").text


def test_nothing_is_served_after_signing_out(site: WebSite) -> None:
    client = english_worker(site)
    assert client.get("/my/contract").status_code == 200
    form = client.get("/my").text
    token = form.split('name="csrf_token" value="', 1)[1].split('"', 1)[0]
    client.post("/logout", data={"csrf_token": token}, follow_redirects=False)
    again = client.get("/my/contract", follow_redirects=False)
    assert again.status_code == 303 and again.headers["location"] == "/card"


def test_the_version_a_kept_page_is_checked_against_moves_with_every_change(
    site: WebSite, tmp_path: Path
) -> None:
    principal = Principal(
        account_id=0, login="w", display_name="w", role=Role.WORKER, worker_ref="w-2"
    )

    def version() -> str:
        own = access.own_record_version(site.engine, principal)
        assert own is not None and own.languages == ("ne",)
        return own.version

    before = version()
    assert version() == before
    records = write_jsonl(tmp_path / "w2.jsonl", portal_records())
    import_paths(site.settings, site.engine, [records], actor="test")
    imported = version()
    assert imported != before
    erase_worker(site.settings, site.engine, "w-2", actor="test")
    assert version() != imported


def test_a_kept_page_is_the_page_rendered_anew(site: WebSite, tmp_path: Path) -> None:
    records = write_jsonl(tmp_path / "w2.jsonl", portal_records())
    import_paths(site.settings, site.engine, [records], actor="test")
    client = english_worker(site)
    first = client.get("/my/contract").text
    kept = client.get("/my/contract").text
    uncached = TestClient(create_app(site.settings, site.engine, page_cache=0))
    uncached.cookies.update(client.cookies)
    for path in ("/my", "/my/contract", "/my/fees", "/my/documents", "/my/receipts", "/my/rights"):
        assert client.get(path).text == uncached.get(path).text, path
    assert first == kept


def test_the_cache_keeps_at_most_its_bound_dropping_the_least_recently_used() -> None:
    cache = PageCache(2)
    cache.put(("a",), b"A")
    cache.put(("b",), b"B")
    assert cache.get(("a",)) == b"A"  # a is now the most recently used
    cache.put(("c",), b"C")
    assert cache.get(("b",)) is None
    assert cache.get(("a",)) == b"A" and cache.get(("c",)) == b"C"
    off = PageCache(0)
    off.put(("a",), b"A")
    assert off.get(("a",)) is None

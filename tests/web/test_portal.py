"""The worker portal as a worker uses it: the contract with the substituted terms marked in
words, fees against the law, pay checked and remedy owed, documents, rights with sources,
receipts downloaded and checked in the page — in the worker's language, light enough for 2G."""

from __future__ import annotations

import html
import json
import re
from collections.abc import Iterator
from datetime import date

import pytest

from fairpath.services import assessment
from fairpath.services.importing import import_paths
from tests.browser.data import PROMISED, portal_records
from tests.services.data import write_jsonl
from tests.web.conftest import TestClient, WebSite, page_csrf

PAGES = [
    "/my",
    "/my/contract",
    "/my/fees",
    "/my/pay",
    "/my/documents",
    "/my/receipts",
    "/my/rights",
]
#: The issue's budget for a page on 2G: HTML and style sheet together, uncompressed.
PAGE_BUDGET = 50 * 1024


@pytest.fixture(scope="module")
def portal(shared_site: WebSite, tmp_path_factory: pytest.TempPathFactory) -> Iterator[WebSite]:
    """The chain plus w-2's substituted contract, passport, payslip; one assessment run."""
    folder = tmp_path_factory.mktemp("portal")
    site = shared_site
    import_paths(
        site.settings, site.engine, [write_jsonl(folder / "w2.jsonl", portal_records())], actor="t"
    )
    assessment.assess_data_set(site.settings, site.engine, as_of=date(2025, 6, 1), actor="t")
    yield site


def worker(site: WebSite, lang: str | None = None) -> TestClient:
    client = site.client("worker")
    if lang:
        client.cookies.set("fairpath_lang", lang)
    return client


def text_of(page: str) -> str:
    main = page[page.index("<main") :]
    return html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", main)))


def test_the_contract_marks_each_worse_term_in_words(portal: WebSite) -> None:
    page = worker(portal, "en").get("/my/contract")
    assert page.status_code == 200
    body = page.text
    worse = re.findall(r'<li class="p-term p-worse">\s*<h2>([^<]+)', body)
    assert [w.strip() for w in worse] == [
        "Wage",
        "Pay per hour of normal work",
        "Normal hours a week",
        "Length of contract",
        "Housing",
    ]
    assert body.count("Worse than promised") == 5  # in words, not by colour alone
    text = text_of(body)
    assert "5 term(s) got worse than promised" in text
    assert "Promised 48 hours Signed 60 hours" in text
    assert "Promised free Signed taken from your pay" in text
    assert "You were not given a copy of the contract." in text


def test_the_contract_in_nepali_by_the_workers_record(portal: WebSite) -> None:
    body = worker(portal).get("/my/contract").text  # no cookie: w-2's record says Nepali
    assert '<html lang="ne" dir="ltr">' in body
    assert body.count("वाचाभन्दा खराब") == 5
    assert "2025 जनवरी 5" in body  # the promise's date, the month in Nepali
    assert "Worse than promised" not in body


def test_fees_are_set_against_the_origin_countrys_cap(portal: WebSite) -> None:
    text = text_of(worker(portal, "en").get("/my/fees").text)
    assert "NPR90,000.00 — service fee, paid to recruitment agency" in text
    assert "The law allows at most NPR10,000.00 for the agency's fees." in text
    assert "Source: Nepal MoLE decision (Free Visa Free Ticket)" in text


def test_pay_shows_what_is_owed_and_why(portal: WebSite) -> None:
    text = text_of(worker(portal, "en").get("/my/pay").text)
    run = assessment.latest_run(portal.engine, "w-2")
    assert run is not None
    summary = assessment.remedy_summary(portal.engine, run.id, "w-2").currencies["MYR"]
    assert f"Owed to you: MYR{summary.owed:,.2f}" in text
    assert "Paid less than the minimum wage — owed: MYR200.00" in text
    assert "Your contract was changed for the worse" in text
    assert "Paid on March 20, 2025" in text


def test_documents_held_are_flagged_and_rights_cite_their_source(portal: WebSite) -> None:
    client = worker(portal, "en")
    docs = text_of(client.get("/my/documents").text)
    assert "Held by the employer since February 3, 2025." in docs
    assert "You cannot get it back when you ask." in docs
    rights = text_of(client.get("/my/rights").text)
    assert "Minimum wage: MYR1,700.00 a month." in rights
    assert "Source: Minimum Wages Order 2024" in rights
    assert "Your employer may not keep your passport." in rights
    home = text_of(client.get("/my").text)
    assert "5 term(s) of your contract got worse." in home
    assert "Someone holds 1 of your documents." in home
    assert 'href="/my/grievances/new"' in client.get("/my").text


def test_a_receipt_downloads_and_verifies_in_the_page(portal: WebSite) -> None:
    client = worker(portal, "en")
    download = client.get(f"/my/receipts/{PROMISED}")
    assert download.status_code == 200
    assert "attachment" in download.headers["content-disposition"]
    receipt = download.text
    assert json.loads(receipt)  # a JSON receipt file
    csrf = page_csrf(client, "/my/receipts")
    checked = client.post(
        "/my/receipts/verify",
        data={"csrf_token": csrf},
        files={"file": ("receipt.json", receipt.encode(), "application/json")},
    )
    text = text_of(checked.text)
    assert "This receipt is valid." in text
    assert "What Contract signed" in text
    assert "Date January 5, 2025" in text
    assert "When before you left" in text
    pasted = client.post("/my/receipts/verify", data={"csrf_token": csrf, "receipt": receipt})
    assert "This receipt is valid." in pasted.text
    forged = receipt.replace("1800.00", "2800.00")
    assert forged != receipt
    refused = client.post("/my/receipts/verify", data={"csrf_token": csrf, "receipt": forged})
    assert refused.status_code == 200
    assert "This receipt is NOT valid." in refused.text
    assert "This receipt is valid." not in refused.text


def test_receipts_only_for_the_workers_own_records(portal: WebSite) -> None:
    client = worker(portal, "en")
    assert client.get("/my/receipts/e-1").status_code == 404  # w-1's fee
    assert client.get("/my/receipts/e-2").status_code == 200  # w-2's own fee
    listed = client.get("/my/receipts").text
    assert "/my/receipts/e-2" in listed and '/my/receipts/e-1"' not in listed


def test_a_verification_without_a_receipt_or_token_is_refused(portal: WebSite) -> None:
    client = worker(portal, "en")
    csrf = page_csrf(client, "/my/receipts")
    empty = client.post("/my/receipts/verify", data={"csrf_token": csrf, "receipt": " "})
    assert empty.status_code == 422
    assert "Choose a receipt file or paste one." in empty.text
    assert client.post("/my/receipts/verify", data={"receipt": "x"}).status_code == 403


@pytest.mark.parametrize("path", PAGES)
def test_each_page_fits_the_2g_budget_and_needs_no_script(portal: WebSite, path: str) -> None:
    client = worker(portal, "my")  # Burmese: the most bytes per letter in UTF-8
    page = client.get(path)
    css = client.get("/static/style.css")
    assert page.status_code == 200
    assert len(page.content) + len(css.content) <= PAGE_BUDGET, len(page.content)
    assert "<script" not in page.text
    assert 'lang="my"' in page.text


def test_the_switcher_remembers_the_choice_and_stays_on_this_site(portal: WebSite) -> None:
    client = worker(portal)
    chosen = client.get("/language/bn?next=/my/rights", follow_redirects=False)
    assert chosen.status_code == 303
    assert chosen.headers["location"] == "/my/rights"
    assert "fairpath_lang=bn" in chosen.headers["set-cookie"]
    assert "HttpOnly" in chosen.headers["set-cookie"]
    assert '<html lang="bn"' in client.get("/my/rights").text
    away = client.get("/language/vi?next=//evil.example/x", follow_redirects=False)
    assert away.headers["location"] == "/my"


def test_staff_use_their_own_pages_and_strangers_sign_in_with_a_card(portal: WebSite) -> None:
    staff = portal.client("supplier_admin")
    assert staff.get("/my/contract").status_code == 403
    anonymous = portal.client("anonymous")
    moved = anonymous.get("/my/contract", follow_redirects=False)
    assert (moved.status_code, moved.headers["location"]) == (303, "/card")


def test_the_card_page_and_its_refusal_speak_the_browsers_language(portal: WebSite) -> None:
    client = portal.client("anonymous")
    page = client.get("/card", headers={"Accept-Language": "hi-IN,hi;q=0.9,en;q=0.5"})
    assert "अपने कामगार कार्ड से साइन इन करें" in page.text
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    assert token
    refused = client.post(
        "/card",
        data={"code": "NOPE", "pin": "000000", "csrf_token": token.group(1)},
        headers={"Accept-Language": "hi"},
    )
    assert refused.status_code == 401
    assert "कार्ड कोड या पिन सही नहीं है" in refused.text


def test_a_right_to_left_page_is_marked_rtl(portal: WebSite) -> None:
    page = worker(portal, "ar").get("/my/contract")
    assert '<html lang="ar" dir="rtl">' in page.text


def test_record_values_are_escaped_not_markup(portal: WebSite) -> None:
    page = worker(portal, "en").get("/my/receipts/<script>x</script>")
    assert page.status_code == 404
    assert "<script>x" not in page.text


def test_the_sites_own_forms_post_under_no_referrer(portal: WebSite) -> None:
    """`Referrer-Policy: no-referrer` makes browsers send `Origin: null` on every POST; the
    Origin check then trusts `Sec-Fetch-Site` (found by the browser test: no form worked)."""
    client = worker(portal, "en")
    csrf = page_csrf(client, "/my/receipts")
    same = {"Origin": "null", "Sec-Fetch-Site": "same-origin"}
    other = {"Origin": "null", "Sec-Fetch-Site": "cross-site"}
    form = {"csrf_token": csrf, "receipt": "x"}
    assert client.post("/my/receipts/verify", data=form, headers=same).status_code == 200
    assert client.post("/my/receipts/verify", data=form, headers=other).status_code == 403

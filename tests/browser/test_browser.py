"""In real Chromium: a worker on a phone reads their contract in Nepali, finds the substituted
terms, downloads a receipt and checks it in the page; a compliance manager uploads a CSV with
one bad row, sees that row's problem, then opens the dashboard. Screenshots are saved under
test-artifacts/screenshots/."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.browser.conftest import Server

pytestmark = pytest.mark.browser

PHONE = {"width": 360, "height": 740}
BAD_CSV = (
    "ref,origin_country,destination_country,sector,employer_ref\n"
    "w-40,NP,MY,manufacturing,kl-bottling\n"
    "w-41,NP,MY,mining,kl-bottling\n"
)


def no_horizontal_scroll(page: Any) -> bool:
    return bool(page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1"))


def test_a_worker_on_a_phone_reads_the_contract_in_nepali_and_checks_a_receipt(
    server: Server, browser: Any, screenshots: Path, tmp_path: Path
) -> None:
    context = browser.new_context(
        viewport=PHONE, device_scale_factor=2, is_mobile=True, has_touch=True, accept_downloads=True
    )
    page = context.new_page()
    page.goto(f"{server.url}/my")  # not signed in: the card sign-in page
    assert page.url.endswith("/card")
    page.get_by_role("link", name="नेपाली").click()  # the switcher: a plain link
    assert page.locator("html").get_attribute("lang") == "ne"
    page.get_by_label("कार्ड कोड").fill(server.card_code)
    page.get_by_label("पिन").fill(server.card_pin)
    page.screenshot(path=str(screenshots / "worker-1-card-ne.png"), full_page=True)
    page.get_by_role("button", name="साइन इन गर्नुहोस्").click()
    page.wait_for_url(f"{server.url}/my")
    assert "तपाईंको करारका 5 वटा सर्त खराब भए।" in page.inner_text("main")
    page.screenshot(path=str(screenshots / "worker-2-home-ne.png"), full_page=True)

    page.get_by_role("link", name="मेरो करार").first.click()
    page.wait_for_url(f"{server.url}/my/contract")
    worse = page.locator(".p-worse")
    assert worse.count() == 5
    hours = worse.filter(has_text="हप्तामा सामान्य काम घण्टा")
    assert hours.count() == 1
    assert "वाचाभन्दा खराब" in hours.inner_text()  # said in words …
    border = hours.evaluate("e => getComputedStyle(e).borderInlineStartColor")
    assert border == "rgb(166, 27, 27)"  # … and marked, not by colour alone
    assert "60 घण्टा" in hours.inner_text() and "48 घण्टा" in hours.inner_text()
    assert no_horizontal_scroll(page), "the contract page scrolls sideways on a 360 px phone"
    page.screenshot(path=str(screenshots / "worker-3-contract-ne.png"), full_page=True)

    page.goto(f"{server.url}/my/receipts")
    link = page.locator('a[href="/my/receipts/e-w2-arrival"]')
    with page.expect_download() as download_info:
        link.click()
    receipt = tmp_path / "receipt.json"
    download_info.value.save_as(receipt)
    assert receipt.stat().st_size > 100
    page.set_input_files("#file", str(receipt))
    page.screenshot(path=str(screenshots / "worker-4-receipts-ne.png"), full_page=True)
    page.get_by_role("button", name="जाँच्नुहोस्").click()
    page.wait_for_url(f"{server.url}/my/receipts/verify")
    result = page.inner_text("main")
    assert "यो रसिद मान्य छ।" in result
    assert "करारमा सही गरियो" in result  # the record in plain words: a contract signed
    assert "आइपुग्दा" in result  # … on arrival
    assert no_horizontal_scroll(page)
    page.screenshot(path=str(screenshots / "worker-5-verified-ne.png"), full_page=True)
    context.close()


def test_a_compliance_manager_uploads_a_csv_with_a_bad_row_then_views_the_dashboard(
    server: Server, browser: Any, screenshots: Path, tmp_path: Path
) -> None:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.goto(f"{server.url}/login")
    page.get_by_label("Login").fill(server.staff_login)
    page.get_by_label("Password").fill(server.password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{server.url}/dashboard")

    page.goto(f"{server.url}/upload")
    csv = tmp_path / "workers.csv"
    csv.write_text(BAD_CSV)
    page.set_input_files("#file", str(csv))
    page.get_by_role("button", name="Upload and import").click()
    rows = page.locator("table tbody tr")
    assert rows.count() == 1
    cells = rows.first.locator("td").all_inner_texts()
    assert cells[:3] == ["workers.csv", "3", "sector"]
    assert page.get_by_role("alert").is_visible()
    page.screenshot(path=str(screenshots / "manager-1-upload-error.png"), full_page=True)

    page.get_by_role("link", name="Dashboard").click()
    page.wait_for_url(f"{server.url}/dashboard")
    assert page.get_by_role("heading", level=1).inner_text()
    main = page.inner_text("main")
    assert "CONTRACT_SUBSTITUTION" in main or "FL02" in main
    page.screenshot(path=str(screenshots / "manager-2-dashboard.png"), full_page=True)
    context.close()

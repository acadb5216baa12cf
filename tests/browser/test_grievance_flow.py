"""In real Chromium: a worker on a phone files an anonymous grievance in Bengali; the platform
admin assigns it; the case handler acknowledges, investigates and proposes a remedy; the worker
accepts, the handler delivers, the worker confirms receiving it; the grievance dashboard counts
it as worker-confirmed. Screenshots: test-artifacts/screenshots/grievance-*.png."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from tests.browser.conftest import Server
from tests.web.conftest import PASSWORD, STAFF

pytestmark = pytest.mark.browser

PHONE = {"width": 360, "height": 740}
WORDS = "দালাল আমার কাছ থেকে অনেক টাকা নিয়েছে, কোনো রসিদ দেয়নি।"


def fits(page: Any) -> bool:
    return bool(page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1"))


def staff_page(browser: Any, server: Server, login: str) -> Any:
    page = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    page.goto(f"{server.url}/login")
    page.fill("input[name=login]", login)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{server.url}/dashboard")
    return page


def staff_step(page: Any, action: str, **fields: str) -> None:
    form = page.locator(f"form:has(input[name=action][value={action}])")
    for name, value in fields.items():
        form.locator(f"[name={name}]").fill(value)
    form.locator("button[type=submit]").click()
    page.wait_for_load_state()


def test_an_anonymous_grievance_in_bengali_closes_on_the_workers_word(
    server: Server, browser: Any, screenshots: Path
) -> None:
    phone = browser.new_context(
        viewport=PHONE, device_scale_factor=2, is_mobile=True, has_touch=True
    )
    worker = phone.new_page()
    worker.goto(f"{server.url}/card")
    worker.get_by_role("link", name="বাংলা").click()
    worker.fill("input[name=code]", server.card_code)
    worker.fill("input[name=pin]", server.card_pin)
    worker.click("button[type=submit]")
    worker.wait_for_url(f"{server.url}/my")
    worker.get_by_role("link", name="অভিযোগ জানান").first.click()
    worker.wait_for_url(f"{server.url}/my/grievances/new")
    assert worker.locator("html").get_attribute("lang") == "bn"
    worker.get_by_label("নিয়োগ ফি").check()
    worker.fill("textarea[name=text]", WORDS)
    assert worker.locator("input[name=anonymous]").is_checked()
    assert fits(worker), "the grievance form scrolls sideways on a 360 px phone"
    worker.screenshot(path=str(screenshots / "grievance-1-new-bn.png"), full_page=True)
    worker.get_by_role("button", name="পাঠান").click()
    worker.wait_for_url(re.compile(r".*/my/grievances/G-[A-Z0-9]{8}\?filed=1$"))
    ref = re.search(r"G-[A-Z0-9]{8}", worker.url).group(0)  # type: ignore[union-attr]
    assert f"এই নম্বরটি রেখে দিন: {ref}" in worker.inner_text("main")
    assert worker.inner_text("#case-status") == "পাওয়া গেছে"
    worker.screenshot(path=str(screenshots / "grievance-2-filed-bn.png"), full_page=True)

    admin = staff_page(browser, server, STAFF["platform_admin"][0])
    admin.goto(f"{server.url}/grievances/{ref}")
    assert "withheld (anonymous)" in admin.inner_text("main")
    assert WORDS not in admin.content()
    admin.fill("input[name=handler]", STAFF["case_handler"][0])
    admin.get_by_role("button", name="Assign").click()
    admin.wait_for_load_state()

    handler = staff_page(browser, server, STAFF["case_handler"][0])
    handler.goto(f"{server.url}/grievances/{ref}")
    assert WORDS in handler.inner_text("main")  # the assigned handler reads the words
    staff_step(handler, "acknowledge")
    staff_step(handler, "investigate", note="called the recruiter")
    staff_step(
        handler,
        "propose_remedy",
        remedy_description="Repay the service fee",
        remedy_amount="1500.00",
        remedy_currency="MYR",
    )
    assert handler.inner_text("#case-status") == "remedy proposed"
    handler.screenshot(path=str(screenshots / "grievance-3-handler.png"), full_page=True)

    worker.goto(f"{server.url}/my/grievances/{ref}")
    assert worker.inner_text("#case-status") == "প্রতিকারের প্রস্তাব: অনুগ্রহ করে উত্তর দিন"
    worker.screenshot(path=str(screenshots / "grievance-4-proposal-bn.png"), full_page=True)
    worker.get_by_role("button", name="প্রতিকার গ্রহণ করুন").click()
    worker.wait_for_load_state()
    assert worker.inner_text("#case-status") == "আপনি প্রতিকার গ্রহণ করেছেন"

    handler.reload()
    staff_step(handler, "deliver_remedy", note="bank transfer")
    worker.reload()
    worker.get_by_role("button", name="আমি প্রতিকার পেয়েছি").click()
    worker.wait_for_load_state()
    assert worker.inner_text("#case-status") == "বন্ধ: আপনি প্রতিকার পাওয়া নিশ্চিত করেছেন"
    assert fits(worker)
    worker.screenshot(path=str(screenshots / "grievance-5-closed-bn.png"), full_page=True)

    admin.goto(f"{server.url}/grievances")
    assert admin.inner_text("#confirmed-by-worker") == "1"
    assert "1 of 1 (100%)" in admin.inner_text("main")
    admin.screenshot(path=str(screenshots / "grievance-6-dashboard.png"), full_page=True)

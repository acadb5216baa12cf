"""Due-diligence reports for download (issue #7 item 5): an organisation's staff get their own
organisation's report as a real PDF and as HTML, linked from the dashboard; nobody else does."""

from __future__ import annotations

from datetime import date

from fairpath.services.assessment import assess_data_set
from tests.web.conftest import WebSite


def assessed(site: WebSite) -> WebSite:
    assess_data_set(site.settings, site.engine, as_of=date(2025, 6, 1), actor="test")
    return site


def test_a_brand_downloads_its_report_as_pdf_and_html(site: WebSite) -> None:
    client = assessed(site).client("brand_admin")
    pdf = client.get("/reports/acme/pdf")
    assert pdf.status_code == 200
    assert pdf.headers["content-type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")
    assert pdf.headers["content-disposition"] == 'attachment; filename="acme-due-diligence.pdf"'
    html = client.get("/reports/acme/html")
    assert html.status_code == 200
    assert html.headers["content-type"].startswith("text/html")
    assert "Acme Apparel" in html.text
    assert html.headers["cache-control"] == "no-store"


def test_the_dashboard_links_the_organisations_own_report(site: WebSite) -> None:
    client = assessed(site).client("supplier_member")
    page = client.get("/dashboard").text
    assert 'href="/reports/kl-bottling/pdf"' in page
    assert 'href="/reports/kl-bottling/html"' in page
    assert "/reports/acme/" not in page
    listed = client.get("/reports").text
    assert "KL Bottling" in listed and "Acme Apparel" not in listed


def test_an_auditor_downloads_the_report_of_the_organisation_it_was_granted(
    site: WebSite,
) -> None:
    client = assessed(site).client("auditor")
    html = client.get("/reports/kl-bottling/html")
    assert html.status_code == 200 and "KL Bottling" in html.text
    assert client.get("/reports/acme/html").status_code == 404


def test_other_organisations_workers_and_case_handlers_get_no_report(site: WebSite) -> None:
    assessed(site)
    assert site.client("supplier_admin").get("/reports/acme/pdf").status_code == 404
    assert site.client("brand_admin").get("/reports/kl-bottling/html").status_code == 404
    assert site.client("case_handler").get("/reports/acme/pdf").status_code == 403
    assert site.client("worker").get("/reports/acme/pdf").status_code == 403
    anonymous = site.client("anonymous").get("/reports/acme/pdf", follow_redirects=False)
    assert anonymous.status_code == 303


def test_without_an_assessment_the_report_says_what_to_do(site: WebSite) -> None:
    page = site.client("brand_admin").get("/reports/acme/html")
    assert page.status_code == 404
    assert "fairpath assess" in page.text

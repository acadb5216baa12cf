"""The due-diligence report: its numbers equal the assessment's, small groups never show, it
compares runs by finding key, and its pages render (PNG files under test-artifacts/reports/)."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
from datetime import UTC, datetime

import pytest
from pypdf import PdfReader

from fairpath.domain.errors import FairpathError, InvalidInputError, NotFoundError
from fairpath.reports.build import build_report
from fairpath.reports.privacy import K, Table
from fairpath.reports.render import html_to_pdf, refusing_fetcher
from fairpath.reports.runs import parse_period
from fairpath.reports.service import render_report, write_report_to_data_dir
from fairpath.services.assessment import Dimension, aggregate_run, iter_findings
from tests.reports.conftest import SCRIPT_NAME, SMALL_CORRIDOR, Demo

NOW = datetime(2026, 11, 1, 12, 0, tzinfo=UTC)


def pdf_text(pdf: bytes) -> str:
    return "\n".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(pdf)).pages)


def test_pdf_numbers_equal_the_assessment(demo: Demo) -> None:
    pdf = render_report(demo.settings, demo.engine, "harbourline", "pdf", now=NOW)
    root = PdfReader(io.BytesIO(pdf)).trailer["/Root"]
    xmp = root["/Metadata"].get_object().get_data()
    assert b"pdfaid:part" in xmp and b"pdfaid:conformance" in xmp  # PDF/A-3b identification
    assert "/OutputIntents" in root
    text = pdf_text(pdf)
    brand = aggregate_run(demo.engine, demo.second.id, Dimension.BRAND)["harbourline"]
    findings = sum(brand.findings_by_rule.values())
    assert (
        f"All workers in scope {brand.worker_count:,} {len(brand.workers_with_findings):,} "
        f"{findings:,}" in text
    )
    for ccy, owed in brand.owed.items():
        assert f"Remedy in {ccy}: owed {owed:,}" in text
        assert f"confirmed by the workers {brand.confirmed[ccy]:,}" in text
    (demo.artifacts / "harbourline.pdf").write_bytes(pdf)
    if shutil.which("pdftoppm"):
        subprocess.run(
            [
                "pdftoppm",
                "-png",
                "-r",
                "60",
                str(demo.artifacts / "harbourline.pdf"),
                str(demo.artifacts / "harbourline"),
            ],
            check=True,
        )
        assert list(demo.artifacts.glob("harbourline-*.png"))


def test_html_report_has_every_section_and_the_scripts_of_the_data(demo: Demo) -> None:
    html = render_report(demo.settings, demo.engine, "harbourline", "html", now=NOW).decode()
    for heading in (
        "Summary",
        "Scope and supply chain",
        "Findings",
        "Recruitment cost indicator",
        "Remedy",
        "Grievances",
        "What changed",
        "Law tables and exchange rates",
        "The journey log",
    ):
        assert heading in html
    assert SCRIPT_NAME in html  # Devanagari, Bengali, Burmese and Arabic, as recorded
    assert "fairpath verify" in html and "fairpath log proof --index" in html
    assert "<svg" in html  # charts inlined, and nothing to fetch:
    assert "<link" not in html and 'src="' not in html and "@import" not in html


def _protected(table: Table) -> None:
    cells = [c for _, row in table.rows for c in row] + list(table.total or [])
    for c in cells:
        assert not (0 < c.n < K and not c.suppressed), f"{table.title}: a group under {K} shows"
    if table.total is None:
        return
    for col, total in enumerate(table.total):
        if total.suppressed or (table.additive is not None and col not in table.additive):
            continue
        hidden = [row[col] for _, row in table.rows if row[col].suppressed]
        assert len(hidden) != 1, f"{table.title}: one hidden cell could be recovered from the total"


def test_no_group_under_five_workers_is_disclosed(demo: Demo) -> None:
    report = build_report(demo.settings, demo.engine, "harbourline", None, NOW)
    tables = [
        report.summary,
        report.chain,
        report.by_ilo,
        report.by_rule,
        *report.dimensions,
        report.costs,
        *report.remedy,
        *report.grievance_tables,
        report.changes,
    ]
    for table in tables:
        _protected(table)
    corridors = report.dimensions[3]
    row = dict(corridors.rows)[SMALL_CORRIDOR]
    assert all(c.shown == "<5" for c in row)  # the 3-worker corridor: nothing of it shows
    assert SMALL_CORRIDOR not in report.charts["costs"]


def test_what_changed_compares_findings_by_key(demo: Demo) -> None:
    report = build_report(demo.settings, demo.engine, "harbourline", None, NOW)
    workers = {
        run.id: aggregate_run(demo.engine, run.id, Dimension.BRAND)["harbourline"].workers
        for run in (demo.first, demo.second)
    }
    keys = {
        run.id: {
            f.key for f in iter_findings(demo.engine, run.id) if f.worker_ref in workers[run.id]
        }
        for run in (demo.first, demo.second)
    }
    changes = report.collected.changes
    assert changes.previous_run == demo.first.id
    assert sum(changes.new.values()) == len(keys[demo.second.id] - keys[demo.first.id])
    assert sum(changes.resolved.values()) == len(keys[demo.first.id] - keys[demo.second.id])
    assert changes.workers_entered == 3  # the three Sri Lankan workers came after run 1
    html = render_report(demo.settings, demo.engine, "harbourline", "html", now=NOW).decode()
    assert "&lt;5 workers entered the scope" in html  # three people: not shown as a number


def test_period_chooses_the_run_and_its_comparison(demo: Demo) -> None:
    first_only = parse_period(f"..{demo.first.as_of.isoformat()}")
    report = build_report(
        demo.settings, demo.engine, "harbourline", first_only, NOW, with_costs=False
    )
    assert report.run.id == demo.first.id and report.previous is None
    with pytest.raises(NotFoundError, match="no assessment run as of a date in"):
        build_report(
            demo.settings, demo.engine, "harbourline", parse_period("2001-01-01..2001-12-31"), NOW
        )
    with pytest.raises(InvalidInputError, match=r"FROM\.\.TO"):
        parse_period("2025")


def test_supplier_report_covers_its_own_workers(demo: Demo) -> None:
    report = build_report(demo.settings, demo.engine, "kv-bottling", None, NOW, with_costs=False)
    supplier = aggregate_run(demo.engine, demo.second.id, Dimension.SUPPLIER)["kv-bottling"]
    assert report.collected.total.workers == supplier.worker_count


def test_unknown_organisation_is_a_sentence(demo: Demo) -> None:
    with pytest.raises(FairpathError, match="no organisation with reference 'nobody'"):
        render_report(demo.settings, demo.engine, "nobody", "html")


def test_demo_can_write_the_report_into_the_data_directory(demo: Demo) -> None:
    path = write_report_to_data_dir(demo.settings, demo.engine, "aventa", "html")
    assert path.parent == demo.settings.data_dir / "reports"
    assert "Aventa" in path.read_text(encoding="utf-8")


def test_renderer_fetches_nothing() -> None:
    with pytest.raises(ValueError, match="reports fetch nothing"):
        refusing_fetcher()().fetch("file:///etc/passwd")
    html = '<html><body><img src="file:///etc/passwd"><p>x</p></body></html>'
    assert html_to_pdf(html).startswith(b"%PDF")  # rendered without the image


def test_charts_are_deterministic(demo: Demo) -> None:
    one = build_report(demo.settings, demo.engine, "aventa", None, NOW).charts
    two = build_report(demo.settings, demo.engine, "aventa", None, NOW).charts
    assert one == two
    assert not re.search(r"<dc:date>", one["ilo"])

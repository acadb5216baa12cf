"""What the CLI, the web app and the demo call: a report as bytes, or written to a file.

`render_report(settings, engine, org_ref, fmt, period)` returns the document; the web app
offers it for download (`Content-Type` from `media_type`). `write_report_to_data_dir` writes the
report into `<data-dir>/reports/` for the demo.
"""

from __future__ import annotations

from datetime import UTC, datetime
from enum import StrEnum
from pathlib import Path

from sqlalchemy import Engine

from fairpath.config import Settings
from fairpath.reports.build import as_mapping, build_report
from fairpath.reports.render import html_to_pdf, render_html
from fairpath.reports.runs import Period, parse_period


class ReportFormat(StrEnum):
    PDF = "pdf"
    HTML = "html"


MEDIA_TYPES = {ReportFormat.PDF: "application/pdf", ReportFormat.HTML: "text/html; charset=utf-8"}


def media_type(fmt: ReportFormat | str) -> str:
    return MEDIA_TYPES[ReportFormat(fmt)]


def render_report(
    settings: Settings,
    engine: Engine,
    org_ref: str,
    fmt: ReportFormat | str = ReportFormat.PDF,
    period: Period | str | None = None,
    *,
    now: datetime | None = None,
) -> bytes:
    """The due-diligence report for `org_ref` as PDF/A or HTML bytes."""
    fmt = ReportFormat(fmt)
    if isinstance(period, str):
        period = parse_period(period)
    report = build_report(settings, engine, org_ref, period, now or datetime.now(UTC))
    html = render_html("report.html", as_mapping(report))
    return html_to_pdf(html) if fmt is ReportFormat.PDF else html.encode("utf-8")


def write_report_to_data_dir(
    settings: Settings,
    engine: Engine,
    org_ref: str,
    fmt: ReportFormat | str = ReportFormat.PDF,
) -> Path:
    """Write the report for `org_ref` to `<data-dir>/reports/<org>-due-diligence.<fmt>`."""
    fmt = ReportFormat(fmt)
    folder = settings.data_dir / "reports"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{org_ref}-due-diligence.{fmt.value}"
    tmp = path.with_suffix(path.suffix + ".tmp")
    tmp.write_bytes(render_report(settings, engine, org_ref, fmt))
    tmp.replace(path)
    return path

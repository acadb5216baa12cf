"""The templates a clerk fills in, generated from the layout (so never out of step with it).

Owns `template_files` (header-only CSV files, or one XLSX workbook with a header-only sheet per
file and a `_guide` sheet explaining every column with an example — example rows are never put
in data sheets, where they would be imported), the meaning and example of every column, and
`column_reference_markdown`, the column tables of docs/import-guide.md (a test checks the guide
holds exactly this text).
"""

from __future__ import annotations

import csv
import io
from typing import Literal

from fairpath.interchange.layout import Column, FileLayout, layouts

# What a column means and an example value, by column name; "file:column" overrides a name
# whose meaning depends on the file.
NOTES: dict[str, tuple[str, str]] = {
    "ref": ("your own identifier for this record (1–64 letters, digits, - _ .)", "w-0001"),
    "name": ("the name as registered", "Everest HR Pvt. Ltd."),
    "roles": ("what the organization is, several separated by ;", "recruiter;sub_agent"),
    "country": ("ISO 3166-1 alpha-2 country code", "NP"),
    "licence_number": ("recruitment licence number", "1234/070/71"),
    "licence_issuer": ("who issued the licence", "Department of Foreign Employment"),
    "licence_valid_from": ("first day the licence is valid (YYYY-MM-DD)", "2019-01-01"),
    "licence_valid_until": ("last day the licence is valid (YYYY-MM-DD)", "2027-07-15"),
    "iris_status": ("IRIS ethical-recruitment certification; empty = none", "certified"),
    "os_id": ("Open Supply Hub id, if any", "MY2024123ABC4DE"),
    "org_ref": ("ref of the organization that runs the site", "kl-bottling"),
    "region": ("state or province", "Selangor"),
    "sector": ("sector of work", "manufacturing"),
    "from_ref": ("ref of the organization the link starts from", "acme"),
    "to_ref": ("ref of the organization the link goes to", "kl-bottling"),
    "type": ("kind of relationship", "buys_from"),
    "tier": ("supplier tier (buys_from links only)", "1"),
    "origin_country": ("country the worker comes from", "NP"),
    "destination_country": ("country the worker works in", "MY"),
    "employer_ref": ("ref of the employing organization", "kl-bottling"),
    "site_ref": ("ref of the workplace", "shah-alam"),
    "recruiter_refs": (
        "refs of the recruiters, origin to destination, separated by ;",
        "everest-hr;kl-staffing",
    ),
    "gender": ("empty = undisclosed", "female"),
    "birth_year": ("year of birth", "1998"),
    "languages": ("languages the worker reads (BCP 47), separated by ;", "ne;en"),
    "pii_full_name": ("PERSONAL DATA: full name", "Sita Sharma"),
    "pii_birth_date": ("PERSONAL DATA: date of birth (YYYY-MM-DD)", "1998-04-02"),
    "pii_passport_number": ("PERSONAL DATA: passport number", "PA1234567"),
    "pii_phone": ("PERSONAL DATA: phone number with country code", "+9779812345678"),
    "pii_email": ("PERSONAL DATA: e-mail address", "sita@example.org"),
    "worker_ref": ("ref of the worker (from workers.csv or already stored)", "w-0001"),
    "date": ("the day it happened, not the day it was recorded (YYYY-MM-DD)", "2025-01-12"),
    "source": ("who says so", "employer"),
    "evidence_kind": ("what backs it up; empty = none given", "payroll_record"),
    "evidence_sha256": ("SHA-256 of the evidence file, if you have it", ""),
    "supersedes": ("ref of an earlier event this one corrects", "e-0001-03"),
    "terms_job_title": ("job title in the offer/contract", "Machine operator"),
    "terms_wage_amount": ("basic wage for normal hours", "1700.00"),
    "terms_wage_currency": ("currency of the wage (ISO 4217)", "MYR"),
    "terms_wage_per": ("the wage is per", "month"),
    "terms_normal_hours_per_week": ("normal hours per week", "48"),
    "terms_rest_days_per_week": ("rest days per week", "1"),
    "terms_overtime_multiplier": ("overtime pay factor on the hourly rate (1.5 = +50 %)", "1.5"),
    "terms_duration_months": ("contract length in months", "24"),
    "terms_housing": ("how housing is provided", "free"),
    "terms_food": ("how food is provided", "allowance"),
    "terms_deductions": (
        "deductions agreed in the contract, kind:amount:per, separated by ;",
        "housing:150:month",
    ),
    "stage": ("when the contract was signed", "pre_departure"),
    "language": ("language of the contract text (BCP 47)", "ne"),
    "worker_understands_language": ("does the worker read that language? yes/no", "yes"),
    "copy_given_to_worker": ("did the worker get a copy? yes/no", "yes"),
    "amount": ("the amount, digits with '.' for decimals", "85000"),
    "currency": ("ISO 4217 currency code", "NPR"),
    "paid_to_ref": ("ref of the organization paid, if known", "everest-hr"),
    "paid_to_role": ("who was paid", "recruiter"),
    "fees.csv:purpose": ("what the fee was for", "service_fee"),
    "loans.csv:purpose": ("what the loan was for", "recruitment"),
    "via_deduction": ("taken from wages? yes/no; empty = no", "no"),
    "lender_ref": ("ref of the lending organization, if it is one", ""),
    "lender_role": ("who lent the money", "moneylender"),
    "annual_interest_pct": ("yearly interest in percent", "36"),
    "collateral": ("what was pledged", "family land"),
    "from_country": ("country the worker left", "NP"),
    "arrivals.csv:country": ("country the worker arrived in", "MY"),
    "returns_home.csv:country": ("country the worker returned to", "NP"),
    "document": ("which document", "passport"),
    "held_by_ref": ("ref of the organization holding it, if known", "kl-bottling"),
    "held_by_role": ("who holds it", "employer"),
    "worker_can_retrieve": ("can the worker get it back on request within 24 hours? yes/no", "no"),
    "worker_consented_in_writing": ("did the worker agree in writing? yes/no", "no"),
    "period_start": ("first day the payslip covers", "2025-03-01"),
    "period_end": ("last day the payslip covers", "2025-03-31"),
    "normal_hours": ("normal hours worked", "208"),
    "overtime_hours": ("overtime hours worked", "40"),
    "rest_days_worked": ("rest days worked", "2"),
    "basic_pay": ("pay for normal hours", "1700.00"),
    "overtime_pay": ("pay for overtime", "490.38"),
    "allowances": ("allowances paid", "100.00"),
    "deductions": ("deductions, kind:amount, separated by ;", "housing:150;recruitment_fee:200"),
    "net_pay": ("pay after deductions", "1840.38"),
    "paid_on": ("day the pay reached the worker; empty = not paid", "2025-04-07"),
    "paid_amount": ("amount that reached the worker; empty = net_pay", "1840.38"),
    "reason": ("why the contract ended", "completed"),
    "final_pay_on": ("day the final pay was made", "2027-03-05"),
    "final_pay_amount": ("final pay amount", "1700.00"),
    "end_of_service_paid": ("end-of-service benefit paid", "0"),
    "covers": ("what the remedy repays", "recruitment_fees"),
    "finding_refs": ("ids of the findings remedied, separated by ;", "F-12;F-13"),
    "confirmed_by_worker": ("has the worker confirmed receiving it? yes/no", "yes"),
    "channel": ("how the grievance came in", "hotline"),
    "category": ("grievance category", "wages"),
    "anonymous": ("does the worker want to stay anonymous? yes/no", "no"),
    "pii_text": ("PERSONAL DATA: the worker's own words", "My passport was taken."),
}


def note(layout: FileLayout, column: Column) -> tuple[str, str]:
    """(meaning, example) of a column in a file."""
    return NOTES.get(f"{layout.file_name}:{column.name}") or NOTES[column.name]


def _describe(layout: FileLayout, column: Column) -> str:
    meaning, _ = note(layout, column)
    if column.choices and column.shape in ("enum", "list"):
        meaning += " (choices: " + ", ".join(column.choices) + ")"
    return meaning


def _header_csv(layout: FileLayout) -> bytes:
    text = io.StringIO()
    csv.writer(text, lineterminator="\r\n").writerow([c.name for c in layout.columns])
    return text.getvalue().encode("utf-8-sig")


def template_files(form: Literal["csv", "xlsx"]) -> dict[str, bytes]:
    """The template: {file name: content}. CSV: one header-only file per record kind/event
    type. XLSX: {"journey-template.xlsx": workbook} with one header-only sheet per file and a
    `_guide` sheet (ignored on import) explaining each column with an example."""
    if form == "csv":
        return {name: _header_csv(layout) for name, layout in layouts().items()}
    if form == "xlsx":
        return {"journey-template.xlsx": _workbook()}
    raise ValueError(f"no template for {form!r}; use 'csv' or 'xlsx'")


def _workbook() -> bytes:
    from openpyxl import Workbook  # noqa: PLC0415 (only when a workbook is written)

    book = Workbook(write_only=True)
    guide = book.create_sheet("_guide")
    guide.append(["sheet", "column", "required", "meaning", "example"])
    for layout in layouts().values():
        for column in layout.columns:
            _, example = note(layout, column)
            required = "yes" if column.required else ""
            guide.append([layout.sheet, column.name, required, _describe(layout, column), example])
    for layout in layouts().values():
        book.create_sheet(layout.sheet).append([c.name for c in layout.columns])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def column_reference_markdown() -> str:
    """The column tables of docs/import-guide.md, one per file."""
    parts = []
    for layout in layouts().values():
        what = "event type `" + layout.event_type + "`" if layout.event_type else layout.kind
        parts.append(f"#### `{layout.file_name}` (sheet `{layout.sheet}`) — {what}\n")
        parts.append("| column | required | meaning | example |")
        parts.append("| --- | --- | --- | --- |")
        for column in layout.columns:
            _, example = note(layout, column)
            required = "yes" if column.required else ""
            shown = f"`{example}`" if example else ""
            parts.append(
                f"| `{column.name}` | {required} | {_describe(layout, column)} | {shown} |"
            )
        parts.append("")
    return "\n".join(parts)

"""Small typed builders for journeys, reusable by any test that needs one.

Every event is built through the real journey-format models (`fairpath.domain.journey`), so a
builder can only make what an import could. Defaults describe an ordinary Nepal → Malaysia
factory worker; each test states the facts it is about.

    j = JourneyBuilder(worker(destination="MY"))
    j.contract("2025-01-10", terms(amount="1700"), stage="pre_departure")
    j.payslip("2025-03-01", "2025-03-31", basic="1699.99")
    journey = j.build()
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from pydantic import TypeAdapter

from fairpath.domain.journey import Event, Organization, Site, Terms, Worker
from fairpath.domain.rules import Journey

_EVENT: TypeAdapter[Any] = TypeAdapter(Event)

Day = str | date


def _day(value: Day) -> date:
    return value if isinstance(value, date) else date.fromisoformat(value)


def worker(
    ref: str = "w-1",
    *,
    origin: str = "NP",
    destination: str = "MY",
    sector: str = "manufacturing",
    employer_ref: str | None = "employer",
    site_ref: str | None = None,
    recruiter_refs: Sequence[str] = (),
    languages: Sequence[str] = ("ne", "en"),
    birth_year: int | None = 1995,
    birth_date: Day | None = None,
    gender: str = "male",
) -> Worker:
    pii = {"birth_date": _day(birth_date).isoformat()} if birth_date is not None else None
    return Worker.model_validate(
        {
            "ref": ref,
            "origin_country": origin,
            "destination_country": destination,
            "sector": sector,
            "employer_ref": employer_ref,
            "site_ref": site_ref,
            "recruiter_refs": list(recruiter_refs),
            "gender": gender,
            "birth_year": birth_year,
            "languages": list(languages),
            "pii": pii,
        }
    )


def organization(
    ref: str,
    *,
    roles: Sequence[str] = ("recruiter",),
    country: str = "NP",
    licence: tuple[Day | None, Day | None] | None = None,
    name: str | None = None,
) -> Organization:
    body: dict[str, Any] = {
        "ref": ref,
        "name": name or ref.replace("-", " ").title(),
        "roles": list(roles),
        "country": country,
    }
    if licence is not None:
        start, end = licence
        body["licence"] = {
            "number": f"{ref}-licence",
            "issuer": "Department of Foreign Employment",
            "valid_from": _day(start).isoformat() if start else None,
            "valid_until": _day(end).isoformat() if end else None,
        }
    return Organization.model_validate(body)


def site(
    ref: str = "site-1",
    *,
    org_ref: str = "employer",
    country: str = "MY",
    sector: str = "manufacturing",
    region: str | None = None,
) -> Site:
    return Site.model_validate(
        {
            "ref": ref,
            "org_ref": org_ref,
            "name": ref,
            "country": country,
            "sector": sector,
            "region": region,
        }
    )


def terms(
    amount: str = "1700",
    currency: str = "MYR",
    per: str = "month",
    *,
    hours: str = "48",
    rest_days: int = 1,
    overtime_multiplier: str = "1.5",
    duration_months: int = 24,
    housing: str = "free",
    food: str = "allowance",
    job_title: str = "Machine operator",
) -> Terms:
    return Terms.model_validate(
        {
            "job_title": job_title,
            "wage": {"amount": amount, "currency": currency, "per": per},
            "normal_hours_per_week": hours,
            "rest_days_per_week": rest_days,
            "overtime_multiplier": overtime_multiplier,
            "duration_months": duration_months,
            "housing": housing,
            "food": food,
        }
    )


class JourneyBuilder:
    """Collects one worker's events (and the records they reference) into a `Journey`."""

    def __init__(
        self,
        w: Worker | None = None,
        *,
        organizations: Iterable[Organization] = (),
        sites: Iterable[Site] = (),
    ) -> None:
        self.worker = w or worker()
        self.organizations = list(organizations)
        self.sites = list(sites)
        self.events: list[Any] = []
        self._count = 0

    def event(
        self,
        type: str,
        day: Day,
        data: dict[str, Any],
        *,
        ref: str | None = None,
        supersedes: str | None = None,
        source: str = "worker",
    ) -> str:
        """Add one event; returns its ref."""
        self._count += 1
        ref = ref or f"{self.worker.ref}-e{self._count:03d}"
        self.events.append(
            _EVENT.validate_python(
                {
                    "kind": "event",
                    "ref": ref,
                    "worker_ref": self.worker.ref,
                    "type": type,
                    "date": _day(day).isoformat(),
                    "source": source,
                    "supersedes": supersedes,
                    "data": data,
                }
            )
        )
        return ref

    def job_offered(self, day: Day, t: Terms, *, employer_ref: str = "employer") -> str:
        return self.event(
            "job_offered", day, {"employer_ref": employer_ref, "terms": t.model_dump(mode="json")}
        )

    def contract(
        self,
        day: Day,
        t: Terms,
        *,
        stage: str = "pre_departure",
        employer_ref: str = "employer",
        language: str = "ne",
        understands: bool = True,
        copy_given: bool = True,
        **kw: Any,
    ) -> str:
        return self.event(
            "contract_signed",
            day,
            {
                "stage": stage,
                "employer_ref": employer_ref,
                "language": language,
                "worker_understands_language": understands,
                "copy_given_to_worker": copy_given,
                "terms": t.model_dump(mode="json", exclude_none=True),
            },
            **kw,
        )

    def fee(
        self,
        day: Day,
        amount: str,
        currency: str = "NPR",
        *,
        paid_to_role: str = "recruiter",
        purpose: str = "service_fee",
        via_deduction: bool = False,
        paid_to_ref: str | None = None,
        **kw: Any,
    ) -> str:
        return self.event(
            "fee_paid",
            day,
            {
                "amount": amount,
                "currency": currency,
                "paid_to_ref": paid_to_ref,
                "paid_to_role": paid_to_role,
                "purpose": purpose,
                "via_deduction": via_deduction,
            },
            **kw,
        )

    def loan(
        self,
        day: Day,
        amount: str,
        currency: str = "NPR",
        *,
        lender_role: str = "moneylender",
        purpose: str = "recruitment",
        annual_interest_pct: str | None = None,
    ) -> str:
        return self.event(
            "loan_taken",
            day,
            {
                "amount": amount,
                "currency": currency,
                "lender_role": lender_role,
                "purpose": purpose,
                "annual_interest_pct": annual_interest_pct,
            },
        )

    def departed(self, day: Day, from_country: str = "NP") -> str:
        return self.event("departed", day, {"from_country": from_country})

    def arrived(self, day: Day, country: str = "MY") -> str:
        return self.event("arrived", day, {"country": country})

    def document_held(
        self,
        day: Day,
        document: str = "passport",
        *,
        held_by_role: str = "employer",
        can_retrieve: bool = False,
        consented: bool = False,
    ) -> str:
        return self.event(
            "document_held",
            day,
            {
                "document": document,
                "held_by_role": held_by_role,
                "worker_can_retrieve": can_retrieve,
                "worker_consented_in_writing": consented,
            },
        )

    def document_returned(self, day: Day, document: str = "passport") -> str:
        return self.event("document_returned", day, {"document": document})

    def payslip(
        self,
        start: Day,
        end: Day,
        *,
        basic: str,
        currency: str = "MYR",
        normal_hours: str = "208",
        overtime_hours: str = "0",
        overtime_pay: str = "0",
        rest_days_worked: int = 0,
        allowances: str | None = None,
        deductions: Sequence[tuple[str, str]] = (),
        net: str | None = None,
        paid: bool = True,
        paid_on: Day | None = None,
        paid_amount: str | None = None,
        **kw: Any,
    ) -> str:
        """A payslip; net pay defaults to gross minus deductions, and a paid payslip is paid
        the day after the period unless `paid_on` says otherwise."""
        gross = Decimal(basic) + Decimal(overtime_pay) + Decimal(allowances or 0)
        deducted = sum((Decimal(a) for _, a in deductions), Decimal(0))
        net_pay = net if net is not None else str(max(gross - deducted, Decimal(0)))
        pay_day = _day(paid_on) if paid_on else _day(end) + timedelta(days=1)
        return self.event(
            "payslip",
            kw.pop("day", end),
            {
                "period_start": _day(start).isoformat(),
                "period_end": _day(end).isoformat(),
                "currency": currency,
                "normal_hours": normal_hours,
                "overtime_hours": overtime_hours,
                "rest_days_worked": rest_days_worked,
                "basic_pay": basic,
                "overtime_pay": overtime_pay,
                "allowances": allowances,
                "deductions": [{"kind": k, "amount": a} for k, a in deductions],
                "net_pay": net_pay,
                "paid_on": pay_day.isoformat() if paid else None,
                "paid_amount": paid_amount,
            },
            **kw,
        )

    def contract_ended(
        self,
        day: Day,
        reason: str = "completed",
        *,
        final_pay_on: Day | None = None,
        final_pay_amount: str | None = None,
        end_of_service_paid: str | None = None,
    ) -> str:
        return self.event(
            "contract_ended",
            day,
            {
                "reason": reason,
                "final_pay_on": _day(final_pay_on).isoformat() if final_pay_on else None,
                "final_pay_amount": final_pay_amount,
                "end_of_service_paid": end_of_service_paid,
            },
        )

    def remedy_paid(
        self,
        day: Day,
        amount: str,
        currency: str = "MYR",
        *,
        covers: str = "recruitment_fees",
        confirmed: bool = True,
    ) -> str:
        return self.event(
            "remedy_paid",
            day,
            {
                "amount": amount,
                "currency": currency,
                "covers": covers,
                "confirmed_by_worker": confirmed,
            },
        )

    def build(self) -> Journey:
        return Journey.from_events(self.worker, self.events, self.organizations, self.sites)


def money(value: str) -> Decimal:
    return Decimal(value)

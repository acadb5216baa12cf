"""Rules on working time: EXCESSIVE_OVERTIME and NO_WEEKLY_REST (spec/rules.md "Hours"; ILO
indicators FL11 excessive overtime and FL10 abusive working conditions)."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from typing import Any

from fairpath.domain.journey import EventType, Payslip
from fairpath.domain.law import Cited, CountryLaw
from fairpath.domain.rules.arithmetic import (
    fmt_number,
    full_weeks,
    period_days,
    period_months,
)
from fairpath.domain.rules.context import RuleContext
from fairpath.domain.rules.findings import Finding, Note, Severity

EXCESSIVE_OVERTIME = "EXCESSIVE_OVERTIME"
NO_WEEKLY_REST = "NO_WEEKLY_REST"

_DAYS_PER_WEEK = Decimal(7)


def prorated_limit(law: CountryLaw, cited: Cited[Decimal], ps: Payslip) -> Decimal:
    """One overtime limit scaled to the payslip period: weekly limits by the period's weeks
    (days / 7), monthly, quarterly and yearly ones by its months, daily ones by its working days
    (the week's days less the law's weekly rest days, 1 when unknown)."""
    per = cited.key.split(".", 1)[1]
    days = Decimal(period_days(ps.period_start, ps.period_end))
    months = period_months(ps.period_start, ps.period_end)
    if per == "day":
        rest = law.get("weekly_rest_days")
        working = _DAYS_PER_WEEK - Decimal(rest.value if rest is not None else 1)
        return cited.value * working * days / _DAYS_PER_WEEK
    if per == "week":
        return cited.value * days / _DAYS_PER_WEEK
    if per == "month":
        return cited.value * months
    if per == "3_months":
        return cited.value * months / 3
    return cited.value * months / 12  # year


def check_excessive_overtime(ctx: RuleContext) -> Iterator[Finding | Note]:
    noted = False
    for event in ctx.journey.of_type(EventType.PAYSLIP):
        ps: Payslip = event.data
        if ps.overtime_hours <= 0:
            continue
        law = ctx.law(ps.period_end)
        limits = law.overtime_limits()
        if not limits:
            if not noted:
                noted = True
                yield ctx.insufficient(
                    EXCESSIVE_OVERTIME,
                    f"the legal overtime limit of {ctx.country_name()} "
                    f"({ctx.journey.sector}) is not in the law tables",
                    [event.ref],
                )
            continue
        # Every limit the law sets applies; the tightest one for this period binds.
        limit, cited = min(((prorated_limit(law, c, ps), c) for c in limits), key=lambda p: p[0])
        if ps.overtime_hours <= limit:
            continue
        severity = Severity.HIGH if ps.overtime_hours > limit * Decimal("1.5") else Severity.MEDIUM
        per = cited.key.split(".", 1)[1].replace("3_months", "3 months")
        yield Finding(
            rule_id=EXCESSIVE_OVERTIME,
            worker_ref=ctx.worker_ref,
            severity=severity,
            ilo_indicators=("FL11",),
            iris_principles=(),
            evidence=(event.ref,),
            message=(
                f"{ps.overtime_hours} overtime hours in {ps.period_start.isoformat()} to "
                f"{ps.period_end.isoformat()} exceed the legal limit of {cited.value} hours a "
                f"{per} ({fmt_number(limit)} hours for this period; {cited.source})."
            ),
            law=(cited,),
            figures=(("overtime_hours", ps.overtime_hours), ("limit", limit)),
        )


def check_no_weekly_rest(ctx: RuleContext) -> Iterator[Finding | Note]:
    promised = ctx.promised()
    promised_rest = promised.terms.rest_days_per_week if promised is not None else None
    if promised is not None:
        law_rest = ctx.law(promised.event_date).get("weekly_rest_days")
        if law_rest is not None and promised.terms.rest_days_per_week < law_rest.value:
            yield Finding(
                rule_id=NO_WEEKLY_REST,
                worker_ref=ctx.worker_ref,
                severity=Severity.MEDIUM,
                ilo_indicators=("FL11", "FL10"),
                iris_principles=(),
                evidence=(promised.event_ref,),
                message=(
                    f"The promised terms give {promised.terms.rest_days_per_week} rest days a "
                    f"week, fewer than the {law_rest.value} the law of {ctx.country_name()} "
                    f"requires ({law_rest.source})."
                ),
                law=(law_rest,),
            )
    noted = False
    for event in ctx.journey.of_type(EventType.PAYSLIP):
        ps: Payslip = event.data
        law_rest = ctx.law(ps.period_end).get("weekly_rest_days")
        if law_rest is None and not noted:
            noted = True
            yield ctx.insufficient(
                NO_WEEKLY_REST,
                f"the weekly rest days of {ctx.country_name()} ({ctx.journey.sector}) are not "
                "in the law tables"
                + ("; checked against the promised rest days only" if promised_rest else ""),
                [event.ref],
            )
        known = [v for v in (law_rest.value if law_rest else None, promised_rest) if v is not None]
        per_week = max(known, default=0)
        if per_week == 0:
            continue
        weeks = full_weeks(ps.period_start, ps.period_end)
        due = per_week * weeks
        if ps.rest_days_worked < due:
            continue
        law: tuple[Cited[Any], ...] = (law_rest,) if law_rest is not None else ()
        yield Finding(
            rule_id=NO_WEEKLY_REST,
            worker_ref=ctx.worker_ref,
            severity=Severity.MEDIUM,
            ilo_indicators=("FL11", "FL10"),
            iris_principles=(),
            evidence=(event.ref,),
            message=(
                f"The worker worked all {due} rest days due in {ps.period_start.isoformat()} to "
                f"{ps.period_end.isoformat()} ({per_week} a week × {weeks} full weeks"
                + (f"; {law_rest.source}" if law_rest is not None else "")
                + ")."
            ),
            law=law,
            figures=(("rest_days_worked", Decimal(ps.rest_days_worked)), ("due", Decimal(due))),
        )

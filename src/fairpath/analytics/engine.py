"""The bulk rule engine: the payslip rules of spec/rules.md over columnar batches.

`assess_bulk(data, law_book, rates, as_of)` runs BELOW_MINIMUM_WAGE, BELOW_PROMISED_WAGE,
OVERTIME_UNDERPAID, UNLAWFUL_DEDUCTION, WAGES_WITHHELD, EXCESSIVE_OVERTIME and NO_WEEKLY_REST on
every worker of a `BulkInput` and returns the same findings and INSUFFICIENT_DATA notes as
`fairpath.domain.rules.assess` would, worker by worker: same rule ids, workers, evidence refs,
severities and amounts owed to the minor unit. Messages (the sentences) are the per-worker
engine's job; a finding here is the data of one.

How: the law in force becomes a table of periods (`lawframe`), joined to each payslip as of its
`period_end`; promised terms are picked per worker with group-bys; every amount is an exact
fraction of Int128 scaled integers (`exact`), rounded half-even once.

A few rows are not decided columnar, because deciding them exactly needs the per-worker
arithmetic itself: amounts that need an exchange-rate conversion (a payslip, promised wage or
minimum wage in another currency than the destination's; fees deducted from wages, which draw
down UNLAWFUL_DEDUCTION), workers whose destination currency is unknown, figures too large for
the Int128 fractions, and amounts exactly half a minor unit (or overtime exactly at a limit)
reached through a division the per-worker engine rounds at 34 digits. For those (worker, rule)
pairs the journey is rebuilt from the frames and `fairpath.domain.rules.assess` runs on it;
`BulkResult.fallback` counts them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

import polars as pl
from pydantic import TypeAdapter

from fairpath.analytics import tiebreak
from fairpath.analytics.exact import I128, MICRO, lit, micro, with_period_months
from fairpath.analytics.exact import round_half_even as rhe
from fairpath.analytics.frames import BulkInput
from fairpath.analytics.lawframe import LAW_SCHEMA, MISSING, SET, law_frame
from fairpath.domain.journey import Event, Site, Worker
from fairpath.domain.law import LawBook
from fairpath.domain.money import minor_units
from fairpath.domain.rates import RateTable
from fairpath.domain.rules import Finding, Journey, Note, assess

BMW = "BELOW_MINIMUM_WAGE"
BPW = "BELOW_PROMISED_WAGE"
OTU = "OVERTIME_UNDERPAID"
UD = "UNLAWFUL_DEDUCTION"
WW = "WAGES_WITHHELD"
EO = "EXCESSIVE_OVERTIME"
NWR = "NO_WEEKLY_REST"
#: The rules the bulk engine runs, in catalogue order.
BULK_RULES: tuple[str, ...] = (BMW, BPW, OTU, UD, WW, EO, NWR)
_WAGE_RULES = (BMW, BPW, OTU, UD, WW)

FINDINGS_SCHEMA: dict[str, Any] = {
    "rule_id": pl.String,
    "worker_ref": pl.String,
    "severity": pl.String,
    "evidence": pl.List(pl.String),
    "owed_minor": pl.Int128,  # amount owed in minor units of `currency` (null: none owed)
    "currency": pl.String,
}
NOTES_SCHEMA: dict[str, Any] = {
    "rule_id": pl.String,
    "worker_ref": pl.String,
    "kind": pl.String,
    "missing": pl.String,
    "evidence": pl.List(pl.String),
}
#: Figures above this many units (10^9) could overflow the Int128 fractions.
_LIMIT_U = 10**9 * MICRO
_EVENT: TypeAdapter[Any] = TypeAdapter(Event)


@dataclass(frozen=True, slots=True)
class BulkResult:
    """Findings and notes of a bulk assessment, one row each."""

    findings: pl.DataFrame
    notes: pl.DataFrame
    fallback: int  # (worker, rule) pairs decided by the per-worker arithmetic

    def owed_totals(self) -> pl.DataFrame:
        """Amount owed per rule and currency (minor units)."""
        return (
            self.findings.filter(pl.col("owed_minor").is_not_null())
            .group_by("rule_id", "currency")
            .agg(pl.col("owed_minor").sum(), pl.len().alias("findings"))
            .sort("rule_id", "currency")
        )


# --- current events ------------------------------------------------------------------------------


def _current(data: BulkInput, name: str, superseded: pl.LazyFrame, as_of: date) -> pl.LazyFrame:
    """Newest versions only (journey-format §1.5), as they stood on `as_of`."""
    return (
        data.frame(name)
        .join(superseded, on=["worker_ref", "ref"], how="anti")
        .filter(pl.col("date") <= as_of)
    )


def _superseded(data: BulkInput) -> pl.LazyFrame:
    parts = [
        data.frame(name)
        .select("worker_ref", pl.col("supersedes").alias("ref"))
        .filter(pl.col("ref").is_not_null())
        for name in ("payslips", "terms", "fees", "loans")
    ]
    return pl.concat(parts).unique()


def _promised(terms: pl.LazyFrame) -> pl.LazyFrame:
    """spec/rules.md "Promised terms": the latest pre_departure contract; else the first job
    offer; else the first on_arrival contract (events in (date, ref) order)."""
    ordered = terms.sort("date", "ref")
    picks = []
    for rank, (stage, take) in enumerate(
        (("pre_departure", "last"), ("job_offered", "first"), ("on_arrival", "first"))
    ):
        chosen = ordered.filter(pl.col("stage") == stage).group_by("worker_ref")
        pick = chosen.last() if take == "last" else chosen.first()
        picks.append(pick.with_columns(pl.lit(rank).alias("rank")))
    return (
        pl.concat(picks)
        .sort("rank")
        .group_by("worker_ref")
        .first()
        .select(
            "worker_ref",
            pl.col("ref").alias("p_ref"),
            pl.col("date").alias("p_date"),
            pl.col("wage_currency").alias("p_ccy"),
            pl.col("wage_per").alias("p_per"),
            micro("wage_amount").alias("p_amount_u"),
            micro("hours_per_week").alias("p_hpw_u"),
            pl.col("rest_days_per_week").alias("p_rest"),
            micro("overtime_multiplier").alias("p_mult_u"),
        )
    )


def _day_number(column: str) -> pl.Expr:
    return pl.col(column).dt.epoch("d").cast(pl.Int64)


def _with_law(frame: pl.LazyFrame, law: pl.DataFrame, on: str) -> pl.LazyFrame:
    """`frame` with the law in force on its `on` date. The asof join runs over the distinct
    (law_key, date) pairs only, and is joined back on one Int64 key, so the big frame is
    neither sorted nor joined on strings."""
    key = (pl.col("law_key").cast(pl.Int64) * 10**7 + _day_number(on)).alias("_law_at")
    distinct = (
        frame.select("law_key", on)
        .filter(pl.col(on).is_not_null())
        .unique()
        .sort(on)
        .join_asof(
            law.lazy(),
            left_on=on,
            right_on="valid_from",
            by="law_key",
            strategy="backward",
            check_sortedness=False,
        )
        .with_columns(key)
        .drop("valid_from", "law_key", on)
    )
    return frame.with_columns(key).join(distinct, on="_law_at", how="left").drop("_law_at")


# --- the engine ----------------------------------------------------------------------------------


def assess_bulk(
    data: BulkInput,
    law_book: LawBook,
    rates: RateTable,
    as_of: date,
    *,
    rules: Sequence[str] = BULK_RULES,
) -> BulkResult:
    """Run the payslip rules (`BULK_RULES`, or a subset) on every worker of `data`."""
    unknown = [r for r in rules if r not in BULK_RULES]
    if unknown:
        raise ValueError(f"the bulk engine does not run {', '.join(unknown)}; use `assess`")
    superseded = _superseded(data)
    terms = _current(data, "terms", superseded, as_of)
    payslips = _current(data, "payslips", superseded, as_of)
    fees = _current(data, "fees", superseded, as_of)
    loans = _current(data, "loans", superseded, as_of)

    workers_df = _workers(data, terms, fees, loans, law_book).collect()
    places = ["destination", "sector", "region_key"]
    combos = workers_df.select(places).unique().sort(places).with_row_index("law_key")
    workers_df = workers_df.join(combos, on=places, how="left")
    law = (
        law_frame(law_book, combos.select(places).rows())
        .join(combos, on=places)
        .drop(places)
        .sort("valid_from")
    )
    workers = (
        _with_law(
            workers_df.lazy().with_columns(pl.col("p_date").alias("p_law_date")),
            law.select("law_key", "valid_from", "rest_days").rename({"rest_days": "p_law_rest"}),
            "p_law_date",
        )
        .collect()
        .lazy()
    )
    slips = _payslip_rows(payslips, workers, law)
    slips_df = slips.collect()

    found: list[pl.LazyFrame] = []
    noted: list[pl.LazyFrame] = []
    fallback: list[pl.LazyFrame] = []
    checks = {
        BMW: _below_minimum_wage,
        BPW: _below_promised_wage,
        OTU: _overtime_underpaid,
        UD: _unlawful_deduction,
        WW: _wages_withheld,
        EO: _excessive_overtime,
        NWR: _no_weekly_rest,
    }
    slips_lazy = slips_df.lazy()
    for rule in rules:
        f, n, fb = checks[rule](slips_lazy, workers, as_of)
        found.append(f)
        noted.append(n)
        fallback.append(fb.select("worker_ref", pl.lit(rule).alias("rule_id")))
    pairs = pl.concat(fallback).unique().collect()
    findings = pl.concat(found).collect()
    notes = pl.concat(noted).collect()
    findings = findings.join(pairs, on=["worker_ref", "rule_id"], how="anti")
    notes = notes.join(pairs, on=["worker_ref", "rule_id"], how="anti")
    if pairs.height:
        extra_f, extra_n = _per_worker(data, pairs, law_book, rates, as_of)
        findings = pl.concat([findings, extra_f])
        notes = pl.concat([notes, extra_n])
    return BulkResult(findings=findings, notes=notes, fallback=pairs.height)


def _workers(
    data: BulkInput,
    terms: pl.LazyFrame,
    fees: pl.LazyFrame,
    loans: pl.LazyFrame,
    law_book: LawBook,
) -> pl.LazyFrame:
    recruitment_loans = (
        loans.filter(
            (pl.col("purpose") == "recruitment")
            & pl.col("lender_role").is_in(["recruiter", "employer"])
        )
        .select("worker_ref")
        .unique()
        .with_columns(pl.lit(True).alias("recruitment_loan"))
    )
    deducted_fees = (
        fees.filter(pl.col("via_deduction"))
        .select("worker_ref")
        .unique()
        .with_columns(pl.lit(True).alias("deducted_fees"))
    )
    law_ccy = pl.col("destination").replace_strict(
        dict(law_book.currencies), default=None, return_dtype=pl.String
    )
    workers = (
        data.workers.join(_promised(terms), on="worker_ref", how="left")
        .join(recruitment_loans, on="worker_ref", how="left")
        .join(deducted_fees, on="worker_ref", how="left")
        .with_columns(
            pl.col("region").fill_null("").alias("region_key"),
            pl.coalesce(law_ccy, pl.col("p_ccy")).alias("dest_ccy"),
            pl.col("recruitment_loan").fill_null(False),
            pl.col("deducted_fees").fill_null(False),
            pl.col("destination")
            .replace_strict(dict(law_book.country_names), default=pl.col("destination"))
            .alias("country_name"),
        )
    )
    currencies = set(law_book.currencies.values()) | set(
        data.terms.select(pl.col("wage_currency").unique()).collect().to_series().to_list()
    )
    scale = {c: 10 ** minor_units(c) for c in currencies if c}
    return workers.with_columns(
        pl.col("dest_ccy").replace_strict(scale, default=100, return_dtype=I128).alias("scale10")
    )


def _payslip_rows(payslips: pl.LazyFrame, workers: pl.LazyFrame, law: pl.DataFrame) -> pl.LazyFrame:
    """Each current payslip with its worker, the law at `period_end`, and exact figures."""

    def dsum(kinds: Sequence[str] | None = None, exclude: Sequence[str] = ()) -> pl.Expr:
        kind = pl.element().struct.field("kind")
        keep = kind.is_in(list(kinds)) if kinds is not None else ~kind.is_in(list(exclude))
        picked = pl.element().struct.field("amount").filter(keep) * MICRO
        return pl.col("deductions").list.eval(picked.cast(I128).sum()).list.first()

    def dhas(kinds: Sequence[str]) -> pl.Expr:
        return (
            pl.col("deductions")
            .list.eval(pl.element().struct.field("kind").is_in(list(kinds)).any())
            .list.first()
        )

    # Periods repeat across workers: compute each distinct period's length once.
    period_key = (_day_number("period_start") * 10**7 + _day_number("period_end")).alias("_pk")
    periods = (
        with_period_months(payslips.select("period_start", "period_end").unique())
        .with_columns(period_key)
        .drop("period_start", "period_end")
    )
    rows = (
        payslips.join(workers, on="worker_ref", how="inner")
        .with_columns(period_key)
        .join(periods, on="_pk", how="left")
        .drop("_pk")
    )
    rows = _with_law(rows, law, "period_end")
    paid_u = (
        pl.when(pl.col("paid_on").is_null())
        .then(pl.coalesce(micro("paid_amount"), lit(0)))
        .otherwise(pl.coalesce(micro("paid_amount"), micro("net_pay")))
    )
    return rows.with_columns(
        ((pl.col("period_end") - pl.col("period_start")).dt.total_days() + 1).alias("days"),
        micro("basic_pay").alias("basic_u"),
        micro("overtime_pay").alias("otpay_u"),
        pl.coalesce(micro("allowances"), lit(0)).alias("allow_u"),
        micro("net_pay").alias("net_u"),
        paid_u.alias("paid_u"),
        micro("overtime_hours").alias("ot_u"),
        micro("normal_hours").alias("nh_u"),
        (pl.col("deductions").list.len() > 0).alias("has_deductions"),
        dsum(["recruitment_fee", "deposit"]).alias("d_recruit_u"),
        dsum(["loan_repayment"]).alias("d_loan_u"),
        dsum(["fine"]).alias("d_fine_u"),
        dsum(exclude=["tax", "social_security"]).alias("d_counted_u"),
        dhas(["recruitment_fee", "deposit"]).alias("has_recruit"),
        dhas(["loan_repayment"]).alias("has_loan"),
        dhas(["fine"]).alias("has_fine"),
    ).with_columns(
        # Rows the Int128 fractions cannot hold, or whose amounts need converting.
        (
            pl.max_horizontal(
                "basic_u",
                "otpay_u",
                "allow_u",
                "net_u",
                "paid_u",
                "ot_u",
                "nh_u",
                "d_counted_u",
                "d_recruit_u",
                "p_amount_u",
            )
            >= _LIMIT_U
        )
        .fill_null(False)
        .alias("too_big"),
        (pl.col("dest_ccy").is_null() | (pl.col("currency") != pl.col("dest_ccy"))).alias(
            "slip_converts"
        ),
        pl.col("rest_days").fill_null(0).alias("_law_rest0"),
    )


def _finding(
    frame: pl.LazyFrame,
    rule: str,
    severity: pl.Expr,
    evidence: pl.Expr,
    owed: pl.Expr | None,
) -> pl.LazyFrame:
    return frame.select(
        pl.lit(rule).alias("rule_id"),
        "worker_ref",
        severity.alias("severity"),
        evidence.alias("evidence"),
        (owed if owed is not None else pl.lit(None, dtype=I128)).alias("owed_minor"),
        (
            pl.when(owed.is_not_null()).then(pl.col("dest_ccy"))
            if owed is not None
            else pl.lit(None, dtype=pl.String)
        ).alias("currency"),
    )


_PERIOD_ORDER = ("period_start", "period_end", "ref")  # the wage rules' order
_EVENT_ORDER = ("date", "ref")  # the hours rules' order (the journey's)


def _note(
    frame: pl.LazyFrame,
    rule: str,
    text: pl.Expr,
    evidence: pl.Expr,
    order: Sequence[str] = _PERIOD_ORDER,
) -> pl.LazyFrame:
    """INSUFFICIENT_DATA notes, one per worker and text: the first row in the rule's `order`
    (the per-worker engine keeps the first note of each text)."""
    return (
        frame.sort("worker_ref", *order)
        .select(
            pl.lit(rule).alias("rule_id"),
            "worker_ref",
            pl.lit("INSUFFICIENT_DATA").alias("kind"),
            text.alias("missing"),
            evidence.alias("evidence"),
        )
        .unique(subset=["worker_ref", "missing"], keep="first", maintain_order=True)
    )


def _ref_list(*columns: str) -> pl.Expr:
    return pl.concat_list([pl.col(c) for c in columns])


def _no_evidence() -> pl.Expr:
    return pl.lit([], dtype=pl.List(pl.String))


def _empty_notes() -> pl.LazyFrame:
    return pl.DataFrame(schema=NOTES_SCHEMA).lazy()


Outcome = tuple[pl.LazyFrame, pl.LazyFrame, pl.LazyFrame]


# --- BELOW_MINIMUM_WAGE --------------------------------------------------------------------------


def _minimum_due(frame: pl.LazyFrame) -> pl.LazyFrame:
    """The minimum wage due for the period as a fraction over D = 3 × md × 10^12 (`due_d`),
    null when the law sets none; `mw_ccy` its currency (docs/rules.md BELOW_MINIMUM_WAGE: the
    law's rate of the worker's kind, else monthly, daily, hourly)."""
    ok = {per: pl.col(f"mw_{per}_u").is_not_null() for per in ("month", "day", "hour")}
    pref = pl.col("p_per").fill_null("month")
    pref_ok = (
        pl.when(pref == "month")
        .then(ok["month"])
        .when(pref == "day")
        .then(ok["day"])
        .otherwise(ok["hour"])
    )
    first = (
        pl.when(ok["month"])
        .then(pl.lit("month"))
        .when(ok["day"])
        .then(pl.lit("day"))
        .when(ok["hour"])
        .then(pl.lit("hour"))
        .otherwise(pl.lit(None, dtype=pl.String))
    )
    chosen = pl.when(pref_ok).then(pref).otherwise(first)
    rest = pl.max_horizontal(pl.col("rest_days").fill_null(0), pl.col("p_rest").fill_null(0))
    days = pl.col("days").cast(pl.Int64)
    worked = pl.max_horizontal(
        days - rest.cast(pl.Int64) * (days // 7) + pl.col("rest_days_worked").cast(pl.Int64),
        pl.lit(0, dtype=pl.Int64),
    ).cast(I128)
    big_d = lit(3) * pl.col("md") * lit(10**12)
    return frame.with_columns(chosen.alias("mw_per")).with_columns(
        pl.when(pl.col("mw_per") == "month")
        .then(pl.col("mw_month_u") * pl.col("mn") * lit(3 * MICRO))
        .when(pl.col("mw_per") == "day")
        .then(pl.col("mw_day_u") * worked * lit(3) * pl.col("md") * lit(MICRO))
        .when(pl.col("mw_per") == "hour")
        .then(pl.col("mw_hour_u") * pl.col("nh_u") * lit(3) * pl.col("md"))
        .alias("due_d"),
        pl.when(pl.col("mw_per") == "month")
        .then(pl.col("mw_month_ccy"))
        .when(pl.col("mw_per") == "day")
        .then(pl.col("mw_day_ccy"))
        .when(pl.col("mw_per") == "hour")
        .then(pl.col("mw_hour_ccy"))
        .alias("mw_ccy"),
        big_d.alias("big_d"),
        (pl.col("basic_u") * lit(3) * pl.col("md") * lit(MICRO)).alias("basic_d"),
    )


def _below_minimum_wage(slips: pl.LazyFrame, workers: pl.LazyFrame, as_of: date) -> Outcome:
    rows = _minimum_due(slips)
    minor, tie = rhe(pl.col("due_d") - pl.col("basic_d"), pl.col("big_d"), pl.col("scale10"))
    rows = rows.with_columns(minor.alias("short"), tie.alias("tie")).collect().lazy()
    decided = rows.filter(pl.col("mw_rows") & pl.col("mw_per").is_not_null())
    ties = tiebreak.apply(
        decided.filter(pl.col("tie")).collect(), "short", tiebreak.below_minimum, I128
    ).lazy()
    decided = pl.concat([decided.filter(~pl.col("tie")), ties])
    findings = _finding(
        decided.filter(pl.col("short") > 0), BMW, pl.lit("high"), _ref_list("ref"), pl.col("short")
    )
    region = (
        pl.when(pl.col("region").is_not_null() & (pl.col("region") != ""))
        .then(pl.lit(", ") + pl.col("region"))
        .otherwise(pl.lit(""))
    )
    text = pl.format(
        "no minimum wage for {} ({}{}) on {} is in the law tables",
        "country_name",
        "sector",
        region,
        pl.col("period_end").dt.to_string("%Y-%m-%d"),
    )
    notes = _note(rows.filter(~pl.col("mw_rows").fill_null(False)), BMW, text, _ref_list("ref"))
    fallback = rows.filter(
        pl.col("slip_converts")
        | pl.col("too_big")
        | (pl.col("mw_per").is_not_null() & (pl.col("mw_ccy") != pl.col("dest_ccy")))
    ).select("worker_ref")
    return findings, notes, fallback


# --- BELOW_PROMISED_WAGE -------------------------------------------------------------------------


def _below_promised_wage(slips: pl.LazyFrame, workers: pl.LazyFrame, as_of: date) -> Outcome:
    rows = _minimum_due(slips.filter(pl.col("p_ref").is_not_null()))
    per = pl.col("p_per")
    # promised monthly × months over D = 3 × md × 10^12 (docs/rules.md "Monthly wage")
    due = (
        pl.when(per == "month")
        .then(pl.col("p_amount_u") * pl.col("mn") * lit(3 * MICRO))
        .when(per == "day")
        .then(pl.col("p_amount_u") * lit(26) * pl.col("mn") * lit(3 * MICRO))
        .otherwise(pl.col("p_amount_u") * pl.col("p_hpw_u") * lit(13) * pl.col("mn"))
    )
    has_minimum = pl.col("mw_rows").fill_null(False) & pl.col("due_d").is_not_null()
    floor = (
        pl.when(has_minimum)
        .then(pl.max_horizontal("basic_d", "due_d"))
        .otherwise(pl.col("basic_d"))
    )
    rows = rows.with_columns(due.alias("pdue_d"))
    short, tie1 = rhe(pl.col("pdue_d") - pl.col("basic_d"), pl.col("big_d"), pl.col("scale10"))
    extra, tie2 = rhe(pl.col("pdue_d") - floor, pl.col("big_d"), pl.col("scale10"))
    rows = (
        rows.with_columns(short.alias("short"), extra.alias("extra"), (tie1 | tie2).alias("tie"))
        .collect()
        .lazy()
    )
    ties = (
        tiebreak.apply(
            rows.filter(pl.col("tie")).collect(),
            "both",
            tiebreak.below_promised,
            pl.List(I128),
        )
        .with_columns(
            pl.col("both").list.get(0).alias("short"), pl.col("both").list.get(1).alias("extra")
        )
        .drop("both")
    )
    rows = pl.concat([rows.filter(~pl.col("tie")), ties.lazy()])
    findings = _finding(
        rows.filter(pl.col("short") > 0),
        BPW,
        pl.lit("high"),
        _ref_list("p_ref", "ref"),
        pl.col("extra"),
    )
    no_terms = (
        slips.filter(pl.col("p_ref").is_null())
        .select("worker_ref")
        .unique()
        .join(workers.select("worker_ref", "dest_ccy"), on="worker_ref")
    )
    notes = _note(
        no_terms,
        BPW,
        pl.lit("no job offer or contract records the promised wage"),
        _no_evidence(),
        order=(),
    )
    fallback = rows.filter(
        pl.col("slip_converts")
        | pl.col("too_big")
        | (pl.col("p_ccy") != pl.col("dest_ccy"))
        | (pl.col("mw_per").is_not_null() & (pl.col("mw_ccy") != pl.col("dest_ccy")))
    ).select("worker_ref")
    return findings, notes, fallback


# --- OVERTIME_UNDERPAID --------------------------------------------------------------------------


def _overtime_underpaid(slips: pl.LazyFrame, workers: pl.LazyFrame, as_of: date) -> Outcome:
    rows = slips.filter(pl.col("ot_u") > 0)
    no_terms = _note(
        rows.filter(pl.col("p_ref").is_null()),
        OTU,
        pl.lit("no promised terms give the hourly rate overtime is paid on"),
        _ref_list("ref"),
    )
    rows = rows.filter(pl.col("p_ref").is_not_null())
    legal = pl.col("ot_mult_u")
    mult = (
        pl.when(legal.is_not_null())
        .then(pl.max_horizontal(legal, "p_mult_u"))
        .otherwise(pl.col("p_mult_u"))
    )
    no_premium = _note(
        rows.filter(legal.is_null()),
        OTU,
        pl.format(
            "the legal overtime premium of {} is not in the law tables; overtime was checked "
            "against the promised multiplier only",
            "country_name",
        ),
        _ref_list("ref"),
    )
    # due = overtime hours × hourly rate × multiplier, hourly = monthly × 12 / 52 / weekly hours
    per = pl.col("p_per")
    core = pl.col("ot_u") * pl.col("p_amount_u") * mult
    num = (
        pl.when(per == "month")
        .then(core * lit(3))
        .when(per == "day")
        .then(core * lit(3 * 26))
        .otherwise(core)
    )
    den = (
        pl.when(per == "hour")
        .then(lit(10**18))
        .otherwise(lit(13) * pl.col("p_hpw_u") * lit(10**12))
    )
    pay = pl.col("otpay_u") * (den // lit(MICRO))
    short, tie = rhe(num - pay, den, pl.col("scale10"))
    rows = rows.with_columns(short.alias("short"), tie.alias("tie")).collect().lazy()
    ties = tiebreak.apply(
        rows.filter(pl.col("tie")).collect(), "short", tiebreak.overtime_short, I128
    )
    rows = pl.concat([rows.filter(~pl.col("tie")), ties.lazy()])
    findings = _finding(
        rows.filter(pl.col("short") > 0), OTU, pl.lit("medium"), _ref_list("ref"), pl.col("short")
    )
    fallback = rows.filter(
        pl.col("slip_converts") | pl.col("too_big") | (pl.col("p_ccy") != pl.col("dest_ccy"))
    ).select("worker_ref")
    return findings, pl.concat([no_terms, no_premium]), fallback


# --- UNLAWFUL_DEDUCTION --------------------------------------------------------------------------


def _unlawful_deduction(slips: pl.LazyFrame, workers: pl.LazyFrame, as_of: date) -> Outcome:
    rows = slips.filter(pl.col("has_deductions"))
    fines_banned = pl.col("fines_state") == SET
    loan = pl.col("recruitment_loan")
    unlawful = (
        pl.col("d_recruit_u")
        + pl.when(loan).then(pl.col("d_loan_u")).otherwise(lit(0))
        + pl.when(fines_banned).then(pl.col("d_fine_u")).otherwise(lit(0))
    )
    itemised = (
        pl.col("has_recruit") | (pl.col("has_loan") & loan) | (pl.col("has_fine") & fines_banned)
    )
    gross = pl.col("basic_u") + pl.col("otpay_u") + pl.col("allow_u")
    # cap: deductions counted > gross × cap % (both sides × 10^8 to stay in integers)
    capped = pl.col("cap_state") == SET
    over = capped & (pl.col("d_counted_u") * lit(100 * MICRO) > gross * pl.col("cap_u"))
    excess = (
        pl.when(over)
        .then(
            pl.max_horizontal(
                (pl.col("d_counted_u") - pl.col("unlawful_u")) * lit(100 * MICRO)
                - gross * pl.col("cap_u"),
                lit(0),
            )
        )
        .otherwise(lit(0))
    )
    owed, _ = rhe(
        pl.col("unlawful_u") * lit(100 * MICRO) + pl.col("excess_x"),
        lit(100 * MICRO * MICRO),
        pl.col("scale10"),
    )
    rows = (
        rows.with_columns(unlawful.alias("unlawful_u"))
        .with_columns(over.alias("over"), excess.alias("excess_x"), itemised.alias("itemised"))
        .with_columns(owed.alias("owed"))
        .collect()
        .lazy()
    )
    findings = _finding(
        rows.filter(pl.col("itemised") | pl.col("over")),
        UD,
        pl.lit("high"),
        _ref_list("ref"),
        pl.col("owed"),
    )
    fines_note = _note(
        rows.filter(pl.col("has_fine") & (pl.col("fines_state") == MISSING)),
        UD,
        pl.format(
            "whether {} bans fines deducted from wages is not in the law tables", "country_name"
        ),
        _ref_list("ref"),
    )
    cap_note = _note(
        rows.filter((pl.col("cap_state") == MISSING) & (pl.col("d_counted_u") > 0)),
        UD,
        pl.format("the legal cap on deductions in {} is not in the law tables", "country_name"),
        _ref_list("ref"),
    )
    fallback = rows.filter(
        pl.col("slip_converts") | pl.col("too_big") | pl.col("deducted_fees")
    ).select("worker_ref")
    return findings, pl.concat([fines_note, cap_note]), fallback


# --- WAGES_WITHHELD ------------------------------------------------------------------------------


def _wages_withheld(slips: pl.LazyFrame, workers: pl.LazyFrame, as_of: date) -> Outcome:
    rows = slips
    unpaid, _ = rhe(pl.col("net_u") - pl.col("paid_u"), lit(MICRO), pl.col("scale10"))
    deadline = pl.col("period_end") + pl.duration(days=pl.col("deadline_days"))
    rows = rows.with_columns(unpaid.alias("unpaid"), deadline.alias("deadline")).collect().lazy()
    unpaid_now = pl.col("paid_on").is_null() & (pl.col("unpaid") > 0)
    critical = unpaid_now & pl.col("deadline").is_not_null() & (pl.col("deadline") < as_of)
    late = pl.col("paid_on").is_not_null() & (
        (pl.col("deadline").is_not_null() & (pl.col("paid_on") > pl.col("deadline")))
        | (pl.col("unpaid") > 0)
    )
    owed = pl.when(pl.col("unpaid") > 0).then(pl.col("unpaid"))
    findings = _finding(
        rows.filter(critical | late),
        WW,
        pl.when(critical).then(pl.lit("critical")).otherwise(pl.lit("high")),
        _ref_list("ref"),
        owed,
    )
    notes = _note(
        rows.filter(unpaid_now & pl.col("deadline").is_null()),
        WW,
        pl.format(
            "the wage-payment deadline of {} is not in the law tables, so unpaid payslips "
            "cannot be called late",
            "country_name",
        ),
        _ref_list("ref"),
    )
    fallback = rows.filter(pl.col("slip_converts") | pl.col("too_big")).select("worker_ref")
    return findings, notes, fallback


# --- EXCESSIVE_OVERTIME --------------------------------------------------------------------------


def _excessive_overtime(slips: pl.LazyFrame, workers: pl.LazyFrame, as_of: date) -> Outcome:
    rows = slips.filter(pl.col("ot_u") > 0)
    md, mn = pl.col("md"), pl.col("mn")
    days = pl.col("days").cast(I128)
    working = lit(7) - pl.col("rest_days").fill_null(1).cast(I128)
    # each limit pro-rated to the period, over L = 84 × md × 10^6 (docs/rules.md)
    exact_limits = [
        pl.col("lim_day_u") * working * days * lit(12) * md,
        pl.col("lim_week_u") * days * lit(12) * md,
    ]
    month_limits = [
        pl.col("lim_month_u") * mn * lit(84),
        pl.col("lim_3_months_u") * mn * lit(28),
        pl.col("lim_year_u") * mn * lit(7),
    ]
    rows = rows.with_columns(
        pl.min_horizontal(*exact_limits, *month_limits).alias("limit_l"),
        (pl.col("ot_u") * lit(84) * md).alias("ot_l"),
    )
    # At a limit exactly (or exactly 1.5 ×), a limit reached through a month fraction that does
    # not terminate (15/31 …) is rounded at 34 digits by the per-worker engine: recompute it so.
    inexact_months = (pl.col("md") > 1) & ((pl.col("mn") * lit(10**4)) % pl.col("md") != 0)
    at_edge = inexact_months & (
        (pl.col("ot_l") == pl.col("limit_l"))
        | (pl.col("ot_l") * lit(2) == pl.col("limit_l") * lit(3))
    )
    severity = (
        pl.when(pl.col("ot_l") <= pl.col("limit_l"))
        .then(pl.lit(None, dtype=pl.String))
        .when(pl.col("ot_l") * lit(2) > pl.col("limit_l") * lit(3))
        .then(pl.lit("high"))
        .otherwise(pl.lit("medium"))
    )
    limited = (
        rows.filter(pl.col("limit_l").is_not_null())
        .with_columns(severity.alias("eo_severity"), at_edge.alias("edge"))
        .collect()
        .lazy()
    )
    edges = tiebreak.apply(
        limited.filter(pl.col("edge")).collect(), "eo_severity", tiebreak.excessive, pl.String
    )
    limited = pl.concat([limited.filter(~pl.col("edge")), edges.lazy()])
    findings = _finding(
        limited.filter(pl.col("eo_severity").is_not_null()),
        EO,
        pl.col("eo_severity"),
        _ref_list("ref"),
        None,
    )
    notes = _note(
        rows.filter(pl.col("limit_l").is_null()),
        EO,
        pl.format(
            "the legal overtime limit of {} ({}) is not in the law tables",
            "country_name",
            "sector",
        ),
        _ref_list("ref"),
        order=_EVENT_ORDER,
    )
    fallback = rows.filter(pl.lit(False)).select("worker_ref")
    return findings, notes, fallback


# --- NO_WEEKLY_REST ------------------------------------------------------------------------------


def _no_weekly_rest(slips: pl.LazyFrame, workers: pl.LazyFrame, as_of: date) -> Outcome:
    promise = workers.filter(
        pl.col("p_ref").is_not_null()
        & pl.col("p_law_rest").is_not_null()
        & (pl.col("p_rest") < pl.col("p_law_rest"))
    )
    promise_findings = _finding(promise, NWR, pl.lit("medium"), _ref_list("p_ref"), None)
    rows = slips
    suffix = (
        pl.when(pl.col("p_rest").fill_null(0) > 0)
        .then(pl.lit("; checked against the promised rest days only"))
        .otherwise(pl.lit(""))
    )
    notes = _note(
        rows.filter(pl.col("rest_days").is_null()),
        NWR,
        pl.format(
            "the weekly rest days of {} ({}) are not in the law tables{}",
            "country_name",
            "sector",
            suffix,
        ),
        _ref_list("ref"),
        order=_EVENT_ORDER,
    )
    per_week = pl.max_horizontal(pl.col("rest_days"), pl.col("p_rest")).fill_null(0)
    weeks = pl.max_horizontal(pl.col("days") // 7, pl.lit(1))
    fired = (per_week > 0) & (pl.col("rest_days_worked") >= per_week * weeks)
    slip_findings = _finding(rows.filter(fired), NWR, pl.lit("medium"), _ref_list("ref"), None)
    empty = slips.filter(pl.lit(False)).select("worker_ref")
    return pl.concat([promise_findings, slip_findings]), notes, empty


# --- the per-worker arithmetic for the few rows that need it -------------------------------------


def _per_worker(
    data: BulkInput, pairs: pl.DataFrame, law_book: LawBook, rates: RateTable, as_of: date
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Rebuild the journeys of the workers in `pairs` from the frames and run
    `fairpath.domain.rules.assess` on them for the listed rules."""
    wanted = pairs.group_by("worker_ref").agg(pl.col("rule_id"))
    refs = wanted["worker_ref"].to_list()
    keep = pl.col("worker_ref").is_in(refs)
    frames = {
        name: data.frame(name).filter(keep).collect()
        for name in ("workers", "payslips", "terms", "fees", "loans")
    }
    events: dict[str, list[Any]] = {r: [] for r in refs}
    for name in ("payslips", "terms", "fees", "loans"):
        for row in frames[name].iter_rows(named=True):
            events[row["worker_ref"]].append(_event(name, row))
    finding_rows: list[dict[str, Any]] = []
    note_rows: list[dict[str, Any]] = []
    rules_of = dict(wanted.iter_rows())
    for w in frames["workers"].iter_rows(named=True):
        worker, sites = _worker(w)
        journey = Journey.from_events(worker, events[w["worker_ref"]], (), sites)
        result = assess(journey, law_book, rates, as_of, rules=tuple(rules_of[w["worker_ref"]]))
        finding_rows += [_finding_row(f) for f in result.findings]
        note_rows += [_note_row(n) for n in result.notes if n.kind.value == "INSUFFICIENT_DATA"]
    return (
        pl.DataFrame(finding_rows, schema=FINDINGS_SCHEMA),
        pl.DataFrame(note_rows, schema=NOTES_SCHEMA),
    )


def _finding_row(f: Finding) -> dict[str, Any]:
    owed = None
    if f.owed is not None:
        owed = int(f.owed.amount.scaleb(minor_units(f.owed.currency)))
    return {
        "rule_id": f.rule_id,
        "worker_ref": f.worker_ref,
        "severity": f.severity.value,
        "evidence": list(f.evidence),
        "owed_minor": owed,
        "currency": f.owed.currency if f.owed is not None else None,
    }


def _note_row(n: Note) -> dict[str, Any]:
    return {
        "rule_id": n.rule_id,
        "worker_ref": n.worker_ref,
        "kind": n.kind.value,
        "missing": n.missing,
        "evidence": list(n.evidence),
    }


def _worker(row: dict[str, Any]) -> tuple[Worker, tuple[Site, ...]]:
    body: dict[str, Any] = {
        "ref": row["worker_ref"],
        "origin_country": row["origin"],
        "destination_country": row["destination"],
        "sector": row["sector"],
    }
    if row["region"] is None:
        return Worker.model_validate(body), ()
    site = Site.model_validate(
        {
            "ref": f"{row['worker_ref']}-site",
            "org_ref": "employer",
            "name": "site",
            "country": row["destination"],
            "region": row["region"],
            "sector": row["sector"],
        }
    )
    return Worker.model_validate({**body, "site_ref": site.ref}), (site,)


def _event(name: str, row: dict[str, Any]) -> Any:
    base = {
        "kind": "event",
        "ref": row["ref"],
        "worker_ref": row["worker_ref"],
        "date": row["date"],
        "source": "auditor",
        "supersedes": row["supersedes"],
    }
    if name == "payslips":
        data = {
            k: row[k]
            for k in (
                "period_start",
                "period_end",
                "currency",
                "normal_hours",
                "overtime_hours",
                "rest_days_worked",
                "basic_pay",
                "overtime_pay",
                "allowances",
                "deductions",
                "net_pay",
                "paid_on",
                "paid_amount",
            )
        }
        return _EVENT.validate_python({**base, "type": "payslip", "data": data})
    if name == "fees":
        data = {
            k: row[k] for k in ("amount", "currency", "paid_to_role", "purpose", "via_deduction")
        }
        return _EVENT.validate_python({**base, "type": "fee_paid", "data": data})
    if name == "loans":
        data = {k: row[k] for k in ("amount", "currency", "lender_role", "purpose")}
        return _EVENT.validate_python({**base, "type": "loan_taken", "data": data})
    terms = {
        "job_title": "(not in the bulk frames)",
        "wage": {
            "amount": row["wage_amount"],
            "currency": row["wage_currency"],
            "per": row["wage_per"],
        },
        "normal_hours_per_week": row["hours_per_week"],
        "rest_days_per_week": row["rest_days_per_week"],
        "overtime_multiplier": row["overtime_multiplier"],
        "duration_months": 0,
        "housing": "none",
        "food": "none",
    }
    if row["stage"] == "job_offered":
        data = {"employer_ref": row["employer_ref"], "terms": terms}
        return _EVENT.validate_python({**base, "type": "job_offered", "data": data})
    data = {
        "stage": row["stage"],
        "employer_ref": row["employer_ref"],
        "language": "en",
        "worker_understands_language": True,
        "copy_given_to_worker": True,
        "terms": terms,
    }
    return _EVENT.validate_python({**base, "type": "contract_signed", "data": data})


__all__ = ["BULK_RULES", "FINDINGS_SCHEMA", "NOTES_SCHEMA", "BulkResult", "assess_bulk"]
_ = LAW_SCHEMA

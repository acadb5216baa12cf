"""The seven payslip rules as polars expressions over ONE frame per batch of payslips.

`payslip_stream(payslips)` is the streaming query that gives each current payslip its figures as
exact Int128 millionths and its deductions summed by kind once; `lookup_table(period_keys(...),
law)` holds, once per (place, period) of the run, the law in force on `period_end`, the period's
length and whatever depends on them alone (the pro-rated overtime limit, the monthly minimum for
the period, the payment deadline); `frame(batch, lookup, workers)` gives each row of a batch its
worker's columns and those by position. `evaluate(frame, ...)` then adds each rule's findings,
notes and per-worker pairs to an `Outputs`. Each rule's section names the part of spec/rules.md
it implements; the arithmetic is the same as `fairpath.domain.rules`
(docs/analytics.md "Exactness")."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import polars as pl

from fairpath.analytics import exact, tiebreak
from fairpath.analytics.exact import I128, MICRO, lit, with_period_months
from fairpath.analytics.lawframe import MISSING, SET
from fairpath.analytics.results import (
    BMW,
    BPW,
    EO,
    NOTES_SCHEMA,
    NWR,
    OTU,
    RULE,
    SEVERITY,
    UD,
    WW,
)
from fairpath.domain.law import OVERTIME_PERIODS

# --- overflow guard ------------------------------------------------------------------------------
# Every product below stays under 2^127 ≈ 1.7e38 when money figures are below 10^9 units, hours
# (payslip overtime and normal hours, promised weekly hours) below 10^4, the promised overtime
# multiplier below 100, and the currency has at most 3 minor units: the largest, the overtime
# numerator, is 10^10 × 78 × 10^15 × 10^8 × 10^3 ≈ 7.8e37, and rounding reads it doubled
# (`exact.doubled`: 1.56e38). Rows outside go to the per-worker engine, which has no such limit.
_MONEY_LIMIT = 10**9 * MICRO
_HOURS_LIMIT = 10**4 * MICRO
_MULTIPLIER_LIMIT = 100 * MICRO
_SCALE_LIMIT = 1000

# --- the worker table's columns ------------------------------------------------------------------

#: Columns each payslip takes from its worker (`engine._workers`).
WORKER_COLUMNS = (
    "worker_ref",
    "_w",
    "law_key",
    "dest_code",
    "scale10",
    "has_p",
    "p_perc",
    "p_rest",
    "p_mult_u",
    "p_converts",
    "p_big",
    "p_due_k",
    "ot_k",
    "ot_den",
    "ot_den_m",
    "recruitment_loan",
    "deducted_fees",
)


def promised_factors() -> list[pl.Expr]:
    """Per worker: the promised wage as the factors the wage rules multiply by (spec/rules.md
    "Monthly wage": day × 26; hour × hours × 52 / 12; "Hourly rate": monthly × 12 / 52 / hours).

    - `p_due_k`: promised monthly wage × 3 × 10^12 (× months / (3 × md × 10^12) = due);
    - `ot_k` / `ot_den`: hourly rate = amount × `ot_k` / `ot_den` (in millionths of millionths);
      `ot_den_m` = `ot_den` / 10^6 (exact), what the overtime pay in millionths is scaled by.
    """
    per, amount, hours = pl.col("p_perc"), pl.col("p_amount_u"), pl.col("p_hpw_u")
    return [
        pl.when(per == 0)
        .then(amount * lit(3 * MICRO))
        .when(per == 1)
        .then(amount * lit(78 * MICRO))
        .otherwise(amount * hours * lit(13))
        .alias("p_due_k"),
        pl.when(per == 0)
        .then(amount * lit(3))
        .when(per == 1)
        .then(amount * lit(78))
        .otherwise(amount)
        .alias("ot_k"),
        pl.when(per == 2)
        .then(lit(10**18))
        .otherwise(lit(13) * hours * lit(10**12))
        .alias("ot_den"),
        pl.when(per == 2)
        .then(lit(10**12))
        .otherwise(lit(13) * hours * lit(MICRO))
        .alias("ot_den_m"),
        (pl.col("p_ccy") != pl.col("dest_ccy")).fill_null(False).alias("p_converts"),
        (
            (amount.abs() >= _MONEY_LIMIT)
            | (hours.abs() >= _HOURS_LIMIT)
            | (pl.col("p_mult_u").abs() >= _MULTIPLIER_LIMIT)
            | (pl.col("scale10") > _SCALE_LIMIT)
        )
        .fill_null(False)
        .alias("p_big"),
    ]


# --- the frame -----------------------------------------------------------------------------------

#: Columns of the worker table the note texts, tie-breaks and a few findings read, by `_w` on
#: the rows they select: strings cost several times as much to gather as the small integers of
#: `WORKER_COLUMNS` (`p_ref` and `dest_ccy` on every payslip were ~0.025 CPU s per million).
INFO_COLUMNS = (
    "worker_ref",
    "country_name",
    "sector",
    "region",
    "p_amount_u",
    "p_hpw_u",
    "p_per",
    "p_ref",
    "dest_ccy",
)
#: law_key takes 17 bits of the (place, period) key
MAX_PLACES = 2**17
_DAY0 = 2**22  # days since 1970 are within ±2^22 for years 1–9999


def _day(column: str) -> pl.Expr:
    return pl.col(column).dt.epoch("d").cast(pl.Int64) + _DAY0


def law_period_key() -> pl.Expr:
    """(law_key, period_start, period_end) packed into one Int64 (17 + 23 + 23 bits)."""
    return (
        pl.col("law_key").cast(pl.Int64) * 2**46 + _day("period_start") * 2**23 + _day("period_end")
    ).alias("_lk")


def _u(column: str) -> pl.Expr:
    """A Decimal(38, 6) column as its exact Int128 count of millionths (its physical value)."""
    return pl.col(column).to_physical()


#: Bits of each kind's count in `_deductions`' one counting pass (three fields in an Int128).
_COUNT_BITS = 42


def _deductions() -> list[pl.Expr]:
    """The deductions summed by kind, one element-wise pass each (spec/rules.md
    UNLAWFUL_DEDUCTION: recruitment fees and deposits, loan repayments, fines; the cap counts
    every deduction but tax and social security), and whether each kind is present: one pass
    counts each kind in its own bits of `d_kinds` (`_has`; a pass per kind took ~0.017 CPU s
    per million payslips more)."""
    kind = pl.element().struct.field("kind")
    amount = pl.element().struct.field("amount").to_physical()
    items = pl.col("deductions")

    def total(keep: pl.Expr) -> pl.Expr:
        return items.list.eval(pl.when(keep).then(amount).otherwise(lit(0))).list.sum()

    recruit = kind.is_in(["recruitment_fee", "deposit"])
    loan, fine = kind == "loan_repayment", kind == "fine"
    field = 2**_COUNT_BITS
    counted = items.list.eval(
        pl.when(recruit)
        .then(lit(1))
        .when(loan)
        .then(lit(field))
        .when(fine)
        .then(lit(field * field))
        .otherwise(lit(0))
    ).list.sum()

    return [
        (items.list.len() > 0).alias("has_deductions"),
        total(recruit).alias("d_recruit_u"),
        total(loan).alias("d_loan_u"),
        total(fine).alias("d_fine_u"),
        total(~kind.is_in(["tax", "social_security"])).alias("d_counted_u"),
        counted.alias("d_kinds"),  # read by `_has`
    ]


def _has(kind: int) -> pl.Expr:
    """Whether the payslip has a deduction of kind 0 (recruitment fee or deposit), 1 (loan
    repayment) or 2 (fine): its count's bits in `d_kinds`, nonzero."""
    mask = (2**_COUNT_BITS - 1) << (_COUNT_BITS * kind)
    return (pl.col("d_kinds") & lit(mask)) != 0


def payslip_stream(payslips: pl.LazyFrame) -> pl.LazyFrame:
    """Each current payslip with its figures as exact millionths and its deductions summed by
    kind. Run by polars' streaming engine batch by batch (`collect_batches`); `frame` then finds
    each payslip's worker."""
    paid = (
        pl.when(pl.col("paid_on").is_null())
        .then(pl.coalesce(_u("paid_amount"), lit(0)))
        .otherwise(pl.coalesce(_u("paid_amount"), _u("net_pay")))
    )
    return payslips.select(
        "worker_ref",
        "ref",
        "date",
        "period_start",
        "period_end",
        "currency",
        "rest_days_worked",
        "paid_on",
        _u("basic_pay").alias("basic_u"),
        _u("overtime_pay").alias("otpay_u"),
        pl.coalesce(_u("allowances"), lit(0)).alias("allow_u"),
        _u("net_pay").alias("net_u"),
        paid.alias("paid_u"),
        _u("overtime_hours").alias("ot_u"),
        _u("normal_hours").alias("nh_u"),
        *_deductions(),
    )


@dataclass(frozen=True, slots=True)
class WorkerTable:
    """The worker table's `WORKER_COLUMNS` (row i is the worker whose `_w` is i) and its refs
    sorted once per run, by which each batch finds its payslips' workers (`worker_positions`)."""

    columns: pl.DataFrame
    sorted_refs: pl.Series
    sorted_positions: pl.Series

    @classmethod
    def of(cls, workers: pl.DataFrame) -> WorkerTable:
        columns = workers.select(WORKER_COLUMNS)
        refs = columns.get_column("worker_ref")
        order = refs.arg_sort()
        return cls(columns, refs.gather(order), columns.get_column("_w").gather(order))

    def has_duplicates(self) -> bool:
        """Whether a worker_ref is on more than one row (neighbours in the sorted refs)."""
        refs = self.sorted_refs
        if refs.null_count() > 1:
            return True
        return bool((refs.head(-1) == refs.tail(-1)).any()) if refs.len() > 1 else False


def worker_positions(refs: pl.Series, workers: WorkerTable) -> pl.Series:
    """Each payslip's worker's position in the worker table (`_w`; null for an unknown worker).

    Payslips mostly come a worker's at a time, so each run of equal refs is looked up once and
    the result spread over the run (comparing neighbours is cheap); any order gives the same
    positions. The lookup is a binary search in the refs sorted once per run: a hash lookup
    (`replace_strict`, a join) builds its table of every worker again for each batch — at 10
    million payslips (833,000 workers, 20 batches) about 0.35 CPU s per million payslips, the
    cost that grew with the data set's size."""
    runs = refs.rle_id()
    starts = runs != runs.shift(1, fill_value=-1)
    firsts = refs.filter(starts)
    table = workers.sorted_refs
    if table.is_empty():
        return pl.Series("_w", [None] * refs.len(), dtype=workers.sorted_positions.dtype)
    at = table.search_sorted(firsts, side="left").clip(upper_bound=table.len() - 1)
    hit = (table.gather(at) == firsts).fill_null(False)
    found = pl.select(
        pl.when(pl.lit(hit)).then(pl.lit(workers.sorted_positions.gather(at)))
    ).to_series()
    return found.gather(runs).alias("_w")


def frame(rows: pl.DataFrame, lookup: pl.DataFrame, workers: WorkerTable) -> pl.LazyFrame:
    """A batch of `payslip_stream` with everything the rules read: its worker's columns
    (`WORKER_COLUMNS`, from `workers`; payslips of unknown workers are dropped) and the law and
    the period of each row, found by binary search in `lookup` (`lookup_table`, sorted by the
    packed (place, period) key) — both taken by position, no join — and the per-row columns.
    Lazy: the rules' columns are added to the same query."""
    position = worker_positions(rows.get_column("worker_ref"), workers)
    if position.null_count():
        known = position.is_not_null()
        rows, position = rows.filter(known), position.filter(known)
    worker = workers.columns.select(WORKER_COLUMNS[2:])[position]
    # The key and the binary search on a narrow frame of their own: an expression over the
    # whole batch would first bring its columns (chunked as the stream cut them) and the
    # gathered ones (one chunk) into line — a copy of every column (~0.1 CPU s per million).
    keys = lookup.get_column("_lk")
    packed = pl.DataFrame(
        [
            worker.get_column("law_key"),
            rows.get_column("period_start"),
            rows.get_column("period_end"),
        ]
    ).select(
        law_period_key(),
        pl.when(law_period_key().is_not_null())
        .then(pl.lit(keys).search_sorted(law_period_key()))
        .alias("_at"),
    )
    at = packed.get_column("_at")
    law = lookup.select(_LOOKUP_COLUMNS[1:])[at]
    kind = worker.get_column("p_perc").fill_null(0).cast(pl.Int64)
    picks = _picks(lookup)[kind * lookup.height + at]
    rows = rows.hstack([position, *worker, packed.get_column("_lk"), *law, *picks])
    return rows.lazy().with_columns(_row_columns()).with_columns(_rule_columns())


def period_keys(periods: pl.DataFrame, places: int) -> pl.DataFrame:
    """Every (place, period) key `_law_period_key` can give: the distinct periods of the data
    set for each of the `places` law keys (a cross product: a few thousand keys where a data set
    has a few hundred distinct periods)."""
    return (
        pl.DataFrame({"law_key": pl.Series(range(places), dtype=pl.UInt32)})
        .join(periods.drop_nulls(), how="cross")
        .select(law_period_key())
        .unique()
        .sort("_lk")
    )


# --- the law and the period, once per distinct (place, period) -----------------------------------

_LOOKUP_COLUMNS = (
    "_lk",
    "days",
    "md84",
    "basic_k",
    "mn",
    "big_d",
    "weeks",
    "mw_rows",
    "mw_month_d",
    "mw_day_k",
    "mw_hour_k",
    "ot_mult_u",
    "rest_days",
    "deadline",
    "cap_state",
    "cap_u",
    "fines_state",
    "limit_l",
    "eo_inexact",
)


def lookup_table(keys: pl.DataFrame, law: pl.DataFrame) -> pl.DataFrame:
    """For each distinct (law_key, period): the period's length (`exact.with_period_months`)
    and the law in force on `period_end` (`join_asof`, backward)."""
    lk = pl.col("_lk")
    decoded = keys.lazy().with_columns(
        (lk // 2**46).cast(pl.UInt32).alias("law_key"),
        ((lk // 2**23) % 2**23 - _DAY0).cast(pl.Int32).cast(pl.Date).alias("period_start"),
        (lk % 2**23 - _DAY0).cast(pl.Int32).cast(pl.Date).alias("period_end"),
    )
    table = (
        with_period_months(decoded)
        .sort("period_end")
        .join_asof(
            law.lazy(),
            left_on="period_end",
            right_on="valid_from",
            by="law_key",
            strategy="backward",
            check_sortedness=False,
        )
        .with_columns(
            ((pl.col("period_end") - pl.col("period_start")).dt.total_days() + 1).alias("days")
        )
    )
    md, mn = pl.col("md"), pl.col("mn")
    days = pl.col("days").cast(I128)
    working = lit(7) - pl.col("rest_days").fill_null(1).cast(I128)
    # EXCESSIVE_OVERTIME: each limit pro-rated to the period (hours.prorated_limit) over
    # L = 84 × md × 10^6: daily limits by working days, weekly by days / 7, monthly, quarterly
    # and yearly ones by months; the tightest binds.
    limits = [
        pl.col("lim_day_u") * working * days * lit(12) * md,
        pl.col("lim_week_u") * days * lit(12) * md,
        pl.col("lim_month_u") * mn * lit(84),
        pl.col("lim_3_months_u") * mn * lit(28),
        pl.col("lim_year_u") * mn * lit(7),
    ]
    return (
        table.with_columns(
            (lit(3) * md * lit(10**12)).alias("big_d"),
            pl.max_horizontal(pl.col("days") // 7, pl.lit(1)).alias("weeks"),
            # the factors each payslip's figures are multiplied by, once per (place, period)
            (lit(3 * MICRO) * md).alias("basic_k"),
            (lit(84) * md).alias("md84"),
            (pl.col("mw_month_u") * mn * lit(3 * MICRO)).alias("mw_month_d"),
            (pl.col("mw_day_u") * lit(3 * MICRO) * md).alias("mw_day_k"),
            (pl.col("mw_hour_u") * lit(3) * md).alias("mw_hour_k"),
            *_minimum_picks(),
            (pl.col("period_end") + pl.duration(days=pl.col("deadline_days"))).alias("deadline"),
            pl.min_horizontal(*limits).alias("limit_l"),
            # a month fraction that does not terminate (15/31 …): the per-worker engine rounds it
            ((md > 1) & ((mn * lit(10**4)) % md != 0)).alias("eo_inexact"),
        )
        .with_columns(_narrowed())
        .sort("_lk")
        .collect()
    )


def _narrowed() -> list[pl.Expr]:
    """The factors bounded by the calendar as narrower integers: every payslip takes them (a
    gather of 16 bytes a row each, and as many bytes of memory to fault in), and the rules'
    Int128 arithmetic widens them where it multiplies. md ≤ 31, so 84 × md < 2^15, 3 × md ×
    10^6 < 2^31 and 3 × md × 10^12 < 2^63; mn = whole months × month days + days ≤ 3.7 × 10^6
    for any period between the years 1 and 9999."""
    return [
        pl.col("md84").cast(pl.Int16),
        pl.col("basic_k").cast(pl.Int32),
        pl.col("mn").cast(pl.Int32),
        pl.col("big_d").cast(pl.Int64),
    ]


_PERS_BY_CODE = ("month", "day", "hour")  # `mw_per` codes 0, 1, 2


def _minimum_picks() -> list[pl.Expr]:
    """BELOW_MINIMUM_WAGE's choice of minimum wage (wages.minimum_due): the law's rate of the
    worker's kind of wage, else monthly, daily, hourly. For each kind p (0 month, 1 day,
    2 hour): `mw_per_p`, the rate chosen, and `mw_ccy_p`, its currency — so that a payslip takes
    its choice by one position (`_picks`) instead of six law columns and two `when` chains."""
    ok = [pl.col(f"mw_{per}_u").is_not_null() for per in _PERS_BY_CODE]
    first = (
        pl.when(ok[0])
        .then(pl.lit(0, pl.Int8))
        .when(ok[1])
        .then(pl.lit(1, pl.Int8))
        .when(ok[2])
        .then(pl.lit(2, pl.Int8))
        .otherwise(pl.lit(None, pl.Int8))
    )
    picks = []
    for code, available in enumerate(ok):
        chosen = pl.when(available).then(pl.lit(code, pl.Int8)).otherwise(first)
        currency = (
            pl.when(chosen == 0)
            .then(pl.col("mw_month_ccy"))
            .when(chosen == 1)
            .then(pl.col("mw_day_ccy"))
            .when(chosen == 2)
            .then(pl.col("mw_hour_ccy"))
        )
        picks += [chosen.alias(f"mw_per_{code}"), currency.alias(f"mw_ccy_{code}")]
    return picks


def _picks(lookup: pl.DataFrame) -> pl.DataFrame:
    """`_minimum_picks` as one frame: row `kind × len(lookup) + position` is the choice for a
    worker paid by that kind at that (place, period)."""
    return pl.concat(
        [
            lookup.select(
                pl.col(f"mw_per_{code}").alias("mw_per"), pl.col(f"mw_ccy_{code}").alias("mw_ccy")
            )
            for code in range(len(_PERS_BY_CODE))
        ]
    )


# --- per-row columns -----------------------------------------------------------------------------


def _row_columns() -> list[pl.Expr]:
    figures = ["basic_u", "otpay_u", "allow_u", "net_u", "paid_u", "d_counted_u", "d_recruit_u"]
    too_big = pl.any_horizontal(
        *[_outside(c, _MONEY_LIMIT) for c in figures],
        *[_outside(c, _HOURS_LIMIT) for c in ("ot_u", "nh_u")],
    )
    return [
        pl.max_horizontal(pl.col("rest_days").fill_null(0), pl.col("p_rest").fill_null(0))
        .cast(pl.Int64)
        .alias("rest_max"),
        (pl.col("basic_u") * pl.col("basic_k")).alias("basic_d"),
        (too_big.fill_null(False) | pl.col("p_big")).alias("too_big"),
        (pl.col("dest_code").is_null() | (pl.col("currency") != _DEST_CCY)).alias("slip_converts"),
    ]


#: The destination currency's code as its string (the same strings as the worker's `dest_ccy`).
_DEST_CCY = pl.col("dest_code").cast(pl.String)


def _outside(column: str, limit: int) -> pl.Expr:
    """|column| >= limit as two comparisons with the scalar: bitmaps only, where `abs` and
    `max_horizontal` made a new Int128 column each (nine figures a payslip)."""
    return (pl.col(column) >= limit) | (pl.col(column) <= -limit)


def _rule_columns() -> list[pl.Expr]:
    per = pl.col("mw_per")
    days = pl.col("days")
    worked = pl.max_horizontal(
        days - pl.col("rest_max") * (days // 7) + pl.col("rest_days_worked").cast(pl.Int64),
        pl.lit(0, dtype=pl.Int64),
    ).cast(I128)
    # the minimum due over D = 3 × md × 10^12 (`big_d`)
    due = (
        pl.when(per == 0)
        .then(pl.col("mw_month_d"))
        .when(per == 1)
        .then(pl.col("mw_day_k") * worked)
        .when(per == 2)
        .then(pl.col("mw_hour_k") * pl.col("nh_u"))
    )
    converts = per.is_not_null() & (pl.col("mw_ccy") != pl.col("dest_code"))
    return [due.alias("due_d"), converts.fill_null(False).alias("mw_conv")]


# --- outputs -------------------------------------------------------------------------------------


@dataclass
class Outputs:
    """What the batches have found so far."""

    findings: list[pl.DataFrame] = field(default_factory=list)
    notes: list[pl.DataFrame] = field(default_factory=list)  # with the `_k*` order columns
    fallback: list[pl.DataFrame] = field(default_factory=list)  # (worker_ref, rule_id)

    def merge(self, other: Outputs) -> None:
        self.findings += other.findings
        self.notes += other.notes
        self.fallback += other.fallback


_PERIOD_ORDER = ("period_start", "period_end", "ref")  # the wage rules' order
_EVENT_ORDER = ("date", "date", "ref")  # the hours rules' order (the journey's)
_NOTE_KEYS = {"_k1": pl.Date, "_k2": pl.Date, "_k3": pl.String}


def _finding(
    rows: pl.LazyFrame, rule: str, severity: pl.Expr, evidence: pl.Expr, owed: pl.Expr | None
) -> pl.LazyFrame:
    return rows.select(
        pl.lit(rule, dtype=RULE).alias("rule_id"),
        "worker_ref",
        severity.cast(SEVERITY).alias("severity"),
        evidence.alias("evidence"),
        (owed if owed is not None else pl.lit(None, dtype=I128)).alias("owed_minor"),
        (
            pl.when(owed.is_not_null()).then(_DEST_CCY)
            if owed is not None
            else pl.lit(None, dtype=pl.String)
        ).alias("currency"),
    )


@dataclass
class _Note:
    """A rule's INSUFFICIENT_DATA notes: the rows that give them (`firsts`, lazy), and how a
    note is written from such a row and its worker's columns."""

    firsts: pl.LazyFrame
    rule: str
    text: pl.Expr
    evidence: pl.Expr
    keys: list[pl.Expr]

    def written(self, firsts: pl.DataFrame, info: pl.DataFrame) -> pl.DataFrame:
        """The notes of the collected `firsts`: the worker's columns taken by position (`_w`)
        from `info`, then the text formatted."""
        worker = info.drop("worker_ref")[firsts.get_column("_w")]
        # rechunked: formatting strings across columns of different chunkings can panic in
        # polars 2.1 (binview index assertion)
        return (
            firsts.hstack(worker)
            .rechunk()
            .select(
                pl.lit(self.rule, dtype=RULE).alias("rule_id"),
                "worker_ref",
                pl.lit("INSUFFICIENT_DATA").alias("kind"),
                self.text.alias("missing"),
                self.evidence.alias("evidence"),
                *self.keys,
            )
        )


def _note(
    rows: pl.LazyFrame,
    rule: str,
    text: pl.Expr,
    evidence: pl.Expr,
    *,
    order: Sequence[str] | None = _PERIOD_ORDER,
    per: Sequence[str] = (),
) -> _Note:
    """INSUFFICIENT_DATA notes with the columns that order them: the first row of each worker
    (and of each value of the row's own columns the text reads, `per`) in the rule's order;
    `first_notes` then keeps the first of each worker and text, as the per-worker engine notes
    once. The text is formatted on those first rows only (`_Note.written`). Workers are told
    apart by their position in the worker table (`_w`), an integer, cheaper to sort than refs.

    Not a sort of every candidate row (three keys, one a string): the two dates of the order
    are packed into one integer (a missing date first, as a sort puts it), the rows with each
    group's smallest key are kept (a hash pass), and only those — about one a worker — are
    sorted by ref, which decides between rows of the same dates."""
    if order is None:
        keys = [pl.lit(None, dtype=kind).alias(k) for k, kind in _NOTE_KEYS.items()]
        firsts = rows.select("worker_ref", "_w").unique(subset="_w", keep="any")
    else:
        keys = [pl.col(c).alias(k) for c, k in zip(order, _NOTE_KEYS, strict=True)]
        columns = list(dict.fromkeys(["worker_ref", "_w", *order, *per]))
        first, second, ref = order
        packed = _day(first).fill_null(0) * 2**23 + _day(second).fill_null(0)
        group = ["_w", *per]
        firsts = (
            rows.select(columns)
            .filter(packed == packed.min().over(group))
            .sort("_w", ref)
            .unique(subset=group, keep="first", maintain_order=True)
        )
    return _Note(firsts, rule, text, evidence, keys)


def first_notes(parts: list[pl.DataFrame]) -> pl.DataFrame:
    """One note per (rule, worker, text): the first in the rule's order."""
    notes = pl.concat([pl.DataFrame(schema={**NOTES_SCHEMA, **_NOTE_KEYS}), *parts], how="vertical")
    return (
        notes.sort("rule_id", "worker_ref", *_NOTE_KEYS, nulls_last=True)
        .unique(subset=["rule_id", "worker_ref", "missing"], keep="first", maintain_order=True)
        .drop(*_NOTE_KEYS)
    )


def _refs(*columns: str) -> pl.Expr:
    """The evidence list: the refs in `columns`, in order."""
    if len(columns) == 1:
        # one ref a row: the column cut into rows of one (a view of the same strings) costs
        # almost nothing; concat_list copies every string (~0.07 s per million rows)
        return pl.col(columns[0]).map_batches(
            _single, return_dtype=pl.List(pl.String), is_elementwise=True
        )
    # concat_list of string columns costs ~0.3 s per million rows; a fixed-width array of
    # them, cast to a list, ~0.026 s (interleaving the columns and cutting the result into
    # rows took ~0.038 s)
    return pl.concat_arr(columns).cast(pl.List(pl.String))


def _single(refs: pl.Series) -> pl.Series:
    if refs.len() == 0:
        return pl.Series(refs.name, [], dtype=pl.List(pl.String))
    return refs.reshape((refs.len(), 1)).cast(pl.List(pl.String)).alias(refs.name)


def _pairs(rows: pl.LazyFrame, rule: str) -> pl.LazyFrame:
    return rows.select("worker_ref", pl.lit(rule, dtype=RULE).alias("rule_id")).unique()


_TIE_LAW = (
    "_lk",
    "mw_month_u",
    "mw_day_u",
    "mw_hour_u",
    *(f"lim_{per}_u" for per in OVERTIME_PERIODS),
)
_TIE_WORKER = ("p_amount_u", "p_hpw_u", "p_per", "p_ref", "dest_ccy")
#: The columns of a row `tiebreak` and a finding read.
_TIE_ROW_COLUMNS = (
    "worker_ref",
    "_w",
    "ref",
    "dest_code",
    "_lk",
    "period_start",
    "period_end",
    "rest_days",
    "p_rest",
    "rest_days_worked",
    "nh_u",
    "basic_u",
    "ot_u",
    "otpay_u",
    "mw_rows",
    "mw_per",
    "ot_mult_u",
    "p_mult_u",
)
_PERS = {0: "month", 1: "day", 2: "hour"}
_STAGES = 2  # stage 0: a rule's own columns; 1: the doubled numerators of rounded amounts


@dataclass
class _Ties:
    """Rows to recompute with the per-worker arithmetic, and what becomes of them."""

    rows: pl.LazyFrame
    name: str
    compute: Any
    dtype: Any
    finish: Callable[[pl.LazyFrame], pl.LazyFrame]


class _Batch:
    """The payslips' frame (lazy): the columns the rules add to it (in stages), then their
    findings, notes, per-worker pairs and tie rows as lazy frames over it — all collected in ONE
    streaming query (`collect`), which reads the payslips once, in parallel morsels."""

    def __init__(
        self, rows: pl.LazyFrame, lookup: pl.DataFrame, info: pl.DataFrame, as_of: date
    ) -> None:
        self.rows, self.lookup, self.info, self.as_of = rows, lookup, info, as_of
        self.frame = pl.DataFrame()
        self.stages: list[list[pl.Expr]] = [[] for _ in range(_STAGES)]
        self.amounts: dict[str, tuple[pl.Expr, pl.Expr]] = {}  # name: (doubled, denominator)
        self.tied: dict[str, list[str]] = {}  # amount: the amounts with ties on its candidates
        self.findings: list[pl.LazyFrame] = []
        self.notes: list[_Note] = []
        self.fallback: list[pl.LazyFrame] = []
        self.tie_sets: list[_Ties] = []

    # --- columns ---

    def add(self, *columns: pl.Expr) -> None:
        self.stages[0] += columns

    def round(
        self,
        name: str,
        numerator: pl.Expr,
        denominator: pl.Expr,
        *,
        column: bool = True,
        ties_among: str | None = None,
    ) -> None:
        """The amount owed `name`: max(numerator / denominator, 0) in minor units, rounded
        half-even (`amount`). Only its doubled numerator (`exact.doubled`) is a column of the
        frame — none if not `column`: then it is computed where it is read. Whether the amount
        is positive is a comparison (`positive`), and the amount itself is computed on the
        rows a rule selects; `name_tie` (`compute`) is divided out on the rows where
        `ties_among`'s amount is positive or exactly half a minor unit only. A division for
        every row, and the five Int128 columns it took, were about a third of the rules'
        columns' CPU."""
        doubled = exact.doubled(numerator, pl.col("scale10"))
        if column:
            self.stages[1].append(doubled.alias(f"{name}_x2"))
            doubled = pl.col(f"{name}_x2")
        self.amounts[name] = (doubled, denominator)
        if ties_among is not None:
            self.tied.setdefault(ties_among, []).append(name)

    def positive(self, name: str) -> pl.Expr:
        """Whether the rounded amount `name` is more than zero."""
        return exact.positive(*self.amounts[name])

    def candidate(self, name: str) -> pl.Expr:
        """The rows where `name` is positive or exactly half a minor unit (a possible tie)."""
        return exact.candidate(*self.amounts[name])

    def rounded(self, rows: pl.LazyFrame, names: Sequence[str]) -> pl.LazyFrame:
        """`rows` (a selection) with the rounded amounts `names` and their `_tie` flags."""
        stages = [exact.round_half_even(name, *self.amounts[name]) for name in names]
        for columns in zip(*stages, strict=True):
            rows = rows.with_columns([c for part in columns for c in part])
        return rows

    def compute(self) -> None:
        rows = self.rows
        for columns in self.stages:
            if columns:
                rows = rows.with_columns(columns)
        frame = rows.collect()
        flags = self._tie_flags(frame)
        self.frame = frame.hstack(flags) if flags else frame

    def _tie_flags(self, frame: pl.DataFrame) -> list[pl.Series]:
        """`name_tie` of each amount `round` was told to track: computed on the candidate rows
        (`exact.candidate`: a tie lies at half a minor unit or above) in narrow queries, and
        set by position in an all-false column."""
        queries, names = [], []
        for among, tied in self.tied.items():
            candidates = frame.lazy().with_row_index("_i").filter(self.candidate(among))
            # then the rows whose low bits allow a tie (a few), and only those divided
            maybe = [exact.may_tie(*self.amounts[name]).alias(f"_{name}_may") for name in tied]
            candidates = candidates.with_columns(maybe).filter(
                pl.any_horizontal(f"_{name}_may" for name in tied)
            )
            ties = [f"{name}_tie" for name in tied]
            queries.append(self.rounded(candidates, tied).select("_i", *ties))
            names.append(tied)
        flags = []
        for tied, found in zip(names, pl.collect_all(queries), strict=True):
            for name in tied:
                rows = found.get_column("_i").filter(found.get_column(f"{name}_tie"))
                flag = pl.repeat(False, frame.height, eager=True).alias(f"{name}_tie")
                flags.append(flag.scatter(rows, True) if rows.len() else flag)
        return flags

    # --- outputs ---

    def where(self, condition: pl.Expr) -> pl.LazyFrame:
        return self.frame.lazy().filter(condition)

    def find(
        self,
        condition: pl.Expr,
        rule: str,
        severity: pl.Expr,
        evidence: pl.Expr,
        owed: pl.Expr | None,
        *,
        amounts: Sequence[str] = (),
        info: Sequence[str] = (),
    ) -> None:
        """Findings of the rows where `condition` holds; the rounded `amounts` (which `owed`
        may read) are computed on those rows only, and the worker's `info` columns taken."""
        rows = self.rounded(self.where(condition), amounts)
        if info:
            rows = rows.with_columns(self.info_column(name) for name in info)
        self.findings.append(_finding(rows, rule, severity, evidence, owed))

    def info_column(self, name: str) -> pl.Expr:
        """The worker's `name` (an `INFO_COLUMNS`), by position."""
        return pl.lit(self.info.get_column(name)).gather(pl.col("_w")).alias(name)

    def note(
        self,
        condition: pl.Expr,
        rule: str,
        text: pl.Expr,
        evidence: pl.Expr,
        *,
        order: Sequence[str] | None = _PERIOD_ORDER,
        per: Sequence[str] = (),
    ) -> None:
        self.notes.append(_note(self.where(condition), rule, text, evidence, order=order, per=per))

    def per_worker(self, condition: pl.Expr, rule: str) -> None:
        self.fallback.append(_pairs(self.where(condition), rule))

    def ties(
        self,
        condition: pl.Expr,
        name: str,
        compute: Any,
        dtype: Any,
        finish: Callable[[pl.LazyFrame], pl.LazyFrame],
    ) -> None:
        """The (few) rows where exact fractions and 34-digit decimals could round apart: after
        the query, `name` is recomputed on them by the per-worker arithmetic (`tiebreak`) and
        `finish` turns them into findings."""
        if not self.frame.select(condition.any()).item():
            return
        rows = self.where(condition).select(_TIE_ROW_COLUMNS)
        self.tie_sets.append(_Ties(rows, name, compute, dtype, finish))

    def collect(self, out: Outputs) -> None:
        ties = [t.rows for t in self.tie_sets]
        frames = [*self.findings, *(n.firsts for n in self.notes), *self.fallback, *ties]
        done = pl.collect_all(frames)
        n_f, n_n, n_p = len(self.findings), len(self.notes), len(self.fallback)
        out.findings += [f for f in done[:n_f] if f.height]
        out.notes += [
            note.written(firsts, self.info)
            for note, firsts in zip(self.notes, done[n_f : n_f + n_n], strict=True)
            if firsts.height
        ]
        out.fallback += [p for p in done[n_f + n_n : n_f + n_n + n_p] if p.height]
        for spec, rows in zip(self.tie_sets, done[n_f + n_n + n_p :], strict=True):
            if rows.height:
                out.findings.append(spec.finish(self._recomputed(rows, spec)).collect())

    def _recomputed(self, rows: pl.DataFrame, spec: _Ties) -> pl.LazyFrame:
        rows = (
            rows.hstack(self.info.select(_TIE_WORKER)[rows.get_column("_w")])
            .rechunk()
            .join(self.lookup.select(_TIE_LAW), on="_lk", how="left")
            .with_columns(
                pl.col("mw_per").replace_strict(_PERS, default=None, return_dtype=pl.String)
            )
        )
        return tiebreak.apply(rows, spec.name, spec.compute, spec.dtype).lazy()


#: A rule: adds its columns to the frame, yields, then adds its outputs (so that the columns of
#: all the rules are computed together).
Rule = Callable[[_Batch], Iterator[None]]


def evaluate(
    rows: pl.LazyFrame,
    lookup: pl.DataFrame,
    info: pl.DataFrame,
    rules: Sequence[str],
    as_of: date,
    *,
    out: Outputs,
) -> None:
    """Add the findings, notes and per-worker pairs of `rules` over `rows` (`frame`) to `out`.
    `info` is the worker table's columns for note texts and tie-breaks."""
    batch = _Batch(rows, lookup, info, as_of)
    running = [_RULES[rule](batch) for rule in rules]
    for rule in running:
        next(rule)
    batch.compute()
    for rule in running:
        next(rule, None)
    batch.collect(out)


# --- BELOW_MINIMUM_WAGE (spec/rules.md; wages.check_below_minimum_wage) --------------------------


def _below_minimum_wage(b: _Batch) -> Iterator[None]:
    b.round(
        "bmw_short", pl.col("due_d") - pl.col("basic_d"), pl.col("big_d"), ties_among="bmw_short"
    )
    yield
    decided = pl.col("mw_rows") & pl.col("mw_per").is_not_null()
    short, tie = pl.col("bmw_short"), pl.col("bmw_short_tie")
    evidence = _refs("ref")
    fired = decided & ~tie & b.positive("bmw_short")
    b.find(fired, BMW, pl.lit("high"), evidence, short, amounts=["bmw_short"])
    b.ties(
        decided & tie,
        "bmw_short",
        tiebreak.below_minimum,
        I128,
        lambda ties: _finding(ties.filter(short > 0), BMW, pl.lit("high"), evidence, short),
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
    b.note(~pl.col("mw_rows").fill_null(False), BMW, text, evidence, per=["period_end"])
    b.per_worker(pl.col("slip_converts") | pl.col("too_big") | pl.col("mw_conv"), BMW)


# --- BELOW_PROMISED_WAGE -------------------------------------------------------------------------


def _below_promised_wage(b: _Batch) -> Iterator[None]:
    # promised monthly × months over D = 3 × md × 10^12 (spec/rules.md "Monthly wage"); the
    # amount owed is what the promise adds above the minimum wage due (owed once)
    due = pl.col("p_due_k") * pl.col("mn")
    has_minimum = pl.col("mw_rows").fill_null(False) & pl.col("due_d").is_not_null()
    floor = (
        pl.when(has_minimum)
        .then(pl.max_horizontal("basic_d", "due_d"))
        .otherwise(pl.col("basic_d"))
    )
    b.round("bpw_short", due - pl.col("basic_d"), pl.col("big_d"), ties_among="bpw_short")
    # the owed amount is read where the shortfall fires, and can be a tie only where the
    # shortfall is positive or a tie itself (its numerator is at most the shortfall's)
    b.round("bpw_extra", due - floor, pl.col("big_d"), column=False, ties_among="bpw_short")
    yield
    has_p = pl.col("has_p")
    tie = pl.col("bpw_short_tie") | pl.col("bpw_extra_tie")
    evidence = _refs("p_ref", "ref")
    fired, extra = pl.col("bpw_short") > 0, pl.col("bpw_extra")
    found = has_p & ~tie & b.positive("bpw_short")
    b.find(found, BPW, pl.lit("high"), evidence, extra, amounts=["bpw_extra"], info=["p_ref"])

    def promised_ties(ties: pl.LazyFrame) -> pl.LazyFrame:
        ties = ties.with_columns(
            pl.col("both").list.get(0).alias("bpw_short"),
            pl.col("both").list.get(1).alias("bpw_extra"),
        )
        return _finding(ties.filter(fired), BPW, pl.lit("high"), evidence, extra)

    b.ties(has_p & tie, "both", tiebreak.below_promised, pl.List(I128), promised_ties)
    b.notes.append(
        _note(
            b.where(~has_p),
            BPW,
            pl.lit("no job offer or contract records the promised wage"),
            pl.lit([], dtype=pl.List(pl.String)),
            order=None,
        )
    )
    converts = (
        pl.col("slip_converts") | pl.col("too_big") | pl.col("p_converts") | pl.col("mw_conv")
    )
    b.per_worker(has_p & converts, BPW)


# --- OVERTIME_UNDERPAID --------------------------------------------------------------------------


def _overtime_underpaid(b: _Batch) -> Iterator[None]:
    legal = pl.col("ot_mult_u")
    # due = overtime hours × hourly rate × max(legal, promised multiplier), the hourly rate
    # monthly × 12 / 52 / weekly hours (spec/rules.md "Hourly rate")
    mult = (
        pl.when(legal.is_not_null())
        .then(pl.max_horizontal(legal, "p_mult_u"))
        .otherwise(pl.col("p_mult_u"))
    )
    num = pl.col("ot_u") * pl.col("ot_k") * mult
    pay = pl.col("otpay_u") * pl.col("ot_den_m")
    b.round("otu_short", num - pay, pl.col("ot_den"), ties_among="otu_short")
    yield
    overtime, has_p = pl.col("ot_u") > 0, pl.col("has_p")
    evidence = _refs("ref")
    b.note(
        overtime & ~has_p,
        OTU,
        pl.lit("no promised terms give the hourly rate overtime is paid on"),
        evidence,
    )
    b.note(
        overtime & has_p & legal.is_null(),
        OTU,
        pl.format(
            "the legal overtime premium of {} is not in the law tables; overtime was checked "
            "against the promised multiplier only",
            "country_name",
        ),
        evidence,
    )
    rows, tie = overtime & has_p, pl.col("otu_short_tie")
    short = pl.col("otu_short")
    fired = rows & ~tie & b.positive("otu_short")
    b.find(fired, OTU, pl.lit("medium"), evidence, short, amounts=["otu_short"])
    b.ties(
        rows & tie,
        "otu_short",
        tiebreak.overtime_short,
        I128,
        lambda ties: _finding(ties.filter(short > 0), OTU, pl.lit("medium"), evidence, short),
    )
    b.per_worker(rows & (pl.col("slip_converts") | pl.col("too_big") | pl.col("p_converts")), OTU)


# --- UNLAWFUL_DEDUCTION --------------------------------------------------------------------------


def _unlawful_deduction(b: _Batch) -> Iterator[None]:
    fines_banned = pl.col("fines_state") == SET
    loan = pl.col("recruitment_loan")
    # recruitment fees and deposits always; loan repayments with a recruitment loan from a
    # recruiter or employer; fines where the law bans them
    unlawful = (
        pl.col("d_recruit_u")
        + pl.when(loan).then(pl.col("d_loan_u")).otherwise(lit(0))
        + pl.when(fines_banned).then(pl.col("d_fine_u")).otherwise(lit(0))
    )
    itemised = _has(0) | (_has(1) & loan) | (_has(2) & fines_banned)
    gross = pl.col("basic_u") + pl.col("otpay_u") + pl.col("allow_u")
    # the cap: deductions counted > gross × cap % (both sides × 10^8 to stay in integers); the
    # excess beyond what is already unlawful is owed too
    capped = pl.col("cap_state") == SET
    over = capped & (pl.col("d_counted_u") * lit(100 * MICRO) > gross * pl.col("cap_u"))
    excess = (
        pl.when(over)
        .then(
            pl.max_horizontal(
                (pl.col("d_counted_u") - unlawful) * lit(100 * MICRO) - gross * pl.col("cap_u"),
                lit(0),
            )
        )
        .otherwise(lit(0))
    )
    b.add(itemised.alias("ud_itemised"), over.alias("ud_over"))
    # the amount is read only on the rows that fire (its tie is not looked at: the divisor is
    # a power of ten, which the per-worker engine divides exactly)
    numerator = unlawful * lit(100 * MICRO) + excess
    b.round("ud_owed", numerator, lit(100 * MICRO * MICRO), column=False)
    yield
    rows = pl.col("has_deductions")
    fired = pl.col("ud_itemised") | pl.col("ud_over")
    owed = pl.col("ud_owed")
    b.find(rows & fired, UD, pl.lit("high"), _refs("ref"), owed, amounts=["ud_owed"])
    b.note(
        rows & _has(2) & (pl.col("fines_state") == MISSING),
        UD,
        pl.format(
            "whether {} bans fines deducted from wages is not in the law tables", "country_name"
        ),
        _refs("ref"),
    )
    b.note(
        rows & (pl.col("cap_state") == MISSING) & (pl.col("d_counted_u") > 0),
        UD,
        pl.format("the legal cap on deductions in {} is not in the law tables", "country_name"),
        _refs("ref"),
    )
    converts = pl.col("slip_converts") | pl.col("too_big") | pl.col("deducted_fees")
    b.per_worker(rows & converts, UD)


# --- WAGES_WITHHELD ------------------------------------------------------------------------------


def _wages_withheld(b: _Batch) -> Iterator[None]:
    b.round("unpaid", pl.col("net_u") - pl.col("paid_u"), lit(MICRO))
    yield
    deadline, paid_on = pl.col("deadline"), pl.col("paid_on")
    unpaid = b.positive("unpaid")  # more than zero minor units unpaid
    unpaid_now = paid_on.is_null() & unpaid
    critical = unpaid_now & deadline.is_not_null() & (deadline < b.as_of)
    late = paid_on.is_not_null() & ((deadline.is_not_null() & (paid_on > deadline)) | unpaid)
    b.find(
        critical | late,
        WW,
        pl.when(critical)
        .then(pl.lit("critical", dtype=SEVERITY))
        .otherwise(pl.lit("high", dtype=SEVERITY)),
        _refs("ref"),
        pl.when(unpaid).then(pl.col("unpaid")),
        amounts=["unpaid"],
    )
    b.note(
        unpaid_now & deadline.is_null(),
        WW,
        pl.format(
            "the wage-payment deadline of {} is not in the law tables, so unpaid payslips "
            "cannot be called late",
            "country_name",
        ),
        _refs("ref"),
    )
    b.per_worker(pl.col("slip_converts") | pl.col("too_big"), WW)


# --- EXCESSIVE_OVERTIME --------------------------------------------------------------------------


def _excessive_overtime(b: _Batch) -> Iterator[None]:
    limit = pl.col("limit_l")
    hours = pl.col("ot_u") * pl.col("md84")  # over L = 84 × md × 10^6, as the limit
    # as the enum (one byte a payslip, where strings took sixteen)
    severity = (
        pl.when(hours <= limit)
        .then(pl.lit(None, dtype=SEVERITY))
        .when(hours * lit(2) > limit * lit(3))
        .then(pl.lit("high", dtype=SEVERITY))
        .otherwise(pl.lit("medium", dtype=SEVERITY))
    )
    # At a limit exactly (or exactly 1.5 ×), a limit reached through a month fraction that does
    # not terminate is rounded at 34 digits by the per-worker engine: recompute it so.
    edge = pl.col("eo_inexact") & ((hours == limit) | (hours * lit(2) == limit * lit(3)))
    b.add(severity.alias("eo_severity"), edge.fill_null(False).alias("eo_edge"))
    yield
    overtime = pl.col("ot_u") > 0
    limited, edge = overtime & limit.is_not_null(), pl.col("eo_edge")
    fired = pl.col("eo_severity").is_not_null()
    b.find(limited & ~edge & fired, EO, pl.col("eo_severity"), _refs("ref"), None)
    b.ties(
        limited & edge,
        "eo_severity",
        tiebreak.excessive,
        pl.String,
        lambda ties: _finding(ties.filter(fired), EO, pl.col("eo_severity"), _refs("ref"), None),
    )
    b.note(
        overtime & limit.is_null(),
        EO,
        pl.format(
            "the legal overtime limit of {} ({}) is not in the law tables", "country_name", "sector"
        ),
        _refs("ref"),
        order=_EVENT_ORDER,
    )


# --- NO_WEEKLY_REST ------------------------------------------------------------------------------


def _no_weekly_rest(b: _Batch) -> Iterator[None]:
    yield
    suffix = (
        pl.when(pl.col("p_rest").fill_null(0) > 0)
        .then(pl.lit("; checked against the promised rest days only"))
        .otherwise(pl.lit(""))
    )
    b.note(
        pl.col("rest_days").is_null(),
        NWR,
        pl.format(
            "the weekly rest days of {} ({}) are not in the law tables{}",
            "country_name",
            "sector",
            suffix,
        ),
        _refs("ref"),
        order=_EVENT_ORDER,
        per=["p_rest"],
    )
    # rest days worked ≥ the rest due over the period's full weeks (the law's or the promise's,
    # whichever is more)
    per_week = pl.col("rest_max")
    fired = (per_week > 0) & (pl.col("rest_days_worked") >= per_week * pl.col("weeks"))
    b.find(fired, NWR, pl.lit("medium"), _refs("ref"), None)


_RULES: dict[str, Rule] = {
    BMW: _below_minimum_wage,
    BPW: _below_promised_wage,
    OTU: _overtime_underpaid,
    UD: _unlawful_deduction,
    WW: _wages_withheld,
    EO: _excessive_overtime,
    NWR: _no_weekly_rest,
}


def promised_rest(workers: pl.DataFrame) -> pl.DataFrame:
    """NO_WEEKLY_REST on the promise: promised rest days below the law on the promise date."""
    promise = workers.lazy().filter(
        pl.col("p_ref").is_not_null()
        & pl.col("p_law_rest").is_not_null()
        & (pl.col("p_rest") < pl.col("p_law_rest"))
    )
    return _finding(promise, NWR, pl.lit("medium"), _refs("p_ref"), None).collect()


__all__ = [
    "INFO_COLUMNS",
    "MAX_PLACES",
    "WORKER_COLUMNS",
    "Outputs",
    "WorkerTable",
    "evaluate",
    "first_notes",
    "frame",
    "law_period_key",
    "lookup_table",
    "payslip_stream",
    "period_keys",
    "promised_rest",
    "worker_positions",
]

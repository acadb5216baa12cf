"""The bulk rule engine: the payslip rules of spec/rules.md over columnar batches.

`assess_bulk(data, law_book, rates, as_of)` runs BELOW_MINIMUM_WAGE, BELOW_PROMISED_WAGE,
OVERTIME_UNDERPAID, UNLAWFUL_DEDUCTION, WAGES_WITHHELD, EXCESSIVE_OVERTIME and NO_WEEKLY_REST on
every worker of a `BulkInput` and returns the same findings and INSUFFICIENT_DATA notes as
`fairpath.domain.rules.assess` would, worker by worker: same rule ids, workers, evidence refs,
severities and amounts owed to the minor unit. Messages (the sentences) are the per-worker
engine's job; a finding here is the data of one.

How: everything that belongs to a worker (promised terms, recruitment loans, deducted fees, the
law's place) is computed once into a worker table. Payslips then stream through in batches of
`batch_rows` (memory stays bounded whatever the data set's size), evaluated on `threads` threads:
each payslip takes its worker's columns and the law in force on its `period_end` (`lawframe`,
looked up once per (place, period) for the whole run) by position, every rule is an expression
over that one frame (`payslip_rules`), and only the findings and notes are kept. Amounts are
exact fractions of Int128 scaled integers (`exact`), rounded half-even once.

A few rows are not decided columnar, because deciding them exactly needs the per-worker
arithmetic itself: amounts that need an exchange-rate conversion (a payslip, promised wage or
minimum wage in another currency than the destination's; fees deducted from wages, which draw
down UNLAWFUL_DEDUCTION), workers whose destination currency is unknown, figures too large for
the Int128 fractions, and amounts exactly half a minor unit (or overtime exactly at a limit)
reached through a division the per-worker engine rounds at 34 digits. The ties are recomputed
with the per-worker functions (`tiebreak`); for the other (worker, rule) pairs the journey is
rebuilt from the frames and `fairpath.domain.rules.assess` runs on it (`fallback`);
`BulkResult.fallback` counts those pairs.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from datetime import date

import polars as pl

from fairpath.analytics import payslip_rules
from fairpath.analytics.exact import micro
from fairpath.analytics.fallback import per_worker
from fairpath.analytics.frames import BulkInput
from fairpath.analytics.lawframe import law_frame
from fairpath.analytics.payslip_rules import Outputs
from fairpath.analytics.results import (
    BULK_RULES,
    FINDINGS_SCHEMA,
    NOTES_SCHEMA,
    NWR,
    RULE,
    BulkResult,
)
from fairpath.domain.errors import InvalidInputError
from fairpath.domain.law import LawBook
from fairpath.domain.money import minor_units
from fairpath.domain.rates import RateTable

#: Payslips per batch: the working frame of a batch takes about 0.7 GB per million payslips, and
#: `threads` + 1 batches can be in flight.
DEFAULT_BATCH_ROWS = 500_000
_PER_CODE = {"month": 0, "day": 1, "hour": 2}


def assess_bulk(
    data: BulkInput,
    law_book: LawBook,
    rates: RateTable,
    as_of: date,
    *,
    rules: Sequence[str] = BULK_RULES,
    batch_rows: int = DEFAULT_BATCH_ROWS,
    threads: int = 2,
) -> BulkResult:
    """Run the payslip rules (`BULK_RULES`, or a subset) on every worker of `data`."""
    run = prepare(data, law_book, as_of, rules)
    out = run.out
    # Batches are evaluated on `threads` threads (polars releases the GIL while it computes), at
    # most `threads` + 1 in flight so memory stays bounded; results are merged in batch order.
    with ThreadPoolExecutor(max_workers=threads) as pool:
        pending: deque[Future[Outputs]] = deque()
        for batch in run.stream.collect_batches(chunk_size=batch_rows):
            pending.append(pool.submit(run.evaluate, batch))
            while len(pending) > threads:
                out.merge(pending.popleft().result())
        while pending:
            out.merge(pending.popleft().result())
    return finish(run, data, law_book, rates)


@dataclass
class Run:
    """One bulk assessment once its worker table and law lookup are built: the payslip stream
    to cut into batches, what each batch is evaluated with, and the outputs so far."""

    rules: Sequence[str]
    as_of: date
    stream: pl.LazyFrame  # `payslip_rules.payslip_stream`
    lookup: pl.DataFrame  # `payslip_rules.lookup_table`
    workers: payslip_rules.WorkerTable
    info: pl.DataFrame  # `payslip_rules.INFO_COLUMNS` of the worker table
    out: Outputs

    def frame(self, batch: pl.DataFrame) -> pl.LazyFrame:
        return payslip_rules.frame(batch, self.lookup, self.workers)

    def evaluate(self, batch: pl.DataFrame) -> Outputs:
        """One batch's findings, notes and per-worker pairs."""
        found = Outputs()
        payslip_rules.evaluate(
            self.frame(batch), self.lookup, self.info, self.rules, self.as_of, out=found
        )
        return found


def prepare(data: BulkInput, law_book: LawBook, as_of: date, rules: Sequence[str]) -> Run:
    """Steps 1–5 of docs/analytics.md "The columnar model": current events, the worker table,
    the law frame and the (place, period) lookup, and the payslip stream (not read yet)."""
    unknown = [r for r in rules if r not in BULK_RULES]
    if unknown:
        raise ValueError(f"the bulk engine does not run {', '.join(unknown)}; use `assess`")
    superseded = _superseded(data).collect()
    terms = _current(data.terms, superseded, as_of)
    fees = _current(data.fees, superseded, as_of)
    loans = _current(data.loans, superseded, as_of)

    workers = _workers(data, terms, fees, loans, law_book).collect()
    places = ["destination", "sector", "region_key"]
    combos = workers.select(places).unique().sort(places).with_row_index("law_key")
    if combos.height >= payslip_rules.MAX_PLACES:
        raise ValueError(
            f"{combos.height} distinct (destination, sector, region) places; the bulk engine "
            f"handles fewer than {payslip_rules.MAX_PLACES} per run: split the workers"
        )
    # each worker's place by one string key into the few places (a new column: a join on the
    # three columns would copy every column of the worker table; a missing part matches no
    # place, as in a join)
    place = pl.concat_str(places, separator="\x1f")
    place_keys = combos.select(place).to_series()
    workers = workers.with_columns(
        place.replace_strict(place_keys, combos.get_column("law_key"), default=None).alias(
            "law_key"
        )
    )
    law = (
        law_frame(law_book, combos.select(places).rows())
        .join(combos, on=places)
        .drop(places)
        .sort("valid_from")
    )
    # `_w`: each worker's position in this table, by which payslips find their worker's
    # columns (a gather, not a join on refs)
    workers = _with_promise_law(workers, law).with_row_index("_w")
    law, workers = _currency_codes(law, workers)

    table = payslip_rules.WorkerTable.of(workers)
    if table.has_duplicates():
        raise InvalidInputError(
            "the workers frame has the same worker_ref on more than one row; give each worker "
            "one row",
            where="workers frame",
        )
    out = Outputs()
    if NWR in rules:
        out.findings.append(payslip_rules.promised_rest(workers))
    payslips = _current(data.payslips, superseded, as_of)
    return Run(
        rules=rules,
        as_of=as_of,
        stream=payslip_rules.payslip_stream(payslips),
        lookup=payslip_rules.lookup_table(_period_keys(payslips, workers, combos.height), law),
        workers=table,
        info=workers.select(payslip_rules.INFO_COLUMNS),
        out=out,
    )


def finish(run: Run, data: BulkInput, law_book: LawBook, rates: RateTable) -> BulkResult:
    """Steps 7–8: the notes kept once per worker across batches, and the (worker, rule) pairs
    that need the per-worker engine decided by it."""
    out, as_of = run.out, run.as_of
    pairs = pl.concat(out.fallback).unique() if out.fallback else _empty_pairs()
    findings = pl.concat([pl.DataFrame(schema=FINDINGS_SCHEMA), *out.findings], rechunk=False)
    notes = payslip_rules.first_notes(out.notes)
    if pairs.height:
        findings = findings.join(pairs, on=["worker_ref", "rule_id"], how="anti")
        notes = notes.join(pairs, on=["worker_ref", "rule_id"], how="anti")
        extra_f, extra_n = per_worker(data, pairs, law_book, rates, as_of)
        findings = pl.concat([findings, extra_f])
        notes = pl.concat([notes, extra_n])
    return BulkResult(findings=findings, notes=notes, fallback=pairs.height)


#: Above this many (place, period) pairs, the keys are read from the payslips themselves.
_MAX_CROSS_KEYS = 1_000_000


def _period_keys(payslips: pl.LazyFrame, workers: pl.DataFrame, places: int) -> pl.DataFrame:
    """The (place, period) keys the payslips can have: every place with every distinct period
    (two date columns read), unless that product is large; then the keys the payslips do have."""
    periods = payslips.select("period_start", "period_end").unique().collect(engine="streaming")
    if periods.height * places <= _MAX_CROSS_KEYS:
        return payslip_rules.period_keys(periods, places)
    return (
        payslips.select("worker_ref", "period_start", "period_end")
        .join(workers.lazy().select("worker_ref", "law_key"), on="worker_ref")
        .select(payslip_rules.law_period_key())
        .drop_nulls()
        .unique()
        .collect(engine="streaming")
    )


_MW_CURRENCIES = [f"mw_{per}_ccy" for per in ("month", "day", "hour")]


def _currency_codes(law: pl.DataFrame, workers: pl.DataFrame) -> tuple[pl.DataFrame, pl.DataFrame]:
    """The minimum wages' currencies and each worker's destination currency (`dest_code`) as one
    enum: every payslip takes the three from the law by position, and a string column costs
    about ten times as much to gather as an enum's small integers."""
    names = {c for column in _MW_CURRENCIES for c in law.get_column(column).drop_nulls()}
    names |= set(workers.get_column("dest_ccy").drop_nulls().unique())
    codes = pl.Enum(sorted(names))
    return (
        law.with_columns(pl.col(_MW_CURRENCIES).cast(codes)),
        workers.with_columns(pl.col("dest_ccy").cast(codes).alias("dest_code")),
    )


def _empty_pairs() -> pl.DataFrame:
    return pl.DataFrame(schema={"worker_ref": pl.String, "rule_id": RULE})


# --- current events ------------------------------------------------------------------------------


def _current(frame: pl.LazyFrame, superseded: pl.DataFrame, as_of: date) -> pl.LazyFrame:
    """Newest versions only (journey-format §1.5), as they stood on `as_of`."""
    if superseded.height:
        frame = frame.join(superseded.lazy(), on=["worker_ref", "ref"], how="anti")
    return frame.filter(pl.col("date") <= as_of)


def _superseded(data: BulkInput) -> pl.LazyFrame:
    parts = [
        data.frame(name)
        .select("worker_ref", pl.col("supersedes").alias("ref"))
        .filter(pl.col("ref").is_not_null())
        for name in ("payslips", "terms", "fees", "loans")
    ]
    return pl.concat(parts).unique()


# --- the worker table ----------------------------------------------------------------------------


_STAGE_RANK = {"pre_departure": 0, "job_offered": 1, "on_arrival": 2}
_DAYS = 2**22  # days since 1970 are within ±2^22 for years 1–9999


def _promised(terms: pl.LazyFrame) -> pl.LazyFrame:
    """spec/rules.md "Promised terms": the latest pre_departure contract; else the first job
    offer; else the first on_arrival contract (events in (date, ref) order)."""
    rank = pl.col("stage").replace_strict(_STAGE_RANK, default=None, return_dtype=pl.Int64)
    candidates = terms.with_columns(rank.alias("rank")).filter(pl.col("rank").is_not_null())
    candidates_df = candidates.collect()
    # Most workers have one such term: then there is nothing to choose (one hash pass to know).
    if not candidates_df.get_column("worker_ref").is_unique().all():
        candidates_df = _first_per_worker(candidates_df)
    return candidates_df.lazy().select(
        "worker_ref",
        pl.col("ref").alias("p_ref"),
        pl.col("date").alias("p_date"),
        pl.col("wage_currency").alias("p_ccy"),
        pl.col("wage_per").alias("p_per"),
        pl.col("wage_per").replace_strict(_PER_CODE, return_dtype=pl.Int8).alias("p_perc"),
        micro("wage_amount").alias("p_amount_u"),
        micro("hours_per_week").alias("p_hpw_u"),
        pl.col("rest_days_per_week").alias("p_rest"),
        micro("overtime_multiplier").alias("p_mult_u"),
    )


def _first_per_worker(candidates: pl.DataFrame) -> pl.DataFrame:
    """The promised terms of workers with several candidate terms, without sorting: each term
    gets one integer key, smallest for the term that wins (the stage's rank, then the date,
    reversed for pre_departure), and each worker keeps the rows with its smallest key; two terms
    of one stage on one date are decided by `ref` (the last for pre_departure, else the
    first)."""
    # a missing date sorts first, as in a (date, ref) sort
    rank = pl.col("rank")
    days = pl.col("date").dt.epoch("d").cast(pl.Int64).fill_null(-_DAYS)
    key = rank * 4 * _DAYS + pl.when(rank == 0).then(2 * _DAYS - days).otherwise(2 * _DAYS + days)
    ref, worker = pl.col("ref"), "worker_ref"
    by_ref = pl.when(rank == 0).then(ref.max().over(worker)).otherwise(ref.min().over(worker))
    return (
        candidates.lazy()
        .with_columns(key.alias("_key"))
        .filter(pl.col("_key") == pl.col("_key").min().over(worker))
        .filter(ref == by_ref)
        .unique(subset=worker, keep="any")
        .collect()
    )


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
            pl.col("p_ref").is_not_null().alias("has_p"),
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
        # Int64 (10^(minor units)): every payslip takes it, the Int128 arithmetic widens it
        pl.col("dest_ccy")
        .replace_strict(scale, default=100, return_dtype=pl.Int64)
        .alias("scale10")
    ).with_columns(payslip_rules.promised_factors())


def _with_promise_law(workers: pl.DataFrame, law: pl.DataFrame) -> pl.DataFrame:
    """The weekly rest days the law set on the date of each worker's promise (`p_law_rest`):
    looked up once per distinct (place, promise date), then given to each worker by that key (a
    new column, not a join that copies every column of the worker table)."""
    key = pl.col("law_key").cast(pl.Int64) * 2**23 + pl.col("p_date").dt.epoch("d") + _DAYS
    dated = (
        workers.lazy()
        .filter(pl.col("p_date").is_not_null() & pl.col("law_key").is_not_null())
        .select("law_key", "p_date")
        .unique()
        .sort("p_date")
        .join_asof(
            law.lazy().select("law_key", "valid_from", pl.col("rest_days").alias("p_law_rest")),
            left_on="p_date",
            right_on="valid_from",
            by="law_key",
            strategy="backward",
            check_sortedness=False,
        )
        .select(key.alias("_key"), "p_law_rest")
        .collect()
    )
    rest = key.replace_strict(
        dated.get_column("_key"), dated.get_column("p_law_rest"), default=None
    )
    return workers.with_columns(rest.alias("p_law_rest"))


__all__ = [
    "BULK_RULES",
    "DEFAULT_BATCH_ROWS",
    "FINDINGS_SCHEMA",
    "NOTES_SCHEMA",
    "BulkResult",
    "Run",
    "assess_bulk",
    "finish",
    "prepare",
]

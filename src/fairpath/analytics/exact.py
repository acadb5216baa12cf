"""Exact money arithmetic in polars expressions: scaled integers (Int128) and fractions of them.

Every figure enters as value × 10^6 (`MICRO`, exact for the frames' 6 decimal places). A rule's
amount is a fraction `numerator / denominator` of Int128 expressions whose denominator is a
product of small known integers (the period's month length, 3, 13, the weekly hours, powers of
ten), so nothing is rounded until `round_half_even` turns the amount into whole minor units of
the currency — once, at the end (spec/rules.md "Money is exact: ... rounded half-even to the
currency's minor unit at the end"). Float never appears.

`round_half_even` also reports when the exact amount lies exactly half-way between two minor
units: the per-worker engine computes in 34 significant digits, so where its path divides
inexactly (15/31 of a month) a tie could come out a hair above or below; the bulk engine sends
those rows to the per-worker arithmetic rather than guess (see `fairpath.analytics.engine`).
"""

from __future__ import annotations

import polars as pl

MICRO = 10**6
I128 = pl.Int128


def lit(value: int) -> pl.Expr:
    return pl.lit(value, dtype=I128)


def micro(column: str) -> pl.Expr:
    """A Decimal(38, 6) column as an exact Int128 count of millionths."""
    return (pl.col(column) * MICRO).cast(I128)


def round_half_even(
    name: str, numerator: pl.Expr, denominator: pl.Expr, scale10: pl.Expr
) -> list[list[pl.Expr]]:
    """Columns `name` (minor units) and `name_tie` of max(numerator / denominator, 0) rounded
    half-even to the minor unit, `scale10` being 10^(minor units of the currency), as four
    stages of `with_columns` (each intermediate computed once). `name_tie` is true where the
    exact amount lies exactly half-way between two minor units. `denominator` must be positive.
    """
    x, d, q, r2 = (pl.col(f"{name}_{part}") for part in ("x", "d", "q", "r2"))
    up = (r2 > d) | ((r2 == d) & (q % 2 == 1))
    return [
        [
            (pl.max_horizontal(numerator, lit(0)) * scale10).alias(f"{name}_x"),
            denominator.alias(f"{name}_d"),
        ],
        [(x // d).alias(f"{name}_q")],
        [((x - q * d) * 2).alias(f"{name}_r2")],
        [
            (q + up.cast(I128)).alias(name),
            ((r2 == d) & (x > 0)).fill_null(False).alias(f"{name}_tie"),
        ],
    ]


def temporaries(name: str) -> list[str]:
    """The intermediate columns `round_half_even(name, ...)` leaves behind."""
    return [f"{name}_{part}" for part in ("x", "d", "q", "r2")]


def add_months(day: pl.Expr, months: pl.Expr) -> pl.Expr:
    """`day` moved by whole months, clamped to the month's last day (31 Jan + 1 → 28/29 Feb),
    as `fairpath.domain.rules.arithmetic.add_months`."""
    index = day.dt.year().cast(pl.Int64) * 12 + day.dt.month().cast(pl.Int64) - 1 + months
    first = pl.date(index // 12, index % 12 + 1, 1)
    last = first.dt.days_in_month().cast(pl.Int64)
    return first + pl.duration(days=pl.min_horizontal(day.dt.day().cast(pl.Int64), last) - 1)


def with_period_months(periods: pl.LazyFrame) -> pl.LazyFrame:
    """`periods` (`period_start`, `period_end`) with `mn` / `md`: the period's length in months
    as an exact fraction, as `fairpath.domain.rules.arithmetic.period_months` computes it —
    whole months from the start, plus the days left over as a fraction of the month that would
    have followed (1–15 Jan = 15/31). Built step by step so each date is computed once."""
    start, end = pl.col("period_start"), pl.col("period_end")
    after = end + pl.duration(days=1)
    guess = (after.dt.year().cast(pl.Int64) * 12 + after.dt.month().cast(pl.Int64)) - (
        start.dt.year().cast(pl.Int64) * 12 + start.dt.month().cast(pl.Int64)
    )
    return (
        periods.with_columns(guess.alias("_guess"))
        .with_columns(add_months(start, pl.col("_guess")).alias("_at_guess"))
        .with_columns(
            pl.when(pl.col("_at_guess") <= after)
            .then(pl.col("_guess"))
            .otherwise(pl.col("_guess") - 1)
            .alias("_whole")
        )
        .with_columns(add_months(start, pl.col("_whole")).alias("_rest_start"))
        .with_columns(
            ((end - pl.col("_rest_start")).dt.total_days() + 1).alias("_rest_days"),
            add_months(pl.col("_rest_start"), pl.lit(1, dtype=pl.Int64)).alias("_next"),
        )
        .with_columns(
            (pl.col("_next") - pl.col("_rest_start")).dt.total_days().alias("_month_days")
        )
        .with_columns(
            pl.when(pl.col("_rest_days") > 0)
            .then(pl.col("_whole") * pl.col("_month_days") + pl.col("_rest_days"))
            .otherwise(pl.col("_whole"))
            .cast(I128)
            .alias("mn"),
            pl.when(pl.col("_rest_days") > 0)
            .then(pl.col("_month_days"))
            .otherwise(1)
            .cast(I128)
            .alias("md"),
        )
        .drop("_guess", "_at_guess", "_whole", "_rest_start", "_rest_days", "_next", "_month_days")
    )

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


def doubled(numerator: pl.Expr, scale10: pl.Expr) -> pl.Expr:
    """2 × numerator × 10^(minor units): the one Int128 column a rounded amount keeps on every
    row (`positive`, `candidate` and `round_half_even` read it)."""
    return numerator * scale10 * lit(2)


def positive(x2: pl.Expr, denominator: pl.Expr) -> pl.Expr:
    """Whether max(numerator / denominator, 0) rounds half-even to more than zero minor units,
    `x2` being `doubled(numerator, ...)`: exactly when it is more than half a minor unit, which
    is a comparison (no division). False where the denominator is not positive (the division
    gives no amount there)."""
    return (x2 > denominator) & (denominator > 0)


def candidate(x2: pl.Expr, denominator: pl.Expr) -> pl.Expr:
    """Rows whose amount is positive or exactly half a minor unit: every row where
    `round_half_even`'s tie flag can be true (a tie at q ≥ 1 is positive too)."""
    return (x2 >= denominator) & (denominator > 0)


def may_tie(x2: pl.Expr, denominator: pl.Expr) -> pl.Expr:
    """False only where `round_half_even`'s tie flag is false for certain, without a division:
    a tie is x2 ≡ d (mod 2d), so x2 − d is then a multiple of 2d, and of the largest power of
    two dividing 2d (its lowest set bit, `2d & −2d`): the bits of x2 − d below it must be
    zero. The wage rules' denominators carry 10^12 and more, so nearly every non-tie row is
    told apart by its low bits."""
    twice = denominator * lit(2)
    lowest = twice & (lit(0) - twice)  # Int128 has no negation in polars
    return (x2 - denominator) & (lowest - lit(1)) == 0


def round_half_even(name: str, x2: pl.Expr, denominator: pl.Expr) -> list[list[pl.Expr]]:
    """Columns `name` and `name_tie`, as four stages of `with_columns` (each intermediate
    computed once): max(numerator / denominator, 0) rounded half-even to the minor unit, and
    whether the exact amount lies exactly half-way between two minor units; `x2` is
    `doubled(numerator, scale10)`, `denominator` must be positive. Meant for the rows a rule has
    selected (`positive`, `candidate`): it divides, which every row need not do.

    With x = x2 / 2 = numerator × scale: q = x // d = x2 // 2d, and 2 × (x mod d) =
    x2 − q × 2d, compared with d."""
    x, d, q, r2 = (pl.col(f"_{name}_{part}") for part in ("x", "d", "q", "r2"))
    up = (r2 > d) | ((r2 == d) & (q % 2 == 1))
    return [
        [x2.alias(f"_{name}_x"), denominator.alias(f"_{name}_d")],
        [(x // (d * lit(2))).alias(f"_{name}_q")],
        [(x - q * d * lit(2)).alias(f"_{name}_r2")],
        [
            # max(…, 0): nothing owed where the numerator is not positive (null stays null)
            pl.when(x <= 0).then(lit(0)).otherwise(q + up.cast(I128)).alias(name),
            ((r2 == d) & (x > 0)).fill_null(False).alias(f"{name}_tie"),
        ],
    ]


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

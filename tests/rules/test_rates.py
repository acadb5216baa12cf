"""Exchange rates: annual averages, fallback years with a note, cross rates through the dollar."""

from __future__ import annotations

from datetime import date
from decimal import Decimal, localcontext

import pytest

from fairpath.domain.law import Confidence
from fairpath.domain.rates import ARITHMETIC, RateRow, RateTable, RateUnavailable


def _table(*rows: tuple[str, int, str]) -> RateTable:
    return RateTable(
        name="test-rates",
        rows={
            (c, y): RateRow(c, y, Decimal(r), "test", Confidence.PRIMARY, "test-rates")
            for c, y, r in rows
        },
    )


def test_cross_rate_goes_through_the_dollar_and_stays_exact() -> None:
    table = _table(("NPR", 2025, "139.12"), ("MYR", 2025, "4.2844"))
    result = table.convert(Decimal(85000), "NPR", "MYR", date(2025, 1, 12))
    with localcontext(ARITHMETIC):  # the one context all money arithmetic runs in
        expected = Decimal(85000) * Decimal("4.2844") / Decimal("139.12")
    assert result.amount == expected
    assert result.rate_year == 2025 and result.note is None


def test_the_dates_year_is_used_not_another() -> None:
    table = _table(("NPR", 2024, "100"), ("NPR", 2025, "200"))
    assert table.convert(Decimal(200), "NPR", "USD", date(2024, 12, 31)).amount == 2
    assert table.convert(Decimal(200), "NPR", "USD", date(2025, 1, 1)).amount == 1


def test_a_missing_year_falls_back_to_the_latest_earlier_year_with_a_note() -> None:
    table = _table(("NPR", 2023, "100"), ("NPR", 2024, "125"))
    result = table.convert(Decimal(250), "NPR", "USD", date(2026, 3, 1))
    assert result.amount == 2 and result.rate_year == 2024
    assert result.note is not None and "2026" in result.note and "2024" in result.note


def test_no_earlier_year_at_all_is_rate_unavailable_with_advice() -> None:
    table = _table(("NPR", 2024, "125"))
    with pytest.raises(RateUnavailable) as caught:
        table.convert(Decimal(1), "NPR", "USD", date(2020, 1, 1))
    assert "NPR" in caught.value.message and "override" in caught.value.message
    with pytest.raises(RateUnavailable):
        table.convert(Decimal(1), "XAF", "USD", date(2024, 1, 1))


def test_same_currency_needs_no_rate() -> None:
    result = _table().convert(Decimal("12.345"), "QAR", "QAR", date(1990, 1, 1))
    assert result.amount == Decimal("12.345") and result.rate_year is None


def test_packaged_table_covers_the_demo_currencies_for_2025(rates: RateTable) -> None:
    for ccy in ("NPR", "BDT", "PHP", "IDR", "MYR", "QAR", "TWD", "HKD", "THB", "SAR", "AED"):
        assert (ccy, 2025) in rates.rows, ccy
    assert rates.rows[("QAR", 2025)].lcu_per_usd == Decimal("3.64")

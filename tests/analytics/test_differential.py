"""The bulk engine agrees with the per-worker engine, finding for finding and to the minor unit,
on thousands of generated journeys (spec/rules.md; docs/analytics.md "Exactness")."""

from __future__ import annotations

import random
from pathlib import Path
from typing import Any

import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fairpath.analytics import BULK_RULES, assess_bulk, engine, frames_from_events
from fairpath.data import load_law_book
from fairpath.domain.errors import InvalidInputError
from fairpath.domain.law import LawBook
from fairpath.domain.money import minor_units
from fairpath.domain.rates import RateTable
from fairpath.domain.rules import NoteKind, assess
from tests.rules.builders import JourneyBuilder

from .generate import AS_OF, journey

Row = tuple[Any, ...]


def per_worker(
    builders: list[JourneyBuilder], law: LawBook, rates: RateTable
) -> tuple[set[Row], set[Row]]:
    findings: set[Row] = set()
    notes: set[Row] = set()
    for j in builders:
        result = assess(j.build(), law, rates, AS_OF, rules=BULK_RULES)
        for f in result.findings:
            owed = (
                None if f.owed is None else int(f.owed.amount.scaleb(minor_units(f.owed.currency)))
            )
            currency = None if f.owed is None else f.owed.currency
            findings.add((f.rule_id, f.worker_ref, f.severity.value, f.evidence, owed, currency))
        for n in result.notes:
            if n.kind is NoteKind.INSUFFICIENT_DATA:
                notes.add((n.rule_id, n.worker_ref, n.missing, n.evidence))
    return findings, notes


def bulk(
    builders: list[JourneyBuilder], law: LawBook, rates: RateTable, batch_rows: int = 1_000_000
) -> tuple[set[Row], set[Row], int]:
    data = frames_from_events(
        [j.worker for j in builders],
        [e for j in builders for e in j.events],
        [s for j in builders for s in j.sites],
    )
    result = assess_bulk(data, law, rates, AS_OF, batch_rows=batch_rows)
    findings = {
        (
            r["rule_id"],
            r["worker_ref"],
            r["severity"],
            tuple(r["evidence"]),
            r["owed_minor"],
            r["currency"],
        )
        for r in result.findings.iter_rows(named=True)
    }
    notes = {
        (r["rule_id"], r["worker_ref"], r["missing"], tuple(r["evidence"]))
        for r in result.notes.iter_rows(named=True)
    }
    assert result.findings.height == len(findings), "a finding is reported twice"
    return findings, notes, result.fallback


def test_three_thousand_seeded_journeys_give_the_same_findings_and_amounts(
    law: LawBook, rates: RateTable
) -> None:
    rng = random.Random(20260331)
    builders = [journey(rng, n) for n in range(3000)]
    expected_f, expected_n = per_worker(builders, law, rates)
    got_f, got_n, fallback = bulk(builders, law, rates)
    assert got_f == expected_f, (sorted(got_f - expected_f)[:5], sorted(expected_f - got_f)[:5])
    assert got_n == expected_n, (sorted(got_n - expected_n)[:5], sorted(expected_n - got_n)[:5])
    # The data set is varied enough to matter: every rule fires, money is owed, notes appear.
    assert {f[0] for f in expected_f} == set(BULK_RULES)
    assert sum(1 for f in expected_f if f[4]) > 1000
    assert len(expected_n) > 100
    # Most of it is decided columnar, not by the per-worker arithmetic.
    assert fallback < 0.1 * len(builders) * len(BULK_RULES)
    # Small batches split workers' payslips across batches: notes are still kept once per
    # worker (the first in the rule's order) and per-worker pairs still replace every batch's
    # findings of that worker and rule.
    batched_f, batched_n, batched_fallback = bulk(builders, law, rates, batch_rows=997)
    assert (batched_f, batched_n, batched_fallback) == (got_f, got_n, fallback)


def agree(builders: list[JourneyBuilder], law: LawBook, rates: RateTable) -> tuple[set[Row], int]:
    """Assert both engines give the same findings and notes; the findings and fallback count."""
    expected_f, expected_n = per_worker(builders, law, rates)
    got_f, got_n, fallback = bulk(builders, law, rates)
    assert got_f == expected_f
    assert got_n == expected_n
    return expected_f, fallback


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.randoms(use_true_random=False), st.integers(min_value=1, max_value=12))
def test_any_generated_batch_gives_the_same_findings(
    law: LawBook, rates: RateTable, rng: random.Random, size: int
) -> None:
    agree([journey(rng, n) for n in range(size)], law, rates)


def test_a_data_set_with_many_places_and_periods_gives_the_same_findings(
    law: LawBook, rates: RateTable, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Past `_MAX_CROSS_KEYS` (place, period) pairs the engine reads the keys the payslips have
    # instead of crossing every place with every period; the findings must not change.
    monkeypatch.setattr(engine, "_MAX_CROSS_KEYS", 0)
    rng = random.Random(4)
    findings, _ = agree([journey(rng, n) for n in range(300)], law, rates)
    assert len(findings) > 100


def test_a_minimum_wage_in_another_currency_goes_to_the_per_worker_engine(
    rates: RateTable, tmp_path: Path
) -> None:
    # An operator's table may set a minimum wage in US dollars: the payslip is then compared
    # with a converted amount, which only the per-worker arithmetic decides (RATE_FALLBACK,
    # rounding after conversion); the bulk engine must hand those rows over and agree.
    override = tmp_path / "usd.yaml"
    override.write_text(
        "schema: fairpath-law/1\ncountries:\n"
        "  QA:\n    facts:\n      minimum_wage.month:\n"
        '        - value: {amount: "275", currency: USD}\n'
        "          effective_from: 2024-01-01\n"
        "          confidence: P\n"
        '          source: "operator table in US dollars"\n',
        encoding="utf-8",
    )
    law = load_law_book([override])
    rng = random.Random(11)
    findings, fallback = agree([journey(rng, n) for n in range(400)], law, rates)
    assert fallback > 0
    assert any(f[0] == "BELOW_MINIMUM_WAGE" and f[5] == "QAR" for f in findings)


def test_payslips_in_any_order_and_of_unknown_workers_give_the_same_findings(
    law: LawBook, rates: RateTable
) -> None:
    # Payslips usually come a worker's at a time (the engine looks each run of one worker's
    # payslips up once); interleaved, in small batches, they must give the same findings, and
    # payslips of a worker the workers frame does not have are left out.
    rng = random.Random(5)
    builders = [journey(rng, n) for n in range(200)]
    events = [e for j in builders for e in j.events]
    workers = [j.worker for j in builders]
    sites = [s for j in builders for s in j.sites]
    grouped = assess_bulk(frames_from_events(workers, events, sites), law, rates, AS_OF)
    shuffled = events[:]
    random.Random(6).shuffle(shuffled)
    interleaved = assess_bulk(
        frames_from_events(workers, shuffled, sites), law, rates, AS_OF, batch_rows=101
    )
    columns = ["rule_id", "worker_ref", "severity", "evidence", "owed_minor", "currency"]
    assert grouped.findings.height > 100
    assert sorted(interleaved.findings.select(columns).rows()) == sorted(
        grouped.findings.select(columns).rows()
    )
    assert sorted(interleaved.notes.rows()) == sorted(grouped.notes.rows())
    # the first worker's payslips without the worker: none of its findings, the others' stay
    first = workers[0].ref
    without = assess_bulk(frames_from_events(workers[1:], events, sites), law, rates, AS_OF)
    expected = grouped.findings.filter(pl.col("worker_ref") != first)
    assert grouped.findings.height > expected.height
    assert sorted(without.findings.select(columns).rows()) == sorted(
        expected.select(columns).rows()
    )


def test_a_workers_frame_with_a_worker_twice_is_refused(law: LawBook, rates: RateTable) -> None:
    rng = random.Random(8)
    builders = [journey(rng, n) for n in range(3)]
    workers = [j.worker for j in builders]
    events = [e for j in builders for e in j.events]
    sites = [s for j in builders for s in j.sites]
    data = frames_from_events([*workers, workers[1]], events, sites)
    with pytest.raises(InvalidInputError, match="same worker_ref on more than one row"):
        assess_bulk(data, law, rates, AS_OF)

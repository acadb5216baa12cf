"""The report's tallies from the runs' stored summaries (SQL GROUP BY) equal those of the
streaming pass over every finding, with the cost indicator computed from each journey — so a
report reads the same whichever path its runs allow."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

import pytest

from fairpath.reports.build import build_report
from fairpath.reports.collect import (
    Collected,
    collect_streaming,
    collect_summaries,
    has_summaries,
    load_grievances,
)
from fairpath.reports.costs import CostReader
from fairpath.reports.scope import Scope, load_scope, whole_data_set
from fairpath.services.assessment import load_law
from tests.reports.conftest import Demo
from tests.reports.test_report import NOW


def _both(demo: Demo, scope: Scope, run_id: int, previous: int | None) -> tuple[Any, Any]:
    law_book, rates = load_law(demo.settings)
    run = demo.second if run_id == demo.second.id else demo.first
    window = (None, run.as_of)
    with demo.engine.connect() as conn:
        grievances = load_grievances(conn, run_id, window)
    fast = collect_summaries(
        demo.engine, scope, run_id, previous, grievances=window, with_costs=True
    )
    slow = collect_streaming(
        demo.engine,
        scope,
        run_id,
        previous,
        grievances=grievances,
        cost_reader=lambda c: CostReader(c, law_book, rates, run.as_of),
    )
    return _plain(fast), _plain(slow)


def _plain(got: Collected) -> dict[str, Any]:
    data = asdict(got)
    for corridor in data["costs"]["corridors"].values():
        # The stored path keeps the lowest and highest ratio to the 0.01 month the report
        # shows; the streaming path keeps them exact. Compared as shown:
        for end in ("minimum", "maximum"):
            corridor[end] = corridor[end].quantize(corridor[end].__class__("0.01"))
    return data


@pytest.mark.parametrize("org", ["harbourline", "kv-bottling", "ceylon-multiscript", None])
def test_stored_summaries_give_the_streaming_tallies(demo: Demo, org: str | None) -> None:
    with demo.engine.connect() as conn:
        scope = load_scope(conn, org) if org else whole_data_set(conn)
        assert has_summaries(conn, demo.second.id, demo.first.id)
        assert not has_summaries(conn, demo.second.id, demo.second.id)  # not what it compared
    fast, slow = _both(demo, scope, demo.second.id, demo.first.id)
    assert fast == slow
    assert fast["total"]["workers"] > 0
    assert _both(demo, scope, demo.first.id, None)[0] == _both(demo, scope, demo.first.id, None)[1]


def test_report_has_costs_changes_and_grievances_to_compare(demo: Demo) -> None:
    """The comparison above is not vacuous: the demo has all of it in the brand's scope."""
    got = build_report(demo.settings, demo.engine, "harbourline", None, NOW).collected
    assert got.costs.corridors and got.grievances.total
    assert sum(got.changes.new.values()) and sum(got.changes.unchanged.values())

"""The recruitment cost indicator (SDG 10.7.1) per corridor, for the workers a report covers.

The indicator is the domain's own definition (`fairpath.domain.rules.recruitment_cost_indicator`:
fees converted at their dates ÷ monthly earnings from payslips, else the promised wage). Runs
made since migration 0005 store it per worker (`services.assessment`: corridor, band, ratio in
thousandths and hundredths of a month), and the report adds up the stored values grouped in SQL
(`CorridorCosts.add_many`). For older runs `CostReader` computes it from each worker's journey,
a chunk of workers at a time. Per corridor only a bounded summary is kept — the count per band
(from the exact ratio), minimum and maximum (to the 0.01 month the report shows), and a
histogram of ratios rounded to 0.001 months for the median — so memory does not grow with the
number of workers.
"""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_EVEN, Decimal
from typing import Any

from pydantic import TypeAdapter
from sqlalchemy import Connection, select

from fairpath.domain.errors import FairpathError
from fairpath.domain.journey import AnyRecord, Organization, Site
from fairpath.domain.law import LawBook
from fairpath.domain.rates import RateTable
from fairpath.domain.rules import Journey, Note, recruitment_cost_indicator
from fairpath.domain.rules.aggregates import COST_BAND_NAMES, CostIndicator, cost_band
from fairpath.storage.models import EventRow, OrganizationRow, SiteRow, WorkerRow, table_of

_RECORD: TypeAdapter[Any] = TypeAdapter(AnyRecord)
_workers = table_of(WorkerRow)
_events = table_of(EventRow)
_orgs = table_of(OrganizationRow)
_sites = table_of(SiteRow)

#: Ratios are kept to this precision for the median (months of earnings).
STEP = Decimal("0.001")
BANDS = COST_BAND_NAMES


@dataclass
class CorridorCosts:
    """The indicator's distribution over one corridor's workers."""

    corridor: str
    workers: int = 0
    bands: Counter[str] = field(default_factory=Counter)
    histogram: Counter[Decimal] = field(default_factory=Counter)
    minimum: Decimal | None = None
    maximum: Decimal | None = None

    def add(self, ratio: Decimal) -> None:
        self.workers += 1
        self.bands[cost_band(ratio)] += 1
        self.histogram[ratio.quantize(STEP, rounding=ROUND_HALF_EVEN)] += 1
        self.minimum = ratio if self.minimum is None else min(self.minimum, ratio)
        self.maximum = ratio if self.maximum is None else max(self.maximum, ratio)

    def add_many(self, band: str, milli: int, workers: int, lowest: int, highest: int) -> None:
        """`workers` workers in `band` whose ratio rounds to `milli` thousandths of a month;
        `lowest`/`highest`: their smallest and largest ratio rounded to hundredths (rounding
        is monotone, so the rounded minimum is the minimum of the rounded ratios)."""
        self.workers += workers
        self.bands[band] += workers
        self.histogram[Decimal(milli).scaleb(-3)] += workers
        low, high = Decimal(lowest).scaleb(-2), Decimal(highest).scaleb(-2)
        self.minimum = low if self.minimum is None else min(self.minimum, low)
        self.maximum = high if self.maximum is None else max(self.maximum, high)

    @property
    def median(self) -> Decimal:
        """The median of the rounded ratios (the mean of the middle two for an even count)."""
        values = sorted(self.histogram.items())
        lower, upper = (self.workers - 1) // 2, self.workers // 2
        seen = 0
        low_value = high_value = Decimal(0)
        for value, count in values:
            if seen <= lower < seen + count:
                low_value = value
            if seen <= upper < seen + count:
                high_value = value
                break
            seen += count
        return (low_value + high_value) / 2


@dataclass
class CostTally:
    """The indicator per corridor, and how many workers it could not be computed for."""

    corridors: dict[str, CorridorCosts] = field(default_factory=dict)
    not_computed: Counter[str] = field(default_factory=Counter)  # reason → workers

    def corridor(self, name: str) -> CorridorCosts:
        entry = self.corridors.get(name)
        if entry is None:
            entry = self.corridors[name] = CorridorCosts(name)
        return entry

    def add(self, result: CostIndicator | Note) -> None:
        if isinstance(result, Note):
            self.not_computed[result.missing] += 1
            return
        self.corridor(result.corridor).add(result.ratio)


class CostReader:
    """Reads journeys of a chunk of workers and computes their indicator."""

    def __init__(self, conn: Connection, law_book: LawBook, rates: RateTable, as_of: date):
        self.conn = conn
        self.law_book = law_book
        self.rates = rates
        self.as_of = as_of
        self.orgs: list[Organization] = _all(conn, _orgs)
        self.sites: list[Site] = _all(conn, _sites)

    def indicators(self, refs: Sequence[str]) -> list[CostIndicator | Note]:
        """The indicator (or why it could not be computed) of each worker in `refs`."""
        workers = [
            _RECORD.validate_python(json.loads(text))
            for text in self.conn.scalars(
                select(_workers.c.canonical).where(_workers.c.ref.in_(refs))
            )
        ]
        events: dict[str, list[Any]] = defaultdict(list)
        query = select(_events.c.canonical).where(_events.c.worker_ref.in_(refs))
        for text in self.conn.scalars(query):
            event = _RECORD.validate_python(json.loads(text))
            events[event.worker_ref].append(event)
        out: list[CostIndicator | Note] = []
        for worker in workers:
            try:
                journey = Journey.from_events(
                    worker, events.get(worker.ref, ()), self.orgs, self.sites
                )
            except FairpathError:
                continue  # the assessment's JOURNEY note already says why
            out.append(recruitment_cost_indicator(journey, self.law_book, self.rates, self.as_of))
        return out


def _all(conn: Connection, table: Any) -> list[Any]:
    return [_RECORD.validate_python(json.loads(t)) for t in conn.scalars(select(table.c.canonical))]

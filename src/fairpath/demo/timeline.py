"""The journey being drawn: its frame, its state, its events, and the value helpers they share.

Money is kept as integer hundredths of the currency unit and formatted once, so no float and
no rounding drift ever touch an amount; dates are kept as ordinals and formatted once.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date
from functools import cache
from typing import Any, NamedTuple

from fairpath.demo import chain
from fairpath.demo.corridors import Corridor, Employer
from fairpath.demo.profile import Profile
from fairpath.domain.money import minor_units

Record = dict[str, Any]


class PayslipData(NamedTuple):
    """A payslip's `data`, amounts already formatted (rendered as a dict or straight to JSON)."""

    period_start: str
    period_end: str
    currency: str
    normal_hours: int
    overtime_hours: int
    rest_days_worked: int
    basic_pay: str
    overtime_pay: str
    deductions: tuple[tuple[str, str], ...]  # (kind, amount)
    net_pay: str
    paid_on: str | None


# One event, numbered and dated, ready to render (a plain tuple: the hot path makes millions):
# (ref, type, date, source, evidence, supersedes, data).
Event = tuple[str, str, str, str, Record | None, str | None, "Record | PayslipData"]


# --- values ------------------------------------------------------------------------------------


@cache
def iso(ordinal: int) -> str:
    """An ordinal date as ISO 8601 (cached: a data set spans a few thousand days)."""
    return date.fromordinal(ordinal).isoformat()


@cache
def _whole_units(currency: str) -> bool:
    return minor_units(currency) == 0


def money(hundredths: int, currency: str) -> str:
    """Hundredths of a unit as the decimal string the format writes ("1700.00", VND "5000000")."""
    if _whole_units(currency):
        return str(hundredths // 100)
    return f"{hundredths // 100}.{hundredths % 100:02d}"


def month_index(day: date) -> int:
    return day.year * 12 + day.month - 1


@cache
def month_bounds(index: int) -> tuple[int, int]:
    """First and last day (ordinals) of the month with index `index` (year * 12 + month - 1)."""
    year, month0 = divmod(index, 12)
    start = date(year, month0 + 1, 1).toordinal()
    next_year, next_month0 = divmod(index + 1, 12)
    return start, date(next_year, next_month0 + 1, 1).toordinal() - 1


def uniform(rng: random.Random, low: int, high: int) -> int:
    """An integer in [low, high] (one draw; cheaper than randint)."""
    return low + int(rng.random() * (high - low + 1))


def stepped(rng: random.Random, low: int, high: int, step: int) -> int:
    """An amount in [low, high] on a grid of `step`."""
    return low + step * int(rng.random() * ((high - low) // step + 1))


def ceil_div(numerator: int, denominator: int) -> int:
    return -(-numerator // denominator)


def sha(rng: random.Random) -> str | None:
    """Some documents were uploaded and are named by their hash (a fictional one here)."""
    if rng.random() < 0.25:
        return f"{rng.getrandbits(256):064x}"
    return None


# --- the data set's frame ------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Frame:
    """What every journey of one data set shares: the as-of date and how payslips are sized."""

    as_of: int  # ordinal
    last_month: int  # the newest pay period: the latest month ending 11+ days before as_of
    payslip_months: int | None
    households: int

    @classmethod
    def of(cls, as_of: date, payslip_months: int | None, workers: int) -> Frame:
        # A pay period is "past" once its payment deadline (at most 10 days) has run.
        cutoff = as_of.toordinal() - 11
        last = month_index(as_of)
        while month_bounds(last)[1] > cutoff:
            last -= 1
        return cls(as_of.toordinal(), last, payslip_months, chain.household_count(workers))


# --- the journey being built ---------------------------------------------------------------------


@dataclass(slots=True)
class Journey:
    """The state of one worker's journey while it is drawn."""

    rng: random.Random
    frame: Frame
    ref: str
    corridor: Corridor
    profile: Profile
    employer_ref: str
    site_ref: str
    employer: Employer
    recruiters: list[str]
    sub_agent: str
    origin_agency: str
    reads: list[str]
    arrival: int = 0
    departed: int = 0
    offer: int = 0
    periods: int = 0  # payslips to issue
    available: int = 0  # pay periods between arrival and the as-of date
    first_month: int = 0
    promised_wage: int = 0  # per destination.wage_per, hundredths
    terms: Record = field(default_factory=dict)
    actual_terms: Record = field(default_factory=dict)
    first_contract: int = 0
    # (day, seq, type, source, evidence, data, seq of the event superseded or -1)
    events: list[tuple[int, int, str, str, Record | None, Record | PayslipData, int]] = field(
        default_factory=list
    )
    fees: list[tuple[int, str]] = field(default_factory=list)  # (hundredths, currency)
    wage_shortfall: int = 0
    ended_on: int = 0
    corrected: bool = False  # a correction (`supersedes`) has been made

    def add(
        self,
        day: int,
        type_: str,
        source: str,
        evidence: Record | None,
        data: Record | PayslipData,
        *,
        supersedes: int = -1,
    ) -> int:
        """Record an event; returns its sequence number (for a later `supersedes`)."""
        seq = len(self.events)
        self.events.append((day, seq, type_, source, evidence, data, supersedes))
        return seq

    def numbered(self) -> list[Event]:
        """The events oldest first (a correction after what it corrects), numbered e01, e02, …"""
        # (day, seq) is unique, so tuple order never reaches the fields after it.
        events = self.events
        events.sort()
        prefix = self.ref + "-e"
        numbered: list[Event] = [
            (f"{prefix}{number:02d}", type_, iso(day), source, evidence, None, data)
            for number, (day, _, type_, source, evidence, data, _) in enumerate(events, 1)
        ]
        if self.corrected:  # name what each correction supersedes by its ref
            ref_of = {event[1]: numbered[i][0] for i, event in enumerate(events)}
            for i, event in enumerate(events):
                if event[6] >= 0:
                    ref, type_, day_iso, source, evidence, _, data = numbered[i]
                    numbered[i] = (ref, type_, day_iso, source, evidence, ref_of[event[6]], data)
        return numbered

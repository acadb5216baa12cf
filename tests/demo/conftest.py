"""Demo data sets shared by the demo tests, and a reader of one worker's journey from them."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import pytest

from fairpath.demo import generate

AS_OF = date(2026, 6, 30)

Record = dict[str, Any]


@dataclass
class WorkerJourney:
    """One worker and their events, newest versions only (a superseded event is dropped)."""

    worker: Record
    events: list[Record] = field(default_factory=list)

    def of(self, type_: str) -> list[Record]:
        return [e for e in self.events if e["type"] == type_]


@dataclass
class DataSet:
    records: list[Record]
    organizations: dict[str, Record]
    sites: dict[str, Record]
    links: list[Record]
    journeys: list[WorkerJourney]


def read(records: list[Record]) -> DataSet:
    organizations = {r["ref"]: r for r in records if r["kind"] == "organization"}
    sites = {r["ref"]: r for r in records if r["kind"] == "site"}
    links = [r for r in records if r["kind"] == "link"]
    by_worker: dict[str, list[Record]] = defaultdict(list)
    for record in records:
        if record["kind"] == "event":
            by_worker[record["worker_ref"]].append(record)
    journeys = []
    for record in records:
        if record["kind"] != "worker":
            continue
        events = by_worker[record["ref"]]
        superseded = {e["supersedes"] for e in events if e["supersedes"]}
        journeys.append(WorkerJourney(record, [e for e in events if e["ref"] not in superseded]))
    return DataSet(records, organizations, sites, links, journeys)


@pytest.fixture(scope="session")
def small() -> DataSet:
    """300 workers: small enough to validate every record with the domain models."""
    return read(list(generate(workers=300, seed=7, as_of=AS_OF)))


@pytest.fixture(scope="session")
def large() -> DataSet:
    """3,000 workers: enough for shares to be measured within a few percentage points."""
    return read(list(generate(workers=3000, seed=11, as_of=AS_OF)))

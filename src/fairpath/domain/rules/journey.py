"""One worker's journey as the rules read it: the worker, the newest version of each event, and
the organizations and sites it references.

Owns `Journey.from_events`, which resolves `supersedes` chains (spec/journey-format.md §1.5:
"Records are never edited; a correction is a new event ... Rules read the newest version"), and
the small lookups every rule needs: events of a type, the destination (site country, else
`destination_country`, spec/rules.md "Common definitions") and the worker's region.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any, TypeVar

from fairpath.domain.errors import InvalidInputError
from fairpath.domain.journey import (
    ContractSignedEvent,
    ContractStage,
    EventType,
    JobOfferedEvent,
    Organization,
    Site,
    Terms,
    Worker,
)

E = TypeVar("E")


@dataclass(frozen=True, slots=True)
class PromisedTerms:
    """The terms the worker was promised and the event that promised them."""

    terms: Terms
    event_ref: str
    event_date: date
    employer_ref: str
    stage: str  # "pre_departure", "job_offered" or "on_arrival"


@dataclass(frozen=True, slots=True)
class Journey:
    """A worker, their current events (oldest first) and the records they reference."""

    worker: Worker
    events: tuple[Any, ...]
    organizations: Mapping[str, Organization] = field(default_factory=dict)
    sites: Mapping[str, Site] = field(default_factory=dict)
    superseded: frozenset[str] = frozenset()

    @classmethod
    def from_events(
        cls,
        worker: Worker,
        events: Iterable[Any],
        organizations: Iterable[Organization] = (),
        sites: Iterable[Site] = (),
    ) -> Journey:
        """Build a journey, keeping only the newest version of each corrected event.

        An event named by another event's `supersedes` is dropped, and so is everything it
        superseded in turn. Raises InvalidInputError when an event belongs to another worker,
        two events share a ref, or a chain of corrections loops back on itself.
        """
        by_ref: dict[str, Any] = {}
        for event in events:
            if event.worker_ref != worker.ref:
                raise InvalidInputError(
                    f"event {event.ref} belongs to worker {event.worker_ref}, not {worker.ref}; "
                    "pass only this worker's events",
                    where=f"event {event.ref}",
                )
            if event.ref in by_ref and by_ref[event.ref] != event:
                raise InvalidInputError(
                    f"two different events share the ref {event.ref}; give the correction a new "
                    "ref and name the old one in 'supersedes'",
                    where=f"event {event.ref}",
                )
            by_ref[event.ref] = event
        _refuse_cycles(by_ref)
        superseded = frozenset(e.supersedes for e in by_ref.values() if e.supersedes)
        current = sorted(
            (e for ref, e in by_ref.items() if ref not in superseded),
            key=lambda e: (e.date, e.ref),
        )
        return cls(
            worker=worker,
            events=tuple(current),
            organizations={o.ref: o for o in organizations},
            sites={s.ref: s for s in sites},
            superseded=superseded & by_ref.keys(),
        )

    def as_of(self, day: date) -> Journey:
        """The journey as it stood on `day`: events dated after it are left out."""
        return replace(self, events=tuple(e for e in self.events if e.date <= day))

    # --- lookups --------------------------------------------------------------------------

    def of_type(self, kind: EventType) -> tuple[Any, ...]:
        """Current events of one type, oldest first."""
        return tuple(e for e in self.events if e.type is kind)

    @property
    def site(self) -> Site | None:
        ref = self.worker.site_ref
        return self.sites.get(ref) if ref else None

    @property
    def destination(self) -> str:
        """The site's country, else the worker's `destination_country`."""
        site = self.site
        return site.country if site is not None else self.worker.destination_country

    @property
    def origin(self) -> str:
        return self.worker.origin_country

    @property
    def sector(self) -> str:
        return self.worker.sector.value

    @property
    def region(self) -> str | None:
        site = self.site
        return site.region if site is not None else None

    def contracts(self, *stages: ContractStage) -> tuple[ContractSignedEvent, ...]:
        found = self.of_type(EventType.CONTRACT_SIGNED)
        return tuple(e for e in found if not stages or e.data.stage in stages)

    def promised_terms(self) -> PromisedTerms | None:
        """spec/rules.md "Promised terms": the latest pre_departure contract; if none, the first
        job_offered; if none, the first on_arrival contract."""
        pre = self.contracts(ContractStage.PRE_DEPARTURE)
        if pre:
            return _promised(pre[-1], "pre_departure")
        offers: tuple[JobOfferedEvent, ...] = self.of_type(EventType.JOB_OFFERED)
        if offers:
            return _promised(offers[0], "job_offered")
        arrival = self.contracts(ContractStage.ON_ARRIVAL)
        if arrival:
            return _promised(arrival[0], "on_arrival")
        return None

    def destination_currency(self, currencies: Mapping[str, str]) -> str | None:
        """The destination's currency (from the law tables' `currencies`), else the promised
        wage's currency."""
        known = currencies.get(self.destination)
        if known:
            return known
        promised = self.promised_terms()
        return promised.terms.wage.currency if promised else None

    def latest_terms(self) -> PromisedTerms | None:
        """The terms of the newest contract signed (renewal, on arrival or pre-departure),
        else the promised terms: the wage an end-of-service benefit is computed on."""
        signed = self.contracts()
        if signed:
            return _promised(signed[-1], signed[-1].data.stage.value)
        return self.promised_terms()


def _promised(event: ContractSignedEvent | JobOfferedEvent, stage: str) -> PromisedTerms:
    return PromisedTerms(
        terms=event.data.terms,
        event_ref=event.ref,
        event_date=event.date,
        employer_ref=event.data.employer_ref,
        stage=stage,
    )


def _refuse_cycles(by_ref: Mapping[str, Any]) -> None:
    for start in by_ref:
        seen = {start}
        ref = by_ref[start].supersedes
        while ref is not None and ref in by_ref:
            if ref in seen:
                raise InvalidInputError(
                    f"the corrections of event {start} loop back on themselves "
                    f"(through {ref}); each correction must name an older event",
                    where=f"event {start}",
                )
            seen.add(ref)
            ref = by_ref[ref].supersedes

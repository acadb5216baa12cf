"""Country law as cited values, and the choice of the law in force on a date.

Owns the types of the law tables (`Cited`, `Scope`, the value types a rule reads: wage rates,
overtime limits, end-of-service formulas, origin-country fee caps) and the pure lookup
`LawBook.law_in_force`, which implements spec/rules.md "Law in force": per value, the rule
whose `effective_from` is the latest on or before the date, for the worker's sector (and
region) where the law distinguishes.

Every value keeps where it came from: the source text/URL, a confidence tag (P primary,
S secondary, D derived by us from cited values), its effective date and the table (file) it was
read from, so a finding can cite it and a report can say which table was used. A key that no
table has is *missing* (`None` from a lookup); a key whose value is `None` is a cited statement
that the law sets no such value (e.g. "no minimum wage for migrant workers") — rules treat the
first as INSUFFICIENT_DATA and the second as "nothing to check".

Loading the tables from files is `fairpath.data`'s job; nothing here reads a file.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from enum import StrEnum
from typing import Any, Generic, Literal, TypeVar

from fairpath.domain.journey import EndReason, WagePer

T = TypeVar("T")


class Confidence(StrEnum):
    """How sure the source is (reference/rules-data.md §0)."""

    PRIMARY = "P"  # official text or government page
    SECONDARY = "S"  # law firm, news, NGO summary quoting the law
    DERIVED = "D"  # computed by us from cited values (the note says how)


@dataclass(frozen=True, slots=True)
class Scope:
    """Whom a law value applies to. `None` means "everyone"; a set means "only these"."""

    sectors: frozenset[str] | None = None
    except_sectors: frozenset[str] = frozenset()
    regions: frozenset[str] | None = None  # casefolded region / province names
    destinations: frozenset[str] | None = None  # origin-country rules: destination countries
    genders: frozenset[str] | None = None

    def matches(
        self,
        *,
        sector: str | None,
        region: str | None,
        destination: str | None,
        gender: str | None,
    ) -> bool:
        """True when a worker with these attributes is covered."""
        if sector is not None and sector in self.except_sectors:
            return False
        return (
            _covers(self.sectors, sector)
            and _covers(self.regions, region.casefold() if region else None)
            and _covers(self.destinations, destination)
            and _covers(self.genders, gender)
        )

    @property
    def specificity(self) -> int:
        """How narrowly the value is aimed: a region-specific value beats a sector one, which
        beats a general one (the special rule displaces the general: lex specialis)."""
        return (
            4 * (self.regions is not None)
            + 2 * (self.sectors is not None)
            + (self.destinations is not None)
            + (self.genders is not None)
        )


def _covers(allowed: frozenset[str] | None, value: str | None) -> bool:
    return allowed is None or (value is not None and value in allowed)


@dataclass(frozen=True, slots=True)
class Cited(Generic[T]):
    """One law value with its provenance."""

    key: str
    country: str
    value: T
    source: str
    confidence: Confidence
    effective_from: date | None  # None: in force, start date not stated in the source
    table: str  # the file the value was read from
    note: str | None = None
    effective_until: date | None = None
    scope: Scope = field(default_factory=Scope)

    def in_force_on(self, day: date) -> bool:
        """True when the value applies on `day` (an unknown start counts as "already")."""
        started = self.effective_from is None or self.effective_from <= day
        ended = self.effective_until is not None and day > self.effective_until
        return started and not ended

    def citation(self) -> str:
        """A short reference a report can print next to a figure."""
        since = (
            f"in force from {self.effective_from.isoformat()}"
            if self.effective_from
            else "start date not stated"
        )
        return f"{self.source} [{self.confidence.value}; {since}; table {self.table}]"


# --- value types ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Ratio:
    """An exact ratio such as 2/3 (HK severance) or 1/3 (Saudi resignation), kept as a
    numerator and denominator so that no rounding happens before the end of a computation."""

    numerator: Decimal
    denominator: Decimal = Decimal(1)

    def of(self, amount: Decimal) -> Decimal:
        """`amount` × this ratio (one division, in the caller's decimal context)."""
        return amount * self.numerator / self.denominator


@dataclass(frozen=True, slots=True)
class WageRate:
    """A minimum wage: an amount per month, day or hour."""

    amount: Decimal
    currency: str
    per: WagePer


OvertimePer = Literal["day", "week", "month", "3_months", "year"]
OVERTIME_PERIODS: tuple[OvertimePer, ...] = ("day", "week", "month", "3_months", "year")


@dataclass(frozen=True, slots=True)
class ServiceTier:
    """One band of an end-of-service formula: `[from_year, to_year)` years of service."""

    from_year: Decimal
    to_year: Decimal | None
    amount: Ratio  # days' or months' wage — per year of service, or one lump sum
    unit: Literal["day", "month"]

    def contains(self, years: Decimal) -> bool:
        return self.from_year <= years and (self.to_year is None or years < self.to_year)


@dataclass(frozen=True, slots=True)
class ResignationFraction:
    """The share of the benefit paid when the worker resigns (Saudi Labor Law Art. 85)."""

    from_year: Decimal
    to_year: Decimal | None
    fraction: Ratio


EndOfServiceKind = Literal[
    "gratuity", "severance_on_termination", "none_statutory", "paid_by_social_insurance"
]
TierMethod = Literal["marginal", "whole_service_band", "lump_sum"]


@dataclass(frozen=True, slots=True)
class EndOfServiceRule:
    """A destination's statutory end-of-service benefit (reference/wage_rules.yaml)."""

    kind: EndOfServiceKind
    method: TierMethod = "marginal"
    tiers: tuple[ServiceTier, ...] = ()
    min_service_months: int | None = None
    min_service_days: int | None = None
    payable_on: frozenset[EndReason] | None = None  # None: on any end of the contract
    pro_rata_fractions: bool | None = None  # None: the source does not say → whole years
    resignation_fractions: tuple[ResignationFraction, ...] = ()
    cap_months_of_wage: Decimal | None = None
    monthly_wage_cap: Decimal | None = None
    total_cap: Decimal | None = None
    day_wage_divisor: Decimal = Decimal(30)

    @property
    def owes_anything(self) -> bool:
        return self.kind in ("gratuity", "severance_on_termination") and bool(self.tiers)


FeeCapBasis = Literal["per_worker", "months_of_salary", "months_per_12_months_worked"]
FeeCapCovers = Literal["recruiter_fees", "all_fees"]


@dataclass(frozen=True, slots=True)
class FeeCap:
    """What an origin country lets agencies charge a worker (rules-data.md §4)."""

    covers: FeeCapCovers
    basis: FeeCapBasis
    amount: Decimal | None = None  # per_worker
    currency: str | None = None  # per_worker
    months: Decimal | None = None  # months_of_salary / months_per_12_months_worked
    max_months: Decimal | None = None
    rule_text: str = ""

    @property
    def is_ban(self) -> bool:
        return self.basis == "per_worker" and self.amount == 0


@dataclass(frozen=True, slots=True)
class Standard:
    """An ILO forced-labour indicator or an IRIS principle, with its official name."""

    id: str
    name: str
    definition: str | None
    source: str


# --- the law in force ----------------------------------------------------------------------

#: Keys a destination's law may have, with the type of their value.
KEYS: Mapping[str, str] = {
    "minimum_wage.month": "WageRate | None",
    "minimum_wage.day": "WageRate | None",
    "minimum_wage.hour": "WageRate | None",
    "max_normal_hours_week": "Decimal",
    "max_normal_hours_day": "Decimal",
    "overtime_multiplier": "Decimal | None",
    **{f"overtime_limit.{per}": "Decimal" for per in OVERTIME_PERIODS},
    "weekly_rest_days": "int",
    "payment_deadline_days": "int | None",
    "final_settlement_deadline_days": "int",
    "deduction_cap_pct": "Decimal | None",
    "fines_banned": "bool",
    "worker_fees_banned": "bool",
    "worker_fee_rule": "str",
    "passport_retention_prohibited": "bool",
    "end_of_service": "EndOfServiceRule",
}


@dataclass(frozen=True, slots=True)
class CountryLaw:
    """The values of one country's law in force on one date for one kind of worker."""

    country: str
    on: date
    sector: str | None
    region: str | None
    currency: str | None
    values: Mapping[str, Cited[Any]]

    def get(self, key: str) -> Cited[Any] | None:
        """The cited value for `key`, or None when no table has it (missing, not "none")."""
        return self.values.get(key)

    def minimum_wages(self) -> tuple[Cited[WageRate | None], ...]:
        """The minimum-wage values in force (monthly, daily, hourly — as the law sets them)."""
        return tuple(
            c for per in ("month", "day", "hour") if (c := self.values.get(f"minimum_wage.{per}"))
        )

    def overtime_limits(self) -> tuple[Cited[Decimal], ...]:
        return tuple(
            c for per in OVERTIME_PERIODS if (c := self.values.get(f"overtime_limit.{per}"))
        )

    def end_of_service(self) -> Cited[EndOfServiceRule] | None:
        return self.values.get("end_of_service")


@dataclass(frozen=True, slots=True)
class LawBook:
    """All law tables: country values (with versions and scopes), origin fee caps, and the
    ILO indicators / IRIS principles by id."""

    facts: tuple[Cited[Any], ...]
    currencies: Mapping[str, str]
    country_names: Mapping[str, str]
    standards: Mapping[str, Standard]
    tables: tuple[str, ...]

    def rows(self, country: str, key: str | None = None) -> tuple[Cited[Any], ...]:
        """Every version of every value for `country` (or of one `key`), in load order — the
        shape a columnar engine turns into a table (country, key, scope, effective dates)."""
        return tuple(
            f for f in self.facts if f.country == country and (key is None or f.key == key)
        )

    def minimum_wage_rows(self, country: str) -> tuple[Cited[WageRate | None], ...]:
        """All minimum-wage versions for `country`, all sectors and regions."""
        return tuple(f for f in self.rows(country) if f.key.startswith("minimum_wage."))

    def law_in_force(
        self,
        country: str,
        sector: str | None,
        on: date,
        *,
        region: str | None = None,
    ) -> CountryLaw:
        """The destination law on `on` for a worker of `sector` (and `region`)."""
        values = _select(
            self.rows(country),
            on,
            sector=sector,
            region=region,
            destination=None,
            gender=None,
            skip_prefix="fee_cap.",
        )
        return CountryLaw(
            country=country,
            on=on,
            sector=sector,
            region=region,
            currency=self.currencies.get(country),
            values=values,
        )

    def fee_caps(
        self,
        origin: str,
        destination: str,
        on: date,
        *,
        sector: str | None,
        gender: str | None,
    ) -> tuple[Cited[FeeCap], ...]:
        """The origin country's caps on what a worker going to `destination` may be charged,
        in force on `on`. All that apply are returned; the tightest binds."""
        selected = _select(
            (f for f in self.rows(origin) if f.key.startswith("fee_cap.")),
            on,
            sector=sector,
            region=None,
            destination=destination,
            gender=gender,
            skip_prefix=None,
        )
        return tuple(c for c in selected.values() if c.value is not None)

    def country_name(self, country: str) -> str:
        return self.country_names.get(country, country)


def _select(
    facts: Iterable[Cited[Any]],
    on: date,
    *,
    sector: str | None,
    region: str | None,
    destination: str | None,
    gender: str | None,
    skip_prefix: str | None,
) -> dict[str, Cited[Any]]:
    """Per key: among the versions that cover the worker and are in force on `on`, the most
    specific, then the latest `effective_from`, then the one loaded last (an operator's
    override file is loaded after the packaged tables, so it wins a tie)."""
    best: dict[str, tuple[tuple[int, date, int], Cited[Any]]] = {}
    for index, fact in enumerate(facts):
        if skip_prefix and fact.key.startswith(skip_prefix):
            continue
        if not fact.in_force_on(on):
            continue
        if not fact.scope.matches(
            sector=sector, region=region, destination=destination, gender=gender
        ):
            continue
        rank = (fact.scope.specificity, fact.effective_from or date.min, index)
        current = best.get(fact.key)
        if current is None or rank > current[0]:
            best[fact.key] = (rank, fact)
    return {key: fact for key, (_, fact) in best.items()}

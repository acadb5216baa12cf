"""Whose workers a report covers: the organisation, its kind, and its supply chain.

A brand's report covers every supplier it buys from, directly or through other suppliers
(`buys_from` links followed downstream; the tier is the number of links from the brand), their
sites and their workers — the same chain the assessment counted the worker's brands by. A
supplier's (employer's) report covers its own workers; a recruiter's, the workers it recruited.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from sqlalchemy import Connection, select

from fairpath.domain.errors import InvalidInputError, NotFoundError
from fairpath.domain.journey import LinkType, OrgRole
from fairpath.storage.models import LinkRow, OrganizationRow, SiteRow, table_of

_orgs = table_of(OrganizationRow)
_sites = table_of(SiteRow)
_links = table_of(LinkRow)


class ScopeKind(StrEnum):
    BRAND = "brand"
    SUPPLIER = "supplier"
    RECRUITER = "recruiter"


#: The assessment's group dimension that holds each kind of organisation.
DIMENSION = {
    ScopeKind.BRAND: "brand",
    ScopeKind.SUPPLIER: "supplier",
    ScopeKind.RECRUITER: "recruiter",
}


@dataclass(frozen=True)
class Org:
    """An organisation as a report names it."""

    ref: str
    name: str
    country: str
    roles: tuple[str, ...]
    iris_status: str
    licence: Mapping[str, Any] | None = None


@dataclass(frozen=True)
class SiteInfo:
    ref: str
    org_ref: str
    name: str
    country: str
    region: str | None
    sector: str


@dataclass
class Scope:
    """The organisation a report is for and the chain below it."""

    org: Org
    kind: ScopeKind
    tiers: dict[str, int] = field(default_factory=dict)  # supplier ref → tier (brand scope)
    orgs: dict[str, Org] = field(default_factory=dict)  # every organisation, by ref
    sites: dict[str, SiteInfo] = field(default_factory=dict)
    everything: bool = False  # the whole data set (scorecards across every organisation)

    def covers(self, groups: Mapping[str, list[str]]) -> bool:
        """True when a worker counted in `groups` (an assessed worker's group keys) is in scope."""
        return self.everything or self.org.ref in groups.get(DIMENSION[self.kind], ())

    def tier_of(self, supplier_ref: str | None) -> int | None:
        """The supplier's tier below the brand (1 = buys directly); None outside a brand scope."""
        if supplier_ref is None:
            return None
        if self.kind is ScopeKind.SUPPLIER:
            return 0 if supplier_ref == self.org.ref else None
        return self.tiers.get(supplier_ref)

    def name(self, ref: str) -> str:
        org = self.orgs.get(ref)
        if org is not None:
            return org.name
        site = self.sites.get(ref)
        return site.name if site is not None else ref


def load_scope(conn: Connection, org_ref: str) -> Scope:
    """The scope of a report for `org_ref`; a clear error for an unknown organisation or one
    that is neither a brand, a supplier/employer nor a recruiter."""
    orgs = {o.ref: o for o in _load_orgs(conn)}
    org = orgs.get(org_ref)
    if org is None:
        raise NotFoundError(
            f"no organisation with reference '{org_ref}'; check the spelling "
            "(`fairpath export` lists the organisations recorded)"
        )
    kind = _kind_of(org)
    scope = Scope(org=org, kind=kind, orgs=orgs, sites=_load_sites(conn))
    if kind is ScopeKind.BRAND:
        scope.tiers = supplier_tiers(org_ref, _buys_from(conn))
    return scope


def whole_data_set(conn: Connection) -> Scope:
    """Every worker of the data set (scorecards without --org)."""
    orgs = {o.ref: o for o in _load_orgs(conn)}
    everyone = Org("*", "every organisation", "", (), "none")
    return Scope(
        org=everyone, kind=ScopeKind.SUPPLIER, orgs=orgs, sites=_load_sites(conn), everything=True
    )


def _kind_of(org: Org) -> ScopeKind:
    roles = set(org.roles)
    if OrgRole.BRAND.value in roles:
        return ScopeKind.BRAND
    if roles & {OrgRole.SUPPLIER.value, OrgRole.EMPLOYER.value}:
        return ScopeKind.SUPPLIER
    if roles & {OrgRole.RECRUITER.value, OrgRole.SUB_AGENT.value}:
        return ScopeKind.RECRUITER
    raise InvalidInputError(
        f"'{org.ref}' is a {', '.join(org.roles)}; reports are made for a brand, a supplier "
        "(employer) or a recruiter"
    )


def supplier_tiers(brand_ref: str, links: list[tuple[str, str]]) -> dict[str, int]:
    """Each supplier reachable from the brand over `buys_from` (buyer, supplier) pairs, with its
    tier: the fewest links from the brand (breadth first, so a supplier bought from both
    directly and through another counts as tier 1)."""
    suppliers: dict[str, list[str]] = defaultdict(list)
    for buyer, supplier in links:
        suppliers[buyer].append(supplier)
    tiers: dict[str, int] = {}
    frontier = [brand_ref]
    depth = 0
    while frontier:
        depth += 1
        nxt: list[str] = []
        for buyer in frontier:
            for supplier in sorted(suppliers.get(buyer, ())):
                if supplier not in tiers and supplier != brand_ref:
                    tiers[supplier] = depth
                    nxt.append(supplier)
        frontier = nxt
    return tiers


def _buys_from(conn: Connection) -> list[tuple[str, str]]:
    query = select(_links.c.from_ref, _links.c.to_ref).where(
        _links.c.type == LinkType.BUYS_FROM.value
    )
    return [(r.from_ref, r.to_ref) for r in conn.execute(query)]


def _load_orgs(conn: Connection) -> list[Org]:
    out = []
    for (text,) in conn.execute(select(_orgs.c.canonical)):
        record = json.loads(text)
        out.append(
            Org(
                ref=record["ref"],
                name=record["name"],
                country=record["country"],
                roles=tuple(record["roles"]),
                iris_status=record.get("iris_status") or "none",
                licence=record.get("licence"),
            )
        )
    return out


def _load_sites(conn: Connection) -> dict[str, SiteInfo]:
    out = {}
    for (text,) in conn.execute(select(_sites.c.canonical)):
        r = json.loads(text)
        out[r["ref"]] = SiteInfo(
            r["ref"], r["org_ref"], r["name"], r["country"], r.get("region"), r["sector"]
        )
    return out

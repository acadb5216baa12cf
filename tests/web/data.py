"""A small supply chain for web tests: two brands, tiers, recruiters with a sub-agent, an NGO.

    acme (brand) ─buys_from→ kl-bottling (supplier, tier 1) ─buys_from→ penang-caps (tier 2)
    other-brand ─buys_from→ other-factory
    everest-hr (recruiter) ─recruits_for→ kl-bottling; everest-hr ─subcontracts_to→ village-agent
    dhaka-link (recruiter) ─recruits_for→ other-factory
    migrant-aid (NGO), audit-co (auditor)

Workers: w-1 at kl-bottling recruited by everest-hr; w-2 at penang-caps recruited by
village-agent (everest-hr's sub-agent); w-3 at other-factory recruited by dhaka-link.
"""

from __future__ import annotations

from typing import Any

NAMES = {"w-1": "Sita Gurung", "w-2": "Ram Thapa", "w-3": "Rahim Uddin"}
PASSPORTS = {"w-1": "PA9988776", "w-2": "PB1122334", "w-3": "BD7766554"}


def _org(ref: str, name: str, country: str, *roles: str, **extra: Any) -> dict[str, Any]:
    return {
        "kind": "organization",
        "ref": ref,
        "name": name,
        "country": country,
        "roles": list(roles),
        **extra,
    }


def _site(ref: str, org: str, country: str) -> dict[str, Any]:
    return {
        "kind": "site",
        "ref": ref,
        "org_ref": org,
        "name": ref.replace("-", " ").title(),
        "country": country,
        "sector": "manufacturing",
    }


def _link(a: str, b: str, kind: str, tier: int | None = None) -> dict[str, Any]:
    link: dict[str, Any] = {"kind": "link", "from_ref": a, "to_ref": b, "type": kind}
    if tier is not None:
        link["tier"] = tier
    return link


def _worker(
    ref: str, *, origin: str, dest: str, employer: str, site: str | None, recruiters: list[str]
) -> dict[str, Any]:
    worker: dict[str, Any] = {
        "kind": "worker",
        "ref": ref,
        "origin_country": origin,
        "destination_country": dest,
        "sector": "manufacturing",
        "employer_ref": employer,
        "recruiter_refs": recruiters,
        "languages": ["ne"],
        "pii": {"full_name": NAMES[ref], "passport_number": PASSPORTS[ref]},
    }
    if site:
        worker["site_ref"] = site
    return worker


def _fee(ref: str, worker: str, amount: str, currency: str, to: str) -> dict[str, Any]:
    return {
        "kind": "event",
        "ref": ref,
        "worker_ref": worker,
        "type": "fee_paid",
        "date": "2025-01-12",
        "source": "worker",
        "data": {
            "amount": amount,
            "currency": currency,
            "paid_to_ref": to,
            "paid_to_role": "recruiter",
            "purpose": "service_fee",
        },
    }


def chain_data_set() -> list[dict[str, Any]]:
    """The records, in dependency order."""
    licence = {
        "number": "1234/070/71",
        "issuer": "DoFE",
        "valid_from": "2019-01-01",
        "valid_until": "2099-07-15",
    }
    return [
        _org("acme", "Acme Apparel", "DE", "brand"),
        _org("other-brand", "Other Brand", "US", "brand"),
        _org("kl-bottling", "KL Bottling", "MY", "supplier", "employer"),
        _org("penang-caps", "Penang Caps", "MY", "supplier", "employer"),
        _org("other-factory", "Other Factory", "MY", "supplier", "employer"),
        _org(
            "everest-hr", "Everest HR", "NP", "recruiter", licence=licence, iris_status="certified"
        ),
        _org("village-agent", "Village Agent", "NP", "sub_agent"),
        _org("dhaka-link", "Dhaka Link", "BD", "recruiter"),
        _org("migrant-aid", "Migrant Aid", "MY", "ngo"),
        _org("audit-co", "Audit Co", "GB", "auditor"),
        _site("shah-alam", "kl-bottling", "MY"),
        _site("penang-plant", "penang-caps", "MY"),
        _site("other-plant", "other-factory", "MY"),
        _link("acme", "kl-bottling", "buys_from", 1),
        _link("kl-bottling", "penang-caps", "buys_from", 2),
        _link("other-brand", "other-factory", "buys_from", 1),
        _link("everest-hr", "kl-bottling", "recruits_for"),
        _link("everest-hr", "village-agent", "subcontracts_to"),
        _link("dhaka-link", "other-factory", "recruits_for"),
        _worker(
            "w-1",
            origin="NP",
            dest="MY",
            employer="kl-bottling",
            site="shah-alam",
            recruiters=["everest-hr"],
        ),
        _worker(
            "w-2",
            origin="NP",
            dest="MY",
            employer="penang-caps",
            site="penang-plant",
            recruiters=["village-agent"],
        ),
        _worker(
            "w-3",
            origin="BD",
            dest="MY",
            employer="other-factory",
            site="other-plant",
            recruiters=["dhaka-link"],
        ),
        _fee("e-1", "w-1", "85000.00", "NPR", "everest-hr"),
        _fee("e-2", "w-2", "90000.00", "NPR", "village-agent"),
        _fee("e-3", "w-3", "450000.00", "BDT", "dhaka-link"),
    ]

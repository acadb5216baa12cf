"""The regulator-shaped exports' schemas, written from each framework's own field list.

Expressed as pydantic models (`extra="forbid"`, so an unknown or misspelt field fails) and
validated with them; `json_schema(framework)` gives the JSON Schema each export ships beside its
data. Field names follow the framework's own where it has a structured model (the UK registry's
`StatementSummary`, Dataland's LkSG model); docs/reports.md cites every source field.

A count is an integer, or "<5" / "s" where it is suppressed (`reports.privacy`). An amount is a
decimal string in its currency, or "<5" / "s". A field the organisation must declare itself (a
policy, a training, an audit) is `null` with `to_complete_by_the_organisation` naming it: fairpath
never claims what it has not recorded.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from fairpath.domain.errors import InvalidInputError

Count = Annotated[int, Field(ge=0)] | Literal["<5", "s"]
Amount = Annotated[str, Field(pattern=r"^-?[0-9]+(\.[0-9]+)?$")] | Literal["<5", "s"]
Currency = Annotated[str, Field(pattern=r"^[A-Z]{3}$")]
Country = Annotated[str, Field(pattern=r"^[A-Z]{2}$")]
IloId = Annotated[str, Field(pattern=r"^FL(0[1-9]|1[01])$")]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Organisation(_Model):
    ref: str
    name: str
    country: Country


class RunRef(_Model):
    id: int
    as_of: date
    compared_with: int | None


class Header(_Model):
    framework: str
    schema_version: Literal[1]
    organisation: Organisation
    assessment_run: RunRef
    period_from: date | None
    period_to: date | None
    privacy: str
    to_complete_by_the_organisation: list[str]


class Money(_Model):
    currency: Currency
    workers: Count
    owed: Amount
    paid: Amount
    confirmed_by_workers: Amount
    balance: Amount


# --- UK Modern Slavery Act s.54: the statement registry's StatementSummary -------------------

UkIndicator = Literal[
    "VulnerabilityAbuse",
    "Deception",
    "MovementRestriction",
    "Isolation",
    "Violence",
    "ThreatIntimidation",
    "DocumentRetention",
    "WageWithholding",
    "DebtBondage",
    "WorkLiveConditions",
    "ExcessiveOvertime",
]
UkTier = Literal["Tier1", "Tier2", "Tier3", "None"]


class UkRisk(_Model):
    Description: str
    LikelySource: Literal["OwnOperations", "SupplyChains"]
    SupplyChainTiers: list[UkTier]
    Targets: list[Literal["Migrants", "Children", "Women"]]
    Countries: list[Country]
    workers: Count
    workers_with_findings: Count
    findings: Count


class UkFeesPolicy(_Model):
    Policies: None  # the organisation declares its policies (e.g. "RecruitmentFees")
    workers_who_paid_recruitment_fees: Count
    workers_charged_above_legal_cap: Count
    workers_in_recruitment_debt: Count


class UkRemediation(_Model):
    Remediations: list[Literal["FeeRepayment"]]
    remedy: list[Money]


class UkMsa(Header):
    framework: Literal["uk-msa"]
    fees_policy: UkFeesPolicy
    Risks: list[UkRisk]
    Indicators: list[UkIndicator]
    indicator_counts: dict[IloId, Count]
    remediation: UkRemediation
    ProgressMeasures: dict[str, Count]
    GrievanceMechanisms: list[Literal["WorkerVoicePlatforms", "WhistleblowingServices"]]


# --- German LkSG §10: BAFA questionnaire data -------------------------------------------------

LksgTopic = Literal[
    "child_labour", "forced_labour", "occupational_safety_and_health", "withholding_adequate_wage"
]


class LksgRisk(_Model):
    topic: LksgTopic
    supplier_level: Literal["own_operations", "direct_suppliers", "indirect_suppliers"]
    workers_affected: Count
    findings: Count


class LksgComplaints(_Model):
    grievanceHandlingMechanism: bool
    complaintsNumber: Count
    complaintsReason: dict[str, Count]
    channels: dict[str, Count]
    anonymous: Count
    publicAccessToGrievanceHandling: None
    whistleblowerProtection: None


class LksgEffectiveness(_Model):
    findings_new_since_previous: Count
    findings_resolved_since_previous: Count
    findings_still_open: Count
    workers_confirmed_remedy: Count


class Lksg(Header):
    framework: Literal["lksg"]
    risks_identified: list[LksgRisk]
    prioritisation_by_severity: dict[Literal["critical", "high", "medium", "low"], Count]
    remediation_measures: list[Money]
    prevention_measures: None
    effectiveness: LksgEffectiveness
    complaints_procedure: LksgComplaints


# --- EU CSDDD Art. 14: complaints register -----------------------------------------------------


class Complaint(_Model):
    register_id: str
    received_on: date
    submitted_by: Literal["affected_person"]
    channel: str
    category: str
    anonymous: bool
    record_ref: str | None  # the journey record, not for anonymous complaints
    business_partner: str | None  # the supplier, when its workforce is not small
    status: Literal["received"]
    founded: None
    follow_up: None
    remedy: None


class CsdddArt14(Header):
    framework: Literal["csddd-art14"]
    complaints: list[Complaint]
    by_category: dict[str, Count]
    by_channel: dict[str, Count]
    anonymous: Count


# --- ESRS S2 "Workers in the value chain": S2-3 and S2-4 --------------------------------------


class S2Channel(_Model):
    channel: str
    grievances: Count


class EsrsS2_3(_Model):
    approach_to_remedy: list[Money]  # para 27(a)
    channels: list[S2Channel]  # para 27(b)
    processes_supporting_channels: None  # para 27(c)
    grievances_tracked: Count  # para 27(d)
    anonymous: Count


class EsrsS2_4(_Model):
    impacts_by_indicator: dict[IloId, Count]  # para 32(a): material negative impacts
    workers_remedy_paid: Count  # para 32(b)
    workers_remedy_confirmed: Count
    findings_resolved_since_previous: Count  # para 32(d): effectiveness
    findings_new_since_previous: Count
    severe_findings: Count


class EsrsS2(Header):
    framework: Literal["esrs-s2"]
    S2_3: EsrsS2_3
    S2_4: EsrsS2_4


# --- US CBP WRO modification: evidence pack per ILO indicator ---------------------------------


class Proof(_Model):
    record_ref: str
    log_index: int
    bundle: str  # c2sp.org/tlog-proof@v1


class Evidence(_Model):
    finding_key: str
    rule_id: str
    records: list[str]


class IndicatorPack(_Model):
    indicator: IloId
    name: str
    found: bool
    findings: Count
    workers: Count
    remediation: list[Money]
    evidence: list[Evidence]
    third_party_audit: None


class MapRow(_Model):
    supplier: str
    tier: int | None
    site: str
    recruiter: str
    corridor: str
    workers: Count


class CbpWro(Header):
    framework: Literal["cbp-wro"]
    indicators: list[IndicatorPack]
    supply_chain_map: list[MapRow]
    log_checkpoint: str | None
    proofs: list[Proof]
    worker_annex: str  # file name of the pseudonymous per-worker remedy CSV


MODELS: dict[str, type[Header]] = {
    "uk-msa": UkMsa,
    "lksg": Lksg,
    "csddd-art14": CsdddArt14,
    "esrs-s2": EsrsS2,
    "cbp-wro": CbpWro,
}


def validate(framework: str, data: Any) -> Header:
    """Validate an export against its framework's schema; a clear error naming each field."""
    try:
        return MODELS[framework].model_validate(data)
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in err['loc'])}: {err['msg']}" for err in exc.errors()[:10]
        )
        raise InvalidInputError(
            f"the {framework} export does not match its schema ({problems})"
        ) from None


def json_schema(framework: str) -> dict[str, Any]:
    """The JSON Schema of a framework's export."""
    return MODELS[framework].model_json_schema()

"""Tenancy: who may see which worker, organisation and finding — decided here and nowhere else.

Every read path (API, pages, exports for a person) asks this module; none filters on its own.
The rules follow the supply chain (DESIGN.md §5, docs/web.md "Tenancy"):

- platform admin — everything, with personal data;
- organisation admin/member of org O — O's own workers (employer O, or a site of O) and the
  workers O recruited (O in `recruiter_refs`) with personal data; the workers of every org O
  buys from, transitively through tiers (`buys_from`), and of every sub-agent O subcontracts
  to (`subcontracts_to`, transitively), pseudonymised — so a brand sees its chain without names;
- auditor — the workers of the organisations it was granted, pseudonymised, read-only;
- case handler — the workers assigned to it and the workers of the grievances assigned to it,
  with personal data, because it must reach them;
- worker — only themself, with their own personal data.

Grievances (docs/grievances.md "Who sees what") follow the same chain, with one stricter rule:
the complainant's identity — the worker reference, their words, their contact, the journey's
`grievance_filed` events — is visible only to the worker, the case handlers assigned to the
case, and the employer only with the worker's recorded consent (never for an anonymous case).
Platform admins, brands, auditors and the independent party see cases redacted.

Anything outside a principal's scope does not exist for them: callers answer 404, not 403, so
that a reference's existence does not leak.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Any

from sqlalchemy import (
    ARRAY,
    ColumnElement,
    Connection,
    String,
    cast,
    column,
    exists,
    false,
    func,
    literal,
    or_,
    select,
    true,
)
from sqlalchemy.dialects.postgresql import JSONB

from fairpath.domain.journey import Link, Organization, Site, Worker
from fairpath.interchange.sources import read_source
from fairpath.storage.accounts import AccountRow, AssignmentRow, AuditorGrantRow
from fairpath.storage.grievances import GrievanceRow
from fairpath.storage.models import LinkRow, OrganizationRow, SiteRow, WorkerRow, table_of

_workers = table_of(WorkerRow)
_sites = table_of(SiteRow)
_links = table_of(LinkRow)
_orgs = table_of(OrganizationRow)
_accounts = table_of(AccountRow)
_grants = table_of(AuditorGrantRow)
_assignments = table_of(AssignmentRow)
_grievances = table_of(GrievanceRow)


class Role(StrEnum):
    """The roles an account can hold (docs/web.md "Roles")."""

    PLATFORM_ADMIN = "platform_admin"
    ORG_ADMIN = "org_admin"
    ORG_MEMBER = "org_member"
    AUDITOR = "auditor"
    CASE_HANDLER = "case_handler"
    WORKER = "worker"


ORG_ROLES = frozenset({Role.ORG_ADMIN, Role.ORG_MEMBER})


@dataclass(frozen=True)
class Principal:
    """Who is asking: an account with its role, organisation and grants."""

    account_id: int
    login: str
    display_name: str
    role: Role
    org_ref: str | None = None
    worker_ref: str | None = None
    granted_orgs: frozenset[str] = frozenset()
    assigned_workers: frozenset[str] = frozenset()
    assigned_grievances: frozenset[str] = frozenset()
    #: Where `scope_of` keeps the scope it computed, on a principal that lives for one request
    #: only (`load_principal(..., per_request=True)`: the web app loads one per request). None
    #: (the default) computes the scope on every call, so a principal kept longer — by the CLI,
    #: a test — never sees a supply chain older than the data.
    memo: dict[str, Any] | None = field(default=None, compare=False, repr=False)

    @property
    def actor(self) -> str:
        """How the audit trail names this principal."""
        return f"web:{self.login}"

    @property
    def is_staff(self) -> bool:
        """Everyone but a worker uses the staff pages."""
        return self.role is not Role.WORKER

    @property
    def can_upload(self) -> bool:
        """Importing data: platform admins and members of an organisation (auditors and case
        handlers read; workers raise grievances instead)."""
        return self.role is Role.PLATFORM_ADMIN or self.role in ORG_ROLES

    @property
    def can_manage_tokens(self) -> bool:
        """API tokens are for integrations run by admins."""
        return self.role in (Role.PLATFORM_ADMIN, Role.ORG_ADMIN)


def load_principal(
    conn: Connection, account_id: int, *, per_request: bool = False
) -> Principal | None:
    """The principal of an enabled account, with its grants and assignments; else None.

    `per_request`: the principal serves one request, so `scope_of` may keep its scope."""
    row = conn.execute(
        select(_accounts).where(_accounts.c.id == account_id, _accounts.c.disabled_at.is_(None))
    ).one_or_none()
    if row is None:
        return None
    return principal_of(conn, row, per_request=per_request)


def principal_of(conn: Connection, account: Any, *, per_request: bool = False) -> Principal:
    """The principal of an enabled `accounts` row (any row with its columns).

    Grants are read only for an auditor and assignments only for a case handler: no other role
    uses them (every rule below asks for the role first), so the other roles cost one query."""
    role = Role(account.role)
    grants: frozenset[str] = frozenset()
    if role is Role.AUDITOR:
        grants = frozenset(
            conn.scalars(select(_grants.c.org_ref).where(_grants.c.account_id == account.id))
        )
    assigned: dict[str, set[str]] = {"worker": set(), "grievance": set()}
    if role is Role.CASE_HANDLER:
        for kind, ref in conn.execute(
            select(_assignments.c.subject_kind, _assignments.c.subject_ref).where(
                _assignments.c.account_id == account.id
            )
        ):
            assigned.setdefault(kind, set()).add(ref)
    return Principal(
        account_id=account.id,
        login=account.login,
        display_name=account.display_name,
        role=role,
        org_ref=account.org_ref,
        worker_ref=account.worker_ref,
        granted_orgs=grants,
        assigned_workers=frozenset(assigned["worker"]),
        assigned_grievances=frozenset(assigned["grievance"]),
        memo={} if per_request else None,
    )


@dataclass(frozen=True)
class Scope:
    """What a principal may see, as sets of references (computed once per request)."""

    everything: bool = False
    # workers of these orgs (as employer or via a site) are visible ...
    personal_orgs: frozenset[str] = frozenset()  # ... with personal data
    chain_orgs: frozenset[str] = frozenset()  # ... pseudonymised
    # workers who name these recruiters in `recruiter_refs` are visible ...
    personal_recruiters: frozenset[str] = frozenset()  # ... with personal data
    chain_recruiters: frozenset[str] = frozenset()  # ... pseudonymised
    personal_workers: frozenset[str] = frozenset()  # these workers, with personal data
    orgs: frozenset[str] = field(default_factory=frozenset)  # organisations visible


def scope_of(conn: Connection, principal: Principal) -> Scope:
    """The scope of `principal` as the supply chain stands now (computed once per request for
    a per-request principal: every access call of one request sees the same scope)."""
    memo = principal.memo
    if memo is not None:
        cached: Scope | None = memo.get("scope")
        if cached is None:
            cached = memo["scope"] = _scope_now(conn, principal)
        return cached
    return _scope_now(conn, principal)


def _scope_now(conn: Connection, principal: Principal) -> Scope:
    if principal.role is Role.PLATFORM_ADMIN:
        return Scope(everything=True)
    if principal.role in ORG_ROLES and principal.org_ref is not None:
        return _org_scope(conn, principal.org_ref)
    if principal.role is Role.AUDITOR:
        granted = principal.granted_orgs
        return Scope(chain_orgs=granted, orgs=granted | _neighbours(conn, granted))
    workers = _personal_workers_of(conn, principal)
    return Scope(personal_workers=workers, orgs=_orgs_named_by(conn, workers, principal))


def _personal_workers_of(conn: Connection, principal: Principal) -> frozenset[str]:
    if principal.role is Role.WORKER and principal.worker_ref is not None:
        return frozenset({principal.worker_ref})
    if principal.role is Role.CASE_HANDLER:
        # The worker of each grievance assigned joins the workers assigned directly.
        of_cases: frozenset[str] = frozenset()
        if principal.assigned_grievances:
            of_cases = frozenset(
                conn.scalars(
                    select(_grievances.c.worker_ref).where(
                        _grievances.c.ref.in_(principal.assigned_grievances),
                        _grievances.c.worker_ref.is_not(None),
                    )
                )
            )
        return principal.assigned_workers | of_cases
    return frozenset()


def _org_scope(conn: Connection, org: str) -> Scope:
    links = [
        (r.from_ref, r.to_ref, r.type)
        for r in conn.execute(select(_links.c.from_ref, _links.c.to_ref, _links.c.type))
    ]
    chain = _closure(org, links, "buys_from") - {org}
    sub_agents = _closure(org, links, "subcontracts_to") - {org}
    near = {org} | chain | sub_agents
    linked = {b for a, b, _ in links if a in near} | {a for a, b, _ in links if b in near}
    # The recruiters and sub-agents of the chain are visible too (a brand's due diligence on
    # the recruiters its suppliers use), with their own sub-agents.
    recruiters = set(linked)
    for ref in linked:
        recruiters |= _closure(ref, links, "subcontracts_to")
    return Scope(
        personal_orgs=frozenset({org}),
        chain_orgs=frozenset(chain),
        personal_recruiters=frozenset({org}),
        chain_recruiters=frozenset(sub_agents),
        orgs=frozenset(near | recruiters),
    )


def _closure(start: str, links: Iterable[tuple[str, str, str]], link_type: str) -> set[str]:
    """Every org reachable from `start` along links of one type (cycles are harmless)."""
    edges: dict[str, set[str]] = {}
    for a, b, t in links:
        if t == link_type:
            edges.setdefault(a, set()).add(b)
    seen = {start}
    frontier = [start]
    while frontier:
        for nxt in edges.get(frontier.pop(), ()):
            if nxt not in seen:
                seen.add(nxt)
                frontier.append(nxt)
    return seen


def _neighbours(conn: Connection, orgs: frozenset[str]) -> frozenset[str]:
    if not orgs:
        return frozenset()
    rows = conn.execute(
        select(_links.c.from_ref, _links.c.to_ref).where(
            or_(_links.c.from_ref.in_(orgs), _links.c.to_ref.in_(orgs))
        )
    )
    return frozenset(ref for r in rows for ref in (r.from_ref, r.to_ref))


def _orgs_named_by(
    conn: Connection, workers: frozenset[str], principal: Principal
) -> frozenset[str]:
    """A worker's (or case handler's) view of organisations: their own org, plus the
    employers and recruiters of the workers they may see."""
    found = {principal.org_ref} if principal.org_ref else set()
    if workers:
        for row in conn.execute(
            select(_workers.c.employer_ref, _workers.c.canonical).where(_workers.c.ref.in_(workers))
        ):
            if row.employer_ref:
                found.add(row.employer_ref)
            found.update(json.loads(row.canonical).get("recruiter_refs", []))
    return frozenset(found)


# --- SQL filters: every query on workers (and what hangs off a worker) uses one of these ------


def visible_workers(conn: Connection, scope: Scope) -> ColumnElement[bool]:
    """A WHERE clause on the `workers` table: the workers `scope` may see."""
    if scope.everything:
        return true()
    return _worker_clause(
        conn,
        scope.personal_orgs | scope.chain_orgs,
        scope.personal_recruiters | scope.chain_recruiters,
        scope.personal_workers,
    )


def personal_data_workers(conn: Connection, scope: Scope) -> ColumnElement[bool]:
    """A WHERE clause on `workers`: those whose personal data `scope` may read."""
    if scope.everything:
        return true()
    return _worker_clause(
        conn, scope.personal_orgs, scope.personal_recruiters, scope.personal_workers
    )


def worker_ref_filter(
    conn: Connection, scope: Scope, worker_ref_column: ColumnElement[str]
) -> ColumnElement[bool]:
    """`worker_ref_column IN (visible workers)`, for events, findings and assessed workers."""
    if scope.everything:
        return true()
    return worker_ref_column.in_(select(_workers.c.ref).where(visible_workers(conn, scope)))


def visible_orgs(scope: Scope) -> ColumnElement[bool]:
    """A WHERE clause on the `organizations` table."""
    if scope.everything:
        return true()
    return _orgs.c.ref.in_(scope.orgs) if scope.orgs else false()


def can_see_worker(conn: Connection, scope: Scope, worker_ref: str) -> bool:
    """True when `worker_ref` exists and is inside `scope` (else callers answer 404)."""
    query = select(_workers.c.ref).where(_workers.c.ref == worker_ref, visible_workers(conn, scope))
    return conn.execute(query).first() is not None


def can_see_personal_data(conn: Connection, scope: Scope, worker_ref: str) -> bool:
    """True when `scope` may decrypt `worker_ref`'s personal data (the read is then audited)."""
    query = select(_workers.c.ref).where(
        _workers.c.ref == worker_ref, personal_data_workers(conn, scope)
    )
    return conn.execute(query).first() is not None


def _worker_clause(
    conn: Connection,
    orgs: frozenset[str],
    recruiters: frozenset[str],
    workers: frozenset[str],
) -> ColumnElement[bool]:
    clauses: list[ColumnElement[bool]] = []
    if orgs:
        clauses.append(_workers.c.employer_ref.in_(orgs))
        clauses.append(
            _workers.c.site_ref.in_(select(_sites.c.ref).where(_sites.c.org_ref.in_(orgs)))
        )
    if recruiters:
        clauses.append(_names_a_recruiter(conn, recruiters))
    if workers:
        clauses.append(_workers.c.ref.in_(workers))
    return or_(*clauses) if clauses else false()


def _names_a_recruiter(conn: Connection, recruiters: frozenset[str]) -> ColumnElement[bool]:
    """The worker's `recruiter_refs` (kept in its canonical JSON) names one of `recruiters`."""
    refs = sorted(recruiters)
    if conn.dialect.name == "postgresql":
        document = cast(_workers.c.canonical, JSONB)["recruiter_refs"]
        named: ColumnElement[bool] = document.has_any(cast(refs, ARRAY(String)))
        return named
    each = func.json_each(_workers.c.canonical, "$.recruiter_refs").table_valued("value")
    return exists(select(literal(1)).select_from(each).where(column("value").in_(refs)))


# --- grievances: who sees a case, and who sees who complained -----------------------------

#: Journey events that reveal who complained: shown only to the worker and case handlers.
GRIEVANCE_EVENT_TYPES = frozenset({"grievance_filed"})


def visible_grievances(conn: Connection, principal: Principal) -> ColumnElement[bool]:
    """A WHERE clause on `grievances`: the cases `principal` may see (identity aside).

    Platform admins see every case; a worker their own; a case handler the cases assigned, those
    escalated to its organisation and those its organisation filed for a worker; an
    organisation the cases of its own and its chain's workers (by employer or site), those
    escalated to it and those it filed as a representative; an auditor the cases of the
    organisations granted to it.
    """
    g = _grievances
    role = principal.role
    if role is Role.PLATFORM_ADMIN:
        return true()
    if role is Role.WORKER:
        return g.c.worker_ref == principal.worker_ref if principal.worker_ref else false()
    clauses: list[ColumnElement[bool]] = []
    org = principal.org_ref
    if org is not None:
        clauses += [g.c.escalated_to == org, g.c.representative_ref == org]
    if role is Role.CASE_HANDLER and principal.assigned_grievances:
        clauses.append(g.c.ref.in_(principal.assigned_grievances))
    employers: frozenset[str] = frozenset()
    if role in ORG_ROLES and org is not None:
        scope = scope_of(conn, principal)
        employers = scope.personal_orgs | scope.chain_orgs
    elif role is Role.AUDITOR:
        employers = principal.granted_orgs
    if employers:
        clauses.append(g.c.employer_ref.in_(employers))
        clauses.append(
            g.c.site_ref.in_(select(_sites.c.ref).where(_sites.c.org_ref.in_(employers)))
        )
    return or_(*clauses) if clauses else false()


def can_see_complainant(principal: Principal, case: Any) -> bool:
    """Whether `principal` may know who filed `case` (a `grievances` row it can already see).

    The worker themself and the case handlers assigned to the case; the employer's own staff
    only when the worker recorded consent and the case is not anonymous. Nobody else — not the
    platform admin, not the brand, not the independent party — because a complainant's identity
    is what retaliation needs (CSDDD Art. 14: confidentiality of identity).
    """
    if principal.role is Role.WORKER:
        return case.worker_ref is not None and case.worker_ref == principal.worker_ref
    if principal.role is Role.CASE_HANDLER:
        return case.ref in principal.assigned_grievances
    if principal.role in ORG_ROLES:
        return (
            bool(case.consent_to_supplier)
            and not case.anonymous
            and principal.org_ref is not None
            and principal.org_ref == case.employer_ref
        )
    return False


def may_handle_grievance(principal: Principal, case: Any) -> bool:
    """Whether `principal` acts as the case's handler: assigned to it, or staff of the
    independent party it was escalated to."""
    if principal.role is Role.CASE_HANDLER and case.ref in principal.assigned_grievances:
        return True
    return (
        case.escalated_to is not None
        and principal.org_ref == case.escalated_to
        and principal.role in (Role.CASE_HANDLER, Role.ORG_ADMIN)
    )


def may_see_event_type(principal: Principal, event_type: str) -> bool:
    """`grievance_filed` events name a complainant: only the worker and case handlers (whose
    worker scope is their assigned workers and cases) see them on a journey."""
    if event_type not in GRIEVANCE_EVENT_TYPES:
        return True
    return principal.role in (Role.WORKER, Role.CASE_HANDLER)


# --- due-diligence reports: an organisation's own, its auditors', the platform's ---------------


def may_download_reports(principal: Principal) -> bool:
    """Whether `principal` may download any due-diligence report at all: platform admins, an
    organisation's admins and members, and auditors. Case handlers and workers may not — a
    report is the organisation's account of its chain (CSDDD Art. 16), not a case file."""
    if principal.role is Role.PLATFORM_ADMIN or principal.role is Role.AUDITOR:
        return True
    return principal.role in ORG_ROLES and principal.org_ref is not None


def may_download_report(principal: Principal, org_ref: str) -> bool:
    """Whether `principal` may download `org_ref`'s report: its own organisation's, one an
    auditor was granted, or any for a platform admin. A brand does not get its supplier's
    report (nor the reverse): each organisation publishes its own."""
    if principal.role is Role.PLATFORM_ADMIN:
        return True
    if principal.role is Role.AUDITOR:
        return org_ref in principal.granted_orgs
    return principal.role in ORG_ROLES and principal.org_ref == org_ref


def report_orgs(principal: Principal) -> frozenset[str] | None:
    """The organisations whose reports `principal` may download; None means every one."""
    if principal.role is Role.PLATFORM_ADMIN:
        return None
    if principal.role is Role.AUDITOR:
        return principal.granted_orgs
    if principal.role in ORG_ROLES and principal.org_ref is not None:
        return frozenset({principal.org_ref})
    return frozenset()


# --- uploads: an organisation writes only what is its own ---------------------------------


def upload_problems(conn: Connection, principal: Principal, path: Path) -> list[str]:
    """Records in `path` that `principal` may not write, one sentence each (empty: all fine).

    An organisation uploads its own sites, its own links, workers it employs or recruited and
    those workers' events; it may name other organisations (they are created if new, and a
    record that differs from a stored one is refused by the import as a conflict). Platform
    admins may upload anything. Problems in the file itself are left to the import to report.
    """
    if principal.role is Role.PLATFORM_ADMIN:
        return []
    org = principal.org_ref
    if not principal.can_upload or org is None:
        return ["your account cannot upload data; ask your organisation's admin"]
    own_sites = set(conn.scalars(select(_sites.c.ref).where(_sites.c.org_ref == org)))
    own_workers = set(
        conn.scalars(
            select(_workers.c.ref).where(
                _worker_clause(conn, frozenset({org}), frozenset({org}), frozenset())
            )
        )
    )
    problems: list[str] = []
    for location, parsed in read_source(path):
        message = _upload_problem(parsed, org, own_sites, own_workers)
        if message:
            problems.append(f"{location}: {message}")
    return problems


def _upload_problem(
    record: object, org: str, own_sites: set[str], own_workers: set[str]
) -> str | None:
    if isinstance(record, Site):
        if record.org_ref != org:
            return f"site {record.ref} belongs to {record.org_ref}; upload only your own sites"
        own_sites.add(record.ref)
    elif isinstance(record, Link):
        if org not in (record.from_ref, record.to_ref):
            return "this link does not involve your organisation; upload only your own links"
    elif isinstance(record, Worker):
        if not (
            record.employer_ref == org
            or record.site_ref in own_sites
            or org in record.recruiter_refs
        ):
            return (
                f"worker {record.ref} is neither employed nor recruited by your organisation; "
                "upload only your own workers"
            )
        own_workers.add(record.ref)
    elif isinstance(record, Organization):
        return None
    elif getattr(record, "kind", None) == "event" and (
        getattr(record, "worker_ref", None) not in own_workers
    ):
        return "this event is about a worker your organisation neither employs nor recruited"
    return None

"""The tenancy matrix: every role against every route of the app, with objects of others.

The routes are collected from the app's router: a new route without an entry here fails
`test_every_route_is_in_the_matrix`. Each entry lists the requests to make and the status each
role must get. Object ids belonging to someone else answer 404 (existence does not leak);
a page a role may not use answers 403; anonymous pages redirect to sign-in (303), anonymous
API calls get 401. Personal-data visibility is checked per role and per worker below.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import pytest
from fastapi.routing import iter_route_contexts
from starlette.routing import Mount

from fairpath.services import accounts, assessment
from tests.grievances.matrix import MATRIX_CASE, ensure_matrix_case
from tests.web.conftest import ROLES, TestClient, WebSite
from tests.web.data import NAMES, chain_data_set

STAFF_ROLES = [r for r in ROLES if r not in ("worker", "anonymous")]
SIGNED_IN = [r for r in ROLES if r != "anonymous"]
UPLOADERS = [
    "platform_admin",
    "brand_admin",
    "brand_member",
    "supplier_admin",
    "supplier_member",
    "recruiter",
]
TOKEN_MANAGERS = ["platform_admin", "brand_admin", "supplier_admin", "recruiter"]
#: Who may download due-diligence reports at all (case handlers and workers may not: 403).
REPORTERS = [*UPLOADERS, "auditor"]
#: Whose report each role may download: its own organisation's, an auditor's granted one.
REPORT_READERS = {
    "acme": {"platform_admin", "brand_admin", "brand_member"},
    "kl-bottling": {"platform_admin", "supplier_admin", "supplier_member", "auditor"},
    "other-brand": {"platform_admin"},
    "no-such-org": set(),
}

#: Which workers each role sees, and whose personal data it may read.
VISIBLE = {
    "platform_admin": {"w-1", "w-2", "w-3"},
    "brand_admin": {"w-1", "w-2"},
    "brand_member": {"w-1", "w-2"},
    "supplier_admin": {"w-1", "w-2"},
    "supplier_member": {"w-1", "w-2"},
    "recruiter": {"w-1", "w-2"},
    "auditor": {"w-1"},
    "case_handler": {"w-2", "w-3"},  # w-3 assigned; w-2 through its assigned grievance
    "worker": {"w-2"},
    "anonymous": set(),
}
PERSONAL = {
    "platform_admin": {"w-1", "w-2", "w-3"},
    "brand_admin": set(),
    "brand_member": set(),
    "supplier_admin": {"w-1"},
    "supplier_member": {"w-1"},
    "recruiter": {"w-1"},
    "auditor": set(),
    "case_handler": {"w-2", "w-3"},
    "worker": {"w-2"},
    "anonymous": set(),
}
ORG_VISIBLE = {
    "acme": {
        "platform_admin",
        "brand_admin",
        "brand_member",
        "supplier_admin",
        "supplier_member",
        "auditor",
    },
    "other-factory": {"platform_admin", "case_handler"},
}
ACME = next(r for r in chain_data_set() if r["ref"] == "acme")


def expect(ok: int, allowed: list[str] | set[str], *, other: int, anonymous: int) -> dict[str, int]:
    """`ok` for the allowed roles, `other` for the rest, `anonymous` when not signed in."""
    out = {role: ok if role in allowed else other for role in ROLES}
    out["anonymous"] = anonymous
    return out


def everyone(status: int) -> dict[str, int]:
    return dict.fromkeys(ROLES, status)


def report_cases() -> list[Case]:
    """Each organisation's report: 200 for its readers, 404 for other reporters (another
    organisation's report does not exist for them), 403 for case handlers and workers."""
    cases = []
    formats = ["pdf", "html", "html", "pdf"]
    for (org, readers), fmt in zip(REPORT_READERS.items(), formats, strict=True):
        statuses = expect(404, REPORTERS, other=403, anonymous=303)
        cases.append(Case(f"/reports/{org}/{fmt}", statuses | dict.fromkeys(readers, 200)))
    cases.append(Case("/reports/acme/docx", expect(404, REPORTERS, other=403, anonymous=303)))
    return cases


@dataclass
class Case:
    """One request and the status every role must get."""

    path: str
    statuses: dict[str, int]
    method: str = "GET"
    form: dict[str, str] = field(default_factory=dict)
    upload: bool = False
    last: bool = False  # ends the session: run after the others


def worker_cases(template: str, *, page: bool) -> list[Case]:
    return [
        Case(
            template.format(ref=ref),
            {role: 200 if ref in VISIBLE[role] else 404 for role in ROLES if role != "anonymous"}
            | {"anonymous": 303 if page else 401},
        )
        for ref in ("w-1", "w-2", "w-3", "no-such-worker")
    ]


def org_cases() -> list[Case]:
    return [
        Case(
            f"/api/v1/organizations/{ref}",
            {role: 200 if role in seen else 404 for role in ROLES} | {"anonymous": 401},
        )
        for ref, seen in ORG_VISIBLE.items()
    ]


API_OK = expect(200, SIGNED_IN, other=200, anonymous=401)
STAFF_PAGE = expect(200, STAFF_ROLES, other=403, anonymous=303)
WORKER_PAGE = expect(200, ["worker"], other=403, anonymous=303)
#: Who may log a grievance for a worker (case handlers, platform admins, NGO/union admins).
CASE_LOGGERS = expect(200, ["platform_admin", "case_handler"], other=403, anonymous=303)
#: Who sees G-MATRIX01 (w-2's, at penang-caps): its worker, its handler, the chain above it.
CASE_SEEN = {
    role: 200
    if role
    in {
        "platform_admin",
        "brand_admin",
        "brand_member",
        "supplier_admin",
        "supplier_member",
        "case_handler",
        "worker",
    }
    else 404
    for role in ROLES
}
STAFF_NOT_FOUND = expect(404, STAFF_ROLES, other=403, anonymous=303)

MATRIX: dict[str, list[Case]] = {
    "GET /api/v1/openapi.json": [Case("/api/v1/openapi.json", everyone(200))],
    "GET /api/v1/me": [Case("/api/v1/me", API_OK)],
    "GET /api/v1/workers": [Case("/api/v1/workers", API_OK)],
    "GET /api/v1/workers/{ref}": worker_cases("/api/v1/workers/{ref}", page=False),
    "GET /api/v1/workers/{ref}/events": worker_cases("/api/v1/workers/{ref}/events", page=False),
    "GET /api/v1/organizations": [Case("/api/v1/organizations", API_OK)],
    "GET /api/v1/organizations/{ref}": org_cases(),
    "GET /api/v1/findings": [Case("/api/v1/findings", API_OK)],
    "GET /api/v1/remedy": [Case("/api/v1/remedy", API_OK)],
    "POST /api/v1/imports": [
        Case(
            "/api/v1/imports",
            expect(201, UPLOADERS, other=403, anonymous=401),
            method="POST",
            upload=True,
        )
    ],
    "GET /api/v1/log": [Case("/api/v1/log", everyone(200))],
    "GET /": [Case("/", everyone(303))],
    "GET /login": [Case("/login", everyone(200))],
    "POST /login": [
        Case("/login", everyone(401), method="POST", form={"login": "x@y", "password": "wrong"})
    ],
    "GET /card": [Case("/card", everyone(200))],
    "POST /card": [Case("/card", everyone(401), method="POST", form={"code": "X", "pin": "1"})],
    "POST /logout": [Case("/logout", everyone(303), method="POST", last=True)],
    "GET /dashboard": [Case("/dashboard", STAFF_PAGE)],
    "GET /workers": [Case("/workers", STAFF_PAGE)],
    "GET /workers/{ref}": worker_cases("/workers/{ref}", page=True),
    "GET /findings": [Case("/findings", STAFF_PAGE)],
    "GET /recruiters": [Case("/recruiters", STAFF_PAGE)],
    "GET /upload": [Case("/upload", expect(200, UPLOADERS, other=403, anonymous=303))],
    "POST /upload": [
        Case(
            "/upload",
            expect(200, UPLOADERS, other=403, anonymous=303),
            method="POST",
            upload=True,
        )
    ],
    "GET /journey-log": [Case("/journey-log", everyone(200))],
    "GET /my": [
        Case("/my", expect(303, STAFF_ROLES, other=200, anonymous=303)),
    ],
    # The worker portal (web/portal.py): the worker's own pages; staff 403, anonymous to /card.
    **{
        f"GET {path}": [Case(path, WORKER_PAGE)]
        for path in (
            "/my/contract",
            "/my/fees",
            "/my/pay",
            "/my/documents",
            "/my/receipts",
            "/my/rights",
        )
    },
    # e-2 is w-2's (the worker's own) fee event; e-1 is w-1's: it does not exist for w-2.
    "GET /my/receipts/{ref}": [
        Case("/my/receipts/e-2", WORKER_PAGE),
        Case("/my/receipts/e-1", WORKER_PAGE | {"worker": 404}),
        Case("/my/receipts/no-such-event", WORKER_PAGE | {"worker": 404}),
    ],
    "POST /my/receipts/verify": [
        Case("/my/receipts/verify", WORKER_PAGE, method="POST", form={"receipt": "not one"})
    ],
    "GET /language/{code}": [
        Case("/language/ne?next=/my", everyone(303)),
        Case("/language/xx?next=//evil.example", everyone(303)),
    ],
    # Grievances (web/grievances.py, web/portal_grievances.py): G-MATRIX01 is w-2's anonymous
    # case (tests/grievances/matrix.py), in the chain of acme and kl-bottling, assigned to the
    # case handler; no request here moves it. Every move the matrix sends is refused (409 for
    # the case's own parties), so statuses do not depend on the order roles run in.
    "GET /grievances": [Case("/grievances", STAFF_PAGE)],
    "GET /grievances/new": [Case("/grievances/new", CASE_LOGGERS)],
    "POST /grievances": [
        Case(
            "/grievances",
            CASE_LOGGERS | {"platform_admin": 303, "case_handler": 303},
            method="POST",
            form={"category": "wages", "channel": "hotline", "text": "matrix"},
        )
    ],
    "GET /grievances/register": [
        Case("/grievances/register", STAFF_PAGE),
        Case("/grievances/register?format=csv", STAFF_PAGE),
    ],
    "GET /grievances/{ref}": [
        Case(f"/grievances/{MATRIX_CASE}", CASE_SEEN | {"worker": 403, "anonymous": 303}),
        Case("/grievances/G-NOSUCH00", STAFF_NOT_FOUND),
    ],
    "POST /grievances/{ref}/act": [
        Case(
            f"/grievances/{MATRIX_CASE}/act",
            {role: 403 if CASE_SEEN[role] == 200 else 404 for role in ROLES}
            | {"case_handler": 409, "worker": 403, "anonymous": 303},
            method="POST",
            form={"action": "deliver_remedy"},
        )
    ],
    "POST /grievances/{ref}/assign": [
        Case(
            f"/grievances/{MATRIX_CASE}/assign",
            expect(303, ["platform_admin"], other=403, anonymous=303),
            method="POST",
            form={"handler": "handler@test"},
        )
    ],
    "GET /api/v1/grievances": [Case("/api/v1/grievances", API_OK)],
    "POST /api/v1/grievances": [
        Case("/api/v1/grievances", expect(422, SIGNED_IN, other=422, anonymous=401), method="POST")
    ],
    "GET /api/v1/grievances/register": [Case("/api/v1/grievances/register", API_OK)],
    "GET /api/v1/grievances/indicators": [Case("/api/v1/grievances/indicators", API_OK)],
    "GET /api/v1/grievances/{ref}": [
        Case(f"/api/v1/grievances/{MATRIX_CASE}", CASE_SEEN | {"anonymous": 401}),
        Case("/api/v1/grievances/G-NOSUCH00", expect(404, SIGNED_IN, other=404, anonymous=401)),
    ],
    "POST /api/v1/grievances/{ref}/transitions": [
        Case(
            f"/api/v1/grievances/{MATRIX_CASE}/transitions",
            expect(422, SIGNED_IN, other=422, anonymous=401),
            method="POST",
        )
    ],
    "GET /my/grievances": [Case("/my/grievances", WORKER_PAGE)],
    "GET /my/grievances/new": [Case("/my/grievances/new", WORKER_PAGE)],
    "POST /my/grievances": [
        Case(
            "/my/grievances",
            WORKER_PAGE | {"worker": 303},
            method="POST",
            form={"category": "wages", "text": "matrix"},
        )
    ],
    "GET /my/grievances/{ref}": [
        Case(f"/my/grievances/{MATRIX_CASE}", WORKER_PAGE),
        Case("/my/grievances/G-NOSUCH00", WORKER_PAGE | {"worker": 404}),
    ],
    "POST /my/grievances/{ref}/{answer}": [
        Case(f"/my/grievances/{MATRIX_CASE}/accept", WORKER_PAGE | {"worker": 409}, method="POST")
    ],
    # Not configured on the matrix's site: no messaging secret, so the webhook does not exist.
    "POST /webhooks/{channel}": [Case("/webhooks/sms", everyone(404), method="POST")],
    "GET /tokens": [Case("/tokens", expect(200, TOKEN_MANAGERS, other=403, anonymous=303))],
    "POST /tokens": [
        Case(
            "/tokens",
            expect(201, TOKEN_MANAGERS, other=403, anonymous=303),
            method="POST",
            form={"name": "matrix"},
        )
    ],
    # Token 1 is the platform admin's (made in the fixture): anyone else revoking it gets 404.
    "POST /tokens/{token_id}/revoke": [
        Case(
            "/tokens/1/revoke",
            expect(404, TOKEN_MANAGERS, other=403, anonymous=303) | {"platform_admin": 303},
            method="POST",
        )
    ],
    # Due-diligence reports (web/reports.py): an organisation's own, an auditor's granted one.
    "GET /reports": [Case("/reports", expect(200, REPORTERS, other=403, anonymous=303))],
    "GET /reports/{org_ref}/{fmt}": report_cases(),
    "GET /healthz": [Case("/healthz", everyone(200))],
    "GET /log/{name:path}": [
        Case("/log/checkpoint", everyone(200)),
        Case("/log/..%2F..%2Fkeys%2Fmaster.key", everyone(404)),
        Case("/log/.lock", everyone(404)),
    ],
}
PUBLIC_MOUNTS = {"/static"}


def app_routes(site: WebSite) -> set[str]:
    """ "METHOD path" of every route the app serves, through included routers."""
    found = set()
    for context in iter_route_contexts(site.app.routes):
        if isinstance(context.original_route, Mount):
            assert context.path in PUBLIC_MOUNTS, f"mount {context.path} has no matrix entry"
            continue
        for method in sorted((context.methods or set()) - {"HEAD"}):
            found.add(f"{method} {context.path}")
    return found


def test_every_route_is_in_the_matrix(shared_site: WebSite) -> None:
    routes = app_routes(shared_site)
    assert routes == set(MATRIX), (
        f"routes without a matrix entry: {sorted(routes - set(MATRIX))}; "
        f"matrix entries without a route: {sorted(set(MATRIX) - routes)}"
    )


def csrf_of(client: TestClient) -> str:
    from tests.web.conftest import CSRF_FIELD

    page = client.get("/", follow_redirects=True).text
    match = CSRF_FIELD.search(page)
    return match.group(1) if match else ""


def login_csrf(client: TestClient, path: str) -> str:
    from tests.web.conftest import CSRF_FIELD

    match = CSRF_FIELD.search(client.get(path).text)
    assert match
    return match.group(1)


def send(client: TestClient, case: Case, csrf: str) -> Any:
    if case.method == "GET":
        return client.get(case.path, follow_redirects=False)
    if case.path in ("/login", "/card"):
        form = case.form | {"csrf_token": login_csrf(client, case.path)}
        return client.post(case.path, data=form, follow_redirects=False)
    files = None
    if case.upload:
        body = (json.dumps(ACME) + "\n").encode()
        files = {"file": ("acme.jsonl", body, "application/jsonl")}
    headers = {"X-CSRF-Token": csrf} if case.path.startswith("/api/") else {}
    data = case.form | ({} if case.path.startswith("/api/") else {"csrf_token": csrf})
    return client.post(case.path, data=data, files=files, headers=headers, follow_redirects=False)


def ensure_assessed(site: WebSite) -> None:
    """One whole-data-set assessment run, so that reports can be made."""
    if assessment.latest_run(site.engine) is None:
        assessment.assess_data_set(site.settings, site.engine, as_of=date(2025, 6, 1), actor="test")


@pytest.mark.parametrize("role", ROLES)
def test_every_role_against_every_route(shared_site: WebSite, role: str) -> None:
    if not accounts.api_tokens(shared_site.engine, 1):
        accounts.create_api_token(shared_site.engine, 1, "the platform admin's own")
    ensure_matrix_case(shared_site)
    ensure_assessed(shared_site)
    client = shared_site.client(role)
    csrf = csrf_of(client)
    cases = [c for entries in MATRIX.values() for c in entries]
    failures = []
    for case in sorted(cases, key=lambda c: c.last):
        response = send(client, case, csrf)
        wanted = case.statuses[role]
        if response.status_code != wanted:
            failures.append(f"{case.method} {case.path}: {response.status_code}, wanted {wanted}")
    assert not failures, f"{role}: " + "; ".join(failures)


@pytest.mark.parametrize("role", SIGNED_IN)
def test_personal_data_only_where_the_role_may_read_it(shared_site: WebSite, role: str) -> None:
    ensure_matrix_case(shared_site)
    client = shared_site.client(role)
    listed = {w["ref"] for w in client.get("/api/v1/workers").json()["items"]}
    assert listed == VISIBLE[role]
    for ref in sorted(VISIBLE[role]):
        body = client.get(f"/api/v1/workers/{ref}", params={"personal_data": "true"}).json()
        assert body["may_read_personal_data"] == (ref in PERSONAL[role])
        if ref in PERSONAL[role]:
            assert body["personal_data"]["full_name"] == NAMES[ref]
        else:
            assert body["personal_data"] is None
            assert NAMES[ref] not in json.dumps(body)
        page = client.get(f"/workers/{ref}", params={"personal": "1"})
        assert (NAMES[ref] in page.text) == (ref in PERSONAL[role])


def test_a_brand_never_sees_a_name_anywhere(shared_site: WebSite) -> None:
    client = shared_site.client("brand_admin")
    pages = ["/dashboard", "/workers", "/findings", "/recruiters", "/workers/w-1?personal=1"]
    api = ["/api/v1/workers", "/api/v1/workers/w-1?personal_data=true", "/api/v1/organizations"]
    for path in pages + api + ["/api/v1/workers/w-2/events"]:
        text = client.get(path).text
        for name in NAMES.values():
            assert name not in text, f"{name} shown to a brand on {path}"


def test_reading_personal_data_is_audited_and_listing_is_not(site: WebSite) -> None:
    from sqlalchemy import select

    from fairpath.storage.models import AuditRow

    client = site.client("supplier_admin")
    client.get("/api/v1/workers")
    client.get("/api/v1/workers/w-1")
    with site.engine.connect() as conn:
        before = conn.execute(
            select(AuditRow.actor).where(AuditRow.action == "read_personal_data")
        ).all()
    assert before == []
    client.get("/api/v1/workers/w-1", params={"personal_data": "true"})
    with site.engine.connect() as conn:
        rows = conn.execute(
            select(AuditRow.actor, AuditRow.subject).where(AuditRow.action == "read_personal_data")
        ).all()
    assert [tuple(r) for r in rows] == [("web:supplier-admin@test", "worker:w-1")]

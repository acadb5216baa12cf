"""Server-rendered pages: sign-in (password or worker card), dashboard, workers and their
journeys, findings with evidence, recruiters, data upload, the journey log, API tokens.

Every page works without JavaScript: plain links and forms (POST, then redirect). Each form
carries the session's CSRF token; the sign-in forms, which have no session yet, use a
double-submit cookie. Reads go through `services.access`, so the tenancy rules apply exactly
as they do to the API.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Form, Query, Request, UploadFile
from starlette.responses import HTMLResponse, RedirectResponse, Response

from fairpath.domain.errors import FairpathError
from fairpath.services import access, accounts
from fairpath.services.importing import ImportRejected
from fairpath.web import reports
from fairpath.web.auth import (
    PageAuth,
    StaffAuth,
    authenticate,
    check_form_csrf,
    clear_session_cookie,
    engine_of,
    login_csrf,
    login_csrf_ok,
    set_session_cookie,
    settings_of,
)
from fairpath.web.problems import HttpProblem, status_of
from fairpath.web.rendering import render
from fairpath.web.uploads import problem_rows, run_upload

router = APIRouter(include_in_schema=False)
PER_PAGE = 50
Text = Annotated[str, Form(max_length=300)]
Filter = Annotated[str | None, Query(max_length=64)]


def _client_ip(request: Request) -> str:
    return request.client.host if request.client else "unknown"


def _safe_next(target: str | None) -> str | None:
    """Only a path on this site (no `//host` or scheme): no open redirect after sign-in."""
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return None


def _see_other(url: str) -> RedirectResponse:
    return RedirectResponse(url, status_code=303)


def _home_of(request: Request) -> str:
    auth = authenticate(request)
    if auth is None or auth.session is None:
        return "/login"
    return "/dashboard" if auth.principal.is_staff else "/my"


@router.get("/")
def home(request: Request) -> Response:
    return _see_other(_home_of(request))


# --- signing in and out -------------------------------------------------------------------------


@router.get("/login")
def login_page(request: Request, next: Filter = None) -> Response:
    return _login_form(request, "login.html", next=_safe_next(next))


def _login_form(
    request: Request, template: str, http_status: int = 200, **context: Any
) -> Response:
    response = HTMLResponse("")
    token = login_csrf(request, response)
    page = render(request, template, None, http_status=http_status, login_csrf=token, **context)
    for key, value in response.headers.items():
        if key == "set-cookie":
            page.headers.append(key, value)
    return page


@router.post("/login")
def login(
    request: Request,
    login: Text,
    password: Annotated[str, Form(max_length=1000)],
    csrf_token: Text = "",
    next: Text = "",
) -> Response:
    if not login_csrf_ok(request, csrf_token):
        raise HttpProblem(403, "the sign-in form expired; reload the page and try again")
    settings, engine = settings_of(request), engine_of(request)
    try:
        account = accounts.authenticate_password(
            settings, engine, login, password, ip=_client_ip(request)
        )
    except FairpathError as error:
        return _login_form(
            request, "login.html", http_status=status_of(error), error=str(error), login=login
        )
    return _signed_in(request, account, _safe_next(next) or "/dashboard")


@router.get("/card")
def card_page(request: Request) -> Response:
    return _login_form(request, "card.html")


@router.post("/card")
def card_login(
    request: Request,
    code: Annotated[str, Form(max_length=40)],
    pin: Annotated[str, Form(max_length=20)],
    csrf_token: Text = "",
) -> Response:
    if not login_csrf_ok(request, csrf_token):
        raise HttpProblem(403, "the sign-in form expired; reload the page and try again")
    settings, engine = settings_of(request), engine_of(request)
    try:
        account = accounts.authenticate_card(settings, engine, code, pin, ip=_client_ip(request))
    except FairpathError as error:
        return _login_form(request, "card.html", http_status=status_of(error), error=str(error))
    return _signed_in(request, account, "/my")


def _signed_in(request: Request, account: int, target: str) -> Response:
    settings, engine = settings_of(request), engine_of(request)
    token, session = accounts.start_session(settings, engine, account)
    who = access.principal(engine, account)
    if who is not None and not who.is_staff:
        target = "/my"
    response = _see_other(target)
    set_session_cookie(response, settings, token, session)
    return response


@router.post("/logout")
def logout(request: Request, auth: PageAuth, csrf_token: Text = "") -> Response:
    check_form_csrf(auth, csrf_token)
    if auth.session_token:
        accounts.end_session(engine_of(request), auth.session_token)
    response = _see_other("/login")
    clear_session_cookie(response, settings_of(request))
    return response


# --- staff pages --------------------------------------------------------------------------------


@router.get("/dashboard")
def dashboard(request: Request, auth: StaffAuth) -> Response:
    board = access.dashboard(engine_of(request), auth.principal)
    # The organisation's own report is one click away (a platform admin's list is long: the
    # first few, and a link to all of them).
    orgs = reports.downloadable(request, auth) if board.run is not None else []
    return render(
        request,
        "dashboard.html",
        auth,
        board=board,
        report_orgs=orgs[:3],
        more_reports=len(orgs) > 3,
    )


@router.get("/workers")
def workers(
    request: Request,
    auth: StaffAuth,
    *,
    origin: Filter = None,
    destination: Filter = None,
    sector: Filter = None,
    employer: Filter = None,
    site: Filter = None,
    page: Annotated[int, Query(ge=1, le=100_000)] = 1,
) -> Response:
    where = access.WorkerFilter(origin, destination, sector, employer, site)
    result = access.list_workers(
        engine_of(request),
        auth.principal,
        where,
        limit=PER_PAGE,
        offset=(page - 1) * PER_PAGE,
    )
    return render(request, "workers.html", auth, result=result, where=where, page=page)


@router.get("/workers/{ref}")
def worker(
    request: Request,
    auth: PageAuth,
    ref: str,
    personal: Annotated[int, Query(ge=0, le=1)] = 0,
) -> Response:
    detail = access.worker_detail(
        settings_of(request), engine_of(request), auth.principal, ref, personal_data=personal == 1
    )
    return render(request, "worker.html", auth, detail=detail)


@router.get("/findings")
def findings(
    request: Request,
    auth: StaffAuth,
    *,
    rule: Filter = None,
    worker: Filter = None,
    page: Annotated[int, Query(ge=1, le=100_000)] = 1,
) -> Response:
    result = access.findings(
        engine_of(request),
        auth.principal,
        rule=rule,
        worker=worker,
        limit=PER_PAGE,
        offset=(page - 1) * PER_PAGE,
    )
    return render(
        request, "findings.html", auth, result=result, rule=rule, worker=worker, page=page
    )


@router.get("/recruiters")
def recruiters(request: Request, auth: StaffAuth) -> Response:
    today = datetime.now(UTC).date()
    found = access.recruiters(engine_of(request), auth.principal, today)
    return render(request, "recruiters.html", auth, recruiters=found, today=today)


@router.get("/upload")
def upload_page(request: Request, auth: StaffAuth) -> Response:
    _may_upload(auth.principal.can_upload)
    return render(request, "upload.html", auth)


@router.post("/upload")
def upload(request: Request, auth: StaffAuth, file: UploadFile, csrf_token: Text = "") -> Response:
    check_form_csrf(auth, csrf_token)
    _may_upload(auth.principal.can_upload)
    try:
        reports = run_upload(settings_of(request), engine_of(request), auth.principal, file)
    except (ImportRejected, access.UploadRefused) as error:
        rows = problem_rows(error)
        return render(request, "upload.html", auth, http_status=422, error=str(error), rows=rows)
    except HttpProblem as problem:
        return render(
            request, "upload.html", auth, http_status=problem.status, error=problem.detail
        )
    return render(request, "upload.html", auth, reports=reports)


def _may_upload(allowed: bool) -> None:
    if not allowed:
        raise HttpProblem(403, "your account cannot upload data; ask your organisation's admin")


@router.get("/journey-log")
def journey_log(request: Request) -> Response:
    status = access.log_status(settings_of(request), engine_of(request))
    return render(request, "log.html", authenticate(request), status=status)


# --- API tokens ------------------------------------------------------------------------------


@router.get("/tokens")
def tokens_page(request: Request, auth: StaffAuth) -> Response:
    _may_manage_tokens(auth.principal.can_manage_tokens)
    listed = accounts.api_tokens(engine_of(request), auth.principal.account_id)
    return render(request, "tokens.html", auth, tokens=listed)


@router.post("/tokens")
def create_token(
    request: Request,
    auth: StaffAuth,
    name: Annotated[str, Form(max_length=100)],
    csrf_token: Text = "",
) -> Response:
    check_form_csrf(auth, csrf_token)
    _may_manage_tokens(auth.principal.can_manage_tokens)
    engine = engine_of(request)
    token = accounts.create_api_token(engine, auth.principal.account_id, name)
    listed = accounts.api_tokens(engine, auth.principal.account_id)
    return render(request, "tokens.html", auth, tokens=listed, new_token=token, http_status=201)


@router.post("/tokens/{token_id}/revoke")
def revoke_token(
    request: Request, auth: StaffAuth, token_id: int, csrf_token: Text = ""
) -> Response:
    check_form_csrf(auth, csrf_token)
    _may_manage_tokens(auth.principal.can_manage_tokens)
    accounts.revoke_api_token(engine_of(request), auth.principal.account_id, token_id)
    return _see_other("/tokens")


def _may_manage_tokens(allowed: bool) -> None:
    if not allowed:
        raise HttpProblem(403, "API tokens are made by admins; ask your organisation's admin")

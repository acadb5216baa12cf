"""Grievances on the web: the staff pages, the API, the SMS/WhatsApp webhooks, and the scheduler
that escalates overdue cases while the server runs.

Staff pages (English, like every staff page): `/grievances` (indicators — UNGP 31 — the
retaliation watch and the cases, with overdue and escalated ones marked), `/grievances/new` (a
case handler logs a hotline call or visit; a union or NGO files for a worker),
`/grievances/{ref}` (the case, redacted unless the viewer may know the complainant, and the
moves the viewer may make), `/grievances/register` (the CSDDD Art. 14 / LkSG complaints
register; `?format=csv|json` downloads it). The API mirrors them under `/api/v1/grievances`.
Webhooks: `POST /webhooks/sms` and `/webhooks/whatsapp` (signed provider form posts; TwiML
answers). Worker pages are in `web.portal_grievances`.

Who sees what is decided in `services.tenancy`; this module never filters on its own.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from typing import Annotated, Any, Literal
from xml.sax.saxutils import escape

from fastapi import APIRouter, FastAPI, Form, Query, Request
from pydantic import BaseModel, Field
from sqlalchemy import Engine
from starlette.concurrency import run_in_threadpool
from starlette.responses import RedirectResponse, Response

from fairpath.config import Settings
from fairpath.domain.grievances import Action, Category
from fairpath.domain.journey import Channel
from fairpath.services import access, grievances, messaging
from fairpath.services.tenancy import Role
from fairpath.web import i18n, portal_grievances
from fairpath.web.api import ERRORS
from fairpath.web.auth import ApiAuth, StaffAuth, check_form_csrf, engine_of, settings_of
from fairpath.web.problems import HttpProblem
from fairpath.web.rendering import render

log = logging.getLogger("fairpath.web.grievances")
pages = APIRouter(include_in_schema=False)
api = APIRouter(prefix="/api/v1/grievances", tags=["grievances"], responses=ERRORS)
hooks = APIRouter(include_in_schema=False)

Text = Annotated[str, Form(max_length=300)]
LongText = Annotated[str, Form(max_length=10_000)]
STAFF_CHANNELS = (Channel.HOTLINE, Channel.IN_PERSON, Channel.VOICE, Channel.OTHER)


def routers() -> list[APIRouter]:
    """Everything this module serves (app.py includes them)."""
    return [portal_grievances.router, pages, api, hooks]


def _now() -> datetime:
    return datetime.now(UTC)


def _may_file_for_workers(request: Request, auth: Any) -> bool:
    """Case handlers and platform admins log cases; a union's or NGO's admin files for a
    worker (CSDDD Art. 14: representatives and trade unions may file)."""
    who = auth.principal
    if who.role in (Role.CASE_HANDLER, Role.PLATFORM_ADMIN):
        return True
    if who.role is not Role.ORG_ADMIN or who.org_ref is None:
        return False
    org = access.organization(engine_of(request), who, who.org_ref)
    return bool({"ngo", "union"} & set(org.roles))


def _act(request: Request, auth: Any, ref: str, change: grievances.Change) -> grievances.CaseView:
    try:
        return grievances.act(
            settings_of(request),
            engine_of(request),
            auth.principal,
            ref,
            change,
            wording=portal_grievances.wording,
        )
    except grievances.NotAllowed as refused:
        raise HttpProblem(403, str(refused)) from None


# --- staff pages -------------------------------------------------------------------------------


@pages.get("/grievances")
def cases_page(
    request: Request,
    auth: StaffAuth,
    status: Annotated[str | None, Query(max_length=32)] = None,
    overdue: Annotated[int, Query(ge=0, le=1)] = 0,
) -> Response:
    settings, engine = settings_of(request), engine_of(request)
    page = grievances.list_cases(
        settings, engine, auth.principal, status=status, overdue_only=overdue == 1, limit=200
    )
    board = grievances.indicators(settings, engine, auth.principal)
    flags = grievances.retaliation_watch(engine, auth.principal)
    return render(
        request,
        "grievances/cases.html",
        auth,
        cases=page,
        board=board,
        flags=flags,
        status=status,
        may_file=_may_file_for_workers(request, auth),
    )


@pages.get("/grievances/new")
def new_case_page(request: Request, auth: StaffAuth) -> Response:
    if not _may_file_for_workers(request, auth):
        raise HttpProblem(403, "case handlers, NGOs and unions log cases; ask one of them")
    return render(
        request,
        "grievances/new.html",
        auth,
        channels=STAFF_CHANNELS,
        categories=list(Category),
        error=None,
    )


@pages.post("/grievances")
def log_case(
    request: Request,
    auth: StaffAuth,
    *,
    category: Text,
    channel: Text,
    text: LongText,
    worker: Text = "",
    anonymous: Text = "",
    consent: Text = "",
    language: Text = "en",
    csrf_token: Text = "",
) -> Response:
    check_form_csrf(auth, csrf_token)
    if not _may_file_for_workers(request, auth):
        raise HttpProblem(403, "case handlers, NGOs and unions log cases; ask one of them")
    filed = _file_for_worker(
        request,
        auth,
        category=category,
        channel=channel,
        text=text,
        worker=worker.strip() or None,
        anonymous=anonymous == "yes",
        consent=consent == "yes",
        language=language,
    )
    return RedirectResponse(f"/grievances/{filed.ref}", status_code=303)


def _file_for_worker(
    request: Request,
    auth: Any,
    *,
    category: str,
    channel: str,
    text: str,
    worker: str | None,
    anonymous: bool,
    consent: bool,
    language: str,
) -> grievances.Filed:
    if category not in grievances.CATEGORY_VALUES:
        raise HttpProblem(422, f"category must be one of {', '.join(c.value for c in Category)}")
    if channel not in {c.value for c in Channel}:
        raise HttpProblem(422, f"channel must be one of {', '.join(c.value for c in Channel)}")
    who = auth.principal
    handler = who.role is Role.CASE_HANDLER
    intake = grievances.Intake(
        channel=Channel(channel),
        category=Category(category),
        anonymous=anonymous,
        text=text,
        worker_ref=worker,
        language=language if language in i18n.LANGUAGES else "en",
        source_type="case_handler" if handler or who.org_ref is None else "representative",
        representative_ref=None if handler else who.org_ref,
        consent_to_supplier=consent and not anonymous,
    )
    return grievances.file_grievance(
        settings_of(request),
        engine_of(request),
        intake,
        actor=who.actor,
        now=_now(),
        assign_to=who.account_id if handler else None,
        wording=portal_grievances.wording,
    )


@pages.get("/grievances/register")
def register_page(
    request: Request,
    auth: StaffAuth,
    format: Annotated[Literal["html", "csv", "json"], Query()] = "html",
) -> Response:
    rows = grievances.register(settings_of(request), engine_of(request), auth.principal)
    if format == "html":
        return render(
            request, "grievances/register.html", auth, rows=rows, fields=grievances.REGISTER_FIELDS
        )
    return _register_file(rows, format)


def _register_file(rows: list[dict[str, str]], form: str) -> Response:
    media = "text/csv; charset=utf-8" if form == "csv" else "application/json"
    return Response(
        grievances.register_text(rows, form),
        media_type=media,
        headers={
            "Content-Disposition": f'attachment; filename="complaints-register.{form}"',
            "Cache-Control": "no-store",
        },
    )


@pages.get("/grievances/{ref}")
def case_page(request: Request, auth: StaffAuth, ref: str) -> Response:
    case = grievances.case_detail(settings_of(request), engine_of(request), auth.principal, ref)
    return render(
        request,
        "grievances/case.html",
        auth,
        case=case,
        may_assign=auth.principal.role is Role.PLATFORM_ADMIN,
    )


@pages.post("/grievances/{ref}/act")
def act_page(
    request: Request,
    auth: StaffAuth,
    ref: str,
    *,
    action: Text,
    note: Annotated[str, Form(max_length=2000)] = "",
    remedy_description: Annotated[str, Form(max_length=2000)] = "",
    remedy_amount: Annotated[str, Form(max_length=40)] = "",
    remedy_currency: Annotated[str, Form(max_length=8)] = "",
    csrf_token: Text = "",
) -> Response:
    check_form_csrf(auth, csrf_token)
    if action not in {a.value for a in Action}:
        raise HttpProblem(422, f"'{action[:30]}' is not a step of a case")
    _act(
        request,
        auth,
        ref,
        grievances.Change(
            Action(action),
            note=note,
            remedy_description=remedy_description or None,
            remedy_amount=remedy_amount or None,
            remedy_currency=remedy_currency or None,
        ),
    )
    return RedirectResponse(f"/grievances/{ref}", status_code=303)


@pages.post("/grievances/{ref}/assign")
def assign_page(
    request: Request, auth: StaffAuth, ref: str, handler: Text, csrf_token: Text = ""
) -> Response:
    check_form_csrf(auth, csrf_token)
    if auth.principal.role is not Role.PLATFORM_ADMIN:
        raise HttpProblem(403, "platform admins assign cases to case handlers")
    grievances.case_detail(settings_of(request), engine_of(request), auth.principal, ref)
    grievances.assign(engine_of(request), ref, handler.strip(), actor=auth.principal.actor)
    return RedirectResponse(f"/grievances/{ref}", status_code=303)


# --- API ---------------------------------------------------------------------------------------


class StepOut(BaseModel):
    """One move of a case."""

    action: str
    source: str
    target: str
    actor_kind: str
    actor: str
    at: str
    note: str


class CaseOut(BaseModel):
    """A case; `worker_ref`, `text` and `event_ref` are null unless the caller may know the
    complainant (the worker, the assigned case handler, the employer with consent)."""

    ref: str
    status: str
    category: str
    channel: str
    anonymous: bool
    source_type: str
    programme_ref: str
    filed_at: str
    acknowledge_by: str
    remedy_by: str
    overdue: bool
    escalated_to: str | None
    employer_ref: str | None
    founded: bool | None
    decision_reason: str | None
    remedy_description: str | None
    remedy_amount: str | None = Field(description="Decimal string, never a float.")
    remedy_currency: str | None
    satisfaction: int | None
    consent_to_supplier: bool
    identity_visible: bool
    worker_ref: str | None
    event_ref: str | None
    text: str | None
    finding_refs: list[str]
    steps: list[StepOut]
    actions: list[str] = Field(description="The moves the caller may make now.")


class CasesOut(BaseModel):
    """One page of cases."""

    items: list[CaseOut]
    total: int
    limit: int
    offset: int


class FileIn(BaseModel):
    """A grievance filed through the API: by the worker (their own) or for a worker."""

    category: Category
    text: str = Field(min_length=1, max_length=10_000)
    anonymous: bool = False
    consent_to_supplier: bool = False
    channel: Channel = Channel.WEB
    worker_ref: str | None = Field(default=None, max_length=64)
    language: str = Field(default="en", max_length=8)


class FiledOut(BaseModel):
    """The new case's reference, its journey event and its deadlines."""

    ref: str
    event_ref: str | None
    acknowledge_by: str
    remedy_by: str


class ChangeIn(BaseModel):
    """A move on a case."""

    action: Action
    note: str = Field(default="", max_length=2000)
    remedy_description: str | None = Field(default=None, max_length=2000)
    remedy_amount: str | None = Field(default=None, max_length=40)
    remedy_currency: str | None = Field(default=None, max_length=8)
    satisfaction: int | None = Field(default=None, ge=1, le=5)


def _case_out(view: grievances.CaseView) -> CaseOut:
    return CaseOut.model_validate(view.public())


@api.get("", response_model=CasesOut)
def api_cases(
    request: Request,
    auth: ApiAuth,
    status: Annotated[str | None, Query(max_length=32)] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
    offset: Annotated[int, Query(ge=0, le=10_000_000)] = 0,
) -> CasesOut:
    """Cases the caller may see, newest first (redacted where the identity is not theirs)."""
    page = grievances.list_cases(
        settings_of(request),
        engine_of(request),
        auth.principal,
        status=status,
        limit=limit,
        offset=offset,
    )
    return CasesOut(
        items=[_case_out(v) for v in page.items], total=page.total, limit=limit, offset=offset
    )


@api.post("", response_model=FiledOut, status_code=201)
def api_file(request: Request, auth: ApiAuth, body: FileIn) -> FiledOut:
    """File a grievance: a worker their own; a case handler, NGO or union for a worker."""
    who = auth.principal
    if who.role is Role.WORKER:
        filed = grievances.file_grievance(
            settings_of(request),
            engine_of(request),
            grievances.Intake(
                channel=Channel.WEB,
                category=body.category,
                anonymous=body.anonymous,
                text=body.text,
                worker_ref=who.worker_ref,
                language=body.language,
                consent_to_supplier=body.consent_to_supplier,
            ),
            actor=who.actor,
            now=_now(),
            wording=portal_grievances.wording,
        )
    elif _may_file_for_workers(request, auth):
        filed = _file_for_worker(
            request,
            auth,
            category=body.category.value,
            channel=body.channel.value,
            text=body.text,
            worker=body.worker_ref,
            anonymous=body.anonymous,
            consent=body.consent_to_supplier,
            language=body.language,
        )
    else:
        raise HttpProblem(
            403,
            "workers file their own grievances; case handlers, NGOs and unions file for a worker",
        )
    return FiledOut(
        ref=filed.ref,
        event_ref=filed.event_ref,
        acknowledge_by=filed.acknowledge_by.isoformat(),
        remedy_by=filed.remedy_by.isoformat(),
    )


REGISTER_TYPES: dict[int | str, dict[str, Any]] = {
    200: {
        "description": "The register, one row per case.",
        "content": {
            "application/json": {"schema": {"type": "array", "items": {"type": "object"}}},
            "text/csv": {"schema": {"type": "string"}},
        },
    }
}


@api.get("/register", response_model=None, responses=REGISTER_TYPES)
def api_register(
    request: Request,
    auth: ApiAuth,
    format: Annotated[Literal["csv", "json"], Query()] = "json",
) -> Response:
    """The complaints register (CSDDD Art. 14 / LkSG §8), as JSON or CSV; no identities."""
    rows = grievances.register(settings_of(request), engine_of(request), auth.principal)
    return _register_file(rows, format)


@api.get("/indicators", response_model=grievances.Indicators)
def api_indicators(request: Request, auth: ApiAuth) -> grievances.Indicators:
    """Time to acknowledge and to remedy, share confirmed by the worker, satisfaction."""
    return grievances.indicators(settings_of(request), engine_of(request), auth.principal)


@api.get("/{ref}", response_model=CaseOut)
def api_case(request: Request, auth: ApiAuth, ref: str) -> CaseOut:
    """One case (404 outside the caller's view); reading the complainant's words is audited."""
    view = grievances.case_detail(settings_of(request), engine_of(request), auth.principal, ref)
    return _case_out(view)


@api.post("/{ref}/transitions", response_model=CaseOut)
def api_act(request: Request, auth: ApiAuth, ref: str, body: ChangeIn) -> CaseOut:
    """Move a case (409 with a sentence when its state does not allow the move)."""
    view = _act(request, auth, ref, grievances.Change(**body.model_dump()))
    return _case_out(view)


# --- webhooks ----------------------------------------------------------------------------------


def _secret(settings: Settings, channel: str) -> str | None:
    secret = {
        "sms": settings.sms_webhook_secret,
        "whatsapp": settings.whatsapp_webhook_secret,
    }.get(channel)
    return secret.get_secret_value() if secret is not None else None


def _signed_url(settings: Settings, request: Request) -> str:
    """The URL the provider signed: the public address when configured (behind a proxy)."""
    if settings.public_url:
        query = f"?{request.url.query}" if request.url.query else ""
        return settings.public_url.rstrip("/") + request.url.path + query
    return str(request.url)


@hooks.post("/webhooks/{channel}")
async def webhook(request: Request, channel: str) -> Response:
    settings, engine = settings_of(request), engine_of(request)
    secret = _secret(settings, channel)
    if secret is None:
        raise HttpProblem(404, "this messaging channel is not configured")
    form = await request.form()
    params = {name: str(value) for name, value in form.multi_items()}
    if not messaging.signature_ok(
        secret, _signed_url(settings, request), params, request.headers.get("x-twilio-signature")
    ):
        raise HttpProblem(403, "the request signature is missing or wrong")
    sid, sender = params.get("MessageSid", ""), params.get("From", "")
    if not sid or not sender or len(sid) > 64:
        raise HttpProblem(400, "a message needs MessageSid and From")
    now = _now()
    if not await run_in_threadpool(messaging.first_delivery, settings, engine, channel, sid, now):
        raise HttpProblem(403, "this message was delivered before; a replay changes nothing")
    reply = await run_in_threadpool(
        lambda: messaging.receive(
            settings,
            engine,
            channel,
            sender=sender,
            body=params.get("Body", "")[:10_000],
            now=now,
            wording=portal_grievances.wording,
        )
    )
    text = portal_grievances.reply_text(reply)
    twiml = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        f"<Response><Message>{escape(text)}</Message></Response>"
    )
    return Response(twiml, media_type="application/xml")


# --- the scheduler -----------------------------------------------------------------------------


class Scheduler:
    """Runs `services.grievances.tick` every `interval` seconds in a thread until stopped."""

    def __init__(self, settings: Settings, engine: Engine, interval: float) -> None:
        self.settings, self.engine, self.interval = settings, engine, interval
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="grievance-ticks", daemon=True)

    def start(self) -> None:
        """Start ticking (the first tick runs at once)."""
        self._thread.start()

    def stop(self, timeout: float = 10.0) -> None:
        """Ask the thread to stop and wait for it (a tick in progress finishes first)."""
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join(timeout)

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                done = grievances.tick(
                    self.settings, self.engine, _now(), wording=portal_grievances.wording
                )
                if done:
                    log.info("escalated %d overdue grievance(s)", len(done))
            except Exception as error:  # a failed tick must not end the server's scheduler
                log.warning("grievance tick failed: %s", type(error).__name__)
            self._stop.wait(self.interval)


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    """Start the scheduler with the server (unless `grievance_tick_seconds` is 0); stop it."""
    settings: Settings = app.state.settings
    scheduler = None
    if settings.grievance_tick_seconds > 0:
        scheduler = Scheduler(settings, app.state.engine, settings.grievance_tick_seconds)
        scheduler.start()
    app.state.grievance_scheduler = scheduler
    try:
        yield
    finally:
        if scheduler is not None:
            await run_in_threadpool(scheduler.stop)

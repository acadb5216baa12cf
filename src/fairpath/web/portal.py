"""The worker portal: a worker's own pages, signed in with a worker card, in their language.

Routes (docs/web.md "The worker portal"): `/my` (home), `/my/contract`, `/my/fees`, `/my/pay`,
`/my/documents`, `/my/receipts` (+ `/my/receipts/{ref}` to download one, `POST
/my/receipts/verify` to check one in the page), `/my/rights`, and `/language/{code}` (the
language switcher: plain links, a cookie, no script). Raising a grievance lives under
`/my/grievances/` (web.grievances).

Mobile-first and light: server-rendered HTML with one shared style sheet, no script, each page
well under 50 KB (tests/web/test_portal.py measures it). A worker reads only themself: every
read goes through `services.access.worker_detail`, which asks `services.tenancy`; a reference
that is not the worker's own answers 404, as if it did not exist. Staff use the staff pages
(403 here). What the pages compute is in `web.portal_view`; words are translated in the
templates through `web.i18n`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Query, Request, UploadFile
from markupsafe import Markup
from pydantic import TypeAdapter
from starlette.concurrency import run_in_threadpool
from starlette.responses import RedirectResponse, Response

from fairpath.domain.errors import FairpathError, NotFoundError
from fairpath.domain.journey import Event, Worker
from fairpath.domain.law import LawBook
from fairpath.domain.rules.journey import Journey
from fairpath.ledger.errors import LedgerError
from fairpath.ledger.policy import Policy
from fairpath.ledger.receipt import VerifiedRecord, verify_receipt, verify_receipt_with_keys
from fairpath.services import access, assessment, journal_log, receipts, witnessing
from fairpath.services.workers import StoredEvent
from fairpath.web import i18n, portal_view
from fairpath.web.auth import Auth, PageAuth, check_form_csrf, engine_of, settings_of
from fairpath.web.i18n import N_
from fairpath.web.problems import HttpProblem
from fairpath.web.rendering import kept_page, page_key, render, render_and_keep

router = APIRouter(include_in_schema=False)
_EVENT: TypeAdapter[Any] = TypeAdapter(Event)
#: A receipt is a few kilobytes (a proof of at most 63 hashes and one record); 256 KB is ample.
MAX_RECEIPT = 256 * 1024


async def worker_auth(auth: PageAuth) -> Auth:
    """Portal pages: a signed-in worker (staff have their own pages: 403, no secret here).

    `async`: a check on what `page_auth` loaded, run on the event loop (no thread hop)."""
    if auth.principal.worker_ref is None:
        raise HttpProblem(403, "the worker portal is for workers; staff use the dashboard")
    return auth


WorkerAuth = Annotated[Auth, Depends(worker_auth)]


@dataclass(frozen=True)
class Mine:
    """The signed-in worker's own record and journey."""

    worker: Worker
    journey: Journey
    events: list[StoredEvent]
    org_names: dict[str, str]


@dataclass(frozen=True)
class Read:
    """What a portal page reads from the database, through the tenancy rules, before any
    parsing: the worker's detail and the names of the organisations they may see."""

    detail: access.WorkerDetail
    names: dict[str, str]


def _read(request: Request, auth: Auth, *, names: bool = True) -> Read:
    ref = auth.principal.worker_ref
    assert ref is not None  # worker_auth let only workers through
    engine = engine_of(request)
    detail = access.worker_detail(
        settings_of(request), engine, auth.principal, ref, personal_data=False
    )
    # The page's language falls back on the worker's own languages (web.i18n).
    request.state.record_languages = tuple(detail.record.get("languages", ()))
    # The organisations a worker may see are those named on their record (services.tenancy):
    # one query for all of them.
    org_names = access.organization_names(engine, auth.principal) if names else {}
    return Read(detail, org_names)


def _mine(request: Request, auth: Auth, *, names: bool = True) -> Mine:
    return _parse(_read(request, auth, names=names))


def _parse(read: Read) -> Mine:
    """The journey, validated, with the names of the organisations on it."""
    detail = read.detail
    worker = Worker.model_validate(detail.record)
    events = [_EVENT.validate_python(e.record) for e in detail.events]
    journey = Journey.from_events(worker, events)
    refs = {journey.worker.employer_ref, *journey.worker.recruiter_refs}
    refs |= {e.data.employer_ref for e in journey.events if hasattr(e.data, "employer_ref")}
    org_names = {ref: name for ref, name in read.names.items() if ref in refs}
    return Mine(worker, journey, detail.events, org_names)


def _law(request: Request) -> LawBook:
    """The law book, loaded once per app (the packaged tables and the operator's overrides)."""
    book: LawBook | None = getattr(request.app.state, "portal_law", None)
    if book is None:
        book = assessment.load_law(settings_of(request))[0]
        request.app.state.portal_law = book
    return book


def _today() -> date:
    return datetime.now(UTC).date()


def say(lang: i18n.Language, msgid: str, variables: dict[str, Any]) -> Markup:
    """`msgid` translated, its variables formatted for the language: money, numbers, wages."""
    values: dict[str, Any] = {}
    for name, value in variables.items():
        if name == "money":
            values["amount"] = lang.money(*value)
        elif name == "wage":
            amount, currency, per = value
            values["amount"] = lang.gettext(
                portal_view.words(portal_view.WAGE_PER, per), amount=lang.money(amount, currency)
            )
        elif name in ("number", "months"):
            values[name] = lang.number(value)
        elif name == "what":
            values[name] = lang.gettext(value)
        else:
            values[name] = value
    if msgid == portal_view.VERBATIM:
        return Markup("%(text)s") % values
    return lang.gettext(msgid, **values)


def _say_here(request: Request) -> Callable[..., Markup]:
    lang = i18n.for_request(request)

    def say_here(msgid: str, variables: dict[str, Any] | None = None) -> Markup:
        return say(lang, msgid, variables or {})

    return say_here


def _page(request: Request, auth: Auth, template: str, **context: Any) -> Response:
    return render(request, f"portal/{template}", auth, say=_say_here(request), **context)


async def _cached_page(
    request: Request,
    auth: Auth,
    template: str,
    build: Callable[[Mine], dict[str, Any]],
    *extra_key: Any,
    names: bool = False,
) -> Response:
    """A page made from the worker's own record only, kept rendered while that record stands
    as it is (`access.own_record_version`; `web.rendering.PageCache`). `extra_key`: anything
    else the page depends on (today's date); `names`: it shows organisations' names.

    The version is read with the sign-in (`page_auth`), so a kept page is served on the event
    loop with no further I/O. On a miss the page is read through `services.access` and the
    tenancy rules as any page, in the thread pool; the version was read before the data, so
    a page kept under a version is never older than it."""
    own = access.remembered_record_version(auth.principal)
    if own is None:  # signed in with an API token: read it (never None for a worker)
        own = await run_in_threadpool(access.own_record_version, engine_of(request), auth.principal)
    if own is None:
        return await run_in_threadpool(
            lambda: _page(request, auth, template, **build(_mine(request, auth, names=names)))
        )
    request.state.record_languages = own.languages  # the page's language falls back on them
    full = f"portal/{template}"
    key = page_key(request, full, auth, (own.version, *extra_key))
    kept = kept_page(request, full, key)
    if kept is not None:
        return kept

    def context() -> dict[str, Any]:
        mine = _mine(request, auth, names=names)
        return {"say": _say_here(request), **build(mine)}

    return await run_in_threadpool(render_and_keep, request, full, auth, key, context)


# --- pages -------------------------------------------------------------------------------------


@router.get("/my")
async def home(request: Request, auth: PageAuth) -> Response:
    if auth.principal.worker_ref is None:
        return RedirectResponse("/dashboard", status_code=303)

    def build(mine: Mine) -> dict[str, Any]:
        contract = portal_view.contract_view(mine.journey, mine.org_names)
        held = [d for d in portal_view.documents_view(mine.journey) if d.returned_on is None]
        return {
            "worker": mine.worker,
            "worse_terms": len(contract.worse),
            "documents_held": len(held),
        }

    return await _cached_page(request, auth, "home.html", build)


@router.get("/my/contract")
async def contract(request: Request, auth: WorkerAuth) -> Response:
    def build(mine: Mine) -> dict[str, Any]:
        view = portal_view.contract_view(mine.journey, mine.org_names)
        return {"contract": view, "stages": portal_view.STAGES}

    return await _cached_page(request, auth, "contract.html", build, names=True)


@router.get("/my/fees")
async def fees(request: Request, auth: WorkerAuth) -> Response:
    today = _today()

    def build(mine: Mine) -> dict[str, Any]:
        view = portal_view.fees_view(mine.journey, _law(request), today)
        lang = i18n.for_request(request)
        return {
            "fees": view,
            "origin": lang.country(view.origin),
            "destination": lang.country(view.destination),
        }

    # The caps in force depend on the day; the law book is loaded once per app.
    return await _cached_page(request, auth, "fees.html", build, today)


@router.get("/my/pay")
def pay(request: Request, auth: WorkerAuth) -> Response:
    mine = _mine(request, auth, names=False)
    engine = engine_of(request)
    ref = mine.worker.ref
    run = assessment.latest_run(engine, ref)
    found = assessment.findings_of(engine, run.id, ref) if run else []
    remedy = assessment.remedy_summary(engine, run.id, ref) if run else None
    payslips = [e for e in mine.journey.events if e.type.value == "payslip"]
    return _page(
        request,
        auth,
        "pay.html",
        run=run,
        findings=found,
        remedy=remedy,
        payslips=payslips,
        rules=portal_view.RULES,
        other_rule=portal_view.OTHER_RULE,
    )


@router.get("/my/documents")
async def documents(request: Request, auth: WorkerAuth) -> Response:
    def build(mine: Mine) -> dict[str, Any]:
        return {"documents": portal_view.documents_view(mine.journey)}

    return await _cached_page(request, auth, "documents.html", build)


@router.get("/my/rights")
async def rights(request: Request, auth: WorkerAuth) -> Response:
    today = _today()

    def build(mine: Mine) -> dict[str, Any]:
        view = portal_view.rights_view(mine.journey, _law(request), today)
        lang = i18n.for_request(request)
        return {
            "rights": view,
            "origin": lang.country(view.origin),
            "destination": lang.country(view.destination),
        }

    return await _cached_page(request, auth, "rights.html", build, today)


# --- receipts ----------------------------------------------------------------------------------


@router.get("/my/receipts")
async def receipts_page(request: Request, auth: WorkerAuth) -> Response:
    def build(mine: Mine) -> dict[str, Any]:
        return {"events": mine.events, "types": portal_view.EVENT_TYPES}

    return await _cached_page(request, auth, "receipts.html", build)


@router.get("/my/receipts/{ref}")
def download_receipt(request: Request, auth: WorkerAuth, ref: str) -> Response:
    mine = _mine(request, auth, names=False)
    if ref not in {e.ref for e in mine.events}:
        # Someone else's event, or none: the same answer, so existence does not leak.
        raise NotFoundError(f"you have no record with reference '{ref}'")
    issued = receipts.issue_receipt(
        settings_of(request), engine_of(request), ref, datetime.now(UTC)
    )
    safe = "".join(c if c.isalnum() or c in "-_." else "_" for c in ref)
    return Response(
        issued.text(),
        media_type="application/json",
        headers={
            "Content-Disposition": f'attachment; filename="receipt-{safe}.json"',
            "Cache-Control": "no-store",
        },
    )


@router.post("/my/receipts/verify")
async def check_receipt(
    request: Request,
    auth: WorkerAuth,
    receipt: Annotated[str, Form(max_length=MAX_RECEIPT)] = "",
    file: UploadFile | None = None,
    csrf_token: Annotated[str, Form(max_length=300)] = "",
) -> Response:
    check_form_csrf(auth, csrf_token)
    text = receipt.strip()
    if file is not None and file.filename:
        raw = await file.read(MAX_RECEIPT + 1)
        if len(raw) > MAX_RECEIPT:
            return _verdict(request, auth, 413, problem=N_("This file is too big to be a receipt."))
        text = raw.decode("utf-8", errors="replace").strip()
    if not text:
        return _verdict(request, auth, 422, problem=N_("Choose a receipt file or paste one."))
    try:
        verified = _verify(request, text)
    except (FairpathError, LedgerError) as error:
        return _verdict(request, auth, 200, invalid=str(error))
    return _verdict(request, auth, 200, verified=verified)


def _verify(request: Request, text: str) -> VerifiedRecord:
    """Check a receipt with this log's public key and its witnesses' (as anyone could)."""
    settings = settings_of(request)
    verifier = journal_log.load_log_signer(settings).verifier()
    policy = witnessing.load_policy(settings)
    if policy is None:
        return verify_receipt_with_keys(text, verifier, [])
    return verify_receipt(
        text,
        Policy(
            logs=[verifier],
            witnesses=policy.witnesses,
            groups=policy.groups,
            quorum=policy.quorum,
        ),
    )


def _verdict(
    request: Request,
    auth: Auth,
    status: int,
    *,
    verified: VerifiedRecord | None = None,
    invalid: str | None = None,
    problem: str | None = None,
) -> Response:
    record = verified.record if verified else {}
    return render(
        request,
        "portal/verified.html",
        auth,
        http_status=status,
        verified=verified,
        invalid=invalid,
        problem=problem,
        lines=portal_view.record_lines(record),
        types=portal_view.EVENT_TYPES,
    )


# --- the language switcher ---------------------------------------------------------------------


@router.get("/language/{code}")
def choose_language(
    request: Request, code: str, next: Annotated[str | None, Query(max_length=200)] = None
) -> Response:
    """Remember the chosen language for a year and go back to the page (only this site's)."""
    target = next if next and next.startswith("/") and not next.startswith("//") else "/my"
    if "\\" in target:
        target = "/my"
    response = RedirectResponse(target, status_code=303)
    if code in i18n.supported():
        response.set_cookie(
            i18n.COOKIE,
            code,
            max_age=365 * 24 * 3600,
            path="/",
            secure=settings_of(request).https,
            httponly=True,
            samesite="lax",
        )
    return response


def money_total(amounts: dict[str, Decimal]) -> list[tuple[Decimal, str]]:
    """Totals as (amount, currency), currencies in alphabetical order."""
    return [(amounts[c], c) for c in sorted(amounts)]

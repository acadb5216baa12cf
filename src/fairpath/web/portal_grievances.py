"""A worker's grievances in the portal, and every worker-facing word of the grievance mechanism.

Routes: `/my/grievances` (my cases), `/my/grievances/new` (raise one: what about, anonymous or
not, may the employer know it is me, what happened), `/my/grievances/{ref}` (where it stands,
deadlines, the remedy proposed) and `POST /my/grievances/{ref}/{answer}` (accept or reject a
proposed remedy, confirm receiving it — the only way a case closes — say it did not arrive, or
appeal). Staff pages, the API and the SMS/WhatsApp webhooks are in `web.grievances`.

The words of the SMS/WhatsApp dialogue and of notifications to workers live here too (marked
with `N_`), so that the catalogues of `web.i18n` carry them in every worker language; the
services layer asks for them through `wording`.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Request
from starlette.responses import RedirectResponse, Response

from fairpath.domain.grievances import Action, Category
from fairpath.domain.journey import Channel
from fairpath.services import grievances, notifications
from fairpath.services.messaging import LANGUAGES, MENU, Reply
from fairpath.web import i18n
from fairpath.web.auth import Auth, PageAuth, check_form_csrf, engine_of, settings_of
from fairpath.web.i18n import N_
from fairpath.web.problems import HttpProblem
from fairpath.web.rendering import render

router = APIRouter(include_in_schema=False)

#: Category → the worker's words for it.
CATEGORY_WORDS: dict[str, str] = {
    Category.WAGES: N_("Wages"),
    Category.RECRUITMENT_FEES: N_("Recruitment fees"),
    Category.DOCUMENT_RETENTION: N_("Passport or documents"),
    Category.WORKING_HOURS: N_("Working hours"),
    Category.CONTRACT: N_("Contract"),
    Category.LIVING_CONDITIONS: N_("Living conditions"),
    Category.THREATS_VIOLENCE: N_("Threats or violence"),
    Category.RESTRICTION_OF_MOVEMENT: N_("Not free to leave"),
    Category.RETALIATION: N_("Punished for complaining"),
    Category.OTHER: N_("Other"),
}

#: Case status → what it means for the worker.
STATUS_WORDS: dict[str, str] = {
    "received": N_("Received"),
    "acknowledged": N_("Acknowledged"),
    "investigating": N_("Being investigated"),
    "remedy_proposed": N_("Remedy proposed: please answer"),
    "remedy_accepted": N_("You accepted the remedy"),
    "remedy_rejected": N_("You rejected the remedy"),
    "remedy_delivered": N_("Remedy delivered: did you receive it?"),
    "unfounded": N_("Found unfounded"),
    "appealed": N_("You appealed"),
    "escalated": N_("Passed to an independent organisation"),
    "closed": N_("Closed: you confirmed the remedy"),
}

#: Notifications to workers (services.grievances.WORKER_NOTICES), by kind.
NOTICES: dict[str, str] = {
    "acknowledged": N_("fairpath: your complaint %(ref)s was received by a case handler."),
    "remedy_proposed": N_(
        "fairpath: a remedy is proposed for your complaint %(ref)s. Sign in with your worker "
        "card to accept or reject it."
    ),
    "unfounded": N_(
        "fairpath: your complaint %(ref)s was found unfounded. Sign in to read why; you may appeal."
    ),
    "remedy_delivered": N_(
        "fairpath: the remedy for your complaint %(ref)s is reported delivered. Please confirm "
        "only if you received it."
    ),
    "escalated": N_("fairpath: your complaint %(ref)s was passed to an independent organisation."),
}

#: The SMS/WhatsApp dialogue's words (services.messaging.Reply kinds).
DIALOGUE: dict[str, str] = {
    "choose_category": N_("What is your complaint about? Reply with a number:"),
    "ask_anonymous": N_(
        "Should we keep your name from your employer? Reply 1 = yes, keep me anonymous; "
        "2 = no, you may share my name."
    ),
    "ask_text": N_("Tell us what happened, in your own words."),
    "filed": N_(
        "Thank you. Your complaint is registered as %(ref)s. We will answer within %(days)s "
        "days. Keep this number."
    ),
    "invalid": N_("Please reply with a number from the list."),
}
LANGUAGE_MENU = "fairpath: " + ", ".join(
    f"{n} {i18n.LANGUAGES[code]}" for n, code in enumerate(LANGUAGES, 1)
)


def _plain(code: str, msgid: str, variables: Mapping[str, str]) -> str:
    text = i18n.translations(code if code in i18n.LANGUAGES else i18n.DEFAULT).gettext(msgid)
    return text % dict(variables) if variables else text


def wording(language: str, kind: str, variables: Mapping[str, str]) -> str:
    """The services' notification wording, in the worker's language (plain text for SMS)."""
    msgid = NOTICES.get(kind)
    if msgid is None:
        return notifications.english_wording(language, kind, variables)
    return _plain(language, msgid, variables)


def reply_text(reply: Reply) -> str:
    """The text of one dialogue answer, in the worker's language."""
    lines = [_plain(reply.language, DIALOGUE["invalid"], {})] if reply.invalid else []
    if reply.kind == "choose_language":
        lines.append(LANGUAGE_MENU)
    elif reply.kind == "choose_category":
        lines.append(_plain(reply.language, DIALOGUE["choose_category"], {}))
        lines += [
            f"{n} {_plain(reply.language, CATEGORY_WORDS[c], {})}" for n, c in enumerate(MENU, 1)
        ]
    else:
        lines.append(_plain(reply.language, DIALOGUE[reply.kind], reply.variables))
    return "\n".join(lines)


# --- pages -------------------------------------------------------------------------------------


def _worker(auth: PageAuth) -> Auth:
    if auth.principal.worker_ref is None:
        raise HttpProblem(403, "these pages are for workers; staff use /grievances")
    return auth


WorkerAuth = Annotated[Auth, Depends(_worker)]
Text = Annotated[str, Form(max_length=300)]
ANSWERS = {
    "accept": Action.ACCEPT_REMEDY,
    "reject": Action.REJECT_REMEDY,
    "confirm": Action.CONFIRM_RECEIPT,
    "not-received": Action.REPORT_NOT_RECEIVED,
    "appeal": Action.APPEAL,
}
WEB_CATEGORIES = [c for c in Category if c is not Category.RETALIATION] + [Category.RETALIATION]


def _page(request: Request, auth: Auth, template: str, **context: Any) -> Response:
    return render(
        request,
        f"portal/grievances/{template}",
        auth,
        category_words=CATEGORY_WORDS,
        status_words=STATUS_WORDS,
        **context,
    )


@router.get("/my/grievances")
def my_grievances(request: Request, auth: WorkerAuth) -> Response:
    cases = grievances.list_cases(
        settings_of(request), engine_of(request), auth.principal, limit=200
    )
    return _page(request, auth, "list.html", cases=cases.items)


@router.get("/my/grievances/new")
def new_grievance(request: Request, auth: WorkerAuth) -> Response:
    return _page(request, auth, "new.html", categories=WEB_CATEGORIES, error=None)


@router.post("/my/grievances")
def file_mine(
    request: Request,
    auth: WorkerAuth,
    *,
    category: Annotated[str, Form(max_length=40)],
    text: Annotated[str, Form(max_length=10_000)],
    anonymous: Text = "",
    consent: Text = "",
    csrf_token: Text = "",
) -> Response:
    check_form_csrf(auth, csrf_token)
    if category not in grievances.CATEGORY_VALUES or not text.strip():
        return _page(
            request,
            auth,
            "new.html",
            categories=WEB_CATEGORIES,
            error=N_("Choose what it is about and write what happened."),
            http_status=422,
        )
    lang = i18n.for_request(request)
    filed = grievances.file_grievance(
        settings_of(request),
        engine_of(request),
        grievances.Intake(
            channel=Channel.WEB,
            category=Category(category),
            anonymous=anonymous == "yes",
            text=text,
            worker_ref=auth.principal.worker_ref,
            language=lang.code,
            consent_to_supplier=consent == "yes" and anonymous != "yes",
        ),
        actor=auth.principal.actor,
        now=datetime.now(UTC),
        wording=wording,
    )
    return RedirectResponse(f"/my/grievances/{filed.ref}?filed=1", status_code=303)


@router.get("/my/grievances/{ref}")
def my_grievance(request: Request, auth: WorkerAuth, ref: str, filed: int = 0) -> Response:
    case = grievances.case_detail(settings_of(request), engine_of(request), auth.principal, ref)
    return _page(request, auth, "detail.html", case=case, filed=filed == 1)


@router.post("/my/grievances/{ref}/{answer}")
def answer(
    request: Request,
    auth: WorkerAuth,
    ref: str,
    answer: str,
    *,
    note: Annotated[str, Form(max_length=2000)] = "",
    satisfaction: Annotated[int | None, Form(ge=1, le=5)] = None,
    csrf_token: Text = "",
) -> Response:
    check_form_csrf(auth, csrf_token)
    action = ANSWERS.get(answer)
    if action is None:
        raise HttpProblem(404, "no such answer; use the buttons on your case's page")
    try:
        grievances.act(
            settings_of(request),
            engine_of(request),
            auth.principal,
            ref,
            grievances.Change(action, note=note, satisfaction=satisfaction),
            wording=wording,
        )
    except grievances.NotAllowed as refused:
        raise HttpProblem(403, str(refused)) from None
    return RedirectResponse(f"/my/grievances/{ref}", status_code=303)

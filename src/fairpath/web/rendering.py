"""Jinja2 templates: one environment per app, autoescaped, rendering whole pages.

Autoescaping is on for every template (Jinja2 `autoescape=True`), so record fields — which come
from uploaded files — are text, never markup. Templates receive the signed-in principal, the
CSRF token their forms must carry and the navigation for the principal's role.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from fastapi import Request
from jinja2 import Environment, PackageLoader, StrictUndefined
from starlette.responses import HTMLResponse

from fairpath.services import tenancy
from fairpath.web import i18n
from fairpath.web.auth import Auth

#: Pages a worker sees, shown in the worker's language (staff pages stay in English).
WORKER_TEMPLATES = ("portal/", "card.html")


def make_environment() -> Environment:
    """The template environment of one app."""
    env = Environment(
        loader=PackageLoader("fairpath.web", "templates"),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        extensions=["jinja2.ext.i18n"],
    )
    # Newstyle gettext: `_("… %(n)s", n=…)`; the callables come with each page's context.
    env.newstyle_gettext = True  # type: ignore[attr-defined]
    env.filters["amount"] = _amount
    return env


def _amount(value: Decimal | int | None) -> str:
    if value is None:
        return "—"
    return format(Decimal(value), ",f")


def navigation(auth: Auth | None) -> list[tuple[str, str]]:
    """The links a principal's role can use, in reading order."""
    if auth is None or auth.session is None:
        return [("/login", "Sign in"), ("/card", "Worker card"), ("/journey-log", "Journey log")]
    who = auth.principal
    if not who.is_staff:
        return [("/my", "My journey"), ("/journey-log", "Journey log")]
    links = [
        ("/dashboard", "Dashboard"),
        ("/workers", "Workers"),
        ("/findings", "Findings"),
        ("/recruiters", "Recruiters"),
        ("/grievances", "Grievances"),
    ]
    if who.can_upload:
        links.append(("/upload", "Upload data"))
    if tenancy.may_download_reports(who):
        links.append(("/reports", "Reports"))
    links.append(("/journey-log", "Journey log"))
    if who.can_manage_tokens:
        links.append(("/tokens", "API tokens"))
    return links


def render(
    request: Request, template: str, auth: Auth | None, *, http_status: int = 200, **context: Any
) -> HTMLResponse:
    """A page rendered with the common context."""
    env: Environment = request.app.state.templates
    signed_in = auth if auth is not None and auth.session is not None else None
    worker_facing = template.startswith(WORKER_TEMPLATES)
    lang = i18n.for_request(request) if worker_facing else i18n.english()
    html = env.get_template(template).render(
        **i18n.template_context(lang, request.url.path),
        auth=signed_in,
        principal=signed_in.principal if signed_in else None,
        csrf_token=signed_in.csrf_token if signed_in else "",
        nav=navigation(signed_in),
        path=request.url.path,
        **context,
    )
    headers = {"Cache-Control": "no-store", "Content-Language": lang.code}
    if worker_facing:
        headers["Vary"] = "Cookie, Accept-Language"
    return HTMLResponse(html, status_code=http_status, headers=headers)

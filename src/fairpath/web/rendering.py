"""Jinja2 templates: one environment per app, autoescaped, rendering whole pages.

Autoescaping is on for every template (Jinja2 `autoescape=True`), so record fields — which come
from uploaded files — are text, never markup. Templates receive the signed-in principal, the
CSRF token their forms must carry and the navigation for the principal's role.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable
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
    """The template environment of one app, every template compiled up front.

    `auto_reload=False`: the templates ship inside the package and do not change under a
    running server, so a page need not stat its template files on every render."""
    env = Environment(
        loader=PackageLoader("fairpath.web", "templates"),
        autoescape=True,
        auto_reload=False,
        cache_size=-1,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        extensions=["jinja2.ext.i18n"],
    )
    # Newstyle gettext: `_("… %(n)s", n=…)`; the callables come with each page's context.
    env.newstyle_gettext = True  # type: ignore[attr-defined]
    env.filters["amount"] = _amount
    for name in env.list_templates(extensions=["html"]):
        env.get_template(name)  # compiled once, at start, not on a first visitor's request
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
    lang = _language(request, template)
    html = env.get_template(template).render(
        **i18n.template_context(lang, request.url.path),
        auth=signed_in,
        principal=signed_in.principal if signed_in else None,
        csrf_token=signed_in.csrf_token if signed_in else "",
        nav=navigation(signed_in),
        path=request.url.path,
        **context,
    )
    return HTMLResponse(html, status_code=http_status, headers=_headers(template, lang))


def _language(request: Request, template: str) -> i18n.Language:
    return i18n.for_request(request) if template.startswith(WORKER_TEMPLATES) else i18n.english()


def _headers(template: str, lang: i18n.Language) -> dict[str, str]:
    headers = {"Cache-Control": "no-store", "Content-Language": lang.code}
    if template.startswith(WORKER_TEMPLATES):
        headers["Vary"] = "Cookie, Accept-Language"
    return headers


class PageCache:
    """Pages already rendered, keyed by everything their HTML is made from; least recently
    used first out, at most `entries` of them (0: nothing is kept).

    A key (`page_key`) holds the template, the path, the language, the account and its
    session's CSRF token, and a version of the data the page shows — for the worker portal,
    `services.access.own_record_version`, read with this request's sign-in, which moves
    whenever anything the page is made from may have changed. The sign-in check runs on every
    request; what a hit saves is reading the journey through the tenancy rules, validating it,
    computing the view and rendering the template. Only worker-portal pages that show no
    personal data are kept, in this process's memory (docs/threat-model.md).
    """

    def __init__(self, entries: int) -> None:
        self.entries = entries
        self._pages: OrderedDict[tuple[Any, ...], bytes] = OrderedDict()
        self._lock = threading.Lock()  # sync routes run in a thread pool

    def get(self, key: tuple[Any, ...]) -> bytes | None:
        """The page rendered under `key`, if kept."""
        with self._lock:
            page = self._pages.get(key)
            if page is not None:
                self._pages.move_to_end(key)
            return page

    def put(self, key: tuple[Any, ...], page: bytes) -> None:
        """Keep `page` under `key`, dropping the least recently used beyond the bound."""
        if self.entries <= 0:
            return
        with self._lock:
            self._pages[key] = page
            self._pages.move_to_end(key)
            while len(self._pages) > self.entries:
                self._pages.popitem(last=False)


def page_key(
    request: Request, template: str, auth: Auth, data_key: tuple[Any, ...]
) -> tuple[Any, ...]:
    """What a kept page is looked up by: the template, path, language, account and session,
    and a version of the data it shows (`data_key`)."""
    session = auth.session
    return (
        template,
        request.url.path,
        _language(request, template).code,
        auth.principal.account_id,
        session.csrf_token if session is not None else "",
        *data_key,
    )


def kept_page(request: Request, template: str, key: tuple[Any, ...]) -> HTMLResponse | None:
    """The page kept under `key` (no I/O, so fit for the event loop), or None."""
    cache: PageCache = request.app.state.page_cache
    page = cache.get(key)
    if page is None:
        return None
    return HTMLResponse(page, headers=_headers(template, _language(request, template)))


def render_and_keep(
    request: Request,
    template: str,
    auth: Auth,
    key: tuple[Any, ...],
    build: Callable[[], dict[str, Any]],
) -> HTMLResponse:
    """`render` with the context `build` makes, keeping the page under `key`."""
    response = render(request, template, auth, **build())
    cache: PageCache = request.app.state.page_cache
    cache.put(key, bytes(response.body))
    return response

"""Who is asking: the session cookie or the API token of a request, resolved to a principal.

The session cookie is an opaque 256-bit token (`HttpOnly`, `SameSite=Lax`, `Secure` and the
`__Host-` prefix on HTTPS deployments); the database holds only its SHA-256. API clients send
`Authorization: Bearer fp_…` instead, and need no CSRF token because a browser never attaches
that header on its own. Cookie-authenticated state changes need the session's CSRF token — a
form field on pages, the `X-CSRF-Token` header on the API.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request, Security
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy import Engine
from starlette.responses import Response

from fairpath.config import Settings
from fairpath.services import access
from fairpath.services.accounts import (
    Session,
    account_for_api_token,
    csrf_matches,
)
from fairpath.services.tenancy import Principal
from fairpath.web.problems import HttpProblem
from fairpath.web.security import UNSAFE_METHODS

LOGIN_CSRF_COOKIE = "fairpath_login_csrf"

bearer_scheme = HTTPBearer(
    auto_error=False,
    description="An API token made on the 'API tokens' page: `Authorization: Bearer fp_…`.",
)


@dataclass(frozen=True)
class Auth:
    """A signed-in principal, and the session (None when an API token authenticated)."""

    principal: Principal
    session: Session | None
    session_token: str | None

    @property
    def csrf_token(self) -> str:
        """The token forms must echo back."""
        return self.session.csrf_token if self.session else ""


class SignInRequired(Exception):
    """A page needs a signed-in person; the handler redirects to the sign-in page."""

    def __init__(self, next_path: str) -> None:
        super().__init__(next_path)
        self.next_path = next_path


def settings_of(request: Request) -> Settings:
    """The settings the app was built with."""
    settings: Settings = request.app.state.settings
    return settings


def engine_of(request: Request) -> Engine:
    """The engine the app was built with."""
    engine: Engine = request.app.state.engine
    return engine


def cookie_name(settings: Settings) -> str:
    """`__Host-` cookies are only accepted over HTTPS, with Path=/ and no Domain (RFC 6265bis)."""
    return "__Host-fairpath_session" if settings.https else "fairpath_session"


def set_session_cookie(
    response: Response, settings: Settings, token: str, session: Session
) -> None:
    """Put the session token in the browser: HttpOnly, SameSite=Lax, Secure on HTTPS."""
    response.set_cookie(
        cookie_name(settings),
        token,
        max_age=int(settings.session_hours * 3600),
        path="/",
        secure=settings.https,
        httponly=True,
        samesite="lax",
    )


def clear_session_cookie(response: Response, settings: Settings) -> None:
    """Forget the session in the browser."""
    response.delete_cookie(
        cookie_name(settings), path="/", secure=settings.https, httponly=True, samesite="lax"
    )


def login_csrf(request: Request, response: Response) -> str:
    """A double-submit token for the sign-in forms (there is no session yet to hold one)."""
    settings = settings_of(request)
    token = request.cookies.get(LOGIN_CSRF_COOKIE) or secrets.token_urlsafe(32)
    response.set_cookie(
        LOGIN_CSRF_COOKIE,
        token,
        max_age=3600,
        path="/",
        secure=settings.https,
        httponly=True,
        samesite="strict",
    )
    return token


def login_csrf_ok(request: Request, offered: str) -> bool:
    """The sign-in form echoed the cookie's token."""
    expected = request.cookies.get(LOGIN_CSRF_COOKIE)
    return bool(expected) and secrets.compare_digest(expected or "", offered)


def authenticate(request: Request) -> Auth | None:
    """The request's principal from its bearer token or session cookie (cached per request)."""
    if hasattr(request.state, "auth"):
        cached: Auth | None = request.state.auth
        return cached
    auth = _resolve(request)
    request.state.auth = auth
    return auth


def _resolve(request: Request) -> Auth | None:
    engine = engine_of(request)
    header = request.headers.get("authorization", "")
    if header.lower().startswith("bearer "):
        account = account_for_api_token(engine, header[7:].strip())
        who = access.principal(engine, account, per_request=True) if account is not None else None
        return Auth(who, None, None) if who is not None else None
    token = request.cookies.get(cookie_name(settings_of(request)))
    if not token:
        return None
    # The session and its account in one read; the principal lives for this request only, so
    # its tenancy scope is computed once however many reads the request makes.
    found = access.signed_in(engine, token)
    if found is None:
        return None
    session, who = found
    return Auth(who, session, token)


def api_auth(
    request: Request,
    _credentials: Annotated[HTTPAuthorizationCredentials | None, Security(bearer_scheme)],
) -> Auth:
    """API dependency: a principal, or 401; cookie-carried changes need `X-CSRF-Token`."""
    auth = authenticate(request)
    if auth is None:
        raise HttpProblem(
            401,
            "sign in, or send an API token as 'Authorization: Bearer fp_…'",
            headers={"WWW-Authenticate": "Bearer"},
        )
    if (
        request.method in UNSAFE_METHODS
        and auth.session is not None
        and not csrf_matches(auth.session, request.headers.get("x-csrf-token"))
    ):
        raise HttpProblem(403, "the X-CSRF-Token header is missing or wrong; reload the page")
    return auth


def page_auth(request: Request) -> Auth:
    """Page dependency: a signed-in principal, or a redirect to the sign-in page."""
    auth = authenticate(request)
    if auth is None or auth.session is None:
        raise SignInRequired(request.url.path)
    return auth


async def staff_auth(auth: Annotated[Auth, Depends(page_auth)]) -> Auth:
    """Staff pages: workers have their own pages (403 here, not 404 — the page is no secret)."""
    if not auth.principal.is_staff:
        raise HttpProblem(403, "this page is for staff; your own record is under 'My journey'")
    return auth


def check_form_csrf(auth: Auth, offered: str) -> None:
    """A page form's CSRF token must match the session's."""
    if auth.session is None or not csrf_matches(auth.session, offered):
        raise HttpProblem(
            403, "the form expired or did not come from this site; reload the page and try again"
        )


ApiAuth = Annotated[Auth, Depends(api_auth)]
PageAuth = Annotated[Auth, Depends(page_auth)]
StaffAuth = Annotated[Auth, Depends(staff_auth)]

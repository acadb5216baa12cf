"""The outermost layer of the app: security headers, the Origin check, a PII-free access log,
and the last word on unexpected errors.

One pure ASGI middleware (no request body buffering) that:

- adds the security headers to every response — a CSP without inline script (OWASP Secure
  Headers Project), frame denial, `nosniff`, `no-referrer`, and HSTS when the deployment says
  it is HTTPS (RFC 6797);
- refuses state-changing requests carried by a browser cookie whose `Origin` (or
  `Sec-Fetch-Site`) is another site: the first line of CSRF defence (OWASP CSRF Prevention
  Cheat Sheet, "Verifying Origin with standard headers"); the synchronizer token is the second;
- logs one line per request with the *route template* (`/api/v1/workers/{ref}`), never the
  actual path or query string, so worker references typed into a search box, names in a filter
  or tokens in a URL never reach the server log;
- turns any exception that escaped the app into a generic 500 (problem document or page) and
  logs only its type — a traceback can carry personal data — unless `log_tracebacks` is on.
"""

from __future__ import annotations

import logging
import time
from typing import Any

from starlette.datastructures import Headers
from starlette.responses import HTMLResponse, Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from fairpath.config import Settings
from fairpath.web.problems import problem_response

access_log = logging.getLogger("fairpath.web.access")
error_log = logging.getLogger("fairpath.web.error")

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "frame-ancestors 'none'; form-action 'self'; base-uri 'none'; object-src 'none'"
)
UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
SESSION_COOKIES = ("fairpath_session", "__Host-fairpath_session")


def security_headers(settings: Settings) -> list[tuple[bytes, bytes]]:
    """The headers every response carries."""
    headers = [
        (b"content-security-policy", CSP.encode()),
        (b"x-frame-options", b"DENY"),
        (b"x-content-type-options", b"nosniff"),
        (b"referrer-policy", b"no-referrer"),
        (b"cross-origin-opener-policy", b"same-origin"),
        (b"permissions-policy", b"camera=(), microphone=(), geolocation=()"),
    ]
    if settings.https:
        headers.append((b"strict-transport-security", b"max-age=63072000; includeSubDomains"))
    return headers


def expected_origin(settings: Settings, scope: Scope) -> str:
    """The origin form posts must come from: the configured public URL, else this request's."""
    if settings.public_url:
        return settings.public_url.rstrip("/")
    headers = Headers(scope=scope)
    return f"{scope.get('scheme', 'http')}://{headers.get('host', '')}"


def cross_site(settings: Settings, scope: Scope) -> bool:
    """True for a cookie-carried, state-changing request that another site made."""
    if scope["method"] not in UNSAFE_METHODS:
        return False
    headers = Headers(scope=scope)
    if headers.get("authorization", "").lower().startswith("bearer "):
        return False  # no ambient credentials: a token is never sent by a browser on its own
    origin = headers.get("origin")
    fetch_site = headers.get("sec-fetch-site")
    if origin == "null" and fetch_site is not None:
        # Under `Referrer-Policy: no-referrer` browsers send `Origin: null` on every POST,
        # their own site's forms included (Fetch, "serializing a request origin"); their
        # `Sec-Fetch-Site` still says where the request came from.
        return fetch_site not in ("same-origin", "none")
    if origin is not None:
        return origin.rstrip("/") != expected_origin(settings, scope)
    return fetch_site is not None and fetch_site not in ("same-origin", "none")


class EdgeMiddleware:
    """Security headers, Origin check, access log and the generic error response."""

    def __init__(self, app: ASGIApp, settings: Settings) -> None:
        self.app = app
        self.settings = settings
        self.headers = security_headers(settings)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = {"code": 500, "sent": False}

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                status["code"] = message["status"]
                status["sent"] = True
                existing = {k.lower() for k, _ in message.get("headers", [])}
                message["headers"] = list(message.get("headers", [])) + [
                    (k, v) for k, v in self.headers if k not in existing
                ]
            await send(message)

        try:
            if cross_site(self.settings, scope):
                await self._refuse_cross_site(scope, receive, send_with_headers)
            else:
                await self.app(scope, receive, send_with_headers)
        except Exception as error:
            self._log_error(scope, error)
            if not status["sent"]:
                await _generic_error(scope)(scope, receive, send_with_headers)
        finally:
            self._log_access(scope, int(status["code"]), started)

    async def _refuse_cross_site(self, scope: Scope, receive: Receive, send: Send) -> None:
        detail = (
            "this request came from another site; open fairpath directly and submit the form again"
        )
        if _is_api(scope):
            await problem_response(403, detail)(scope, receive, send)
        else:
            await HTMLResponse(f"<p>{detail}</p>", status_code=403)(scope, receive, send)

    def _log_error(self, scope: Scope, error: Exception) -> None:
        error_log.error(
            "unexpected %s on %s %s",
            type(error).__name__,
            scope["method"],
            _route_template(scope),
            exc_info=error if self.settings.log_tracebacks else None,
        )

    @staticmethod
    def _log_access(scope: Scope, status: int, started: float) -> None:
        access_log.info(
            "%s %s %d %.1fms",
            scope["method"],
            _route_template(scope),
            status,
            (time.perf_counter() - started) * 1000,
        )


def _route_template(scope: Scope) -> str:
    """The matched route's path template; never the concrete path or query string."""
    route: Any = scope.get("route")
    path = getattr(route, "path", None)
    if isinstance(path, str):
        return path
    raw = str(scope.get("path", ""))
    for prefix in ("/static/", "/log/"):
        if raw.startswith(prefix):
            return prefix + "…"
    return "(no route)"


def _is_api(scope: Scope) -> bool:
    return str(scope.get("path", "")).startswith("/api/")


def _generic_error(scope: Scope) -> Response:
    detail = "fairpath failed unexpectedly; nothing was half-written. Try again, or report it."
    if _is_api(scope):
        return problem_response(500, detail)
    return HTMLResponse(f"<!doctype html><title>Error</title><p>{detail}</p>", status_code=500)

"""`create_app(settings)`: the fairpath web application, built by its entry point, no globals.

Assembles the API (`/api/v1`, OpenAPI at `/api/v1/openapi.json`), the pages, the journey log's
files (`/log/`) and the static assets (`/static/`), and turns every error into a problem
document (API) or an error page (pages) — a sentence a person can act on, never a traceback.
The interactive API explorer is not served: it would load scripts from a CDN.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from pathlib import Path
from typing import Any
from urllib.parse import quote

import anyio.to_thread
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.openapi.utils import get_openapi
from fastapi.staticfiles import StaticFiles
from sqlalchemy import Engine
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.responses import RedirectResponse, Response

import fairpath
from fairpath.config import Settings
from fairpath.domain.errors import FairpathError
from fairpath.services import access
from fairpath.services.importing import ImportRejected
from fairpath.storage.db import make_engine
from fairpath.web import api, logfiles, pages, portal, reports
from fairpath.web.auth import Auth, SignInRequired, authenticate
from fairpath.web.grievances import lifespan as grievance_scheduler
from fairpath.web.grievances import routers as grievance_routers
from fairpath.web.problems import (
    HttpProblem,
    ProblemItem,
    problem_response,
    rewrite_error_responses,
    status_of,
)
from fairpath.web.rendering import PageCache, make_environment, render
from fairpath.web.security import EdgeMiddleware
from fairpath.web.uploads import problem_rows

STATIC = Path(__file__).parent / "static"


#: Worker-portal pages kept rendered per process (web.rendering.PageCache): ~5-15 KB each.
PAGE_CACHE_ENTRIES = 2048
#: Threads per server process for the routes written as plain functions (nearly all). Few:
#: their work is mostly Python holding the GIL, and forty threads contending for it (anyio's
#: default) served the worker page at half the rate and several times the p99 latency of
#: four in the benchmark; reports have threads of their own (web.reports).
THREADS = 4


def create_app(
    settings: Settings,
    engine: Engine | None = None,
    *,
    page_cache: int = PAGE_CACHE_ENTRIES,
    threads: int | None = None,
) -> FastAPI:
    """The app over `settings` (and `engine`, made from the settings when not given);
    `page_cache`: how many rendered portal pages to keep (0: none); `threads`: the thread
    pool of each server process, set when the server starts (None: anyio's default, 40)."""
    app = FastAPI(
        title="fairpath",
        version=getattr(fairpath, "__version__", "0"),
        summary="Verifiable records of migrant workers' recruitment journeys.",
        openapi_url="/api/v1/openapi.json",
        docs_url=None,
        redoc_url=None,
        lifespan=_lifespan(threads),
    )
    app.state.settings = settings
    app.state.engine = engine or make_engine(settings.sqlalchemy_url)
    app.state.templates = make_environment()
    app.state.page_cache = PageCache(page_cache)
    app.include_router(api.router)
    app.include_router(pages.router)
    app.include_router(portal.router)
    for router in grievance_routers():
        app.include_router(router)
    app.include_router(reports.router)
    app.include_router(logfiles.router)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    app.add_api_route("/healthz", healthz, methods=["GET"], include_in_schema=False)
    _install_error_handlers(app)
    app.add_middleware(EdgeMiddleware, settings=settings)
    app.openapi = lambda: _openapi(app)  # type: ignore[method-assign]
    return app


def _lifespan(threads: int | None) -> Callable[[FastAPI], AbstractAsyncContextManager[None]]:
    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        if threads is not None:  # the limiter belongs to this server's event loop
            anyio.to_thread.current_default_thread_limiter().total_tokens = threads
        async with grievance_scheduler(app):
            yield

    return lifespan


def healthz() -> dict[str, str]:
    """Liveness for load balancers and the benchmark's baseline: no database, no auth."""
    return {"status": "ok"}


def _openapi(app: FastAPI) -> dict[str, Any]:
    if app.openapi_schema is None:
        schema = get_openapi(
            title=app.title, version=app.version, summary=app.summary, routes=app.routes
        )
        app.openapi_schema = rewrite_error_responses(schema)
    return app.openapi_schema


def _is_api(request: Request) -> bool:
    return request.url.path.startswith("/api/")


def _error(request: Request, status: int, detail: str, **extra: Any) -> Response:
    headers = extra.pop("headers", None)
    if _is_api(request):
        return problem_response(status, detail, headers=headers, **extra)
    auth = authenticate(request)
    page = render(
        request,
        _error_template(request, auth),
        auth,
        http_status=status,
        code=status,
        detail=detail,
        **extra,
    )
    if headers:
        page.headers.update(headers)
    return page


def _error_template(request: Request, auth: Auth | None) -> str:
    """Workers get their error pages in their language, in the portal's layout."""
    signed_in_worker = auth is not None and auth.principal.worker_ref is not None
    return "portal/error.html" if signed_in_worker or _is_portal(request) else "error.html"


def _is_portal(request: Request) -> bool:
    path = request.url.path
    return path == "/my" or path.startswith(("/my/", "/card", "/language/"))


def _install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(HttpProblem)
    def http_problem(request: Request, error: HttpProblem) -> Response:
        return _error(request, error.status, error.detail, headers=error.headers)

    @app.exception_handler(SignInRequired)
    def sign_in(request: Request, error: SignInRequired) -> Response:
        if _is_portal(request):  # a worker signs in with a card, and lands on /my
            return RedirectResponse("/card", status_code=303)
        return RedirectResponse(f"/login?next={quote(error.next_path)}", status_code=303)

    @app.exception_handler(ImportRejected)
    def rejected(request: Request, error: ImportRejected) -> Response:
        return _error(request, 422, str(error), problems=problem_rows(error))

    @app.exception_handler(FairpathError)
    def fairpath_error(request: Request, error: FairpathError) -> Response:
        items = problem_rows(error) if isinstance(error, access.UploadRefused) else None
        return _error(request, status_of(error), str(error), problems=items)

    @app.exception_handler(RequestValidationError)
    def invalid(request: Request, error: RequestValidationError) -> Response:
        items = [_validation_item(e) for e in error.errors()]
        return _error(request, 422, "some parameters are not valid; see the list", problems=items)

    @app.exception_handler(StarletteHTTPException)
    def http_error(request: Request, error: StarletteHTTPException) -> Response:
        detail = error.detail if isinstance(error.detail, str) else "the request failed"
        return _error(request, error.status_code, detail, headers=error.headers)


def _validation_item(error: Any) -> ProblemItem:
    # Only where and why: never the rejected input, which may be personal data.
    location = ".".join(str(part) for part in error.get("loc", ()))
    return ProblemItem(field=location or None, message=str(error.get("msg", "not valid")))

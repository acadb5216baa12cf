"""Due-diligence reports for download (issue #7): `/reports` lists them, `/reports/{org}/{fmt}`
serves one as PDF (PDF/A-3b) or HTML.

Who may download which report is decided by `services.tenancy` (`may_download_reports`,
`may_download_report`): an organisation's own admins and members, the auditors it granted,
and platform admins. Case handlers and workers get 403 (the page is no secret); another
organisation's report, or an unknown one, answers 404 so its existence does not leak. The
document itself is made by `reports.service.render_report`, the same function the CLI calls.
"""

from __future__ import annotations

import functools

import anyio
import anyio.to_thread
from fastapi import APIRouter, Request
from starlette.responses import Response

from fairpath.services import access, tenancy
from fairpath.web.auth import Auth, StaffAuth, engine_of, settings_of
from fairpath.web.problems import HttpProblem
from fairpath.web.rendering import render

router = APIRouter(include_in_schema=False)
#: Organisations with a report of their own (reports.scope: brand, supplier/employer, recruiter).
REPORTING_ROLES = frozenset({"brand", "supplier", "employer", "recruiter", "sub_agent"})
#: Reports made at once per server process.
REPORT_THREADS = 2


def _report_threads(request: Request) -> anyio.CapacityLimiter:
    limiter: anyio.CapacityLimiter | None = getattr(request.app.state, "report_threads", None)
    if limiter is None:  # made on the server's event loop, on the first download
        limiter = request.app.state.report_threads = anyio.CapacityLimiter(REPORT_THREADS)
    return limiter


def _may_download(auth: Auth) -> None:
    if not tenancy.may_download_reports(auth.principal):
        raise HttpProblem(
            403, "due-diligence reports are for an organisation's staff, its auditors and admins"
        )


@router.get("/reports")
def reports_page(request: Request, auth: StaffAuth) -> Response:
    """The reports the signed-in person may download, one line per organisation."""
    _may_download(auth)
    return render(request, "reports.html", auth, orgs=downloadable(request, auth))


def downloadable(request: Request, auth: Auth) -> list[access.OrgSummary]:
    """The organisations whose report `auth` may download (none for other roles)."""
    if not tenancy.may_download_reports(auth.principal):
        return []
    allowed = tenancy.report_orgs(auth.principal)
    listed = access.list_organizations(
        engine_of(request), auth.principal, role=None, limit=100_000, offset=0
    )
    return [
        org
        for org in listed.items
        if (allowed is None or org.ref in allowed) and REPORTING_ROLES & set(org.roles)
    ]


@router.get("/reports/{org_ref}/{fmt}")
async def download_report(request: Request, auth: StaffAuth, org_ref: str, fmt: str) -> Response:
    """`org_ref`'s report from the newest assessment run, as an attachment.

    Made in a thread pool of its own (`REPORT_THREADS` per process): a PDF takes seconds, and
    must not hold one of the few threads pages are served from (web.app.THREADS)."""
    # Imported on the first download: the report's renderers need not slow every start.
    from fairpath.reports.service import (  # noqa: PLC0415 - slow to import, used rarely
        ReportFormat,
        media_type,
        render_report,
    )

    _may_download(auth)
    if fmt not in {f.value for f in ReportFormat} or not tenancy.may_download_report(
        auth.principal, org_ref
    ):
        raise HttpProblem(404, f"no report '{fmt}' for an organisation '{org_ref}' of yours")
    make = functools.partial(render_report, settings_of(request), engine_of(request), org_ref, fmt)
    body = await anyio.to_thread.run_sync(make, limiter=_report_threads(request))
    safe = "".join(c if c.isalnum() or c in "-_." else "_" for c in org_ref)
    return Response(
        body,
        media_type=media_type(fmt),
        headers={
            "Content-Disposition": f'attachment; filename="{safe}-due-diligence.{fmt}"',
            "Cache-Control": "no-store",
        },
    )

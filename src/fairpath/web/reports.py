"""Due-diligence reports for download (issue #7): `/reports` lists them, `/reports/{org}/{fmt}`
serves one as PDF (PDF/A-3b) or HTML.

Who may download which report is decided by `services.tenancy` (`may_download_reports`,
`may_download_report`): an organisation's own admins and members, the auditors it granted,
and platform admins. Case handlers and workers get 403 (the page is no secret); another
organisation's report, or an unknown one, answers 404 so its existence does not leak. The
document itself is made by `reports.service.render_report`, the same function the CLI calls.
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from starlette.responses import Response

from fairpath.services import access, tenancy
from fairpath.web.auth import Auth, StaffAuth, engine_of, settings_of
from fairpath.web.problems import HttpProblem
from fairpath.web.rendering import render

router = APIRouter(include_in_schema=False)
#: Organisations with a report of their own (reports.scope: brand, supplier/employer, recruiter).
REPORTING_ROLES = frozenset({"brand", "supplier", "employer", "recruiter", "sub_agent"})


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
def download_report(request: Request, auth: StaffAuth, org_ref: str, fmt: str) -> Response:
    """`org_ref`'s report from the newest assessment run, as an attachment."""
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
    body = render_report(settings_of(request), engine_of(request), org_ref, fmt)
    safe = "".join(c if c.isalnum() or c in "-_." else "_" for c in org_ref)
    return Response(
        body,
        media_type=media_type(fmt),
        headers={
            "Content-Disposition": f'attachment; filename="{safe}-due-diligence.{fmt}"',
            "Cache-Control": "no-store",
        },
    )

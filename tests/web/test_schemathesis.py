"""Schemathesis against the OpenAPI document, in process, as a platform admin on the seeded chain:
no operation answers with a server error, and every response matches its documented schema
(status code, content type, body). Bounded: a few examples per operation, derandomized.

Schemathesis's pytest plugin does not run on this pytest, so each operation's strategy is
driven by Hypothesis directly (`APIOperation.as_strategy()`), with the same checks.
"""

from __future__ import annotations

import warnings
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings

from fairpath.config import Settings
from fairpath.services import accounts
from fairpath.web.app import create_app
from tests.web.conftest import WebSite

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    import schemathesis
    from schemathesis.specs.openapi.checks import positive_data_acceptance

#: OpenAPI can say "a file", not "a journey-format file": an upload that is schema-valid but
#: not a valid file is rightly refused (415/422), so that one check is off for it only.
EXCLUDED = {"POST /api/v1/imports": [positive_data_acceptance]}


def operation_labels() -> list[str]:
    """Every API operation, read from the OpenAPI document of an app that is never served."""
    app = create_app(Settings(data_dir=Path("unused-data-dir")))
    document = app.openapi()
    return [
        f"{method.upper()} {path}"
        for path, operations in document["paths"].items()
        for method in operations
    ]


@pytest.fixture(scope="module")
def admin_token(shared_site: WebSite) -> str:
    return accounts.create_api_token(shared_site.engine, 1, "schemathesis")


@pytest.mark.parametrize("label", operation_labels())
def test_the_api_keeps_its_documented_promises(
    shared_site: WebSite, admin_token: str, label: str
) -> None:
    schema = schemathesis.openapi.from_asgi("/api/v1/openapi.json", shared_site.app)
    method, path = label.split(" ", 1)
    operation = next(
        result.ok()
        for result in schema.get_all_operations()
        if result.ok().method.upper() == method and result.ok().path == path
    )
    headers = {"Authorization": f"Bearer {admin_token}"}

    @given(case=operation.as_strategy())
    @settings(
        max_examples=12, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True
    )
    def check(case: schemathesis.Case) -> None:
        case.call_and_validate(headers=headers, excluded_checks=EXCLUDED.get(label, []))

    check()

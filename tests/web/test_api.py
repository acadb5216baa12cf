"""The JSON API: pagination, problem documents, imports (whole or nothing, every bad line
listed), findings and remedy after an assessment, corrections marked as superseded."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from sqlalchemy import func, select

from fairpath.services.assessment import assess_data_set
from fairpath.storage.models import WorkerRow
from tests.web.conftest import TestClient, WebSite, page_csrf
from tests.web.data import chain_data_set

PROBLEM = "application/problem+json"


def jsonl(*records: dict[str, Any]) -> bytes:
    return "".join(json.dumps(r) + "\n" for r in records).encode()


def new_worker(ref: str, employer: str, **extra: Any) -> dict[str, Any]:
    return {
        "kind": "worker",
        "ref": ref,
        "origin_country": "NP",
        "destination_country": "MY",
        "sector": "manufacturing",
        "employer_ref": employer,
        **extra,
    }


def upload(client: TestClient, name: str, body: bytes) -> Any:
    headers = {"X-CSRF-Token": page_csrf(client)}
    return client.post("/api/v1/imports", files={"file": (name, body)}, headers=headers)


def worker_count(site: WebSite) -> int:
    with site.engine.connect() as conn:
        return int(conn.scalar(select(func.count()).select_from(WorkerRow)) or 0)


def test_lists_are_paginated_with_their_total(shared_site: WebSite) -> None:
    client = shared_site.client("platform_admin")
    first = client.get("/api/v1/workers", params={"limit": 2}).json()
    second = client.get("/api/v1/workers", params={"limit": 2, "offset": 2}).json()
    assert first["total"] == second["total"] == 3
    assert [w["ref"] for w in first["items"] + second["items"]] == ["w-1", "w-2", "w-3"]
    filtered = client.get("/api/v1/workers", params={"origin": "BD"}).json()
    assert [w["ref"] for w in filtered["items"]] == ["w-3"]
    recruiters = client.get("/api/v1/organizations", params={"role": "recruiter"}).json()
    assert [o["ref"] for o in recruiters["items"]] == ["dhaka-link", "everest-hr"]


def test_every_error_is_a_problem_document(shared_site: WebSite) -> None:
    client = shared_site.client("platform_admin")
    missing = client.get("/api/v1/workers/nobody")
    assert missing.status_code == 404
    assert missing.headers["content-type"] == PROBLEM
    assert missing.json() == {
        "type": "about:blank",
        "title": "Not found",
        "status": 404,
        "detail": "no worker with reference 'nobody'",
    }
    invalid = client.get("/api/v1/workers", params={"limit": 0})
    assert invalid.status_code == 422 and invalid.headers["content-type"] == PROBLEM
    assert invalid.json()["problems"][0]["field"] == "query.limit"
    anonymous = TestClient(shared_site.app).get("/api/v1/findings")
    assert anonymous.status_code == 401 and anonymous.headers["content-type"] == PROBLEM
    assert anonymous.headers["www-authenticate"] == "Bearer"


def test_the_openapi_document_describes_problem_responses(shared_site: WebSite) -> None:
    schema = TestClient(shared_site.app).get("/api/v1/openapi.json").json()
    responses = schema["paths"]["/api/v1/workers/{ref}"]["get"]["responses"]
    assert set(responses["404"]["content"]) == {PROBLEM}
    assert "Problem" in schema["components"]["schemas"]
    assert "bearerAuth" in json.dumps(schema) or "HTTPBearer" in json.dumps(schema)


def test_an_import_with_bad_lines_lists_each_and_stores_nothing(site: WebSite) -> None:
    client = site.client("supplier_admin")
    before = worker_count(site)
    body = jsonl(
        new_worker("w-10", "kl-bottling"),
        new_worker("w-11", "kl-bottling", origin_country="XX"),
        new_worker("w-12", "kl-bottling", sector="mining"),
    )
    response = upload(client, "workers.jsonl", body)
    assert response.status_code == 422
    problems = response.json()["problems"]
    assert [(p["file"], p["line"]) for p in problems] == [
        ("workers.jsonl", 2),
        ("workers.jsonl", 3),
    ]
    assert {p["field"] for p in problems} == {"origin_country", "sector"}
    assert worker_count(site) == before  # not even the good first line


def test_a_good_import_reports_what_it_added(site: WebSite) -> None:
    client = site.client("supplier_admin")
    response = upload(client, "new.jsonl", jsonl(new_worker("w-10", "kl-bottling")))
    assert response.status_code == 201
    assert response.json() == {"files": [{"file": "new.jsonl", "added": 1, "unchanged": 0}]}
    again = upload(client, "new.jsonl", jsonl(new_worker("w-10", "kl-bottling")))
    assert again.json()["files"][0] == {"file": "new.jsonl", "added": 0, "unchanged": 1}


def test_an_organisation_cannot_upload_another_organisations_workers(site: WebSite) -> None:
    client = site.client("brand_admin")  # acme employs no one; kl-bottling is its supplier
    before = worker_count(site)
    response = upload(client, "theirs.jsonl", jsonl(new_worker("w-20", "kl-bottling")))
    assert response.status_code == 403
    assert "upload only your own workers" in response.json()["problems"][0]["message"]
    assert response.json()["problems"][0]["line"] == 1
    assert worker_count(site) == before


def test_a_file_of_the_wrong_kind_is_refused_with_what_to_do(site: WebSite) -> None:
    client = site.client("platform_admin")
    for name in ("payroll.pdf", "../../etc/passwd", "notes.txt"):
        response = upload(client, name, b"x")
        assert response.status_code == 415
        assert ".jsonl" in response.json()["detail"]


def test_findings_and_remedy_follow_the_chain(site: WebSite) -> None:
    client = site.client("platform_admin")
    assert client.get("/api/v1/findings").json()["run"] is None
    assess_data_set(site.settings, site.engine, as_of=date(2025, 6, 1), actor="test")
    everything = client.get("/api/v1/findings", params={"limit": 500}).json()
    assert everything["run"]["as_of"] == "2025-06-01"
    seen_by_admin = {f["worker_ref"] for f in everything["items"]}
    assert seen_by_admin, "the chain's fees produce findings"
    for finding in everything["items"]:
        assert finding["evidence"], "every finding names its evidence"
        if finding["owed"] is not None:
            assert isinstance(finding["owed"]["amount"], str)  # exact decimal, never a float
    brand = site.client("brand_admin").get("/api/v1/findings", params={"limit": 500}).json()
    assert {f["worker_ref"] for f in brand["items"]} == seen_by_admin & {"w-1", "w-2"}
    remedy = client.get("/api/v1/remedy").json()
    assert remedy["run"]["id"] == everything["run"]["id"]
    for line in remedy["currencies"]:
        assert set(line) == {"currency", "owed", "paid", "confirmed", "balance"}


def test_a_correction_marks_the_old_event_superseded(site: WebSite) -> None:
    fee = next(r for r in chain_data_set() if r.get("ref") == "e-1")
    corrected = {**fee, "ref": "e-1b", "supersedes": "e-1"}
    corrected["data"] = {**fee["data"], "amount": "95000.00"}
    client = site.client("platform_admin")
    assert upload(client, "fix.jsonl", jsonl(corrected)).status_code == 201
    events = client.get("/api/v1/workers/w-1/events").json()["items"]
    by_ref = {e["ref"]: e for e in events}
    assert by_ref["e-1"]["superseded_by"] == "e-1b"
    assert by_ref["e-1b"]["superseded_by"] is None
    assert by_ref["e-1b"]["log_index"] > by_ref["e-1"]["log_index"]
    page = client.get("/workers/w-1").text
    assert "superseded by e-1b" in page

"""Grievances over HTTP: the worker's pages, the staff pages and API, the signed webhooks with
their numbered-menu dialogue (in two languages), and what a supplier can never see."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import select

from fairpath.domain.grievances import Category
from fairpath.domain.journey import Channel
from fairpath.services import grievances, messaging
from fairpath.services.notifications import MemoryOutbox
from fairpath.storage.grievances import ConversationRow, GrievanceRow
from tests.web.conftest import TestClient, WebSite, page_csrf
from tests.web.data import NAMES

WORDS = "Mandor menahan paspor saya dan tidak mau mengembalikannya"
SMS_URL = "http://testserver/webhooks/sms"


def sms(
    client: TestClient,
    sender: str,
    body: str,
    sid: str,
    *,
    secret: str = "sms-secret-for-tests",
    url: str = SMS_URL,
) -> Any:
    params = {"From": sender, "To": "+60300000000", "Body": body, "MessageSid": sid}
    headers = {"X-Twilio-Signature": messaging.signature(secret, url, params)}
    return client.post("/webhooks/sms", data=params, headers=headers)


def message_of(response: Any) -> str:
    match = re.search(r"<Message>(.*)</Message>", response.text, flags=re.DOTALL)
    assert match, response.text
    return match.group(1)


def test_a_signed_sms_dialogue_in_english_files_a_case(gsite: WebSite) -> None:
    client = gsite.client("anonymous")
    first = sms(client, "+60111111111", "hello", "SM1")
    assert first.status_code == 200
    assert first.headers["content-type"].startswith("application/xml")
    assert "1 English" in message_of(first) and "3 বাংলা" in message_of(first)
    assert "What is your complaint about?" in message_of(sms(client, "+60111111111", "1", "SM2"))
    wrong = message_of(sms(client, "+60111111111", "42", "SM3"))
    assert wrong.startswith("Please reply with a number from the list.")
    assert "Should we keep your name" in message_of(sms(client, "+60111111111", "3", "SM4"))
    assert "in your own words" in message_of(sms(client, "+60111111111", "1", "SM5"))
    done = message_of(sms(client, "+60111111111", "They keep my passport", "SM6"))
    ref = re.search(r"G-[A-Z0-9]{8}", done)
    assert ref and "within 7 days" in done
    with gsite.engine.connect() as conn:
        case = conn.execute(select(GrievanceRow).where(GrievanceRow.ref == ref.group(0))).one()
        left = conn.execute(select(ConversationRow)).all()
        assert b"+60111111111" not in b"".join(
            r.address_digest for r in conn.execute(select(ConversationRow))
        )
    assert (case.channel, case.category, case.anonymous) == ("sms", "document_retention", True)
    assert left == []  # the dialogue ends with the case


def test_the_dialogue_answers_in_bengali_and_reads_bengali_digits(gsite: WebSite) -> None:
    client = gsite.client("anonymous")
    sms(client, "+8801711111111", "হ্যালো", "SB1")
    menu = message_of(sms(client, "+8801711111111", "৩", "SB2"))  # 3 = বাংলা, in Bengali digits
    assert "আপনার অভিযোগ কী বিষয়ে?" in menu and "1 মজুরি" in menu
    assert "নিয়োগ ফি" in menu
    ask = message_of(sms(client, "+8801711111111", "2", "SB3"))
    assert "মালিক" in ask
    message_of(sms(client, "+8801711111111", "1", "SB4"))
    done = message_of(sms(client, "+8801711111111", "দালাল অনেক টাকা নিয়েছে", "SB5"))
    assert "ধন্যবাদ" in done and re.search(r"G-[A-Z0-9]{8}", done)


def test_unsigned_wrongly_signed_and_replayed_webhooks_are_refused(gsite: WebSite) -> None:
    client = gsite.client("anonymous")
    params = {"From": "+60122222222", "Body": "hi", "MessageSid": "SMX"}
    assert client.post("/webhooks/sms", data=params).status_code == 403
    forged = sms(client, "+60122222222", "hi", "SMX", secret="not-the-secret")
    assert forged.status_code == 403
    other_url = sms(client, "+60122222222", "hi", "SMX", url="http://evil.example/webhooks/sms")
    assert other_url.status_code == 403
    assert sms(client, "+60122222222", "hi", "SMX").status_code == 200
    replay = sms(client, "+60122222222", "hi", "SMX")
    assert replay.status_code == 403 and "delivered before" in replay.text
    # A WhatsApp message is signed with WhatsApp's own secret.
    wa = {"From": "whatsapp:+60122222222", "Body": "hi", "MessageSid": "WA1"}
    signed = messaging.signature("wa-secret-for-tests", "http://testserver/webhooks/whatsapp", wa)
    ok = client.post("/webhooks/whatsapp", data=wa, headers={"X-Twilio-Signature": signed})
    assert ok.status_code == 200
    assert client.post("/webhooks/telegram", data=wa).status_code == 404


def test_a_known_workers_number_skips_the_language_question(gsite: WebSite, tmp_path: Any) -> None:
    from fairpath.services.importing import import_paths
    from tests.services.data import write_jsonl
    from tests.web.data import chain_data_set

    worker = next(r for r in chain_data_set() if r.get("ref") == "w-1")
    # A new worker, like w-1, whose record has a phone number and Bengali first.
    record = worker | {
        "ref": "w-9",
        "languages": ["bn", "en"],
        "pii": {"full_name": "Nasima Akter", "phone": "+60133333333"},
    }
    import_paths(
        gsite.settings, gsite.engine, [write_jsonl(tmp_path / "w9.jsonl", [record])], actor="test"
    )
    client = gsite.client("anonymous")
    menu = message_of(sms(client, "+60133333333", "hi", "SK1"))
    assert "আপনার অভিযোগ কী বিষয়ে?" in menu
    for n, body in enumerate(["1", "2", "বেতন কম"], 2):
        last = sms(client, "+60133333333", body, f"SK{n}")
    ref = re.search(r"G-[A-Z0-9]{8}", message_of(last))
    assert ref
    with gsite.engine.connect() as conn:
        case = conn.execute(select(GrievanceRow).where(GrievanceRow.ref == ref.group(0))).one()
    assert (case.worker_ref, case.language, case.event_ref) == (
        "w-9",
        "bn",
        f"grievance-{ref.group(0)}",
    )


def worker_files(client: TestClient, *, anonymous: bool = True) -> str:
    token = page_csrf(client, "/my/grievances/new")
    data = {"category": "document_retention", "text": WORDS, "csrf_token": token}
    if anonymous:
        data["anonymous"] = "yes"
    response = client.post("/my/grievances", data=data, follow_redirects=False)
    assert response.status_code == 303, response.text
    ref = response.headers["location"].split("/")[-1].split("?")[0]
    return ref


def staff_act(client: TestClient, ref: str, action: str, **fields: str) -> Any:
    token = page_csrf(client, f"/grievances/{ref}")
    return client.post(
        f"/grievances/{ref}/act",
        data={"action": action, "csrf_token": token, **fields},
        follow_redirects=False,
    )


def test_worker_and_handler_take_a_case_to_its_close_through_the_pages(
    gsite: WebSite, outbox: MemoryOutbox
) -> None:
    worker = gsite.client("worker")
    ref = worker_files(worker)
    page = worker.get(f"/my/grievances/{ref}?filed=1")
    assert ref in page.text and WORDS in page.text
    grievances.assign(gsite.engine, ref, "handler@test", actor="test")
    handler = gsite.client("case_handler")
    assert WORDS in handler.get(f"/grievances/{ref}").text
    assert staff_act(handler, ref, "acknowledge").status_code == 303
    assert staff_act(handler, ref, "investigate").status_code == 303
    wrong = staff_act(handler, ref, "deliver_remedy")
    assert wrong.status_code == 409 and "accept or reject" not in wrong.text
    assert (
        staff_act(
            handler,
            ref,
            "propose_remedy",
            remedy_description="passport returned, apology",
        ).status_code
        == 303
    )
    token = page_csrf(worker, f"/my/grievances/{ref}")
    assert (
        worker.post(f"/my/grievances/{ref}/accept", data={"csrf_token": token}).status_code == 200
    )
    assert staff_act(handler, ref, "deliver_remedy").status_code == 303
    token = page_csrf(worker, f"/my/grievances/{ref}")
    closed = worker.post(
        f"/my/grievances/{ref}/confirm", data={"csrf_token": token, "satisfaction": "5"}
    )
    assert closed.status_code == 200 and 'id="case-status"' in closed.text
    board = gsite.client("platform_admin").get("/grievances").text
    assert re.search(r'id="confirmed-by-worker">1<', board)


def test_a_supplier_never_sees_an_anonymous_complainant_anywhere(gsite: WebSite) -> None:
    worker = gsite.client("worker")
    ref = worker_files(worker)
    grievances.assign(gsite.engine, ref, "handler@test", actor="test")
    staff_act(gsite.client("case_handler"), ref, "acknowledge")
    secrets = ["w-2", WORDS, NAMES["w-2"], f"grievance-{ref}"]
    for role in (
        "supplier_admin",
        "supplier_member",
        "brand_admin",
        "brand_member",
        "platform_admin",
        "auditor",
    ):
        client = gsite.client(role)
        paths = [
            "/grievances",
            f"/grievances/{ref}",
            "/grievances/register",
            "/grievances/register?format=csv",
            "/grievances/register?format=json",
            "/api/v1/grievances",
            f"/api/v1/grievances/{ref}",
            "/api/v1/grievances/register",
            "/api/v1/grievances/indicators",
            "/workers/w-2",
            "/api/v1/workers/w-2/events",
            "/api/v1/workers/w-2?personal_data=true",
        ]
        for path in paths:
            response = client.get(path)
            assert response.status_code in (200, 404), (role, path, response.status_code)
            body = response.text
            if path.startswith(("/workers/w-2", "/api/v1/workers/w-2")):
                assert f"grievance-{ref}" not in body and "grievance_filed" not in body, (
                    role,
                    path,
                )
                continue
            for secret in secrets:
                assert secret not in body, f"{role} sees {secret!r} on {path}"


def test_the_api_files_moves_and_reports(gsite: WebSite) -> None:
    worker = gsite.client("worker")
    token = page_csrf(worker, "/my/grievances/new")
    filed = worker.post(
        "/api/v1/grievances",
        json={"category": "wages", "text": "short pay", "anonymous": False},
        headers={"X-CSRF-Token": token},
    )
    assert filed.status_code == 201, filed.text
    ref = filed.json()["ref"]
    grievances.assign(gsite.engine, ref, "handler@test", actor="test")
    handler = gsite.client("case_handler")
    h_token = page_csrf(handler, "/grievances")
    moved = handler.post(
        f"/api/v1/grievances/{ref}/transitions",
        json={"action": "acknowledge"},
        headers={"X-CSRF-Token": h_token},
    )
    assert moved.status_code == 200 and moved.json()["status"] == "acknowledged"
    refused = handler.post(
        f"/api/v1/grievances/{ref}/transitions",
        json={"action": "confirm_receipt"},
        headers={"X-CSRF-Token": h_token},
    )
    assert refused.status_code == 409
    assert refused.headers["content-type"].startswith("application/problem+json")
    assert "investigated first" in refused.json()["detail"]
    csv_text = handler.get("/api/v1/grievances/register", params={"format": "csv"}).text
    assert csv_text.splitlines()[0].startswith("ref,filed_on,source_type")
    indicators = handler.get("/api/v1/grievances/indicators").json()
    assert indicators["cases"] == 1 and indicators["median_days_to_acknowledge"] is not None


def test_notifications_reach_the_worker_in_their_language_without_logging_the_number(
    gsite: WebSite, outbox: MemoryOutbox, caplog: Any
) -> None:
    client = gsite.client("anonymous")
    for n, body in enumerate(["hi", "2", "1", "1", "মজুরি দেয়নি"], 1):  # 2 = नेपाली
        last = sms(client, "+9779800000000", body, f"SN{n}")
    ref = re.search(r"G-[A-Z0-9]{8}", message_of(last))
    assert ref
    grievances.assign(gsite.engine, ref.group(0), "handler@test", actor="test")
    staff_act(gsite.client("case_handler"), ref.group(0), "acknowledge")
    notice = [n for n in outbox.sent if n.kind == "acknowledged"]
    assert [(n.channel, n.to) for n in notice] == [("sms", "+9779800000000")]
    assert ref.group(0) in notice[0].text and "उजुरी" in notice[0].text


def test_the_scheduler_ticks_and_stops_cleanly(gsite: WebSite) -> None:
    from fairpath.web.grievances import Scheduler

    grievances.file_grievance(
        gsite.settings,
        gsite.engine,
        grievances.Intake(
            channel=Channel.WEB, category=Category.WAGES, anonymous=True, text="x", worker_ref="w-1"
        ),
        actor="test",
        now=datetime.now(UTC) - timedelta(days=10),
    )
    scheduler = Scheduler(gsite.settings, gsite.engine, interval=0.05)
    scheduler.start()
    deadline = datetime.now(UTC) + timedelta(seconds=10)
    while datetime.now(UTC) < deadline:
        with gsite.engine.connect() as conn:
            if conn.scalar(select(GrievanceRow.status)) == "escalated":
                break
    scheduler.stop()
    assert not scheduler._thread.is_alive()
    with gsite.engine.connect() as conn:
        assert conn.scalar(select(GrievanceRow.status)) == "escalated"

"""The grievance service on a real database: filing on the journey log, a case from complaint to
worker-confirmed remedy, deadlines with a controlled clock, safety, the register, indicators."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select

from fairpath.domain.errors import NotFoundError
from fairpath.domain.grievances import Action, Category, TransitionRefused
from fairpath.domain.journey import Channel
from fairpath.services import access, accounts, grievances, receipts, tenancy
from fairpath.services.assessment import assess_data_set, latest_run, remedy_summary
from fairpath.services.grievances import Change, Intake
from fairpath.services.notifications import MemoryOutbox
from fairpath.services.tenancy import Principal
from fairpath.storage.grievances import GrievanceRow
from fairpath.storage.models import EventRow
from tests.web.conftest import WebSite

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
WORDS = "The supervisor keeps my passport in his drawer"


def who(site: WebSite, login: str) -> Principal:
    with site.engine.connect() as conn:
        account = conn.execute(
            select(tenancy._accounts.c.id).where(tenancy._accounts.c.login == login)
        ).scalar_one()
    principal = access.principal(site.engine, account)
    assert principal is not None
    return principal


def worker_principal(site: WebSite, worker_ref: str) -> Principal:
    with site.engine.connect() as conn:
        account = conn.execute(
            select(tenancy._accounts.c.id).where(tenancy._accounts.c.worker_ref == worker_ref)
        ).scalar_one()
    principal = access.principal(site.engine, account)
    assert principal is not None
    return principal


def file(site: WebSite, *, worker: str | None = "w-2", anonymous: bool = True, **extra: object):
    intake = Intake(
        channel=extra.pop("channel", Channel.WEB),  # type: ignore[arg-type]
        category=extra.pop("category", Category.DOCUMENT_RETENTION),  # type: ignore[arg-type]
        anonymous=anonymous,
        text=WORDS,
        worker_ref=worker,
        **extra,  # type: ignore[arg-type]
    )
    return grievances.file_grievance(site.settings, site.engine, intake, actor="test", now=T0)


def test_filing_puts_a_commitment_on_the_journey_log_and_the_worker_gets_a_receipt(
    gsite: WebSite,
) -> None:
    filed = file(gsite)
    assert filed.event_ref == f"grievance-{filed.ref}"
    assert filed.acknowledge_by == T0 + timedelta(days=7)
    assert filed.remedy_by == T0 + timedelta(days=30)
    with gsite.engine.connect() as conn:
        event = conn.execute(select(EventRow).where(EventRow.ref == filed.event_ref)).one()
        case = conn.execute(select(GrievanceRow).where(GrievanceRow.ref == filed.ref)).one()
    # The log commits to the event without the words; the words are ciphertext at rest.
    assert WORDS not in event.canonical
    assert json.loads(event.canonical)["data"]["anonymous"] is True
    assert WORDS.encode() not in (event.pii_ciphertext or b"")
    assert WORDS.encode() not in (case.text_ciphertext or b"")
    receipt = receipts.issue_receipt(gsite.settings, gsite.engine, filed.event_ref, T0)
    assert receipt.index == filed.log_index
    assert "grievance_filed" in receipt.text()
    assert WORDS not in receipt.text()


def test_a_case_runs_to_a_worker_confirmed_remedy_that_lowers_what_is_owed(
    gsite: WebSite, outbox: MemoryOutbox
) -> None:
    s, e = gsite.settings, gsite.engine
    filed = file(gsite, category=Category.RECRUITMENT_FEES, anonymous=False)
    grievances.assign(e, filed.ref, "handler@test", actor="test")
    handler, worker = who(gsite, "handler@test"), worker_principal(gsite, "w-2")
    steps = [
        (handler, Change(Action.ACKNOWLEDGE)),
        (handler, Change(Action.INVESTIGATE, note="called the recruiter")),
        (
            handler,
            Change(
                Action.PROPOSE_REMEDY,
                note="the fee is a breach of the Employer Pays Principle",
                remedy_description="repay the service fee",
                remedy_amount="1500.00",
                remedy_currency="MYR",
            ),
        ),
        (worker, Change(Action.ACCEPT_REMEDY)),
        (handler, Change(Action.DELIVER_REMEDY, note="bank transfer")),
    ]
    for hour, (actor, change) in enumerate(steps, 1):
        view = grievances.act(s, e, actor, filed.ref, change, now=T0 + timedelta(hours=hour))
    assert view.status == "remedy_delivered"
    before = assess_data_set(s, e, as_of=date(2026, 3, 3), actor="test")
    owed = remedy_summary(e, before.id, "w-2").currencies["MYR"]
    assert owed.paid == 1500 and owed.confirmed == 0  # the payer's claim is not remedy yet

    view = grievances.act(
        s,
        e,
        worker,
        filed.ref,
        Change(Action.CONFIRM_RECEIPT, satisfaction=4),
        now=T0 + timedelta(hours=9),
    )
    assert view.status == "closed"
    after = assess_data_set(s, e, as_of=date(2026, 3, 3), actor="test")
    confirmed = remedy_summary(e, after.id, "w-2").currencies["MYR"]
    assert confirmed.confirmed == 1500
    assert confirmed.balance == max(owed.owed - 1500, 0)
    assert [step.action for step in view.steps] == [
        a.value
        for a in (
            Action.ACKNOWLEDGE,
            Action.INVESTIGATE,
            Action.PROPOSE_REMEDY,
            Action.ACCEPT_REMEDY,
            Action.DELIVER_REMEDY,
            Action.CONFIRM_RECEIPT,
        )
    ]
    assert view.steps[0].actor == "web:handler@test"
    assert view.steps[0].at == T0 + timedelta(hours=1)
    board = grievances.indicators(s, e, who(gsite, "admin@test"), now=T0 + timedelta(hours=10))
    assert board.confirmed_by_worker == 1 and board.share_confirmed_by_worker == 1.0
    assert board.mean_satisfaction == 4
    assert latest_run(e) is not None


def test_only_the_worker_closes_a_case_and_forbidden_moves_say_what_is_allowed(
    gsite: WebSite,
) -> None:
    s, e = gsite.settings, gsite.engine
    filed = file(gsite)
    grievances.assign(e, filed.ref, "handler@test", actor="test")
    handler, worker = who(gsite, "handler@test"), worker_principal(gsite, "w-2")
    with pytest.raises(TransitionRefused, match="must be acknowledged first"):
        grievances.act(s, e, handler, filed.ref, Change(Action.INVESTIGATE), now=T0)
    with pytest.raises(TransitionRefused, match="only a case handler may acknowledge"):
        grievances.act(s, e, worker, filed.ref, Change(Action.ACKNOWLEDGE), now=T0)
    grievances.act(s, e, handler, filed.ref, Change(Action.ACKNOWLEDGE), now=T0)
    with pytest.raises(TransitionRefused, match="it must be investigated first"):
        grievances.act(s, e, handler, filed.ref, Change(Action.CONFIRM_RECEIPT), now=T0)
    # The brand sees the case (redacted) but is not its handler.
    with pytest.raises(grievances.NotAllowed, match="only a case handler assigned"):
        grievances.act(s, e, who(gsite, "brand-admin@test"), filed.ref, Change(Action.INVESTIGATE))
    # Another chain's recruiter does not see it at all: 404, as if it did not exist.
    with pytest.raises(NotFoundError):
        grievances.act(s, e, who(gsite, "recruiter@test"), filed.ref, Change(Action.INVESTIGATE))


def test_overdue_cases_escalate_on_tick_with_a_controlled_clock(
    gsite: WebSite, outbox: MemoryOutbox
) -> None:
    s, e = gsite.settings, gsite.engine
    late = file(gsite)
    acknowledged = file(gsite)
    grievances.assign(e, acknowledged.ref, "handler@test", actor="test")
    handler = who(gsite, "handler@test")
    grievances.act(s, e, handler, acknowledged.ref, Change(Action.ACKNOWLEDGE), now=T0)
    # Day 7 exactly: nothing is late yet.
    assert grievances.tick(s, e, T0 + timedelta(days=7)) == []
    # Day 8: the unacknowledged one goes to the independent party; the other is in time.
    first = grievances.tick(s, e, T0 + timedelta(days=8))
    assert [(x.ref, x.to) for x in first] == [(late.ref, "migrant-aid")]
    assert "not acknowledged within 7 days" in first[0].reason
    assert grievances.tick(s, e, T0 + timedelta(days=9)) == []  # not escalated twice
    # Day 31: the acknowledged one missed the remedy deadline.
    second = grievances.tick(s, e, T0 + timedelta(days=31))
    assert [(x.ref, x.reason) for x in second] == [
        (acknowledged.ref, "no remedy proposed or decision made within 30 days")
    ]
    view = grievances.case_detail(
        s, e, who(gsite, "admin@test"), late.ref, now=T0 + timedelta(days=31)
    )
    assert view.status == "escalated" and view.escalated_to == "migrant-aid"
    assert view.steps[-1].actor == "system:deadline"
    # The NGO's handler is told by email.
    assert [n.to for n in outbox.sent if n.kind == "escalated_to_you"].count("handler@test") == 2


def test_a_programme_sets_its_own_deadlines_and_independent_party(gsite: WebSite) -> None:
    s, e = gsite.settings, gsite.engine
    grievances.set_programme(
        s,
        e,
        "penang",
        employer_ref="penang-caps",
        acknowledge_days=2,
        remedy_days=10,
        escalate_to="acme",
        handler_login=None,
        actor="test",
    )
    filed = file(gsite)
    assert filed.acknowledge_by == T0 + timedelta(days=2)
    escalated = grievances.tick(s, e, T0 + timedelta(days=3))
    assert [(x.ref, x.to) for x in escalated] == [(filed.ref, "acme")]


def test_supplier_and_brand_see_the_case_redacted_and_the_handler_sees_who(
    gsite: WebSite,
) -> None:
    s, e = gsite.settings, gsite.engine
    filed = file(gsite)
    grievances.assign(e, filed.ref, "handler@test", actor="test")
    handler_view = grievances.case_detail(s, e, who(gsite, "handler@test"), filed.ref)
    assert handler_view.worker_ref == "w-2" and handler_view.text == WORDS
    for login in ("supplier-admin@test", "brand-admin@test", "admin@test", "auditor@test"):
        principal = who(gsite, login)
        page = grievances.list_cases(s, e, principal)
        seen = {c.ref for c in page.items}
        if filed.ref in seen:
            view = grievances.case_detail(s, e, principal, filed.ref)
            assert view.worker_ref is None and view.text is None and view.event_ref is None
        # The journey never shows them the grievance either.
        if tenancy.may_see_event_type(principal, "grievance_filed"):
            pytest.fail(f"{login} may see grievance events")
    recruiter = who(gsite, "recruiter@test")
    with pytest.raises(NotFoundError):
        grievances.case_detail(s, e, recruiter, filed.ref)


def test_consent_lets_the_employer_see_who_complained_but_never_for_anonymous_cases(
    gsite: WebSite,
) -> None:
    s, e = gsite.settings, gsite.engine
    consented = file(gsite, anonymous=False, consent_to_supplier=True)
    anonymous = file(gsite, anonymous=True, consent_to_supplier=True)
    employer = who(gsite, "supplier-admin@test")  # kl-bottling: the chain, not the employer
    assert grievances.case_detail(s, e, employer, consented.ref).worker_ref is None
    accounts.create_account(
        s,
        e,
        login="penang@test",
        role=tenancy.Role.ORG_ADMIN,
        password="correct horse battery staple",
        actor="test",
        org_ref="penang-caps",
    )
    penang = who(gsite, "penang@test")
    assert grievances.case_detail(s, e, penang, consented.ref).worker_ref == "w-2"
    assert grievances.case_detail(s, e, penang, anonymous.ref).worker_ref is None


def test_anonymous_intake_without_a_known_worker_is_encrypted_with_a_case_key(
    gsite: WebSite,
) -> None:
    s, e = gsite.settings, gsite.engine
    filed = file(gsite, worker=None, channel=Channel.SMS, contact="+60123456789")
    assert filed.event_ref is None  # no worker record to put on the journey yet
    with e.connect() as conn:
        row = conn.execute(select(GrievanceRow).where(GrievanceRow.ref == filed.ref)).one()
    assert row.case_key_wrapped is not None
    assert b"+60123456789" not in (row.contact_ciphertext or b"")
    admin = who(gsite, "admin@test")
    assert grievances.case_detail(s, e, admin, filed.ref).text is None
    grievances.assign(e, filed.ref, "handler@test", actor="test")
    assert grievances.case_detail(s, e, who(gsite, "handler@test"), filed.ref).text == WORDS


def test_the_register_exports_csv_and_json_without_identity(gsite: WebSite) -> None:
    s, e = gsite.settings, gsite.engine
    filed = file(gsite, source_type="representative", representative_ref="migrant-aid")
    grievances.assign(e, filed.ref, "handler@test", actor="test")
    handler = who(gsite, "handler@test")
    grievances.act(s, e, handler, filed.ref, Change(Action.ACKNOWLEDGE), now=T0 + timedelta(days=1))
    grievances.act(s, e, handler, filed.ref, Change(Action.INVESTIGATE), now=T0 + timedelta(days=2))
    grievances.act(
        s,
        e,
        handler,
        filed.ref,
        Change(Action.FIND_UNFOUNDED, note="the passport is in a locker the worker opens"),
        now=T0 + timedelta(days=3),
    )
    rows = grievances.register(s, e, who(gsite, "admin@test"))
    text = grievances.register_text(rows, "csv")
    parsed = list(csv.DictReader(io.StringIO(text)))
    assert parsed[0]["ref"] == filed.ref
    assert parsed[0]["source_type"] == "representative"
    assert parsed[0]["anonymous"] == "yes"
    assert parsed[0]["founded"] == "unfounded"
    assert parsed[0]["decision_reason"] == "the passport is in a locker the worker opens"
    assert parsed[0]["ilo_indicators"] == "FL07 FL03"
    assert parsed[0]["acknowledged_on"] == "2026-03-03"
    assert "w-2" not in text and WORDS not in text
    assert json.loads(grievances.register_text(rows, "json"))[0]["status"] == "unfounded"
    board = grievances.indicators(s, e, who(gsite, "admin@test"), now=T0 + timedelta(days=4))
    assert board.median_days_to_acknowledge == 1.0


def test_the_retaliation_watch_flags_a_dismissal_pay_cut_and_move_after_a_grievance(
    gsite: WebSite, tmp_path: object
) -> None:
    from fairpath.services.importing import import_paths
    from tests.services.data import write_jsonl

    s, e = gsite.settings, gsite.engine
    filed = file(gsite, worker="w-1")
    grievances.assign(e, filed.ref, "handler@test", actor="test")

    def payslip(ref: str, end: str, basic: str) -> dict[str, object]:
        return {
            "kind": "event",
            "ref": ref,
            "worker_ref": "w-1",
            "type": "payslip",
            "date": end,
            "source": "employer",
            "data": {
                "period_start": end[:8] + "01",
                "period_end": end,
                "currency": "MYR",
                "normal_hours": "208",
                "overtime_hours": "0",
                "rest_days_worked": 0,
                "basic_pay": basic,
                "overtime_pay": "0",
                "deductions": [],
                "net_pay": basic,
                "paid_on": end,
            },
        }

    records = [
        payslip("p-1", "2026-02-28", "1700.00"),
        payslip("p-2", "2026-03-31", "1200.00"),
        {
            "kind": "event",
            "ref": "end-1",
            "worker_ref": "w-1",
            "type": "contract_ended",
            "date": "2026-04-20",
            "source": "employer",
            "data": {"reason": "dismissed"},
        },
    ]
    import_paths(s, e, [write_jsonl(tmp_path / "after.jsonl", records)], actor="test")  # type: ignore[operator]
    flags = grievances.retaliation_watch(e, who(gsite, "handler@test"))
    assert [(f.case_ref, [x.kind for x in f.signals]) for f in flags] == [
        (filed.ref, ["pay_cut", "dismissed"])
    ]

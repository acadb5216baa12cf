"""The case state machine, deadlines and the retaliation watch, as pure functions."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from fairpath.domain.errors import InvalidInputError
from fairpath.domain.grievances import (
    Action,
    ActorKind,
    Case,
    Category,
    Deadlines,
    Ended,
    Pay,
    Placement,
    Remedy,
    Status,
    TransitionRefused,
    allowed_actions,
    apply,
    overdue,
    retaliation_signals,
)

T0 = datetime(2026, 1, 5, 8, 0, tzinfo=UTC)
H, W, S = ActorKind.HANDLER, ActorKind.WORKER, ActorKind.SYSTEM

#: Written out by hand from the issue (not read from the module): every allowed move.
ALLOWED: dict[tuple[Status, Action], tuple[Status, ActorKind]] = {
    (Status.RECEIVED, Action.ACKNOWLEDGE): (Status.ACKNOWLEDGED, H),
    (Status.ACKNOWLEDGED, Action.INVESTIGATE): (Status.INVESTIGATING, H),
    (Status.APPEALED, Action.INVESTIGATE): (Status.INVESTIGATING, H),
    (Status.ESCALATED, Action.INVESTIGATE): (Status.INVESTIGATING, H),
    (Status.INVESTIGATING, Action.PROPOSE_REMEDY): (Status.REMEDY_PROPOSED, H),
    (Status.ESCALATED, Action.PROPOSE_REMEDY): (Status.REMEDY_PROPOSED, H),
    (Status.INVESTIGATING, Action.FIND_UNFOUNDED): (Status.UNFOUNDED, H),
    (Status.ESCALATED, Action.FIND_UNFOUNDED): (Status.UNFOUNDED, H),
    (Status.REMEDY_PROPOSED, Action.ACCEPT_REMEDY): (Status.REMEDY_ACCEPTED, W),
    (Status.REMEDY_PROPOSED, Action.REJECT_REMEDY): (Status.REMEDY_REJECTED, W),
    (Status.REMEDY_ACCEPTED, Action.DELIVER_REMEDY): (Status.REMEDY_DELIVERED, H),
    (Status.REMEDY_DELIVERED, Action.CONFIRM_RECEIPT): (Status.CLOSED, W),
    (Status.REMEDY_DELIVERED, Action.REPORT_NOT_RECEIVED): (Status.REMEDY_ACCEPTED, W),
    (Status.REMEDY_REJECTED, Action.APPEAL): (Status.APPEALED, W),
    (Status.UNFOUNDED, Action.APPEAL): (Status.APPEALED, W),
    **{
        (source, Action.ESCALATE): (Status.ESCALATED, S)
        for source in (
            Status.RECEIVED,
            Status.ACKNOWLEDGED,
            Status.INVESTIGATING,
            Status.REMEDY_REJECTED,
            Status.APPEALED,
        )
    },
}


def case(status: Status = Status.RECEIVED) -> Case:
    return Case("G-TEST0001", Category.WAGES, status, T0)


def details(action: Action) -> dict[str, object]:
    if action is Action.PROPOSE_REMEDY:
        return {"remedy": Remedy("pay the shortfall", "812.50", "MYR")}
    if action is Action.FIND_UNFOUNDED:
        return {"note": "payslips match the contract"}
    if action is Action.ESCALATE:
        return {"escalate_to": "migrant-aid"}
    return {}


@pytest.mark.parametrize(
    ("source", "action"), [(s, a) for s in Status for a in Action], ids=lambda v: v.value
)
def test_every_move_from_every_state(source: Status, action: Action) -> None:
    at = T0 + timedelta(hours=1)
    expected = ALLOWED.get((source, action))
    actor = (
        expected[1]
        if expected
        else (
            W if action.value.startswith(("accept", "reject", "confirm", "report", "appeal")) else H
        )
    )
    if expected is None:
        with pytest.raises(
            TransitionRefused,
            match=f"case G-TEST0001 is {source.value.replace('_', ' ')}, so it cannot",
        ):
            apply(case(source), action, actor_kind=actor, actor="x", at=at, **details(action))  # type: ignore[arg-type]
        return
    after = apply(case(source), action, actor_kind=actor, actor="who", at=at, **details(action))  # type: ignore[arg-type]
    assert after.status is expected[0]
    step = after.history[-1]
    assert (step.action, step.source, step.target, step.actor, step.at) == (
        action,
        source,
        expected[0],
        "who",
        at,
    )


@pytest.mark.parametrize("action", [Action.ACCEPT_REMEDY, Action.REJECT_REMEDY])
def test_only_the_worker_answers_a_proposal(action: Action) -> None:
    with pytest.raises(TransitionRefused, match="only the worker may"):
        apply(case(Status.REMEDY_PROPOSED), action, actor_kind=H, actor="h", at=T0)


def test_a_handler_cannot_close_a_case_on_the_workers_behalf() -> None:
    with pytest.raises(TransitionRefused, match="closes on the worker's word"):
        apply(case(Status.REMEDY_DELIVERED), Action.CONFIRM_RECEIPT, actor_kind=H, actor="h", at=T0)
    with pytest.raises(TransitionRefused, match="only a case handler may deliver remedy"):
        apply(case(Status.REMEDY_ACCEPTED), Action.DELIVER_REMEDY, actor_kind=W, actor="w", at=T0)


def test_the_whole_path_keeps_who_and_when() -> None:
    c = case()
    moves = [
        (Action.ACKNOWLEDGE, H, {}),
        (Action.INVESTIGATE, H, {}),
        (Action.PROPOSE_REMEDY, H, details(Action.PROPOSE_REMEDY)),
        (Action.REJECT_REMEDY, W, {"note": "too little"}),
        (Action.APPEAL, W, {}),
        (Action.INVESTIGATE, H, {}),
        (Action.PROPOSE_REMEDY, H, {"remedy": Remedy("pay in full", "1625.00", "MYR")}),
        (Action.ACCEPT_REMEDY, W, {}),
        (Action.DELIVER_REMEDY, H, {}),
        (Action.REPORT_NOT_RECEIVED, W, {}),
        (Action.DELIVER_REMEDY, H, {}),
        (Action.CONFIRM_RECEIPT, W, {"satisfaction": 5}),
    ]
    for hour, (action, actor, extra) in enumerate(moves, 1):
        c = apply(
            c, action, actor_kind=actor, actor=actor.value, at=T0 + timedelta(hours=hour), **extra
        )  # type: ignore[arg-type]
    assert c.status is Status.CLOSED and not c.is_open
    assert c.remedy == Remedy("pay in full", "1625.00", "MYR")
    assert c.founded is True and c.satisfaction == 5
    assert len(c.history) == len(moves)
    assert c.first(Action.ACKNOWLEDGE) == T0 + timedelta(hours=1)
    assert allowed_actions(c, W) == [] and allowed_actions(c, H) == []


def test_decisions_need_their_reasons_and_amounts_their_currency() -> None:
    investigating = case(Status.INVESTIGATING)
    with pytest.raises(InvalidInputError, match="say why"):
        apply(investigating, Action.FIND_UNFOUNDED, actor_kind=H, actor="h", at=T0)
    with pytest.raises(InvalidInputError, match="say what the remedy"):
        apply(investigating, Action.PROPOSE_REMEDY, actor_kind=H, actor="h", at=T0)
    with pytest.raises(InvalidInputError, match="amount and its currency together"):
        apply(
            investigating,
            Action.PROPOSE_REMEDY,
            actor_kind=H,
            actor="h",
            at=T0,
            remedy=Remedy("pay", "10", None),
        )
    with pytest.raises(InvalidInputError, match="from 1"):
        apply(
            case(Status.REMEDY_DELIVERED),
            Action.CONFIRM_RECEIPT,
            actor_kind=W,
            actor="w",
            at=T0,
            satisfaction=9,
        )
    with pytest.raises(InvalidInputError, match="name the independent party"):
        apply(case(), Action.ESCALATE, actor_kind=S, actor="s", at=T0)


def test_a_step_cannot_be_dated_before_the_last_one() -> None:
    c = apply(case(), Action.ACKNOWLEDGE, actor_kind=H, actor="h", at=T0 + timedelta(days=1))
    with pytest.raises(InvalidInputError, match="before the case's last step"):
        apply(c, Action.INVESTIGATE, actor_kind=H, actor="h", at=T0)


def test_deadlines_acknowledge_then_remedy() -> None:
    rules = Deadlines(7, 30)
    c = case()
    assert overdue(c, rules, T0 + timedelta(days=7)) is None
    late = overdue(c, rules, T0 + timedelta(days=7, seconds=1))
    assert late is not None and late.stage == "acknowledge"
    acknowledged = apply(c, Action.ACKNOWLEDGE, actor_kind=H, actor="h", at=T0 + timedelta(days=1))
    assert overdue(acknowledged, rules, T0 + timedelta(days=29)) is None
    late = overdue(acknowledged, rules, T0 + timedelta(days=31))
    assert late is not None and late.stage == "propose remedy"
    proposed = case(Status.REMEDY_PROPOSED)
    assert overdue(proposed, rules, T0 + timedelta(days=400)) is None
    assert overdue(case(Status.ESCALATED), rules, T0 + timedelta(days=400)) is None
    with pytest.raises(InvalidInputError, match="0 < acknowledge"):
        Deadlines(10, 5)


def test_retaliation_within_ninety_days_of_a_grievance() -> None:
    filed = date(2026, 1, 10)
    signals = retaliation_signals(
        filed,
        ended=[Ended(date(2026, 3, 1), "dismissed"), Ended(date(2025, 12, 1), "dismissed")],
        payslips=[
            Pay(date(2025, 12, 31), "MYR", "1700"),
            Pay(date(2026, 1, 31), "MYR", "1700"),
            Pay(date(2026, 2, 28), "MYR", "1500"),
            Pay(date(2026, 6, 30), "MYR", "1000"),  # after the window
        ],
        placements=[Placement(date(2025, 6, 1), "shah-alam"), Placement(date(2026, 2, 1), "klang")],
    )
    assert [(s.kind, s.on) for s in signals] == [
        ("moved", date(2026, 2, 1)),
        ("pay_cut", date(2026, 2, 28)),
        ("dismissed", date(2026, 3, 1)),
    ]
    assert "1700 to 1500 MYR" in signals[1].detail
    resigned = retaliation_signals(filed, [Ended(date(2026, 2, 1), "resigned")], [], [])
    assert resigned == []

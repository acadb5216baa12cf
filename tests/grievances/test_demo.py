"""The demo has grievance cases in every state a dashboard shows."""

from __future__ import annotations

from sqlalchemy import Engine

from fairpath.config import Settings
from fairpath.services import grievances
from fairpath.services.demo import run_demo
from fairpath.services.tenancy import Principal, Role


def test_the_demo_has_open_overdue_escalated_and_worker_confirmed_cases(
    settings: Settings, engine: Engine
) -> None:
    run_demo(settings, engine, workers=60, seed=5)
    admin = Principal(account_id=0, login="t", display_name="t", role=Role.PLATFORM_ADMIN)
    board = grievances.indicators(settings, engine, admin)
    statuses = board.by_status
    assert statuses.get("received", 0) >= 2  # one fresh, one overdue
    assert board.overdue == 1
    assert statuses.get("escalated") == 1 and board.escalated == 1
    assert statuses.get("unfounded") == 1
    assert statuses.get("closed") == 1 and board.confirmed_by_worker == 1
    register = grievances.register(settings, engine, admin)
    confirmed = next(r for r in register if r["status"] == "closed")
    assert confirmed["confirmed_by_worker"] == "yes" and confirmed["remedy"]

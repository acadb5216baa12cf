"""Fixtures for grievance tests: the web tests' seeded chain (brands, suppliers, recruiters, an
NGO case handler, a worker card) with notifications kept in memory."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from pydantic import SecretStr
from sqlalchemy import Engine

from fairpath.config import Settings
from fairpath.services.notifications import OUTBOX, MemoryOutbox
from fairpath.web.app import create_app
from tests.web.conftest import WebSite, seed


@pytest.fixture
def outbox() -> Iterator[MemoryOutbox]:
    OUTBOX.clear()
    yield OUTBOX
    OUTBOX.clear()


@pytest.fixture
def gsite(
    settings: Settings, engine: Engine, tmp_path: Path, outbox: MemoryOutbox
) -> Iterator[WebSite]:
    """A seeded site with webhook secrets, memory notifications and an independent party."""
    configured = settings.model_copy(
        update={
            "password_hashing": "cheapest",
            "notifications": "memory",
            "sms_webhook_secret": SecretStr("sms-secret-for-tests"),
            "whatsapp_webhook_secret": SecretStr("wa-secret-for-tests"),
            "grievance_escalate_to": "migrant-aid",
            "grievance_tick_seconds": 0,
        }
    )
    code, pin = seed(configured, engine, tmp_path)
    yield WebSite(configured, engine, create_app(configured, engine), code, pin)

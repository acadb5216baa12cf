"""Fixtures for web tests: the chain data set imported, one account per role, signed-in clients.

Runs on SQLite or PostgreSQL like every `engine` test (`--db`). Passwords are hashed with the
cheapest Argon2 profile (`password_hashing="cheapest"`) so signing in ten roles stays fast.
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from fastapi import FastAPI
from sqlalchemy import Engine, text
from sqlalchemy.engine import make_url

from fairpath.config import Settings
from fairpath.services import accounts
from fairpath.services.importing import import_paths
from fairpath.services.setup import initialise
from fairpath.services.tenancy import Role
from fairpath.storage.db import make_engine
from fairpath.web.app import create_app
from tests.conftest import PG_ADMIN_URL
from tests.services.data import write_jsonl
from tests.web.data import chain_data_set

with warnings.catch_warnings():
    # Starlette 1.10 asks for `httpx2` in its test client; `httpx` is what is installed and
    # still works. Only this import is exempt from the suite's warnings-as-errors.
    warnings.simplefilter("ignore")
    from starlette.testclient import TestClient

PASSWORD = "correct horse battery staple"

#: role name in the matrix → (login, account role, organisation)
STAFF = {
    "platform_admin": ("admin@test", Role.PLATFORM_ADMIN, None),
    "brand_admin": ("brand-admin@test", Role.ORG_ADMIN, "acme"),
    "brand_member": ("brand-member@test", Role.ORG_MEMBER, "acme"),
    "supplier_admin": ("supplier-admin@test", Role.ORG_ADMIN, "kl-bottling"),
    "supplier_member": ("supplier-member@test", Role.ORG_MEMBER, "kl-bottling"),
    "recruiter": ("recruiter@test", Role.ORG_ADMIN, "everest-hr"),
    "auditor": ("auditor@test", Role.AUDITOR, None),
    "case_handler": ("handler@test", Role.CASE_HANDLER, "migrant-aid"),
}
ROLES = [*STAFF, "worker", "anonymous"]
CSRF_FIELD = re.compile(r'name="csrf_token" value="([^"]*)"')


@dataclass
class WebSite:
    """The app over a seeded database, with what it takes to sign in as each role."""

    settings: Settings
    engine: Engine
    app: FastAPI
    card_code: str
    card_pin: str

    def client(self, role: str) -> TestClient:
        """A client signed in as `role` (anonymous: not signed in)."""
        client = TestClient(self.app, raise_server_exceptions=False)
        if role == "anonymous":
            return client
        if role == "worker":
            card_sign_in(client, self.card_code, self.card_pin)
        else:
            sign_in(client, STAFF[role][0], PASSWORD)
        return client


def login_token(client: TestClient, path: str = "/login") -> str:
    match = CSRF_FIELD.search(client.get(path).text)
    assert match, "the sign-in form carries a CSRF token"
    return match.group(1)


def sign_in(client: TestClient, login: str, password: str) -> None:
    token = login_token(client)
    response = client.post(
        "/login",
        data={"login": login, "password": password, "csrf_token": token},
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text


def card_sign_in(client: TestClient, code: str, pin: str) -> None:
    token = login_token(client, "/card")
    response = client.post(
        "/card", data={"code": code, "pin": pin, "csrf_token": token}, follow_redirects=False
    )
    assert response.status_code == 303, response.text


def page_csrf(client: TestClient, path: str = "/dashboard") -> str:
    """The session's CSRF token, as a page's forms carry it."""
    match = CSRF_FIELD.search(client.get(path).text)
    assert match, f"{path} has a form with the CSRF token"
    return match.group(1)


@pytest.fixture
def web_settings(settings: Settings) -> Settings:
    return settings.model_copy(update={"password_hashing": "cheapest"})


def seed(settings: Settings, engine: Engine, folder: Path) -> tuple[str, str]:
    """Import the chain, create one account per role; returns the worker card of w-2."""
    initialise(settings, engine)
    import_paths(
        settings, engine, [write_jsonl(folder / "chain.jsonl", chain_data_set())], actor="test"
    )
    for login, role, org in STAFF.values():
        accounts.create_account(
            settings, engine, login=login, role=role, password=PASSWORD, actor="test", org_ref=org
        )
    accounts.grant_auditor(engine, "auditor@test", "kl-bottling", actor="test")
    accounts.assign_worker(engine, "handler@test", "w-3", actor="test")
    card = accounts.issue_card(settings, engine, "w-2", issued_by="penang-caps", actor="test")
    return card.code, card.pin


@pytest.fixture
def site(web_settings: Settings, engine: Engine, tmp_path: Path) -> Iterator[WebSite]:
    """A fresh seeded site for a test that changes state."""
    code, pin = seed(web_settings, engine, tmp_path)
    yield WebSite(web_settings, engine, create_app(web_settings, engine), code, pin)


@pytest.fixture(scope="module")
def shared_site(
    db_engine_name: str, worker_id: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[WebSite]:
    """A seeded site shared by one module's read-mostly tests, in a database of its own.

    Its own database (not the per-test one other fixtures empty before every test) so that
    xdist may interleave other modules' tests without wiping it. Sign-in throttling is relaxed
    because the matrix deliberately fails to sign in once per role.
    """
    folder = tmp_path_factory.mktemp("shared-site")
    if db_engine_name == "postgresql":
        name = f"fairpath_web_{worker_id}_{folder.name}".replace("-", "_")
        admin = make_engine(PG_ADMIN_URL).execution_options(isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        url = make_url(PG_ADMIN_URL).set(database=name).render_as_string(hide_password=False)
    else:
        url = f"sqlite:///{folder / 'fairpath.sqlite3'}"
    settings = Settings(
        data_dir=folder / "data",
        database_url=url,
        password_hashing="cheapest",
        login_max_failures=1000,
        login_max_failures_per_ip=1000,
    )
    engine = make_engine(url)
    code, pin = seed(settings, engine, folder)
    yield WebSite(settings, engine, create_app(settings, engine), code, pin)
    engine.dispose()
    if db_engine_name == "postgresql":
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()

"""Accounts: creating them, signing in (password or worker card), sessions, API tokens, throttling.

Secrets are kept the way OWASP's Password Storage and Session Management cheat sheets advise:
passwords and worker-card PINs as Argon2id hashes (RFC 9106 low-memory profile); session and
API tokens are 256 random bits shown to their holder once, of which only SHA-256 is stored, so
a copy of the database opens no session. Failed sign-ins are counted per account (or card) and
per IP address in the database, so a lockout holds across server processes.

Every change writes an audit entry in its transaction; entries name accounts and workers by
reference, never a password, token, PIN or access code.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from argon2 import PasswordHasher, profiles
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import Connection, Engine, delete, insert, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from fairpath.config import Settings
from fairpath.domain.errors import ConflictError, FairpathError, InvalidInputError, NotFoundError
from fairpath.services.audit import write_audit
from fairpath.services.tenancy import ORG_ROLES, Role
from fairpath.storage.accounts import (
    AccountRow,
    ApiTokenRow,
    AssignmentRow,
    AuditorGrantRow,
    LoginThrottleRow,
    SessionRow,
    WorkerCardRow,
)
from fairpath.storage.models import OrganizationRow, WorkerRow, table_of

_accounts = table_of(AccountRow)
_sessions = table_of(SessionRow)
_tokens = table_of(ApiTokenRow)
_cards = table_of(WorkerCardRow)
_throttle = table_of(LoginThrottleRow)
_grants = table_of(AuditorGrantRow)
_assignments = table_of(AssignmentRow)
_orgs = table_of(OrganizationRow)
_workers = table_of(WorkerRow)

#: NIST SP 800-63B §3.1.1.2: length, not composition rules, makes a password strong.
MIN_PASSWORD_LENGTH = 12
#: Worker-card access codes avoid letters and digits people confuse (0/O, 1/I/L).
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
PIN_DIGITS = 6
API_TOKEN_PREFIX = "fp_"  # noqa: S105 - a public prefix, not a secret


class LoginRefused(FairpathError):
    """The sign-in did not succeed; the message never says which part was wrong."""


class LoginThrottled(FairpathError):
    """Too many failed sign-ins; the message says how long to wait."""


def password_hasher(settings: Settings) -> PasswordHasher:
    """Argon2id with the cost the settings name (`cheapest` only for test suites)."""
    if settings.password_hashing == "cheapest":  # noqa: S105 - a profile name
        return PasswordHasher.from_parameters(profiles.CHEAPEST)
    return PasswordHasher.from_parameters(profiles.RFC_9106_LOW_MEMORY)


def digest(secret: str) -> bytes:
    """SHA-256 of a token, access code or throttle key: what the database keeps."""
    return hashlib.sha256(secret.encode()).digest()


def _now(now: datetime | None) -> datetime:
    return now or datetime.now(UTC)


# --- accounts -------------------------------------------------------------------------------


def create_account(
    settings: Settings,
    engine: Engine,
    *,
    login: str,
    role: Role,
    password: str | None,
    actor: str,
    org_ref: str | None = None,
    display_name: str | None = None,
    worker_ref: str | None = None,
    now: datetime | None = None,
) -> int:
    """A new account; organisation roles must name a stored organisation."""
    at = _now(now)
    login = login.strip()
    if not login or len(login) > 200:
        raise InvalidInputError("a login is 1 to 200 characters, e.g. an email address")
    if password is not None:
        check_password_strength(password)
    with engine.begin() as conn:
        _check_role_fields(conn, role, org_ref, worker_ref)
        if conn.execute(select(_accounts.c.id).where(_accounts.c.login == login)).first():
            raise ConflictError(f"an account '{login}' exists already; choose another login")
        account_id = _insert_account(
            conn,
            login=login,
            display_name=display_name or login,
            role=role,
            org_ref=org_ref,
            worker_ref=worker_ref,
            password_hash=password_hasher(settings).hash(password) if password else None,
            at=at,
        )
        write_audit(
            conn,
            at=at,
            actor=actor,
            action="create_account",
            subject=f"account:{login}",
            detail=f"role {role.value}" + (f", org {org_ref}" if org_ref else ""),
        )
    return account_id


def check_password_strength(password: str) -> None:
    """Refuse passwords a person could be talked out of or an attacker could guess quickly."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise InvalidInputError(
            f"the password is too short: use at least {MIN_PASSWORD_LENGTH} characters "
            "(a few unrelated words work well)"
        )


def _check_role_fields(
    conn: Connection, role: Role, org_ref: str | None, worker_ref: str | None
) -> None:
    if role in ORG_ROLES and not org_ref:
        raise InvalidInputError(f"a {role.value} account needs --org, the organisation's ref")
    if (
        org_ref is not None
        and not conn.execute(select(_orgs.c.ref).where(_orgs.c.ref == org_ref)).first()
    ):
        raise NotFoundError(f"no organisation '{org_ref}'; import it first, then add its users")
    if role is Role.WORKER and worker_ref is None:
        raise InvalidInputError("a worker account belongs to a worker; issue a worker card instead")


def _insert_account(conn: Connection, **values: Any) -> int:
    at = values.pop("at")
    result = conn.execute(
        insert(_accounts).values(
            login=values["login"],
            display_name=values["display_name"],
            role=values["role"].value,
            org_ref=values["org_ref"],
            worker_ref=values["worker_ref"],
            password_hash=values["password_hash"],
            created_at=at,
        )
    )
    key = result.inserted_primary_key
    assert key is not None  # an INSERT into a table with an integer primary key returns it
    return int(key[0])


def _account_id(conn: Connection, login: str) -> int:
    found = conn.scalar(select(_accounts.c.id).where(_accounts.c.login == login))
    if found is None:
        raise NotFoundError(f"no account '{login}'; check the spelling")
    return int(found)


def grant_auditor(engine: Engine, login: str, org_ref: str, *, actor: str) -> None:
    """Let auditor `login` read organisation `org_ref` (pseudonymised)."""
    at = datetime.now(UTC)
    with engine.begin() as conn:
        account = _account_id(conn, login)
        role = conn.scalar(select(_accounts.c.role).where(_accounts.c.id == account))
        if role != Role.AUDITOR.value:
            raise InvalidInputError(f"'{login}' is not an auditor; only auditors get grants")
        _check_role_fields(conn, Role.AUDITOR, org_ref, None)
        conn.execute(insert(_grants).values(account_id=account, org_ref=org_ref, granted_at=at))
        write_audit(conn, at=at, actor=actor, action="grant_auditor", subject=f"org:{org_ref}")


def assign_worker(engine: Engine, login: str, worker_ref: str, *, actor: str) -> None:
    """Assign worker `worker_ref` to case handler `login` (grievances will add their own kind)."""
    at = datetime.now(UTC)
    with engine.begin() as conn:
        account = _account_id(conn, login)
        role = conn.scalar(select(_accounts.c.role).where(_accounts.c.id == account))
        if role != Role.CASE_HANDLER.value:
            raise InvalidInputError(f"'{login}' is not a case handler")
        if not conn.execute(select(_workers.c.ref).where(_workers.c.ref == worker_ref)).first():
            raise NotFoundError(f"no worker '{worker_ref}'; check the spelling")
        conn.execute(
            insert(_assignments).values(
                account_id=account, subject_kind="worker", subject_ref=worker_ref, assigned_at=at
            )
        )
        write_audit(conn, at=at, actor=actor, action="assign_case", subject=f"worker:{worker_ref}")


# --- signing in -----------------------------------------------------------------------------


def authenticate_password(
    settings: Settings,
    engine: Engine,
    login: str,
    password: str,
    *,
    ip: str,
    now: datetime | None = None,
) -> int:
    """The account id for `login`/`password`; LoginRefused or LoginThrottled otherwise."""
    at = _now(now)
    keys = [digest(f"account:{login.strip().lower()}"), digest(f"ip:{ip}")]
    _refuse_if_locked(settings, engine, keys, at)
    with engine.connect() as conn:
        row = conn.execute(
            select(_accounts.c.id, _accounts.c.password_hash).where(
                _accounts.c.login == login.strip(), _accounts.c.disabled_at.is_(None)
            )
        ).one_or_none()
    hasher = password_hasher(settings)
    stored = row.password_hash if row is not None else None
    # Verify against a throwaway hash when there is no account, so timing does not tell
    # which logins exist (OWASP Authentication Cheat Sheet, "Authentication responses").
    ok = _verify(hasher, stored or _dummy_hash(hasher), password) and stored is not None
    if not ok or row is None:
        _count_failure(settings, engine, keys, at)
        raise LoginRefused("the login or the password is not right; try again")
    _forget_failures(engine, keys[0])
    return int(row.id)


def authenticate_card(
    settings: Settings, engine: Engine, code: str, pin: str, *, ip: str, now: datetime | None = None
) -> int:
    """The worker's account id for a card's access code and PIN."""
    at = _now(now)
    code = normalise_code(code)
    keys = [digest(f"card:{code}"), digest(f"ip:{ip}")]
    _refuse_if_locked(settings, engine, keys, at)
    with engine.connect() as conn:
        row = conn.execute(
            select(_cards.c.account_id, _cards.c.pin_hash)
            .join(_accounts, _accounts.c.id == _cards.c.account_id)
            .where(
                _cards.c.code_hash == digest(code),
                _cards.c.revoked_at.is_(None),
                _accounts.c.disabled_at.is_(None),
            )
        ).one_or_none()
    hasher = password_hasher(settings)
    stored = row.pin_hash if row is not None else None
    ok = _verify(hasher, stored or _dummy_hash(hasher), pin.strip()) and stored is not None
    if not ok or row is None:
        _count_failure(settings, engine, keys, at)
        raise LoginRefused("the card code or the PIN is not right; check the card and try again")
    _forget_failures(engine, keys[0])
    return int(row.account_id)


def _verify(hasher: PasswordHasher, stored: str, secret: str) -> bool:
    try:
        return hasher.verify(stored, secret)
    except (VerificationError, InvalidHashError):
        return False


_DUMMY: dict[str, str] = {}


def _dummy_hash(hasher: PasswordHasher) -> str:
    key = f"{hasher.time_cost}:{hasher.memory_cost}"
    if key not in _DUMMY:
        _DUMMY[key] = hasher.hash(secrets.token_hex(16))
    return _DUMMY[key]


def _refuse_if_locked(settings: Settings, engine: Engine, keys: list[bytes], at: datetime) -> None:
    with engine.connect() as conn:
        locked = conn.scalars(
            select(_throttle.c.locked_until).where(
                _throttle.c.key.in_(keys), _throttle.c.locked_until.is_not(None)
            )
        ).all()
    until = max((_aware(t) for t in locked), default=None)
    if until is not None and until > at:
        minutes = max(1, round((until - at).total_seconds() / 60))
        raise LoginThrottled(
            f"too many failed sign-ins; wait {minutes} minute(s) and try again, "
            "or ask whoever gave you your account or card"
        )


def _aware(moment: datetime) -> datetime:
    # SQLite returns naive datetimes for timezone-aware columns; they were written in UTC.
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _count_failure(settings: Settings, engine: Engine, keys: list[bytes], at: datetime) -> None:
    window = timedelta(minutes=settings.login_lockout_minutes)
    limits = [settings.login_max_failures, settings.login_max_failures_per_ip]
    with engine.begin() as conn:
        for key, limit in zip(keys, limits, strict=True):
            failures = _increment(conn, key, at, window)
            if failures >= limit:
                conn.execute(
                    update(_throttle).where(_throttle.c.key == key).values(locked_until=at + window)
                )


def _increment(conn: Connection, key: bytes, at: datetime, window: timedelta) -> int:
    """Add one failure to `key`'s counter, starting a new window when the old one ended."""
    row = conn.execute(
        select(_throttle.c.failures, _throttle.c.window_started_at).where(_throttle.c.key == key)
    ).one_or_none()
    if row is not None and _aware(row.window_started_at) + window < at:
        conn.execute(
            update(_throttle)
            .where(_throttle.c.key == key)
            .values(failures=1, window_started_at=at, locked_until=None)
        )
        return 1
    upsert = pg_insert if conn.dialect.name == "postgresql" else sqlite_insert
    statement = upsert(_throttle).values(key=key, failures=1, window_started_at=at)
    conn.execute(
        statement.on_conflict_do_update(
            index_elements=[_throttle.c.key], set_={"failures": _throttle.c.failures + 1}
        )
    )
    return int(conn.scalar(select(_throttle.c.failures).where(_throttle.c.key == key)) or 0)


def _forget_failures(engine: Engine, key: bytes) -> None:
    # Only the account's (or card's) counter: a success must not reset the counter of an IP
    # address an attacker shares with the victim.
    with engine.begin() as conn:
        conn.execute(delete(_throttle).where(_throttle.c.key == key))


# --- sessions -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Session:
    """A live session: whose it is, its CSRF token and when it ends."""

    account_id: int
    csrf_token: str
    expires_at: datetime


def start_session(
    settings: Settings, engine: Engine, account_id: int, now: datetime | None = None
) -> tuple[str, Session]:
    """A new session for `account_id`: the cookie token (kept only by the browser) and it."""
    at = _now(now)
    token = secrets.token_urlsafe(32)  # 256 bits (OWASP Session Management: ≥ 64 bits entropy)
    session = Session(
        account_id=account_id,
        csrf_token=secrets.token_urlsafe(32),
        expires_at=at + timedelta(hours=settings.session_hours),
    )
    with engine.begin() as conn:
        conn.execute(delete(_sessions).where(_sessions.c.expires_at < at))
        conn.execute(
            insert(_sessions).values(
                token_hash=digest(token),
                account_id=account_id,
                csrf_token=session.csrf_token,
                created_at=at,
                expires_at=session.expires_at,
            )
        )
        login = conn.scalar(select(_accounts.c.login).where(_accounts.c.id == account_id))
        write_audit(conn, at=at, actor=f"web:{login}", action="sign_in", subject=f"account:{login}")
    return token, session


def session_for(engine: Engine, token: str, now: datetime | None = None) -> Session | None:
    """The live session of a cookie token; None when unknown or expired."""
    if not token or len(token) > 100:
        return None
    at = _now(now)
    with engine.connect() as conn:
        row = conn.execute(
            select(_sessions.c.account_id, _sessions.c.csrf_token, _sessions.c.expires_at).where(
                _sessions.c.token_hash == digest(token)
            )
        ).one_or_none()
    if row is None or _aware(row.expires_at) <= at:
        return None
    return Session(int(row.account_id), row.csrf_token, _aware(row.expires_at))


def end_session(engine: Engine, token: str) -> None:
    """Sign out: the session is deleted, so the cookie opens nothing any more."""
    with engine.begin() as conn:
        conn.execute(delete(_sessions).where(_sessions.c.token_hash == digest(token)))


def csrf_matches(session: Session, offered: str | None) -> bool:
    """Constant-time comparison of the form's token with the session's."""
    return offered is not None and hmac.compare_digest(session.csrf_token, offered)


# --- API tokens -----------------------------------------------------------------------------


@dataclass(frozen=True)
class ApiTokenInfo:
    """A token as listed to its owner: never the token itself."""

    id: int
    name: str
    hint: str
    created_at: datetime
    last_used_at: datetime | None
    revoked_at: datetime | None


def create_api_token(
    engine: Engine, account_id: int, name: str, *, now: datetime | None = None
) -> str:
    """A new API token for `account_id`; returned once — only its digest is kept."""
    at = _now(now)
    name = name.strip()
    if not name or len(name) > 100:
        raise InvalidInputError("name the token (1 to 100 characters), e.g. 'payroll export'")
    token = API_TOKEN_PREFIX + secrets.token_urlsafe(32)
    with engine.begin() as conn:
        conn.execute(
            insert(_tokens).values(
                account_id=account_id,
                name=name,
                token_hash=digest(token),
                hint=token[-4:],
                created_at=at,
            )
        )
        login = conn.scalar(select(_accounts.c.login).where(_accounts.c.id == account_id))
        write_audit(
            conn, at=at, actor=f"web:{login}", action="create_api_token", subject=f"token:{name}"
        )
    return token


def account_for_api_token(engine: Engine, token: str, now: datetime | None = None) -> int | None:
    """The account an unrevoked API token belongs to, noting when it was used."""
    if not token.startswith(API_TOKEN_PREFIX) or len(token) > 100:
        return None
    with engine.begin() as conn:
        row = conn.execute(
            select(_tokens.c.id, _tokens.c.account_id).where(
                _tokens.c.token_hash == digest(token), _tokens.c.revoked_at.is_(None)
            )
        ).one_or_none()
        if row is None:
            return None
        conn.execute(update(_tokens).where(_tokens.c.id == row.id).values(last_used_at=_now(now)))
    return int(row.account_id)


def api_tokens(engine: Engine, account_id: int) -> list[ApiTokenInfo]:
    """The tokens of one account, newest first."""
    with engine.connect() as conn:
        rows = conn.execute(
            select(_tokens).where(_tokens.c.account_id == account_id).order_by(_tokens.c.id.desc())
        ).all()
    return [
        ApiTokenInfo(r.id, r.name, r.hint, r.created_at, r.last_used_at, r.revoked_at) for r in rows
    ]


def revoke_api_token(engine: Engine, account_id: int, token_id: int) -> None:
    """Revoke one of the account's own tokens (another account's token is 'not found')."""
    at = datetime.now(UTC)
    with engine.begin() as conn:
        done = conn.execute(
            update(_tokens)
            .where(
                _tokens.c.id == token_id,
                _tokens.c.account_id == account_id,
                _tokens.c.revoked_at.is_(None),
            )
            .values(revoked_at=at)
        ).rowcount
        if not done:
            raise NotFoundError("no such token, or it is revoked already")
        login = conn.scalar(select(_accounts.c.login).where(_accounts.c.id == account_id))
        write_audit(
            conn,
            at=at,
            actor=f"web:{login}",
            action="revoke_api_token",
            subject=f"token:{token_id}",
        )


# --- worker cards ---------------------------------------------------------------------------


@dataclass(frozen=True)
class IssuedCard:
    """What is printed on a new card: shown once, never stored in the clear."""

    worker_ref: str
    code: str
    pin: str


def normalise_code(code: str) -> str:
    """Card codes are read off paper: case, spaces and dashes do not matter."""
    return "".join(ch for ch in code.upper() if ch.isalnum())


def issue_card(
    settings: Settings,
    engine: Engine,
    worker_ref: str,
    *,
    issued_by: str,
    actor: str,
    now: datetime | None = None,
) -> IssuedCard:
    """A new card for `worker_ref`; any card the worker held before stops working."""
    at = _now(now)
    code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(10))
    pin = "".join(secrets.choice("0123456789") for _ in range(PIN_DIGITS))
    with engine.begin() as conn:
        if not conn.execute(
            select(_workers.c.ref).where(
                _workers.c.ref == worker_ref, _workers.c.erased_at.is_(None)
            )
        ).first():
            raise NotFoundError(f"no worker '{worker_ref}' (or their data was erased)")
        account = _worker_account(conn, worker_ref, at)
        revoked = _revoke_cards(conn, worker_ref, at)
        conn.execute(
            insert(_cards).values(
                worker_ref=worker_ref,
                account_id=account,
                code_hash=digest(code),
                hint=code[-3:],
                pin_hash=password_hasher(settings).hash(pin),
                issued_by=issued_by,
                issued_at=at,
            )
        )
        write_audit(
            conn,
            at=at,
            actor=actor,
            action="issue_worker_card",
            subject=f"worker:{worker_ref}",
            detail=f"issued by {issued_by}; {revoked} earlier card(s) revoked",
        )
    return IssuedCard(worker_ref, f"{code[:5]}-{code[5:]}", pin)


def revoke_cards(engine: Engine, worker_ref: str, *, actor: str) -> int:
    """Revoke the worker's card (lost or stolen); returns how many were revoked."""
    at = datetime.now(UTC)
    with engine.begin() as conn:
        if not conn.execute(select(_workers.c.ref).where(_workers.c.ref == worker_ref)).first():
            raise NotFoundError(f"no worker '{worker_ref}'; check the spelling")
        revoked = _revoke_cards(conn, worker_ref, at)
        account = conn.scalar(select(_accounts.c.id).where(_accounts.c.worker_ref == worker_ref))
        if account is not None:  # a stolen card's open sessions end too
            conn.execute(delete(_sessions).where(_sessions.c.account_id == account))
        write_audit(
            conn,
            at=at,
            actor=actor,
            action="revoke_worker_card",
            subject=f"worker:{worker_ref}",
            detail=f"{revoked} card(s) revoked",
        )
    return revoked


def _revoke_cards(conn: Connection, worker_ref: str, at: datetime) -> int:
    return int(
        conn.execute(
            update(_cards)
            .where(_cards.c.worker_ref == worker_ref, _cards.c.revoked_at.is_(None))
            .values(revoked_at=at)
        ).rowcount
    )


def _worker_account(conn: Connection, worker_ref: str, at: datetime) -> int:
    found = conn.scalar(select(_accounts.c.id).where(_accounts.c.worker_ref == worker_ref))
    if found is not None:
        return int(found)
    return _insert_account(
        conn,
        login=f"worker:{worker_ref}",
        display_name=worker_ref,
        role=Role.WORKER,
        org_ref=None,
        worker_ref=worker_ref,
        password_hash=None,
        at=at,
    )


# --- demo -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class DemoAccount:
    """One demo sign-in to print: the role, what to type, and the password or card."""

    role: str
    login: str
    secret: str


DEMO_WORKER_CARDS = 3


def ensure_demo_accounts(settings: Settings, engine: Engine) -> list[DemoAccount]:
    """One account per role over the organisations in the data set, plus a few worker cards.

    Picks the first brand, supplier (or employer), recruiter and NGO/union by reference;
    passwords and cards are new on every call (existing demo accounts get a new password),
    so the printed credentials always work. For demonstrations only: never on real data.
    """
    with engine.connect() as conn:
        orgs = conn.execute(select(_orgs.c.ref, _orgs.c.roles).order_by(_orgs.c.ref)).all()
        workers = list(
            conn.scalars(
                select(_workers.c.ref)
                .where(_workers.c.erased_at.is_(None))
                .order_by(_workers.c.ref)
                .limit(DEMO_WORKER_CARDS)
            )
        )

    def first(*roles: str) -> str | None:
        return next((o.ref for o in orgs if set(o.roles.split(";")) & set(roles)), None)

    brand, supplier = first("brand"), first("supplier", "employer")
    recruiter, ngo = first("recruiter"), first("ngo", "union")
    plan: list[tuple[Role, str, str | None]] = [(Role.PLATFORM_ADMIN, "admin@demo", None)]
    for ref, label in ((brand, "brand"), (supplier, "supplier"), (recruiter, "recruiter")):
        if ref is not None:
            plan.append((Role.ORG_ADMIN, f"{label}-admin@demo", ref))
            plan.append((Role.ORG_MEMBER, f"{label}-member@demo", ref))
    plan.append((Role.AUDITOR, "auditor@demo", None))
    plan.append((Role.CASE_HANDLER, "case-handler@demo", ngo))
    out = [_demo_account(settings, engine, role, login, org) for role, login, org in plan]
    if brand is not None:
        _grant_once(engine, "auditor@demo", brand)
    for ref in workers[:1]:
        _assign_once(engine, "case-handler@demo", ref)
    for ref in workers:
        card = issue_card(settings, engine, ref, issued_by=supplier or "demo", actor="demo")
        out.append(DemoAccount(Role.WORKER.value, card.code, f"PIN {card.pin}"))
    return out


def _demo_account(
    settings: Settings, engine: Engine, role: Role, login: str, org: str | None
) -> DemoAccount:
    password = secrets.token_urlsafe(12)
    label = f"{role.value} ({org})" if org else role.value
    with engine.begin() as conn:
        found = conn.scalar(select(_accounts.c.id).where(_accounts.c.login == login))
        if found is not None:
            conn.execute(
                update(_accounts)
                .where(_accounts.c.id == found)
                .values(password_hash=password_hasher(settings).hash(password))
            )
            return DemoAccount(label, login, password)
    create_account(
        settings, engine, login=login, role=role, password=password, actor="demo", org_ref=org
    )
    return DemoAccount(label, login, password)


def _grant_once(engine: Engine, login: str, org_ref: str) -> None:
    with engine.connect() as conn:
        account = _account_id(conn, login)
        if conn.execute(
            select(_grants.c.id).where(
                _grants.c.account_id == account, _grants.c.org_ref == org_ref
            )
        ).first():
            return
    grant_auditor(engine, login, org_ref, actor="demo")


def _assign_once(engine: Engine, login: str, worker_ref: str) -> None:
    with engine.connect() as conn:
        account = _account_id(conn, login)
        if conn.execute(
            select(_assignments.c.id).where(
                _assignments.c.account_id == account, _assignments.c.subject_ref == worker_ref
            )
        ).first():
            return
    assign_worker(engine, login, worker_ref, actor="demo")

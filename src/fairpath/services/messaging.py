"""The SMS/WhatsApp intake: request signatures, the replay store, and the numbered-menu dialogue.

Providers post inbound messages as forms (`From`, `To`, `Body`, `MessageSid`; the Twilio
webhook format most gateways copy) signed with `X-Twilio-Signature`: base64 of HMAC-SHA1, keyed
with the channel's auth token, over the full request URL followed by every form parameter's
name and value, sorted by name (Twilio, "Webhooks security"). A bad signature is refused; a
`MessageSid` seen within `webhook_replay_hours` is a replay and refused too.

The dialogue works on any phone, without a smartphone or an app (domain-anchors §3.4):

    language (skipped when the number is a known worker's) → what about (1 wages, 2 fees,
    3 passport, …) → keep my name from the employer? (1 yes, 2 no) → what happened, in your
    own words → a case reference

Where the dialogue stands is stored per number, keyed by a keyed digest of the number (no phone
numbers in that table). This module decides what to answer as a `Reply` (a kind and its
variables); the words, in the worker's language, come from the web layer's catalogues.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from sqlalchemy import Connection, Engine, delete, insert, select, update
from sqlalchemy.exc import IntegrityError

from fairpath.config import Settings
from fairpath.domain.grievances import Category
from fairpath.domain.journey import Channel
from fairpath.privacy.envelope import blind_index
from fairpath.services import grievances, keys
from fairpath.services.notifications import Wording, english_wording
from fairpath.storage.grievances import ConversationRow, WebhookMessageRow
from fairpath.storage.models import BlindIndexRow, WorkerRow, table_of

_conversations = table_of(ConversationRow)
_seen = table_of(WebhookMessageRow)
_blind = table_of(BlindIndexRow)
_workers = table_of(WorkerRow)

#: The language menu's order (1 = English …); names are shown in themselves.
LANGUAGES = ("en", "ne", "bn", "vi", "tl", "id", "my", "hi")
#: The category menu's order (1 = wages, 2 = fees, 3 = passport …).
MENU = (
    Category.WAGES,
    Category.RECRUITMENT_FEES,
    Category.DOCUMENT_RETENTION,
    Category.WORKING_HOURS,
    Category.CONTRACT,
    Category.LIVING_CONDITIONS,
    Category.THREATS_VIOLENCE,
    Category.OTHER,
)
#: A dialogue left this long starts again from the beginning.
STALE_AFTER = timedelta(hours=24)
CHANNELS = {"sms": Channel.SMS, "whatsapp": Channel.WHATSAPP}


def signature(secret: str, url: str, params: Mapping[str, str]) -> str:
    """The `X-Twilio-Signature` of a form post to `url` with `params`."""
    payload = url + "".join(name + params[name] for name in sorted(params))
    digest = hmac.new(secret.encode(), payload.encode(), hashlib.sha1).digest()
    return base64.b64encode(digest).decode()


def signature_ok(secret: str, url: str, params: Mapping[str, str], offered: str | None) -> bool:
    """Whether `offered` is the request's signature (compared in constant time)."""
    if not offered:
        return False
    return hmac.compare_digest(signature(secret, url, params), offered)


def first_delivery(
    settings: Settings, engine: Engine, channel: str, message_sid: str, now: datetime
) -> bool:
    """Remember `message_sid`; False when it was seen within the replay window (a replay)."""
    window = timedelta(hours=settings.webhook_replay_hours)
    with engine.begin() as conn:
        conn.execute(delete(_seen).where(_seen.c.received_at < now - window))
    try:
        with engine.begin() as conn:
            conn.execute(
                insert(_seen).values(channel=channel, message_sid=message_sid, received_at=now)
            )
    except IntegrityError:
        return False
    return True


@dataclass(frozen=True)
class Reply:
    """What to answer: a kind (`choose_language`, `choose_category`, `ask_anonymous`,
    `ask_text`, `filed`), the language to answer in, and the variables of the message."""

    kind: str
    language: str
    variables: dict[str, str] = field(default_factory=dict)
    invalid: bool = False  # the last answer was not a number from the list


def receive(
    settings: Settings,
    engine: Engine,
    channel: str,
    *,
    sender: str,
    body: str,
    now: datetime,
    wording: Wording = english_wording,
) -> Reply:
    """Advance the dialogue of `sender` on `channel` by one message; what to answer."""
    master_key = keys.load_master_key(settings)
    digest = blind_index(master_key.derive("conversation"), channel, sender)
    text = body.strip()
    with engine.begin() as conn:
        row = conn.execute(
            select(_conversations).where(_conversations.c.address_digest == digest)
        ).one_or_none()
        if row is not None and now - _aware(row.updated_at) > STALE_AFTER:
            conn.execute(delete(_conversations).where(_conversations.c.id == row.id))
            row = None
        if row is None:
            return _start(conn, settings, digest, channel=channel, sender=sender, now=now)
        state = {"id": row.id, "language": row.language or "en"}
        if row.step == "language":
            return _language(conn, state, text, now)
        if row.step == "category":
            return _category(conn, state, text, now)
        if row.step == "anonymous":
            return _anonymous(conn, state, text, now)
        if not text:
            return Reply("ask_text", state["language"], invalid=True)
        conn.execute(delete(_conversations).where(_conversations.c.id == row.id))
    filed = grievances.file_grievance(
        settings,
        engine,
        grievances.Intake(
            channel=CHANNELS[channel],
            category=Category(row.category),
            anonymous=bool(row.anonymous),
            text=text,
            worker_ref=row.worker_ref,
            language=row.language or "en",
            contact=sender,
        ),
        actor=f"{channel}:webhook",
        now=now,
        wording=wording,
    )
    days = str((filed.acknowledge_by - now).days)
    return Reply("filed", row.language or "en", {"ref": filed.ref, "days": days})


def _start(
    conn: Connection, settings: Settings, digest: bytes, *, channel: str, sender: str, now: datetime
) -> Reply:
    worker_ref, language = _known_worker(conn, settings, sender.removeprefix(f"{channel}:"))
    step = "category" if language else "language"
    conn.execute(
        insert(_conversations).values(
            address_digest=digest,
            step=step,
            language=language,
            worker_ref=worker_ref,
            updated_at=now,
        )
    )
    if language:
        return Reply("choose_category", language)
    return Reply("choose_language", "en")


def _known_worker(
    conn: Connection, settings: Settings, number: str
) -> tuple[str | None, str | None]:
    """The worker whose recorded phone is `number` (blind index), and their first language
    the menu offers."""
    key = keys.load_master_key(settings).derive("blind-index")
    ref = conn.scalar(
        select(_blind.c.worker_ref).where(
            _blind.c.field == "phone", _blind.c.digest == blind_index(key, "phone", number)
        )
    )
    if ref is None:
        return None, None
    canonical = conn.scalar(select(_workers.c.canonical).where(_workers.c.ref == ref))
    spoken = json.loads(canonical or "{}").get("languages", [])
    for tag in spoken:
        code = "tl" if tag in ("fil", "tl") else tag.split("-")[0]
        if code in LANGUAGES:
            return ref, code
    return ref, "en"


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def _number(text: str, count: int) -> int | None:
    """A menu choice 1…count, reading Latin and the worker's own digits (०-९, ০-৯, ၀-၉ …)."""
    if len(text) > 3:
        return None
    try:
        value = int("".join(str(int(ch)) if ch.isdigit() else ch for ch in text))
    except ValueError:
        return None
    return value if 1 <= value <= count else None


def _move(conn: Connection, state: dict[str, object], now: datetime, **values: object) -> None:
    conn.execute(
        update(_conversations)
        .where(_conversations.c.id == state["id"])
        .values(updated_at=now, **values)
    )


def _language(conn: Connection, state: dict[str, object], text: str, now: datetime) -> Reply:
    choice = _number(text, len(LANGUAGES))
    if choice is None:
        return Reply("choose_language", "en", invalid=True)
    language = LANGUAGES[choice - 1]
    _move(conn, state, now, step="category", language=language)
    return Reply("choose_category", language)


def _category(conn: Connection, state: dict[str, object], text: str, now: datetime) -> Reply:
    language = str(state["language"])
    choice = _number(text, len(MENU))
    if choice is None:
        return Reply("choose_category", language, invalid=True)
    _move(conn, state, now, step="anonymous", category=MENU[choice - 1].value)
    return Reply("ask_anonymous", language)


def _anonymous(conn: Connection, state: dict[str, object], text: str, now: datetime) -> Reply:
    language = str(state["language"])
    choice = _number(text, 2)
    if choice is None:
        return Reply("ask_anonymous", language, invalid=True)
    _move(conn, state, now, step="text", anonymous=choice == 1)
    return Reply("ask_text", language)

"""Notifications: telling workers (SMS/WhatsApp, in their language) and staff (email) what
happened to a case, through adapters.

A notification is a *kind* (``acknowledged``, ``remedy_proposed`` …) with its variables; the
worker-facing wording is chosen by a `Wording` the entry point passes in (the web layer's
gettext catalogues), so this layer holds no translations. Adapters:

- `ConsoleNotifier` — development: logs that a notification was sent, its channel, kind and
  case reference; **never** the address, the text or a name (logs are not a safe place for
  who complained about whom);
- `MemoryOutbox` — tests: keeps whole notifications in the process to assert on.

A real gateway (an SMS provider's REST API, SMTP) is one more class with a `send` method.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Protocol

from fairpath.config import Settings

log = logging.getLogger("fairpath.notifications")

#: (language, kind, variables) → the message text in that language.
Wording = Callable[[str, str, Mapping[str, str]], str]


def english_wording(_language: str, kind: str, variables: Mapping[str, str]) -> str:
    """Fallback wording without catalogues: the kind and the case reference."""
    ref = variables.get("ref", "")
    return f"fairpath: case {ref}: {kind.replace('_', ' ')}"


@dataclass(frozen=True)
class Notification:
    """One message to one person."""

    channel: str  # "sms", "whatsapp" or "email"
    to: str  # phone number or email address: personal data, never logged
    kind: str
    case_ref: str
    text: str


class Notifier(Protocol):
    """Anything that delivers notifications."""

    def send(self, notification: Notification) -> None:
        """Deliver one notification (or raise)."""


class ConsoleNotifier:
    """Logs one line per notification without personal data."""

    def send(self, notification: Notification) -> None:
        """Log channel, kind and case — not the address and not the text."""
        log.info(
            "notification %s via %s for case %s (%d characters)",
            notification.kind,
            notification.channel,
            notification.case_ref,
            len(notification.text),
        )


@dataclass
class MemoryOutbox:
    """Keeps notifications in memory (tests read `sent`)."""

    sent: list[Notification] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def send(self, notification: Notification) -> None:
        """Keep the notification."""
        with self._lock:
            self.sent.append(notification)

    def clear(self) -> None:
        """Forget what was sent."""
        with self._lock:
            self.sent.clear()


#: The process's outbox when `notifications = "memory"` (tests clear it between tests).
OUTBOX = MemoryOutbox()
_CONSOLE = ConsoleNotifier()


def notifier_for(settings: Settings) -> Notifier:
    """The adapter the settings choose."""
    return OUTBOX if settings.notifications == "memory" else _CONSOLE


def deliver(notifier: Notifier, notification: Notification) -> bool:
    """Send, and log (type only) when the adapter fails: a case's progress never waits for a
    gateway, and a failed notification is retried by nobody but shows in the log."""
    try:
        notifier.send(notification)
    except Exception as error:  # an adapter's failure must not undo the case's transition
        log.warning(
            "notification %s for case %s failed: %s",
            notification.kind,
            notification.case_ref,
            type(error).__name__,
        )
        return False
    return True

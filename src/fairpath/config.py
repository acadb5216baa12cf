"""Settings: the one object every entry point builds and passes down.

Built by the entry point (CLI, web app, tests), never at import time. Every setting can be given
by environment variable with the prefix `FAIRPATH_` (e.g. `FAIRPATH_DATA_DIR`,
`FAIRPATH_DATABASE_URL`); docs/settings.md documents each one and a test checks that it does.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    """Where fairpath keeps its state and how it reaches it."""

    model_config = SettingsConfigDict(env_prefix="FAIRPATH_", extra="ignore")

    data_dir: Path = Field(
        default=Path("fairpath-data"),
        description="Directory holding all state: the SQLite database, keys and log tiles.",
    )
    database_url: str | None = Field(
        default=None,
        description=(
            "SQLAlchemy URL of the database; default is SQLite in the data directory. "
            "Use postgresql+psycopg://user@host/db for production."
        ),
    )
    master_key: SecretStr | None = Field(
        default=None,
        description=(
            "Base64 of the 32-byte master key that wraps every worker's data key. "
            "Default: the key file `keys/master.key` in the data directory, made on `init`."
        ),
    )
    log_origin: str = Field(
        default="fairpath.example/log",
        description="The journey log's origin line (C2SP tlog-checkpoint) and key name.",
    )
    witness_policy: Path | None = Field(
        default=None,
        description=(
            "A C2SP tlog-policy file naming the witnesses the log sends each new checkpoint to "
            "(`witness <name> <vkey> <url>` lines; the url is the witness's submission prefix) "
            "and the `quorum` that makes a checkpoint published. Default: "
            "`witnesses.policy` in the data directory if it exists; with no policy, a checkpoint "
            "is published as soon as the log signs it."
        ),
    )
    witness_timeout: float = Field(
        default=10.0,
        description="Seconds to wait for each witness to answer an add-checkpoint request.",
    )

    law_overrides: list[Path] = Field(
        default_factory=list,
        description=(
            "Law files (the format of docs/law-data.md) read after the packaged law tables, in "
            "order, to add or override values; as an environment variable a JSON list, e.g. "
            '`["/etc/fairpath/th-provinces.yaml"]`.'
        ),
    )
    rates_file: Path | None = Field(
        default=None,
        description=(
            "An exchange-rate CSV (`currency,year,lcu_per_usd,source,confidence`) whose rows "
            "replace or add to the packaged annual averages."
        ),
    )

    # --- web application (docs/web.md) ---------------------------------------------------
    https: bool = Field(
        default=False,
        description=(
            "The web application is reached over HTTPS: session cookies get the `Secure` flag "
            "and every response carries `Strict-Transport-Security`."
        ),
    )
    public_url: str | None = Field(
        default=None,
        description=(
            "The address people reach the web application at (scheme://host[:port]), e.g. "
            "behind a reverse proxy. Form posts must come from this origin. Default: the "
            "request's own scheme and Host."
        ),
    )
    session_hours: float = Field(
        default=8.0,
        gt=0,
        description="Hours a sign-in lasts before the person must sign in again.",
    )
    login_max_failures: int = Field(
        default=5,
        ge=1,
        description=(
            "Failed sign-ins allowed for one account (or one worker card) within "
            "`login_lockout_minutes` before further attempts are refused for that long."
        ),
    )
    login_max_failures_per_ip: int = Field(
        default=50,
        ge=1,
        description=(
            "Failed sign-ins allowed from one IP address within `login_lockout_minutes`; higher "
            "than per account because workers in one dormitory often share one address."
        ),
    )
    login_lockout_minutes: int = Field(
        default=15,
        ge=1,
        description="Minutes failed sign-ins are counted over, and how long a lockout lasts.",
    )
    password_hashing: Literal["standard", "cheapest"] = Field(
        default="standard",
        description=(
            "Argon2id cost for passwords and worker-card PINs: `standard` (RFC 9106 low-memory "
            "profile) in every deployment; `cheapest` only makes test suites fast."
        ),
    )
    log_tracebacks: bool = Field(
        default=False,
        description=(
            "Write tracebacks of unexpected web errors to the server log. Off by default "
            "because a traceback can carry personal data; turn on only while debugging."
        ),
    )

    # --- grievance mechanism (docs/grievances.md) -----------------------------------------
    grievance_acknowledge_days: int = Field(
        default=7,
        ge=1,
        description=(
            "Days a case handler has to acknowledge a grievance, unless the case's programme "
            "says otherwise (`fairpath grievances programme`)."
        ),
    )
    grievance_remedy_days: int = Field(
        default=30,
        ge=1,
        description=(
            "Days from filing to a remedy proposal or a reasoned decision, unless the case's "
            "programme says otherwise."
        ),
    )
    grievance_escalate_to: str | None = Field(
        default=None,
        description=(
            "Reference of the independent organisation (an NGO, union or the brand) that "
            "overdue cases escalate to when their programme names none."
        ),
    )
    grievance_tick_seconds: float = Field(
        default=300.0,
        ge=0,
        description=(
            "How often the web server looks for overdue grievances and escalates them "
            "(seconds; 0 turns the server's scheduler off — then run `fairpath grievances "
            "tick` from cron)."
        ),
    )
    sms_webhook_secret: SecretStr | None = Field(
        default=None,
        description=(
            "The SMS provider's auth token: inbound SMS webhooks must carry a valid "
            "`X-Twilio-Signature` (HMAC-SHA1) made with it. Unset: the SMS webhook answers 404."
        ),
    )
    whatsapp_webhook_secret: SecretStr | None = Field(
        default=None,
        description=(
            "The WhatsApp provider's auth token, as for SMS. Unset: the WhatsApp webhook "
            "answers 404."
        ),
    )
    webhook_replay_hours: float = Field(
        default=24.0,
        gt=0,
        description=(
            "Hours a provider's message id is remembered: a second delivery within that time "
            "is refused as a replay (403)."
        ),
    )
    notifications: Literal["console", "memory"] = Field(
        default="console",
        description=(
            "Where notifications to workers (SMS/WhatsApp) and staff (email) go: `console` "
            "logs that one was sent, to whom by reference only, never its text; `memory` keeps "
            "them in the process for tests."
        ),
    )

    @property
    def sqlalchemy_url(self) -> str:
        """The database URL in force: the setting, else SQLite inside the data directory."""
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.data_dir / 'fairpath.sqlite3').resolve()}"

    @property
    def keys_dir(self) -> Path:
        """Where the master key and the log's signing key live."""
        return self.data_dir / "keys"

    @property
    def witness_policy_path(self) -> Path | None:
        """The witness policy file in force, or None when the log has no witnesses."""
        if self.witness_policy is not None:
            return self.witness_policy
        default = self.data_dir / "witnesses.policy"
        return default if default.exists() else None

    @property
    def log_dir(self) -> Path:
        """Where the log's checkpoint and tiles are written (C2SP tlog-tiles layout)."""
        return self.data_dir / "log"

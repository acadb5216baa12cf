"""Settings: the one object every entry point builds and passes down.

Built by the entry point (CLI, web app, tests), never at import time. Every setting can be given
by environment variable with the prefix `FAIRPATH_` (e.g. `FAIRPATH_DATA_DIR`,
`FAIRPATH_DATABASE_URL`); docs/settings.md documents each one and a test checks that it does.
"""

from __future__ import annotations

from pathlib import Path

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
    def log_dir(self) -> Path:
        """Where the log's checkpoint and tiles are written (C2SP tlog-tiles layout)."""
        return self.data_dir / "log"

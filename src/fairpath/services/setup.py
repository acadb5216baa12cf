"""Setting up a data directory: schema, master key, and the journey log's signing key."""

from __future__ import annotations

from sqlalchemy import Engine

from fairpath.config import Settings
from fairpath.services import keys
from fairpath.storage.db import migrate


def initialise(settings: Settings, engine: Engine) -> list[str]:
    """Create what is missing and say what was done; running it again changes nothing."""
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    lines = [f"data directory: {settings.data_dir.resolve()}"]
    migrate(engine)
    lines.append(f"database: {engine.url.render_as_string(hide_password=True)} (schema current)")
    if keys.create_master_key(settings):
        lines.append(
            f"master key: created {keys.master_key_path(settings)} — back it up; "
            "without it no personal data can be read"
        )
    else:
        lines.append("master key: present")
    return lines

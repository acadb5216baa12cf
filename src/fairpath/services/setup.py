"""Setting up a data directory: schema, master key, and the journey log's signing key."""

from __future__ import annotations

from sqlalchemy import Engine

from fairpath.config import Settings
from fairpath.services import journal_log, keys
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
    created = journal_log.create_log_key(settings)
    lines.append(
        f"log key: {'created ' + str(journal_log.log_key_path(settings)) if created else 'present'}"
        f"; verifier key (publish it): {journal_log.log_vkey(settings)}"
    )
    return lines

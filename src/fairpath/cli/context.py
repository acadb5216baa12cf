"""What every command shares: the settings built from the global options, and the engine."""

from __future__ import annotations

import getpass
from dataclasses import dataclass, field
from pathlib import Path

import typer
from sqlalchemy import Engine

from fairpath.config import Settings
from fairpath.domain.errors import FairpathError
from fairpath.storage.db import is_initialised, make_engine


@dataclass
class CliContext:
    """Settings and a lazily created engine for one CLI invocation."""

    settings: Settings
    _engine: Engine | None = field(default=None, repr=False)

    def engine(self, *, require_init: bool = True) -> Engine:
        """The database engine; a clear error when the data directory was never set up."""
        if self._engine is None:
            self._engine = make_engine(self.settings.sqlalchemy_url)
        if require_init and not is_initialised(self._engine):
            raise FairpathError(
                f"no fairpath database at {self.settings.sqlalchemy_url}; "
                f"run `fairpath --data-dir {self.settings.data_dir} init` first"
            )
        return self._engine

    def close(self) -> None:
        """Release database connections."""
        if self._engine is not None:
            self._engine.dispose()


def build_context(data_dir: Path | None) -> CliContext:
    """Settings from the environment (FAIRPATH_*), with --data-dir taking precedence."""
    settings = Settings() if data_dir is None else Settings(data_dir=data_dir)
    return CliContext(settings=settings)


def get(ctx: typer.Context) -> CliContext:
    """The CliContext the main callback stored on the click context."""
    obj = ctx.find_root().obj
    if not isinstance(obj, CliContext):  # pragma: no cover - wiring error, not user input
        raise RuntimeError("CLI context missing")
    return obj


def actor() -> str:
    """Who is acting, for the audit trail: the operating-system user of this CLI."""
    try:
        return f"cli:{getpass.getuser()}"
    except (KeyError, OSError):
        return "cli"

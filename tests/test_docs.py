"""Every CLI command and every setting is documented; a test fails when one is not."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import typer

from fairpath.cli.main import app
from fairpath.config import Settings

DOCS = Path(__file__).resolve().parents[1] / "docs"


def command_paths(command: Any, prefix: str) -> Iterator[str]:
    # Duck-typed: typer may bring its own copy of click, so isinstance(…, click.Group) fails.
    subcommands = getattr(command, "commands", None)
    if subcommands:
        for name, sub in subcommands.items():
            yield from command_paths(sub, f"{prefix} {name}")
    else:
        yield prefix


def test_every_cli_command_has_a_section_in_docs_cli() -> None:
    text = (DOCS / "cli.md").read_text(encoding="utf-8")
    headings = set(re.findall(r"^#+ `([^`]+)`", text, flags=re.MULTILINE))
    commands = set(command_paths(typer.main.get_command(app), "fairpath"))
    assert commands, "the CLI has commands"
    missing = sorted(c for c in commands if c not in headings)
    assert not missing, f"undocumented commands (add a '### `…`' section to docs/cli.md): {missing}"


def test_every_setting_is_documented_in_docs_settings() -> None:
    text = (DOCS / "settings.md").read_text(encoding="utf-8")
    missing = [name for name in Settings.model_fields if f"`FAIRPATH_{name.upper()}`" not in text]
    assert not missing, f"undocumented settings in docs/settings.md: {missing}"

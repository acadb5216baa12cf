"""The installation's secrets in the data directory: the master key (and its sub-keys).

The master key wraps every worker's data key (privacy/envelope.py). It comes from the
`FAIRPATH_MASTER_KEY` setting when given, else from `keys/master.key` in the data directory,
written once by `fairpath init` with owner-only permissions. It never enters the database.
"""

from __future__ import annotations

import base64
import binascii
import os
from pathlib import Path

from fairpath.config import Settings
from fairpath.domain.errors import FairpathError
from fairpath.privacy.envelope import KEY_BYTES, MasterKey, new_key

MASTER_KEY_FILE = "master.key"


def master_key_path(settings: Settings) -> Path:
    """Where the master key file lives."""
    return settings.keys_dir / MASTER_KEY_FILE


def create_master_key(settings: Settings) -> bool:
    """Write a new master key file unless one exists or the key is given by setting.

    Returns True when a key file was written.
    """
    if settings.master_key is not None or master_key_path(settings).exists():
        return False
    settings.keys_dir.mkdir(parents=True, exist_ok=True)
    write_secret_file(master_key_path(settings), base64.b64encode(new_key()) + b"\n")
    return True


def load_master_key(settings: Settings) -> MasterKey:
    """The master key in force; a clear error when there is none or it is malformed."""
    if settings.master_key is not None:
        return _decode(settings.master_key.get_secret_value(), "the FAIRPATH_MASTER_KEY setting")
    path = master_key_path(settings)
    try:
        text = path.read_text().strip()
    except FileNotFoundError:
        raise FairpathError(
            f"no master key at {path}; run `fairpath init` first, or set FAIRPATH_MASTER_KEY"
        ) from None
    return _decode(text, str(path))


def _decode(text: str, where: str) -> MasterKey:
    try:
        secret = base64.b64decode(text, validate=True)
    except binascii.Error:
        secret = b""
    if len(secret) != KEY_BYTES:
        raise FairpathError(
            f"{where} does not hold a master key (base64 of 32 bytes); restore it from your "
            "backup — without it no personal data can be read"
        )
    return MasterKey(secret)


def write_secret_file(path: Path, content: bytes) -> None:
    """Write `content` to `path` readable by the owner only, atomically."""
    tmp = path.with_suffix(path.suffix + ".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(content)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(tmp, path)

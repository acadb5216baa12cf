"""C2SP tlog-checkpoint v1.0.0: the signed statement of a log's size and root.

Owns the checkpoint body (origin line, decimal size, base64 root, each ending
in a newline; this log writes no extension lines) and opening a signed
checkpoint with the log's key, whose name must equal the origin.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from fairpath.ledger.errors import CheckpointError, NoteError
from fairpath.ledger.merkle import HASH_SIZE
from fairpath.ledger.note import (
    Note,
    NoteSigner,
    NoteVerifier,
    b64,
    b64decode_strict,
    is_valid_name,
    open_note,
    sign_note,
)

MAX_SIZE = 2**63 - 1
_DECIMAL = re.compile(r"0|[1-9][0-9]*")


def parse_decimal(text: str, what: str) -> int:
    """ASCII decimal without leading zeros, at most 2**63 - 1 (C2SP conventions)."""
    if not _DECIMAL.fullmatch(text) or len(text) > 19 or int(text) > MAX_SIZE:
        raise CheckpointError(f"The {what} {text!r} is not a decimal number without leading zeros.")
    return int(text)


@dataclass(frozen=True)
class Checkpoint:
    """A log's (origin, size, root) as a tlog-checkpoint body describes it."""

    origin: str
    size: int
    root: bytes

    def __post_init__(self) -> None:
        if not is_valid_name(self.origin):
            raise CheckpointError("The origin must be non-empty with no spaces and no '+'.")
        if not 0 <= self.size <= MAX_SIZE or len(self.root) != HASH_SIZE:
            raise CheckpointError("A checkpoint needs a size in [0, 2^63) and a 32-byte root.")

    def body(self) -> str:
        """tlog-checkpoint: ``origin\\nsize\\nbase64(root)\\n``."""
        return f"{self.origin}\n{self.size}\n{b64(self.root)}\n"


def parse_checkpoint(body: str) -> Checkpoint:
    """Parse a checkpoint body; extension lines are refused (the spec advises against them)."""
    if not body.endswith("\n"):
        raise CheckpointError("The checkpoint must end with a newline.")
    lines = body[:-1].split("\n")
    if len(lines) != 3:
        raise CheckpointError("The checkpoint must have exactly three lines: origin, size, root.")
    try:
        root = b64decode_strict(lines[2], "checkpoint root hash")
    except NoteError as exc:
        raise CheckpointError(str(exc)) from exc
    size = parse_decimal(lines[1], "checkpoint size")
    return Checkpoint(lines[0], size, root)


def sign_checkpoint_note(checkpoint: Checkpoint, signers: Sequence[NoteSigner]) -> str:
    """The checkpoint as a signed note (signed-note over the body)."""
    return sign_note(checkpoint.body(), signers)


def open_checkpoint(
    note: bytes | str, verifiers: Sequence[NoteVerifier]
) -> tuple[Checkpoint, Note]:
    """Verify a signed checkpoint; at least one verified key must be named after the origin."""
    opened = open_note(note, verifiers)
    checkpoint = parse_checkpoint(opened.text)
    if not any(s.name == checkpoint.origin for s in opened.verified):
        raise CheckpointError(
            f"No trusted key named {checkpoint.origin!r} signed this checkpoint of that log."
        )
    return checkpoint, opened

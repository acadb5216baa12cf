"""The pure logic of a C2SP tlog-witness ``add-checkpoint``, and the log's client side.

Owns parsing the request body (``old <n>``, up to 63 base64 proof lines, a
blank line, the signed checkpoint), the checks and status codes of the spec
(404 unknown log, 403 no valid log signature, 400 malformed or old > size,
409 old != stored size with a text/x.tlog.size body, 422 bad consistency,
200 with cosignature lines) and the new state, returned only on 200.
No HTTP, no clock, no storage: ``(witness, state, request, now) -> result``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from fairpath.ledger.checkpoint import Checkpoint, parse_checkpoint, parse_decimal
from fairpath.ledger.cosignature import CosignatureSigner
from fairpath.ledger.errors import LedgerError, NoteError, ProofError
from fairpath.ledger.merkle import EMPTY_ROOT, HASH_SIZE, verify_consistency_from_any
from fairpath.ledger.note import NoteVerifier, b64, b64decode_strict, open_note, parse_note

MAX_PROOF_LINES = 63
SIZE_CONTENT_TYPE = "text/x.tlog.size"


@dataclass(frozen=True)
class Witness:
    """A witness: its cosigning key and the logs it knows (origin -> trusted log keys)."""

    signer: CosignatureSigner
    logs: Mapping[str, Sequence[NoteVerifier]]


@dataclass(frozen=True)
class WitnessState:
    """The latest cosigned (size, root) per origin; never personal data."""

    latest: Mapping[str, tuple[int, bytes]] = field(default_factory=dict)

    def get(self, origin: str) -> tuple[int, bytes]:
        """The stored (size, root), or (0, SHA-256("")) for a log never cosigned."""
        return self.latest.get(origin, (0, EMPTY_ROOT))

    def with_checkpoint(self, checkpoint: Checkpoint) -> WitnessState:
        """A new state recording ``checkpoint``."""
        latest = dict(self.latest)
        latest[checkpoint.origin] = (checkpoint.size, checkpoint.root)
        return WitnessState(latest)


@dataclass(frozen=True)
class WitnessResult:
    """An HTTP answer and the state to persist (unchanged unless status is 200)."""

    status: int
    headers: Mapping[str, str]
    body: bytes
    state: WitnessState


@dataclass(frozen=True)
class AddCheckpointRequest:
    """A parsed add-checkpoint body."""

    old: int
    proof: tuple[bytes, ...]
    note: str


class _Reject(Exception):
    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


def parse_request(body: bytes) -> AddCheckpointRequest:
    """Parse the add-checkpoint body; raise LedgerError if malformed."""
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise NoteError("The request is not UTF-8 text.") from exc
    head, sep, note = text.partition("\n\n")
    lines = head.split("\n")
    if not sep or not lines[0].startswith("old "):
        raise NoteError("The request must start with 'old <size>' and have a blank line.")
    old = parse_decimal(lines[0][4:], "old size")
    if len(lines) - 1 > MAX_PROOF_LINES:
        raise ProofError("The request has more than 63 consistency proof lines.")
    proof = tuple(b64decode_strict(line, "consistency proof hash") for line in lines[1:])
    if any(len(p) != HASH_SIZE for p in proof):
        raise ProofError("A consistency proof hash is not 32 bytes.")
    return AddCheckpointRequest(old, proof, note)


def _text(status: int, message: str, state: WitnessState) -> WitnessResult:
    return WitnessResult(
        status, {"Content-Type": "text/plain; charset=utf-8"}, (message + "\n").encode(), state
    )


def _checked(witness: Witness, state: WitnessState, body: bytes) -> tuple[Checkpoint, str]:
    """Run the spec's checks in order; raise _Reject with the status code."""
    try:
        req = parse_request(body)
        checkpoint = parse_checkpoint(parse_note(req.note)[0])
    except LedgerError as exc:
        raise _Reject(400, f"Malformed request: {exc}") from exc
    keys = witness.logs.get(checkpoint.origin)
    if keys is None:
        raise _Reject(404, f"Unknown log {checkpoint.origin!r}.")
    try:
        open_note(req.note, keys)
    except NoteError as exc:
        raise _Reject(403, f"No valid signature by the log: {exc}") from exc
    if req.old > checkpoint.size:
        raise _Reject(400, "The old size is larger than the checkpoint's size.")
    stored_size, stored_root = state.get(checkpoint.origin)
    if req.old != stored_size:
        raise _Reject(409, str(stored_size))
    try:
        verify_consistency_from_any(
            req.old, checkpoint.size, stored_root, checkpoint.root, req.proof
        )
    except ProofError as exc:
        raise _Reject(
            422, f"The checkpoint is not consistent with the last one cosigned: {exc}"
        ) from exc
    return checkpoint, checkpoint.body()


def add_checkpoint(witness: Witness, state: WitnessState, body: bytes, now: int) -> WitnessResult:
    """Handle ``POST <prefix>/add-checkpoint`` (C2SP tlog-witness). ``now`` is POSIX seconds."""
    try:
        checkpoint, text = _checked(witness, state, body)
    except _Reject as rej:
        if rej.status == 409:
            return WitnessResult(
                409, {"Content-Type": SIZE_CONTENT_TYPE}, f"{rej}\n".encode(), state
            )
        return _text(rej.status, str(rej), state)
    line = witness.signer.cosign(text, now).line
    return WitnessResult(
        200,
        {"Content-Type": "text/plain; charset=utf-8"},
        line.encode(),
        state.with_checkpoint(checkpoint),
    )


def build_request(old: int, proof: Sequence[bytes], signed_note: str) -> bytes:
    """The log side: the add-checkpoint body for a witness last at size ``old``."""
    lines = [f"old {old}", *(b64(p) for p in proof)]
    return ("\n".join(lines) + "\n\n" + signed_note).encode()


def parse_size_conflict(body: bytes) -> int:
    """The log side: the witness's size from a 409 text/x.tlog.size body."""
    text = body.decode("ascii", errors="replace")
    if not text.endswith("\n"):
        raise NoteError("A 409 answer must be a size followed by a newline.")
    return parse_decimal(text[:-1], "witness size")


def merge_cosignatures(signed_note: str, response: bytes, witnesses: Sequence[NoteVerifier]) -> str:
    """Append the response's cosignature lines that verify against ``witnesses``.

    Lines from unknown keys are ignored (tlog-witness: clients MUST ignore them).
    """
    try:
        lines = response.decode("utf-8")
        opened = open_note(signed_note + lines, witnesses)
    except (UnicodeDecodeError, NoteError) as exc:
        raise NoteError(f"The witness answer has no valid cosignature: {exc}") from exc
    present = set(signed_note.split("\n"))
    extra = [s.line for s in opened.verified if s.line.rstrip("\n") not in present]
    return signed_note + "".join(extra)

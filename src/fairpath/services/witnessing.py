"""Witnessing, both sides of C2SP tlog-witness: running a witness, and asking witnesses to cosign.

The witness side (`WitnessKeeper`) is what an NGO or union runs with `fairpath witness serve`:
its own cosigning key, the logs it follows, and a state file holding the latest (size, root,
cosigned checkpoint) per origin — never personal data. The check and the state write happen
under one lock (a thread lock and an exclusive file lock), and the state is written atomically
(temporary file, fsync, rename) before the cosignature leaves, so a witness that crashes never
cosigns two inconsistent trees (tlog-witness: "persist the state atomically with the check").

The log side (`collect_cosignatures`) sends a signed checkpoint to each witness of the policy
with the consistency proof from the size the witness last cosigned, retries once on 409 with the
size the witness reports, and returns the cosignature lines it verified.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import threading
from collections.abc import Callable, Iterator, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx

from fairpath.config import Settings
from fairpath.domain.errors import FairpathError
from fairpath.ledger.checkpoint import parse_checkpoint
from fairpath.ledger.cosignature import (
    CosignatureVerifier,
    generate_cosigner_key,
    parse_cosigner_skey,
)
from fairpath.ledger.errors import LedgerError
from fairpath.ledger.note import (
    NoteVerifier,
    b64,
    b64decode_strict,
    open_note,
    parse_note,
    parse_vkey,
)
from fairpath.ledger.policy import Policy, parse_policy
from fairpath.ledger.tilefs import atomic_write
from fairpath.ledger.witness import (
    Witness,
    WitnessResult,
    WitnessState,
    add_checkpoint,
    build_request,
    merge_cosignatures,
    parse_request,
    parse_size_conflict,
)
from fairpath.services.keys import write_secret_file

#: tlog-witness bodies are small: 63 proof lines and a checkpoint with a few signatures.
MAX_REQUEST_BYTES = 64 * 1024
STATE_FORMAT = "fairpath-witness-state/v1"


# -- the witness an NGO runs ------------------------------------------------------------------


def create_witness_key(name: str, out: Path) -> str:
    """Write a new witness private key to `out` (owner-only); return its public vkey."""
    if out.exists():
        raise FairpathError(
            f"{out} exists already; choose another file (keys are never overwritten)"
        )
    try:
        skey, vkey = generate_cosigner_key(name)
    except LedgerError as exc:
        raise FairpathError(f"'{name}' cannot name a witness key: {exc}") from exc
    out.parent.mkdir(parents=True, exist_ok=True)
    write_secret_file(out, (skey + "\n").encode())
    return vkey


def load_witness(key_file: Path, log_vkeys: Sequence[str]) -> Witness:
    """The witness from its key file and the vkeys of the logs it follows (named by origin)."""
    try:
        signer = parse_cosigner_skey(key_file.read_text().strip())
    except FileNotFoundError:
        raise FairpathError(
            f"no witness key at {key_file}; make one with `fairpath witness init`"
        ) from None
    except LedgerError as exc:
        raise FairpathError(f"{key_file} does not hold a witness key: {exc}") from exc
    if not log_vkeys:
        raise FairpathError("name at least one log to follow with --log VKEY")
    logs: dict[str, list[NoteVerifier]] = {}
    for text in log_vkeys:
        try:
            verifier = parse_vkey(text.strip())
        except LedgerError as exc:
            raise FairpathError(f"--log {text!r} is not a log verifier key: {exc}") from exc
        logs.setdefault(verifier.name, []).append(verifier)
    return Witness(signer, logs)


@dataclass(frozen=True)
class StoredLog:
    """What a witness keeps about one log: the tree it last cosigned."""

    size: int
    root: bytes
    checkpoint: str


def read_state(path: Path) -> dict[str, StoredLog]:
    """The witness state file (empty when it does not exist yet)."""
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}
    except ValueError as exc:
        raise FairpathError(f"the witness state {path} is damaged: {exc}") from exc
    if not isinstance(doc, dict) or doc.get("format") != STATE_FORMAT:
        raise FairpathError(f"{path} is not a fairpath witness state file")
    try:
        return {
            origin: StoredLog(
                int(entry["size"]),
                b64decode_strict(entry["root"], "root"),
                str(entry.get("checkpoint", "")),
            )
            for origin, entry in doc["logs"].items()
        }
    except (KeyError, TypeError, ValueError, LedgerError) as exc:
        raise FairpathError(f"the witness state {path} is damaged: {exc}") from exc


def write_state(path: Path, logs: Mapping[str, StoredLog]) -> None:
    """Replace the state file atomically (temporary file, fsync, rename, fsync of the folder)."""
    doc = {
        "format": STATE_FORMAT,
        "logs": {
            origin: {"size": s.size, "root": b64(s.root), "checkpoint": s.checkpoint}
            for origin, s in sorted(logs.items())
        },
    }
    atomic_write(path, (json.dumps(doc, indent=1, sort_keys=True) + "\n").encode())


class WitnessKeeper:
    """A witness with its state file: handles add-checkpoint requests one at a time."""

    def __init__(self, witness: Witness, state_file: Path) -> None:
        self.witness = witness
        self.state_file = state_file
        self._lock = threading.Lock()
        read_state(state_file)  # fail at start-up, not on the first request, if damaged

    @property
    def vkey(self) -> str:
        """The witness's public key (type 0x04)."""
        return self.witness.signer.verifier().vkey

    @contextmanager
    def _exclusive(self) -> Iterator[None]:
        # The thread lock orders requests in this process; the file lock keeps a second
        # process on the same state file (a mistaken double start) from racing it.
        self.state_file.parent.mkdir(parents=True, exist_ok=True)
        lock_path = self.state_file.with_name(self.state_file.name + ".lock")
        with self._lock, lock_path.open("a") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)

    def add_checkpoint(self, body: bytes, now: int) -> WitnessResult:
        """Check a request against the stored state; persist the new state before answering."""
        if len(body) > MAX_REQUEST_BYTES:
            return WitnessResult(
                400,
                {"Content-Type": "text/plain; charset=utf-8"},
                b"The request is larger than 64 KiB.\n",
                WitnessState(),
            )
        with self._exclusive():
            stored = read_state(self.state_file)
            state = WitnessState({o: (s.size, s.root) for o, s in stored.items()})
            result = add_checkpoint(self.witness, state, body, now)
            if result.status == 200:
                note = parse_request(body).note + result.body.decode()
                checkpoint = parse_checkpoint(parse_note(note)[0])
                stored[checkpoint.origin] = StoredLog(checkpoint.size, checkpoint.root, note)
                write_state(self.state_file, stored)
            return result

    def checkpoint_for(self, origin_hash: str) -> str | None:
        """The last checkpoint cosigned for the log whose origin hashes to `origin_hash`."""
        for origin, stored in read_state(self.state_file).items():
            if hashlib.sha256(origin.encode()).hexdigest() == origin_hash.lower():
                return stored.checkpoint or None
        return None


# -- the log asking its witnesses -------------------------------------------------------------


@dataclass(frozen=True)
class WitnessTarget:
    """A witness the log sends checkpoints to: its policy name, public key and url."""

    name: str
    verifier: CosignatureVerifier
    url: str


def load_policy(settings: Settings) -> Policy | None:
    """The witness policy in force, or None when the log has no witnesses."""
    path = settings.witness_policy_path
    if path is None:
        return None
    try:
        policy = parse_policy(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise FairpathError(
            f"the witness policy file {path} does not exist; fix FAIRPATH_WITNESS_POLICY"
        ) from None
    except LedgerError as exc:
        raise FairpathError(f"the witness policy {path} is not valid: {exc}") from exc
    return policy


def targets(policy: Policy) -> list[WitnessTarget]:
    """The policy's witnesses that have a url to send checkpoints to."""
    return [
        WitnessTarget(name, verifier, policy.urls[name])
        for name, verifier in policy.witnesses.items()
        if name in policy.urls
    ]


def cosigners(note: str, policy: Policy) -> set[str]:
    """Policy names of the witnesses whose cosignature on `note` verifies."""
    names = set()
    for name, verifier in policy.witnesses.items():
        try:
            open_note(note, [verifier])
        except LedgerError:
            continue
        names.add(name)
    return names


@dataclass(frozen=True)
class Submission:
    """What one witness answered: its cosignature lines, or why there are none."""

    target: WitnessTarget
    lines: str = ""
    problem: str | None = None


Prover = Callable[[int], list[bytes]]


def submit(target: WitnessTarget, note: str, prove: Prover, old: int, timeout: float) -> Submission:
    """POST add-checkpoint to one witness; on 409 retry from the size it reports."""
    size = parse_checkpoint(parse_note(note)[0]).size
    url = target.url.rstrip("/") + "/add-checkpoint"
    for _attempt in range(3):
        try:
            response = httpx.post(
                url, content=build_request(old, prove(old), note), timeout=timeout
            )
        except httpx.HTTPError as exc:
            return Submission(
                target, problem=f"witness {target.name} at {url} did not answer ({exc})"
            )
        answer = _answer(target, note, size, response)
        if isinstance(answer, Submission):
            return answer
        old = answer
    return Submission(target, problem=f"witness {target.name} kept answering 409; try again")


def _answer(
    target: WitnessTarget, note: str, size: int, response: httpx.Response
) -> Submission | int:
    """The witness's cosignature or refusal, or (409) the size to prove from next."""
    if response.status_code == 409:
        try:
            old = parse_size_conflict(response.content)
        except LedgerError:
            return Submission(target, problem=f"witness {target.name} sent a malformed 409")
        if old > size:
            return Submission(
                target,
                problem=f"witness {target.name} has cosigned size {old}, larger than this "
                f"checkpoint ({size}); publish again after the log grows",
            )
        return old
    if response.status_code != 200:
        reason = response.text.strip().splitlines()[0] if response.text.strip() else ""
        return Submission(
            target,
            problem=f"witness {target.name} refused the checkpoint of size {size} "
            f"(HTTP {response.status_code}: {reason})",
        )
    try:
        merged = merge_cosignatures(note, response.content, [target.verifier])
    except LedgerError as exc:
        return Submission(target, problem=f"witness {target.name}: {exc}")
    return Submission(target, lines=merged[len(note) :])


def collect_cosignatures(
    policy: Policy,
    note: str,
    prove: Prover,
    last_sizes: Mapping[str, int],
    timeout: float,
) -> list[Submission]:
    """Ask every witness of the policy not yet on `note` to cosign it, all at once."""
    have = cosigners(note, policy)
    size = parse_checkpoint(parse_note(note)[0]).size
    todo = [t for t in targets(policy) if t.name not in have]
    if not todo:
        return []
    with ThreadPoolExecutor(max_workers=min(8, len(todo))) as pool:
        futures = [
            pool.submit(submit, t, note, prove, min(last_sizes.get(t.name, 0), size), timeout)
            for t in todo
        ]
        return [f.result() for f in futures]

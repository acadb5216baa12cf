"""C2SP tlog-policy: which logs and witnesses are trusted, and the quorum rule.

Owns parsing ``log``, ``witness``, ``group`` and ``quorum`` lines and deciding
whether a cosigned checkpoint is signed by a listed log and witnessed by a
quorum of the listed witnesses.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from fairpath.ledger.checkpoint import Checkpoint, open_checkpoint, parse_decimal
from fairpath.ledger.cosignature import CosignatureVerifier, parse_cosigner_vkey
from fairpath.ledger.errors import CheckpointError, LedgerError, NoteError, PolicyError
from fairpath.ledger.note import Ed25519Verifier, Note, NoteVerifier, parse_vkey

NONE = "none"


@dataclass(frozen=True)
class Group:
    """A witness group: witnessed when at least ``threshold`` members are."""

    name: str
    threshold: int
    members: tuple[str, ...]


@dataclass
class Policy:
    """A parsed tlog-policy."""

    logs: list[Ed25519Verifier] = field(default_factory=list)
    witnesses: dict[str, CosignatureVerifier] = field(default_factory=dict)
    groups: dict[str, Group] = field(default_factory=dict)
    quorum: str = NONE
    #: The optional url of each witness line: its tlog-witness submission prefix.
    urls: dict[str, str] = field(default_factory=dict)

    def witnessed(self, cosigned: set[str]) -> bool:
        """True when the quorum holds given the names of witnesses that cosigned."""
        return self.quorum == NONE or self._holds(self.quorum, cosigned)

    def _holds(self, name: str, cosigned: set[str]) -> bool:
        group = self.groups.get(name)
        if group is None:
            return name in cosigned
        count = sum(1 for m in group.members if self._holds(m, cosigned))
        return count >= group.threshold

    def verifiers(self) -> list[NoteVerifier]:
        """Every log and witness key, for signed-note verification."""
        return [*self.logs, *self.witnesses.values()]

    def verify_checkpoint(self, note: bytes | str) -> tuple[Checkpoint, Note]:
        """Check a listed log's signature and the witness quorum; return the checkpoint."""
        try:
            checkpoint, opened = open_checkpoint(note, self.verifiers())
        except (NoteError, CheckpointError) as exc:
            raise PolicyError(f"The checkpoint is not signed by a trusted log: {exc}") from exc
        by_key = {(v.name, v.key_id): name for name, v in self.witnesses.items()}
        cosigned = {
            by_key[(s.name, s.key_id)] for s in opened.verified if (s.name, s.key_id) in by_key
        }
        if not self.witnessed(cosigned):
            have = ", ".join(sorted(cosigned)) or "none"
            raise PolicyError(
                f"The checkpoint lacks the witness quorum {self.quorum!r} (cosigned by: {have})."
            )
        return checkpoint, opened


def _check_octets(text: str) -> None:
    if any((ord(c) < 0x20 and c not in "\t\n") or ord(c) == 0x7F for c in text):
        raise PolicyError("The policy contains a control character other than tab or newline.")


def _threshold(word: str, members: int) -> int:
    if word == "all":
        return members
    if word == "any":
        return 1
    try:
        k = parse_decimal(word, "group threshold")
    except LedgerError as exc:
        raise PolicyError(f"A group threshold must be all, any or a number, not {word!r}.") from exc
    if not 1 <= k <= members:
        raise PolicyError(f"A group threshold {k} must be between 1 and its {members} members.")
    return k


class _Parser:
    """Line-by-line tlog-policy reader keeping the names defined so far."""

    def __init__(self) -> None:
        self.policy = Policy()
        self.quorum_seen = False
        self.keys: set[bytes] = set()

    def defined(self, name: str) -> bool:
        return name in self.policy.witnesses or name in self.policy.groups

    def new_name(self, name: str) -> None:
        if name == NONE or self.defined(name):
            raise PolicyError(f"The policy name {name!r} is reserved or defined twice.")

    def new_key(self, public_key: bytes) -> None:
        if public_key in self.keys:
            raise PolicyError("The policy lists the same public key twice.")
        self.keys.add(public_key)

    def line(self, words: Sequence[str]) -> None:
        kind, args = words[0], words[1:]
        handler = {"log": self.log, "witness": self.witness, "group": self.group}.get(kind)
        if kind == "quorum":
            self.quorum(args)
        elif handler is None:
            raise PolicyError(f"Unknown policy line {kind!r}.")
        else:
            handler(args)

    def log(self, args: Sequence[str]) -> None:
        if len(args) not in (1, 2):
            raise PolicyError("A log line is: log <vkey> [<url>].")
        verifier = parse_vkey(args[0])
        self.new_key(verifier.public_key)
        self.policy.logs.append(verifier)

    def witness(self, args: Sequence[str]) -> None:
        if len(args) not in (2, 3):
            raise PolicyError("A witness line is: witness <name> <vkey> [<url>].")
        self.new_name(args[0])
        verifier = parse_cosigner_vkey(args[1])
        self.new_key(verifier.public_key)
        self.policy.witnesses[args[0]] = verifier
        if len(args) == 3:
            self.policy.urls[args[0]] = args[2]

    def group(self, args: Sequence[str]) -> None:
        if len(args) < 3:
            raise PolicyError("A group line is: group <name> <all|any|k> <member>...")
        name, members = args[0], tuple(args[2:])
        self.new_name(name)
        if len(set(members)) != len(members) or not all(self.defined(m) for m in members):
            raise PolicyError(f"Group {name!r} must list distinct names defined above it.")
        self.policy.groups[name] = Group(name, _threshold(args[1], len(members)), members)

    def quorum(self, args: Sequence[str]) -> None:
        if self.quorum_seen or len(args) != 1:
            raise PolicyError("A policy has exactly one line: quorum <name>.")
        if args[0] != NONE and not self.defined(args[0]):
            raise PolicyError(f"The quorum {args[0]!r} is not defined above it.")
        self.quorum_seen = True
        self.policy.quorum = args[0]


def parse_policy(text: str) -> Policy:
    """Parse a tlog-policy file; raise PolicyError naming the bad line."""
    _check_octets(text)
    parser = _Parser()
    for number, raw in enumerate(text.split("\n"), start=1):
        words = raw.replace("\t", " ").split()
        if not words or words[0].startswith("#"):
            continue
        try:
            parser.line(words)
        except (NoteError, PolicyError) as exc:
            raise PolicyError(f"Policy line {number}: {exc}") from exc
    if not parser.quorum_seen:
        raise PolicyError("The policy has no quorum line.")
    return parser.policy


def simple_policy(
    log: Ed25519Verifier, witnesses: Sequence[CosignatureVerifier], threshold: int | None = None
) -> Policy:
    """One log and k-of-n witnesses (``threshold`` None means all; no witnesses means none)."""
    policy = Policy(logs=[log])
    for w in witnesses:
        policy.witnesses[w.name] = w
    if witnesses:
        k = len(witnesses) if threshold is None else threshold
        names = tuple(policy.witnesses)
        policy.groups["quorum"] = Group("quorum", _threshold(str(k), len(names)), names)
        policy.quorum = "quorum"
    return policy

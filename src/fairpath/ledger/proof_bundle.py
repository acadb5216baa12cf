"""C2SP tlog-proof@v1: an offline bundle proving an entry is in a witnessed log.

Owns the text format (header, optional ``extra``, ``index``, inclusion path,
blank line, verbatim cosigned checkpoint) and its verification against a
tlog-policy: log signature, witness quorum, then the RFC 9162 inclusion proof.
"""

from __future__ import annotations

from dataclasses import dataclass

from fairpath.ledger.checkpoint import Checkpoint, parse_decimal
from fairpath.ledger.errors import BundleError, LedgerError
from fairpath.ledger.merkle import verify_inclusion
from fairpath.ledger.note import b64, b64decode_strict
from fairpath.ledger.policy import Policy

HEADER = "c2sp.org/tlog-proof@v1"
#: An inclusion path has at most 63 hashes for any tree of size < 2**63.
MAX_PATH = 63


@dataclass(frozen=True)
class ProofBundle:
    """A parsed tlog-proof@v1."""

    index: int
    path: tuple[bytes, ...]
    checkpoint: str
    extra: bytes | None = None

    def render(self) -> str:
        """The bundle text (store it with the extension ``.tlog-proof``)."""
        lines = [HEADER]
        if self.extra is not None:
            lines.append(f"extra {b64(self.extra)}")
        lines.append(f"index {self.index}")
        lines.extend(b64(h) for h in self.path)
        return "\n".join(lines) + "\n\n" + self.checkpoint


def _parse_head(lines: list[str]) -> tuple[bytes | None, int, int]:
    """Return (extra, index, position of the first path line)."""
    if not lines or lines[0] != HEADER:
        raise BundleError(f"A proof bundle must start with the line {HEADER}.")
    pos, extra = 1, None
    if pos < len(lines) and lines[pos].startswith("extra "):
        extra = b64decode_strict(lines[pos][len("extra ") :], "extra data")
        pos += 1
    if pos >= len(lines) or not lines[pos].startswith("index "):
        raise BundleError("A proof bundle needs an 'index <n>' line after its header.")
    return extra, parse_decimal(lines[pos][len("index ") :], "entry index"), pos + 1


def parse_bundle(text: str) -> ProofBundle:
    """Parse a tlog-proof@v1 bundle; raise BundleError with the reason."""
    head, sep, checkpoint = text.partition("\n\n")
    if not sep or not checkpoint:
        raise BundleError("A proof bundle needs a blank line followed by the checkpoint.")
    try:
        extra, index, pos = _parse_head(head.split("\n"))
        path = tuple(
            b64decode_strict(line, "inclusion proof hash") for line in head.split("\n")[pos:]
        )
    except LedgerError as exc:
        raise BundleError(f"Malformed proof bundle: {exc}") from exc
    if len(path) > MAX_PATH:
        raise BundleError("The inclusion proof in the bundle is too long.")
    return ProofBundle(index, path, checkpoint, extra)


def verify_bundle(bundle: ProofBundle, leaf_hash: bytes, policy: Policy) -> Checkpoint:
    """Check log signature, witness quorum and inclusion of ``leaf_hash``; return the checkpoint."""
    checkpoint, _ = policy.verify_checkpoint(bundle.checkpoint)
    try:
        verify_inclusion(bundle.index, checkpoint.size, leaf_hash, bundle.path, checkpoint.root)
    except LedgerError as exc:
        raise BundleError(f"The entry is not proven to be in the log: {exc}") from exc
    return checkpoint

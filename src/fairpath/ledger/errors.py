"""Errors of the ledger: one base class whose message tells a person what to do."""


class LedgerError(Exception):
    """Base class of every error raised by fairpath.ledger."""


class ProofError(LedgerError):
    """A Merkle inclusion or consistency proof does not verify (RFC 9162 §2.1.3-2.1.4)."""


class NoteError(LedgerError):
    """A signed note, key or signature is malformed or does not verify (C2SP signed-note)."""


class CheckpointError(LedgerError):
    """A checkpoint body is malformed (C2SP tlog-checkpoint)."""


class PolicyError(LedgerError):
    """A witness policy is malformed or its quorum is not met (C2SP tlog-policy)."""


class BundleError(LedgerError):
    """A tlog-proof@v1 bundle is malformed or does not verify (C2SP tlog-proof)."""


class TileError(LedgerError):
    """A tile, tile path or entry bundle is malformed (C2SP tlog-tiles)."""


class LogError(LedgerError):
    """The log refused an operation (bad index, inconsistent checkpoint, ...)."""


class ReceiptError(LedgerError):
    """A worker receipt is malformed or does not verify."""

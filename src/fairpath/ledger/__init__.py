"""The verifiable journey log: a pure core (no clock, no database, no network).

Owns RFC 6962/9162 Merkle hashing and proofs, C2SP signed notes, checkpoints,
cosignatures, witness policy, tlog-proof bundles, tiles, leaf commitments, the
append-only log over a small storage interface, the pure witness and receipts.
See docs/ledger.md for the data flow and the byte formats.
"""

from fairpath.ledger.errors import LedgerError

__all__ = ["LedgerError"]

"""The leaf of the journey log: a salted, versioned commitment to one record.

Owns the leaf format (docs/ledger.md, "Leaf commitment"):

    digest = SHA-256(TAG || salt[32] || RFC 8785 canonical JSON of the record)
    leaf   = VERSION (0x01) || digest            # 33 bytes, no worker id

and checking an opening (record + salt) against a leaf. The salt makes the
commitment hiding even for low-entropy records; erasing the salt makes the
leaf unopenable (crypto-shredding, spec/ledger.md "What goes into a leaf").
"""

from __future__ import annotations

import hashlib
import hmac
import os
from collections.abc import Mapping
from typing import Any

import rfc8785

from fairpath.ledger.errors import LedgerError
from fairpath.ledger.note import RandomSource

#: Domain-separation tag: no other SHA-256 input in fairpath starts with it.
TAG = b"fairpath/journey-record-commitment/v1\x00"
VERSION = 0x01
SALT_SIZE = 32
LEAF_SIZE = 1 + 32


class OpeningError(LedgerError):
    """A record and salt do not open a leaf commitment."""


def canonical_record(record: Mapping[str, Any]) -> bytes:
    """RFC 8785 (JCS) canonical JSON bytes of a record."""
    try:
        data: bytes = rfc8785.dumps(dict(record))
    except (TypeError, ValueError, rfc8785.CanonicalizationError) as exc:
        raise OpeningError(f"The record cannot be written as canonical JSON: {exc}") from exc
    return data


def new_salt(random: RandomSource = os.urandom) -> bytes:
    """A fresh 32-byte salt from ``random`` (not a clock)."""
    salt = random(SALT_SIZE)
    if len(salt) != SALT_SIZE:
        raise OpeningError("The random source must return 32 bytes for a salt.")
    return salt


def commitment(record: Mapping[str, Any], salt: bytes) -> bytes:
    """SHA-256(TAG || salt || canonical record)."""
    return leaf_from_canonical(canonical_record(record), salt)[1:]


def leaf_bytes(record: Mapping[str, Any], salt: bytes) -> bytes:
    """The log entry: version byte 0x01 followed by the 32-byte commitment."""
    return leaf_from_canonical(canonical_record(record), salt)


def leaf_from_canonical(canonical: bytes, salt: bytes) -> bytes:
    """`leaf_bytes` from a record's canonical bytes already at hand (the import has them)."""
    if len(salt) != SALT_SIZE:
        raise OpeningError("A salt must be exactly 32 bytes.")
    return bytes([VERSION]) + hashlib.sha256(TAG + salt + canonical).digest()


def verify_opening(leaf: bytes, record: Mapping[str, Any], salt: bytes) -> None:
    """Raise OpeningError unless ``record`` and ``salt`` hash to ``leaf``."""
    if len(leaf) != LEAF_SIZE or leaf[0] != VERSION:
        raise OpeningError("The logged entry is not a version 1 fairpath commitment.")
    if not hmac.compare_digest(leaf, leaf_bytes(record, salt)):
        raise OpeningError("The record and salt do not match the commitment in the log.")

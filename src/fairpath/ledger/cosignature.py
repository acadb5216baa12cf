"""C2SP tlog-cosignature v1 (Ed25519, signature type 0x04).

Owns the signed message ``"cosignature/v1\\ntime <t>\\n" || checkpoint body``,
the 72-byte payload (8-byte big-endian time || 64-byte signature), the 0x04
key id and vkey, and verifiers that plug into signed-note verification.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from fairpath.ledger.errors import NoteError
from fairpath.ledger.note import (
    ALG_ED25519,
    Ed25519Verifier,
    NoteSignature,
    NoteVerifier,
    RandomSource,
    b64,
    b64decode_strict,
    is_valid_name,
    key_id,
    parse_key_fields,
    parse_vkey,
    split_key_text,
)

ALG_COSIGNATURE_V1 = 0x04
MAX_TIMESTAMP = 2**63 - 1


def cosigned_message(checkpoint_body: str, timestamp: int) -> bytes:
    """tlog-cosignature: ``cosignature/v1\\ntime <t>\\n`` followed by the checkpoint body."""
    if not 0 <= timestamp <= MAX_TIMESTAMP:
        raise NoteError("A cosignature time must be in [0, 2^63).")
    return f"cosignature/v1\ntime {timestamp}\n{checkpoint_body}".encode()


@dataclass(frozen=True)
class CosignatureVerifier:
    """A witness's type 0x04 public key; checks cosignature/v1 lines of a note."""

    name: str
    public_key: bytes
    key_id: bytes = field(init=False)

    def __post_init__(self) -> None:
        if not is_valid_name(self.name) or len(self.public_key) != 32:
            raise NoteError("A cosigner key needs a valid name and a 32-byte public key.")
        kid = key_id(self.name, bytes([ALG_COSIGNATURE_V1]) + self.public_key)
        object.__setattr__(self, "key_id", kid)

    def verify(self, text: bytes, signature: bytes) -> bool:
        """Verify the 72-byte timestamped signature over the cosigned message."""
        if len(signature) != 72:
            return False
        timestamp = int.from_bytes(signature[:8], "big")
        if timestamp > MAX_TIMESTAMP:
            return False
        message = cosigned_message(text.decode(), timestamp)
        try:
            Ed25519PublicKey.from_public_bytes(self.public_key).verify(signature[8:], message)
        except InvalidSignature:
            return False
        return True

    @property
    def vkey(self) -> str:
        """``name+hex8+base64(0x04 || pub)``."""
        return (
            f"{self.name}+{self.key_id.hex()}+{b64(bytes([ALG_COSIGNATURE_V1]) + self.public_key)}"
        )


def cosignature_time(signature: NoteSignature) -> int:
    """The time a cosignature line claims (its first 8 payload bytes, big-endian)."""
    if len(signature.signature) != 72:
        raise NoteError(f"The signature by {signature.name} is not a cosignature/v1.")
    return int.from_bytes(signature.signature[:8], "big")


@dataclass(frozen=True)
class CosignatureSigner:
    """A witness's type 0x04 private key, from a 32-byte Ed25519 seed."""

    name: str
    seed: bytes = field(repr=False)
    key_id: bytes = field(init=False)

    def __post_init__(self) -> None:
        if not is_valid_name(self.name) or len(self.seed) != 32:
            raise NoteError("A cosigner needs a valid name and a 32-byte seed.")
        object.__setattr__(self, "key_id", self.verifier().key_id)

    def verifier(self) -> CosignatureVerifier:
        """The matching public key."""
        pub = Ed25519PrivateKey.from_private_bytes(self.seed).public_key()
        return CosignatureVerifier(self.name, pub.public_bytes(Encoding.Raw, PublicFormat.Raw))

    def cosign(self, checkpoint_body: str, timestamp: int) -> NoteSignature:
        """The cosignature line over ``checkpoint_body`` at ``timestamp`` (POSIX seconds)."""
        message = cosigned_message(checkpoint_body, timestamp)
        sig = Ed25519PrivateKey.from_private_bytes(self.seed).sign(message)
        return NoteSignature(self.name, self.key_id, timestamp.to_bytes(8, "big") + sig)

    @property
    def skey(self) -> str:
        """``PRIVATE+KEY+name+hex8+base64(0x04 || seed)`` (Go's skey layout, type 0x04)."""
        body = b64(bytes([ALG_COSIGNATURE_V1]) + self.seed)
        return f"PRIVATE+KEY+{self.name}+{self.key_id.hex()}+{body}"


def generate_cosigner_key(name: str, random: RandomSource = os.urandom) -> tuple[str, str]:
    """Make a fresh witness key pair; return ``(skey, vkey)`` texts."""
    signer = CosignatureSigner(name, random(32))
    return signer.skey, signer.verifier().vkey


def parse_cosigner_vkey(vkey: str) -> CosignatureVerifier:
    """Parse a type 0x04 vkey."""
    name, hex_id, key_b64 = split_key_text(vkey, 3, "cosigner key")
    _, key = parse_key_fields(name, hex_id, key_b64, "cosigner key")
    if key[0] != ALG_COSIGNATURE_V1 or len(key) != 33:
        raise NoteError("The cosigner key is not a 32-byte Ed25519 cosignature/v1 (0x04) key.")
    return CosignatureVerifier(name, key[1:])


def parse_cosigner_skey(skey: str) -> CosignatureSigner:
    """Parse ``PRIVATE+KEY+name+hex8+base64(0x04 || seed)``."""
    fields = split_key_text(skey, 5, "cosigner private key")
    if fields[:2] != ["PRIVATE", "KEY"]:
        raise NoteError("The cosigner private key must start with PRIVATE+KEY+.")
    kid, key = parse_key_fields(fields[2], fields[3], fields[4], "cosigner key", public=False)
    if key[0] != ALG_COSIGNATURE_V1 or len(key) != 33:
        raise NoteError("The cosigner private key is not a 32-byte Ed25519 0x04 seed.")
    signer = CosignatureSigner(fields[2], key[1:])
    if signer.key_id != kid:
        raise NoteError("The cosigner private key id does not match its name and key.")
    return signer


def parse_any_vkey(vkey: str) -> NoteVerifier:
    """Parse a vkey of type 0x01 (log) or 0x04 (witness)."""
    fields = split_key_text(vkey, 3, "verifier key")
    key = b64decode_strict(fields[2], "verifier key")
    if key[:1] == bytes([ALG_COSIGNATURE_V1]):
        return parse_cosigner_vkey(vkey)
    return parse_vkey(vkey)


def is_log_verifier(verifier: NoteVerifier) -> bool:
    """True for a type 0x01 (checkpoint-signing) key."""
    return isinstance(verifier, Ed25519Verifier)


__all__ = [
    "ALG_COSIGNATURE_V1",
    "ALG_ED25519",
    "CosignatureSigner",
    "CosignatureVerifier",
    "cosignature_time",
    "cosigned_message",
    "generate_cosigner_key",
    "is_log_verifier",
    "parse_any_vkey",
    "parse_cosigner_skey",
    "parse_cosigner_vkey",
]

"""C2SP signed-note v1.0.0: Ed25519 (type 0x01) keys, signing and opening notes.

Owns: key ids, the vkey/skey text formats, the note layout (text, blank line,
``— name base64(keyid || signature)`` lines) and the verification rules:
unknown signatures are kept but ignored, a known key whose signature fails
rejects the note, and at least one known key must verify.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Protocol

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from fairpath.ledger.errors import NoteError

ALG_ED25519 = 0x01
EM_DASH = "\u2014"
#: golang.org/x/mod/sumdb/note rejects notes with more signatures than this.
MAX_SIGNATURES = 100

RandomSource = Callable[[int], bytes]


def key_id(name: str, key_type_and_public: bytes) -> bytes:
    """signed-note: key ID = SHA-256(name || 0x0A || type || public key)[:4]."""
    return hashlib.sha256(name.encode() + b"\n" + key_type_and_public).digest()[:4]


def is_valid_name(name: str) -> bool:
    """signed-note: a key name is non-empty, has no Unicode space and no '+'."""
    return bool(name) and "+" not in name and not any(c.isspace() for c in name)


def b64decode_strict(text: str, what: str) -> bytes:
    """Standard padded base64 (RFC 4648 §4); raise NoteError naming ``what``."""
    try:
        return base64.b64decode(text.encode("ascii"), validate=True)
    except (binascii.Error, UnicodeEncodeError) as exc:
        raise NoteError(f"The {what} is not valid base64.") from exc


def b64(data: bytes) -> str:
    """Standard padded base64 as text."""
    return base64.b64encode(data).decode("ascii")


class NoteSigner(Protocol):
    """Anything that can add a signature line to a note."""

    @property
    def name(self) -> str: ...

    @property
    def key_id(self) -> bytes: ...

    def sign(self, text: bytes) -> bytes:
        """Return the signature bytes (without the key id) over the note text."""
        ...


class NoteVerifier(Protocol):
    """Anything that can check a signature line of a note."""

    @property
    def name(self) -> str: ...

    @property
    def key_id(self) -> bytes: ...

    def verify(self, text: bytes, signature: bytes) -> bool:
        """True when ``signature`` (without the key id) is valid over ``text``."""
        ...


def _raw_public(key: Ed25519PublicKey) -> bytes:
    return key.public_bytes(Encoding.Raw, PublicFormat.Raw)


@dataclass(frozen=True)
class Ed25519Verifier:
    """A signed-note type 0x01 verifier key."""

    name: str
    public_key: bytes
    key_id: bytes = field(init=False)

    def __post_init__(self) -> None:
        if not is_valid_name(self.name) or len(self.public_key) != 32:
            raise NoteError("An Ed25519 verifier needs a valid name and a 32-byte public key.")
        object.__setattr__(
            self, "key_id", key_id(self.name, bytes([ALG_ED25519]) + self.public_key)
        )

    def verify(self, text: bytes, signature: bytes) -> bool:
        """RFC 8032 Ed25519 over the note text."""
        try:
            Ed25519PublicKey.from_public_bytes(self.public_key).verify(signature, text)
        except InvalidSignature:
            return False
        return True

    @property
    def vkey(self) -> str:
        """The vkey text ``name+hex8+base64(0x01 || pub)``."""
        return f"{self.name}+{self.key_id.hex()}+{b64(bytes([ALG_ED25519]) + self.public_key)}"


@dataclass(frozen=True)
class Ed25519Signer:
    """A signed-note type 0x01 signer built from a 32-byte Ed25519 seed."""

    name: str
    seed: bytes = field(repr=False)
    key_id: bytes = field(init=False)

    def __post_init__(self) -> None:
        if not is_valid_name(self.name) or len(self.seed) != 32:
            raise NoteError("An Ed25519 signer needs a valid name and a 32-byte seed.")
        object.__setattr__(self, "key_id", self.verifier().key_id)

    def sign(self, text: bytes) -> bytes:
        """RFC 8032 Ed25519 over ``text``."""
        return Ed25519PrivateKey.from_private_bytes(self.seed).sign(text)

    def verifier(self) -> Ed25519Verifier:
        """The matching public verifier."""
        pub = _raw_public(Ed25519PrivateKey.from_private_bytes(self.seed).public_key())
        return Ed25519Verifier(self.name, pub)

    @property
    def skey(self) -> str:
        """Go's private key text ``PRIVATE+KEY+name+hex8+base64(0x01 || seed)``."""
        return (
            f"PRIVATE+KEY+{self.name}+{self.key_id.hex()}+{b64(bytes([ALG_ED25519]) + self.seed)}"
        )


def generate_key(name: str, random: RandomSource = os.urandom) -> tuple[str, str]:
    """Make a fresh Ed25519 key pair; return ``(skey, vkey)`` texts."""
    signer = Ed25519Signer(name, random(32))
    return signer.skey, signer.verifier().vkey


def split_key_text(text: str, parts: int, what: str) -> list[str]:
    """Split a vkey/skey on '+' at most ``parts - 1`` times (base64 may contain '+')."""
    fields = text.split("+", parts - 1)
    if len(fields) != parts:
        raise NoteError(f"The {what} does not have the form name+keyid+key.")
    return fields


def parse_key_fields(
    name: str, hex_id: str, key_b64: str, what: str, *, public: bool = True
) -> tuple[bytes, bytes]:
    """Check a key's name and hex id; return ``(key id, type || key bytes)``.

    The id is checked against the key bytes only for public keys (``public``).
    """
    if not is_valid_name(name):
        raise NoteError(f"The {what} has an invalid key name.")
    if len(hex_id) != 8 or any(c not in "0123456789abcdefABCDEF" for c in hex_id):
        raise NoteError(f"The {what} key id must be 8 hexadecimal digits.")
    key = b64decode_strict(key_b64, what)
    if not key:
        raise NoteError(f"The {what} has no key bytes.")
    if public and key_id(name, key) != bytes.fromhex(hex_id):
        raise NoteError(f"The {what} key id does not match its name and key.")
    return bytes.fromhex(hex_id), key


def parse_vkey(vkey: str) -> Ed25519Verifier:
    """Parse a type 0x01 vkey ``name+hex8+base64(0x01 || pub)``."""
    name, hex_id, key_b64 = split_key_text(vkey, 3, "verifier key")
    _, key = parse_key_fields(name, hex_id, key_b64, "verifier key")
    if key[0] != ALG_ED25519 or len(key) != 33:
        raise NoteError("The verifier key is not a 32-byte Ed25519 (type 0x01) key.")
    return Ed25519Verifier(name, key[1:])


def parse_skey(skey: str) -> Ed25519Signer:
    """Parse Go's ``PRIVATE+KEY+name+hex8+base64(0x01 || seed)``."""
    fields = split_key_text(skey, 5, "signer key")
    if fields[:2] != ["PRIVATE", "KEY"]:
        raise NoteError("The signer key must start with PRIVATE+KEY+.")
    kid, key = parse_key_fields(fields[2], fields[3], fields[4], "signer key", public=False)
    if key[0] != ALG_ED25519 or len(key) != 33:
        raise NoteError("The signer key is not a 32-byte Ed25519 (type 0x01) seed.")
    signer = Ed25519Signer(fields[2], key[1:])
    if signer.key_id != kid:
        raise NoteError("The signer key id does not match its name and key.")
    return signer


@dataclass(frozen=True)
class NoteSignature:
    """One signature line: key name, 4-byte key id and the signature bytes."""

    name: str
    key_id: bytes
    signature: bytes

    @property
    def line(self) -> str:
        """The line as it appears in a note, ending in a newline."""
        return f"{EM_DASH} {self.name} {b64(self.key_id + self.signature)}\n"


@dataclass(frozen=True)
class Note:
    """An opened note: its text and its verified / unverified signatures."""

    text: str
    verified: tuple[NoteSignature, ...]
    unverified: tuple[NoteSignature, ...]

    def render(self) -> str:
        """The note with every signature line, verified ones first."""
        lines = "".join(s.line for s in self.verified + self.unverified)
        return f"{self.text}\n{lines}"


def check_text(text: str) -> None:
    """signed-note: text ends in a newline and has no control character but newline."""
    if not text.endswith("\n"):
        raise NoteError("Malformed note: the text must end with a newline.")
    if any(ord(c) < 0x20 and c != "\n" for c in text):
        raise NoteError("Malformed note: the text contains a control character.")


def sign_note(text: str, signers: Sequence[NoteSigner]) -> str:
    """Sign ``text`` with each signer and return the full note."""
    check_text(text)
    lines = []
    for signer in signers:
        if not is_valid_name(signer.name):
            raise NoteError(f"The signer name {signer.name!r} is not a valid key name.")
        sig = NoteSignature(signer.name, signer.key_id, signer.sign(text.encode()))
        lines.append(sig.line)
    return text + "\n" + "".join(lines)


def _decode_note(message: bytes | str) -> str:
    if isinstance(message, str):
        return message
    try:
        return message.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise NoteError("Malformed note: it is not valid UTF-8.") from exc


def parse_signature_line(line: str) -> NoteSignature:
    """Parse ``— name base64(keyid || sig)`` (without the newline)."""
    prefix = EM_DASH + " "
    if not line.startswith(prefix):
        raise NoteError("Malformed note: a signature line must start with an em dash.")
    parts = line[len(prefix) :].split(" ")
    if len(parts) != 2 or not is_valid_name(parts[0]):
        raise NoteError("Malformed note: a signature line has a bad key name.")
    raw = b64decode_strict(parts[1], "signature")
    if len(raw) < 5:
        raise NoteError("Malformed note: a signature is too short.")
    return NoteSignature(parts[0], raw[:4], raw[4:])


def parse_note(message: bytes | str) -> tuple[str, list[NoteSignature]]:
    """Split a note into its text and signature lines, checking the layout only."""
    msg = _decode_note(message)
    if any(ord(c) < 0x20 and c != "\n" for c in msg):
        raise NoteError("Malformed note: it contains a control character.")
    split = msg.rfind("\n\n")
    if split < 0:
        raise NoteError("Malformed note: there is no blank line before the signatures.")
    text, block = msg[: split + 1], msg[split + 2 :]
    if not block or not block.endswith("\n"):
        raise NoteError("Malformed note: the signature block is empty or lacks a final newline.")
    lines = block[:-1].split("\n")
    if len(lines) > MAX_SIGNATURES:
        raise NoteError(f"Malformed note: more than {MAX_SIGNATURES} signatures.")
    return text, [parse_signature_line(line) for line in lines]


def open_note(message: bytes | str, verifiers: Sequence[NoteVerifier]) -> Note:
    """Parse and verify a note (signed-note "Verifying" rules).

    Raises NoteError if a known key's signature is invalid or no known key verifies.
    """
    text, sigs = parse_note(message)
    known = {(v.name, v.key_id): v for v in verifiers}
    verified: list[NoteSignature] = []
    unverified: list[NoteSignature] = []
    seen: set[tuple[str, bytes]] = set()
    for sig in sigs:
        ident = (sig.name, sig.key_id)
        verifier = known.get(ident)
        if verifier is None:
            unverified.append(sig)
            continue
        if not verifier.verify(text.encode(), sig.signature):
            raise NoteError(f"invalid signature for key {sig.name}+{sig.key_id.hex()}")
        if ident not in seen:
            seen.add(ident)
            verified.append(sig)
    if not verified:
        raise NoteError("no verifiable signatures: no known key signed this note")
    return Note(text, tuple(verified), tuple(unverified))

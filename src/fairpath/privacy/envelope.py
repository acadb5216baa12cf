"""Envelope encryption of personal data (AES-256-GCM), one data key per worker.

Each worker's personal data is encrypted with that worker's own 256-bit data key; the data key
is stored only wrapped (encrypted) by the installation's master key. Erasing a worker destroys
the wrapped key, which makes every ciphertext under it unreadable: crypto-shredding
(GDPR Art. 17 without rewriting the journey log, see spec/ledger.md "What goes into a leaf").

Ciphertext layout: version byte 0x01 ‖ 12-byte random nonce ‖ AES-GCM ciphertext and tag.
The associated data binds a ciphertext to its place (e.g. `worker:w-0001:pii`), so a
ciphertext copied onto another row does not decrypt.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import threading
import weakref
from dataclasses import dataclass

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

_VERSION = b"\x01"
_NONCE_BYTES = 12
KEY_BYTES = 32


class DecryptionError(Exception):
    """A ciphertext did not decrypt: wrong key, wrong place, or tampered with."""


def new_key() -> bytes:
    """A fresh random 256-bit key."""
    return os.urandom(KEY_BYTES)


def encrypt(key: bytes, plaintext: bytes, associated_data: bytes) -> bytes:
    """Encrypt `plaintext` under `key`, bound to `associated_data`."""
    return encrypt_with(AESGCM(key), plaintext, associated_data)


def encrypt_with(
    cipher: AESGCM, plaintext: bytes, associated_data: bytes, nonce: bytes | None = None
) -> bytes:
    """`encrypt` with a cipher object made once for a key that encrypts many values.

    `nonce`: a fresh random 96-bit nonce from `Nonces` (never reused); by default one is drawn.
    """
    if nonce is None:
        nonce = os.urandom(_NONCE_BYTES)
    elif len(nonce) != _NONCE_BYTES:
        raise ValueError("an AES-GCM nonce here is 12 random bytes")
    return _VERSION + nonce + cipher.encrypt(nonce, plaintext, associated_data)


class RandomPool:
    """Fresh random byte strings of one size, drawn from the OS 64 KiB at a time.

    The same randomness as one `os.urandom(size)` per value, without a system call each (in
    this machine's VM a `getrandom` costs several microseconds; an import needs three random
    values per record). Each value is handed out once, also when threads share a pool.
    """

    def __init__(self, size: int) -> None:
        self.size = size
        self._batch = max(1, 65536 // size) * size
        self._pool = b""
        self._at = 0
        self._lock = threading.Lock()
        _POOLS.add(self)

    def forget(self) -> None:
        """Drop the values drawn so far (a forked child must not hand out its parent's)."""
        self._pool, self._at = b"", 0

    def take(self) -> bytes:
        """A value never handed out before."""
        with self._lock:
            if self._at + self.size > len(self._pool):
                self._pool, self._at = os.urandom(self._batch), 0
            value = self._pool[self._at : self._at + self.size]
            self._at += self.size
        return value


_POOLS: weakref.WeakSet[RandomPool] = weakref.WeakSet()


def _forget_after_fork() -> None:
    for pool in list(_POOLS):
        pool.forget()


os.register_at_fork(after_in_child=_forget_after_fork)


class Nonces(RandomPool):
    """Random 96-bit AES-GCM nonces (NIST SP 800-38D §8.2.2, random nonces), never reused."""

    def __init__(self) -> None:
        super().__init__(_NONCE_BYTES)


def decrypt(key: bytes, ciphertext: bytes, associated_data: bytes) -> bytes:
    """Decrypt what `encrypt` made; raises DecryptionError when it does not authenticate."""
    if not ciphertext.startswith(_VERSION) or len(ciphertext) < 1 + _NONCE_BYTES + 16:
        raise DecryptionError("not a fairpath ciphertext (unknown version or truncated)")
    nonce = ciphertext[1 : 1 + _NONCE_BYTES]
    try:
        return AESGCM(key).decrypt(nonce, ciphertext[1 + _NONCE_BYTES :], associated_data)
    except InvalidTag:
        raise DecryptionError("ciphertext does not authenticate under this key") from None


@dataclass(frozen=True, slots=True)
class MasterKey:
    """The installation's key-encryption key; never stored in the database."""

    secret: bytes

    def __post_init__(self) -> None:
        if len(self.secret) != KEY_BYTES:
            raise ValueError("the master key must be exactly 32 bytes")

    def wrap(self, data_key: bytes, owner: str) -> bytes:
        """Encrypt a data key for storage beside the records of `owner`."""
        return encrypt(self.secret, data_key, b"fairpath/data-key/v1|" + owner.encode())

    def unwrap(self, wrapped: bytes, owner: str) -> bytes:
        """Recover a data key wrapped by `wrap` for the same owner."""
        return decrypt(self.secret, wrapped, b"fairpath/data-key/v1|" + owner.encode())

    def derive(self, purpose: str) -> bytes:
        """A sub-key for one purpose (HMAC-SHA256 as a PRF; keys never reused across uses)."""
        return hmac.new(self.secret, b"fairpath/derive/v1|" + purpose.encode(), "sha256").digest()


def blind_index(index_key: bytes, kind: str, value: str) -> bytes:
    """A keyed, deterministic digest for equality lookups on an encrypted value.

    Values are normalised first (case, spaces, dashes) so that `AB 12-345` finds `ab12345`.
    Keyed with HMAC so that a database thief cannot test guesses without the master key.
    """
    normalised = "".join(ch for ch in value.casefold() if ch.isalnum() or ch == "+")
    return hmac.new(index_key, f"{kind}|{normalised}".encode(), hashlib.sha256).digest()

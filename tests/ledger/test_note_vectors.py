"""golang.org/x/mod signed-note vectors (C2SP signed-note, Ed25519 type 0x01)."""

from __future__ import annotations

import base64
import json
import re
from typing import Any

import pytest

from fairpath.ledger.errors import NoteError
from fairpath.ledger.note import (
    Ed25519Signer,
    generate_key,
    open_note,
    parse_note,
    parse_skey,
    parse_vkey,
    sign_note,
)

from .conftest import VECTORS

V: dict[str, Any] = json.loads((VECTORS / "signed-note" / "vectors.json").read_text())
KEYS = V["keys"]
PETER_VKEY = KEYS["peter"]["vkey"]


def test_skey_and_vkey_round_trip() -> None:
    signer = parse_skey(KEYS["peter"]["skey"])
    assert signer.skey == KEYS["peter"]["skey"]
    assert signer.verifier().vkey == PETER_VKEY
    assert parse_vkey(KEYS["enoch"]["vkey"]).vkey == KEYS["enoch"]["vkey"]


@pytest.mark.parametrize("case", V["sign"])
def test_sign(case: dict[str, Any]) -> None:
    signer = parse_skey(KEYS[case["skey"]]["skey"])
    assert sign_note(case["text"], [signer]) == case["want_note"]


@pytest.mark.parametrize("case", V["open"], ids=lambda c: c.get("want_error", "ok"))
def test_open(case: dict[str, Any]) -> None:
    verifiers = [parse_vkey(KEYS[k]["vkey"]) for k in case["verifiers"]]
    if "want_error" in case:
        with pytest.raises(NoteError, match="(?i)" + re.escape(case["want_error"].split(" (")[0])):
            open_note(case["note"], verifiers)
        return
    note = open_note(case["note"], verifiers)
    assert note.text == case["want_text"]
    assert [s.name for s in note.verified] == case["want_verified"]
    assert [s.name for s in note.unverified] == case["want_unverified"]


@pytest.mark.parametrize("raw", V["malformed_notes_base64"])
def test_malformed_notes_rejected(raw: str) -> None:
    peter = parse_vkey(PETER_VKEY)
    with pytest.raises(NoteError, match=r"[Mm]alformed"):
        open_note(base64.b64decode(raw), [peter])


@pytest.mark.parametrize("vkey", V["bad_vkeys"])
def test_bad_vkeys_rejected(vkey: str) -> None:
    with pytest.raises(NoteError):
        parse_vkey(vkey)


def test_every_substring_and_byte_increment_of_vkey_rejected() -> None:
    for i in range(len(PETER_VKEY)):
        for j in range(i + 1, len(PETER_VKEY) + 1):
            if (i, j) == (0, len(PETER_VKEY)):
                continue
            with pytest.raises(NoteError):
                parse_vkey(PETER_VKEY[i:j])
    for i, ch in enumerate(PETER_VKEY):
        bumped = PETER_VKEY[:i] + chr(ord(ch) + 1) + PETER_VKEY[i + 1 :]
        with pytest.raises(NoteError):
            parse_vkey(bumped)


def test_generated_key_signs_and_verifies() -> None:
    skey, vkey = generate_key("ngo.example/log", random=lambda n: b"\x07" * n)
    note = sign_note("hello\n", [parse_skey(skey)])
    assert open_note(note, [parse_vkey(vkey)]).verified[0].name == "ngo.example/log"


def test_text_rules() -> None:
    signer = Ed25519Signer("n", bytes(32))
    with pytest.raises(NoteError):
        sign_note("no newline", [signer])
    with pytest.raises(NoteError):
        sign_note("tab\there\n", [signer])
    text, sigs = parse_note(sign_note("a\n\nb\n", [signer]))
    assert text == "a\n\nb\n" and len(sigs) == 1  # the text ends at the last blank line

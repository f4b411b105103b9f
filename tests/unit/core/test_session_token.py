"""est_data.core.session_token: signed, expiring tokens that survive a reload."""
from __future__ import annotations

import os
import stat

import pytest

from est_data.core import session_token as tok

SECRET = b"k" * 32
NOW = 1_800_000_000.0


def test_round_trip():
    token = tok.issue("anna", "scrypt$hash", SECRET, NOW, ttl_s=60)
    claims = tok.verify(token, SECRET, NOW + 59)
    assert claims.username == "anna"
    assert claims.expires == int(NOW) + 60
    assert claims.fingerprint == tok.fingerprint("scrypt$hash")


def _flip(text: str) -> str:
    return text[:-1] + ("A" if text[-1] != "A" else "B")


@pytest.mark.parametrize("make_bad", [
    lambda t: None,
    lambda t: "",
    lambda t: "not-a-token",
    lambda t: t + ".x",
    lambda t: _flip(t),                                   # signature changed
    lambda t: _flip(t.split(".")[0]) + "." + t.split(".")[1],   # payload changed
    lambda t: "x" * 5000,
])
def test_tampered_or_malformed_tokens_are_refused(make_bad):
    token = tok.issue("anna", "h", SECRET, NOW)
    assert tok.verify(make_bad(token), SECRET, NOW) is None


def test_expired_and_other_key_are_refused():
    token = tok.issue("anna", "h", SECRET, NOW, ttl_s=60)
    assert tok.verify(token, SECRET, NOW + 60) is None
    assert tok.verify(token, b"other" * 8, NOW) is None


def test_forged_user_name_is_refused():
    import base64, json
    token = tok.issue("anna", "h", SECRET, NOW)
    payload, sig = token.split(".")
    body = json.loads(base64.urlsafe_b64decode(payload + "=="))
    body["u"] = "admin"
    forged = base64.urlsafe_b64encode(json.dumps(body).encode()).rstrip(b"=").decode()
    assert tok.verify(f"{forged}.{sig}", SECRET, NOW) is None


def test_secret_is_created_once_owner_only(tmp_path):
    path = tmp_path / "sub" / ".session_secret"
    first = tok.load_or_create_secret(path)
    assert len(first) == tok.SECRET_BYTES
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert tok.load_or_create_secret(path) == first


def test_revoked_ids():
    revoked = tok.Revoked()
    claims = tok.verify(tok.issue("anna", "h", SECRET, NOW, ttl_s=10), SECRET, NOW)
    assert claims not in revoked
    revoked.add(claims)
    assert claims in revoked
    revoked.prune(NOW + 11)
    assert claims not in revoked

"""Crossbar auth tokens, shaped like Kazoo's JWTs (header.payload.signature, base64url JSON).

Kazoo signs with RS256 keys of its own; clients never verify the signature, they only read `exp`
(REFERENCE.md §5.2). We sign with HMAC so that a forged or foreign token is refused.
"""

import base64
import hashlib
import hmac
import json
import secrets
import threading
import time
from dataclasses import dataclass


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


@dataclass(frozen=True)
class Claims:
    account_id: str
    owner_id: str | None
    method: str  # cb_api_auth | cb_user_auth
    exp: int


class TokenError(Exception):
    """Why a token is refused: "token expired" or "invalid credentials" (Kazoo's words)."""


class TokenAuthority:
    """Issues and checks tokens. Thread-safe: faults may expire tokens from another thread."""

    def __init__(self, ttl: float = 3600) -> None:
        self.ttl = ttl
        self._secret = secrets.token_bytes(32)
        self._lock = threading.Lock()
        self._live: set[str] = set()  # tokens issued and not force-expired
        self._expired: set[str] = set()

    def issue(self, account_id: str, owner_id: str | None, method: str) -> str:
        header = {"alg": "HS256", "typ": "JWT"}
        payload: dict[str, object] = {
            "account_id": account_id,
            "method": method,
            "exp": int(time.time() + self.ttl),
            # A unique id: two tokens issued in the same second must differ, as Kazoo's do.
            "jti": secrets.token_hex(8),
        }
        if owner_id:
            payload["owner_id"] = owner_id
        signing_input = _b64(json.dumps(header).encode()) + "." + _b64(json.dumps(payload).encode())
        token = signing_input + "." + _b64(self._sign(signing_input))
        with self._lock:
            self._live.add(token)
        return token

    def check(self, token: str) -> Claims:
        """The token's claims, or TokenError."""
        try:
            signing_input, signature = token.rsplit(".", 1)
            payload = json.loads(_unb64(signing_input.split(".")[1]))
            valid = hmac.compare_digest(_unb64(signature), self._sign(signing_input))
        except (ValueError, IndexError, TypeError):
            raise TokenError("invalid credentials") from None
        if not valid or not isinstance(payload, dict) or "account_id" not in payload:
            raise TokenError("invalid credentials")
        with self._lock:
            forced = token in self._expired
        if forced or payload.get("exp", 0) <= time.time():
            raise TokenError("token expired")
        return Claims(
            payload["account_id"], payload.get("owner_id"), payload["method"], payload["exp"]
        )

    def expire_all(self) -> None:
        """Every token issued so far is expired from now on; new ones are valid."""
        with self._lock:
            self._expired |= self._live
            self._live = set()

    def _sign(self, signing_input: str) -> bytes:
        return hmac.new(self._secret, signing_input.encode(), hashlib.sha256).digest()

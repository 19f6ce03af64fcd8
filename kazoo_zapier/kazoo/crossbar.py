"""The Crossbar REST client: the one seam between this service and Kazoo's HTTP API.

Two ways to authenticate, as in Kazoo (REFERENCE.md §5.2):
- the provider's API key (`PUT /v2/api_auth`): the service's own token, cached and renewed before
  Kazoo's one-hour expiry, and once more on a 401;
- a user's credentials (`PUT /v2/user_auth`, md5 of "username:password"): the sign-in check.

Every call has a connect and a read timeout. Errors are typed (errors.py) and keep Kazoo's words.
"""

import base64
import functools
import hashlib
import json
import logging
import threading
import time
import uuid
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

import requests
from django.conf import settings

from kazoo_zapier.kazoo.errors import (
    KazooAuthError,
    KazooError,
    KazooNotFound,
    KazooRateLimited,
    KazooServerError,
    KazooUnreachable,
    KazooValidationError,
)

logger = logging.getLogger(__name__)

# Kazoo's JWTs live an hour by default; without a readable `exp` we assume that.
DEFAULT_TOKEN_LIFETIME = 3600.0


@dataclass(frozen=True)
class AuthSession:
    """A Crossbar token and who it speaks for."""

    token: str
    account_id: str
    owner_id: str | None
    expires_at: float  # unix time

    def expires_within(self, seconds: float) -> bool:
        return time.time() + seconds >= self.expires_at


def md5_credentials(username: str, password: str) -> str:
    """Kazoo's user_auth credentials: md5 of "username:password", usernames being lower case."""
    return hashlib.md5(f"{username.lower()}:{password}".encode(), usedforsecurity=False).hexdigest()


def token_expiry(token: str, *, now: float | None = None) -> float:
    """The `exp` claim of a Kazoo JWT, read without verifying it (only Kazoo needs to trust it)."""
    now = time.time() if now is None else now
    try:
        payload = token.split(".")[1]
        claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
        return float(claims["exp"])
    except (IndexError, ValueError, KeyError, TypeError):
        return now + DEFAULT_TOKEN_LIFETIME


def _error_for(status: int, body: dict[str, Any] | None, path: str) -> KazooError:
    body = body or {}
    kazoo_message = body.get("message") if isinstance(body.get("message"), str) else None
    data = body.get("data")
    if isinstance(data, dict) and not kazoo_message and isinstance(data.get("message"), str):
        kazoo_message = data["message"]
    details = {"status": status, "kazoo_message": kazoo_message, "data": data}
    if status in (401, 403):
        return KazooAuthError(
            "Kazoo refused the credentials" if status == 401 else "Kazoo forbids this", **details
        )
    if status == 404:
        return KazooNotFound(f"Kazoo has no such resource: {path}", **details)
    if status == 400:
        return KazooValidationError("Kazoo refused the request as invalid", **details)
    if status == 429:
        return KazooRateLimited("Kazoo is rate limiting this client", **details)
    return KazooServerError(f"Kazoo answered with an error ({status})", **details)


class CrossbarClient:
    """A thread-safe Crossbar client for one Kazoo cluster."""

    def __init__(
        self,
        base_url: str,
        api_key: str,
        *,
        connect_timeout: float = 3.0,
        read_timeout: float = 10.0,
        renew_before: float = 300.0,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.api_key = api_key
        self.timeout = (connect_timeout, read_timeout)
        # Renew the service token this long before it expires: a Blackhole reconnect needs a
        # token that is still valid, and the listener may reconnect at any moment.
        self.renew_before = renew_before
        self._http = requests.Session()
        self._session: AuthSession | None = None
        self._lock = threading.Lock()

    # --- transport ------------------------------------------------------------------------------
    def _send(
        self,
        method: str,
        path: str,
        *,
        token: str | None = None,
        params: dict[str, Any] | None = None,
        payload: dict[str, Any] | None = None,
        timeout: tuple[float, float] | None = None,
    ) -> dict[str, Any]:
        headers = {"Accept": "application/json", "X-Request-ID": uuid.uuid4().hex}
        if token:
            headers["X-Auth-Token"] = token
        url = self.base_url + path
        try:
            response = self._http.request(
                method,
                url,
                params=params,
                json=payload,
                headers=headers,
                timeout=timeout or self.timeout,
                allow_redirects=False,
            )
        except requests.Timeout as error:
            raise KazooUnreachable(f"Kazoo did not answer in time ({method} {path})") from error
        except requests.RequestException as error:
            raise KazooUnreachable(f"Kazoo is unreachable at {self.base_url}: {error}") from error

        try:
            body = response.json()
        except ValueError:
            body = None
        if not isinstance(body, dict):
            body = None
        if response.status_code >= 400 or body is None or body.get("status") == "error":
            if response.status_code < 400:
                raise KazooServerError(
                    f"Kazoo answered {response.status_code} without its JSON envelope",
                    status=response.status_code,
                )
            error = _error_for(response.status_code, body, path)
            if isinstance(error, KazooRateLimited):
                error.retry_after = _retry_after(response)
            raise error
        return body

    # --- authentication -------------------------------------------------------------------------
    def _session_from(self, body: dict[str, Any]) -> AuthSession:
        token = body.get("auth_token")
        data = body.get("data") or {}
        if not token or not data.get("account_id"):
            raise KazooServerError("Kazoo's authentication answer has no token or account")
        return AuthSession(
            token=token,
            account_id=data["account_id"],
            owner_id=data.get("owner_id"),
            expires_at=token_expiry(token),
        )

    def api_auth(self) -> AuthSession:
        """A fresh service token from the provider's API key (also replaces the cached one)."""
        body = self._send("PUT", "/api_auth", payload={"data": {"api_key": self.api_key}})
        session = self._session_from(body)
        self._session = session
        return session

    def user_auth(self, account_name: str, username: str, password: str) -> AuthSession:
        """Check a user's Kazoo credentials. The password is hashed here and never kept."""
        payload = {
            "data": {
                "credentials": md5_credentials(username, password),
                "account_name": account_name,
                "method": "md5",
            }
        }
        return self._session_from(self._send("PUT", "/user_auth", payload=payload))

    def session(self) -> AuthSession:
        """The service's session, renewed when it is about to expire."""
        with self._lock:
            if self._session is None or self._session.expires_within(self.renew_before):
                self.api_auth()
            assert self._session is not None
            return self._session

    def token(self) -> str:
        return self.session().token

    def _invalidate(self, token: str) -> None:
        with self._lock:
            if self._session is not None and self._session.token == token:
                self._session = None

    # --- requests -------------------------------------------------------------------------------
    def request(self, method: str, path: str, *, token: str | None = None, **options: Any) -> dict:
        """One Crossbar call; returns the whole envelope. Options: params, payload, timeout.

        With no `token`, the service token is used, and a 401 re-authenticates once (Kazoo may
        have restarted, or revoked the token) before the error is raised.
        """
        if token is not None:
            return self._send(method, path, token=token, **options)
        service_token = self.token()
        try:
            return self._send(method, path, token=service_token, **options)
        except KazooAuthError as error:
            if error.status != 401:
                raise
            logger.info("Kazoo refused the service token; authenticating again")
            self._invalidate(service_token)
            return self._send(method, path, token=self.token(), **options)

    def get(self, path: str, **kwargs: Any) -> Any:
        return self.request("GET", path, **kwargs)["data"]

    def get_all(self, path: str, *, params: dict[str, Any] | None = None, **kwargs: Any) -> list:
        """Every item of a paginated listing, following Kazoo's next_start_key."""
        items: list = []
        params = dict(params or {})
        while True:
            body = self.request("GET", path, params=params, **kwargs)
            items.extend(body.get("data") or [])
            next_key = body.get("next_start_key")
            if not next_key:
                return items
            params["start_key"] = next_key

    # --- the calls the service needs ------------------------------------------------------------
    def ping(self) -> None:
        """Kazoo answers and accepts our API key: the readiness check."""
        self.get(f"/accounts/{self.session().account_id}")

    def account(self, account_id: str, **kwargs: Any) -> dict:
        return self.get(f"/accounts/{account_id}", **kwargs)

    def parents(self, account_id: str, **kwargs: Any) -> list[dict]:
        """The account's ancestors as `{id, name}`, the root first."""
        return self.get(f"/accounts/{account_id}/parents", **kwargs)

    def users(self, account_id: str, **kwargs: Any) -> list[dict]:
        return self.get_all(f"/accounts/{account_id}/users", **kwargs)

    def user(self, account_id: str, user_id: str, **kwargs: Any) -> dict:
        return self.get(f"/accounts/{account_id}/users/{user_id}", **kwargs)

    def devices(self, account_id: str, **kwargs: Any) -> list[dict]:
        return self.get_all(f"/accounts/{account_id}/devices", **kwargs)

    def user_devices(self, account_id: str, user_id: str, **kwargs: Any) -> list[dict]:
        return self.get_all(f"/accounts/{account_id}/users/{user_id}/devices", **kwargs)

    def device(self, account_id: str, device_id: str, **kwargs: Any) -> dict:
        return self.get(f"/accounts/{account_id}/devices/{device_id}", **kwargs)

    def devices_status(self, account_id: str, **kwargs: Any) -> list[dict]:
        return self.get_all(f"/accounts/{account_id}/devices/status", **kwargs)

    def channels(self, account_id: str, **kwargs: Any) -> list[dict]:
        return self.get_all(f"/accounts/{account_id}/channels", **kwargs)

    def cdrs(
        self, account_id: str, created_from: int, created_to: int, **kwargs: Any
    ) -> list[dict]:
        """CDRs between two Gregorian timestamps (Kazoo refuses a range over 31 days)."""
        params = {"created_from": created_from, "created_to": created_to}
        return self.get_all(f"/accounts/{account_id}/cdrs", params=params, **kwargs)

    def acdc_call_stats(
        self, account_id: str, created_from: int, created_to: int, **kwargs: Any
    ) -> list[dict]:
        params = {"created_from": created_from, "created_to": created_to}
        return self.get_all(f"/accounts/{account_id}/acdc_call_stats", params=params, **kwargs)

    def queues(self, account_id: str, **kwargs: Any) -> list[dict]:
        return self.get_all(f"/accounts/{account_id}/queues", **kwargs)

    def agents_status(self, account_id: str, **kwargs: Any) -> Any:
        return self.get(f"/accounts/{account_id}/agents/status", **kwargs)

    # --- what Zapier's actions and searches use (REFERENCE §8.4-8.7) -----------------------------
    def agents(self, account_id: str, **kwargs: Any) -> list[dict]:
        """The account's agents: users with queues, each with `queues` (agents/crossbar_listing)."""
        return self.get_all(f"/accounts/{account_id}/agents", **kwargs)

    def agent_status(self, account_id: str, agent_id: str, **kwargs: Any) -> Any:
        """An agent's most recent status ("ready", "paused"...); Kazoo's shape varies by version."""
        return self.get(f"/accounts/{account_id}/agents/{agent_id}/status", **kwargs)

    def change_agent_status(
        self, account_id: str, agent_id: str, status: str, *, timeout: int | str | None = None
    ) -> Any:
        """login | logout | pause | resume | end_wrapup. Fire-and-forget: Kazoo answers "status
        update sent" whatever the agent does, so the caller confirms from agent_status. A pause
        timeout is sent as a JSON number (or "infinity"): a string number would be dropped."""
        data: dict[str, Any] = {"status": status}
        if timeout is not None:
            data["timeout"] = timeout
        path = f"/accounts/{account_id}/agents/{agent_id}/status"
        return self.request("POST", path, payload={"data": data})["data"]

    def agent_queue_status(
        self, account_id: str, agent_id: str, action: str, queue_id: str
    ) -> list[str]:
        """Log an agent in to (or out of) one queue; Kazoo answers the agent's queues."""
        path = f"/accounts/{account_id}/agents/{agent_id}/queue_status"
        payload = {"data": {"action": action, "queue_id": queue_id}}
        return self.request("POST", path, payload=payload)["data"] or []

    def patch_user(self, account_id: str, user_id: str, changes: dict[str, Any]) -> dict:
        """PATCH deep-merges `changes` into the user document (a None removes a key)."""
        path = f"/accounts/{account_id}/users/{user_id}"
        return self.request("PATCH", path, payload={"data": changes})["data"]

    def user_cdrs(
        self, account_id: str, user_id: str, created_from: int, created_to: int, **kwargs: Any
    ) -> list[dict]:
        params = {"created_from": created_from, "created_to": created_to}
        path = f"/accounts/{account_id}/users/{user_id}/cdrs"
        return self.get_all(path, params=params, **kwargs)

    def phone_numbers(self, account_id: str, **kwargs: Any) -> dict[str, dict]:
        """The account's numbers: {number: {state, features, ...}}."""
        path = f"/accounts/{account_id}/phone_numbers"
        data = self.get(path, params={"paginate": "false"}, **kwargs)
        return (data or {}).get("numbers") or {}

    def send_sms(self, account_id: str, to: str, body: str, *, sender: str | None) -> dict:
        payload: dict[str, Any] = {"to": to, "body": body}
        if sender:
            payload["from"] = sender
        return self.request("PUT", f"/accounts/{account_id}/sms", payload={"data": payload})["data"]

    def quickcall(
        self,
        account_id: str,
        number: str,
        *,
        device_id: str | None = None,
        user_id: str | None = None,
        auto_answer: bool | None = None,
        caller_id_name: str | None = None,
        caller_id_number: str | None = None,
        ring_timeout: int = 30,
        token: str | None = None,
    ) -> dict:
        """Ring a device (or every device of a user); on answer Kazoo dials `number`.

        POST, Kazoo's blocking form: it answers once the device leg exists, or 500 with the
        reason (DESTINATION_OUT_OF_ORDER...). The GET form answers 202 even when nothing can be
        dialled, which would hide the failure from the user.
        """
        if (device_id is None) == (user_id is None):
            raise ValueError("quickcall needs exactly one of device_id and user_id")
        target = f"devices/{device_id}" if device_id else f"users/{user_id}"
        params: dict[str, Any] = {"timeout": ring_timeout}
        if auto_answer is not None:
            params["auto_answer"] = str(auto_answer).lower()
        if caller_id_name:
            params["cid-name"] = caller_id_name
        if caller_id_number:
            params["cid-number"] = caller_id_number
        path = f"/accounts/{account_id}/{target}/quickcall/{quote(number, safe='+')}"
        # Kazoo holds the request until the phone starts ringing: allow for the ring timeout.
        timeout = (self.timeout[0], self.timeout[1] + ring_timeout)
        return self.request("POST", path, params=params, token=token, timeout=timeout)["data"]


def _retry_after(response: requests.Response) -> float | None:
    try:
        return float(response.headers.get("Retry-After", ""))
    except ValueError:
        return None


@functools.cache
def get_crossbar() -> CrossbarClient:
    """The process's Crossbar client from settings; tests call get_crossbar.cache_clear()."""
    return CrossbarClient(
        settings.KAZOO_API_URL,
        settings.KAZOO_API_KEY,
        connect_timeout=settings.KAZOO_CONNECT_TIMEOUT_SECONDS,
        read_timeout=settings.KAZOO_TIMEOUT_SECONDS,
    )

"""Crossbar, Kazoo's REST API, for the endpoints this project uses (REFERENCE.md §5).

Kazoo's envelope on every answer, its error codes and words, JWT-shaped tokens that expire, the
account hierarchy as the limit of what a token may read, and Kazoo's pagination.
"""

import asyncio
import hashlib
import json
import secrets
import uuid
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from aiohttp import web

from kazoo_zapier.kazoo.simulator.crossbar_agents import AgentsApi
from kazoo_zapier.kazoo.simulator.crossbar_sms import SmsApi
from kazoo_zapier.kazoo.simulator.crossbar_users import UsersApi
from kazoo_zapier.kazoo.simulator.scenarios.calls import direct_did
from kazoo_zapier.kazoo.simulator.scenarios.quickcall import ORIGINATE_FAILS_NUMBER
from kazoo_zapier.kazoo.simulator.state import gregorian_now
from kazoo_zapier.kazoo.simulator.tokens import Claims, TokenError
from kazoo_zapier.kazoo.simulator.world import Account, Device, User

if TYPE_CHECKING:
    from kazoo_zapier.kazoo.simulator.server import KazooSimulator

KAZOO_VERSION = "4.3.142"
REQUEST_ID = web.RequestKey("request_id", str)
AUTH_TOKEN = web.RequestKey("auth_token", str)  # echoed in the envelope once known
NODE = "c2ltdWxhdG9yQGthem9v"  # Kazoo puts a base64 node name here
DEFAULT_PAGE_SIZE = 50
MAX_RANGE_SECONDS = 31 * 86400 + 3600  # crossbar.maximum_range
QUICKCALL_NUMBER_STRIP = str.maketrans("", "", " ,.-()")

# cb_acdc_call_stats.erl ?COLUMNS: the listing carries these, "" when absent.
ACDC_CALL_STATS_COLUMNS = (
    "id",
    "handled_timestamp",
    "caller_id_number",
    "caller_id_name",
    "entered_position",
    "status",
    "agent_id",
    "wait_time",
    "talk_time",
    "queue_id",
)

# cb_context:add_system_error/2: the `message` and `data.message` Kazoo gives each status.
SYSTEM_ERRORS: dict[int, tuple[str, str]] = {
    400: ("invalid request", "invalid request"),
    401: ("invalid_credentials", "invalid credentials"),
    402: ("no_credit", "insufficient funds"),
    403: ("forbidden", "forbidden"),
    404: ("bad_identifier", "bad identifier"),
    405: ("invalid_method", "invalid method"),
    409: ("datastore_conflict", "conflicting documents"),
    416: ("range_not_satisfiable", "range not satisfiable"),
    429: ("too_many_requests", "too many requests"),
    500: ("internal_server_error", "internal server error"),
    503: ("datastore_unreachable", "datastore unreachable"),
}


class CrossbarError(Exception):
    """An error answer with Kazoo's envelope."""

    def __init__(self, status: int, message: str | None = None, data: Any = None) -> None:
        default_message, default_detail = SYSTEM_ERRORS.get(status, ("error", "error"))
        self.status = status
        self.message = message or default_message
        self.data = data if data is not None else {"message": default_detail}
        super().__init__(f"{status} {self.message}")


def _iso_now() -> str:
    return datetime.now(tz=UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _request_token(request: web.Request, body: dict[str, Any]) -> str:
    return (
        request.headers.get("X-Auth-Token")
        or request.query.get("auth_token")
        or (body.get("auth_token") if isinstance(body.get("auth_token"), str) else "")
        or ""
    )


def _is_true(value: Any, default: bool) -> bool:
    if value is None:
        return default
    if isinstance(value, bool):
        return value
    return str(value).lower() not in ("false", "0", "no")


class CrossbarApi:
    def __init__(self, sim: "KazooSimulator") -> None:
        self.sim = sim
        self.requests_served = 0

    @property
    def world(self):
        return self.sim.world

    # --- the application ------------------------------------------------------------------------
    def routes(self, app: web.Application) -> None:
        r = app.router
        a = "/v2/accounts/{account_id}"
        r.add_put("/v2/api_auth", self.api_auth)
        r.add_put("/v2/user_auth", self.user_auth)
        r.add_get("/v2/token_auth", self.token_auth)
        r.add_get(a, self.account)
        r.add_get(a + "/parents", self.parents)
        r.add_get(a + "/users", self.users)
        r.add_get(a + "/users/{user_id}", self.user)
        r.add_get(a + "/users/{user_id}/devices", self.user_devices)
        r.add_route("*", a + "/users/{user_id}/quickcall/{number}", self.quickcall)
        r.add_get(a + "/devices", self.devices)
        r.add_get(a + "/devices/status", self.devices_status)
        r.add_get(a + "/devices/{device_id}", self.device)
        r.add_route("*", a + "/devices/{device_id}/quickcall/{number}", self.quickcall)
        r.add_get(a + "/channels", self.channels)
        r.add_get(a + "/cdrs", self.cdrs)
        r.add_get(a + "/acdc_call_stats", self.acdc_call_stats)
        r.add_get(a + "/queues", self.queues)
        r.add_get(a + "/queues/{queue_id}", self.queue)
        r.add_get(a + "/agents/status", self.agents_status)
        r.add_get(a + "/agents/status/{user_id}", self.agent_status)
        # What Zapier's actions use: agent control, user PATCH and a user's CDRs, SMS.
        for extra in (AgentsApi, UsersApi, SmsApi):
            extra(self).routes(r, a)
        r.add_route("*", "/v2/{tail:.*}", self.unknown_endpoint)

    @web.middleware
    async def middleware(
        self, request: web.Request, handler: Callable[[web.Request], Awaitable[web.StreamResponse]]
    ) -> web.StreamResponse:
        if not request.path.startswith("/v2"):
            return await handler(request)  # the /sim/ control API: no faults, no envelope
        self.requests_served += 1
        request_id = request.headers.get("X-Request-ID") or uuid.uuid4().hex
        request[REQUEST_ID] = request_id
        faults = self.sim.faults
        if faults.current_delay:
            await asyncio.sleep(faults.current_delay)
        try:
            failure = faults.take_failure(request.path_qs)
            if failure is not None:
                raise CrossbarError(failure)
            response = await handler(request)
        except CrossbarError as error:
            response = self._error_response(request, error)
        except web.HTTPMethodNotAllowed:
            response = self._error_response(request, CrossbarError(405))
        response.headers["X-Request-ID"] = request_id
        return response

    # --- envelopes ------------------------------------------------------------------------------
    def ok(self, request: web.Request, data: Any, *, status: int = 200, **extra: Any):
        body = {
            "auth_token": request.get(AUTH_TOKEN, ""),
            "status": "success",
            "request_id": request[REQUEST_ID],
            "node": NODE,
            "version": KAZOO_VERSION,
            "timestamp": _iso_now(),
            "revision": secrets.token_hex(16),
            **extra,
            "data": data,
        }
        return web.json_response(body, status=status)

    def _error_response(self, request: web.Request, error: CrossbarError) -> web.Response:
        body = {
            "auth_token": request.get(AUTH_TOKEN, ""),
            "request_id": request.get(REQUEST_ID, ""),
            "node": NODE,
            "version": KAZOO_VERSION,
            "timestamp": _iso_now(),
            "status": "error",
            "message": error.message,
            "error": str(error.status),
            "data": error.data,
        }
        return web.json_response(body, status=error.status)

    def page(self, request: web.Request, items: list[Any]) -> web.Response:
        """Kazoo's pagination: page_size items from start_key, next_start_key while more remain.
        Keys are opaque to clients; ours are positions in the listing."""
        if not _is_true(request.query.get("paginate"), True):
            return self.ok(request, items)
        try:
            size = int(request.query.get("page_size", DEFAULT_PAGE_SIZE))
            start = int(request.query.get("start_key", 0))
        except ValueError:
            raise CrossbarError(
                400, "validation error", {"page_size": {"type": {"message": "not an integer"}}}
            ) from None
        size = max(1, size)
        start = max(0, start)
        chunk = items[start : start + size]
        extra: dict[str, Any] = {"page_size": len(chunk), "start_key": str(start)}
        if start + size < len(items):
            extra["next_start_key"] = str(start + size)
        return self.ok(request, chunk, **extra)

    # --- authentication -------------------------------------------------------------------------
    async def _body(self, request: web.Request) -> dict[str, Any]:
        if not request.can_read_body:
            return {}
        try:
            body = json.loads(await request.text() or "{}")
        except ValueError:
            raise CrossbarError(
                400, "invalid request", {"message": "failed to decode json", "error": "parse_error"}
            ) from None
        if not isinstance(body, dict):
            raise CrossbarError(400, "invalid request", {"message": "json is not an object"})
        return body

    def _claims(self, request: web.Request, body: dict[str, Any] | None = None) -> Claims:
        token = _request_token(request, body or {})
        if not token:
            raise CrossbarError(401)
        try:
            claims = self.sim.tokens.check(token)
        except TokenError as error:
            raise CrossbarError(401, "invalid_credentials", {"message": str(error)}) from None
        request[AUTH_TOKEN] = token
        return claims

    def _account(self, request: web.Request, body: dict[str, Any] | None = None) -> Account:
        """The URL's account, if the token may act on it (cb_simple_authz)."""
        claims = self._claims(request, body)
        account_id = request.match_info["account_id"]
        account = self.world.account(account_id)
        if claims.method == "cb_user_auth":
            allowed = account_id == claims.account_id
        else:
            allowed = self.world.is_descendant(claims.account_id, account_id)
        if account is None or not allowed:
            raise CrossbarError(403)
        return account

    def _auth_response(self, request, token: str, claims_account: Account, owner: User | None):
        request[AUTH_TOKEN] = token
        data: dict[str, Any] = {
            "account_id": claims_account.id,
            "apps": [],
            "is_reseller": claims_account.parent_id is None,
            "language": (owner.language if owner else "") or claims_account.language,
            "reseller_id": claims_account.parent_id or claims_account.id,
        }
        if owner is not None:
            data["owner_id"] = owner.id
        return self.ok(request, data, status=201)

    async def api_auth(self, request: web.Request) -> web.Response:
        body = await self._body(request)
        api_key = (body.get("data") or {}).get("api_key")
        if not api_key or not secrets.compare_digest(str(api_key), self.world.api_key):
            raise CrossbarError(401)
        master = self.world.master
        token = self.sim.tokens.issue(master.id, None, "cb_api_auth")
        return self._auth_response(request, token, master, None)

    async def user_auth(self, request: web.Request) -> web.Response:
        body = await self._body(request)
        data = body.get("data") or {}
        credentials = str(data.get("credentials") or "")
        method = str(data.get("method") or "md5").lower()
        account = self.world.account_by_name(str(data.get("account_name") or ""))
        if account is None or not credentials:
            raise CrossbarError(401)
        hasher = hashlib.sha1 if method == "sha" else hashlib.md5
        for user in account.users:
            expected = hasher(
                f"{user.username.lower()}:{user.password}".encode(), usedforsecurity=False
            ).hexdigest()
            if user.enabled and secrets.compare_digest(expected, credentials.lower()):
                token = self.sim.tokens.issue(account.id, user.id, "cb_user_auth")
                return self._auth_response(request, token, account, user)
        raise CrossbarError(401)

    async def token_auth(self, request: web.Request) -> web.Response:
        claims = self._claims(request)
        return self.ok(
            request,
            {
                "account_id": claims.account_id,
                "owner_id": claims.owner_id,
                "method": claims.method,
                "exp": claims.exp,
            },
        )

    # --- documents from the world ---------------------------------------------------------------
    async def account(self, request: web.Request) -> web.Response:
        account = self._account(request)
        return self.ok(
            request,
            {
                "id": account.id,
                "name": account.name,
                "realm": account.realm,
                "enabled": True,
                "language": account.language,
                "timezone": account.timezone,
                "is_reseller": account.parent_id is None,
                "reseller_id": account.parent_id or account.id,
                "descendants_count": sum(
                    1 for a in self.world.accounts if a.parent_id == account.id
                ),
            },
        )

    async def parents(self, request: web.Request) -> web.Response:
        """cb_accounts' /parents: the account's ancestors, the root first."""
        account = self._account(request)
        chain = []
        parent = self.world.account(account.parent_id) if account.parent_id else None
        while parent is not None:
            chain.insert(0, {"id": parent.id, "name": parent.name})
            parent = self.world.account(parent.parent_id) if parent.parent_id else None
        return self.ok(request, chain)

    async def users(self, request: web.Request) -> web.Response:
        account = self._account(request)
        return self.page(request, [_user_listing(user) for user in account.users])

    async def user(self, request: web.Request) -> web.Response:
        account = self._account(request)
        user = self._find_user(account, request.match_info["user_id"])
        return self.ok(request, user_document(self.sim, account, user))

    async def user_devices(self, request: web.Request) -> web.Response:
        account = self._account(request)
        user = self._find_user(account, request.match_info["user_id"])
        items = [{**_device_listing(d), "hotdesked": False} for d in account.devices_of(user.id)]
        return self.page(request, items)

    async def devices(self, request: web.Request) -> web.Response:
        account = self._account(request)
        return self.page(request, [_device_listing(device) for device in account.devices])

    async def device(self, request: web.Request) -> web.Response:
        account = self._account(request)
        device = self._find_device(account, request.match_info["device_id"])
        return self.ok(request, _device_doc(account, device))

    async def devices_status(self, request: web.Request) -> web.Response:
        account = self._account(request)
        # Kazoo lists only the devices with a registration.
        registered = [
            {"device_id": d.id, "registered": True} for d in account.devices if d.registered
        ]
        return self.ok(request, registered)

    async def queues(self, request: web.Request) -> web.Response:
        account = self._account(request)
        return self.page(request, [_queue_doc(q) for q in account.queues])

    async def queue(self, request: web.Request) -> web.Response:
        account = self._account(request)
        queue_id = request.match_info["queue_id"]
        queue = next((q for q in account.queues if q.id == queue_id), None)
        if queue is None:
            raise CrossbarError(404, data={"message": "bad identifier", "cause": queue_id})
        return self.ok(request, _queue_doc(queue))

    # --- live state -----------------------------------------------------------------------------
    async def channels(self, request: web.Request) -> web.Response:
        account = self._account(request)
        live = self.sim.state.channels.get(account.id, {})
        return self.page(request, [dict(item) for item in live.values()])

    def _range(self, request: web.Request) -> tuple[int, int]:
        """created_from/created_to as crossbar_view:time_range/5 checks them."""
        try:
            created_to = int(request.query.get("created_to", gregorian_now()))
            created_from = int(request.query.get("created_from", created_to - MAX_RANGE_SECONDS))
        except ValueError:
            raise CrossbarError(
                400,
                "validation error",
                {"created_from": {"type": {"message": "value is not an integer"}}},
            ) from None
        if created_to < created_from:
            raise CrossbarError(
                400,
                "validation error",
                {
                    "created_to": {
                        "date_range": {
                            "message": "created_to is prior to created_from",
                            "cause": created_to,
                        }
                    }
                },
            )
        if created_to - created_from > MAX_RANGE_SECONDS:
            raise CrossbarError(
                400,
                "validation error",
                {
                    "created_from": {
                        "date_range": {
                            "message": f"created_from is more than {MAX_RANGE_SECONDS} "
                            "seconds from created_to",
                            "cause": created_from,
                        }
                    }
                },
            )
        return created_from, created_to

    async def cdrs(self, request: web.Request) -> web.Response:
        account = self._account(request)
        created_from, created_to = self._range(request)
        rows = [
            row
            for row in self.sim.state.cdrs.get(account.id, [])
            if created_from <= int(row["timestamp"]) + int(row["duration_seconds"]) <= created_to
        ]
        return self.page(request, list(reversed(rows)))  # newest first, as Kazoo's views

    async def acdc_call_stats(self, request: web.Request) -> web.Response:
        account = self._account(request)
        created_from, created_to = self._range(request)
        columns = ACDC_CALL_STATS_COLUMNS
        rows = []
        for row in self.sim.state.acdc_calls.get(account.id, {}).values():
            entered = row.get("entered_timestamp") or row.get("handled_timestamp") or 0
            if created_from <= int(entered or 0) <= created_to:
                rows.append({column: row.get(column, "") for column in columns})
        return self.page(request, rows)

    async def agents_status(self, request: web.Request) -> web.Response:
        account = self._account(request)
        return self.ok(request, dict(self.sim.state.agent_status.get(account.id, {})))

    async def agent_status(self, request: web.Request) -> web.Response:
        account = self._account(request)
        user = self._find_user(account, request.match_info["user_id"])
        status = self.sim.state.agent_status.get(account.id, {}).get(user.id, "logged_out")
        return self.ok(request, {user.id: status})

    # --- quickcall (cb_quickcall.erl) -----------------------------------------------------------
    async def quickcall(self, request: web.Request) -> web.Response:
        if request.method not in ("GET", "POST"):
            raise CrossbarError(405)
        body = await self._body(request) if request.method == "POST" else {}
        account = self._account(request, body)
        params: dict[str, Any] = dict(request.query)
        if isinstance(body.get("data"), dict):
            params.update(body["data"])
        number = request.match_info["number"]
        if _is_true(params.get("number_filter"), True):
            number = number.translate(QUICKCALL_NUMBER_STRIP)
        try:
            timeout = int(params.get("timeout", 30))
        except (TypeError, ValueError):
            timeout = 0
        if timeout <= 3:
            raise CrossbarError(
                400,
                "validation error",
                {"timeout": {"minimum": {"message": "value must be at least 3", "target": 3}}},
            )
        if "device_id" in request.match_info:
            device = self._find_device(account, request.match_info["device_id"])
            devices, authorizing_id, authorizing_type = [device], device.id, "device"
            user = None
        else:
            user = self._find_user(account, request.match_info["user_id"])
            devices, authorizing_id, authorizing_type = account.devices_of(user.id), user.id, "user"
        originate = _originate_request(
            account, number, devices, authorizing_id, authorizing_type, params, timeout
        )
        reachable = [
            endpoint
            for endpoint, device in zip(originate["endpoints"], devices, strict=True)
            if device.registered and number != ORIGINATE_FAILS_NUMBER
        ]
        if request.method == "GET":
            # Non-blocking: Kazoo answers 202 even when nothing can be dialled.
            if reachable:
                self._play_quickcall(account, user, devices, reachable, number)
            return self.ok(request, originate, status=202)
        if not reachable:
            raise CrossbarError(
                500,
                "quickcall initiation failed",
                {"error_message": "DESTINATION_OUT_OF_ORDER", "request": originate},
            )
        call_id = reachable[0]["outbound_call_id"]
        leg_started = self.sim.expect_leg(call_id)
        self._play_quickcall(account, user, devices, reachable, number)
        try:
            await asyncio.wait_for(leg_started, timeout)
        except TimeoutError:
            raise CrossbarError(
                500,
                "quickcall initiation failed",
                {"error_message": "NO_ANSWER", "request": originate},
            ) from None
        return self.ok(request, originate, status=202)

    def _play_quickcall(self, account, user, devices, reachable: list[dict], number) -> None:
        """The call itself is the scenario engine's "quickcall", its device legs carrying the
        Outbound-Call-IDs this answer names (ecallmgr uses them as the originate UUIDs)."""
        target: dict[str, Any] = (
            {"user_id": user.id} if user is not None else {"device_id": devices[0].id}
        )
        self.sim.play_in_loop(
            "quickcall",
            account_id=account.id,
            number=number,
            call_id=reachable[0]["outbound_call_id"],
            device_call_ids={e["endpoint_id"]: e["outbound_call_id"] for e in reachable},
            **target,
        )

    # --- lookups --------------------------------------------------------------------------------
    @staticmethod
    def _find_user(account: Account, user_id: str) -> User:
        user = next((u for u in account.users if u.id == user_id), None)
        if user is None:
            raise CrossbarError(404, data={"message": "bad identifier", "cause": user_id})
        return user

    @staticmethod
    def _find_device(account: Account, device_id: str) -> Device:
        device = next((d for d in account.devices if d.id == device_id), None)
        if device is None:
            raise CrossbarError(404, data={"message": "bad identifier", "cause": device_id})
        return device

    async def unknown_endpoint(self, request: web.Request) -> web.Response:
        raise CrossbarError(404, "not_found", {"message": "not found", "cause": request.path})


# --- document shapes ----------------------------------------------------------------------------
def _user_listing(user: User) -> dict[str, Any]:
    """users.json view crossbar_listing."""
    return {
        "id": user.id,
        "features": [],
        "username": user.username,
        "email": user.email,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "priv_level": user.priv_level,
        "feature_level": "",
        "presence_id": user.extension,
        "language": user.language,
        "timezone": user.timezone,
        "call_recording": {},
        "service": {},
        "flags": [],
    }


def _user_doc(account: Account, user: User) -> dict[str, Any]:
    return {
        **_user_listing(user),
        "enabled": user.enabled,
        "caller_id": {
            "internal": {"name": user.name, "number": user.extension},
            "external": {
                "name": account.name,
                "number": direct_did(account, user) if account.main_number else "",
            },
        },
        "hotdesk": {"enabled": False},
        "vm_to_email_enabled": True,
        "call_forward": {"enabled": False},
        "presence_id": user.extension,
    }


def user_document(sim: "KazooSimulator", account: Account, user: User) -> dict[str, Any]:
    """The user document with what Zapier's actions changed (PATCHes, agent queues)."""
    return sim.state.actions.user_doc(account, user, _user_doc(account, user))


def _device_listing(device: Device) -> dict[str, Any]:
    """devices.json view crossbar_listing."""
    return {
        "id": device.id,
        "name": device.name,
        "username": device.sip_username,
        "mac_address": "",
        "owner_id": device.owner_id,
        "enabled": True,
        "device_type": device.device_type,
        "mobile": {},
        "call_recording": {},
        "flags": [],
    }


def _device_doc(account: Account, device: Device) -> dict[str, Any]:
    return {
        **_device_listing(device),
        "sip": {
            "username": device.sip_username,
            "realm": account.realm,
            "invite_format": "username",
        },
        "media": {"audio": {"codecs": ["PCMU", "PCMA"]}},
    }


def _queue_doc(queue) -> dict[str, Any]:
    return {
        "id": queue.id,
        "name": queue.name,
        "extension": queue.extension,
        "strategy": "round_robin",
        "agents": list(queue.agent_ids),
        "connection_timeout": 3600,
        "agent_ring_timeout": 15,
    }


def new_quickcall_call_id() -> str:
    """kz_binary:rand_hex(18) ++ "-quickcall": the originate UUID, hence the device leg's Call-ID."""
    return secrets.token_hex(18) + "-quickcall"


def _originate_request(
    account: Account,
    number: str,
    devices: list[Device],
    authorizing_id: str,
    authorizing_type: str,
    params: dict[str, Any],
    timeout: int,
) -> dict[str, Any]:
    """The normalized originate request cb_quickcall answers with (the 202 examples)."""
    auto_answer = _is_true(params.get("auto_answer"), True)
    first_user = next((u for u in account.users if devices and u.id == devices[0].owner_id), None)
    endpoints = []
    for device in devices:
        ccvs: dict[str, Any] = {
            "authorizing_id": authorizing_id,
            "owner_id": device.owner_id,
            "account_id": account.id,
            "media_encryption_enforce_security": False,
            "sip_invite_domain": account.realm,
        }
        if auto_answer and len(devices) == 1:
            ccvs = {"auto_answer": True, **ccvs}  # only when exactly one endpoint rings
        endpoints.append(
            {
                "outbound_call_id": new_quickcall_call_id(),
                "custom_channel_vars": ccvs,
                "custom_sip_headers": {"x_kazoo_aor": f"sip:{device.sip_username}@{account.realm}"},
                "presence_id": f"{device.sip_username}@{account.realm}",
                "codecs": ["PCMU", "PCMA"],
                "endpoint_id": device.id,
                "to_did": number,
                "to_realm": account.realm,
                "to_username": device.sip_username,
                "to_user": device.sip_username,
                "invite_format": "username",
            }
        )
    default_name = first_user.name if first_user else account.name
    default_number = first_user.extension if first_user else account.main_number
    return {
        "export_custom_channel_vars": [
            "Account-ID",
            "Retain-CID",
            "Authorizing-ID",
            "Authorizing-Type",
        ],
        "custom_channel_vars": {
            "authorizing_id": authorizing_id,
            "authorizing_type": authorizing_type,
            "inherit_codec": "false",
            "retain_cid": "true",
            "account_id": account.id,
        },
        "continue_on_fail": False,
        "dial_endpoint_method": "simultaneous",
        "outbound_callee_id_number": str(params.get("cid-number") or default_number),
        "outbound_callee_id_name": str(params.get("cid-name") or default_name),
        "outbound_caller_id_number": number,
        "outbound_caller_id_name": "Device QuickCall",
        "media": str(params.get("media") or "process"),
        "ignore_early_media": _is_true(params.get("ignore-early-media"), True),
        "timeout": timeout,
        "endpoints": endpoints,
        "application_data": {"route": number},
        "application_name": "transfer",
    }

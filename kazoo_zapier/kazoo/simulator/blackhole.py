"""Blackhole, Kazoo's websocket event API, as 4.3's code behaves (REFERENCE.md §1).

One text frame in, one reply out; pushed call events go only to the sockets subscribed for that
exact account id. Each event is serialized once per distinct (binding, call id) and the same text
is queued to every matching socket; a writer task per socket keeps replies and events in order.

Every text frame a client sends first takes a token from its socket's bucket (ratelimit.py,
Kazoo's 100 tokens refilled 10 a second unless the hub is given another RateLimit, or None); an
empty bucket is answered "rate limiting threshold hit for <ip:port>!". Like 4.3, what would be
sent to a socket with more than `max_queued` frames waiting is dropped, replies included; the
default is generous because our writer yields to the loop (KAZOO_MAX_QUEUED is 4.3's figure),
and `drop_replies(n)` drops the next n replies outright, as an overloaded 4.3 would.
"""

import asyncio
import json
import logging
import secrets
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote_plus

from aiohttp import WSMsgType, web

from kazoo_zapier.kazoo.simulator.ratelimit import KAZOO_RATE_LIMIT, RateLimit, TokenBucket
from kazoo_zapier.kazoo.simulator.tokens import TokenAuthority, TokenError
from kazoo_zapier.kazoo.simulator.world import World

logger = logging.getLogger(__name__)

# bh_call.erl ?LISTEN_TO
CALL_EVENTS = (
    "CHANNEL_CREATE",
    "CHANNEL_ANSWER",
    "CHANNEL_DESTROY",
    "CHANNEL_HOLD",
    "CHANNEL_UNHOLD",
    "CHANNEL_BRIDGE",
    "PARK_PARKED",
    "PARK_RETRIEVED",
    "PARK_ABANDONED",
)
# A socket whose reader is this far behind loses events, as 4.3's max_queued_messages does (it
# drops above 50 mailbox messages; ours is larger because our writer yields to the loop).
DEFAULT_MAX_QUEUED = 10_000
KAZOO_MAX_QUEUED = 50  # blackhole.max_queued_messages in 4.3


def encode_call_id(call_id: str) -> str:
    """kz_amqp_util:encode/1: routing keys escape '.' and unsafe characters, space becomes '+'."""
    return quote_plus(call_id, safe="-_~").replace(".", "%2E")


@dataclass(eq=False)
class Subscription:
    session: "Session"
    account_id: str
    binding: str  # as the client sent it
    event: str
    call_id: str  # "*" or one call id


@dataclass(eq=False)
class Session:
    ws: web.WebSocketResponse
    transport: asyncio.BaseTransport | None
    max_queued: int
    peer: str = "127.0.0.1:0"  # the bucket's name in Kazoo: the client's ip:port
    bucket: TokenBucket | None = None
    auth_account_id: str | None = None
    subscriptions: list[Subscription] = field(default_factory=list)
    outbox: asyncio.Queue = field(default_factory=asyncio.Queue)
    dropped: int = 0

    def send(self, frame: str | bytes) -> bool:
        if self.outbox.qsize() > self.max_queued:
            self.dropped += 1
            return False
        self.outbox.put_nowait(frame)
        return True

    async def write_loop(self) -> None:
        while True:
            frame = await self.outbox.get()
            try:
                if isinstance(frame, bytes):
                    await self.ws.send_bytes(frame)
                else:
                    await self.ws.send_str(frame)
            except (ConnectionError, RuntimeError):
                return  # the socket is gone; the handler cleans up

    def bindings(self) -> list[str]:
        return [sub.binding for sub in self.subscriptions]


class BadRequest(Exception):
    """A message Blackhole answers with status "error" and these strings."""

    def __init__(self, *errors: str) -> None:
        super().__init__(*errors)
        self.errors = list(errors)


class BlackholeHub:
    def __init__(
        self,
        world: World,
        tokens: TokenAuthority,
        max_queued: int = DEFAULT_MAX_QUEUED,
        rate_limit: RateLimit | None = KAZOO_RATE_LIMIT,
    ):
        self.world = world
        self.tokens = tokens
        self.max_queued = max_queued
        # Read when a socket opens: a change applies to the sockets opened after it.
        self.rate_limit = rate_limit
        self.rate_limited = 0  # refusals, over all sockets, closed ones included
        self.replies_dropped = 0
        self._drop_replies = 0
        self.sessions: set[Session] = set()
        # account id -> event name -> subscriptions: publish() looks up only what can match.
        self._index: dict[str, dict[str, list[Subscription]]] = {}
        self.events_published = 0
        self.frames_pushed = 0

    # --- the websocket endpoint -----------------------------------------------------------------
    async def handle(self, request: web.Request) -> web.StreamResponse:
        if "Sec-WebSocket-Protocol" in request.headers:
            # blackhole_socket_handler:init/2 refuses sub-protocols with a plain 400.
            return web.Response(status=400, text="sub-protocols are not supported")
        ws = web.WebSocketResponse(autoping=True, max_msg_size=1024 * 1024)
        await ws.prepare(request)
        peer = request.transport.get_extra_info("peername") if request.transport else None
        session = Session(
            ws,
            request.transport,
            self.max_queued,
            peer=f"{peer[0]}:{peer[1]}" if peer else "127.0.0.1:0",
            bucket=TokenBucket(self.rate_limit) if self.rate_limit is not None else None,
        )
        self.sessions.add(session)
        writer = asyncio.create_task(session.write_loop())
        try:
            async for message in ws:
                if message.type == WSMsgType.TEXT:
                    self.receive(session, message.data)
                elif message.type == WSMsgType.BINARY:
                    self.receive(session, message.data.decode("utf-8", "replace"))
        finally:
            self._forget(session)
            writer.cancel()
        return ws

    def _forget(self, session: Session) -> None:
        self.sessions.discard(session)
        for sub in session.subscriptions:
            self._unindex(sub)
        session.subscriptions.clear()

    # --- client messages ------------------------------------------------------------------------
    def receive(self, session: Session, text: str) -> None:
        try:
            message = json.loads(text)
        except ValueError:
            message = None
        if not isinstance(message, dict):
            self._reply(session, secrets.token_hex(16), "error", {"errors": ["invalid json"]})
            return
        request_id = message.get("request_id") or secrets.token_hex(16)
        if session.bucket is not None and not session.bucket.consume():
            # rate/3 runs first: a refused message is not authenticated, validated or run.
            self.rate_limited += 1
            error = f"rate limiting threshold hit for {session.peer}!"
            self._reply(session, request_id, "error", {"errors": [error]})
            return
        action = message.get("action", "noop")
        was_authenticated = session.auth_account_id is not None
        try:
            self._authenticate(session, message)
            data = self._command(session, action, message.get("data"))
        except BadRequest as error:
            if not was_authenticated:
                # The authenticated context is kept only if the whole message succeeded.
                session.auth_account_id = None
            self._reply(session, request_id, "error", {"errors": error.errors})
            return
        self._reply(session, request_id, "success", data)

    def _authenticate(self, session: Session, message: dict[str, Any]) -> None:
        if session.auth_account_id is not None:
            return  # authenticated once: an open socket outlives its token (bh_token_auth)
        token = message.get("auth_token")
        if not token:
            raise BadRequest("authentication token required")
        if not isinstance(token, str):
            raise BadRequest("invalid authentication token format")
        try:
            claims = self.tokens.check(token)
        except TokenError:
            raise BadRequest(f"failed to authenticate token {token}") from None
        session.auth_account_id = claims.account_id

    def _command(self, session: Session, action: str, data: Any) -> dict[str, Any]:
        if action == "ping":
            return {"response": "pong"}  # as with bh_ping loaded
        if action not in ("subscribe", "unsubscribe"):
            return {}  # no module binds other commands: an empty success, like noop
        account_id, binding = self._validate(data)
        self._authorize(session, account_id)
        event, call_id = self._parse_call_binding(binding)
        if action == "subscribe":
            self._subscribe(session, account_id, binding, event, call_id)
            return {"subscribed": session.bindings()}
        self._unsubscribe(session, account_id, binding)
        return {"unsubscribed": [binding], "subscribed": session.bindings()}

    @staticmethod
    def _validate(data: Any) -> tuple[str, str]:
        if not isinstance(data, dict):
            raise BadRequest("missing required keys in data object")
        missing = [key for key in ("account_id", "binding") if not data.get(key)]
        if missing:
            raise BadRequest(f"missing required keys : {', '.join(missing)}")
        if not isinstance(data["account_id"], str) or not isinstance(data["binding"], str):
            raise BadRequest("missing required keys in data object")
        return data["account_id"], data["binding"]

    def _authorize(self, session: Session, account_id: str) -> None:
        if account_id == "*":
            raise BadRequest("unauthorized wildcard account id")
        auth_account = session.auth_account_id
        if auth_account is None:
            raise BadRequest("auth_account_id not set")
        if self.world.account(account_id) is None or not self.world.is_descendant(
            auth_account, account_id
        ):
            raise BadRequest("unauthorized account id")

    @staticmethod
    def _parse_call_binding(binding: str) -> tuple[str, str]:
        parts = binding.split(".")
        if parts[0] != "call":
            raise BadRequest("no available subscriptions to requested binding")
        if len(parts) != 3:
            raise BadRequest(f"invalid format for call subscription : {'.'.join(parts[1:])}")
        event, call_id = parts[1], parts[2]
        if event != "*" and event not in CALL_EVENTS:
            raise BadRequest(f"event {event} not supported")
        return event, call_id

    def _subscribe(self, session: Session, account_id: str, binding: str, event: str, call_id: str):
        if any(s.account_id == account_id and s.binding == binding for s in session.subscriptions):
            return  # idempotent, as `Subscribe -- SessionBindings`
        # call.*.* is one AMQP binding per event: it appears nine times in `subscribed`.
        for name in CALL_EVENTS if event == "*" else (event,):
            sub = Subscription(session, account_id, binding, name, call_id)
            session.subscriptions.append(sub)
            self._index.setdefault(account_id, {}).setdefault(name, []).append(sub)

    def _unsubscribe(self, session: Session, account_id: str, binding: str) -> None:
        keep = []
        for sub in session.subscriptions:
            if sub.account_id == account_id and sub.binding == binding:
                self._unindex(sub)
            else:
                keep.append(sub)
        session.subscriptions[:] = keep

    def _unindex(self, sub: Subscription) -> None:
        subs = self._index.get(sub.account_id, {}).get(sub.event)
        if subs and sub in subs:
            subs.remove(sub)

    def drop_replies(self, count: int) -> None:
        """The next `count` replies (to any socket) are dropped, as 4.3 drops what it would send
        to a socket with more than 50 messages queued: the client never hears of its request."""
        self._drop_replies = max(0, int(count))

    def _reply(self, session: Session, request_id: str, status: str, data: dict[str, Any]) -> None:
        if self._drop_replies > 0:
            self._drop_replies -= 1
            self.replies_dropped += 1
            return
        session.send(
            json.dumps(
                {"action": "reply", "request_id": request_id, "status": status, "data": data}
            )
        )

    # --- pushing --------------------------------------------------------------------------------
    def publish(self, account_id: str, name: str, data: dict[str, Any]) -> int:
        """Queue one call event to every matching subscription; returns the frames queued."""
        self.events_published += 1
        subs = self._index.get(account_id, {}).get(name)
        if not subs:
            return 0
        call_id = str(data.get("call_id", ""))
        frames: dict[tuple[str, str], str] = {}
        data_json: str | None = None
        sent = 0
        for sub in subs:
            if sub.call_id != "*" and sub.call_id != call_id:
                continue
            key = (sub.binding, sub.call_id)
            frame = frames.get(key)
            if frame is None:
                if data_json is None:
                    data_json = json.dumps(data, separators=(",", ":"))
                frame = (
                    '{"action":"event","subscribed_key":'
                    + json.dumps(sub.binding)
                    + ',"subscription_key":'
                    + json.dumps(f"call.{account_id}.{name}.{sub.call_id}")
                    + ',"name":'
                    + json.dumps(name)
                    + ',"routing_key":'
                    + json.dumps(f"call.{account_id}.{name}.{encode_call_id(call_id)}")
                    + ',"data":'
                    + data_json
                    + "}"
                )
                frames[key] = frame
            if sub.session.send(frame):
                sent += 1
        self.frames_pushed += sent
        return sent

    def send_raw(self, frame: str | bytes) -> None:
        for session in list(self.sessions):
            session.send(frame)

    def drop_all(self) -> None:
        """Abort every socket's TCP connection: no close frame, as a network cut."""
        for session in list(self.sessions):
            if session.transport is not None:
                session.transport.abort()

    async def close_all(self, timeout: float = 2.0) -> None:
        """Close frames to every socket; a client that does not answer in time is cut off."""
        sessions = list(self.sessions)
        closing = asyncio.gather(*(s.ws.close() for s in sessions), return_exceptions=True)
        try:
            await asyncio.wait_for(closing, timeout)
        except TimeoutError:
            for session in sessions:
                if session.transport is not None:
                    session.transport.abort()

    def stats(self) -> dict[str, Any]:
        return {
            "connections": len(self.sessions),
            "subscriptions": [
                sorted({(s.account_id, s.binding) for s in session.subscriptions})
                for session in self.sessions
            ],
            "events_published": self.events_published,
            "events_pushed": self.frames_pushed,
            "events_dropped": sum(session.dropped for session in self.sessions),
            "rate_limited": self.rate_limited,
            "replies_dropped": self.replies_dropped,
        }

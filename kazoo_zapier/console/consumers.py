"""The live event monitor's websocket (/ws/monitor/): staff, and users for their own events."""

import asyncio
import contextlib
import logging
from typing import Any
from urllib.parse import parse_qs

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.cache import cache

from events.localize import Reader
from kazoo_zapier.console.monitor import EventTail, event_message, monitor_filter, watcher_reader

logger = logging.getLogger(__name__)

# Closed with this code when the session may watch nothing: the page then stops retrying.
NOT_ALLOWED = 4403
# Closed with this code when the user already has MAX_SOCKETS_PER_USER monitors open.
TOO_MANY = 4429
MAX_SOCKETS_PER_USER = 3
SOCKETS_KEY = "console:monitor:sockets:{}"


def _fresh_filter(user_id: int, query: dict[str, str]):
    """Who may watch what, decided again from the database (the session's user is a snapshot)."""
    user = get_user_model().objects.filter(pk=user_id).first()
    return monitor_filter(
        user,
        account=query.get("account", "")[:32],
        type=query.get("type", "")[:40],
        scope=query.get("scope", ""),
    )


def _open_socket(user_id: int) -> bool:
    """Count one more monitor of this user; False (and not counted) past the cap."""
    key = SOCKETS_KEY.format(user_id)
    cache.add(key, 0, timeout=24 * 3600)  # a leaked count ends with the day at the latest
    if cache.incr(key) > MAX_SOCKETS_PER_USER:
        cache.decr(key)
        return False
    return True


def _close_socket(user_id: int) -> None:
    with contextlib.suppress(ValueError):  # the count expired meanwhile
        cache.decr(SOCKETS_KEY.format(user_id))


class MonitorConsumer(AsyncJsonWebsocketConsumer):
    """Query string: `account` (staff), `type`, `scope=account` (Kazoo administrators).

    Sends {"kind": "hello", "filter": {...}, "events": [...the last few...]}, then
    {"kind": "events", "events": [...]} whenever new events are stored.
    """

    tail: EventTail | None = None
    follower: asyncio.Task | None = None
    counted_user: int | None = None
    reader: Reader | None = None  # a Kazoo user's language, zone, numbers; None: staff

    async def connect(self) -> None:
        self.query = {
            k: v[-1] for k, v in parse_qs(self.scope.get("query_string", b"").decode()).items()
        }
        user = self.scope.get("user")
        user_id = getattr(user, "pk", None) if getattr(user, "is_authenticated", False) else None
        found = (
            await database_sync_to_async(_fresh_filter)(user_id, self.query) if user_id else None
        )
        # Accept, then close with a code the page understands: a refused handshake only shows
        # as an anonymous network error in the browser, and the page would retry for ever.
        await self.accept()
        if found is None:
            await self.close(code=NOT_ALLOWED)
            return
        if not await database_sync_to_async(_open_socket)(user_id):
            await self.close(code=TOO_MANY)
            return
        self.counted_user = user_id
        self.reader = await database_sync_to_async(watcher_reader)(user)
        self.allowed = found.describe()
        self.tail = EventTail(found.events)
        backlog = await database_sync_to_async(self.tail.backlog)()
        await self.send_json(
            {
                "kind": "hello",
                "filter": found.describe(),
                "events": [event_message(e, self.reader) for e in backlog],
            }
        )
        self.follower = asyncio.create_task(self.follow())

    async def disconnect(self, code: int) -> None:
        if self.counted_user is not None:
            await database_sync_to_async(_close_socket)(self.counted_user)
            self.counted_user = None
        if self.follower is not None:
            self.follower.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self.follower

    async def receive_json(self, content: Any, **kwargs: Any) -> None:
        """The page only listens; filters change by reconnecting with another query string."""

    async def follow(self) -> None:
        assert self.tail is not None
        poll = database_sync_to_async(self.tail.poll)
        while True:
            await asyncio.sleep(settings.CONSOLE_MONITOR_POLL_SECONDS)
            try:
                # Decided again at every poll: a user cut off, disconnected or demoted since
                # the socket opened loses it within a poll.
                still = await database_sync_to_async(_fresh_filter)(self.counted_user, self.query)
                if still is None or still.describe() != self.allowed:
                    await self.close(code=NOT_ALLOWED)
                    return
                fresh = await poll()
            except Exception:  # a database hiccup must not end the monitor; the next poll retries
                logger.exception("monitor poll failed")
                continue
            if fresh:
                await self.send_json(
                    {"kind": "events", "events": [event_message(e, self.reader) for e in fresh]}
                )

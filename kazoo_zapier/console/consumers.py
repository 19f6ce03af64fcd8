"""The live event monitor's websocket (/ws/monitor/): staff, and users for their own events."""

import asyncio
import contextlib
import logging
from typing import Any
from urllib.parse import parse_qs

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer
from django.conf import settings

from kazoo_zapier.console.monitor import EventTail, event_message, monitor_filter

logger = logging.getLogger(__name__)

# Closed with this code when the session may watch nothing: the page then stops retrying.
NOT_ALLOWED = 4403


class MonitorConsumer(AsyncJsonWebsocketConsumer):
    """Query string: `account` (staff), `type`, `scope=account` (Kazoo administrators).

    Sends {"kind": "hello", "filter": {...}, "events": [...the last few...]}, then
    {"kind": "events", "events": [...]} whenever new events are stored.
    """

    tail: EventTail | None = None
    follower: asyncio.Task | None = None

    async def connect(self) -> None:
        query = {
            k: v[-1] for k, v in parse_qs(self.scope.get("query_string", b"").decode()).items()
        }
        found = await database_sync_to_async(monitor_filter)(
            self.scope.get("user"),
            account=query.get("account", "")[:32],
            type=query.get("type", "")[:40],
            scope=query.get("scope", ""),
        )
        # Accept, then close with a code the page understands: a refused handshake only shows
        # as an anonymous network error in the browser, and the page would retry for ever.
        await self.accept()
        if found is None:
            await self.close(code=NOT_ALLOWED)
            return
        self.tail = EventTail(found.events)
        backlog = await database_sync_to_async(self.tail.backlog)()
        await self.send_json(
            {
                "kind": "hello",
                "filter": found.describe(),
                "events": [event_message(e) for e in backlog],
            }
        )
        self.follower = asyncio.create_task(self.follow())

    async def disconnect(self, code: int) -> None:
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
                fresh = await poll()
            except Exception:  # a database hiccup must not end the monitor; the next poll retries
                logger.exception("monitor poll failed")
                continue
            if fresh:
                await self.send_json(
                    {"kind": "events", "events": [event_message(e) for e in fresh]}
                )

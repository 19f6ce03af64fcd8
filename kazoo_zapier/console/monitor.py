"""The live event monitor: which events a connected person may watch, and how new ones are found.

Why the monitor tails the Event table instead of listening on the channel layer: the listener
is a separate process, and on the embedded profile the channel layer is in-memory, so a
group_send from the listener never reaches daphne. The database is the one thing every process
shares on every profile, the events are in it anyway (stored before anything is sent), and one
code path serves both profiles: each socket polls for rows newer than the last it sent, filtered
by what its user may see. The cost is one small indexed query per open monitor every
MONITOR_POLL_SECONDS, which is fine for staff and users watching a handful of monitors. (If that
ever grows to thousands of sockets, one poller per process fanning out over the channel layer
would replace the per-socket queries; the tenancy below would stay.)
"""

from contextlib import nullcontext
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.db.models import QuerySet
from django.utils import translation

from events.catalogue import EventType
from events.localize import Reader
from events.models import Event
from hooks.models import Hook
from hooks.rendering import for_reader, reader_of
from hooks.selectors import events_visible_to, kazoo_profile

# Rows are stamped `created_at` by the listener before its batch commits, so a row may become
# visible a moment after a newer one: every poll looks this far behind the newest row it sent.
COMMIT_LAG = timedelta(seconds=2)
BACKLOG = 20

# Where the monitor's websocket is served (kazoo_zapier/routing.py) and where pages connect to it.
MONITOR_WS_PATH = "/ws/monitor/"


@dataclass(frozen=True)
class MonitorFilter:
    """What one monitor socket shows: its user's events, narrowed by account and type."""

    events: QuerySet[Event]
    account_id: str = ""
    type: str = ""
    scope: str = ""  # for Kazoo users: "user" or "account"

    def describe(self) -> dict[str, str]:
        return {"account": self.account_id, "type": self.type, "scope": self.scope}


def monitor_filter(
    user: Any, *, account: str = "", type: str = "", scope: str = ""
) -> MonitorFilter | None:
    """The events `user` may watch, or None if they may watch none.

    Staff see every account and may narrow to one. A Kazoo user sees what the API would let
    them see (hooks.selectors.events_visible_to, the one place tenancy lives): their own
    events, or the whole account for an administrator who asks for it; `account` is ignored.
    """
    if user is None or not user.is_authenticated or not user.is_active:
        return None
    kind = type if type in EventType._value2member_map_ else ""
    profile = kazoo_profile(user)
    if profile is None:
        if not user.is_staff:
            return None
        events = Event.objects.all()
        if account:
            events = events.filter(account_id=account)
        if kind:
            events = events.filter(type=kind)
        return MonitorFilter(events=events, account_id=account, type=kind)
    if not profile.is_active:
        return None
    wanted = Hook.Scope.ACCOUNT if scope == "account" and profile.is_admin else Hook.Scope.USER
    events = events_visible_to(user, scope=wanted)
    if kind:
        events = events.filter(type=kind)
    return MonitorFilter(events=events, type=kind, scope=str(wanted))


class EventTail:
    """Follows a queryset of events: the last few first, then only rows not sent yet."""

    def __init__(self, events: QuerySet[Event], *, lag: timedelta = COMMIT_LAG) -> None:
        self.events = events.order_by()
        self.lag = lag
        self.newest: datetime | None = None
        self.sent: dict[str, datetime] = {}  # ids sent within `lag` of `newest`

    def backlog(self, count: int = BACKLOG) -> list[Event]:
        recent = list(self.events.order_by("-created_at", "-id")[:count])
        recent.reverse()
        self._remember(recent)
        if self.newest is not None:
            # Rows just behind the backlog are old news too, not new events for the first poll.
            older = self.events.filter(created_at__gte=self.newest - self.lag)
            for event_id, at in older.values_list("id", "created_at"):
                self.sent.setdefault(event_id, at)
        return recent

    def poll(self, limit: int = 200) -> list[Event]:
        rows = self.events
        if self.newest is not None:
            rows = rows.filter(created_at__gte=self.newest - self.lag)
        fresh = [
            event
            for event in rows.order_by("created_at", "id")[: limit + len(self.sent)]
            if event.id not in self.sent
        ][:limit]
        self._remember(fresh)
        return fresh

    def _remember(self, events: list[Event]) -> None:
        for event in events:
            self.sent[event.id] = event.created_at
            if self.newest is None or event.created_at > self.newest:
                self.newest = event.created_at
        if self.newest is not None:
            horizon = self.newest - self.lag
            self.sent = {key: at for key, at in self.sent.items() if at >= horizon}


def watcher_reader(user: Any) -> Reader | None:
    """Whose eyes the monitor writes for: a Kazoo user reads as their Zaps do; staff as stored."""
    return reader_of(user) if kazoo_profile(user) else None


def event_message(event: Event, reader: Reader | None = None) -> dict[str, Any]:
    """What the monitor shows of one event: as its reader's subscriptions receive it (a Kazoo
    user's language, zone and numbers), or as stored (staff)."""
    payload = for_reader(event, reader) if reader else (event.payload or {})
    kind = EventType(event.type) if event.type in EventType._value2member_map_ else None
    with translation.override(reader.language) if reader else nullcontext():
        title = kind.local_title if kind else event.type
    return {
        "id": event.id,
        "type": event.type,
        "title": title,
        "account_id": event.account_id,
        "account_name": payload.get("account_name") or "",
        "user_id": event.user_id,
        "user_name": payload.get("user_name") or payload.get("agent_name") or "",
        "call_id": event.call_id,
        "occurred_at": event.occurred_at.isoformat(),
        "created_at": event.created_at.isoformat(),
        "summary": payload.get("summary") or "",
        "test": event.id.startswith("test-"),
        "payload": payload,
    }

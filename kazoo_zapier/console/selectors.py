"""Reads for the staff console and /metrics: a few aggregate queries, nothing written.

Every process (web, listener, workers) shares only the database on the embedded profile, so
the console reads the database: what it shows is true across processes and restarts.
"""

import logging
import math
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any

from django.core.cache import cache
from django.db.models import Count, DurationField, ExpressionWrapper, F, Q, QuerySet
from django.db.models.functions import TruncHour, TruncMinute
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from accounts.models import KazooAccount
from events.models import Event, ListenerState
from hooks.models import Delivery, DeliveryAttempt, Hook
from kazoo_zapier.console.charts import BarChart, Window, stacked_bars
from kazoo_zapier.health import LISTENER_STALE_AFTER
from kazoo_zapier.kazoo.crossbar import get_crossbar
from kazoo_zapier.kazoo.errors import KazooError

logger = logging.getLogger(__name__)
USER_COUNT_KEY = "console:kazoo-users:{}"
USER_COUNT_TTL = 300

# The event types drawn as their own series; the rest are added up as "other".
MAX_EVENT_SERIES = 6


# --- The listener -------------------------------------------------------------------------------
@dataclass(frozen=True)
class ListenerReport:
    """One listener's last health report, read as /readyz reads it (fresh and connected)."""

    name: str
    health: dict[str, Any]
    heartbeat_at: datetime | None
    started_at: datetime | None
    now: datetime

    @property
    def heartbeat_age_seconds(self) -> float | None:
        if self.heartbeat_at is None:
            return None
        return max(0.0, (self.now - self.heartbeat_at).total_seconds())

    @property
    def stale(self) -> bool:
        return self.heartbeat_at is None or self.now - self.heartbeat_at > LISTENER_STALE_AFTER

    @property
    def connected(self) -> bool:
        return bool(self.health.get("connected")) and not self.stale

    @property
    def state(self) -> str:
        if self.stale:
            return "silent"
        return "connected" if self.connected else "disconnected"

    def _when(self, key: str) -> datetime | None:
        value = self.health.get(key)
        return parse_datetime(value) if isinstance(value, str) else None

    @property
    def connected_since(self) -> datetime | None:
        return self._when("connected_since")

    @property
    def last_event_at(self) -> datetime | None:
        return self._when("last_event_at")

    @property
    def last_error_at(self) -> datetime | None:
        return self._when("last_error_at")

    @property
    def error_is_history(self) -> bool:
        """A last error from before the connection that is up now: a past event, not an alarm.

        Without a time for the error (an older listener), an error about connecting or losing
        the connection is necessarily older than a connection that is up now.
        """
        error = str(self.health.get("last_error") or "")
        if not error or not self.connected:
            return False
        since, at = self.connected_since, self.last_error_at
        if since is not None and at is not None:
            return at <= since
        return error.startswith(("connect to ", "connection lost"))

    @property
    def frames_rejected(self) -> dict[str, int]:
        rejected = self.health.get("frames_rejected") or {}
        return {str(k): int(v) for k, v in rejected.items()} if isinstance(rejected, dict) else {}


def listener_reports(now: datetime | None = None) -> list[ListenerReport]:
    now = now or timezone.now()
    return [
        ListenerReport(
            name=row.name,
            health=row.health or {},
            heartbeat_at=row.heartbeat_at,
            started_at=row.started_at,
            now=now,
        )
        for row in ListenerState.objects.order_by("name")
    ]


# --- Traffic over time --------------------------------------------------------------------------
def hour_window(now: datetime) -> Window:
    return Window.ending_now(now, width=timedelta(minutes=5), count=12)


def day_window(now: datetime) -> Window:
    return Window.ending_now(now, width=timedelta(hours=1), count=24)


def _bucketed(
    rows: QuerySet, window: Window, *, time_field: str, key: str, trunc: type
) -> dict[str, list[int]]:
    """Counts per `key` value per bucket, from rows truncated in the database (few rows back)."""
    grouped = (
        rows.order_by()
        .filter(**{f"{time_field}__gte": window.start, f"{time_field}__lt": window.end})
        .annotate(moment=trunc(time_field))
        .values("moment", key)
        .annotate(n=Count("pk"))
    )
    counts: dict[str, list[int]] = {}
    for row in grouped:
        index = window.index(row["moment"])
        if index is None:
            continue
        counts.setdefault(str(row[key]), [0] * window.count)[index] += row["n"]
    return counts


def _top_series(counts: dict[str, list[int]], limit: int) -> dict[str, list[int]]:
    """The biggest `limit` series by total, in catalogue-ish (name) order, plus "other"."""
    ranked = sorted(counts, key=lambda name: -sum(counts[name]))
    kept = sorted(ranked[:limit])
    result = {name: counts[name] for name in kept}
    rest = ranked[limit:]
    if rest:
        width = len(next(iter(counts.values())))
        result["other"] = [sum(counts[name][i] for name in rest) for i in range(width)]
    return result


DELIVERY_ORDER = ("delivered", "pending", "failed", "cancelled")


def _in_delivery_order(counts: dict[str, list[int]]) -> dict[str, list[int]]:
    order = {name: i for i, name in enumerate(DELIVERY_ORDER)}
    return dict(sorted(counts.items(), key=lambda item: order.get(item[0], len(order))))


def traffic_charts(now: datetime | None = None) -> dict[str, BarChart]:
    """Events by type and deliveries by status, over the last hour and the last day."""
    now = now or timezone.now()
    hour, day = hour_window(now), day_window(now)
    events = Event.objects.all()
    deliveries = Delivery.objects.all()
    minute_events = _bucketed(events, hour, time_field="created_at", key="type", trunc=TruncMinute)
    hour_events = _bucketed(events, day, time_field="created_at", key="type", trunc=TruncHour)
    minute_deliveries = _bucketed(
        deliveries, hour, time_field="created_at", key="status", trunc=TruncMinute
    )
    hour_deliveries = _bucketed(
        deliveries, day, time_field="created_at", key="status", trunc=TruncHour
    )
    return {
        "events_hour": stacked_bars(
            "Events, last hour (5-minute bars)",
            hour,
            _top_series(minute_events, MAX_EVENT_SERIES),
            label_every=3,
            label_format="%H:%M",
        ),
        "events_day": stacked_bars(
            "Events, last 24 hours (hourly bars)",
            day,
            _top_series(hour_events, MAX_EVENT_SERIES),
            label_every=4,
            label_format="%H:00",
        ),
        "deliveries_hour": stacked_bars(
            "Deliveries by outcome, last hour",
            hour,
            _in_delivery_order(minute_deliveries),
            label_every=3,
            label_format="%H:%M",
        ),
        "deliveries_day": stacked_bars(
            "Deliveries by outcome, last 24 hours",
            day,
            _in_delivery_order(hour_deliveries),
            label_every=4,
            label_format="%H:00",
        ),
    }


# --- Latency ------------------------------------------------------------------------------------
def percentile(values: QuerySet, field: Any, q: float) -> Any | None:
    """The q-th percentile (nearest rank) of `field` over `values`, in two small queries.

    Portable (SQLite has no percentile function): count, then read the one row at that rank.
    """
    total = values.count()
    if not total:
        return None
    rank = max(1, math.ceil(q * total))
    ordered = values.annotate(_value=field).order_by("_value")
    return ordered.values_list("_value", flat=True)[rank - 1]


@dataclass(frozen=True)
class Latency:
    window: str
    attempts: int
    http_p95_ms: int | None
    delivered: int
    end_to_end_p95: timedelta | None


def delivery_latency(now: datetime | None = None) -> list[Latency]:
    """p95 of the targets' answer time (per attempt) and of stored → delivered (per delivery)."""
    now = now or timezone.now()
    result = []
    for label, span in (("last hour", timedelta(hours=1)), ("last 24 hours", timedelta(days=1))):
        attempts = DeliveryAttempt.objects.filter(started_at__gte=now - span)
        delivered = Delivery.objects.filter(
            status=Delivery.Status.DELIVERED, delivered_at__gte=now - span
        )
        end_to_end = ExpressionWrapper(
            F("delivered_at") - F("event__created_at"), output_field=DurationField()
        )
        result.append(
            Latency(
                window=label,
                attempts=attempts.count(),
                http_p95_ms=percentile(attempts, F("latency_ms"), 0.95),
                delivered=delivered.count(),
                end_to_end_p95=percentile(delivered, end_to_end, 0.95),
            )
        )
    return result


# --- Hooks --------------------------------------------------------------------------------------
# Failing now: active with no 2xx since `failing_since`, or disabled for failing too long.
FAILING = Q(status=Hook.Status.ACTIVE, failing_since__isnull=False) | Q(status=Hook.Status.DISABLED)


def failing_hooks(limit: int = 50) -> QuerySet[Hook]:
    """The failing hooks, longest failing first, with their last error and what waits."""
    return (
        Hook.objects.filter(FAILING)
        .select_related("owner__kazoo__account")
        .annotate(
            pending_count=Count("deliveries", filter=Q(deliveries__status=Delivery.Status.PENDING))
        )
        .order_by(F("failing_since").asc(nulls_last=True), "-status_changed_at")[:limit]
    )


def hooks_by_status() -> dict[str, int]:
    return dict.fromkeys(Hook.Status.values, 0) | _count_by(Hook.objects.all(), "status")


def deliveries_by_status() -> dict[str, int]:
    return dict.fromkeys(Delivery.Status.values, 0) | _count_by(Delivery.objects.all(), "status")


def queue_depth(now: datetime | None = None) -> int:
    """Pending deliveries already due: what the workers have not caught up with."""
    now = now or timezone.now()
    return Delivery.objects.filter(status=Delivery.Status.PENDING, next_attempt_at__lte=now).count()


# --- Accounts -----------------------------------------------------------------------------------
@dataclass(frozen=True)
class AccountActivity:
    kazoo_id: str
    name: str
    events_day: int
    events_hour: int
    active_hooks: int
    failing_hooks: int
    users: int | None  # the account's users in Kazoo; None when Kazoo cannot say right now
    signed_in: int  # of them, who signed in here at least once


def _count_by(rows: QuerySet, field: str) -> dict[str, int]:
    return {row[field]: row["n"] for row in rows.order_by().values(field).annotate(n=Count("pk"))}


def accounts_by_activity(now: datetime | None = None, limit: int = 20) -> list[AccountActivity]:
    """The busiest accounts of the last day first, then those with hooks or users."""
    now = now or timezone.now()
    day = _count_by(Event.objects.filter(created_at__gte=now - timedelta(days=1)), "account_id")
    hour = _count_by(Event.objects.filter(created_at__gte=now - timedelta(hours=1)), "account_id")
    active = _count_by(Hook.objects.filter(status=Hook.Status.ACTIVE), "account_id")
    failing = _count_by(Hook.objects.filter(FAILING), "account_id")
    accounts = {a.kazoo_id: a for a in KazooAccount.objects.annotate(user_count=Count("users"))}
    rows = [
        AccountActivity(
            kazoo_id=kazoo_id,
            name=accounts[kazoo_id].name if kazoo_id in accounts else "",
            events_day=day.get(kazoo_id, 0),
            events_hour=hour.get(kazoo_id, 0),
            active_hooks=active.get(kazoo_id, 0),
            failing_hooks=failing.get(kazoo_id, 0),
            users=None,
            signed_in=accounts[kazoo_id].user_count if kazoo_id in accounts else 0,
        )
        for kazoo_id in set(day) | set(active) | set(accounts)
    ]
    rows.sort(key=lambda r: (-r.events_day, -r.active_hooks, r.name or r.kazoo_id))
    rows = rows[:limit]
    counts = kazoo_user_counts([row.kazoo_id for row in rows])
    return [replace(row, users=counts.get(row.kazoo_id)) for row in rows]


def kazoo_user_counts(account_ids: list[str]) -> dict[str, int]:
    """How many users each account has in Kazoo (Crossbar's directory), cached a few minutes.

    Not the people who signed in here: a customer with 40 phones and one Zapier user has 40
    users. An account Kazoo cannot answer for right now is left out (the page shows "—").
    """
    cached = cache.get_many([USER_COUNT_KEY.format(account_id) for account_id in account_ids])
    counts = {key.split(":")[-1]: value for key, value in cached.items()}
    missing = [account_id for account_id in account_ids if account_id not in counts]
    if missing:
        crossbar = get_crossbar()
        for account_id in missing:
            try:
                counts[account_id] = len(crossbar.users(account_id))
            except KazooError as error:
                logger.info("No user count for account %s: %s", account_id, error)
                continue
            cache.set(USER_COUNT_KEY.format(account_id), counts[account_id], USER_COUNT_TTL)
    return counts

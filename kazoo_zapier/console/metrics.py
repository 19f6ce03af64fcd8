"""/metrics in Prometheus' text format, read from the database at scrape time.

The listener, the workers and the web are separate processes: in-process counters in the web
would only count the web. A collector that reads the database when scraped reports what is
true across processes and restarts: the listener's own counters from its health report
(ListenerState, the same row /readyz reads), and deliveries, attempts and the queue from their
tables. Counts over "the recent window" are gauges (they go down as time passes), and the
latency histogram over that window is a gauge histogram: use histogram_quantile() on its
buckets directly, without rate().
"""

import hmac
import ipaddress
from collections.abc import Iterator
from datetime import timedelta

from django.conf import settings
from django.db.models import Count, Min, Q, Sum
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, generate_latest
from prometheus_client.core import (
    CounterMetricFamily,
    GaugeHistogramMetricFamily,
    GaugeMetricFamily,
    Metric,
)

from events.models import Event
from hooks.models import Delivery, DeliveryAttempt
from kazoo_zapier.console import selectors

# Upper bounds (seconds) of the delivery latency buckets: Zapier answers in well under a second
# when healthy; the top buckets catch targets close to HOOKS_TIMEOUT_SECONDS.
LATENCY_BUCKETS = (0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 15.0, 30.0)

LISTENER_GAUGES = {
    "accounts": "Kazoo accounts the listener is subscribed to",
    "bindings": "Blackhole bindings the listener holds",
    "lag_seconds": "Seconds between Kazoo's timestamp and the store of the last event",
    "queued": "Frames and events read but not stored yet",
    "calls_tracked": "Calls the listener is following",
    "accounts_subscribed": "Accounts whose every Blackhole binding Kazoo confirmed",
    "accounts_pending": "Accounts not heard yet: waiting for Kazoo's rate limit or its reply",
    "accounts_refused": "Accounts Kazoo refused to subscribe (retried after a reconnect)",
    "oldest_pending_seconds": "How long the longest-waiting pending account has waited",
}
LISTENER_COUNTERS = {
    "reconnects": "Blackhole reconnections since the listener started",
    "frames_received": "Blackhole frames read since the listener started",
    "events_emitted": "Normalized events made since the listener started",
    "events_stored": "Normalized events stored (new rows) since the listener started",
    "rate_limited": "Subscribes Kazoo's rate limit refused (each retried) since the start",
    "subscribes_resent": "Subscribes sent again after no answer since the start",
}


class DatabaseCollector:
    """Collected fresh at every scrape; nothing is kept between scrapes."""

    def collect(self) -> Iterator[Metric]:
        now = timezone.now()
        window = timedelta(seconds=settings.METRICS_WINDOW_SECONDS)
        yield from self.listener_metrics(now)
        yield from self.event_metrics(now - window)
        yield from self.delivery_metrics(now, now - window)
        yield GaugeMetricFamily(
            "kazoo_zapier_metrics_window_seconds",
            "The window of the *_recent metrics and of the latency histogram",
            value=window.total_seconds(),
        )

    def listener_metrics(self, now) -> Iterator[Metric]:
        reports = selectors.listener_reports(now)
        up = GaugeMetricFamily(
            "kazoo_listener_up",
            "1 when the listener reports fresh heartbeats and holds its Blackhole socket "
            "(as /readyz judges it)",
            labels=["listener"],
        )
        age = GaugeMetricFamily(
            "kazoo_listener_heartbeat_age_seconds",
            "Seconds since the listener's last health report",
            labels=["listener"],
        )
        gauges = {
            key: GaugeMetricFamily(f"kazoo_listener_{key}", text, labels=["listener"])
            for key, text in LISTENER_GAUGES.items()
        }
        counters = {
            key: CounterMetricFamily(f"kazoo_listener_{key}", text, labels=["listener"])
            for key, text in LISTENER_COUNTERS.items()
        }
        rejected = CounterMetricFamily(
            "kazoo_listener_frames_rejected",
            "Blackhole frames the listener could not use, by reason",
            labels=["listener", "reason"],
        )
        for report in reports:
            labels = [report.name]
            up.add_metric(labels, 1.0 if report.connected else 0.0)
            if report.heartbeat_age_seconds is not None:
                age.add_metric(labels, report.heartbeat_age_seconds)
            for key, family in gauges.items():
                value = report.health.get(key)
                if isinstance(value, int | float):
                    family.add_metric(labels, float(value))
            for key, family in counters.items():
                value = report.health.get(key)
                if isinstance(value, int | float):
                    family.add_metric(labels, float(value))
            for reason, count in sorted(report.frames_rejected.items()):
                rejected.add_metric([report.name, reason], float(count))
        yield up
        yield age
        yield from gauges.values()
        yield from counters.values()
        yield rejected

    def event_metrics(self, since) -> Iterator[Metric]:
        recent = GaugeMetricFamily(
            "kazoo_zapier_events_recent",
            "Events stored within the recent window, by type",
            labels=["type"],
        )
        rows = Event.objects.filter(created_at__gte=since).order_by().values("type")
        for row in rows.annotate(n=Count("pk")).order_by("type"):
            recent.add_metric([row["type"]], float(row["n"]))
        yield recent

    def delivery_metrics(self, now, since) -> Iterator[Metric]:
        by_status = GaugeMetricFamily(
            "kazoo_zapier_deliveries",
            "Deliveries held (until pruned), by status",
            labels=["status"],
        )
        for status, count in selectors.deliveries_by_status().items():
            by_status.add_metric([status], float(count))
        yield by_status

        hooks = GaugeMetricFamily(
            "kazoo_zapier_hooks", "Subscriptions by status", labels=["status"]
        )
        for status, count in selectors.hooks_by_status().items():
            hooks.add_metric([status], float(count))
        yield hooks

        due = Delivery.objects.filter(status=Delivery.Status.PENDING, next_attempt_at__lte=now)
        oldest = due.aggregate(oldest=Min("next_attempt_at"))["oldest"]
        yield GaugeMetricFamily(
            "kazoo_zapier_delivery_queue_depth",
            "Pending deliveries that are due now (the workers' backlog)",
            value=float(due.count()),
        )
        yield GaugeMetricFamily(
            "kazoo_zapier_delivery_queue_oldest_seconds",
            "How long the oldest due delivery has been waiting",
            value=(now - oldest).total_seconds() if oldest else 0.0,
        )

        attempts = DeliveryAttempt.objects.filter(started_at__gte=since).order_by()
        outcomes = GaugeMetricFamily(
            "kazoo_zapier_delivery_attempts_recent",
            "Delivery attempts within the recent window, by outcome",
            labels=["outcome"],
        )
        for row in attempts.values("outcome").annotate(n=Count("pk")).order_by("outcome"):
            outcomes.add_metric([row["outcome"]], float(row["n"]))
        yield outcomes

        counts = attempts.aggregate(
            total=Count("pk"),
            sum_ms=Sum("latency_ms"),
            **{
                f"le_{index}": Count("pk", filter=Q(latency_ms__lte=bound * 1000))
                for index, bound in enumerate(LATENCY_BUCKETS)
            },
        )
        buckets = [
            (str(bound), float(counts[f"le_{index}"]))
            for index, bound in enumerate(LATENCY_BUCKETS)
        ]
        buckets.append(("+Inf", float(counts["total"])))
        yield GaugeHistogramMetricFamily(
            "kazoo_zapier_delivery_latency_seconds",
            "How long targets took to answer, per attempt, within the recent window",
            buckets=buckets,
            gsum_value=(counts["sum_ms"] or 0) / 1000,
        )


def _loopback(address: str) -> bool:
    try:
        return ipaddress.ip_address(address).is_loopback
    except ValueError:
        return False


def may_scrape(request: HttpRequest) -> bool:
    """A bearer METRICS_TOKEN, a staff session, or (development only) a loopback client."""
    token = settings.METRICS_TOKEN
    header = request.headers.get("Authorization", "")
    if token and header.startswith("Bearer "):
        return hmac.compare_digest(header.removeprefix("Bearer ").strip(), token)
    user = getattr(request, "user", None)
    if user is not None and user.is_active and user.is_staff:
        return True
    return settings.METRICS_ALLOW_LOOPBACK and _loopback(request.META.get("REMOTE_ADDR", ""))


@never_cache
def metrics(request: HttpRequest) -> HttpResponse:
    if not may_scrape(request):
        return HttpResponse(
            "Metrics need a bearer token (METRICS_TOKEN) or a staff session.\n",
            status=401,
            content_type="text/plain",
            headers={"WWW-Authenticate": 'Bearer realm="metrics"'},
        )
    registry = CollectorRegistry(auto_describe=False)
    registry.register(DatabaseCollector())
    return HttpResponse(generate_latest(registry), content_type=CONTENT_TYPE_LATEST)

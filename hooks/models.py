"""Subscriptions (REST hooks), their deliveries (the outbox) and every HTTP attempt.

A Delivery is one event for one hook. Its state (status, attempts, next attempt time, lease) lives
on its row, so any process may crash at any moment and the next one resumes from the rows.
"""

import base64
import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone

from events.catalogue import EventType


def new_signing_secret() -> str:
    """A Standard Webhooks symmetric secret: `whsec_` + base64 of 32 random bytes."""
    return "whsec_" + base64.b64encode(secrets.token_bytes(32)).decode()


class Hook(models.Model):
    """A subscription: deliver events of one type, seen from one user or account, to one URL."""

    class Scope(models.TextChoices):
        USER = "user", "the subscriber's own events"
        ACCOUNT = "account", "every event of the account (administrators)"

    class Status(models.TextChoices):
        ACTIVE = "active", "active"
        PAUSED = "paused", "paused by staff"
        GONE = "gone", "gone (the target answered 410)"
        DISABLED = "disabled", "disabled (kept failing)"
        UNSUBSCRIBED = "unsubscribed", "unsubscribed"
        REVOKED = "revoked", "access revoked (the user disconnected the app)"

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="hooks"
    )
    # Copied from the owner's Kazoo profile when subscribing: the fan-out matches on them
    # without a join, and staff can see which Kazoo account a hook belongs to.
    account_id = models.CharField(max_length=32, db_index=True, help_text="Kazoo account id")
    kazoo_user_id = models.CharField(max_length=32, help_text="the subscriber's Kazoo user id")
    event = models.CharField(
        max_length=40, choices=EventType.choices, help_text="an event type of the catalogue"
    )
    scope = models.CharField(max_length=10, choices=Scope.choices, default=Scope.USER)
    filters = models.JSONField(default=dict, blank=True)
    target_url = models.URLField(max_length=2000)
    secret = models.CharField(max_length=100, default=new_signing_secret, editable=False)
    # The OAuth application whose token subscribed: when the user's last grant to it goes, the
    # hooks it made stop (accounts.revocation). Empty for hooks made outside the API.
    oauth_client_id = models.CharField(
        "OAuth client id", max_length=100, blank=True, default="", db_index=True
    )

    status = models.CharField(max_length=16, choices=Status.choices, default=Status.ACTIVE)
    status_reason = models.CharField(max_length=500, blank=True, default="")
    status_changed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    # The last result, for the API and staff; `failing_since` starts the clock that disables a
    # hook that has not answered 2xx for HOOKS_DISABLE_AFTER_HOURS.
    last_attempt_at = models.DateTimeField(null=True, blank=True)
    last_status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    last_error = models.CharField(max_length=500, blank=True, default="")
    failing_since = models.DateTimeField(null=True, blank=True)
    # Backoff belongs to the hook (its target): after a retryable failure nothing is sent to it
    # before `retry_at`, and its deliveries keep their order behind the one that failed. Enough
    # failures in a row open the circuit: each retry is then a single probe (half-open).
    retry_at = models.DateTimeField(null=True, blank=True)
    consecutive_failures = models.PositiveIntegerField(default=0)

    # Only one worker sends to a hook at a time: that keeps first attempts in event order and
    # the rate per target URL bounded. An expired lease (a killed worker) is free again.
    lease_until = models.DateTimeField(null=True, blank=True)
    lease_token = models.CharField(max_length=32, blank=True, default="", editable=False)

    class Meta:
        verbose_name = "subscription"
        indexes = [
            models.Index(fields=["account_id", "event", "status"], name="hook_fanout"),
            models.Index(fields=["owner", "status"], name="hook_owner"),
        ]

    def __str__(self) -> str:
        return f"{self.event} → {self.target_url} ({self.status})"

    @property
    def is_active(self) -> bool:
        return self.status == self.Status.ACTIVE

    @property
    def last_result(self) -> str:
        if self.last_attempt_at is None:
            return ""
        if self.last_status_code:
            return f"HTTP {self.last_status_code}"
        return self.last_error

    @property
    def can_send(self) -> bool:
        """Whether deliveries made pending for this hook would ever be sent."""
        return self.status in (self.Status.ACTIVE, self.Status.PAUSED, self.Status.DISABLED)

    @property
    def circuit_open(self) -> bool:
        return self.consecutive_failures >= CIRCUIT_THRESHOLD

    def set_status(self, status: str, reason: str = "") -> None:
        self.status = status
        self.status_reason = reason[:500]
        self.status_changed_at = timezone.now()
        self.save(update_fields=["status", "status_reason", "status_changed_at"])

    def stop(self, status: str, reason: str, cancelled_note: str) -> int:
        """End the hook for good (gone, unsubscribed, revoked): nothing waiting is sent.

        Conditional on the row, so a hook already ended keeps its first reason. Returns the
        pending deliveries cancelled.
        """
        now = timezone.now()
        ended = [self.Status.UNSUBSCRIBED, self.Status.GONE, self.Status.REVOKED]
        changed = (
            Hook.objects.filter(id=self.id)
            .exclude(status__in=ended)
            .update(status=status, status_reason=reason[:500], status_changed_at=now)
        )
        if changed:
            self.status, self.status_reason, self.status_changed_at = status, reason[:500], now
        return self.deliveries.filter(status=Delivery.Status.PENDING).update(
            status=Delivery.Status.CANCELLED, last_error=cancelled_note[:500]
        )

    def disable(self, reason: str) -> bool:
        """Kept failing past the retry window: staff may resume it; returns whether it changed."""
        now = timezone.now()
        changed = Hook.objects.filter(id=self.id, status=self.Status.ACTIVE).update(
            status=self.Status.DISABLED, status_reason=reason[:500], status_changed_at=now
        )
        return bool(changed)

    def reactivate(self) -> None:
        """Back to active with a clean failure record; what waited falls due now."""
        now = timezone.now()
        self.set_status(self.Status.ACTIVE)
        Hook.objects.filter(id=self.id).update(
            failing_since=None, retry_at=None, consecutive_failures=0
        )
        self.deliveries.filter(status=Delivery.Status.PENDING).update(next_attempt_at=now)


# Failures in a row after which the circuit opens: each retry is one probe, not a batch.
CIRCUIT_THRESHOLD = 3


class DeliveryPayload(models.Model):
    """The body of an event's deliveries, exactly as it is signed and sent, stored once.

    Every hook that reads the event alike (the same `rendering`, hooks/rendering.py) shares one
    row, and every attempt and resend sends these very characters: the payload is not encoded
    again per attempt, so its documented key order survives PostgreSQL's jsonb (which keeps no
    order) and a signature can be checked against what staff see.
    """

    event = models.ForeignKey("events.Event", on_delete=models.CASCADE, related_name="bodies")
    rendering = models.CharField(max_length=64, blank=True, default="")
    body = models.TextField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["event", "rendering"], name="payload_once_per_rendering")
        ]

    def __str__(self) -> str:
        return f"{self.event_id} ({self.rendering or 'as stored'})"


class Delivery(models.Model):
    """One event for one hook: sent until the target answers 2xx, gives up, or the hook goes."""

    class Status(models.TextChoices):
        PENDING = "pending", "pending"
        DELIVERED = "delivered", "delivered"
        FAILED = "failed", "failed"
        CANCELLED = "cancelled", "cancelled"

    event = models.ForeignKey("events.Event", on_delete=models.CASCADE, related_name="deliveries")
    hook = models.ForeignKey(Hook, on_delete=models.CASCADE, related_name="deliveries")
    # What is sent; empty only for deliveries made before bodies were stored (encoded when sent).
    payload = models.ForeignKey(
        DeliveryPayload, on_delete=models.CASCADE, null=True, blank=True, related_name="deliveries"
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    first_attempt_at = models.DateTimeField(null=True, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)
    last_status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    last_error = models.CharField(max_length=500, blank=True, default="")
    # A recovery or staff resend is a new delivery of the same event (the same webhook-id),
    # pointing at the delivery it repeats; the fan-out makes at most one original per hook.
    resend_of = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="resends"
    )

    class Meta:
        verbose_name_plural = "deliveries"
        constraints = [
            models.UniqueConstraint(
                fields=["event", "hook"],
                condition=models.Q(resend_of__isnull=True),
                name="delivery_once_per_hook",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "next_attempt_at"], name="delivery_due"),
            # The claim query: a hook's pending deliveries, oldest first. Only pending rows are
            # indexed, so it does not wade through weeks of delivered ones.
            models.Index(
                fields=["hook", "id"],
                condition=models.Q(status="pending"),
                name="delivery_pending",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.event_id} → hook {self.hook_id} ({self.status})"

    @property
    def body(self) -> str:
        """The exact text this delivery sends and signs."""
        if self.payload_id is not None:
            return self.payload.body
        from hooks.rendering import encode  # rows from before bodies were stored

        return encode(self.event)


class DeliveryAttempt(models.Model):
    """One HTTP try of a delivery, as staff need to see it."""

    delivery = models.ForeignKey(Delivery, on_delete=models.CASCADE, related_name="attempt_log")
    started_at = models.DateTimeField()
    status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    latency_ms = models.PositiveIntegerField(default=0)
    response_excerpt = models.CharField(max_length=500, blank=True, default="")
    error = models.CharField(max_length=500, blank=True, default="")

    class Outcome(models.TextChoices):
        DELIVERED = "delivered", "delivered"
        RETRY = "retry", "retry"
        GONE = "gone", "gone"
        FAILED = "failed", "failed"

    outcome = models.CharField(max_length=16, choices=Outcome.choices)

    class Meta:
        ordering = ["started_at"]

    def __str__(self) -> str:
        return f"{self.started_at:%Y-%m-%d %H:%M:%S} {self.status_code or self.error}"


class Drainer(models.Model):
    """One row: until when a worker is busy sending (see hooks.tasks).

    Producers read it after committing new deliveries and enqueue a "deliver now" task only when
    no worker is draining already; without it, a steady stream of events would queue tasks
    faster than the workers finish them. The database is the one thing every process shares on
    every profile (the cache is per process without Redis).
    """

    alive_until = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"draining until {self.alive_until}" if self.alive_until else "idle"

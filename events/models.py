from django.db import models

from events.catalogue import EventType


class Event(models.Model):
    """A normalized event, stored once, with its payload exactly as it is delivered.

    The id is the normalizer's deterministic id (call, user and type): a frame Kazoo repeats, or a
    call replayed after a listener restart, maps onto the same row and is stored only once.
    """

    id = models.CharField(primary_key=True, max_length=64)
    type = models.CharField(max_length=40, db_index=True, choices=EventType.choices)
    account_id = models.CharField(max_length=32, help_text="Kazoo account id")
    user_id = models.CharField(
        max_length=32, blank=True, default="", help_text="Kazoo user id; empty for account events"
    )
    call_id = models.CharField(max_length=255, blank=True, default="", db_index=True)
    occurred_at = models.DateTimeField(help_text="When Kazoo says it happened")
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    payload = models.JSONField(help_text="The body every subscriber receives")
    receiving = models.BooleanField(
        null=True,
        blank=True,
        help_text="Call events: the user was the one rung. Not sent; the summary's wording in "
        "each reader's language depends on it (events/localize.py).",
    )

    class Meta:
        ordering = ["-occurred_at"]
        indexes = [
            # GET /api/v1/events: an account's (or a user's) recent events of one type.
            models.Index(
                fields=["account_id", "type", "-occurred_at"], name="event_account_recent"
            ),
            models.Index(fields=["user_id", "type", "-occurred_at"], name="event_user_recent"),
        ]

    def __str__(self) -> str:
        return f"{self.type} {self.call_id or self.id}"

    @property
    def summary(self) -> str:
        return self.payload.get("summary", "")


class ListenerState(models.Model):
    """What one listener process must not lose across a restart, and what it reports.

    `call_state` is the normalizer's per-call state (which calls rang whom, what was emitted), so
    that a restarted listener still ends every call it started. `health` is its last report, read
    by /readyz and the staff pages; `heartbeat_at` says how fresh that report is.
    """

    name = models.CharField(primary_key=True, max_length=64, default="default")
    # Compressed JSON, packed by the listener (events.listener.pack_call_state): it can hold
    # thousands of live calls, and a JSONField would parse and encode it twice more per save.
    call_state = models.BinaryField(blank=True, default=b"")
    acdc_state = models.JSONField(default=dict, blank=True)
    health = models.JSONField(default=dict, blank=True)
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    started_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"listener {self.name}"


class DeadLetter(models.Model):
    """A normalized event that could not be stored for a reason retrying will not cure.

    The listener sets it aside here, with the error, so the events behind it flow on; provider
    staff see it in the admin and replay it once the cause is fixed (a column widened, a bug
    corrected). Nothing the listener made is thrown away silently.
    """

    event_id = models.CharField(max_length=255, db_index=True)
    type = models.CharField(max_length=255, blank=True, default="")
    account_id = models.CharField(max_length=255, blank=True, default="")
    user_id = models.CharField(max_length=255, blank=True, default="")
    payload = models.JSONField(help_text="The normalized event as the listener made it")
    error = models.TextField(help_text="Why the database refused it")
    listener = models.CharField(max_length=64, default="default")
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    replayed_at = models.DateTimeField(null=True, blank=True)
    replay_error = models.TextField(blank=True, default="")

    class Meta:
        ordering = ["-created_at"]
        verbose_name = "event set aside"
        verbose_name_plural = "events set aside"

    def __str__(self) -> str:
        return f"{self.type or 'event'} {self.event_id}"

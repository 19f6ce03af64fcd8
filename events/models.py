from django.db import models


class Event(models.Model):
    """A normalized event, stored once, with its payload exactly as it is delivered.

    The id is the normalizer's deterministic id (call × user × type): a frame Kazoo repeats, or a
    call replayed after a listener restart, maps onto the same row and is stored only once.
    """

    id = models.CharField(primary_key=True, max_length=64)
    type = models.CharField(max_length=40, db_index=True)
    account_id = models.CharField(max_length=32, help_text="Kazoo account id")
    user_id = models.CharField(
        max_length=32, blank=True, default="", help_text="Kazoo user id; empty for account events"
    )
    call_id = models.CharField(max_length=255, blank=True, default="", db_index=True)
    occurred_at = models.DateTimeField(help_text="When Kazoo says it happened")
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    payload = models.JSONField(help_text="The body every subscriber receives")

    class Meta:
        ordering = ["-occurred_at"]
        indexes = [
            # GET /api/v1/events: an account's (or a user's) recent events of one type.
            models.Index(fields=["account_id", "type", "-occurred_at"], name="event_account_recent"),
            models.Index(fields=["user_id", "type", "-occurred_at"], name="event_user_recent"),
        ]

    def __str__(self) -> str:
        return f"{self.type} {self.call_id or self.id}"

    @property
    def summary(self) -> str:
        return self.payload.get("summary", "")

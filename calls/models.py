"""The click-to-call request log: one row per POST /api/v1/calls, whatever became of it.

Staff read it in the admin to answer "who called whom, from which phone, and what did Kazoo say",
including the requests that were refused (a blocked number, too many calls: the toll-fraud trail).
"""

from django.conf import settings
from django.db import models


class CallRequest(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", "Pending (sent to Kazoo)"
        PLACED = "placed", "Placed (the phone rings)"
        INVALID = "invalid", "Invalid number"
        BLOCKED = "blocked", "Blocked number"
        DEVICE_NOT_FOUND = "device_not_found", "Device not found"
        NOT_REGISTERED = "not_registered", "Phone not registered"
        FAILED = "failed", "Kazoo refused"
        UNREACHABLE = "kazoo_unreachable", "Kazoo unreachable"
        THROTTLED = "throttled", "Too many calls"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,  # the log outlives a removed user: it is an audit trail
        null=True,
        related_name="call_requests",
    )
    account_id = models.CharField("Kazoo account id", max_length=32, db_index=True)
    kazoo_user_id = models.CharField("Kazoo user id", max_length=32, db_index=True)
    to_requested = models.CharField("to (as given)", max_length=100, blank=True)
    to = models.CharField("to (normalized)", max_length=40, blank=True, db_index=True)
    is_extension = models.BooleanField(default=False)
    device_id = models.CharField(
        "device id", max_length=32, blank=True, help_text="Empty: all the user's devices rang"
    )
    device_name = models.CharField(max_length=200, blank=True)
    caller_id_name = models.CharField(max_length=100, blank=True)
    caller_id_number = models.CharField(max_length=40, blank=True)
    auto_answer = models.BooleanField(null=True)

    status = models.CharField(
        max_length=20, choices=Status.choices, default=Status.PENDING, db_index=True
    )
    http_status = models.PositiveSmallIntegerField(null=True, blank=True)
    error_code = models.CharField(max_length=40, blank=True)
    detail = models.TextField(blank=True, help_text="What the user was told")

    call_id = models.CharField(
        max_length=255, blank=True, db_index=True, help_text="The call_id of the call's events"
    )
    leg_call_ids = models.JSONField(
        default=list, blank=True, help_text="Kazoo's Outbound-Call-ID of every device leg"
    )
    kazoo_error = models.CharField(
        max_length=100, blank=True, help_text="Kazoo's error_message, e.g. DESTINATION_OUT_OF_ORDER"
    )
    kazoo_response = models.JSONField(null=True, blank=True, help_text="Kazoo's answer")

    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = "click-to-call request"
        indexes = [models.Index(fields=["kazoo_user_id", "-created_at"], name="call_user_recent")]

    def __str__(self) -> str:
        return f"{self.to or self.to_requested} ({self.get_status_display()})"


class ActionRequest(models.Model):
    """One row per change a Zap asked of Kazoo (agent status, forwarding, DND, SMS), done or not.

    Staff read it like the call requests: who asked, for whom, what, when, and Kazoo's answer.
    """

    class Action(models.TextChoices):
        AGENT_LOGIN = "agent_login", "Log an agent in"
        AGENT_LOGOUT = "agent_logout", "Log an agent out"
        AGENT_PAUSE = "agent_pause", "Pause an agent"
        AGENT_RESUME = "agent_resume", "Resume an agent"
        AGENT_END_WRAPUP = "agent_end_wrapup", "End an agent's wrap-up"
        CALL_FORWARD = "call_forward", "Set call forwarding"
        DO_NOT_DISTURB = "do_not_disturb", "Set Do Not Disturb"
        SMS = "sms", "Send an SMS"

    class Status(models.TextChoices):
        PENDING = "pending", "Pending (sent to Kazoo)"
        DONE = "done", "Done (confirmed)"
        UNCONFIRMED = "unconfirmed", "Sent, not confirmed"
        REFUSED = "refused", "Refused (by us)"
        FAILED = "failed", "Kazoo refused"
        UNREACHABLE = "kazoo_unreachable", "Kazoo unreachable"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,  # an audit trail outlives the user
        null=True,
        related_name="action_requests",
    )
    account_id = models.CharField("Kazoo account id", max_length=32, db_index=True)
    kazoo_user_id = models.CharField(
        "Kazoo user id", max_length=32, db_index=True, help_text="Who asked"
    )
    action = models.CharField(max_length=20, choices=Action.choices, db_index=True)
    target_id = models.CharField(
        max_length=32, blank=True, db_index=True, help_text="The Kazoo user (agent) changed"
    )
    target_name = models.CharField(max_length=200, blank=True)
    requested = models.JSONField(default=dict, blank=True, help_text="What the Zap asked for")

    status = models.CharField(
        max_length=20, choices=Status.choices, default=Status.PENDING, db_index=True
    )
    http_status = models.PositiveSmallIntegerField(null=True, blank=True)
    error_code = models.CharField(max_length=40, blank=True)
    detail = models.TextField(blank=True, help_text="What the user was told")
    kazoo_response = models.JSONField(null=True, blank=True, help_text="Kazoo's answer")

    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = "action request"
        indexes = [models.Index(fields=["target_id", "-created_at"], name="action_target_recent")]

    def __str__(self) -> str:
        return f"{self.get_action_display()} {self.target_name or self.target_id} ({self.status})"

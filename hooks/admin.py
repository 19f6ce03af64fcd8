"""Provider staff: subscriptions, deliveries and every attempt; pause, resume, retry, resend.

Lists fit a 1280 px screen with the columns staff read first; every page behind a row is
read-only, with the page's actions as buttons (admin/hooks/object_actions_form.html).
"""

import json
from datetime import timedelta

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from rest_framework.exceptions import ValidationError

from accounts.models import KazooAccount
from events.catalogue import EventType, title_of
from events.models import Event
from hooks import services
from hooks.admin_events import resend_events_action
from hooks.models import Delivery, DeliveryAttempt, Hook
from hooks.recovery import recover
from hooks.transport import signed_headers
from kazoo_zapier import admin_display, display


class EventTitleFilter(admin.SimpleListFilter):
    """Filter deliveries by their event's type, named by its title."""

    title = "event"
    parameter_name = "event__type"  # the address Django's own filter on the field had

    def lookups(self, request, model_admin):
        return [(kind.value, kind.title) for kind in EventType]

    def queryset(self, request, queryset):
        return queryset.filter(event__type=self.value()) if self.value() else queryset


class CustomerFilter(admin.SimpleListFilter):
    """Filter deliveries by the subscriber's Kazoo account, named as staff know it."""

    title = "customer"
    parameter_name = "hook__account_id"

    def lookups(self, request, model_admin):
        return list(KazooAccount.objects.order_by("name").values_list("kazoo_id", "name"))

    def queryset(self, request, queryset):
        return queryset.filter(hook__account_id=self.value()) if self.value() else queryset


def attempt_headers(delivery: Delivery, attempt: DeliveryAttempt) -> str:
    """The headers that attempt sent, signed again with the same inputs (the signature is the
    HMAC of id, timestamp and body: it is the same bytes; the secret itself is not shown)."""
    headers = signed_headers(
        delivery.hook.secret,
        delivery.event_id,
        delivery.body,
        attempt.started_at,
    )
    return "\n".join(f"{name}: {value}" for name, value in headers.items())


def attempt_answer(attempt: DeliveryAttempt) -> str:
    code = f"HTTP {attempt.status_code}" if attempt.status_code else "no HTTP answer"
    lines = [f"{code} after {attempt.latency_ms} ms ({attempt.outcome})"]
    if attempt.error:
        lines.append(attempt.error)
    if attempt.response_excerpt:
        lines += ["", attempt.response_excerpt]
    return "\n".join(lines)


@admin.register(Hook)
class HookAdmin(admin_display.ObjectActionsMixin, admin.ModelAdmin):
    # Staff read a subscription by who, what and where first; the raw ids are on its page.
    list_display = [
        "created_at",
        "customer",
        "user_name",
        "event_title",
        "target_host",
        "status_label",
        "last_result_short",
        "last_attempt_at",
    ]
    list_display_links = ["created_at"]
    list_filter = ["status", "scope", "event", "created_at"]
    search_fields = ["owner__username", "owner__kazoo__name", "account_id", "target_url"]
    list_select_related = ["owner__kazoo__account"]
    fieldsets = [
        (
            None,
            {"fields": ["customer", "user_name", "event_title", "scope", "filters", "target_url"]},
        ),
        (
            "Status",
            {"fields": ["status_label", "status_reason", "status_changed_at", "failing_since"]},
        ),
        ("Last attempt", {"fields": ["last_attempt_at", "last_status_code", "last_error"]}),
        (
            "Kazoo and internals",
            {
                "classes": ["collapse"],
                "fields": ["owner", "account_id", "kazoo_user_id", "created_at", "lease_until"],
            },
        ),
    ]
    readonly_fields = [
        "customer",
        "user_name",
        "event_title",
        "status_label",
        "owner",
        "account_id",
        "kazoo_user_id",
        "event",
        "scope",
        "filters",
        "target_url",
        "status",
        "status_reason",
        "status_changed_at",
        "created_at",
        "last_attempt_at",
        "last_status_code",
        "last_error",
        "failing_since",
        "lease_until",
    ]
    object_actions = [
        ("pause_hooks", "Pause"),
        ("resume_hooks", "Resume"),
        ("recover_last_day", "Resend the last 24 hours"),
    ]

    @admin.display(description="customer", ordering="owner__kazoo__account__name")
    def customer(self, hook: Hook) -> str:
        return admin_display.customer(hook.owner, hook.account_id)

    @admin.display(description="user", ordering="owner__kazoo__name")
    def user_name(self, hook: Hook) -> str:
        return admin_display.person(hook.owner)

    @admin.display(description="event", ordering="event")
    def event_title(self, hook: Hook) -> str:
        return title_of(hook.event)

    @admin.display(description="target host", ordering="target_url")
    def target_host(self, hook: Hook) -> str:
        return admin_display.host(hook.target_url)

    @admin.display(description="status", ordering="status")
    def status_label(self, hook: Hook) -> str:
        return admin_display.status_label(hook.status)

    @admin.display(description="last result", ordering="last_status_code")
    def last_result_short(self, hook: Hook) -> str:
        return hook.last_result or "—"

    def has_change_permission(self, request: HttpRequest, obj: Hook | None = None) -> bool:
        # Nothing on a subscription's page is edited; the list keeps its actions.
        return obj is None and super().has_change_permission(request)

    actions = ["pause_hooks", "resume_hooks", "recover_last_hour", "recover_last_day"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # hooks come from the Zapier app through the API

    def _recover(self, request: HttpRequest, queryset: QuerySet[Hook], hours: int) -> None:
        since = timezone.now() - timedelta(hours=hours)
        sent, refused = 0, []
        for hook in queryset:
            try:
                sent += recover(hook, since)
            except ValidationError as refusal:
                refused.append(f"#{hook.pk}: {' '.join(map(str, _messages(refusal.detail)))}")
        self.message_user(request, f"{sent} event(s) will be sent again.", messages.SUCCESS)
        if refused:
            self.message_user(request, "Not sent: " + "; ".join(refused), messages.WARNING)

    @admin.action(description="Recover: resend the last hour's events", permissions=["change"])
    def recover_last_hour(self, request: HttpRequest, queryset: QuerySet[Hook]) -> None:
        self._recover(request, queryset, 1)

    @admin.action(description="Recover: resend the last 24 hours' events", permissions=["change"])
    def recover_last_day(self, request: HttpRequest, queryset: QuerySet[Hook]) -> None:
        self._recover(request, queryset, 24)

    @admin.action(description="Pause the selected subscriptions (deliveries wait)", permissions=["change"])
    def pause_hooks(self, request: HttpRequest, queryset: QuerySet[Hook]) -> None:
        count = services.pause(queryset)
        self.message_user(request, f"Paused {count} subscription(s).", messages.SUCCESS)

    @admin.action(description="Resume the selected subscriptions (paused or disabled)", permissions=["change"])
    def resume_hooks(self, request: HttpRequest, queryset: QuerySet[Hook]) -> None:
        count = services.resume(queryset)
        self.message_user(request, f"Resumed {count} subscription(s).", messages.SUCCESS)


class DeliveryAttemptInline(admin.TabularInline):
    model = DeliveryAttempt
    extra = 0
    can_delete = False
    show_change_link = True  # the attempt's page: the headers sent and the answer
    fields = ["started_at", "status_code", "latency_ms", "outcome", "response_excerpt", "error"]
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest, obj: Delivery | None = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Delivery | None = None) -> bool:
        return False


@admin.register(Delivery)
class DeliveryAdmin(admin_display.KeptRecordMixin, admin_display.ObjectActionsMixin, admin.ModelAdmin):
    # The columns staff need first, fitting 1280 px; the payload and every attempt are behind
    # the row.
    list_display = [
        "created_at",
        "customer",
        "user_name",
        "event_type",
        "target_host",
        "status_label",
        "attempts",
        "last_code",
    ]
    list_display_links = ["created_at"]
    list_filter = ["status", EventTitleFilter, CustomerFilter, "created_at"]
    search_fields = [
        "event__id",
        "event__call_id",
        "hook__target_url",
        "hook__owner__username",
        "hook__owner__kazoo__account__name",
    ]
    list_select_related = ["event", "hook__owner__kazoo__account"]
    date_hierarchy = "created_at"
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "status_label",
                    "customer",
                    "user_name",
                    "event_summary",
                    "hook_link",
                    "attempts",
                    "created_at",
                    "first_attempt_at",
                    "next_attempt",
                    "delivered_at",
                    "last_status_code",
                    "last_error",
                ]
            },
        ),
        ("Sent", {"fields": ["signed_headers", "payload"]}),
        ("Last answer", {"fields": ["last_response"]}),
    ]
    readonly_fields = [
        "status_label",
        "customer",
        "user_name",
        "event_summary",
        "hook_link",
        "next_attempt",
        "signed_headers",
        "payload",
        "last_response",
        "event",
        "hook",
        "status",
        "attempts",
        "created_at",
        "next_attempt_at",
        "first_attempt_at",
        "delivered_at",
        "last_status_code",
        "last_error",
    ]
    inlines = [DeliveryAttemptInline]
    object_actions = [("retry", "Retry now"), ("resend_events", "Resend the event")]
    actions = ["retry", "resend_events"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    @admin.display(description="event", ordering="event__type")
    def event_type(self, delivery: Delivery) -> str:
        return title_of(delivery.event.type)

    @admin.display(description="customer", ordering="hook__owner__kazoo__account__name")
    def customer(self, delivery: Delivery) -> str:
        return admin_display.customer(delivery.hook.owner, delivery.hook.account_id)

    @admin.display(description="account", ordering="hook__account_id")
    def account_id(self, delivery: Delivery) -> str:
        return delivery.hook.account_id

    @admin.display(description="user", ordering="hook__owner__kazoo__name")
    def user_name(self, delivery: Delivery) -> str:
        return admin_display.person(delivery.hook.owner)

    @admin.display(description="target host", ordering="hook__target_url")
    def target_host(self, delivery: Delivery) -> str:
        return admin_display.host(delivery.hook.target_url)

    @admin.display(description="status", ordering="status")
    def status_label(self, delivery: Delivery) -> str:
        return admin_display.status_label(delivery.status)

    @admin.display(description="last code", ordering="last_status_code")
    def last_code(self, delivery: Delivery) -> str:
        return str(delivery.last_status_code or "—")

    @admin.display(description="event")
    def event_summary(self, delivery: Delivery) -> str:
        event = delivery.event
        url = reverse("admin:events_event_change", args=[event.pk])
        summary = (event.payload or {}).get("summary") or event.type
        return format_html(
            '<a href="{}">{}</a> <span class="quiet">{}</span>', url, summary, event.pk
        )

    @admin.display(description="subscription")
    def hook_link(self, delivery: Delivery) -> str:
        url = reverse("admin:hooks_hook_change", args=[delivery.hook_id])
        return format_html(
            '<a href="{}">#{} {}</a>', url, delivery.hook_id, delivery.hook.target_url
        )

    @admin.display(description="next attempt")
    def next_attempt(self, delivery: Delivery) -> str:
        # Only a pending delivery has one; a delivered or failed row's column is left over.
        if delivery.status != Delivery.Status.PENDING:
            return "—"
        return display.when(delivery.next_attempt_at)

    @admin.display(description="signed headers (of the last attempt; the secret is never shown)")
    def signed_headers(self, delivery: Delivery) -> str:
        last = delivery.attempt_log.order_by("-started_at").first()
        return admin_display.pre(attempt_headers(delivery, last) if last else "not sent yet")

    @admin.display(description="payload, as sent (the stored body, in its order)")
    def payload(self, delivery: Delivery) -> str:
        return admin_display.pre(json.loads(delivery.body))

    @admin.display(description="response excerpt (last attempt)")
    def last_response(self, delivery: Delivery) -> str:
        last = delivery.attempt_log.order_by("-started_at").first()
        if last is None:
            return "—"
        return admin_display.pre(attempt_answer(last))

    def has_change_permission(self, request: HttpRequest, obj: Delivery | None = None) -> bool:
        # Nothing on a delivery's page is edited: retry and resend are its buttons.
        return obj is None and super().has_change_permission(request)

    @admin.action(
        description="Retry the selected deliveries now (not the delivered ones)",
        permissions=["change"],
    )
    def retry(self, request: HttpRequest, queryset: QuerySet[Delivery]) -> None:
        count = services.retry_deliveries(queryset)
        self.message_user(request, f"{count} delivery(ies) will be sent now.", messages.SUCCESS)

    @admin.action(description="Resend the selected deliveries' events to their hooks", permissions=["change"])
    def resend_events(self, request: HttpRequest, queryset: QuerySet[Delivery]) -> None:
        resend_events_action(self, request, Event.objects.filter(deliveries__in=queryset))


@admin.register(DeliveryAttempt)
class DeliveryAttemptAdmin(admin.ModelAdmin):
    """One HTTP try, read-only: what was sent (headers, payload) and what came back."""

    list_display = [
        "started_at",
        "customer",
        "event_type",
        "target_host",
        "code",
        "latency_ms",
        "outcome",
    ]
    list_display_links = ["started_at"]
    list_filter = ["outcome", "started_at"]
    list_select_related = ["delivery__event", "delivery__hook__owner__kazoo__account"]
    search_fields = ["delivery__event__id", "delivery__hook__target_url"]
    date_hierarchy = "started_at"
    fields = [
        "delivery_link",
        "started_at",
        "code",
        "latency_ms",
        "outcome",
        "headers",
        "payload",
        "answer",
    ]
    readonly_fields = fields

    @admin.display(description="customer")
    def customer(self, attempt: DeliveryAttempt) -> str:
        hook = attempt.delivery.hook
        return admin_display.customer(hook.owner, hook.account_id)

    @admin.display(description="event", ordering="delivery__event__type")
    def event_type(self, attempt: DeliveryAttempt) -> str:
        return title_of(attempt.delivery.event.type)

    @admin.display(description="target host")
    def target_host(self, attempt: DeliveryAttempt) -> str:
        return admin_display.host(attempt.delivery.hook.target_url)

    @admin.display(description="code", ordering="status_code")
    def code(self, attempt: DeliveryAttempt) -> str:
        tone = {"delivered": "delivered", "retry": "retry", "gone": "gone"}.get(
            attempt.outcome, "failed"
        )
        return admin_display.status_label(
            tone, str(attempt.status_code or attempt.error[:40] or "—")
        )

    @admin.display(description="delivery")
    def delivery_link(self, attempt: DeliveryAttempt) -> str:
        url = reverse("admin:hooks_delivery_change", args=[attempt.delivery_id])
        return format_html('<a href="{}">delivery #{}</a>', url, attempt.delivery_id)

    @admin.display(description="signed headers (the secret is never shown)")
    def headers(self, attempt: DeliveryAttempt) -> str:
        return admin_display.pre(attempt_headers(attempt.delivery, attempt))

    @admin.display(description="payload, as sent (the stored body, in its order)")
    def payload(self, attempt: DeliveryAttempt) -> str:
        return admin_display.pre(json.loads(attempt.delivery.body))

    @admin.display(description="the answer")
    def answer(self, attempt: DeliveryAttempt) -> str:
        return admin_display.pre(attempt_answer(attempt))

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False


def _messages(detail) -> list[str]:
    """A DRF ValidationError's messages, flat."""
    if isinstance(detail, dict):
        return [m for value in detail.values() for m in _messages(value)]
    if isinstance(detail, list):
        return [m for value in detail for m in _messages(value)]
    return [str(detail)]

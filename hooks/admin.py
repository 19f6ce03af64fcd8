"""Provider staff: subscriptions, deliveries and every attempt; pause, resume, retry, resend."""

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest

from events.models import Event
from hooks import services
from hooks.models import Delivery, DeliveryAttempt, Hook


@admin.register(Hook)
class HookAdmin(admin.ModelAdmin):
    list_display = [
        "id",
        "owner",
        "account_id",
        "event",
        "scope",
        "filters",
        "status",
        "last_result",
        "last_attempt_at",
        "created_at",
    ]
    list_filter = ["status", "scope", "event", "created_at"]
    search_fields = ["owner__username", "owner__kazoo__name", "account_id", "target_url"]
    list_select_related = ["owner"]
    readonly_fields = [
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
    actions = ["pause_hooks", "resume_hooks"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # hooks come from the Zapier app through the API

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
    fields = ["started_at", "status_code", "latency_ms", "outcome", "response_excerpt", "error"]
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest, obj: Delivery | None = None) -> bool:
        return False


@admin.register(Delivery)
class DeliveryAdmin(admin.ModelAdmin):
    list_display = [
        "id",
        "event_id",
        "event_type",
        "account_id",
        "hook",
        "status",
        "attempts",
        "last_status_code",
        "next_attempt_at",
        "created_at",
    ]
    list_filter = ["status", "event__type", "hook__account_id", "created_at"]
    search_fields = ["event__id", "event__call_id", "hook__target_url", "hook__owner__username"]
    list_select_related = ["event", "hook"]
    date_hierarchy = "created_at"
    readonly_fields = [
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
    actions = ["retry", "resend_events"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    @admin.display(description="event type", ordering="event__type")
    def event_type(self, delivery: Delivery) -> str:
        return delivery.event.type

    @admin.display(description="account", ordering="hook__account_id")
    def account_id(self, delivery: Delivery) -> str:
        return delivery.hook.account_id

    @admin.action(description="Retry the selected deliveries now (not the delivered ones)", permissions=["change"])
    def retry(self, request: HttpRequest, queryset: QuerySet[Delivery]) -> None:
        count = services.retry_deliveries(queryset)
        self.message_user(request, f"{count} delivery(ies) will be sent now.", messages.SUCCESS)

    @admin.action(description="Resend the selected deliveries' events to their hooks", permissions=["change"])
    def resend_events(self, request: HttpRequest, queryset: QuerySet[Delivery]) -> None:
        resend_events_action(self, request, Event.objects.filter(deliveries__in=queryset))


def resend_events_action(
    model_admin: admin.ModelAdmin, request: HttpRequest, events: QuerySet[Event]
) -> None:
    """Also usable as an action on the events admin: resend events to every hook that wants them."""
    count = services.resend_events(events.distinct())
    model_admin.message_user(
        request, f"{count} delivery(ies) will be sent (again) now.", messages.SUCCESS
    )


resend_events_action.short_description = "Resend the selected events to their hooks"  # type: ignore[attr-defined]
# Re-running customers' Zaps needs the right to change deliveries, not just to view them; an admin
# offering this action defines has_resend_permission with may_resend.
resend_events_action.allowed_permissions = ("resend",)  # type: ignore[attr-defined]


def may_resend(request: HttpRequest) -> bool:
    return request.user.has_perm("hooks.change_delivery")

import json

from django.contrib import admin
from django.db.models import Count
from django.utils.html import format_html

from events.catalogue import EventType
from events.models import Event, ListenerState
from hooks.admin import may_resend, resend_events_action


class EventTypeFilter(admin.SimpleListFilter):
    """The catalogue's titles, as the users know them from Zapier."""

    title = "type"
    parameter_name = "type"

    def lookups(self, request, model_admin):
        return [(kind.value, f"{kind.title} ({kind.value})") for kind in EventType]

    def queryset(self, request, queryset):
        return queryset.filter(type=self.value()) if self.value() else queryset


@admin.register(Event)
class EventAdmin(admin.ModelAdmin):
    list_display = ["occurred_at", "type", "summary", "account_id", "user_id", "delivery_count"]
    list_filter = [EventTypeFilter, "occurred_at"]
    search_fields = ["=id", "=call_id", "=account_id", "=user_id", "payload__summary"]
    date_hierarchy = "occurred_at"
    readonly_fields = [
        "id",
        "type",
        "account_id",
        "user_id",
        "call_id",
        "occurred_at",
        "created_at",
        "pretty_payload",
    ]
    exclude = ["payload"]
    actions = [resend_events_action]

    def has_resend_permission(self, request) -> bool:
        return may_resend(request)
    list_per_page = 50

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(delivery_total=Count("deliveries"))

    @admin.display(description="deliveries", ordering="delivery_total")
    def delivery_count(self, event: Event) -> int:
        return event.delivery_total

    @admin.display(description="payload, as delivered")
    def pretty_payload(self, event: Event) -> str:
        return format_html("<pre>{}</pre>", json.dumps(event.payload, indent=2))

    def has_add_permission(self, request) -> bool:
        return False  # events come from Kazoo, never from a form

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(ListenerState)
class ListenerStateAdmin(admin.ModelAdmin):
    list_display = ["name", "connected", "accounts", "last_event_at", "lag", "heartbeat_at"]
    readonly_fields = ["name", "started_at", "heartbeat_at", "pretty_health", "calls_tracked"]
    exclude = ["call_state", "acdc_state", "health"]

    @admin.display(boolean=True)
    def connected(self, state: ListenerState) -> bool:
        return bool(state.health.get("connected"))

    @admin.display(description="accounts")
    def accounts(self, state: ListenerState) -> int | None:
        return state.health.get("accounts")

    @admin.display(description="last event")
    def last_event_at(self, state: ListenerState) -> str | None:
        return state.health.get("last_event_at")

    @admin.display(description="lag (s)")
    def lag(self, state: ListenerState) -> str:
        lag = state.health.get("lag_seconds")
        return "" if lag is None else f"{lag:.2f}"

    @admin.display(description="calls in progress")
    def calls_tracked(self, state: ListenerState) -> int | None:
        return state.health.get("calls_tracked")

    @admin.display(description="health")
    def pretty_health(self, state: ListenerState) -> str:
        return format_html("<pre>{}</pre>", json.dumps(state.health, indent=2))

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

from django.contrib import admin, messages
from django.db.models import Count

from events.catalogue import EventType, title_of
from events.models import DeadLetter, Event, ListenerState
from events.store_retry import replay
from kazoo_zapier import admin_display, display


class EventTypeFilter(admin.SimpleListFilter):
    """The catalogue's titles, as the users know them from Zapier."""

    title = "type"
    parameter_name = "type"

    def lookups(self, request, model_admin):
        return [(kind.value, f"{kind.title} ({kind.value})") for kind in EventType]

    def queryset(self, request, queryset):
        return queryset.filter(type=self.value()) if self.value() else queryset


@admin.register(Event)
class EventAdmin(admin_display.KeptRecordMixin, admin_display.ObjectActionsMixin, admin.ModelAdmin):
    list_display = ["occurred_at", "customer", "user_name", "title", "summary", "delivery_count"]
    list_display_links = ["occurred_at"]
    list_filter = [EventTypeFilter, "occurred_at"]
    search_fields = ["=id", "=call_id", "=account_id", "=user_id", "payload__summary"]
    date_hierarchy = "occurred_at"
    readonly_fields = [
        "id",
        "title",
        "type",
        "account_id",
        "user_id",
        "call_id",
        "occurred_at",
        "created_at",
        "pretty_payload",
    ]
    exclude = ["payload"]
    list_per_page = 50

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(delivery_total=Count("deliveries"))

    @admin.display(description="customer")
    def customer(self, event: Event) -> str:
        return (event.payload or {}).get("account_name") or event.account_id

    @admin.display(description="user")
    def user_name(self, event: Event) -> str:
        payload = event.payload or {}
        return payload.get("user_name") or payload.get("agent_name") or event.user_id or "—"

    @admin.display(description="event", ordering="type")
    def title(self, event: Event) -> str:
        return title_of(event.type)

    @admin.display(description="what happened")
    def summary(self, event: Event) -> str:
        return (event.payload or {}).get("summary") or ""

    @admin.display(description="deliveries", ordering="delivery_total")
    def delivery_count(self, event: Event) -> int:
        return event.delivery_total

    @admin.display(description="payload, as delivered")
    def pretty_payload(self, event: Event) -> str:
        return admin_display.pre(event.payload)

    def has_add_permission(self, request) -> bool:
        return False  # events come from Kazoo, never from a form

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(ListenerState)
class ListenerStateAdmin(admin_display.KeptRecordMixin, admin.ModelAdmin):
    list_display = ["name", "connected", "accounts", "last_event_at", "lag", "heartbeat_at"]
    list_display_links = ["name"]
    readonly_fields = ["name", "started_at", "heartbeat_at", "pretty_health", "calls_tracked"]
    exclude = ["call_state", "acdc_state", "health"]

    @admin.display(boolean=True)
    def connected(self, state: ListenerState) -> bool:
        return bool(state.health.get("connected"))

    @admin.display(description="accounts")
    def accounts(self, state: ListenerState) -> int | None:
        return state.health.get("accounts")

    @admin.display(description="last event")
    def last_event_at(self, state: ListenerState) -> str:
        return display.when(state.health.get("last_event_at"))

    @admin.display(description="lag (s)")
    def lag(self, state: ListenerState) -> str:
        lag = state.health.get("lag_seconds")
        return "" if lag is None else f"{lag:.2f}"

    @admin.display(description="calls in progress")
    def calls_tracked(self, state: ListenerState) -> int | None:
        return state.health.get("calls_tracked")

    @admin.display(description="health")
    def pretty_health(self, state: ListenerState) -> str:
        return admin_display.pre(state.health)

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(DeadLetter)
class DeadLetterAdmin(admin.ModelAdmin):
    """Events the database refused for good: what they were, why, and a replay once fixed."""

    list_display = ["created_at", "type", "account_id", "short_error", "replayed_at"]
    list_filter = ["type", "listener", ("replayed_at", admin.EmptyFieldListFilter)]
    search_fields = ["=event_id", "=account_id", "=user_id", "error"]
    readonly_fields = [
        "event_id",
        "type",
        "account_id",
        "user_id",
        "listener",
        "created_at",
        "error",
        "replayed_at",
        "replay_error",
        "pretty_payload",
    ]
    exclude = ["payload"]
    actions = ["replay_selected"]

    @admin.display(description="error")
    def short_error(self, dead_letter: DeadLetter) -> str:
        return dead_letter.error[:120]

    @admin.display(description="event, as the listener made it")
    def pretty_payload(self, dead_letter: DeadLetter) -> str:
        return admin_display.pre(dead_letter.payload)

    @admin.action(
        description="Store the selected events again (with their deliveries)",
        permissions=["change"],
    )
    def replay_selected(self, request, queryset) -> None:
        waiting = queryset.filter(replayed_at__isnull=True)
        results = [replay(dead_letter) for dead_letter in waiting]
        stored, failed = results.count(True), results.count(False)
        if stored:
            self.message_user(request, f"{stored} event(s) stored and sent to their subscribers.")
        if failed:
            self.message_user(
                request,
                f"{failed} event(s) still refused; their replay error says why.",
                level=messages.ERROR,
            )

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        # Nothing on the page is edited; "change" is the right to replay.
        return obj is None and super().has_change_permission(request, obj)

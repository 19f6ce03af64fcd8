"""Click-to-call and action requests for provider staff: read-only, searchable, filterable."""

from django.contrib import admin

from calls.models import ActionRequest, CallRequest
from kazoo_zapier import admin_display, display


class RequestedByMixin:
    """Who asked (a Zap, as this user) and for which customer: call and action requests alike."""

    @admin.display(description="customer", ordering="user__kazoo__account__name")
    def customer(self, request: CallRequest | ActionRequest) -> str:
        return admin_display.customer(request.user, request.account_id)

    @admin.display(description="user", ordering="user__kazoo__name")
    def user_name(self, request: CallRequest | ActionRequest) -> str:
        return admin_display.person(request.user)


@admin.register(CallRequest)
class CallRequestAdmin(RequestedByMixin, admin_display.KeptRecordMixin, admin.ModelAdmin):
    # The number as given shows even when it was refused (then there is no normalized one).
    list_display = [
        "created_at",
        "customer",
        "user_name",
        "number_given",
        "number",
        "device_name",
        "status_label",
        "http_status",
    ]
    list_display_links = ["created_at"]
    list_filter = ["status", "is_extension", "created_at"]
    search_fields = [
        "to",
        "to_requested",
        "call_id",
        "kazoo_user_id",
        "account_id",
        "device_id",
        "user__username",
    ]
    date_hierarchy = "created_at"
    list_select_related = ["user__kazoo__account"]
    readonly_fields = [field.name for field in CallRequest._meta.fields]

    @admin.display(description="to (as given)", ordering="to_requested")
    def number_given(self, request: CallRequest) -> str:
        return request.to_requested or "—"

    @admin.display(description="to", ordering="to")
    def number(self, request: CallRequest) -> str:
        return display.phone_number(request.to) or "—"

    @admin.display(description="status", ordering="status")
    def status_label(self, request: CallRequest) -> str:
        return admin_display.status_label(request.status, request.status.replace("_", " "))

    def has_add_permission(self, request) -> bool:
        return False  # a log of what happened: only the API writes it

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(ActionRequest)
class ActionRequestAdmin(RequestedByMixin, admin_display.KeptRecordMixin, admin.ModelAdmin):
    """What Zaps changed in Kazoo (agents, forwarding, DND, SMS): who, what, when, Kazoo's answer."""

    list_display = [
        "created_at",
        "customer",
        "user_name",
        "action",
        "target_name",
        "status_label",
        "http_status",
        "error_code",
    ]
    list_display_links = ["created_at"]
    list_filter = ["action", "status", "created_at"]
    search_fields = ["target_id", "target_name", "kazoo_user_id", "account_id", "user__username"]
    date_hierarchy = "created_at"
    list_select_related = ["user__kazoo__account"]
    readonly_fields = [field.name for field in ActionRequest._meta.fields]

    @admin.display(description="status", ordering="status")
    def status_label(self, request: ActionRequest) -> str:
        return admin_display.status_label(request.status, request.get_status_display())

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

"""Click-to-call and action requests for provider staff: read-only, searchable, filterable."""

from django.contrib import admin

from calls.models import ActionRequest, CallRequest


@admin.register(CallRequest)
class CallRequestAdmin(admin.ModelAdmin):
    list_display = [
        "created_at",
        "user",
        "to",
        "device_name",
        "status",
        "http_status",
        "kazoo_error",
        "call_id",
    ]
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
    list_select_related = ["user"]
    readonly_fields = [field.name for field in CallRequest._meta.fields]

    def has_add_permission(self, request) -> bool:
        return False  # a log of what happened: only the API writes it

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(ActionRequest)
class ActionRequestAdmin(admin.ModelAdmin):
    """What Zaps changed in Kazoo (agents, forwarding, DND, SMS): who, what, when, Kazoo's answer."""

    list_display = [
        "created_at",
        "user",
        "action",
        "target_name",
        "status",
        "http_status",
        "error_code",
    ]
    list_filter = ["action", "status", "created_at"]
    search_fields = ["target_id", "target_name", "kazoo_user_id", "account_id", "user__username"]
    date_hierarchy = "created_at"
    list_select_related = ["user"]
    readonly_fields = [field.name for field in ActionRequest._meta.fields]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

"""Staff see Kazoo accounts and users here: who is an administrator, who lost access and why.

OAuth applications, grants and tokens are django-oauth-toolkit's admin (tokens masked, and stored
hashed: their values cannot be shown); lock-outs are django-axes' admin.
"""

from django.contrib import admin, messages
from django.db.models import Count

from accounts.models import KazooAccount, KazooUser
from accounts.services import revoke_tokens


class KazooUserInline(admin.TabularInline):
    model = KazooUser
    fields = ("name", "username", "extension", "email", "is_admin", "is_active", "last_synced")
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(KazooAccount)
class KazooAccountAdmin(admin.ModelAdmin):
    list_display = ("name", "kazoo_id", "user_count", "last_synced")
    search_fields = ("name", "kazoo_id")  # also what autocomplete_fields elsewhere search
    readonly_fields = ("kazoo_id", "name", "created", "last_synced")
    inlines = [KazooUserInline]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(signed_in=Count("users"))

    @admin.display(description="signed in here", ordering="signed_in")
    def user_count(self, obj: KazooAccount) -> int:
        return obj.signed_in  # one query for the list, not one per row

    def has_add_permission(self, request) -> bool:
        # Accounts come from Kazoo, at their users' first sign-in.
        return False


@admin.register(KazooUser)
class KazooUserAdmin(admin.ModelAdmin):
    list_display = (
        "name",
        "username",
        "account",
        "extension",
        "is_admin",
        "is_active",
        "disabled_reason",
        "last_synced",
    )
    list_filter = ("is_admin", "is_active", "account")
    search_fields = ("name", "username", "email", "kazoo_id", "account__name")
    list_select_related = ("account", "user")
    readonly_fields = (
        "user",
        "account",
        "kazoo_id",
        "username",
        "name",
        "email",
        "extension",
        "is_admin",
        "is_active",
        "last_synced",
        "disabled_reason",
    )
    actions = ["disconnect_all_apps"]

    def has_add_permission(self, request) -> bool:
        return False

    @admin.action(description="Disconnect all apps (revoke their tokens)", permissions=["change"])
    def disconnect_all_apps(self, request, queryset) -> None:
        revoked = sum(revoke_tokens(profile.user) for profile in queryset)
        self.message_user(request, f"Revoked {revoked} tokens.", messages.SUCCESS)

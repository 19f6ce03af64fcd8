"""The events admin, with what the hooks add to it: resending events to their subscriptions.

The events app's admin (events/admin.py) knows nothing of hooks; this module re-registers it with
the resend action, the usual way for an app to extend another's admin.
"""

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest

from events.admin import EventAdmin
from events.models import Event
from hooks import services


def resend_events_action(
    model_admin: admin.ModelAdmin, request: HttpRequest, events: QuerySet[Event]
) -> None:
    """Resend events to every hook that wants them (the events admin and the deliveries')."""
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


class EventWithDeliveriesAdmin(EventAdmin):
    object_actions = [("resend_events_action", "Resend to its subscriptions")]
    actions = [resend_events_action]

    def has_resend_permission(self, request: HttpRequest) -> bool:
        return may_resend(request)


admin.site.unregister(Event)
admin.site.register(Event, EventWithDeliveriesAdmin)

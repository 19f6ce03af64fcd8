"""Reads: what a token's user may see, and what the catalogue says about an event type.

Tenancy lives here and nowhere else: the API views only ever start from these querysets.
"""

from typing import TYPE_CHECKING, Any

from django.db.models import Count, Q, QuerySet

from events.models import Event
from hooks.models import Delivery, Hook

if TYPE_CHECKING:
    from accounts.models import KazooUser


def kazoo_profile(user: Any) -> "KazooUser | None":
    """The user's Kazoo profile, or None for staff and anonymous users."""
    return getattr(user, "kazoo", None) if user is not None else None


# --- The catalogue (events.catalogue) -------------------------------------------------------------
def catalogue() -> list[Any]:
    from events.catalogue import EventType

    return list(EventType)


def event_type(value: str) -> Any | None:
    from events.catalogue import EventType

    try:
        return EventType(value)
    except ValueError:
        return None


def is_admin_only(value: str) -> bool:
    kind = event_type(value)
    return bool(kind is not None and kind.admin_only)


def payload_keys(value: str) -> tuple[str, ...]:
    kind = event_type(value)
    return tuple(kind.payload_keys) if kind is not None else ()


# --- Hooks --------------------------------------------------------------------------------------
def hooks_of(user: Any) -> QuerySet[Hook]:
    """The caller's own subscriptions, with their delivery counts; unsubscribed ones are gone."""
    delivered = Count("deliveries", filter=Q(deliveries__status=Delivery.Status.DELIVERED))
    failed = Count("deliveries", filter=Q(deliveries__status=Delivery.Status.FAILED))
    pending = Count("deliveries", filter=Q(deliveries__status=Delivery.Status.PENDING))
    return (
        Hook.objects.filter(owner=user)
        .exclude(status=Hook.Status.UNSUBSCRIBED)
        .annotate(delivered_count=delivered, failed_count=failed, pending_count=pending)
        .order_by("id")
    )


# --- Events -------------------------------------------------------------------------------------
def events_visible_to(user: Any, *, scope: str) -> QuerySet[Event]:
    """Recent events the caller would receive with this scope, newest first.

    Scope `user`: the events about the caller. Scope `account`: every event of the caller's
    account, for administrators only (the API refuses others before asking).
    """
    profile = kazoo_profile(user)
    if profile is None or not profile.is_active:
        return Event.objects.none()
    events = Event.objects.filter(account_id=profile.account.kazoo_id)
    if scope == Hook.Scope.ACCOUNT and profile.is_admin:
        return events.order_by("-occurred_at", "-created_at")
    return events.filter(user_id=profile.kazoo_id).order_by("-occurred_at", "-created_at")

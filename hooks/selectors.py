"""Reads: what a token's user may see, and what the catalogue says about an event type.

Tenancy lives here and nowhere else: the API views only ever start from these querysets.
"""

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db.models import Count, Q, QuerySet
from django.utils.translation import gettext as _

from events.catalogue import EventType
from events.models import Event
from hooks.models import Delivery, Hook

if TYPE_CHECKING:
    from accounts.models import KazooUser


def kazoo_profile(user: Any) -> "KazooUser | None":
    """The user's Kazoo profile, or None for staff and anonymous users."""
    return getattr(user, "kazoo", None) if user is not None else None


# --- Tenancy: who may receive what ---------------------------------------------------------------
# One rule for subscribing (hooks.services.subscribe), the fan-out (hooks.fanout.hook_wants) and the
# events list (events_visible_to): a user may receive the events about them; an administrator
# also the whole account's (scope `account`) and the account-wide types (parks).


@dataclass(frozen=True)
class Refusal:
    code: str
    message: str


def refusal(user: Any, *, scope: str, kind: EventType | None = None) -> Refusal | None:
    """Why this user may not receive events (of this type) with this scope; None when they may.

    Asked again for every event: an administrator demoted since subscribing, or a user cut off,
    stops receiving at once.
    """
    profile = kazoo_profile(user)
    if profile is None or not profile.is_active or not user.is_active:
        return Refusal(
            "not_a_kazoo_user", _("Only a signed-in Kazoo user can subscribe to call events.")
        )
    if scope == Hook.Scope.ACCOUNT and not profile.is_admin:
        return Refusal(
            "admin_required",
            _(
                "Only Kazoo account administrators can receive the events of the whole account "
                "(scope 'account'); choose scope 'user' to receive your own."
            ),
        )
    if kind is not None and kind.admin_only and not profile.is_admin:
        return Refusal(
            "admin_required",
            _("Only Kazoo account administrators can subscribe to '%(type)s' events.")
            % {"type": kind.title},
        )
    return None


def covers(user: Any, *, scope: str, event_user_id: str) -> bool:
    """Whether an event about `event_user_id` ("" for the account's own, a park) is within the
    scope: the whole account for `account`, the user's own events for `user`."""
    if scope == Hook.Scope.ACCOUNT:
        return True
    profile = kazoo_profile(user)
    return profile is not None and bool(event_user_id) and event_user_id == profile.kazoo_id


# --- The catalogue (events.catalogue) -------------------------------------------------------------
def catalogue() -> list[EventType]:
    return list(EventType)


def event_type(value: str) -> EventType | None:
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
    if refusal(user, scope=scope) is not None:
        return Event.objects.none()
    profile = kazoo_profile(user)
    events = Event.objects.filter(account_id=profile.account.kazoo_id)
    if scope != Hook.Scope.ACCOUNT:  # what covers() lets through, as a query
        events = events.filter(user_id=profile.kazoo_id)
    return events.order_by("-occurred_at", "-created_at")


# --- What the listener should listen to (events.interest) ----------------------------------------
class HookInterest:
    """The accounts with active hooks are the ones whose calls anybody wants."""

    def accounts(self) -> list[str]:
        """Those with the most hooks first (after a reconnect they are subscribed in this
        order), then by id."""
        active = Hook.objects.filter(status=Hook.Status.ACTIVE)
        counts = active.values("account_id").annotate(hooks=Count("id"))
        ranked = sorted((-row["hooks"], row["account_id"]) for row in counts)
        return [account_id for _, account_id in ranked]

    def call_centre_accounts(self) -> set[str]:
        """Those with an active hook on queue or agent events: the ones worth polling ACDC for."""
        call_centre = [kind.value for kind in EventType if kind.is_call_centre]
        active = Hook.objects.filter(status=Hook.Status.ACTIVE, event__in=call_centre)
        return set(active.values_list("account_id", flat=True).distinct())


def events_still_wanted(old: QuerySet[Event]) -> QuerySet[Event]:
    """events.retention keeper: an event with a pending delivery stays until it is settled."""
    return old.exclude(deliveries__status=Delivery.Status.PENDING)

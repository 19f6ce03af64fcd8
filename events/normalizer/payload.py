"""NormalizedEvent, its deterministic id and the pieces every payload shares."""

import math
from dataclasses import dataclass
from datetime import UTC, datetime
from hashlib import blake2b
from typing import Any

from events.catalogue import EventType

GREGORIAN_OFFSET = 62167219200  # Kazoo's Gregorian seconds minus this = Unix seconds


@dataclass(slots=True)
class NormalizedEvent:
    type: EventType
    payload: dict[str, Any]  # flat, exactly the keys of type.payload_keys, in that order
    account_id: str
    user_id: str | None  # None for account-level events (park, queue)
    # Call events: whether the user was the one rung, which the summary's wording depends on
    # and the payload does not say; kept beside the event for summaries in other languages.
    receiving: bool | None = None

    @property
    def id(self) -> str:
        return self.payload["id"]


def event_id(account_id: str, subject: str, user_id: str | None, type_: EventType, extra="") -> str:
    """The same call, user and type (and hold or park) give the same id, on every replay."""
    key = f"{account_id}|{subject}|{user_id or ''}|{type_.value}|{extra}"
    return blake2b(key.encode(), digest_size=16).hexdigest()


def unix_from_gregorian(value: Any) -> float | None:
    """Kazoo's timestamp (int, float or numeric string) as Unix seconds; None if unusable.

    Kazoo sends whole seconds, which stay an int. A fraction is kept: the benchmark's simulator
    sends one so that `occurred_at` can time a delivery's latency to the millisecond.
    """
    if value is None or isinstance(value, bool):
        return None
    try:
        seconds = float(value)
    except (TypeError, ValueError):
        return None
    if not math.isfinite(seconds) or seconds <= GREGORIAN_OFFSET:
        return None
    unix = seconds - GREGORIAN_OFFSET
    return int(unix) if unix.is_integer() else unix


def iso_utc(unix_seconds: float) -> str:
    return datetime.fromtimestamp(unix_seconds, UTC).isoformat().replace("+00:00", "Z")


def base_payload(
    type_: EventType, *, id: str, occurred_at: float, account_id: str, account_name: str | None
) -> dict[str, Any]:
    """Every key of the type, null, with the five that every event carries filled in."""
    payload = type_.empty_payload()
    payload["id"] = id
    payload["type"] = type_.value
    payload["occurred_at"] = iso_utc(occurred_at)
    payload["account_id"] = account_id
    payload["account_name"] = account_name
    return payload


def kazoo_ids(leg: dict[str, Any] | None, event_name: str) -> dict[str, Any]:
    """The raw ids power users ask for, from our record of the leg."""
    if leg is None:
        return {
            "call_id": None,
            "other_leg_call_id": None,
            "bridge_id": None,
            "interaction_id": None,
            "owner_id": None,
            "authorizing_id": None,
            "authorizing_type": None,
            "event_name": event_name,
        }
    return {
        "call_id": leg["id"],
        "other_leg_call_id": leg.get("other_leg"),
        "bridge_id": leg.get("bridge_id"),
        "interaction_id": leg.get("interaction_id"),
        "owner_id": leg.get("owner_id"),
        "authorizing_id": leg.get("authorizing_id"),
        "authorizing_type": leg.get("authorizing_type"),
        "event_name": event_name,
    }

"""The normalizer's memory: every live call's legs and what was emitted for whom.

Plain dicts and lists only, so that `to_json()` is the state itself and the listener can persist
it as it is (ListenerState.call_state) and restore it after a restart. Bounded by a number of calls
and a time to live; `expire()` ends what falls out (EVENTS.md rule 6).

Shapes (all JSON):
  calls[call_id]       = {"id", "account_id", "account_name", "a_leg", "legs": {leg_id: leg},
                          "parts": {user_id: part}, "answered_by", "callflow_answered",
                          "last_ts", "touched", "aliases": [...], "interactions": [...]}
  legs[leg_id]         = call_id   (also holds other-leg ids seen before their own events)
  interactions[iid]    = call_id
  parks["acct|slot"]   = {"call_id", "leg_id", "parked_at", "from_number", ...}
  tombstones[key]      = unix time after which it is forgotten (finished legs, retrieved parks)
"""

import sys
from typing import Any

STATE_VERSION = 1
DEFAULT_MAX_CALLS = 20_000
# A call with no news for this long lost its hangup somewhere (reconcile after reconnects catches
# most of them); a real call rarely talks four hours without a single channel event.
DEFAULT_TTL_SECONDS = 4 * 3600
# A user whose ringing ended unanswered while the caller is still in the callflow waits this long
# for the callflow to show what happened next (voicemail answers, a colleague answers).
DEFAULT_PENDING_SECONDS = 60
# How long a finished leg is remembered, so that a frame repeated after a reconnect is recognised.
TOMBSTONE_SECONDS = 3600
PARK_TTL_SECONDS = 6 * 3600


class CallState:
    """Every call's legs and what has been emitted; passed into normalize() and mutated there."""

    __slots__ = (
        "calls",
        "interactions",
        "legs",
        "max_calls",
        "parks",
        "pending_seconds",
        "tombstones",
        "ttl_seconds",
    )

    def __init__(
        self,
        *,
        max_calls: int = DEFAULT_MAX_CALLS,
        ttl_seconds: float = DEFAULT_TTL_SECONDS,
        pending_seconds: float = DEFAULT_PENDING_SECONDS,
    ) -> None:
        self.max_calls = max_calls
        self.ttl_seconds = ttl_seconds
        self.pending_seconds = pending_seconds
        self.calls: dict[str, dict[str, Any]] = {}
        self.legs: dict[str, str] = {}
        self.interactions: dict[str, str] = {}
        self.parks: dict[str, dict[str, Any]] = {}
        self.tombstones: dict[str, float] = {}

    # -- persistence --------------------------------------------------------------------------
    def to_json(self) -> dict[str, Any]:
        """The state as JSON-ready dicts (shared, not copied: serialize before mutating again)."""
        return {
            "version": STATE_VERSION,
            "calls": self.calls,
            "legs": self.legs,
            "interactions": self.interactions,
            "parks": self.parks,
            "tombstones": self.tombstones,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any] | None, **limits: Any) -> "CallState":
        """Restore what to_json() gave; an empty, unknown or older document gives a fresh state."""
        state = cls(**limits)
        if not isinstance(data, dict) or data.get("version") != STATE_VERSION:
            return state
        state.calls = dict(data.get("calls") or {})
        state.legs = dict(data.get("legs") or {})
        state.interactions = dict(data.get("interactions") or {})
        state.parks = dict(data.get("parks") or {})
        state.tombstones = dict(data.get("tombstones") or {})
        return state

    # -- lookups ------------------------------------------------------------------------------
    def call_of_leg(self, leg_id: str | None) -> dict[str, Any] | None:
        if not leg_id:
            return None
        call_id = self.legs.get(leg_id)
        if call_id is None and leg_id in self.calls:
            call_id = leg_id
        return self.calls.get(call_id) if call_id is not None else None

    def touch(self, call: dict[str, Any], now: float) -> None:
        """Mark the call as having news; keeps `calls` ordered oldest news first (cheap expiry)."""
        call["touched"] = now
        self.calls[call["id"]] = self.calls.pop(call["id"])

    def new_call(self, call_id: str, account_id: str, account_name: str | None, now: float):
        call = {
            "id": call_id,
            "account_id": sys.intern(account_id),  # one copy for all of an account's calls
            "account_name": sys.intern(account_name) if account_name else account_name,
            "a_leg": None,
            "legs": {},
            "parts": {},
            "answered_by": None,
            "callflow_answered": None,
            "last_ts": None,
            "touched": now,
            "aliases": [],
            "interactions": [],
        }
        self.calls[call_id] = call
        return call

    def alias(self, call: dict[str, Any], leg_id: str | None) -> None:
        if leg_id and leg_id not in self.legs:
            self.legs[leg_id] = call["id"]
            call["aliases"].append(leg_id)

    def add_interaction(self, call: dict[str, Any], interaction_id: str | None) -> None:
        if interaction_id and interaction_id not in self.interactions:
            self.interactions[interaction_id] = call["id"]
            call["interactions"].append(interaction_id)

    def forget_call(self, call: dict[str, Any], now: float) -> None:
        """Drop a finished call; its legs stay known for a while so that repeats are ignored."""
        self.calls.pop(call["id"], None)
        until = now + TOMBSTONE_SECONDS
        for leg_id in call["aliases"]:
            if self.legs.get(leg_id) == call["id"]:
                del self.legs[leg_id]
        for leg_id in call["legs"]:
            self.bury(leg_id, until)
        self.bury(call["id"], until)
        for interaction_id in call["interactions"]:
            if self.interactions.get(interaction_id) == call["id"]:
                del self.interactions[interaction_id]

    def bury(self, key: str, until: float) -> None:
        self.tombstones.pop(key, None)  # re-insert at the end: the dict stays ordered by expiry
        self.tombstones[key] = until
        while len(self.tombstones) > 4 * self.max_calls:
            del self.tombstones[next(iter(self.tombstones))]

    def is_buried(self, key: str) -> bool:
        return key in self.tombstones

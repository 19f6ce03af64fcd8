"""The live state Crossbar reports and played calls change: channels, CDRs, ACDC rows, agents.

Only the simulator's loop thread touches it, so it needs no locks.
"""

import time
from datetime import UTC, datetime
from email.utils import format_datetime
from typing import Any

from kazoo_zapier.kazoo.simulator.actions_state import ActionsState
from kazoo_zapier.kazoo.simulator.world import World

GREGORIAN_OFFSET = 62167219200  # seconds from 0000-01-01 to 1970-01-01, Kazoo's timestamps


def gregorian_now() -> int:
    return int(time.time()) + GREGORIAN_OFFSET


def _user_part(uri: Any) -> str:
    return str(uri or "").split("@", 1)[0]


def cdr_from_destroy(data: dict[str, Any]) -> dict[str, Any]:
    """A CDR listing row (cb_cdrs ?COLUMNS, REFERENCE.md §5.6) from a leg's CHANNEL_DESTROY.

    Kazoo's listing values are mostly strings; `timestamp` is the leg's start (end - duration).
    """
    ccvs = data.get("custom_channel_vars") or {}
    ended = int(data.get("timestamp") or gregorian_now())
    duration = int(data.get("duration_seconds") or 0)
    started = ended - duration
    started_utc = datetime.fromtimestamp(started - GREGORIAN_OFFSET, tz=UTC)
    call_id = str(data.get("call_id", ""))
    return {
        "id": f"{started_utc:%Y%m}-{call_id}",
        "call_id": call_id,
        "caller_id_number": data.get("caller_id_number", ""),
        "caller_id_name": data.get("caller_id_name", ""),
        "callee_id_number": data.get("callee_id_number", ""),
        "callee_id_name": data.get("callee_id_name", ""),
        "duration_seconds": str(duration),
        "billing_seconds": str(data.get("billing_seconds") or 0),
        "timestamp": str(started),
        "hangup_cause": data.get("hangup_cause", ""),
        "disposition": data.get("disposition", ""),
        "other_leg_call_id": data.get("other_leg_call_id", ""),
        "owner_id": ccvs.get("owner_id", ""),
        "to": data.get("to", ""),
        "from": data.get("from", ""),
        "direction": data.get("call_direction", ""),
        "request": data.get("request", ""),
        "authorizing_id": ccvs.get("authorizing_id", ""),
        "cost": "0",
        "dialed_number": _user_part(data.get("request")),
        "calling_from": data.get("caller_id_number", ""),
        "datetime": f"{started_utc:%Y-%m-%d %H:%M:%S}",
        "unix_timestamp": str(started - GREGORIAN_OFFSET),
        "rfc_1036": format_datetime(started_utc, usegmt=True),
        "iso_8601": f"{started_utc:%Y-%m-%d}",
        "iso_8601_combined": started_utc.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "call_type": "",
        "rate": "0.0",
        "rate_name": "",
        "bridge_id": ccvs.get("bridge_id", ""),
        "recording_url": "",
        "media_recordings": [],
        "media_server": data.get("media_server", ""),
        "call_priority": "",
        "interaction_id": ccvs.get("call_interaction_id", ""),
    }


def channel_from_create(data: dict[str, Any]) -> dict[str, Any]:
    """A `GET /channels` item (REFERENCE.md §5.3) for a leg that was just created."""
    ccvs = data.get("custom_channel_vars") or {}
    return {
        "answered": False,
        "authorizing_id": ccvs.get("authorizing_id"),
        "authorizing_type": ccvs.get("authorizing_type"),
        "destination": _user_part(data.get("request")) or data.get("callee_id_number"),
        "direction": data.get("call_direction"),
        "other_leg": data.get("other_leg_call_id"),
        "owner_id": ccvs.get("owner_id"),
        "presence_id": data.get("presence_id"),
        "timestamp": data.get("timestamp"),
        "username": ccvs.get("username"),
        "uuid": data.get("call_id"),
    }


class LiveState:
    def __init__(self, world: World) -> None:
        self.world = world
        self.reset()

    def reset(self) -> None:
        if getattr(self, "actions", None) is not None:
            self.actions.cancel_timers()
        self.actions = ActionsState(self.world)  # what Zapier's actions change (agents, users, SMS)
        self.channels: dict[str, dict[str, dict[str, Any]]] = {}  # account -> call_id -> item
        self.cdrs: dict[str, list[dict[str, Any]]] = {}  # account -> rows, oldest first
        self.acdc_calls: dict[str, dict[str, dict[str, Any]]] = {}  # account -> row id -> row
        # Queue agents start ready so that the demo's queue has someone to ring.
        self.agent_status: dict[str, dict[str, str]] = {
            account.id: {agent: "ready" for queue in account.queues for agent in queue.agent_ids}
            for account in self.world.accounts
        }

    def apply_event(self, account_id: str, name: str, data: dict[str, Any]) -> None:
        call_id = data.get("call_id")
        if not isinstance(call_id, str):
            return
        live = self.channels.setdefault(account_id, {})
        if name == "CHANNEL_CREATE":
            live[call_id] = channel_from_create(data)
        elif name == "CHANNEL_ANSWER" and call_id in live:
            live[call_id]["answered"] = True
        elif name == "CHANNEL_BRIDGE" and call_id in live:
            live[call_id]["other_leg"] = data.get("other_leg_call_id")
        elif name == "CHANNEL_DESTROY":
            live.pop(call_id, None)
            self.cdrs.setdefault(account_id, []).append(cdr_from_destroy(data))

    def apply_acdc_call(self, account_id: str, row: dict[str, Any]) -> None:
        key = str(row.get("id") or row.get("call_id"))
        self.acdc_calls.setdefault(account_id, {})[key] = dict(row)

    def apply_agent_status(self, account_id: str, data: dict[str, Any]) -> None:
        agent_id = data.get("agent_id")
        if agent_id:
            self.agent_status.setdefault(account_id, {})[agent_id] = str(data.get("status"))

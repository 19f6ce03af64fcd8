"""Steps, scenarios, and the recorder a scenario builder writes its timeline with."""

from __future__ import annotations

import random
from dataclasses import dataclass
from typing import Any

from kazoo_zapier.kazoo.simulator.scenarios.legs import (
    APPS_NODE,
    ECALLMGR_NODE,
    Leg,
    gregorian,
    interaction_id,
    park_data,
    random_tag,
)
from kazoo_zapier.kazoo.simulator.world import Account, kazoo_id


@dataclass(frozen=True)
class Step:
    at: float  # seconds after the scenario's start
    kind: str  # "event" | "acdc_call" | "agent_status"
    name: str  # Event-Name, acdc call status, or agent status
    data: dict
    account_id: str


@dataclass(frozen=True)
class Scenario:
    name: str
    account_id: str
    call_id: str  # the A-leg's Call-ID ("" for agent-only scenarios)
    steps: tuple[Step, ...]  # sorted by `at`
    result: dict


# Gaps between events that FreeSWITCH emits back to back (e.g. B answers, then A answers, then
# the bridge): small enough to read as "at once", large enough to keep a deterministic order.
TICK = 0.02


class Recorder:
    """Collects one scenario's steps; every call-event helper also advances the leg's state."""

    def __init__(self, account: Account, start: float, rng: random.Random) -> None:
        self.account = account
        self.start = start
        self.rng = rng
        self.steps: list[Step] = []

    def unix(self, at: float) -> float:
        return self.start + at

    def _add(self, at: float, kind: str, name: str, data: dict[str, Any]) -> None:
        self.steps.append(Step(round(at, 3), kind, name, data, self.account.id))

    def _event(self, leg: Leg, at: float, name: str, **extra: Any) -> None:
        data = leg.generic(name, self.unix(at))
        data.update(extra)
        self._add(at, "event", name, data)

    # Channel events --------------------------------------------------------------------------

    def create(self, leg: Leg, at: float) -> None:
        leg.created_at = self.unix(at)
        leg.from_tag = leg.from_tag or random_tag(self.rng)
        self._event(leg, at, "CHANNEL_CREATE")

    def route(self, leg: Leg, at: float, callflow: str) -> None:
        """The callflow takes the A-leg: ecallmgr's route/authz adds these CCVs (no event)."""
        leg.ccvs.update(
            {
                "account_id": self.account.id,
                "account_name": self.account.name,
                "account_realm": self.account.realm,
                "realm": self.account.realm,
                "application_name": "callflow",
                "application_node": APPS_NODE,
                "bridge_id": leg.call_id,
                "call_interaction_id": interaction_id(self.rng, self.unix(at)),
                "callflow_id": kazoo_id(f"callflow:{self.account.id}:{callflow}"),
                "channel_authorized": "true",
                "ecallmgr_node": ECALLMGR_NODE,
                "fetch_id": _fs_uuid1(self.rng),
                "global_resource": "false",
                "caller_privacy_name": "false",
                "caller_privacy_number": "false",
                "privacy_hide_name": "false",
                "privacy_hide_number": "false",
            }
        )

    def answer(self, leg: Leg, at: float) -> None:
        leg.answered_at = self.unix(at)
        leg.disposition = "ANSWER"
        if leg.to_tag is None:
            leg.to_tag = random_tag(self.rng, 13)
        self._event(leg, at, "CHANNEL_ANSWER")

    def bridge(self, a: Leg, b: Leg, at: float) -> None:
        """FreeSWITCH reports CHANNEL_BRIDGE on the leg that ran the bridge (the A-leg)."""
        a.other_leg = b
        a.other_leg_destination = b.callee_id_number
        b.other_leg = a
        b.other_leg_destination = b.callee_id_number
        # ecallmgr's channel cache now knows who answered: the A-leg's callee becomes them.
        a.callee_id_name = b.callee_id_name
        a.callee_id_number = b.callee_id_number
        self._event(a, at, "CHANNEL_BRIDGE")

    def hold(self, leg: Leg, at: float) -> None:
        leg.held = True
        self._event(leg, at, "CHANNEL_HOLD")

    def unhold(self, leg: Leg, at: float) -> None:
        leg.held = False
        self._event(leg, at, "CHANNEL_UNHOLD")

    def destroy(self, leg: Leg, at: float, cause: str) -> None:
        if leg.to_tag is None:
            # Even an unanswered leg has one by now: from the 180 it got, or the 487 it sent.
            leg.to_tag = random_tag(self.rng, 13)
        fields = leg.destroy_fields(self.unix(at), cause, self.rng)
        self._event(leg, at, "CHANNEL_DESTROY", **fields)

    def park(self, leg: Leg, at: float, name: str, slot: str) -> None:
        self._add(at, "event", name, park_data(leg, name, self.unix(at), slot, self.account))

    # Call-centre state -----------------------------------------------------------------------

    def acdc_call(self, at: float, row: dict[str, Any]) -> None:
        self._add(at, "acdc_call", row["status"], dict(row))

    def agent_status(
        self,
        at: float,
        agent_id: str,
        status: str,
        queue_id: str | None = None,
        call_id: str | None = None,
    ) -> None:
        data: dict[str, Any] = {
            "account_id": self.account.id,
            "agent_id": agent_id,
            "status": status,
            "timestamp": gregorian(self.unix(at)),
        }
        if queue_id is not None:
            data["queue_id"] = queue_id
        if call_id is not None:
            data["call_id"] = call_id
        self._add(at, "agent_status", status, data)

    def scenario(self, name: str, call_id: str, result: dict[str, Any]) -> Scenario:
        # sorted() is stable: steps at the same instant keep the order they were recorded in.
        steps = tuple(sorted(self.steps, key=lambda step: step.at))
        return Scenario(name, self.account.id, call_id, steps, result)


def _fs_uuid1(rng: random.Random) -> str:
    """A FreeSWITCH-style time uuid, the shape of Kazoo's Fetch-ID."""
    hexes = f"{rng.getrandbits(128):032x}"
    return f"{hexes[:8]}-{hexes[8:12]}-11e{hexes[13:16]}-{hexes[16:20]}-{hexes[20:]}"

"""Call-centre scenarios: a queue call's channel events plus its ACDC call-stat and agent-status rows.

Stock Kazoo pushes no ACDC events (REFERENCE §1.6, §4); the `acdc_call` and `agent_status` steps
are the state changes the simulator's Crossbar `acdc_call_stats` / `agents/status` endpoints
reflect, and what an AMQP consumer of `acdc_stats` would see.
"""

from __future__ import annotations

import hashlib
import random
from typing import Any

from kazoo_zapier.kazoo.simulator.scenarios.calls import (
    TICK,
    _account,
    _caller,
    carrier_a_leg,
    connect,
    device_b_leg,
    hang_up,
    registered_devices,
    ring_time,
    talk_time,
    uuid_call_id,
)
from kazoo_zapier.kazoo.simulator.scenarios.legs import Leg, gregorian
from kazoo_zapier.kazoo.simulator.scenarios.recorder import Recorder, Scenario
from kazoo_zapier.kazoo.simulator.world import Account, Queue, World


def _queue(account: Account, queue_id: str | None) -> Queue:
    if not account.queues:
        raise ValueError(f"account {account.id} has no queue")
    return next((q for q in account.queues if q.id == queue_id), account.queues[0])


def _queue_did(account: Account, queue: Queue) -> str:
    return account.main_number[:-1] + queue.extension[0]


def _agent_call_id(member_call_id: str, agent_id: str, rng: random.Random) -> str:
    """acdc's Outbound-Call-ID for the agent leg: a hash of the member call, the agent, a nonce."""
    digest = hashlib.md5(member_call_id.encode(), usedforsecurity=False).hexdigest()
    return f"{digest}-{agent_id}-{rng.getrandbits(32):08x}"


class CallStat:
    """One acdc_call_stats row; each change is recorded as a step with the whole row."""

    def __init__(self, rec: Recorder, queue: Queue, a: Leg, entered_at: float) -> None:
        self.rec = rec
        self.row: dict[str, Any] = {
            "id": f"{a.call_id}::{queue.id}",
            "call_id": a.call_id,
            "queue_id": queue.id,
            "status": "waiting",
            "agent_id": None,
            "caller_id_name": a.caller_id_name,
            "caller_id_number": a.caller_id_number,
            "entered_timestamp": gregorian(rec.unix(entered_at)),
            "handled_timestamp": None,
            "abandoned_timestamp": None,
            "processed_timestamp": None,
            "wait_time": None,
            "talk_time": None,
            "abandon_reason": None,
            "account_id": rec.account.id,
        }
        rec.acdc_call(entered_at, self.row)

    def change(self, at: float, status: str, **fields: Any) -> None:
        self.row.update(fields, status=status)
        self.rec.acdc_call(at, self.row)


def _member_call(
    world: World,
    rng: random.Random,
    start: float,
    account_id: str | None,
    queue_id: str | None,
    from_number: str | None,
    from_name: str | None,
) -> tuple[Recorder, Account, Queue, Leg, CallStat, float]:
    """A caller dials the queue's number; ACDC answers (hold music) and the call starts waiting."""
    account = _account(world, account_id)
    queue = _queue(account, queue_id)
    rec = Recorder(account, start, rng)
    number, cnam = _caller(rng, from_number, from_name)
    a = carrier_a_leg(rec, number, cnam, _queue_did(account, queue))
    rec.create(a, 0.0)
    rec.route(a, 0.05, f"queue:{queue.id}")
    a.callee_id_name, a.callee_id_number = queue.name, queue.extension
    rec.answer(a, 0.5)
    stat = CallStat(rec, queue, a, 0.7)
    return rec, account, queue, a, stat, 0.7


def queue_answered(
    world: World,
    *,
    start: float,
    rng: random.Random,
    account_id: str | None = None,
    queue_id: str | None = None,
    agent_id: str | None = None,
    from_number: str | None = None,
    from_name: str | None = None,
) -> Scenario:
    """Waiting -> an agent's phone rings and answers -> handled -> hang-up -> processed -> wrapup."""
    rec, account, queue, a, stat, at = _member_call(
        world, rng, start, account_id, queue_id, from_number, from_name
    )
    agent = account.user(agent_id or queue.agent_ids[-1])  # Carol by default: one phone
    entered = at
    at += round(rng.uniform(5.0, 25.0), 2)

    rec.agent_status(at, agent.id, "connecting", queue_id=queue.id, call_id=a.call_id)
    legs: list[Leg] = []
    for index, (device, user) in enumerate(registered_devices(account, agent)):
        leg = device_b_leg(rec, a, device, user)
        # acdc originates the agent leg itself (not a bridge from the member call): its own
        # Call-ID and interaction id, the member call named in CCVs, no originator as other leg.
        leg.call_id = (
            _agent_call_id(a.call_id, agent.id, rec.rng) if index == 0 else uuid_call_id(rng)
        )
        leg.other_leg = None
        del leg.ccvs["bridge_id"]
        leg.ccvs.update(
            {
                "call_interaction_id": f"{gregorian(rec.unix(at))}-{rng.getrandbits(32):08x}",
                "agent_id": agent.id,
                "member_call_id": a.call_id,
                "original_caller_id_name": a.caller_id_name,
                "original_caller_id_number": a.caller_id_number,
                "retain_cid": "true",
            }
        )
        rec.create(leg, at + TICK * (index + 1))
        legs.append(leg)
    winner = legs[0]
    at += ring_time(rng)
    at = connect(rec, a, winner, legs[1:], at)
    stat.change(
        at + TICK,
        "handled",
        agent_id=agent.id,
        handled_timestamp=gregorian(rec.unix(at)),
        wait_time=round(at - entered),
    )
    rec.agent_status(at + TICK, agent.id, "connected", queue_id=queue.id, call_id=a.call_id)
    handled = at
    at = hang_up(rec, a, winner, at + talk_time(rng), a_hangs_up=rng.random() < 0.5)
    stat.change(
        at + 0.3,
        "processed",
        processed_timestamp=gregorian(rec.unix(at + 0.3)),
        talk_time=round(at - handled),
    )
    rec.agent_status(at + 0.3, agent.id, "wrapup", queue_id=queue.id, call_id=a.call_id)
    rec.agent_status(at + 0.3 + round(rng.uniform(5.0, 15.0), 2), agent.id, "ready")
    return rec.scenario(
        "queue_answered",
        a.call_id,
        {
            "direction": "inbound",
            "queue_id": queue.id,
            "agent_id": agent.id,
            "legs": {"a": a.call_id, "agent": [leg.call_id for leg in legs]},
            "answered_by": {"user_id": agent.id, "call_id": winner.call_id},
            "queue_outcome": "completed",
            "expected": {agent.id: "answered"},
        },
    )


def queue_abandoned(
    world: World,
    *,
    start: float,
    rng: random.Random,
    account_id: str | None = None,
    queue_id: str | None = None,
    from_number: str | None = None,
    from_name: str | None = None,
) -> Scenario:
    """No agent is free; the caller gives up and hangs up: abandoned with `member_hangup`."""
    rec, _, queue, a, stat, at = _member_call(
        world, rng, start, account_id, queue_id, from_number, from_name
    )
    entered = at
    at += round(rng.uniform(15.0, 45.0), 2)
    rec.destroy(a, at, "NORMAL_CLEARING")
    stat.change(
        at + 0.2,
        "abandoned",
        abandoned_timestamp=gregorian(rec.unix(at + 0.2)),
        abandon_reason="member_hangup",
        wait_time=round(at - entered),
    )
    return rec.scenario(
        "queue_abandoned",
        a.call_id,
        {
            "direction": "inbound",
            "queue_id": queue.id,
            "legs": {"a": a.call_id},
            "queue_outcome": "abandoned",
            "expected": {},
        },
    )


def agent_status_changes(
    world: World,
    *,
    start: float,
    rng: random.Random,
    account_id: str | None = None,
    agent_id: str | None = None,
    queue_id: str | None = None,
) -> Scenario:
    """An agent's shift in miniature: log in, ready, pause, ready again, log out."""
    account = _account(world, account_id)
    queue = _queue(account, queue_id)
    agent = account.user(agent_id or queue.agent_ids[0])
    rec = Recorder(account, start, rng)
    at = 0.0
    rec.agent_status(at, agent.id, "logged_in", queue_id=queue.id)
    for status in ("ready", "paused", "ready"):
        at += round(rng.uniform(3.0, 12.0), 2)
        rec.agent_status(at, agent.id, status)
    at += round(rng.uniform(3.0, 12.0), 2)
    rec.agent_status(at, agent.id, "logged_out", queue_id=queue.id)
    return rec.scenario(
        "agent_status_changes",
        "",
        {
            "agent_id": agent.id,
            "queue_id": queue.id,
            "statuses": ["logged_in", "ready", "paused", "ready", "logged_out"],
            "expected": {},
        },
    )

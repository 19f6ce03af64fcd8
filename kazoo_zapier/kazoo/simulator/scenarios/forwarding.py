"""A PSTN call to a user's direct number that honours the user's call forwarding (REFERENCE §8.7).

Kazoo's `call_forward` on the user document decides where the call rings:
- off: every registered phone of the user rings (as inbound_answered);
- on: a leg to the forward number (the mobile) rings instead of the phones, or beside them when
  `substitute` is false ("ring my phones too"); with `keep_caller_id` the mobile sees the
  original caller, otherwise the account's number.
`direct_calls_only` concerns calls through ring groups and queues: a direct call is always
forwarded. The simulator's server fills `call_forward` from the user document it serves.
"""

from __future__ import annotations

import random
from typing import Any

from kazoo_zapier.kazoo.simulator.scenarios.calls import (
    _account,
    _caller,
    _legs,
    _user,
    carrier_a_leg,
    carrier_b_leg,
    connect,
    direct_did,
    hang_up,
    registered_devices,
    ring_devices,
    ring_time,
    talk_time,
)
from kazoo_zapier.kazoo.simulator.scenarios.recorder import Recorder, Scenario
from kazoo_zapier.kazoo.simulator.world import World


def inbound_to_user(
    world: World,
    *,
    start: float,
    rng: random.Random,
    account_id: str | None = None,
    user_id: str | None = None,
    from_number: str | None = None,
    from_name: str | None = None,
    call_forward: dict[str, Any] | None = None,
) -> Scenario:
    """A call to the user's direct number; answered where it rings (the mobile, when forwarded)."""
    account = _account(world, account_id)
    user = _user(account, user_id, default_index=1)
    rec = Recorder(account, start, rng)
    number, cnam = _caller(rng, from_number, from_name)
    a = carrier_a_leg(rec, number, cnam, direct_did(account, user))
    rec.create(a, 0.0)
    rec.route(a, 0.05, f"user:{user.id}")

    forward = call_forward or {}
    forwarded_to = str(forward.get("number") or "") if forward.get("enabled") else ""
    ring_phones = not forwarded_to or forward.get("substitute") is False
    legs = ring_devices(rec, a, registered_devices(account, user), 0.3) if ring_phones else []
    mobile = None
    if forwarded_to:
        mobile = carrier_b_leg(rec, a, forwarded_to)
        if forward.get("keep_caller_id", True):
            mobile.caller_id_name, mobile.caller_id_number = cnam, number
        rec.create(mobile, 0.3 + 0.05 * len(legs))
    ringing = [leg for *_, leg in legs] + ([mobile] if mobile else [])
    if not ringing:
        raise ValueError(f"user {user.id} has no registered device and no forwarding")
    # The forward number answers when there is one: that is what forwarding is for.
    winner = mobile or rng.choice(ringing)
    at = connect(
        rec, a, winner, [leg for leg in ringing if leg is not winner], 0.3 + ring_time(rng)
    )
    hang_up(rec, a, winner, at + talk_time(rng), a_hangs_up=rng.random() < 0.5)
    return rec.scenario(
        "inbound_to_user",
        a.call_id,
        {
            "direction": "inbound",
            "user_id": user.id,
            "forwarded_to": forwarded_to or None,
            "legs": {
                "a": a.call_id,
                "b": _legs(legs),
                "forward": mobile.call_id if mobile else None,
            },
            # The mobile answering is no leg of the user's: their events do not see it.
            "answered_by": None if mobile else _device_answer(legs, winner, user.id),
            "answered_on": {"call_id": winner.call_id, "number": forwarded_to or None},
            "expected": {} if mobile else {user.id: "answered"},
        },
    )


def _device_answer(legs, winner, user_id: str) -> dict[str, str]:
    device = next(d for d, _user, leg in legs if leg is winner)
    return {"user_id": user_id, "device_id": device.id, "call_id": winner.call_id}

"""Click-to-call as Kazoo plays a Crossbar quickcall (REFERENCE §5.4).

The originate rings the device (or each of the user's devices) with Outbound-Call-ID as the leg's
Call-ID; on answer the leg is transferred into the callflows with Route = the number, and
stepswitch dials the number on a carrier leg that connects or fails.
"""

from __future__ import annotations

import random

from kazoo_zapier.kazoo.simulator.scenarios.calls import (
    DESTINATIONS,
    TICK,
    USER_AGENTS,
    _account,
    _device_ip,
    carrier_b_leg,
    hang_up,
    ring_time,
    talk_time,
)
from kazoo_zapier.kazoo.simulator.scenarios.legs import (
    ECALLMGR_NODE,
    Leg,
    interaction_id,
    quickcall_call_id,
)
from kazoo_zapier.kazoo.simulator.scenarios.recorder import Recorder, Scenario
from kazoo_zapier.kazoo.simulator.world import Device, User, World

OUTCOMES = ("answered", "busy", "no_answer", "unreachable")
# What the user's side of the call ends as (EVENTS.md `result`), per outcome of the dialled number.
RESULTS = {
    "answered": "answered",
    "busy": "busy",
    "no_answer": "no_answer",
    "unreachable": "failed",
}
# Why the carrier leg ends, per outcome.
CARRIER_CAUSES = {
    "busy": "USER_BUSY",
    "no_answer": "NO_ANSWER",
    "unreachable": "UNALLOCATED_NUMBER",
}
# Well-known test numbers (as Twilio's +1500555xxxx magic numbers; valid E.164, never dialled):
# a quickcall through Crossbar to one of them plays that outcome, any other number is answered.
TEST_NUMBER_OUTCOMES = {
    "+15005550001": "busy",
    "+15005550002": "no_answer",
    "+15005550003": "unreachable",
}
# A quickcall to this number fails to originate (500 DESTINATION_OUT_OF_ORDER) although the phone
# is registered: what Kazoo answers when a registration is stale (the phone went away unannounced).
ORIGINATE_FAILS_NUMBER = "+15005550009"


def outcome_for_number(number: str | None) -> str:
    return TEST_NUMBER_OUTCOMES.get(number or "", "answered")


def _device_leg(
    rec: Recorder,
    device: Device,
    owner: User,
    number: str,
    call_id: str,
    authorizing: tuple[str, str],
    auto_answer: bool,
) -> Leg:
    """The originated leg ringing the phone: it displays the number it is about to call."""
    realm = rec.account.realm
    ccvs = {
        "account_id": rec.account.id,
        "authorizing_id": authorizing[0],
        "authorizing_type": authorizing[1],
        "owner_id": owner.id,
        "retain_cid": "true",
        "inherit_codec": "false",
        "media_encryption_enforce_security": "false",
        "sip_invite_domain": realm,
        "call_interaction_id": interaction_id(rec.rng, rec.start),
        "ecallmgr_node": ECALLMGR_NODE,
    }
    if auto_answer:
        # cb_quickcall sets Auto-Answer only when exactly one endpoint is dialled.
        ccvs["auto_answer"] = "true"
    return Leg(
        call_id=call_id,
        direction="outbound",
        channel_name=f"sofia/sipinterface_1/sip:{device.sip_username}@{realm}",
        caller_id_name="Device QuickCall",
        caller_id_number=number,
        callee_id_name=owner.name,
        callee_id_number=owner.extension,
        from_=f"{number}@{realm}",
        from_uri=f"{number}@{realm}",
        to=f"{device.sip_username}@{realm}",
        to_uri=f"{device.sip_username}@{realm}",
        request=f"{device.sip_username}@{realm}",
        presence_id=f"{device.sip_username}@{realm}",
        user_agent=USER_AGENTS.get(device.device_type, USER_AGENTS["sip_device"]),
        remote_ip=_device_ip(device),
        ccvs=ccvs,
        disposition="EARLY MEDIA",
        label=device.name,
    )


def quickcall(
    world: World,
    *,
    start: float,
    rng: random.Random,
    account_id: str | None = None,
    device_id: str | None = None,
    user_id: str | None = None,
    number: str | None = None,
    call_id: str | None = None,
    outcome: str | None = None,
    device_call_ids: dict[str, str] | None = None,
) -> Scenario:
    """`call_id` is the first reachable device's Outbound-Call-ID (Crossbar's reply names it);
    `device_call_ids` (device id -> Outbound-Call-ID) may name the others' for a user quickcall.
    Without `outcome`, the number decides (TEST_NUMBER_OUTCOMES; otherwise answered)."""
    outcome = outcome or outcome_for_number(number)
    if outcome not in OUTCOMES:
        raise ValueError(f"outcome must be one of {OUTCOMES}")
    account = _account(world, account_id)
    if device_id is not None:
        device = account.device(device_id)
        owner = account.user(device.owner_id)
        devices = [device]
        authorizing = (device.id, "device")
    else:
        owner = account.user(user_id) if user_id else account.users[0]
        devices = account.devices_of(owner.id)
        authorizing = (owner.id, "user")
    number = number or rng.choice(DESTINATIONS)
    rec = Recorder(account, start, rng)
    reachable = [d for d in devices if d.registered]
    first_call_id = call_id or quickcall_call_id(rng)
    if not reachable:
        # Nothing can ring: the originate fails before FreeSWITCH creates any channel.
        return rec.scenario(
            "quickcall",
            first_call_id,
            {
                "direction": "outbound",
                "number": number,
                "error": "DESTINATION_OUT_OF_ORDER",
                "legs": {},
                "expected": {},
            },
        )

    legs = []
    for index, device in enumerate(reachable):
        leg_id = (device_call_ids or {}).get(device.id) or quickcall_call_id(rng)
        if index == 0:
            leg_id = first_call_id
        leg = _device_leg(rec, device, owner, number, leg_id, authorizing, len(reachable) == 1)
        rec.create(leg, 0.2 + index * TICK)
        legs.append(leg)
    dev = legs[0]  # the phone that picks up (auto-answer, or the user takes the desk phone)
    at = 0.2 + (round(rng.uniform(0.5, 1.5), 2) if len(legs) == 1 else ring_time(rng))
    rec.answer(dev, at)
    for index, loser in enumerate(legs[1:]):
        rec.destroy(loser, at + TICK * (index + 1), "LOSE_RACE")
    at += TICK * len(legs)

    # The transfer runs the number through the callflows: the leg now belongs to a callflow,
    # keeping the interaction id the originate gave it.
    kept_interaction = dev.ccvs["call_interaction_id"]
    rec.route(dev, at + 0.1, "no_match")
    dev.ccvs["call_interaction_id"] = kept_interaction
    dev.callee_id_name = dev.callee_id_number = number
    carrier = carrier_b_leg(rec, dev, number)
    at += 0.5
    rec.create(carrier, at)

    if outcome == "answered":
        at += ring_time(rng)
        rec.answer(carrier, at)
        rec.bridge(dev, carrier, at + TICK)
        hang_up(rec, dev, carrier, at + TICK + talk_time(rng), a_hangs_up=rng.random() < 0.5)
    else:
        if outcome == "no_answer":
            at += 30.0  # stepswitch's bridge timeout
        elif outcome == "busy":
            at += round(rng.uniform(0.8, 2.5), 2)
        else:
            at += round(rng.uniform(0.2, 0.8), 2)
        rec.destroy(carrier, at, CARRIER_CAUSES[outcome])
        # The callflow plays the failure tone to the answered phone; the user hangs up.
        rec.destroy(dev, at + round(rng.uniform(1.5, 4.0), 2), "NORMAL_CLEARING")

    return rec.scenario(
        "quickcall",
        dev.call_id,
        {
            "direction": "outbound",
            "number": number,
            "outcome": outcome,
            "legs": {
                "a": dev.call_id,
                "devices": {d.id: leg.call_id for d, leg in zip(reachable, legs, strict=True)},
                "carrier": carrier.call_id,
            },
            "caller": {"user_id": owner.id, "device_id": reachable[0].id, "call_id": dev.call_id},
            "expected": {owner.id: RESULTS[outcome]},
        },
    )

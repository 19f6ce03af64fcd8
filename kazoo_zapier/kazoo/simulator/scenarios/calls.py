"""The call scenarios: each builder plays one case of EVENTS.md as Kazoo 4.3 would report it.

Builders are pure: the world, a start time and a seeded Random in, a Scenario out. Timing is
realistic (phones ring for seconds, people talk for tens of seconds) so the demo looks alive at
speed 1; tests play at speed 0.
"""

from __future__ import annotations

import random
from collections.abc import Iterable
from typing import Any

from kazoo_zapier.kazoo.simulator.scenarios.legs import (
    APPS_NODE,
    CARRIER_IP,
    CARRIER_RESOURCE_ID,
    ECALLMGR_NODE,
    USER_AGENTS,
    Leg,
    carrier_call_id,
    device_call_id,
    uuid_call_id,
)
from kazoo_zapier.kazoo.simulator.scenarios.recorder import TICK, Recorder, Scenario
from kazoo_zapier.kazoo.simulator.world import Account, Device, User, World, kazoo_id

# Outside callers the demo draws from: (E.164 number, CNAM name).
CALLERS = (
    ("+14155550100", "Jordan Lee"),
    ("+442079460958", "Harper Quinn"),
    ("+4915123456789", "Max Mustermann"),
    ("+33142685300", "Camille Martin"),
    ("+12125550199", "Riley Chen"),
)
# Numbers the demo's users dial out to.
DESTINATIONS = ("+14155550123", "+442079460000", "+4989123456", "+3226543210")

ANSWERED_ELSEWHERE = "LOSE_RACE"  # what FreeSWITCH gives the losers of a simultaneous ring
CANCELLED = "ORIGINATOR_CANCEL"  # the caller gave up, or the bridge timed out, before any answer


# Legs -----------------------------------------------------------------------------------------


def carrier_a_leg(rec: Recorder, from_number: str, from_name: str, to_did: str) -> Leg:
    """A call from the PSTN entering FreeSWITCH from the carrier.

    Its CHANNEL_CREATE has NO account CCVs: the account is only known after the route lookup (that
    is why kz_hooks looks the account up by dialled number for such events, REFERENCE §1.6).
    """
    return Leg(
        call_id=carrier_call_id(rec.rng),
        direction="inbound",
        channel_name=f"sofia/sipinterface_1/{from_number}@{CARRIER_IP}",
        caller_id_name=from_name,
        caller_id_number=from_number,
        callee_id_name=to_did,
        callee_id_number=to_did,
        from_=f"{from_number}@{CARRIER_IP}",
        from_uri=f"{from_number}@{CARRIER_IP}",
        to=f"{to_did}@{CARRIER_IP}",
        to_uri=f"{to_did}@{CARRIER_IP}",
        request=f"{to_did}@{rec.account.realm}",
        presence_id=f"{to_did}@{rec.account.realm}",
        user_agent=USER_AGENTS["carrier"],
        remote_ip=CARRIER_IP,
        ccvs={},
        sip_headers={"x_auth_ip": CARRIER_IP},
        disposition="DELAYED NEGOTIATION",
        label="carrier",
    )


def device_a_leg(rec: Recorder, device: Device, user: User, dialled: str) -> Leg:
    """A user's phone placing a call: inbound to the switch, authorized as the device."""
    realm = rec.account.realm
    return Leg(
        call_id=device_call_id(rec.rng, device.device_type),
        direction="inbound",
        channel_name=f"sofia/sipinterface_1/{device.sip_username}@{realm}",
        caller_id_name=user.name,
        caller_id_number=user.extension,
        callee_id_name=dialled,
        callee_id_number=dialled,
        from_=f"{user.extension}@{realm}",
        from_uri=f"{device.sip_username}@{realm}",
        to=f"{dialled}@{realm}",
        to_uri=f"{dialled}@{realm}",
        request=f"{dialled}@{realm}",
        presence_id=f"{user.extension}@{realm}",
        user_agent=USER_AGENTS.get(device.device_type, USER_AGENTS["sip_device"]),
        remote_ip=_device_ip(device),
        ccvs={
            "account_id": rec.account.id,
            "account_name": rec.account.name,
            "account_realm": realm,
            "authorizing_id": device.id,
            "authorizing_type": "device",
            "owner_id": user.id,
            "realm": realm,
            "register_overwrite_notify": "false",
            "suppress_unregister_notifications": "false",
            "username": device.sip_username,
        },
        sip_headers={"x_auth_ip": _device_ip(device)},
        disposition="DELAYED NEGOTIATION",
        label=device.name,
    )


def device_b_leg(rec: Recorder, a: Leg, device: Device, user: User) -> Leg:
    """FreeSWITCH ringing a user's phone for the A-leg: outbound, CCVs from kz_endpoint."""
    realm = rec.account.realm
    return Leg(
        call_id=uuid_call_id(rec.rng),
        direction="outbound",
        channel_name=f"sofia/sipinterface_1/sip:{device.sip_username}@{realm}",
        caller_id_name=a.caller_id_name,
        caller_id_number=a.caller_id_number,
        callee_id_name=user.name,
        callee_id_number=user.extension,
        from_=f"{a.caller_id_number}@{realm}",
        from_uri=f"{a.caller_id_number}@{realm}",
        to=f"{device.sip_username}@{realm}",
        to_uri=f"{device.sip_username}@{realm}",
        request=f"{device.sip_username}@{realm}",
        presence_id=f"{user.extension}@{realm}",
        user_agent=USER_AGENTS.get(device.device_type, USER_AGENTS["sip_device"]),
        remote_ip=_device_ip(device),
        ccvs={
            "account_id": rec.account.id,
            "account_name": rec.account.name,
            "account_realm": realm,
            "realm": realm,
            "authorizing_id": device.id,
            "authorizing_type": "device",
            "owner_id": user.id,
            "username": device.sip_username,
            "bridge_id": a.ccvs["bridge_id"],
            "call_interaction_id": a.ccvs["call_interaction_id"],
            "application_name": "callflow",
            "application_node": APPS_NODE,
            "channel_authorized": "true",
            "ecallmgr_node": ECALLMGR_NODE,
            "media_encryption_enforce_security": "false",
            "sip_invite_domain": realm,
        },
        disposition="EARLY MEDIA",
        other_leg=a,  # an originated leg knows its originator from the start
        other_leg_destination=user.extension,
        label=device.name,
    )


def carrier_b_leg(rec: Recorder, a: Leg, number: str) -> Leg:
    """The offnet leg stepswitch originates to the carrier: outbound, authorized as a resource."""
    account = rec.account
    return Leg(
        call_id=uuid_call_id(rec.rng),
        direction="outbound",
        channel_name=f"sofia/sipinterface_1/{number}@{CARRIER_IP}",
        caller_id_name=account.name,
        caller_id_number=account.main_number,
        callee_id_name=number,
        callee_id_number=number,
        from_=f"{account.main_number}@{account.realm}",
        from_uri=f"{account.main_number}@{account.realm}",
        to=f"{number}@{CARRIER_IP}",
        to_uri=f"{number}@{CARRIER_IP}",
        request=f"{number}@{CARRIER_IP}",
        presence_id=a.presence_id,
        user_agent=USER_AGENTS["carrier"],
        remote_ip=CARRIER_IP,
        ccvs={
            "account_id": account.id,
            "account_name": account.name,
            "account_realm": account.realm,
            "realm": account.realm,
            "authorizing_id": CARRIER_RESOURCE_ID,
            "authorizing_type": "resource",
            "resource_id": CARRIER_RESOURCE_ID,
            "global_resource": "true",
            "bridge_id": a.ccvs["bridge_id"],
            "call_interaction_id": a.ccvs["call_interaction_id"],
            "application_name": "callflow",
            "application_node": APPS_NODE,
            "channel_authorized": "true",
            "ecallmgr_node": ECALLMGR_NODE,
        },
        disposition="EARLY MEDIA",
        other_leg=a,
        other_leg_destination=number,
        label="carrier",
    )


def _device_ip(device: Device) -> str:
    # A stable LAN-ish address per device, so the same phone always shows the same IP.
    return f"198.51.100.{int(device.id[:2], 16) % 200 + 20}"


# Building blocks --------------------------------------------------------------------------------


def ring_devices(
    rec: Recorder, a: Leg, targets: Iterable[tuple[Device, User]], at: float
) -> list[tuple[Device, User, Leg]]:
    """Originate one B-leg per registered device, all at once (dial_method simultaneous)."""
    legs = []
    for index, (device, user) in enumerate(t for t in targets if t[0].registered):
        leg = device_b_leg(rec, a, device, user)
        rec.create(leg, at + index * TICK)
        legs.append((device, user, leg))
    return legs


def connect(rec: Recorder, a: Leg, winner: Leg, losers: list[Leg], at: float) -> float:
    """The winner picks up: the others lose the race, the A-leg is answered and bridged."""
    rec.answer(winner, at)
    for index, loser in enumerate(losers):
        rec.destroy(loser, at + TICK * (index + 1), ANSWERED_ELSEWHERE)
    at += TICK * (len(losers) + 1)
    if a.answered_at is None:
        rec.answer(a, at)
        at += TICK
    rec.bridge(a, winner, at)
    return at


def hang_up(rec: Recorder, a: Leg, b: Leg, at: float, a_hangs_up: bool) -> float:
    """Whoever hangs up first ends their leg; the switch then clears the other one."""
    first, second = (a, b) if a_hangs_up else (b, a)
    rec.destroy(first, at, "NORMAL_CLEARING")
    rec.destroy(second, at + TICK, "NORMAL_CLEARING")
    return at + TICK


def registered_devices(account: Account, user: User) -> list[tuple[Device, User]]:
    return [(d, user) for d in account.devices_of(user.id) if d.registered]


def direct_did(account: Account, user: User) -> str:
    """The user's direct number: the account's DID block with the extension's last digit."""
    return account.main_number[:-1] + user.extension[-1]


def ring_time(rng: random.Random) -> float:
    return round(rng.uniform(2.5, 8.0), 2)


def talk_time(rng: random.Random) -> float:
    return round(rng.uniform(20.0, 90.0), 2)


def _account(world: World, account_id: str | None) -> Account:
    if account_id is None:
        return world.demo
    account = world.account(account_id)
    if account is None:
        raise ValueError(f"unknown account {account_id}")
    return account


def _caller(rng: random.Random, from_number: str | None, from_name: str | None) -> tuple[str, str]:
    number, name = rng.choice(CALLERS)
    return from_number or number, from_name or name


def _user(account: Account, user_id: str | None, default_index: int) -> User:
    if user_id is None:
        return account.users[min(default_index, len(account.users) - 1)]
    return account.user(user_id)


def _legs(legs: list[tuple[Device, User, Leg]]) -> dict[str, str]:
    return {device.id: leg.call_id for device, _user, leg in legs}


# Scenarios ------------------------------------------------------------------------------------


def inbound_answered(
    world: World,
    *,
    start: float,
    rng: random.Random,
    account_id: str | None = None,
    user_id: str | None = None,
    from_number: str | None = None,
    from_name: str | None = None,
    answering_device_id: str | None = None,
    name: str = "inbound_answered",
) -> Scenario:
    """A PSTN call to a user's direct number; every registered device of theirs rings, one answers."""
    account = _account(world, account_id)
    user = _user(account, user_id, default_index=2)  # Carol: a single registered device
    rec = Recorder(account, start, rng)
    number, cnam = _caller(rng, from_number, from_name)
    did = direct_did(account, user)

    a = carrier_a_leg(rec, number, cnam, did)
    rec.create(a, 0.0)
    rec.route(a, 0.05, f"user:{user.id}")
    legs = ring_devices(rec, a, registered_devices(account, user), 0.3)
    if not legs:
        raise ValueError(f"user {user.id} has no registered device")
    winner = next((x for x in legs if x[0].id == answering_device_id), rng.choice(legs))
    at = 0.3 + ring_time(rng)
    at = connect(rec, a, winner[2], [leg for *_, leg in legs if leg is not winner[2]], at)
    hang_up(rec, a, winner[2], at + talk_time(rng), a_hangs_up=rng.random() < 0.5)

    return rec.scenario(
        name,
        a.call_id,
        {
            "direction": "inbound",
            "legs": {"a": a.call_id, "b": _legs(legs)},
            "answered_by": {
                "user_id": user.id,
                "device_id": winner[0].id,
                "call_id": winner[2].call_id,
            },
            "expected": {user.id: "answered"},
        },
    )


def multi_device_ring(
    world: World,
    *,
    start: float,
    rng: random.Random,
    account_id: str | None = None,
    user_id: str | None = None,
    **params: Any,
) -> Scenario:
    """A user with a desk phone and a softphone: both ring, one answers, the other loses the race."""
    account = _account(world, account_id)
    user = _user(account, user_id, default_index=0)  # Alice: desk phone + softphone
    if len(registered_devices(account, user)) < 2:
        raise ValueError(f"user {user.id} has fewer than two registered devices")
    return inbound_answered(
        world,
        start=start,
        rng=rng,
        account_id=account.id,
        user_id=user.id,
        name="multi_device_ring",
        **params,
    )


def ring_group_answered_elsewhere(
    world: World,
    *,
    start: float,
    rng: random.Random,
    account_id: str | None = None,
    ring_group_id: str | None = None,
    answered_by: str | None = None,
    from_number: str | None = None,
    from_name: str | None = None,
) -> Scenario:
    """The main number rings the Sales group: everyone's phones ring, one member answers."""
    account = _account(world, account_id)
    if not account.ring_groups:
        raise ValueError(f"account {account.id} has no ring group")
    group = next((g for g in account.ring_groups if g.id == ring_group_id), account.ring_groups[0])
    members = [account.user(uid) for uid in group.member_ids]
    rec = Recorder(account, start, rng)
    number, cnam = _caller(rng, from_number, from_name)

    a = carrier_a_leg(rec, number, cnam, account.main_number)
    rec.create(a, 0.0)
    rec.route(a, 0.05, f"ring_group:{group.id}")
    targets = [t for member in members for t in registered_devices(account, member)]
    legs = ring_devices(rec, a, targets, 0.3)
    winner_user = next((u for u in members if u.id == answered_by), None) or rng.choice(members)
    winner = rng.choice([x for x in legs if x[1].id == winner_user.id])
    at = connect(
        rec, a, winner[2], [leg for *_, leg in legs if leg is not winner[2]], 0.3 + ring_time(rng)
    )
    hang_up(rec, a, winner[2], at + talk_time(rng), a_hangs_up=rng.random() < 0.5)

    expected = {u.id: "answered_elsewhere" for u in members}
    expected[winner_user.id] = "answered"
    return rec.scenario(
        "ring_group_answered_elsewhere",
        a.call_id,
        {
            "direction": "inbound",
            "ring_group_id": group.id,
            "legs": {"a": a.call_id, "b": _legs(legs)},
            "answered_by": {
                "user_id": winner_user.id,
                "device_id": winner[0].id,
                "call_id": winner[2].call_id,
            },
            "expected": expected,
        },
    )


def missed_to_voicemail(
    world: World,
    *,
    start: float,
    rng: random.Random,
    account_id: str | None = None,
    user_id: str | None = None,
    from_number: str | None = None,
    from_name: str | None = None,
) -> Scenario:
    """Nobody picks up; the bridge times out and the user's voicemail box answers the caller.

    Nothing in the A-leg's CHANNEL_ANSWER says "voicemail": Kazoo reports an answer by the callflow
    (application_name "callflow", raw_application_name "answer") while no B-leg was answered.
    """
    account = _account(world, account_id)
    user = _user(account, user_id, default_index=1)  # Bob: two devices ring
    rec = Recorder(account, start, rng)
    number, cnam = _caller(rng, from_number, from_name)

    a = carrier_a_leg(rec, number, cnam, direct_did(account, user))
    rec.create(a, 0.0)
    rec.route(a, 0.05, f"user:{user.id}")
    legs = ring_devices(rec, a, registered_devices(account, user), 0.3)
    at = 0.3 + 20.0  # the user callflow's default bridge timeout
    for index, (*_, leg) in enumerate(legs):
        rec.destroy(leg, at + index * TICK, CANCELLED)
    at += TICK * (len(legs) + 2)
    a.callee_id_name, a.callee_id_number = user.name, user.extension
    rec.answer(a, at)
    rec.steps[-1].data["raw_application_name"] = "answer"
    # The greeting, the beep, the message, then the caller hangs up.
    rec.destroy(a, at + round(rng.uniform(15.0, 45.0), 2), "NORMAL_CLEARING")

    return rec.scenario(
        "missed_to_voicemail",
        a.call_id,
        {
            "direction": "inbound",
            "legs": {"a": a.call_id, "b": _legs(legs)},
            "answered_by": None,
            "expected": {user.id: "voicemail"},
        },
    )


def _outbound(
    world: World,
    rng: random.Random,
    start: float,
    account_id: str | None,
    user_id: str | None,
    device_id: str | None,
    to_number: str | None,
) -> tuple[Recorder, User, Device, Leg, Leg]:
    """A user's phone dials an outside number: the device A-leg, then stepswitch's carrier leg."""
    account = _account(world, account_id)
    user = _user(account, user_id, default_index=0)
    devices = registered_devices(account, user)
    device = next((d for d, _u in devices if d.id == device_id), None) or devices[0][0]
    number = to_number or rng.choice(DESTINATIONS)
    rec = Recorder(account, start, rng)
    a = device_a_leg(rec, device, user, number)
    rec.create(a, 0.0)
    rec.route(a, 0.05, "no_match")  # offnet calls run the account's no_match callflow
    b = carrier_b_leg(rec, a, number)
    rec.create(b, 0.4)
    return rec, user, device, a, b


def _outbound_result(user: User, device: Device, a: Leg, b: Leg, outcome: str) -> dict[str, Any]:
    return {
        "direction": "outbound",
        "legs": {"a": a.call_id, "b": {"carrier": b.call_id}},
        "caller": {"user_id": user.id, "device_id": device.id, "call_id": a.call_id},
        "expected": {user.id: outcome},
    }


def outbound_answered(
    world: World,
    *,
    start: float,
    rng: random.Random,
    account_id: str | None = None,
    user_id: str | None = None,
    device_id: str | None = None,
    to_number: str | None = None,
) -> Scenario:
    rec, user, device, a, b = _outbound(
        world, rng, start, account_id, user_id, device_id, to_number
    )
    at = 0.4 + ring_time(rng)
    at = connect(rec, a, b, [], at)
    hang_up(rec, a, b, at + talk_time(rng), a_hangs_up=rng.random() < 0.5)
    return rec.scenario(
        "outbound_answered", a.call_id, _outbound_result(user, device, a, b, "answered")
    )


def outbound_busy(
    world: World,
    *,
    start: float,
    rng: random.Random,
    account_id: str | None = None,
    user_id: str | None = None,
    device_id: str | None = None,
    to_number: str | None = None,
) -> Scenario:
    """The far end is busy: the carrier leg fails with USER_BUSY and the callflow rejects the phone."""
    rec, user, device, a, b = _outbound(
        world, rng, start, account_id, user_id, device_id, to_number
    )
    at = 0.4 + round(rng.uniform(0.8, 2.5), 2)
    rec.destroy(b, at, "USER_BUSY")
    rec.destroy(a, at + 0.3, "USER_BUSY")  # cf_util:send_default_response answers 486 to the phone
    return rec.scenario("outbound_busy", a.call_id, _outbound_result(user, device, a, b, "busy"))


def outbound_no_answer(
    world: World,
    *,
    start: float,
    rng: random.Random,
    account_id: str | None = None,
    user_id: str | None = None,
    device_id: str | None = None,
    to_number: str | None = None,
    gives_up: str | None = None,
) -> Scenario:
    """Nobody answers: the bridge times out (NO_ANSWER), or the user hangs up first (ORIGINATOR_CANCEL)."""
    rec, user, device, a, b = _outbound(
        world, rng, start, account_id, user_id, device_id, to_number
    )
    gives_up = gives_up or rng.choice(("timeout", "caller"))
    if gives_up == "timeout":
        at = 0.4 + 30.0  # stepswitch's default bridge timeout
        rec.destroy(b, at, "NO_ANSWER")
        rec.destroy(a, at + 0.3, "NO_ANSWER")
    else:
        at = 0.4 + round(rng.uniform(8.0, 20.0), 2)
        rec.destroy(a, at, CANCELLED)
        rec.destroy(b, at + TICK, CANCELLED)
    result = _outbound_result(user, device, a, b, "no_answer")
    result["gives_up"] = gives_up
    return rec.scenario("outbound_no_answer", a.call_id, result)


def internal_call(
    world: World,
    *,
    start: float,
    rng: random.Random,
    account_id: str | None = None,
    from_user_id: str | None = None,
    to_user_id: str | None = None,
    device_id: str | None = None,
) -> Scenario:
    """One user dials a colleague's extension: a device A-leg and device B-legs, all in one account."""
    account = _account(world, account_id)
    caller = _user(account, from_user_id, default_index=0)
    callee = _user(account, to_user_id, default_index=1)
    if caller.id == callee.id:
        raise ValueError("an internal call needs two different users")
    devices = registered_devices(account, caller)
    device = next((d for d, _u in devices if d.id == device_id), None) or devices[0][0]
    rec = Recorder(account, start, rng)

    a = device_a_leg(rec, device, caller, callee.extension)
    rec.create(a, 0.0)
    rec.route(a, 0.05, f"user:{callee.id}")
    legs = ring_devices(rec, a, registered_devices(account, callee), 0.3)
    winner = rng.choice(legs)
    at = connect(
        rec, a, winner[2], [leg for *_, leg in legs if leg is not winner[2]], 0.3 + ring_time(rng)
    )
    hang_up(rec, a, winner[2], at + talk_time(rng), a_hangs_up=rng.random() < 0.5)
    return rec.scenario(
        "internal_call",
        a.call_id,
        {
            "direction": "internal",
            "legs": {"a": a.call_id, "b": _legs(legs)},
            "caller": {"user_id": caller.id, "device_id": device.id, "call_id": a.call_id},
            "answered_by": {
                "user_id": callee.id,
                "device_id": winner[0].id,
                "call_id": winner[2].call_id,
            },
            "expected": {caller.id: "answered", callee.id: "answered"},
        },
    )


def hold_resume(
    world: World,
    *,
    start: float,
    rng: random.Random,
    account_id: str | None = None,
    user_id: str | None = None,
    from_number: str | None = None,
    from_name: str | None = None,
) -> Scenario:
    """An answered inbound call; the user presses Hold, then resumes.

    FreeSWITCH marks the channel whose phone sent the hold re-INVITE: the user's B-leg.
    """
    account = _account(world, account_id)
    user = _user(account, user_id, default_index=2)
    rec = Recorder(account, start, rng)
    number, cnam = _caller(rng, from_number, from_name)

    a = carrier_a_leg(rec, number, cnam, direct_did(account, user))
    rec.create(a, 0.0)
    rec.route(a, 0.05, f"user:{user.id}")
    legs = ring_devices(rec, a, registered_devices(account, user), 0.3)
    winner = rng.choice(legs)
    at = connect(
        rec, a, winner[2], [leg for *_, leg in legs if leg is not winner[2]], 0.3 + ring_time(rng)
    )
    at += round(rng.uniform(8.0, 20.0), 2)
    rec.hold(winner[2], at)
    at += round(rng.uniform(10.0, 30.0), 2)
    rec.unhold(winner[2], at)
    hang_up(rec, a, winner[2], at + talk_time(rng), a_hangs_up=rng.random() < 0.5)
    return rec.scenario(
        "hold_resume",
        a.call_id,
        {
            "direction": "inbound",
            "legs": {"a": a.call_id, "b": _legs(legs)},
            "held_leg": winner[2].call_id,
            "answered_by": {
                "user_id": user.id,
                "device_id": winner[0].id,
                "call_id": winner[2].call_id,
            },
            "expected": {user.id: "answered"},
        },
    )


def _parked_call(
    world: World,
    rng: random.Random,
    start: float,
    account_id: str | None,
    user_id: str | None,
    slot: str | None,
) -> tuple[Recorder, Account, User, Leg, Leg, str, float]:
    """An inbound call answered by a user who blind-transfers it to *3<slot>: the caller is parked.

    The caller's A-leg is the one parked, so PARK_PARKED carries the A-leg's Call-ID; the user's
    B-leg ends once the transfer completes.
    """
    account = _account(world, account_id)
    if not account.parking_slots:
        raise ValueError(f"account {account.id} has no parking slots")
    user = _user(account, user_id, default_index=1)
    slot = slot or rng.choice(account.parking_slots)
    rec = Recorder(account, start, rng)
    number, cnam = _caller(rng, None, None)

    a = carrier_a_leg(rec, number, cnam, direct_did(account, user))
    rec.create(a, 0.0)
    rec.route(a, 0.05, f"user:{user.id}")
    legs = ring_devices(rec, a, registered_devices(account, user), 0.3)
    winner = rng.choice(legs)
    at = connect(
        rec, a, winner[2], [leg for *_, leg in legs if leg is not winner[2]], 0.3 + ring_time(rng)
    )
    at += round(rng.uniform(10.0, 25.0), 2)
    # The phone REFERs the caller to *3<slot>; the transferor's leg is cleared.
    winner[2].disposition = "BLIND_TRANSFER"
    rec.destroy(winner[2], at, "NORMAL_CLEARING")
    a.other_leg = None
    a.callee_id_name = a.callee_id_number = f"*3{slot}"
    # The transferred caller now runs the account's park callflow.
    a.ccvs["callflow_id"] = kazoo_id(f"callflow:{account.id}:park")
    at += 0.4
    rec.park(a, at, "PARK_PARKED", slot)
    return rec, account, user, a, winner[2], slot, at


def park_retrieve(
    world: World,
    *,
    start: float,
    rng: random.Random,
    account_id: str | None = None,
    user_id: str | None = None,
    retriever_id: str | None = None,
    slot: str | None = None,
) -> Scenario:
    """Parked, then a colleague dials *3<slot> and picks the caller up.

    Kazoo publishes PARK_RETRIEVED twice (REFERENCE §3): once from the retriever's call (its
    Call-ID), once from the parked call's wait loop (the parked Call-ID).
    """
    rec, account, user, a, transferor, slot, at = _parked_call(
        world, rng, start, account_id, user_id, slot
    )
    retriever = _user(account, retriever_id, default_index=0)
    device = registered_devices(account, retriever)[0][0]
    at += round(rng.uniform(10.0, 40.0), 2)
    r = device_a_leg(rec, device, retriever, f"*3{slot}")
    rec.create(r, at)
    rec.route(r, at + 0.05, "park")
    rec.answer(r, at + 0.3)
    at += 0.5
    rec.park(r, at, "PARK_RETRIEVED", slot)
    rec.park(a, at + TICK, "PARK_RETRIEVED", slot)
    # The retriever intercepts the parked channel: their leg now bridges to the caller's A-leg.
    at += 2 * TICK
    rec.bridge(r, a, at)
    # The retriever's phone now talks to the caller: show them as the callee, not "*3<slot>".
    r.callee_id_name, r.callee_id_number = a.caller_id_name, a.caller_id_number
    hang_up(rec, r, a, at + talk_time(rng), a_hangs_up=rng.random() < 0.5)
    return rec.scenario(
        "park_retrieve",
        a.call_id,
        {
            "direction": "inbound",
            "slot": slot,
            "legs": {
                "a": a.call_id,
                "b": {transferor.ccvs["authorizing_id"]: transferor.call_id},
                "retriever": r.call_id,
            },
            "parked_by": {"user_id": user.id, "call_id": transferor.call_id},
            "retrieved_by": {"user_id": retriever.id, "device_id": device.id, "call_id": r.call_id},
            "expected": {user.id: "answered", retriever.id: "answered"},
        },
    )


def park_abandoned(
    world: World,
    *,
    start: float,
    rng: random.Random,
    account_id: str | None = None,
    user_id: str | None = None,
    slot: str | None = None,
) -> Scenario:
    """Parked, and nobody comes: the caller hangs up while waiting in the slot."""
    rec, _, user, a, transferor, slot, at = _parked_call(
        world, rng, start, account_id, user_id, slot
    )
    at += round(rng.uniform(20.0, 60.0), 2)
    rec.destroy(a, at, "NORMAL_CLEARING")
    rec.park(a, at + TICK, "PARK_ABANDONED", slot)
    return rec.scenario(
        "park_abandoned",
        a.call_id,
        {
            "direction": "inbound",
            "slot": slot,
            "legs": {"a": a.call_id, "b": {transferor.ccvs["authorizing_id"]: transferor.call_id}},
            "parked_by": {"user_id": user.id, "call_id": transferor.call_id},
            "expected": {user.id: "answered"},
        },
    )

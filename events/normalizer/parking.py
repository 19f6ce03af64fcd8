"""PARK_PARKED / PARK_RETRIEVED / PARK_ABANDONED into call.parked / retrieved / park_abandoned.

Kazoo's park module publishes PARK_RETRIEVED twice for one pickup, once with the retriever's
Call-ID and once with the parked Call-ID (REFERENCE §3), so parks are keyed on account and slot,
not on the call: the first PARK_RETRIEVED ends the park, the second finds it over (rule 7).
"""

from events.catalogue import EventType
from events.normalizer.calls import Run, text
from events.normalizer.numbers import normalize_number, real_name
from events.normalizer.payload import NormalizedEvent, base_payload, event_id
from events.normalizer.state import PARK_TTL_SECONDS, TOMBSTONE_SECONDS
from events.normalizer.summary import park_summary

PARK_EVENTS = {
    "PARK_PARKED": EventType.CALL_PARKED,
    "PARK_RETRIEVED": EventType.CALL_RETRIEVED,
    "PARK_ABANDONED": EventType.CALL_PARK_ABANDONED,
}


def park_event(run: Run, name: str, data: dict, ccv: dict, account_id: str, ts: int) -> None:
    state = run.state
    slot = str(data["parking_slot"])
    leg_id = data["call_id"]
    key = f"{account_id}|{slot}"
    park = state.parks.get(key)
    if name == "PARK_PARKED":
        if park is not None and park["leg_id"] == leg_id:
            return  # a repeated frame
        park = _new_park(run, data, ccv, account_id, slot, ts)
        state.parks[key] = park
    elif park is not None:
        del state.parks[key]
        state.bury(f"park:{key}", run.now + TOMBSTONE_SECONDS)
    elif state.is_buried(f"park:{key}"):
        return  # Kazoo's second PARK_RETRIEVED (or a repeat) for a park that is over
    else:  # the end of a park we did not see begin (the listener started in between)
        park = _new_park(run, data, ccv, account_id, slot, ts)
        state.bury(f"park:{key}", run.now + TOMBSTONE_SECONDS)
    _emit(run, PARK_EVENTS[name], park, name, ts)


def _new_park(run: Run, data: dict, ccv: dict, account_id: str, slot: str, ts: int) -> dict:
    leg_id = data["call_id"]
    call = run.state.call_of_leg(leg_id)
    from_number = normalize_number(text(data.get("caller_id_number")), run.region)
    to_number = normalize_number(text(data.get("callee_id_number")), run.region)
    return {
        "account_id": account_id,
        "account_name": (call and call["account_name"])
        or run.directory.account_name(account_id)
        or text(ccv.get("account_name")),
        "slot": slot,
        "leg_id": leg_id,
        "call_id": call["id"] if call else leg_id,
        "parked_at": ts,
        # cf_park's frames carry Msg-ID but no Timestamp (REFERENCE §3): the Msg-ID of the
        # PARK_PARKED frame names this park on a replay too; our clock would not.
        "park_key": f"{slot}|{leg_id}|{text(data.get('msg_id')) or ts}",
        "from_number": from_number,
        "from_name": real_name(text(data.get("caller_id_name")), from_number),
        "to_number": to_number,
        "to_name": real_name(text(data.get("callee_id_name")), to_number),
        "kazoo": {
            "call_id": leg_id,
            "other_leg_call_id": text(data.get("other_leg_call_id")),
            "bridge_id": text(ccv.get("bridge_id")),
            "interaction_id": text(ccv.get("call_interaction_id")),
            "owner_id": text(ccv.get("owner_id")),
            "authorizing_id": text(ccv.get("authorizing_id")),
            "authorizing_type": text(ccv.get("authorizing_type")),
        },
    }


def _emit(run: Run, type_: EventType, park: dict, name: str, ts: int) -> None:
    account_id = park["account_id"]
    p = base_payload(
        type_,
        id=event_id(account_id, park["call_id"], None, type_, park["park_key"]),
        occurred_at=ts,
        account_id=account_id,
        account_name=park["account_name"],
    )
    p["call_id"] = park["call_id"]
    p["from_number"] = park["from_number"]
    p["from_name"] = park["from_name"]
    p["to_number"] = park["to_number"]
    p["to_name"] = park["to_name"]
    p["park_slot"] = park["slot"]
    p["kazoo"] = {**park["kazoo"], "event_name": name}
    p["summary"] = park_summary(p)
    run.out.append(NormalizedEvent(type_, p, account_id, None))


def expire_parks(run: Run) -> None:
    """Forget parks far older than any park timeout (their end was lost): no event."""
    cutoff = run.now - PARK_TTL_SECONDS
    for key in [k for k, park in run.state.parks.items() if park["parked_at"] < cutoff]:
        del run.state.parks[key]


__all__ = ["PARK_EVENTS", "expire_parks", "park_event"]

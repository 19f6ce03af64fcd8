"""What the simulator pushes carries the keys real Kazoo pushes (REFERENCE.md §1.5, §2).

The references are verbatim Kazoo examples: the README's CHANNEL_CREATE/ANSWER/DESTROY (raw AMQP
keys, normalized here the way Blackhole does) and the one real 4.x pushed envelope.
"""

import json

import pytest
import websocket

from tests.fixtures.simulator import blackhole_data_from_legacy_example
from tests.paths import KAZOO_EXAMPLES

from .test_simulator_blackhole import Socket, api_token

EXAMPLES = KAZOO_EXAMPLES
CHANNEL_EVENTS = ("CHANNEL_CREATE", "CHANNEL_ANSWER", "CHANNEL_DESTROY")


def example_data(event: str) -> dict:
    legacy = json.loads((EXAMPLES / f"blackhole-legacy-call-{event}.json").read_text())
    return blackhole_data_from_legacy_example(legacy["args"])


def envelope_keys() -> set[str]:
    return set(
        json.loads((EXAMPLES / "blackhole-4x-envelope-call-DETECTED_SPEECH.json").read_text())
    )


def key_paths(value: dict, prefix: str = "") -> set[str]:
    """Every key path of nested objects: custom_channel_vars.owner_id and so on."""
    paths = set()
    for key, inner in value.items():
        paths.add(prefix + key)
        if isinstance(inner, dict):
            paths |= key_paths(inner, prefix + key + ".")
    return paths


# Keys whose sub-keys vary per call in real Kazoo (SIP headers of the caller's phone, CCVs of a
# particular callflow): the container must be there, its example contents need not.
VARIABLE_CONTAINERS = ("custom_sip_headers.",)


def required_paths(event: str, data: dict | None = None) -> set[str]:
    """The example's key paths a pushed `data` must have. The example is a registered phone
    calling in (call_direction inbound, authorizing_type device): its custom_channel_vars (SIP
    username, realm, registration flags) come from that registration, so they are required of
    such legs only; a carrier's leg or a leg Kazoo originates to a phone carries others."""
    paths = {p for p in key_paths(example_data(event)) if not p.startswith(VARIABLE_CONTAINERS)}
    ccvs = (data or {}).get("custom_channel_vars") or {}
    phone_calling_in = (
        ccvs.get("authorizing_type") == "device" and (data or {}).get("call_direction") == "inbound"
    )
    if data is not None and not phone_calling_in:
        paths = {p for p in paths if not p.startswith("custom_channel_vars.")}
    return paths


@pytest.fixture
def socket_for(kazoo_sim):
    sockets = []

    def subscribe(account_id: str, binding: str = "call.*.*") -> Socket:
        sock = Socket(kazoo_sim.ws_url, api_token(kazoo_sim))
        sockets.append(sock)
        assert sock.subscribe(account_id, binding)["status"] == "success"
        return sock

    yield subscribe
    for sock in sockets:
        sock.close()


def receive_until(sock: Socket, done, limit: int = 500) -> list[dict]:
    events = []
    for _ in range(limit):
        try:
            event = sock.recv()
        except websocket.WebSocketTimeoutException:
            break
        events.append(event)
        if done(events):
            break
    return events


@pytest.mark.parametrize("event", CHANNEL_EVENTS)
def test_the_envelope_of_a_pushed_event_has_the_4x_keys(kazoo_sim, socket_for, event):
    demo = kazoo_sim.world.demo
    sock = socket_for(demo.id, f"call.{event}.*")
    kazoo_sim.publish(demo.id, event, example_data(event))
    pushed = sock.recv()
    assert set(pushed) == envelope_keys()
    assert key_paths(pushed["data"]) == key_paths(example_data(event))  # passed through whole


@pytest.mark.parametrize(
    ("scenario", "params"),
    [
        ("inbound_answered", {}),
        ("outbound_answered", {}),
        ("ring_group_answered_elsewhere", {}),
        ("missed_to_voicemail", {}),
    ],
)
def test_played_channel_events_carry_every_key_of_kazoos_examples(
    kazoo_sim, socket_for, scenario, params
):
    demo = kazoo_sim.world.demo
    sock = socket_for(demo.id)
    result = kazoo_sim.play(scenario, wait=True, seed=1, **params)
    assert result["call_id"]
    events = receive_until(
        sock,
        lambda got: sum(e["name"] == "CHANNEL_DESTROY" for e in got) >= 1 and not _open_legs(got),
    )
    assert events, "the scenario pushed nothing"
    seen = {e["name"] for e in events}
    assert {"CHANNEL_CREATE", "CHANNEL_DESTROY"} <= seen
    for pushed in events:
        assert set(pushed) == envelope_keys()
        assert pushed["subscription_key"] == f"call.{demo.id}.{pushed['name']}.*"
        # A carrier's CHANNEL_CREATE may come before Kazoo knows the account (no CCVs yet).
        assert pushed["data"]["custom_channel_vars"].get("account_id", demo.id) == demo.id
        if pushed["name"] in CHANNEL_EVENTS:
            missing = required_paths(pushed["name"], pushed["data"]) - key_paths(pushed["data"])
            assert not missing, (pushed["name"], sorted(missing))


def _open_legs(events: list[dict]) -> set[str]:
    created = {e["data"]["call_id"] for e in events if e["name"] == "CHANNEL_CREATE"}
    destroyed = {e["data"]["call_id"] for e in events if e["name"] == "CHANNEL_DESTROY"}
    return created - destroyed


def test_played_calls_leave_cdrs_and_no_live_channels(kazoo_sim):
    import time

    import requests

    demo = kazoo_sim.world.demo
    token = api_token(kazoo_sim)
    kazoo_sim.play("inbound_answered", wait=True, seed=2)
    headers = {"X-Auth-Token": token}
    channels = requests.get(
        f"{kazoo_sim.api_url}/accounts/{demo.id}/channels", headers=headers, timeout=5
    )
    assert channels.json()["data"] == []
    now = int(time.time()) + 62167219200
    cdrs = requests.get(
        f"{kazoo_sim.api_url}/accounts/{demo.id}/cdrs",
        headers=headers,
        params={"created_from": now - 86400, "created_to": now + 86400},
        timeout=5,
    ).json()["data"]
    assert len(cdrs) >= 2  # the A-leg and the answering B-leg at least
    assert all(c["hangup_cause"] for c in cdrs)


def test_quickcall_post_returns_once_the_device_leg_exists_with_that_call_id(kazoo_sim, socket_for):
    import requests

    demo = kazoo_sim.world.demo
    device = next(d for d in demo.devices if d.registered)
    sock = socket_for(demo.id, "call.CHANNEL_CREATE.*")
    response = requests.post(
        f"{kazoo_sim.api_url}/accounts/{demo.id}/devices/{device.id}/quickcall/+4930123456",
        headers={"X-Auth-Token": api_token(kazoo_sim)},
        timeout=10,
    )
    assert response.status_code == 202, response.text
    call_id = response.json()["data"]["endpoints"][0]["outbound_call_id"]
    first = sock.recv()
    assert first["data"]["call_id"] == call_id
    assert first["data"]["call_direction"] == "outbound"
    ccvs = first["data"]["custom_channel_vars"]
    assert (ccvs["authorizing_id"], ccvs["authorizing_type"]) == (device.id, "device")
    missing = required_paths("CHANNEL_CREATE", first["data"]) - key_paths(first["data"])
    assert not missing, sorted(missing)


def test_agent_and_queue_scenarios_update_crossbars_acdc_state(kazoo_sim):
    import time

    import requests

    demo = kazoo_sim.world.demo
    headers = {"X-Auth-Token": api_token(kazoo_sim)}
    result = kazoo_sim.play("queue_answered", wait=True, seed=3)
    now = int(time.time()) + 62167219200
    stats = requests.get(
        f"{kazoo_sim.api_url}/accounts/{demo.id}/acdc_call_stats",
        headers=headers,
        params={"created_from": now - 86400, "created_to": now + 86400},
        timeout=5,
    ).json()["data"]
    assert stats, result
    assert stats[0]["status"] == "processed"
    assert set(stats[0]) == {
        "id", "handled_timestamp", "caller_id_number", "caller_id_name", "entered_position",
        "status", "agent_id", "wait_time", "talk_time", "queue_id",
    }  # fmt: skip


def test_a_user_quickcall_rings_every_registered_device_with_the_ids_crossbar_named(
    kazoo_sim, socket_for
):
    import requests

    demo = kazoo_sim.world.demo
    alice = demo.user_by_username("alice")
    sock = socket_for(demo.id, "call.CHANNEL_CREATE.*")
    response = requests.post(
        f"{kazoo_sim.api_url}/accounts/{demo.id}/users/{alice.id}/quickcall/+4930123456",
        headers={"X-Auth-Token": api_token(kazoo_sim)},
        timeout=10,
    )
    assert response.status_code == 202, response.text
    named = {e["outbound_call_id"] for e in response.json()["data"]["endpoints"]}
    assert len(named) == len([d for d in demo.devices_of(alice.id) if d.registered]) == 2
    created = {sock.recv()["data"]["call_id"] for _ in named}
    assert created == named

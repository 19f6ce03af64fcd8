"""The simulator's Blackhole, through real websockets (websocket-client), as Kazoo 4.3 behaves."""

import json
import time

import pytest
import requests
import websocket

from tests.paths import KAZOO_EXAMPLES

RECV_TIMEOUT = 10.0


def api_token(sim) -> str:
    response = requests.put(
        f"{sim.api_url}/api_auth", json={"data": {"api_key": sim.world.api_key}}, timeout=5
    )
    return response.json()["auth_token"]


class Socket:
    """One Blackhole connection with small helpers; every read is bounded."""

    def __init__(self, url: str, token: str) -> None:
        self.ws = websocket.create_connection(url, timeout=RECV_TIMEOUT)
        self.token = token
        self.counter = 0

    def send(self, action: str, data: dict | None = None, *, token: str | None = None) -> str:
        self.counter += 1
        request_id = f"req-{self.counter}"
        message = {"action": action, "request_id": request_id, "data": data or {}}
        if token is not None or self.token:
            message["auth_token"] = token if token is not None else self.token
        self.ws.send(json.dumps(message))
        return request_id

    def recv(self) -> dict:
        return json.loads(self.ws.recv())

    def request(self, action: str, data: dict | None = None, **kwargs) -> dict:
        request_id = self.send(action, data, **kwargs)
        reply = self.recv()
        assert reply["action"] == "reply"
        assert reply["request_id"] == request_id
        return reply

    def subscribe(self, account_id: str, binding: str) -> dict:
        return self.request("subscribe", {"account_id": account_id, "binding": binding})

    def close(self) -> None:
        self.ws.close()


@pytest.fixture
def connect(kazoo_sim):
    sockets: list[Socket] = []

    def open_socket(token: str | None = None) -> Socket:
        sock = Socket(kazoo_sim.ws_url, api_token(kazoo_sim) if token is None else token)
        sockets.append(sock)
        return sock

    yield open_socket
    for sock in sockets:
        sock.close()


def wait_for(condition, what: str, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting for: {what}"
        time.sleep(0.02)


def call_data(account_id: str, call_id: str, event: str) -> dict:
    return {
        "call_id": call_id,
        "event_name": event,
        "event_category": "call_event",
        "custom_channel_vars": {"account_id": account_id},
    }


# --- replies ------------------------------------------------------------------------------------
def test_subscribe_replies_with_every_binding_of_the_session(kazoo_sim, connect):
    demo = kazoo_sim.world.demo
    sock = connect()
    reply = sock.subscribe(demo.id, "call.CHANNEL_CREATE.*")
    assert reply == {
        "action": "reply",
        "request_id": "req-1",
        "status": "success",
        "data": {"subscribed": ["call.CHANNEL_CREATE.*"]},
    }
    reply = sock.subscribe(demo.id, "call.CHANNEL_DESTROY.*")
    assert reply["data"]["subscribed"] == ["call.CHANNEL_CREATE.*", "call.CHANNEL_DESTROY.*"]


def test_subscribing_twice_is_idempotent_and_a_wildcard_counts_nine(kazoo_sim, connect):
    demo = kazoo_sim.world.demo
    sock = connect()
    sock.subscribe(demo.id, "call.CHANNEL_CREATE.*")
    assert sock.subscribe(demo.id, "call.CHANNEL_CREATE.*")["data"]["subscribed"] == [
        "call.CHANNEL_CREATE.*"
    ]
    other = connect()
    assert other.subscribe(demo.id, "call.*.*")["data"]["subscribed"] == ["call.*.*"] * 9


def test_unsubscribe_names_the_binding_and_what_remains(kazoo_sim, connect):
    demo = kazoo_sim.world.demo
    sock = connect()
    sock.subscribe(demo.id, "call.CHANNEL_CREATE.*")
    sock.subscribe(demo.id, "call.CHANNEL_ANSWER.*")
    reply = sock.request("unsubscribe", {"account_id": demo.id, "binding": "call.CHANNEL_CREATE.*"})
    assert reply["status"] == "success"
    assert reply["data"] == {
        "unsubscribed": ["call.CHANNEL_CREATE.*"],
        "subscribed": ["call.CHANNEL_ANSWER.*"],
    }


def test_ping_answers_pong_like_the_example(kazoo_sim, connect):
    with open(KAZOO_EXAMPLES / "blackhole-reply-ping.json") as f:
        example = json.load(f)
    reply = connect().request("ping")
    assert reply.keys() == example.keys()
    assert reply["status"] == "success"
    assert reply["data"] == {"response": "pong"}


@pytest.mark.parametrize(
    ("data", "error"),
    [
        ({"account_id": "DEMO"}, "missing required keys : binding"),
        (
            {"account_id": "DEMO", "binding": "call.CHANNEL_EXPLODE.*"},
            "event CHANNEL_EXPLODE not supported",
        ),
        (
            {"account_id": "DEMO", "binding": "call.CHANNEL_CREATE"},
            "invalid format for call subscription : CHANNEL_CREATE",
        ),
        ({"account_id": "f" * 32, "binding": "call.CHANNEL_CREATE.*"}, "unauthorized account id"),
    ],
)
def test_bad_subscriptions_are_errors_and_the_socket_stays_open(kazoo_sim, connect, data, error):
    demo = kazoo_sim.world.demo
    data = {k: (demo.id if v == "DEMO" else v) for k, v in data.items()}
    sock = connect()
    reply = sock.request("subscribe", data)
    assert reply["status"] == "error"
    assert reply["data"] == {"errors": [error]}
    assert sock.subscribe(demo.id, "call.CHANNEL_CREATE.*")["status"] == "success"


def test_a_list_of_bindings_is_not_supported_as_in_real_4_3(kazoo_sim, connect):
    reply = connect().request(
        "subscribe", {"account_id": kazoo_sim.world.demo.id, "bindings": ["call.CHANNEL_CREATE.*"]}
    )
    assert reply["status"] == "error"
    assert reply["data"]["errors"] == ["missing required keys : binding"]


def test_a_bad_token_fails_to_authenticate_and_a_good_one_then_works(kazoo_sim, connect):
    demo = kazoo_sim.world.demo
    sock = connect(token="not-a-token")
    reply = sock.subscribe(demo.id, "call.CHANNEL_CREATE.*")
    assert reply["status"] == "error"
    assert reply["data"]["errors"] == ["failed to authenticate token not-a-token"]
    sock.token = api_token(kazoo_sim)
    assert sock.subscribe(demo.id, "call.CHANNEL_CREATE.*")["status"] == "success"


def test_a_user_token_may_not_subscribe_to_another_account(kazoo_sim, connect):
    from kazoo_zapier.kazoo.crossbar import md5_credentials
    from kazoo_zapier.kazoo.simulator.world import DEMO_PASSWORD

    response = requests.put(
        f"{kazoo_sim.api_url}/user_auth",
        json={
            "data": {
                "credentials": md5_credentials("bob", DEMO_PASSWORD),
                "account_name": "Demo Company",
            }
        },
        timeout=5,
    )
    sock = connect(token=response.json()["auth_token"])
    reply = sock.subscribe(kazoo_sim.world.other.id, "call.CHANNEL_CREATE.*")
    assert reply["data"] == {"errors": ["unauthorized account id"]}
    assert sock.subscribe(kazoo_sim.world.demo.id, "call.CHANNEL_CREATE.*")["status"] == "success"


def test_an_open_session_outlives_its_token_but_a_new_connection_needs_a_valid_one(
    kazoo_sim, connect
):
    demo = kazoo_sim.world.demo
    token = api_token(kazoo_sim)
    sock = connect(token=token)
    sock.subscribe(demo.id, "call.CHANNEL_CREATE.*")
    kazoo_sim.faults.expire_tokens()
    assert sock.subscribe(demo.id, "call.CHANNEL_DESTROY.*")["status"] == "success"
    late = connect(token=token)
    reply = late.subscribe(demo.id, "call.CHANNEL_CREATE.*")
    assert reply["data"] == {"errors": [f"failed to authenticate token {token}"]}


def test_an_upgrade_offering_a_subprotocol_is_refused_with_400(kazoo_sim):
    with pytest.raises(websocket.WebSocketBadStatusException) as refused:
        websocket.create_connection(kazoo_sim.ws_url, subprotocols=["kazoo"], timeout=5)
    assert refused.value.status_code == 400


def test_any_path_is_blackhole(kazoo_sim):
    ws = websocket.create_connection(kazoo_sim.ws_url + "/some/path", timeout=5)
    try:
        ws.send(json.dumps({"action": "ping", "auth_token": api_token(kazoo_sim)}))
        reply = json.loads(ws.recv())
        assert reply["data"] == {"response": "pong"}
        assert len(reply["request_id"]) == 32  # made up by the server when absent
    finally:
        ws.close()


# --- pushed events ------------------------------------------------------------------------------
def test_an_event_goes_to_the_subscribed_account_only_in_kazoos_envelope(kazoo_sim, connect):
    demo, other = kazoo_sim.world.demo, kazoo_sim.world.other
    mine, theirs = connect(), connect()
    mine.subscribe(demo.id, "call.CHANNEL_CREATE.*")
    theirs.subscribe(other.id, "call.CHANNEL_CREATE.*")
    assert (
        kazoo_sim.publish(demo.id, "CHANNEL_CREATE", call_data(demo.id, "a.b c", "CHANNEL_CREATE"))
        == 1
    )
    event = mine.recv()
    assert event == {
        "action": "event",
        "subscribed_key": "call.CHANNEL_CREATE.*",
        "subscription_key": f"call.{demo.id}.CHANNEL_CREATE.*",
        "name": "CHANNEL_CREATE",
        "routing_key": f"call.{demo.id}.CHANNEL_CREATE.a%2Eb+c",
        "data": call_data(demo.id, "a.b c", "CHANNEL_CREATE"),
    }
    # The other account's socket gets its own event next, so it never got demo's.
    kazoo_sim.publish(other.id, "CHANNEL_CREATE", call_data(other.id, "theirs", "CHANNEL_CREATE"))
    assert theirs.recv()["data"]["call_id"] == "theirs"


def test_only_the_subscribed_events_and_call_ids_arrive(kazoo_sim, connect):
    demo = kazoo_sim.world.demo
    sock = connect()
    sock.subscribe(demo.id, "call.CHANNEL_DESTROY.*")
    sock.subscribe(demo.id, "call.CHANNEL_ANSWER.call-2")
    kazoo_sim.publish(demo.id, "CHANNEL_CREATE", call_data(demo.id, "call-1", "CHANNEL_CREATE"))
    kazoo_sim.publish(demo.id, "CHANNEL_ANSWER", call_data(demo.id, "call-1", "CHANNEL_ANSWER"))
    kazoo_sim.publish(demo.id, "CHANNEL_ANSWER", call_data(demo.id, "call-2", "CHANNEL_ANSWER"))
    kazoo_sim.publish(demo.id, "CHANNEL_DESTROY", call_data(demo.id, "call-1", "CHANNEL_DESTROY"))
    first, second = sock.recv(), sock.recv()
    assert (first["name"], first["data"]["call_id"]) == ("CHANNEL_ANSWER", "call-2")
    assert first["subscription_key"] == f"call.{demo.id}.CHANNEL_ANSWER.call-2"
    assert (second["name"], second["data"]["call_id"]) == ("CHANNEL_DESTROY", "call-1")


def test_a_wildcard_subscription_receives_all_nine_call_events(kazoo_sim, connect):
    from kazoo_zapier.kazoo.simulator.blackhole import CALL_EVENTS

    demo = kazoo_sim.world.demo
    sock = connect()
    sock.subscribe(demo.id, "call.*.*")
    for name in CALL_EVENTS:
        kazoo_sim.publish(demo.id, name, call_data(demo.id, "c1", name))
    received = [sock.recv() for _ in CALL_EVENTS]
    assert [e["name"] for e in received] == list(CALL_EVENTS)
    assert {e["subscribed_key"] for e in received} == {"call.*.*"}


def test_after_unsubscribe_nothing_more_arrives(kazoo_sim, connect):
    demo = kazoo_sim.world.demo
    sock = connect()
    sock.subscribe(demo.id, "call.CHANNEL_CREATE.*")
    sock.request("unsubscribe", {"account_id": demo.id, "binding": "call.CHANNEL_CREATE.*"})
    assert (
        kazoo_sim.publish(demo.id, "CHANNEL_CREATE", call_data(demo.id, "x", "CHANNEL_CREATE")) == 0
    )
    assert sock.request("ping")["data"] == {"response": "pong"}  # the next frame is the pong


def test_send_raw_reaches_every_socket(kazoo_sim, connect):
    first, second = connect(), connect()
    wait_for(lambda: kazoo_sim.stats()["connections"] >= 2, "two connections")
    kazoo_sim.send_raw("this is not json")
    assert first.ws.recv() == "this is not json"
    assert second.ws.recv() == "this is not json"


def test_drop_sockets_cuts_every_connection_and_nothing_is_replayed(kazoo_sim, connect):
    demo = kazoo_sim.world.demo
    sock = connect()
    sock.subscribe(demo.id, "call.CHANNEL_CREATE.*")
    kazoo_sim.faults.drop_sockets()
    with pytest.raises((websocket.WebSocketConnectionClosedException, ConnectionError, OSError)):
        sock.ws.recv()
    wait_for(lambda: kazoo_sim.stats()["connections"] == 0, "the server forgot the sockets")
    kazoo_sim.publish(demo.id, "CHANNEL_CREATE", call_data(demo.id, "missed", "CHANNEL_CREATE"))
    fresh = connect()
    fresh.subscribe(demo.id, "call.CHANNEL_CREATE.*")
    kazoo_sim.publish(demo.id, "CHANNEL_CREATE", call_data(demo.id, "seen", "CHANNEL_CREATE"))
    assert fresh.recv()["data"]["call_id"] == "seen"


def test_stats_show_connections_and_their_subscriptions(kazoo_sim, connect):
    demo = kazoo_sim.world.demo
    sock = connect()
    sock.subscribe(demo.id, "call.CHANNEL_CREATE.*")
    stats = kazoo_sim.stats()
    assert [(demo.id, "call.CHANNEL_CREATE.*")] in stats["subscriptions"]
    before = stats["events_pushed"]
    kazoo_sim.publish(demo.id, "CHANNEL_CREATE", call_data(demo.id, "s", "CHANNEL_CREATE"))
    sock.recv()
    assert kazoo_sim.stats()["events_pushed"] == before + 1

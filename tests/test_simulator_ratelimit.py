"""The simulator's Blackhole charges Kazoo's per-socket token bucket, and drops replies on demand.

The bucket (blackhole_socket_callback:rate/3 over kz_token_bucket): 100 tokens per socket, 10
added back each second in one block; an empty bucket answers "rate limiting threshold hit for
<ip:port>!" and runs nothing else of the message.
"""

import json

import pytest
import websocket

from kazoo_zapier.kazoo.simulator.ratelimit import KAZOO_RATE_LIMIT, RateLimit, TokenBucket
from tests.test_simulator_blackhole import connect, wait_for  # noqa: F401 (a fixture)


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_a_bucket_starts_full_and_refills_in_whole_blocks_up_to_its_maximum():
    clock = FakeClock()
    bucket = TokenBucket(RateLimit(max_tokens=100, fill_rate=10, fill_seconds=1.0), clock)
    assert sum(bucket.consume() for _ in range(150)) == 100
    assert bucket.refused == 50
    clock.now += 0.99  # the block is not due yet
    assert not bucket.consume()
    clock.now += 0.02  # one block: ten more
    assert sum(bucket.consume() for _ in range(20)) == 10
    clock.now += 60  # never past the maximum
    assert sum(bucket.consume() for _ in range(200)) == 100


def test_kazoos_defaults_and_the_parsed_forms():
    assert RateLimit(100, 10, 1.0) == KAZOO_RATE_LIMIT
    assert RateLimit.parse("100/10") == KAZOO_RATE_LIMIT
    assert RateLimit.parse("5/1/0.5") == RateLimit(5, 1, 0.5)
    assert RateLimit.parse("off") is None
    for bad in ("100", "a/b", "0/10", "10/0", "1/2/3/4"):
        with pytest.raises(ValueError):
            RateLimit.parse(bad)


def test_the_simulator_applies_kazoos_bucket_by_default(kazoo_sim):
    assert kazoo_sim.hub.rate_limit == KAZOO_RATE_LIMIT


def ping(sock) -> str:
    return sock.send("ping")


def test_the_101st_message_of_a_burst_is_refused_with_kazoos_words(kazoo_sim, connect):  # noqa: F811
    sock = connect()
    local_ip, local_port = sock.ws.sock.getsockname()[:2]
    for _ in range(101):
        ping(sock)
    replies = [sock.recv() for _ in range(101)]
    assert [r["status"] for r in replies[:100]] == ["success"] * 100
    assert replies[100] == {
        "action": "reply",
        "request_id": "req-101",
        "status": "error",
        "data": {"errors": [f"rate limiting threshold hit for {local_ip}:{local_port}!"]},
    }
    assert kazoo_sim.stats()["rate_limited"] >= 1


def test_a_refused_subscribe_subscribes_nothing_and_a_later_one_succeeds(kazoo_sim, connect):  # noqa: F811
    kazoo_sim.faults.rate_limit(RateLimit(max_tokens=1, fill_rate=1, fill_seconds=0.2))
    demo = kazoo_sim.world.accounts[0]
    sock = connect()
    assert ping(sock) and sock.recv()["status"] == "success"  # the one token
    refused = sock.subscribe(demo.id, "call.*.*")
    assert refused["status"] == "error"
    assert refused["data"]["errors"][0].startswith("rate limiting threshold hit for ")
    assert all(not subs for subs in kazoo_sim.stats()["subscriptions"])

    def subscribed() -> bool:
        return sock.subscribe(demo.id, "call.*.*")["status"] == "success"

    wait_for(subscribed, "a token back after one block")
    assert [(demo.id, "call.*.*")] in kazoo_sim.stats()["subscriptions"]


def test_each_socket_has_its_own_bucket_and_a_new_socket_a_full_one(kazoo_sim, connect):  # noqa: F811
    kazoo_sim.faults.rate_limit(RateLimit(max_tokens=3, fill_rate=1, fill_seconds=3600))
    first, second = connect(), connect()
    for _ in range(4):
        ping(first)
    assert [first.recv()["status"] for _ in range(4)] == ["success"] * 3 + ["error"]
    for _ in range(3):
        ping(second)
    assert [second.recv()["status"] for _ in range(3)] == ["success"] * 3


def test_protocol_pings_are_free_as_in_kazoo(kazoo_sim, connect):  # noqa: F811
    kazoo_sim.faults.rate_limit(RateLimit(max_tokens=1, fill_rate=1, fill_seconds=3600))
    sock = connect()
    for _ in range(5):
        sock.ws.ping()
    ping(sock)
    while True:  # the pongs come first
        opcode, frame = sock.ws.recv_data(control_frame=True)
        if opcode == websocket.ABNF.OPCODE_TEXT:
            break
    assert json.loads(frame)["status"] == "success"


def test_the_rate_limit_can_be_switched_off_and_reset_restores_kazoos(kazoo_sim, connect):  # noqa: F811
    kazoo_sim.faults.rate_limit(None)
    sock = connect()
    for _ in range(150):
        ping(sock)
    assert all(sock.recv()["status"] == "success" for _ in range(150))
    kazoo_sim.reset()
    assert kazoo_sim.hub.rate_limit == KAZOO_RATE_LIMIT


def test_a_dropped_reply_never_arrives_but_the_subscription_holds(kazoo_sim, connect):  # noqa: F811
    demo = kazoo_sim.world.accounts[0]
    sock = connect()
    kazoo_sim.faults.drop_replies(1)
    sock.send("subscribe", {"account_id": demo.id, "binding": "call.*.*"})
    wait_for(lambda: kazoo_sim.stats()["replies_dropped"] >= 1, "the reply dropped")
    # The next reply is the ping's: the subscribe's was never sent.
    request_id = ping(sock)
    assert sock.recv()["request_id"] == request_id
    assert [(demo.id, "call.*.*")] in kazoo_sim.stats()["subscriptions"]


def test_the_control_api_sets_the_rate_limit_and_drops_replies(kazoo_sim):
    import requests

    base = kazoo_sim.api_url.removesuffix("/v2")
    answer = requests.post(
        f"{base}/sim/faults", json={"action": "rate_limit", "limit": "7/1"}, timeout=5
    )
    assert answer.status_code == 200
    assert kazoo_sim.hub.rate_limit == RateLimit(7, 1)
    answer = requests.post(
        f"{base}/sim/faults", json={"action": "rate_limit", "limit": "nonsense"}, timeout=5
    )
    assert answer.status_code == 400
    answer = requests.post(
        f"{base}/sim/faults", json={"action": "drop_replies", "count": 2}, timeout=5
    )
    assert answer.status_code == 200

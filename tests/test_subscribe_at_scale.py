"""Hundreds of accounts on one Blackhole socket, against a simulator applying Kazoo's bucket.

Kazoo 4.3 gives each socket 100 messages and 10 more a second; the client must subscribe every
account within that, retry what the bucket refuses, resend what is never answered, and put a
new hook's account before the rest. Each wait below is what the bucket's arithmetic allows for
the messages at stake, plus a margin: never a fixed sleep, and nothing asserts a speed.
"""

from collections.abc import Iterator

import pytest
import requests

from events.listener import Listener
from events.models import ListenerState
from hooks.models import Hook
from kazoo_zapier.kazoo.blackhole import BlackholeClient
from kazoo_zapier.kazoo.crossbar import CrossbarClient
from kazoo_zapier.kazoo.simulator import KazooSimulator
from kazoo_zapier.kazoo.simulator.ratelimit import KAZOO_RATE_LIMIT, RateLimit
from kazoo_zapier.kazoo.simulator.world import Account, demo_world, kazoo_id
from tests.fixtures.hooks import wait_until

ACCOUNTS = 200
MARGIN_SECONDS = 20.0  # a loaded CI machine: threads scheduled late, replies parsed slowly
HOOK_URL = "https://hooks.zapier.example/hooks/standard/1/abc/"


def bucket_seconds(messages: int, limit: RateLimit = KAZOO_RATE_LIMIT) -> float:
    """The least time Kazoo's bucket needs to accept `messages` on one fresh socket."""
    beyond_burst = max(0, messages - limit.max_tokens)
    return beyond_burst / limit.fill_rate * limit.fill_seconds


def allowance(messages: int, limit: RateLimit = KAZOO_RATE_LIMIT) -> float:
    return bucket_seconds(messages, limit) * 1.5 + MARGIN_SECONDS


@pytest.fixture(scope="module")
def big_sim() -> Iterator[KazooSimulator]:
    """A simulator whose provider has 201 more customer accounts, Kazoo's bucket on."""
    world = demo_world()
    for number in range(ACCOUNTS + 1):
        world.accounts.append(
            Account(
                id=kazoo_id(f"account:scale:{number}"),
                name=f"Scale customer {number}",
                realm=f"scale{number}.sip.example.com",
                parent_id=world.master.id,
            )
        )
    sim = KazooSimulator(world=world, speed=0)
    sim.start()
    try:
        yield sim
    finally:
        sim.stop()


@pytest.fixture
def sim(big_sim: KazooSimulator, settings) -> Iterator[KazooSimulator]:
    settings.KAZOO_API_URL = big_sim.api_url
    settings.KAZOO_WS_URL = big_sim.ws_url
    yield big_sim
    big_sim.reset()


def scale_accounts(sim: KazooSimulator) -> list[str]:
    return [a.id for a in sim.world.accounts if a.name.startswith("Scale customer")]


def token_of(sim: KazooSimulator):
    def token() -> str:
        response = requests.put(
            f"{sim.api_url}/api_auth", json={"data": {"api_key": sim.world.api_key}}, timeout=5
        )
        return response.json()["auth_token"]

    return token


@pytest.fixture
def client(sim) -> Iterator:
    started: list[BlackholeClient] = []

    def make(**options) -> BlackholeClient:
        made = BlackholeClient(sim.ws_url, token_of(sim), lambda envelope: None, **options)
        started.append(made.start())
        return made

    yield make
    for made in started:
        made.stop()


def all_active(client: BlackholeClient, count: int) -> bool:
    status = client.snapshot()
    return status.account_counts()["subscribed"] == count and len(status.subscriptions) == count


def test_200_accounts_are_all_subscribed_within_the_bucket_and_again_after_a_reconnect(sim, client):
    accounts = scale_accounts(sim)[:ACCOUNTS]
    refused_before = sim.stats()["rate_limited"]
    blackhole = client()
    blackhole.set_subscriptions((account, "call.*.*") for account in accounts)
    wait_until(
        lambda: all_active(blackhole, ACCOUNTS),
        timeout=allowance(ACCOUNTS),
        what=f"{ACCOUNTS} accounts subscribed",
    )
    status = blackhole.snapshot()
    assert status.oldest_pending_seconds is None
    # Paced, not refused: the client stayed within what the bucket held.
    assert status.rate_limited == 0
    assert sim.stats()["rate_limited"] == refused_before
    held = [pair for socket in sim.stats()["subscriptions"] for pair in socket]
    assert sorted(held) == sorted((account, "call.*.*") for account in accounts)

    sim.faults.drop_sockets()
    wait_until(lambda: blackhole.snapshot().reconnects == 1, timeout=30, what="a reconnect")
    wait_until(
        lambda: all_active(blackhole, ACCOUNTS),
        timeout=allowance(ACCOUNTS),
        what=f"{ACCOUNTS} accounts subscribed again",
    )
    assert blackhole.snapshot().rate_limited == 0


def test_a_rate_limited_subscribe_is_retried_until_it_succeeds(sim, client):
    # Kazoo's bucket is smaller and slower than the client believes: it must learn from the
    # refusals, and every refused subscribe must still end up subscribed.
    tight = RateLimit(max_tokens=20, fill_rate=5, fill_seconds=1.0)
    sim.faults.rate_limit(tight)
    accounts = scale_accounts(sim)[:60]
    blackhole = client(retry_initial=0.5, retry_max=4.0)
    blackhole.set_subscriptions((account, "call.*.*") for account in accounts)
    wait_until(
        lambda: all_active(blackhole, len(accounts)),
        timeout=allowance(len(accounts) * 2, tight),
        what="every account subscribed despite refusals",
    )
    status = blackhole.snapshot()
    assert status.rate_limited > 0  # it was refused, and retried
    assert status.subscription_errors == {}  # a refusal for the rate is never final


def test_a_subscribe_whose_reply_is_dropped_is_sent_again(sim, client):
    accounts = scale_accounts(sim)[:5]
    sim.faults.drop_replies(3)  # as 4.3 does for a socket with more than 50 messages queued
    blackhole = client(reply_timeout=1.0)
    blackhole.set_subscriptions((account, "call.*.*") for account in accounts)
    wait_until(lambda: all_active(blackhole, 5), timeout=allowance(10), what="all answered")
    assert blackhole.snapshot().resent >= 3
    assert sim.stats()["replies_dropped"] == 3


def test_an_account_added_while_others_wait_goes_first(sim, client):
    accounts = scale_accounts(sim)
    waiting, late = accounts[:ACCOUNTS], accounts[ACCOUNTS]
    blackhole = client()
    blackhole.set_subscriptions((account, "call.*.*") for account in waiting)
    wait_until(
        lambda: blackhole.snapshot().account_counts()["subscribed"] >= 20,
        timeout=allowance(20),
        what="the first accounts subscribed",
    )
    blackhole.set_subscriptions((account, "call.*.*") for account in [*waiting, late])

    def late_one_heard() -> bool:
        return blackhole.snapshot().accounts.get(late) == "subscribed"

    wait_until(late_one_heard, timeout=allowance(1), what="the new account subscribed")
    # It did not wait its turn at the back: most of the others still do.
    assert blackhole.snapshot().account_counts()["pending"] > ACCOUNTS // 4
    wait_until(lambda: all_active(blackhole, ACCOUNTS + 1), timeout=allowance(ACCOUNTS + 1))


# --- the listener: hooks in the database, health and metrics report the progress ------------
@pytest.fixture
def listener(sim, db) -> Iterator:
    made: list[Listener] = []

    def make() -> Listener:
        crossbar = CrossbarClient(sim.api_url, sim.world.api_key)
        one = Listener(crossbar=crossbar, ws_url=sim.ws_url, control_interval=0.1)
        made.append(one.start())
        return one

    yield make
    for one in made:
        one.shutdown()


def hooks_for(user, accounts: list[str], *, per_account: int = 1) -> None:
    Hook.objects.bulk_create(
        Hook(
            owner=user,
            account_id=account,
            kazoo_user_id=user.kazoo.kazoo_id,
            event="call.ringing",
            target_url=HOOK_URL,
        )
        for account in accounts
        for _ in range(per_account)
    )


@pytest.mark.django_db(transaction=True)
def test_the_listener_subscribes_200_accounts_first_the_busiest_and_a_new_hook_at_once(
    sim, listener, kazoo_user, client, settings
):
    accounts = scale_accounts(sim)
    busiest, others, late = accounts[ACCOUNTS - 1], accounts[: ACCOUNTS - 1], accounts[ACCOUNTS]
    hooks_for(kazoo_user, others)
    hooks_for(kazoo_user, [busiest], per_account=3)  # created last, most hooks: subscribed first
    running = listener()
    running.step()

    def health() -> dict:
        running.step()
        return ListenerState.objects.get(name="default").health

    wait_until(lambda: health()["accounts_subscribed"] >= 1, timeout=allowance(1))
    assert running.blackhole.snapshot().accounts[busiest] == "subscribed"
    report = health()
    assert report["accounts"] == ACCOUNTS
    assert report["accounts_pending"] > 0 and report["oldest_pending_seconds"] > 0

    # A hook made now, for an account with one hook (last in the order), is heard before the
    # accounts that were waiting.
    hooks_for(kazoo_user, [late])
    wait_until(
        lambda: (
            (running.step(), running.blackhole.snapshot().accounts.get(late))[1] == "subscribed"
        ),
        timeout=allowance(1),
        what="the new hook's account subscribed",
    )
    assert health()["accounts_pending"] > 0

    wait_until(
        lambda: health()["accounts_subscribed"] == ACCOUNTS + 1,
        timeout=allowance(ACCOUNTS + 1),
        what="every account subscribed",
    )
    report = health()
    assert report["accounts_pending"] == 0 and report["accounts_refused"] == 0
    assert report["oldest_pending_seconds"] is None

    # /metrics and /readyz say the same.
    from django.test import Client

    settings.METRICS_ALLOW_LOOPBACK = True
    scraped = Client().get("/metrics").content.decode()
    assert 'kazoo_listener_accounts_subscribed{listener="default"} 201.0' in scraped
    assert 'kazoo_listener_accounts_pending{listener="default"} 0.0' in scraped
    ready = Client().get("/readyz").json()
    assert ready["subscriptions"]["default"]["subscribed"] == ACCOUNTS + 1


# --- several sockets, and listeners sharing the accounts --------------------------------------
def test_accounts_spread_deterministically_over_sockets_and_shards():
    from kazoo_zapier.kazoo.blackhole_group import socket_index

    accounts = [kazoo_id(f"account:scale:{n}") for n in range(400)]
    spread = [socket_index(a, 4) for a in accounts]
    assert spread == [socket_index(a, 4) for a in accounts]  # stable
    assert all(spread.count(i) > 50 for i in range(4))  # and even enough
    # Within one of two shards, the accounts still use all four sockets.
    from kazoo_zapier.kazoo.blackhole_group import account_hash

    in_shard = [a for a in accounts if account_hash(a) % 2 == 1]
    assert {socket_index(a, 4, shards=2) for a in in_shard} == {0, 1, 2, 3}


@pytest.mark.django_db(transaction=True)
def test_a_listener_with_four_sockets_subscribes_each_account_on_its_own_socket(sim, kazoo_user):
    accounts = scale_accounts(sim)[:ACCOUNTS]
    hooks_for(kazoo_user, accounts)
    crossbar = CrossbarClient(sim.api_url, sim.world.api_key)
    running = Listener(crossbar=crossbar, ws_url=sim.ws_url, sockets=4, control_interval=0.1)
    running.start()
    try:
        # Four buckets: a quarter of the messages each (the most loaded socket decides).
        def done() -> bool:
            running.step()
            return running.blackhole.snapshot().account_counts()["subscribed"] == ACCOUNTS

        wait_until(done, timeout=allowance(ACCOUNTS // 2), what="four sockets subscribed")
        held = [set(s.accounts) for s in running.blackhole.snapshots()]
        assert all(held) and sum(len(h) for h in held) == ACCOUNTS
        assert set().union(*held) == set(accounts)
        running.report_health()
        health = ListenerState.objects.get(name="default").health
        assert health["sockets"] == 4 and health["sockets_connected"] == 4
    finally:
        running.shutdown()


@pytest.mark.django_db(transaction=True)
def test_two_shards_listen_to_disjoint_halves(sim, kazoo_user):
    accounts = scale_accounts(sim)[:40]
    hooks_for(kazoo_user, accounts)
    crossbar = CrossbarClient(sim.api_url, sim.world.api_key)
    halves = []
    for index in range(2):
        one = Listener(crossbar=crossbar, ws_url=sim.ws_url, name=f"shard{index}", shard=(index, 2))
        halves.append(one)
    try:
        for one in halves:
            one.start()
        for one in halves:
            wait_until(
                lambda one=one: (
                    (one.step(), one.blackhole.snapshot().accounts)[1]
                    and set(one.blackhole.snapshot().accounts.values()) == {"subscribed"}
                ),
                timeout=allowance(40),
            )
        first, second = (set(one.blackhole.snapshot().accounts) for one in halves)
        assert first and second and not first & second and first | second == set(accounts)
    finally:
        for one in halves:
            one.shutdown()

"""Playing scenarios and steady load through the running simulator."""

import time

import pytest
import requests

from kazoo_zapier.kazoo.simulator import KazooSimulator, UnknownScenario

from .test_simulator_blackhole import Socket, api_token, wait_for


@pytest.fixture
def demo_socket(kazoo_sim):
    sock = Socket(kazoo_sim.ws_url, api_token(kazoo_sim))
    assert sock.subscribe(kazoo_sim.world.demo.id, "call.*.*")["status"] == "success"
    yield sock
    sock.close()


def test_play_returns_the_scenarios_call_ids_and_pushes_its_events_in_order(kazoo_sim, demo_socket):
    result = kazoo_sim.play("internal_call", seed=5)
    assert result["name"] == "internal_call"
    assert result["call_id"]
    events = []
    while not (events and events[-1]["name"] == "CHANNEL_DESTROY" and len(events) >= 6):
        events.append(demo_socket.recv())
        assert len(events) < 100
    timestamps = [e["data"]["timestamp"] for e in events if "timestamp" in e["data"]]
    assert timestamps == sorted(timestamps)
    assert result["call_id"] in {e["data"]["call_id"] for e in events}


def test_an_unknown_scenario_is_refused(kazoo_sim):
    with pytest.raises(UnknownScenario):
        kazoo_sim.play("no_such_scenario")


def test_speed_scales_the_delays_between_steps(kazoo_sim):
    # At speed 1000 a scenario of tens of seconds plays in well under a second, but not at once:
    # the player sleeps between steps (no assertion on wall time, only on the order kept).
    sim = KazooSimulator(world=kazoo_sim.world, speed=1000).start()
    try:
        sock = Socket(sim.ws_url, api_token(sim))
        sock.subscribe(sim.world.demo.id, "call.*.*")
        sim.play("inbound_answered", wait=True, seed=1)
        names = []
        while "CHANNEL_DESTROY" not in names or sim.stats()["live_channels"]:
            names.append(sock.recv()["name"])
        assert names[0] == "CHANNEL_CREATE"
        sock.close()
    finally:
        sim.stop()


def test_steady_load_starts_calls_until_stopped(kazoo_sim, demo_socket):
    kazoo_sim.start_load(50, seed=3)
    wait_for(lambda: kazoo_sim.stats()["load"]["calls_started"] >= 20, "twenty calls started")
    kazoo_sim.stop_load()
    assert kazoo_sim.stats()["load"]["running"] is False
    assert demo_socket.recv()["action"] == "event"
    wait_for(lambda: kazoo_sim.stats()["plays_running"] == 0, "the started calls finish")


def test_a_load_with_a_duration_ends_by_itself(kazoo_sim):
    kazoo_sim.start_load(20, duration=0.5, seed=1)
    wait_for(lambda: not kazoo_sim.stats()["load"]["running"], "the load ends")
    assert kazoo_sim.stats()["load"]["calls_started"] >= 1


def test_the_control_api_plays_a_scenario_and_runs_load(kazoo_sim, demo_socket):
    root = kazoo_sim.api_url.removesuffix("/v2")
    played = requests.post(
        f"{root}/sim/play/outbound_answered", json={"wait": True, "seed": 4}, timeout=10
    )
    assert played.status_code == 200, played.text
    assert played.json()["call_id"]
    assert demo_socket.recv()["action"] == "event"
    started = requests.post(f"{root}/sim/load", json={"calls_per_second": 10}, timeout=5)
    assert started.json()["running"] is True
    stopped = requests.post(f"{root}/sim/load", json={"stop": True}, timeout=5)
    assert stopped.json()["running"] is False


def test_publish_from_many_threads_at_once_loses_nothing(kazoo_sim, demo_socket):
    import threading

    demo = kazoo_sim.world.demo

    def burst(n: int) -> None:
        for i in range(50):
            kazoo_sim.publish(
                demo.id, "CHANNEL_HOLD", {"call_id": f"t{n}-{i}", "timestamp": time.time()}
            )

    threads = [threading.Thread(target=burst, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    received = {demo_socket.recv()["data"]["call_id"] for _ in range(200)}
    assert len(received) == 200

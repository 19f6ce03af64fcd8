"""The simulator's scenario engine: timed Kazoo call traffic, as real Kazoo 4.3 would push it.

Pure: `build_scenario(name, world, start=..., rng=...)` returns a Scenario whose steps the
simulator's server plays (Blackhole events, ACDC call-stat rows, agent statuses). Same seed,
same output.
"""

from __future__ import annotations

import random
from collections.abc import Callable

from kazoo_zapier.kazoo.simulator.scenarios.callcenter import (
    agent_status_changes,
    queue_abandoned,
    queue_answered,
)
from kazoo_zapier.kazoo.simulator.scenarios.calls import (
    hold_resume,
    inbound_answered,
    internal_call,
    missed_to_voicemail,
    multi_device_ring,
    outbound_answered,
    outbound_busy,
    outbound_no_answer,
    park_abandoned,
    park_retrieve,
    ring_group_answered_elsewhere,
)
from kazoo_zapier.kazoo.simulator.scenarios.forwarding import inbound_to_user
from kazoo_zapier.kazoo.simulator.scenarios.legs import GREGORIAN_OFFSET, normalize_keys
from kazoo_zapier.kazoo.simulator.scenarios.quickcall import quickcall
from kazoo_zapier.kazoo.simulator.scenarios.recorder import Scenario, Step
from kazoo_zapier.kazoo.simulator.world import World

SCENARIOS: dict[str, Callable[..., Scenario]] = {
    "inbound_answered": inbound_answered,
    "multi_device_ring": multi_device_ring,
    "ring_group_answered_elsewhere": ring_group_answered_elsewhere,
    "missed_to_voicemail": missed_to_voicemail,
    "outbound_answered": outbound_answered,
    "outbound_busy": outbound_busy,
    "outbound_no_answer": outbound_no_answer,
    "internal_call": internal_call,
    "hold_resume": hold_resume,
    "park_retrieve": park_retrieve,
    "park_abandoned": park_abandoned,
    "queue_answered": queue_answered,
    "queue_abandoned": queue_abandoned,
    "agent_status_changes": agent_status_changes,
    "quickcall": quickcall,
    "inbound_to_user": inbound_to_user,
}

# What random_mix draws from: calls that happen on their own. Quickcall needs Crossbar's request,
# agent shifts are not calls, and inbound_to_user reads the user's settings from the server.
NOT_IN_MIX = ("quickcall", "agent_status_changes", "inbound_to_user")
MIX = tuple(name for name in SCENARIOS if name not in NOT_IN_MIX)
# The calls the single-user "other" account can take too, so tenancy is exercised.
MIX_OTHER_ACCOUNT = (
    "inbound_answered",
    "missed_to_voicemail",
    "outbound_answered",
    "outbound_busy",
)


def build_scenario(
    name: str, world: World, *, start: float, rng: random.Random, **params: object
) -> Scenario:
    try:
        builder = SCENARIOS[name]
    except KeyError:
        raise ValueError(f"unknown scenario {name!r}; known: {', '.join(SCENARIOS)}") from None
    # Salt the draws with the name: two scenarios built with one seed must not share Call-IDs,
    # or their legs (and ACDC rows) would collide when both are played.
    salted = random.Random(f"{name}:{rng.getrandbits(64)}")
    return builder(world, start=start, rng=salted, **params)


def random_mix(world: World, *, rng: random.Random, start: float, count: int) -> list[Scenario]:
    """`count` call scenarios starting a few seconds apart, so that calls overlap as in an office."""
    scenarios = []
    at = start
    for _ in range(count):
        name = rng.choice(MIX)
        params: dict[str, object] = {}
        if name in MIX_OTHER_ACCOUNT and rng.random() < 0.2:
            params["account_id"] = world.other.id
        # Each scenario gets its own Random so that one builder's draws don't shift the next one's.
        scenarios.append(
            build_scenario(name, world, start=at, rng=random.Random(rng.getrandbits(64)), **params)
        )
        at += round(rng.uniform(2.0, 20.0), 2)
    return scenarios


__all__ = [
    "GREGORIAN_OFFSET",
    "MIX",
    "SCENARIOS",
    "Scenario",
    "Step",
    "build_scenario",
    "normalize_keys",
    "random_mix",
]

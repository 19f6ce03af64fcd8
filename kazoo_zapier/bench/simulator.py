"""The Kazoo simulator for the benchmark: its own process, load mode, sub-second timestamps.

Kazoo's `Timestamp` is whole seconds, too coarse to measure a 150 ms latency. Here each leg
event's timestamp carries the fraction too (the normalizer accepts int, float or numeric string),
so `occurred_at` of a normalized event is the Kazoo event's time to the microsecond. Nothing else
about the traffic changes.
"""

from typing import Any

from kazoo_zapier.kazoo.simulator import KazooSimulator
from kazoo_zapier.kazoo.simulator.scenarios import legs


def precise_timestamps() -> None:
    whole_seconds = legs.Leg.generic

    def generic(self: legs.Leg, event_name: str, unix: float) -> dict[str, Any]:
        data = whole_seconds(self, event_name, unix)
        data["timestamp"] = round(unix + legs.GREGORIAN_OFFSET, 6)
        return data

    legs.Leg.generic = generic  # type: ignore[method-assign]


def serve() -> None:
    """Serve on free ports until SIGTERM; prints the ports on one line."""
    precise_timestamps()
    simulator = KazooSimulator(http_port=0, ws_port=0, speed=1.0)

    def ready(sim: KazooSimulator) -> None:
        print(f"simulator {sim.api_url} {sim.ws_url}", flush=True)

    simulator.run_forever(on_ready=ready)

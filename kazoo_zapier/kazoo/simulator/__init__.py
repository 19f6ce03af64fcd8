"""The Kazoo simulator: a real Crossbar + Blackhole server for the demo, the tests and benchmarks."""

from kazoo_zapier.kazoo.simulator.server import KazooSimulator, UnknownScenario

__all__ = ["KazooSimulator", "UnknownScenario"]

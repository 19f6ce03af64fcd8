"""One phase of the benchmark: one profile (or the bare forwarder) through the rising rates.

Runs inside Django, configured for the phase's database by the environment `run` gives it, so it
can read the listener's health and the deliveries with the ORM. It starts the receiver, the
simulator and either the listener and the workers or the bare forwarder, then for each rate:
sets the simulator's load, lets it settle, and measures one window.
"""

import json
import os
import sys
import time
from pathlib import Path
from typing import Any

import requests

from kazoo_zapier.bench.procs import Child

# The memory target is set at this many live calls: after the rising rates, HOLD_RATE is held
# until the listener tracks that many (or for at most HOLD_MAX_SECONDS), then measured once more.
# Lower than the top rate, so that it is the calls that fill the listener more than its backlog
# (it falls behind at either, held long enough: see docs/benchmarks.md).
HOLD_CALLS = 10_000
HOLD_RATE = 400.0
HOLD_MAX_SECONDS = 120.0
WORLD_ACCOUNTS = 2  # the simulator's demo world: Demo Company and Other Ltd
# One `call.*.*` binding per account (events.listener.ACCOUNT_BINDINGS; nine before issue 20).
BINDINGS = WORLD_ACCOUNTS


def run_phase(
    profile: str,
    rates: list[float],
    warmup: float,
    window: float,
    log_dir: Path,
    hold_calls: int = HOLD_CALLS,
    hold_rate: float = HOLD_RATE,
) -> dict[str, Any]:
    from django.conf import settings
    from django.core.management import call_command

    from kazoo_zapier.bench.seed import seed_hooks
    from kazoo_zapier.kazoo.simulator.world import demo_world

    env = dict(os.environ)
    children: list[Child] = []

    def start(name: str, args: list[str], **options: Any) -> Child:
        child = Child(f"{profile}-{name}", args, env=env, log_dir=log_dir, **options)
        children.append(child)
        return child

    try:
        receiver = start("receiver", ["-m", "kazoo_zapier.bench", "receiver"])
        receiver_url = receiver.first_line().split()[1]
        simulator = start("simulator", ["-m", "kazoo_zapier.bench", "simulator"])
        _, api_url, ws_url = simulator.first_line().split()
        env.update(KAZOO_API_URL=api_url, KAZOO_WS_URL=ws_url)
        sim = Simulator(api_url.removesuffix("/v2"))
        accounts = [account.id for account in demo_world().accounts]

        if profile == "bare":
            worker = None
            forwarder = start(
                "forwarder",
                [
                    "-m",
                    "kazoo_zapier.bench",
                    "forwarder",
                    "--api-url",
                    api_url,
                    "--ws-url",
                    ws_url,
                    "--target",
                    f"{receiver_url}/bare",
                    *accounts,
                ],
                follow=True,
            )
            ingest: Ingest = ForwarderIngest(forwarder)
        else:
            call_command("migrate", verbosity=0, interactive=False)
            hooks = seed_hooks(receiver_url)
            print(f"  {profile}: {hooks} hooks on {settings.DATABASES['default']['ENGINE']}")
            listener = start("listener", ["manage.py", "kazoo_listen"])
            worker = start("workers", ["manage.py", "qcluster"])
            ingest = ListenerIngest(listener)
        sim.wait_subscribed(BINDINGS)

        steps = []
        for rate in rates:
            sim.load(rate)
            time.sleep(warmup)
            steps.append(measure(rate, window, sim, ingest, receiver_url, worker))
            print(f"  {profile} {rate:g} calls/s: {json.dumps(steps[-1])}", flush=True)
        if worker is not None and hold_calls:  # the bare forwarder tracks no calls
            sim.load(hold_rate)
            held = hold(hold_calls, ingest)
            steps.append({**measure(hold_rate, window, sim, ingest, receiver_url, worker), **held})
            print(f"  {profile} held: {json.dumps(steps[-1])}", flush=True)
        summary = finish(sim, ingest, receiver_url)
        print(f"  {profile} after the load: {json.dumps(summary)}", flush=True)
        return {"profile": profile, "steps": steps, "after": summary}
    finally:
        for child in reversed(children):
            child.stop()


class Simulator:
    def __init__(self, base_url: str) -> None:
        self.base_url = base_url
        self.http = requests.Session()

    def stats(self) -> dict[str, Any]:
        return self.http.get(f"{self.base_url}/sim/stats", timeout=30).json()

    def load(self, calls_per_second: float) -> None:
        self.http.post(
            f"{self.base_url}/sim/load",
            json={"calls_per_second": calls_per_second, "seed": 8},
            timeout=30,
        ).raise_for_status()

    def stop(self) -> None:
        """No new calls and no more steps of running ones: the stream ends here."""
        self.http.post(f"{self.base_url}/sim/reset", timeout=30).raise_for_status()

    def wait_subscribed(self, bindings: int, timeout: float = 60.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            subscriptions = self.stats()["subscriptions"]
            if sum(len(each) for each in subscriptions) >= bindings:
                return
            time.sleep(0.2)
        raise RuntimeError("nobody subscribed to the simulator's Blackhole")


class Ingest:
    """What took the frames in: the listener (through its health row) or the bare forwarder."""

    child: Child

    def counters(self) -> dict[str, Any]:
        raise NotImplementedError

    def backlog(self) -> int:
        raise NotImplementedError


class ListenerIngest(Ingest):
    def __init__(self, child: Child) -> None:
        self.child = child

    def counters(self) -> dict[str, Any]:
        from events.models import ListenerState

        # The listener writes its health every second: wait for a fresh one.
        state = ListenerState.objects.filter(name="default").first()
        first = state.heartbeat_at if state else None
        deadline = time.monotonic() + 3
        while time.monotonic() < deadline:
            state = ListenerState.objects.filter(name="default").first()
            if state and state.heartbeat_at and state.heartbeat_at != first:
                break
            time.sleep(0.05)
        health = state.health if state else {}
        return {
            "at": state.heartbeat_at.timestamp() if state and state.heartbeat_at else time.time(),
            "received": health.get("frames_received", 0),
            "stored": health.get("events_stored", 0),
            "emitted": health.get("events_emitted", 0),
            "queued": health.get("queued", 0),
            "calls": health.get("calls_tracked", 0),
            "rejected": sum((health.get("frames_rejected") or {}).values()),
        }

    def backlog(self) -> int:
        counters = self.counters()
        return counters["queued"] + counters["emitted"] - counters["stored"]


class ForwarderIngest(Ingest):
    def __init__(self, child: Child) -> None:
        self.child = child

    def counters(self) -> dict[str, Any]:
        last = len(self.child.lines)
        deadline = time.monotonic() + 3
        while len(self.child.lines) == last and time.monotonic() < deadline:
            time.sleep(0.05)
        stats = json.loads(self.child.lines[-1]) if self.child.lines else {}
        return {
            "at": time.time(),
            "received": stats.get("received", 0),
            "stored": None,
            "emitted": None,
            "queued": stats.get("queued", 0),
            "calls": None,
            "rejected": 0,
        }

    def backlog(self) -> int:
        return self.counters()["queued"]


def hold(calls: int, ingest: Ingest) -> dict[str, Any]:
    """Keep the current rate until the listener tracks `calls` live calls.

    Returns how long that took and the listener's memory at that moment: calls keep coming during
    the window measured after it, so its peak is for more calls than `calls`.
    """
    started = time.monotonic()
    reached: dict[str, Any] = {}
    while time.monotonic() - started < HOLD_MAX_SECONDS:
        counters = ingest.counters()
        if (counters["calls"] or 0) >= calls:
            reached = {
                "listener_mb_at_hold": round(ingest.child.rss_bytes() / 2**20, 1),
                "live_calls_at_hold": counters["calls"],
                "backlog_at_hold": counters["queued"] + counters["emitted"] - counters["stored"],
            }
            break
    return {"held_seconds": round(time.monotonic() - started, 1), **reached}


def pending_deliveries() -> int | None:
    from hooks.models import Delivery

    return Delivery.objects.filter(status=Delivery.Status.PENDING).count()


def measure(
    rate: float,
    window: float,
    sim: Simulator,
    ingest: Ingest,
    receiver_url: str,
    worker: Child | None,
) -> dict[str, Any]:
    sim_before, before = sim.stats(), ingest.counters()
    started = time.time()
    peak_listener = peak_workers = 0
    while time.time() - started < window:
        peak_listener = max(peak_listener, ingest.child.rss_bytes())
        if worker is not None:
            peak_workers = max(peak_workers, worker.rss_bytes())
        time.sleep(0.5)
    sim_after, after = sim.stats(), ingest.counters()
    ended = time.time()
    received = requests.get(
        f"{receiver_url}/stats", params={"since": started, "until": ended}, timeout=30
    ).json()
    seconds = ended - started
    counted = max(0.001, after["at"] - before["at"])
    step = {
        "calls_per_second": rate,
        "window_seconds": round(seconds, 1),
        "pushed_per_second": per(sim_after["events_pushed"] - sim_before["events_pushed"], seconds),
        "ingested_per_second": per(after["received"] - before["received"], counted),
        "normalized_per_second": per(after["stored"] - before["stored"], counted)
        if after["stored"] is not None
        else None,
        "delivered_per_second": per(received["count"], seconds),
        "p50_ms": received["p50_ms"],
        "p95_ms": received["p95_ms"],
        "p99_ms": received["p99_ms"],
        "dropped_by_kazoo": sim_after["events_dropped"] - sim_before["events_dropped"],
        "ingest_backlog": after["queued"] + ((after["emitted"] or 0) - (after["stored"] or 0)),
        "deliveries_pending": pending_deliveries() if worker is not None else None,
        "live_calls": after["calls"] if after["calls"] is not None else sim_after["live_channels"],
        "listener_mb": round(peak_listener / 2**20, 1),
        "workers_mb": round(peak_workers / 2**20, 1) if worker is not None else None,
    }
    return step


def finish(sim: Simulator, ingest: Ingest, receiver_url: str) -> dict[str, Any]:
    """Stop the stream, let everything drain, count what was lost on the way."""
    posted_before = requests.get(f"{receiver_url}/stats", timeout=30).json()["total"]
    stopped = time.monotonic()
    sim.stop()
    time.sleep(2.0)
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        pending = pending_deliveries() if not isinstance(ingest, ForwarderIngest) else 0
        if ingest.backlog() == 0 and not pending:
            break
        time.sleep(1.0)
    stats, counters = sim.stats(), ingest.counters()
    received = requests.get(f"{receiver_url}/stats", timeout=30).json()
    drained = time.monotonic() - stopped
    return {
        "drain_seconds": round(drained, 1),
        # With no new traffic the workers only work off their backlog: their capacity alone.
        "drain_posts_per_second": per(received["total"] - posted_before, drained),
        "frames_pushed": stats["events_pushed"],
        "frames_received": counters["received"],
        # Both readers count Kazoo's subscribe replies among their frames: one per binding.
        "frames_lost": stats["events_pushed"] - (counters["received"] - BINDINGS),
        "dropped_by_kazoo": stats["events_dropped"],
        "frames_rejected": counters["rejected"],
        "events_stored": counters["stored"],
        "deliveries_pending": pending_deliveries()
        if not isinstance(ingest, ForwarderIngest)
        else None,
        "posts_received": received["total"],
    }


def per(count: float, seconds: float) -> float:
    return round(count / seconds, 1)


def main(argv: list[str]) -> None:
    profile, out = argv[0], Path(argv[1])
    rates = [float(rate) for rate in argv[2].split(",")]
    warmup, window = float(argv[3]), float(argv[4])
    hold_calls = int(argv[5]) if len(argv) > 5 else HOLD_CALLS
    hold_rate = float(argv[6]) if len(argv) > 6 else HOLD_RATE
    import django

    django.setup()
    result = run_phase(profile, rates, warmup, window, out.parent, hold_calls, hold_rate)
    out.write_text(json.dumps(result, indent=2))


if __name__ == "__main__":
    main(sys.argv[1:])

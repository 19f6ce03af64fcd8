"""The delivery bench (issue 15): healthy Zaps next to dead ones, and which sender wakes fastest.

    python -m kazoo_zapier.bench fairness [--profile production] [--rate 100] [--window 30]

200 hooks at 100 calls/s through the whole path (simulator → listener → workers → receiver), in
four steps, each in a fresh database, one after another in one run:

- `healthy / cluster`: every target answers; the workers are django-q2's cluster (qcluster), whose
  drainer a commit wakes (NOTIFY on PostgreSQL, a poll on SQLite, an on-commit task);
- `healthy / loop`: the same, with `manage.py send_deliveries` (one sender loop) instead;
- `50 dead / cluster` and `50 dead / loop`: a quarter of the hooks point at a target that accepts
  the request and never answers, so every send to it lasts HOOKS_TIMEOUT_SECONDS.

Reported per step: the healthy hooks' deliveries/s and latency percentiles (arrival minus the
Kazoo event's time), and the sender threads the dead targets hold (requests open at the dead
target: the mean and the most during the window). The ratio that matters is the healthy hooks'
p99 with dead targets over the all-healthy p99 of the same sender (target: at most 1.5).
"""

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import requests

from kazoo_zapier.bench.procs import Child
from kazoo_zapier.bench.run import OUT_DIR, ROOT, fresh_storage, profile_env

HOOKS = 200
DEAD = 50
STEPS = [("healthy", "cluster"), ("healthy", "loop"), ("dead", "cluster"), ("dead", "loop")]
WORKERS = {"cluster": ["manage.py", "qcluster"], "loop": ["manage.py", "send_deliveries"]}


def seed(receiver_url: str, dead: int) -> int:
    """HOOKS hooks: the benchmark's usual ones over and over (each its own URL); every
    HOOKS/dead-th one at the dead target."""
    from hooks.models import Hook
    from kazoo_zapier.bench.seed import seed_hooks

    seed_hooks(receiver_url)
    base = list(Hook.objects.order_by("id"))
    copies = [base[n % len(base)] for n in range(HOOKS)]
    Hook.objects.all().delete()
    every = HOOKS // dead if dead else 0
    rows = []
    for number, template in enumerate(copies):
        template.pk = None
        is_dead = bool(every) and number % every == every - 1
        template.target_url = f"{receiver_url}/{'dead' if is_dead else 'hook'}/{number}"
        rows.append(Hook(**{f.attname: getattr(template, f.attname) for f in Hook._meta.fields}))
    Hook.objects.bulk_create(rows)
    return sum("/dead/" in hook.target_url for hook in rows)


def step(targets: str, sender: str, rate: float, warmup: float, window: float, log_dir: Path):
    """One step, in a process set up for the profile's database (see main)."""
    import os

    from django.core.management import call_command

    from kazoo_zapier.bench.phase import BINDINGS, Simulator

    env = dict(os.environ)
    children: list[Child] = []

    def start(name: str, args: list[str]) -> Child:
        child = Child(f"fairness-{targets}-{sender}-{name}", args, env=env, log_dir=log_dir)
        children.append(child)
        return child

    try:
        receiver_url = start("receiver", ["-m", "kazoo_zapier.bench", "receiver"]).first_line()
        receiver_url = receiver_url.split()[1]
        _, api_url, ws_url = (
            start("simulator", ["-m", "kazoo_zapier.bench", "simulator"]).first_line().split()
        )
        env.update(KAZOO_API_URL=api_url, KAZOO_WS_URL=ws_url)
        sim = Simulator(api_url.removesuffix("/v2"))
        call_command("migrate", verbosity=0, interactive=False)
        dead = seed(receiver_url, DEAD if targets == "dead" else 0)
        start("listener", ["manage.py", "kazoo_listen"])
        start("workers", WORKERS[sender])
        sim.wait_subscribed(BINDINGS)
        sim.load(rate)
        time.sleep(warmup)
        requests.post(f"{receiver_url}/hanging/reset", timeout=10)
        started = time.time()
        held: list[int] = []
        while time.time() - started < window:
            stats = requests.get(f"{receiver_url}/stats", params={"since": 1e12}, timeout=10)
            held.append(stats.json()["hanging"]["open"])
            time.sleep(0.5)
        ended = time.time()
        healthy = requests.get(
            f"{receiver_url}/stats",
            params={"since": started, "until": ended, "prefix": "hook"},
            timeout=30,
        ).json()
        sim.stop()
        return {
            "targets": targets,
            "sender": sender,
            "hooks": HOOKS,
            "dead_hooks": dead,
            "calls_per_second": rate,
            "healthy_delivered_per_second": round(healthy["count"] / (ended - started), 1),
            "healthy_p50_ms": healthy["p50_ms"],
            "healthy_p95_ms": healthy["p95_ms"],
            "healthy_p99_ms": healthy["p99_ms"],
            "dead_threads_mean": round(sum(held) / len(held), 1) if held else 0,
            "dead_threads_most": healthy["hanging"]["most"],
            "dead_requests": healthy["hanging"]["total"],
        }
    finally:
        for child in reversed(children):
            child.stop()


def run(profile: str, rate: float, warmup: float, window: float) -> list[dict[str, Any]]:
    OUT_DIR.mkdir(parents=True, exist_ok=True)
    results = []
    for targets, sender in STEPS:
        print(f"fairness: {targets} / {sender}", flush=True)
        fresh_storage(profile)
        out = OUT_DIR / f"fairness-{targets}-{sender}.json"
        subprocess.run(  # noqa: S603 - our own interpreter and module
            [
                sys.executable,
                "-m",
                "kazoo_zapier.bench.fairness",
                "step",
                targets,
                sender,
                str(out),
                str(rate),
                str(warmup),
                str(window),
            ],
            env=profile_env(profile),
            cwd=ROOT,
            check=True,
        )
        results.append(json.loads(out.read_text()))
        print(f"  {json.dumps(results[-1])}", flush=True)
    for sender in WORKERS:
        healthy, dead = (
            next(r for r in results if r["targets"] == t and r["sender"] == sender)
            for t in ("healthy", "dead")
        )
        if healthy["healthy_p99_ms"] and dead["healthy_p99_ms"]:
            ratio = dead["healthy_p99_ms"] / healthy["healthy_p99_ms"]
            print(f"{sender}: healthy p99 with {DEAD} dead / all healthy = {ratio:.2f}x")
    (OUT_DIR / "fairness.json").write_text(json.dumps(results, indent=2))
    return results


def main(argv: list[str]) -> None:
    if argv[:1] == ["step"]:
        targets, sender, out = argv[1], argv[2], Path(argv[3])
        rate, warmup, window = (float(value) for value in argv[4:7])
        import django

        django.setup()
        out.write_text(json.dumps(step(targets, sender, rate, warmup, window, out.parent)))
        return
    parser = argparse.ArgumentParser(prog="python -m kazoo_zapier.bench fairness")
    parser.add_argument("--profile", default="production", choices=["production", "embedded"])
    parser.add_argument("--rate", type=float, default=100.0, help="new calls/s")
    parser.add_argument("--warmup", type=float, default=20.0)
    parser.add_argument("--window", type=float, default=30.0)
    args = parser.parse_args(argv)
    run(args.profile, args.rate, args.warmup, args.window)


if __name__ == "__main__":
    main(sys.argv[1:])

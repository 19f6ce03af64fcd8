"""The subscribe step: how long until every account is heard, under Kazoo's rate limit.

`python -m kazoo_zapier.bench subscribe [--accounts 5000] [--sockets 1,4]`

- A simulator applying Kazoo 4.3's bucket (100 messages per socket, 10 more a second) and a
  provider with `--accounts` customer accounts; the listener's Blackhole sockets (the same
  BlackholeGroup the listener holds) subscribe one `call.*.*` each. Measured: seconds until every
  account is subscribed, beside the bucket's lower bound `(messages - 100) / 10` per socket, and
  the process's memory growth (client and simulator share this process: an upper bound).
- The fan-out's candidate lookup (hooks/candidates.py) per event, with 100 hooks and with
  100,000 hooks over the same accounts, cold (first event of a key) and held.
"""

import argparse
import os
import tempfile
import time
from typing import Any

import requests


def _rss_mb() -> float:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def subscribe_step(accounts: int, sockets: int) -> dict[str, Any]:
    from kazoo_zapier.kazoo.blackhole_group import BlackholeGroup, socket_index
    from kazoo_zapier.kazoo.simulator import KazooSimulator
    from kazoo_zapier.kazoo.simulator.world import Account, demo_world, kazoo_id

    world = demo_world()
    ids = [kazoo_id(f"account:bench:{n}") for n in range(accounts)]
    for number, account_id in enumerate(ids):
        world.accounts.append(
            Account(account_id, f"Bench {number}", f"b{number}.example.com", world.master.id)
        )
    sim = KazooSimulator(world=world, speed=0).start()
    rss_before = _rss_mb()

    def token() -> str:
        answer = requests.put(
            f"{sim.api_url}/api_auth", json={"data": {"api_key": world.api_key}}, timeout=10
        )
        return answer.json()["auth_token"]

    group = BlackholeGroup([sim.ws_url], token, lambda envelope: None, sockets=sockets)
    started = time.monotonic()
    group.start()
    group.set_subscriptions((account_id, "call.*.*") for account_id in ids)
    while group.snapshot().account_counts()["subscribed"] < accounts:
        time.sleep(0.2)
        if time.monotonic() - started > 3600:
            raise RuntimeError("not all subscribed within an hour")
    seconds = time.monotonic() - started
    status = group.snapshot()
    rss_after = _rss_mb()
    group.stop()
    sim.stop()
    busiest = max(
        sum(1 for a in ids if socket_index(a, sockets) == index) for index in range(sockets)
    )
    return {
        "accounts": accounts,
        "sockets": sockets,
        "seconds": round(seconds, 1),
        "lower_bound_seconds": round(max(0, busiest - 100) / 10, 1),
        "busiest_socket_accounts": busiest,
        "messages_sent": status.messages_sent,
        "rate_limited": status.rate_limited,
        "resent": status.resent,
        "memory_growth_mb": round(rss_after - rss_before, 1),
    }


def fanout_step(accounts: int, hook_counts: tuple[int, ...] = (100, 100_000)) -> list[dict]:
    """Per-event cost of finding the candidate hooks, on a fresh SQLite database."""
    from django.contrib.auth import get_user_model
    from django.core.management import call_command

    from hooks.candidates import candidate_hooks, forget_candidates
    from hooks.models import Hook

    call_command("migrate", verbosity=0)
    owner = get_user_model().objects.create(username="bench-owner")
    ids = [f"{n:032x}" for n in range(accounts)]
    kinds = ("call.ringing", "call.answered", "call.ended", "call.missed")
    results = []
    for total in hook_counts:
        Hook.objects.all().delete()
        Hook.objects.bulk_create(
            (
                Hook(
                    owner=owner,
                    account_id=ids[n % accounts],
                    kazoo_user_id="u",
                    event=kinds[(n // accounts) % len(kinds)],
                    target_url="https://hooks.zapier.example/h",
                )
                for n in range(total)
            ),
            batch_size=5000,
        )
        forget_candidates()
        keys = [(ids[n * 7919 % accounts], kinds[n % len(kinds)]) for n in range(2000)]
        started = time.perf_counter()
        for key in keys:  # one event per batch, each key once: the cold case
            candidate_hooks({key})
        cold = (time.perf_counter() - started) / len(keys)
        started = time.perf_counter()
        for key in keys:  # the same keys again: held
            candidate_hooks({key})
        held = (time.perf_counter() - started) / len(keys)
        results.append(
            {"hooks": total, "cold_ms": round(cold * 1000, 3), "held_ms": round(held * 1000, 3)}
        )
    return results


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m kazoo_zapier.bench subscribe")
    parser.add_argument("--accounts", type=int, default=5000)
    parser.add_argument("--sockets", default="1,4")
    parser.add_argument("--skip-fanout", action="store_true")
    args = parser.parse_args(argv)
    # A fresh SQLite database of its own: the fan-out step's hooks touch nobody else's.
    directory = tempfile.mkdtemp(prefix="bench-subscribe-")
    os.environ["DATABASE_URL"] = f"sqlite:///{directory}/subscribe.sqlite3"
    os.environ["REDIS_URL"] = ""
    os.environ["DJANGO_SETTINGS_MODULE"] = "kazoo_zapier.settings"
    import django

    django.setup()
    for sockets in (int(s) for s in args.sockets.split(",") if s):
        print(subscribe_step(args.accounts, sockets), flush=True)
    if not args.skip_fanout:
        for row in fanout_step(args.accounts):
            print(row, flush=True)

"""python -m kazoo_zapier.bench run | receiver | simulator | forwarder (see __init__.py)."""

import argparse
import os
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def main() -> None:
    import sys

    if sys.argv[1:2] == ["subscribe"]:  # its own step, its own options (bench/subscribe.py)
        from kazoo_zapier.bench.subscribe import main as subscribe

        subscribe(sys.argv[2:])
        return
    if sys.argv[1:2] == ["fairness"]:  # the delivery bench (bench/fairness.py)
        from kazoo_zapier.bench.fairness import main as fairness

        fairness(sys.argv[2:])
        return
    parser = argparse.ArgumentParser(prog="python -m kazoo_zapier.bench")
    commands = parser.add_subparsers(dest="command", required=True)
    run = commands.add_parser("run", help="the whole benchmark and docs/benchmarks.md")
    run.add_argument("--rates", default="25,50,100,200,400,500", help="new calls/s, rising")
    run.add_argument("--warmup", type=float, default=5.0, help="seconds to settle per rate")
    run.add_argument("--window", type=float, default=15.0, help="seconds measured per rate")
    run.add_argument("--profiles", default="production,embedded")
    run.add_argument(
        "--hold-calls",
        type=int,
        default=10_000,
        help="after the rates, hold --hold-rate until the listener tracks this many calls (0: no)",
    )
    run.add_argument("--hold-rate", type=float, default=400.0, help="new calls/s while holding")
    run.add_argument("--report", type=Path, default=ROOT / "docs" / "benchmarks.md")
    commands.add_parser("receiver", help="the local receiver (prints its URL)")
    commands.add_parser("simulator", help="the simulator with sub-second timestamps")
    forward = commands.add_parser("forwarder", help="the bare forwarder")
    forward.add_argument("--api-url", required=True)
    forward.add_argument("--ws-url", required=True)
    forward.add_argument("--target", required=True)
    forward.add_argument("accounts", nargs="+")
    args = parser.parse_args()

    if args.command == "run":
        from kazoo_zapier.bench.run import run as run_all

        run_all(
            profiles=[p for p in args.profiles.split(",") if p],
            rates=[float(rate) for rate in args.rates.split(",")],
            warmup=args.warmup,
            window=args.window,
            report=args.report,
            hold_calls=args.hold_calls,
            hold_rate=args.hold_rate,
        )
        return
    if args.command == "receiver":
        from kazoo_zapier.bench.receiver import serve

        serve()
        return
    # The simulator and the forwarder read settings (the world's API key, Kazoo's timeouts).
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kazoo_zapier.settings")
    import django

    django.setup()
    if args.command == "simulator":
        from kazoo_zapier.bench.simulator import serve

        serve()
    else:
        from django.conf import settings

        from kazoo_zapier.bench.forwarder import serve

        serve(
            args.api_url, settings.KAZOO_SIMULATOR_API_KEY, args.ws_url, args.target, args.accounts
        )


if __name__ == "__main__":
    main()

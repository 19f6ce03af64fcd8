import argparse
import logging
import signal
import threading

from django.core.management.base import BaseCommand, CommandError

from events.listener import ListenerThreadDied, listener_from_settings

logger = logging.getLogger(__name__)


def parse_shard(text: str) -> tuple[int, int]:
    try:
        index, count = (int(part) for part in text.split("/"))
    except ValueError:
        raise argparse.ArgumentTypeError(f"--shard {text!r}: expected i/n, e.g. 0/4") from None
    if not 0 <= index < count:
        raise argparse.ArgumentTypeError(f"--shard {text!r}: expected 0 <= i < n")
    return index, count


class Command(BaseCommand):
    help = (
        "Listen to Kazoo's Blackhole for the call events of every account with an active "
        "subscription, normalize them, and store them with their deliveries."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--name",
            default="default",
            help="this listener's name, when several listen to different Kazoo clusters",
        )
        parser.add_argument(
            "--shard",
            type=parse_shard,
            default=(0, 1),
            help="i/n: listen only to the accounts whose stable hash falls in shard i of n "
            "(run n listeners, each with its own --name, to share the accounts)",
        )
        parser.add_argument(
            "--sockets",
            type=int,
            default=None,
            help="Blackhole sockets to hold (default KAZOO_WS_SOCKETS); each has its own "
            "rate limit in Kazoo, so each adds 10 subscribes a second",
        )

    def handle(self, *args, **options):
        stop = threading.Event()

        def request_stop(signum, frame):
            logger.info("signal %s: draining and stopping", signal.Signals(signum).name)
            stop.set()

        signal.signal(signal.SIGTERM, request_stop)
        signal.signal(signal.SIGINT, request_stop)
        extra = {"sockets": options["sockets"]} if options["sockets"] else {}
        listener = listener_from_settings(name=options["name"], shard=options["shard"], **extra)
        self.stdout.write(f"Kazoo listener {options['name']!r}: {listener.blackhole.url}")
        self.stdout.flush()
        try:
            listener.run(stop)
        except ListenerThreadDied as died:
            # Exit non-zero so that the supervisor (honcho, systemd) starts a fresh listener.
            raise CommandError(f"{died}; exiting so that a fresh listener takes over") from died
